"""The attribution metrics of the catalog, worked by hand on a tiny company, and the one attribution SQL behind them."""

from __future__ import annotations

import pandas as pd
import pytest
from pydantic import ValidationError

from alignment import attribution, campaigns, catalog
from tests.metric_fixtures import Company, day, run, value


def _campaign(company: Company, campaign_id: str, channel: str, start: str, end: str, *,
              actual_cost: float | None = None, parent: str | None = None) -> None:
    company.add("campaigns", campaign_id=campaign_id, name=f"Campaign {campaign_id}", channel=channel,
                content=f"{campaign_id} content", targeting="CFOs", start_date=day(start), end_date=day(end),
                actual_cost=actual_cost, parent_campaign_id=parent, sales_sponsor_id="u1")


def _company() -> Company:
    """Quarter 2026-Q3. Worked numbers (w_shaped, the default model of record, pipeline basis unless said):

    O1 10,000, created 07-10, p1 on it, won 08-15: p1's touches E1 07-02 (FT), W1 07-04 (MT: p1's MQL is 07-05;
       OT: last before 07-10). w_shaped: FT 30 → E1, MT 30 + OT 30 → W1, no touch left for the spread 10 (dropped):
       E1 30/90 = 1/3 → 3,333.33, W1 2/3 → 6,666.67 (the same on the bookings basis).
    O2 4,000, created 07-12, p2 on it: one touch, E1 07-03 → E1 4,000.
    O3 6,000, created 07-15 at account A1, no contact role: no touch → (unattributed) 6,000.
    O4 5,000, created 04-01 (Q2), p2 on it, won 09-01: on the pipeline basis its window ends 04-01, so it is not
       influenced; on the bookings basis p2's E1 07-03 is before the end of 09-01 → E1 5,000 of bookings.
    Pipeline 20,000; influenced 14,000 (O1, O2). Bookings 15,000 (O1, O4); influenced 10,000 (O1: influence is the
    pipeline-basis window); attributed on the bookings basis 15,000.
    Spend in Q3: E1 1,000 + W1 3,000 + TV 9,000 (every campaign runs inside Q3) = 13,000; PRG has no cost.
    MQLs of Q3: p1 (07-05; target account, decision maker, 2 touches in the 90 days before → sales-ready) and p2
    (07-06; persona other → not). E1 touched both before their MQL, W1 p1 only.
    """
    c = Company()
    c.account("A1", is_target_account=True, region="NA")
    c.user("u1", "Maria Lopez")
    c.person("p1", "2026-06-01", kind="contact", account_id="A1", persona="decision_maker")
    c.person("p2", "2026-06-01", kind="contact", account_id="A1", persona="other")
    c.person("p3", "2026-07-02 12:00", kind="lead")
    c.event("p1", "mql", "2026-07-05").event("p2", "mql", "2026-07-06")
    c.opportunity("O1", "2026-07-10", account_id="A1", amount=10000.0, close_date="2026-08-15", is_closed=True,
                  is_won=True)
    c.opportunity("O2", "2026-07-12", account_id="A1", amount=4000.0)
    c.opportunity("O3", "2026-07-15", account_id="A1", amount=6000.0)
    c.opportunity("O4", "2026-04-01", account_id="A1", amount=5000.0, close_date="2026-09-01", is_closed=True,
                  is_won=True)
    c.contact_role("O1", "p1").contact_role("O2", "p2").contact_role("O4", "p2")
    _campaign(c, "PRG", "email", "2026-01-01", "2026-12-31")  # a program: E1 belongs to it
    _campaign(c, "E1", "email", "2026-07-01", "2026-07-31", actual_cost=1000.0, parent="PRG")
    _campaign(c, "W1", "webinar", "2026-07-01", "2026-09-30", actual_cost=3000.0)
    _campaign(c, "TV", "tv", "2026-07-01", "2026-09-30", actual_cost=9000.0)
    c.member("E1", "p1", "2026-07-02 09:00", added="2026-07-01 09:00")
    c.member("E1", "p2", "2026-07-03 09:00", added="2026-07-01 09:00")
    c.member("W1", "p1", "2026-07-04 09:00", added="2026-07-01 09:00")
    c.awareness("2026-07-06", "tv", "impressions", 2_000_000).awareness("2026-07-06", "tv", "reach", 500_000)
    c.awareness("2026-07-06", "TV", "Site Visits", 1_200)
    return c


@pytest.fixture(scope="module")
def con():
    connection = _company().connect()
    yield connection
    connection.close()


def test_influenced_pipeline(con):
    assert run(con, "marketing_influenced_pipeline") == [
        {"value": 14000.0, "deals": 2, "pipeline": 20000.0, "influenced_share": 0.7}]


