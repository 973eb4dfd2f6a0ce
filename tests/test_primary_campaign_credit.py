"""Credit where the CRM gives it: a deal with no linked touch that names its primary campaign is touched by it at its
creation (DESIGN §12), in attribution, influence and campaign results alike, and the charter can switch it off."""

from __future__ import annotations

import pytest

from alignment import attribution
from metric_fixtures import Company, run


@pytest.fixture(scope="module")
def deals():
    """Q3 2026. O1 (1,000) has a linked touch: P1 answered C1 (email) on 07-05, O1 opened 07-10, P1 its contact.
    O2 (500) has no contact role and names C2 (webinar) as its primary campaign. O3 (200) names C3, which is not
    loaded. O4 (300) has a contact P2 whose only touch (C1, 2024-01-01) is outside the 365-day window, and names C2.
    O2 and O4 are won on 08-31; O1 is open."""
    company = Company()
    company.account("A1")
    company.campaign("C1", "email", actual_cost=100).campaign("C2", "webinar", actual_cost=100)
    company.person("P1", "2026-07-01", account_id="A1").member("C1", "P1", "2026-07-05")
    company.person("P2", "2024-01-01", account_id="A1").member("C1", "P2", "2024-01-01")
    company.opportunity("O1", "2026-07-10", account_id="A1", amount=1000, primary_campaign_id="C2")
    company.contact_role("O1", "P1", is_primary=True)
    company.opportunity("O2", "2026-07-20", account_id="A1", amount=500, primary_campaign_id="C2",
                        close_date="2026-08-31", is_closed=True, is_won=True)
    company.opportunity("O3", "2026-07-25", account_id="A1", amount=200, primary_campaign_id="C3")
    company.opportunity("O4", "2026-08-01", account_id="A1", amount=300, primary_campaign_id="C2",
                        close_date="2026-08-31", is_closed=True, is_won=True)
    company.contact_role("O4", "P2")
    return company.connect()


def test_a_deal_without_touches_is_credited_to_its_primary_campaign(deals):
    options = attribution.AttributionOptions(model="linear", quarter="2026-Q3")
    rows = attribution.attribute(deals, options)
    credited = {(r.opportunity_id, r.campaign_id if isinstance(r.campaign_id, str) else None): r.credited_amount
                for r in rows.itertuples()}
    # O1 keeps its own touch (C1), its primary campaign adds nothing; O2 and O4 go to C2 whole; O3's C3 is not
    # loaded, so O3 stays unattributed.
    assert credited == {("O1", "C1"): 1000.0, ("O2", "C2"): 500.0, ("O3", None): 200.0, ("O4", "C2"): 300.0}
    assert sum(credited.values()) == 2000.0  # still the CRM's pipeline to the cent


def test_switched_off_in_the_charter_those_deals_are_unattributed(deals):
    options = attribution.AttributionOptions(model="linear", quarter="2026-Q3", primary_campaign_credit=False)
    rows = attribution.attribute(deals, options)
    assert sorted(rows["opportunity_id"][rows["campaign_id"].isna()]) == ["O2", "O3", "O4"]


def test_influenced_pipeline_and_bookings_count_the_primary_campaign_touch(deals):
    # Influenced pipeline: O1 1,000 + O2 500 + O4 300 = 1,800 (O3's campaign is not loaded); without the credit
    # only O1. Influenced bookings: O2 + O4 = 800, else 0.
    assert run(deals, "marketing_influenced_pipeline")[0]["value"] == 1800.0
    assert run(deals, "marketing_influenced_pipeline", primary_campaign_credit=False)[0]["value"] == 1000.0
    assert run(deals, "marketing_influenced_bookings")[0]["value"] == 800.0
    assert run(deals, "marketing_influenced_bookings", primary_campaign_credit=False)[0]["value"] == 0.0


def test_campaign_results_show_the_credit(deals):
    rows = {r["campaign_id"]: r for r in run(deals, "campaign_results", model_of_record="linear")}
    assert rows["C2"]["attributed_pipeline"] == 800.0 and rows["C1"]["attributed_pipeline"] == 1000.0
    assert rows["C2"]["influenced_deals"] == 2
