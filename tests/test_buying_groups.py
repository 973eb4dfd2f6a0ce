"""Buying groups of open deals, worked out by hand: who is engaged, in which persona, and which deals are at risk."""

from __future__ import annotations

import pytest

from metric_fixtures import Company, run


@pytest.fixture(scope="module")
def con():
    # 2026-Q3 ends 2026-10-01; the engagement window is the 90 days before it (from 2026-07-03).
    company = (Company()
               .user("u1", "Ada Owner").user("u2", "Bo Owner")
               .account("A1", name="One Maker").account("A2", name="Full House", is_target_account=True)
               .account("A3", name="Silent").account("A4", name="Closed Shop")
               .campaign("C1", "webinar"))
    # A1: a decision maker on the deal, engaged; a user at the account who responded too long ago.
    company.person("p1", "2026-01-05", kind="contact", account_id="A1", persona="Decision Maker")
    company.person("p2", "2026-01-05", kind="contact", account_id="A1", persona="User")
    company.member("C1", "p1", "2026-09-01").member("C1", "p2", "2026-06-01")
    company.opportunity("O1", "2026-08-01", account_id="A1", amount=100.0, stage="Discovery")
    company.contact_role("O1", "p1")
    company.add("opportunities", opportunity_id="O1x", created_at=company.rows["opportunities"][0]["created_at"],
                account_id="A1", amount=None, owner_id="u1", is_closed=False, is_won=False)
    # A2: all three personas: the decision maker and the influencer on the deal, the user only at the account.
    for pid, persona in (("p3", "decision_maker"), ("p4", "Influencer"), ("p5", "user")):
        company.person(pid, "2026-02-01", kind="contact", account_id="A2", persona=persona)
        company.member("C1", pid, "2026-08-15")
    company.add("opportunities", opportunity_id="O2", created_at=company.rows["opportunities"][0]["created_at"],
                account_id="A2", amount=300.0, owner_id="u2", is_closed=False, is_won=False, name="Big one")
    company.contact_role("O2", "p3").contact_role("O2", "p4")
    # A3: no one engaged.
    company.person("p6", "2026-02-01", kind="contact", account_id="A3", persona="influencer")
    company.opportunity("O3", "2026-07-01", account_id="A3", amount=50.0)
    # A4: its deal closed before the quarter ended: not open, not listed.
    company.person("p7", "2026-02-01", kind="contact", account_id="A4", persona="user")
    company.member("C1", "p7", "2026-09-01")
    company.opportunity("O4", "2026-07-01", account_id="A4", amount=70.0, close_date="2026-09-15", is_closed=True)
    # A deal closed after the quarter's end was still open at it.
    company.opportunity("O5", "2026-07-01", account_id="A3", amount=20.0, close_date="2026-10-15", is_closed=True)
    with company.connect() as connection:
        yield connection


def by_deal(con) -> dict[str, dict]:
    return {row["opportunity_id"]: row for row in run(con, "buying_groups", "2026-Q3")}


def test_one_engaged_decision_maker_only(con):
    row = by_deal(con)["O1"]
    assert row["engaged_people"] == 1 and row["engaged_on_deal"] == 1
    assert row["decision_maker"] == "on the deal"
    assert row["influencer"] is None and row["user"] is None  # p2 responded before the window
    assert row["engaged_personas"] == "decision maker"
    assert row["missing_personas"] == "influencer, user"
    assert row["risk"] == "one engaged person"
    assert row["amount"] == 100.0 and row["account_name"] == "One Maker"


def test_all_three_personas_engaged(con):
    row = by_deal(con)["O2"]
    assert row["engaged_people"] == 3 and row["engaged_on_deal"] == 2
    assert (row["decision_maker"], row["influencer"], row["user"]) == ("on the deal", "on the deal",
                                                                         "at the account")
    assert row["missing_personas"] == "" and row["risk"] is None
    assert row["owner_name"] == "Bo Owner" and row["is_target_account"] is True


def test_no_one_engaged(con):
    rows = by_deal(con)
    for deal in ("O3", "O5"):
        assert rows[deal]["engaged_people"] == 0
        assert rows[deal]["missing_personas"] == "decision maker, influencer, user"
        assert rows[deal]["risk"] == "no engaged person"


def test_only_deals_open_at_the_quarters_end_largest_first(con):
    rows = run(con, "buying_groups", "2026-Q3")
    assert [r["opportunity_id"] for r in rows] == ["O2", "O1", "O3", "O5", "O1x"]
    assert rows[-1]["amount"] == 0.0  # an empty amount counts 0, as in pipeline
    assert rows[-1]["owner_name"] == "Ada Owner"


def test_a_quarter_before_the_deals_has_none(con):
    assert run(con, "buying_groups", "2026-Q2") == []


def _render_for_the_accounts_page():
    from alignment.catalog import Filters
    from ui import buying_groups

    buying_groups.render(Filters(quarter="2026-Q3"))


def test_the_render_the_accounts_page_calls_lists_the_risky_deals_with_journey_links(demo_db, monkeypatch, reader):
    from streamlit.testing.v1 import AppTest

    from alignment import journey, warehouse
    from ui import links

    monkeypatch.setenv(warehouse.DB_ENV, str(demo_db))
    at = AppTest.from_function(_render_for_the_accounts_page, default_timeout=60).run()
    assert not at.exception, at.exception
    risky = journey.at_risk(journey.buying_groups(reader, {"quarter": "2026-Q3"}))
    shown = next(d.value for d in at.dataframe if "Risk" in d.value.columns and "Engaged personas" in d.value.columns)
    assert len(shown) == len(risky) > 0
    assert set(shown["Risk"]) <= {"no engaged person", "one engaged person"}
    assert list(shown["Journey"]) == [links.account_link(a) for a in risky["account_id"]]
    assert any("only one engaged person" in m.value for m in at.markdown)