def test_influenced_bookings_read_influence_on_the_pipeline_basis(con):
    assert run(con, "marketing_influenced_bookings") == [
        {"value": 10000.0, "deals": 1, "bookings": 15000.0, "influenced_share": pytest.approx(2 / 3)}]


def test_roi_is_credited_amount_per_dollar_spent(con):
    assert run(con, "pipeline_roi") == [
        {"value": pytest.approx(14000 / 13000), "attributed_pipeline": 14000.0, "marketing_spend": 13000.0}]
    assert run(con, "bookings_roi") == [
        {"value": pytest.approx(15000 / 13000), "attributed_bookings": 15000.0, "marketing_spend": 13000.0}]


def test_the_lookback_and_the_linking_come_from_the_definitions(con):
    # 5 days back from 07-10 and 07-12 reaches neither p1's touches (07-02, 07-04) nor p2's (07-03).
    assert value(con, "marketing_influenced_pipeline", lookback_days=5) == 0
    # Everyone at A1 is linked to every A1 deal: O3 is influenced too.
    assert value(con, "marketing_influenced_pipeline", linking="account") == 20000.0


@pytest.mark.parametrize("by_account", [False, True])
@pytest.mark.parametrize("lookback_days", [0, 7, 365, 3650])
def test_influence_from_the_stored_latest_touches_is_the_touch_by_touch_window(reader, by_account, lookback_days):
    """On the demo company, every deal's influence read from the latest touches stored at import (the catalog's
    `influenced_deals`) equals the §4.4 window applied touch by touch (attribution's `eligible_touches`), on both
    bases, for both linkings and lookbacks from none to ten years."""
    cur = catalog.cursor(reader)
    for primary_credit in (False, True):
        params = {"by_account": by_account, "primary_credit": primary_credit, "lookback_hours": lookback_days * 24}
        stored = cur.execute(
            "SELECT opportunity_id, is_influenced, has_bookings_touch "
            "FROM influenced_deals($by_account, $primary_credit, $lookback_hours)", params).df().set_index("opportunity_id")
        for is_bookings, column in ((False, "is_influenced"), (True, "has_bookings_touch")):
            windowed = {row[0] for row in cur.execute(
                "SELECT DISTINCT opportunity_id FROM eligible_touches($is_bookings, $by_account, $primary_credit, NULL,"
                " NULL, $lookback_hours)", {**params, "is_bookings": is_bookings}).fetchall()}
            assert windowed or lookback_days == 0, "the demo company has influenced deals"
            assert set(stored.index[stored[column]]) == windowed


def test_campaign_results_are_worked_by_hand(con):
    rows = {row["campaign_id"]: row for row in run(con, "campaign_results")}
    assert set(rows) == {"E1", "W1", "TV"}  # PRG: a program with no cost and no members of its own
    e1, w1, tv = rows["E1"], rows["W1"], rows["TV"]
    assert {k: e1[k] for k in ("cost", "cost_basis", "members", "responses", "mqls", "sales_ready_mqls",
                               "lead_quality", "cost_per_sales_ready_lead", "bought_lead_price", "influenced_deals",
                               "influenced_pipeline", "sales_sponsor", "runs_in_quarter")} == {
        "cost": 1000.0, "cost_basis": "actual cost", "members": 2, "responses": 2, "mqls": 2, "sales_ready_mqls": 1,
        "lead_quality": 0.5, "cost_per_sales_ready_lead": 1000.0, "bought_lead_price": 250.0,
        "influenced_deals": 2, "influenced_pipeline": 14000.0, "sales_sponsor": "Maria Lopez",
        "runs_in_quarter": True}
    assert e1["attributed_pipeline"] == pytest.approx(10000 / 3 + 4000)
    assert e1["attributed_bookings"] == pytest.approx(10000 / 3 + 5000)
    assert e1["pipeline_roi"] == pytest.approx((10000 / 3 + 4000) / 1000)
    assert w1["attributed_pipeline"] == pytest.approx(20000 / 3)
    assert w1["pipeline_roi"] == pytest.approx(20000 / 3 / 3000)
    assert (w1["mqls"], w1["sales_ready_mqls"], w1["cost_per_sales_ready_lead"]) == (1, 1, 3000.0)
    assert (tv["funnel_role"], tv["cost"], tv["attributed_pipeline"], tv["pipeline_roi"]) == (
        "awareness", 9000.0, 0.0, 0.0)


def test_another_model_of_record_shares_the_same_deals_differently(con):
    # linear: O1's two touches get half each → E1 5,000 + 4,000 = 9,000, W1 5,000; the total stays 14,000.
    rows = {row["campaign_id"]: row["attributed_pipeline"]
            for row in run(con, "campaign_results", model_of_record="linear")}
    assert rows == {"E1": pytest.approx(9000.0), "W1": pytest.approx(5000.0), "TV": 0.0}


def test_channel_results_reconcile_to_the_crm(con):
    rows = {row["channel"]: row for row in run(con, "channel_results")}
    assert list(rows) == ["email", "webinar", "tv", "(unattributed)"]
    assert rows["email"]["attributed_pipeline"] == pytest.approx(10000 / 3 + 4000)
    assert (rows["webinar"]["cost"], rows["webinar"]["sales_ready_mqls"]) == (3000.0, 1)
    assert (rows["tv"]["funnel_role"], rows["tv"]["campaigns"], rows["tv"]["pipeline_roi"]) == ("awareness", 1, None)
    assert (rows["(unattributed)"]["attributed_pipeline"], rows["(unattributed)"]["attributed_bookings"]) == (
        6000.0, 0.0)
    # Every model's credited amounts add up to the quarter's pipeline (20,000) and bookings (15,000).
    assert sum(r["attributed_pipeline"] for r in rows.values()) == pytest.approx(20000.0)
    assert sum(r["attributed_bookings"] for r in rows.values()) == pytest.approx(15000.0)


def test_awareness_is_measured_by_channel(con):
    # 9,000 / 2,000,000 impressions × 1,000 = $4.50 per thousand; 'TV' and 'Site Visits' are read as tv, site_visits.
    assert run(con, "awareness_by_channel") == [
        {"channel": "tv", "campaigns": 1, "cost": 9000.0, "impressions": 2_000_000.0, "reach": 500_000.0,
         "site_visits": 1200.0, "cost_per_thousand_impressions": 4.5}]


@pytest.mark.parametrize("model", attribution.MODELS)
def test_the_catalog_macro_is_the_attribution_sql(con, model):
    """One source: the macro the metrics call gives exactly what alignment.attribution gives, model by model."""
    options = attribution.AttributionOptions(model=model, quarter="2026-Q3")
    expected = attribution.attribute(con, options)
    markov = attribution.markov_model(con, options) if model == "data_driven" else None
    cursor = catalog.cursor(con)
    try:
        found = cursor.execute(
            "SELECT opportunity_id, campaign_id, share, credited_amount FROM model_shares(false, false, "
            "$primary_credit, $quarter_start, $quarter_end, $lookback_hours, $half_life_days, $models, "
            "$markov_channels, $markov_effects)",
            {"primary_credit": options.primary_campaign_credit, "quarter_start": options.quarter.start, "quarter_end": options.quarter.end, "lookback_hours": 365 * 24,
             "half_life_days": 7.0, "models": attribution.model_weights((model,)),
             **attribution.markov_parameters(markov.removal_effects if markov else {})}).df()
    finally:
        cursor.close()
    pd.testing.assert_frame_equal(found.reset_index(drop=True), expected.reset_index(drop=True),
                                  check_dtype=False)


def test_data_driven_results_learn_their_channel_weights(con):
    frame = campaigns.results(con, "campaign_results", {"quarter": "2026-Q3"},
                              catalog.Definitions(model_of_record="data_driven"))
    assert frame["attributed_pipeline"].sum() == pytest.approx(14000.0)
    assert frame.attrs["model_card"].startswith("data_driven · pipeline · lookback 365 d")
    assert "paths" in frame.attrs["caveat"]


def test_models_side_by_side(con):
    table = campaigns.models_side_by_side(con, "2026-Q3", ["W1", "E1"]).set_index("campaign_id")
    assert list(table.index) == ["W1", "E1"] and list(table.columns) == list(attribution.MODELS)
    # first_touch: O1 → E1 (07-02), O2 → E1; last_touch: O1 → W1 (07-04), O2 → E1.
    assert table.loc["E1", "first_touch"] == 14000.0 and table.loc["W1", "first_touch"] == 0.0
    assert table.loc["W1", "last_touch"] == 10000.0 and table.loc["E1", "last_touch"] == 4000.0
    assert table.sum().tolist() == pytest.approx([14000.0] * len(attribution.MODELS))  # the same two deals, shared


def test_definitions_refuse_an_unknown_model_and_a_bad_lookback():
    with pytest.raises(ValidationError, match="w_shaped"):
        catalog.Definitions(model_of_record="last_click")
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        catalog.Definitions(lookback_days=-1)
    with pytest.raises(ValidationError, match="contacts"):
        catalog.Definitions(linking="everyone")
