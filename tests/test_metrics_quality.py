"""Lead quality (DESIGN §4.5, §4.8): target account × decision role × interest, its breakdowns, and engagement."""

from __future__ import annotations

import duckdb
import pytest

from alignment import catalog
from metric_fixtures import Company, at, run, value


@pytest.fixture(scope="module")
def leads() -> duckdb.DuckDBPyConnection:
    """MQLs of 2026-Q3 and their responded touches. T1 is a target account (EMEA, Enterprise); N1 is not (NA, SMB).

    Campaigns W (webinar, 07-01..07-30, actual 600), E (email), TV (tv).
    M1  T1, 'Decision Maker', mql 07-10 12:00; touches W 07-01, E 04-11 12:00 (exactly mql − 90 days: inside),
        TV 01-01 (outside the window) → 2 interest touches → sales-ready.
    M2  T1, 'influencer', mql 07-10 12:00; touches W 07-01, E 04-11 11:59 (one minute too early), TV 07-10 12:00:01
        (after mql_at) → 1 interest touch → not ready.
    M3  N1 (not a target), decision_maker, touches W 07-05, E 07-06 → not ready.
    M4  T1, 'user', touches W 07-05, E 07-06 → not ready (no decision role).
    M5  an unconverted lead with no account, 'decision-maker', touches W 07-05, E 07-06 → not ready.
    M6  T1, ' Decision-Maker ', no MQL event: its SAL (08-01) stands in; touches W 07-20, E 07-25 → sales-ready.
    M7  T1, decision_maker, mql 06-15 (Q2): not an MQL of Q3.
    M3, M4, M5: mql 07-10. Owners: M1, M2 → U1 (Ana); M3, M4 → U2 (Ben); M5, M6 → none.
    """
    company = Company().user("U1", "Ana").user("U2", "Ben")
    company.account("T1", region="EMEA", segment="Enterprise", is_target_account=True, name="Target Co")
    company.account("N1", region="NA", segment="SMB", is_target_account=False, name="Other Co")
    company.campaign("W", "webinar", start="2026-07-01", end="2026-07-30", actual_cost=600)
    company.campaign("E", "email").campaign("TV", "tv")
    people = (("M1", "T1", "Decision Maker", "U1"), ("M2", "T1", "influencer", "U1"),
              ("M3", "N1", "decision_maker", "U2"), ("M4", "T1", "user", "U2"), ("M5", None, "decision-maker", None),
              ("M6", "T1", " Decision-Maker ", None), ("M7", "T1", "decision_maker", None))
    for person, account, persona, owner in people:
        company.person(person, "2026-01-01", account_id=account, persona=persona, owner_id=owner)
    company.event("M1", "mql", "2026-07-10 12:00").event("M2", "mql", "2026-07-10 12:00")
    for person in ("M3", "M4", "M5"):
        company.event(person, "mql", "2026-07-10")
        company.member("W", person, "2026-07-05").member("E", person, "2026-07-06")
    company.event("M6", "sal", "2026-08-01").event("M7", "mql", "2026-06-15")
    company.member("W", "M1", "2026-07-01").member("E", "M1", "2026-04-11 12:00").member("TV", "M1", "2026-01-01")
    company.member("W", "M2", "2026-07-01").member("E", "M2", "2026-04-11 11:59")
    company.member("TV", "M2", "2026-07-10 12:00:01")
    company.member("W", "M6", "2026-07-20").member("E", "M6", "2026-07-25")
    company.member("W", "M7", "2026-06-01").member("E", "M7", "2026-06-02")
    return company.connect()


def test_lead_quality(leads):
    # MQLs of Q3: M1-M6 = 6; sales-ready: M1, M6 → 2 / 6.
    assert run(leads, "lead_quality") == [{"value": pytest.approx(1 / 3), "sales_ready_mqls": 2, "mqls": 6}]
    assert value(leads, "sales_ready_mqls") == 2
    # Strict: M6 has no MQL date → 5 MQLs, only M1 ready.
    assert value(leads, "lead_quality", stage_policy="strict") == pytest.approx(1 / 5)
    # One touch is enough: M2 qualifies too → 3 / 6.
    assert value(leads, "lead_quality", interest_touches=1) == pytest.approx(3 / 6)
    # A 91-day window reaches M2's 04-11 11:59 touch: M2 has 2 → 3 / 6.
    assert value(leads, "lead_quality", interest_window_days=91) == pytest.approx(3 / 6)
    # Users as a decision role: M4 joins → 3 / 6.
    assert value(leads, "lead_quality", sales_ready_personas=("decision_maker", "influencer", "User")) == 0.5


def test_lead_quality_by_campaign_and_channel(leads):
    # A campaign counts the MQLs it touched at or before their mql_at (any time before, not only the window):
    # E touched M1-M6 (M2's 04-11 11:59 too), W touched M1-M6, TV only M1 (its M2 touch came after mql_at).
    assert run(leads, "lead_quality_by_campaign") == [
        {"campaign_id": "E", "campaign_name": "Campaign E", "channel": "email", "mqls": 6, "sales_ready_mqls": 2,
         "lead_quality": pytest.approx(1 / 3)},
        {"campaign_id": "W", "campaign_name": "Campaign W", "channel": "webinar", "mqls": 6, "sales_ready_mqls": 2,
         "lead_quality": pytest.approx(1 / 3)},
        {"campaign_id": "TV", "campaign_name": "Campaign TV", "channel": "tv", "mqls": 1, "sales_ready_mqls": 1,
         "lead_quality": 1.0},
    ]
    assert run(leads, "lead_quality_by_channel") == [
        {"channel": "email", "mqls": 6, "sales_ready_mqls": 2, "lead_quality": pytest.approx(1 / 3)},
        {"channel": "webinar", "mqls": 6, "sales_ready_mqls": 2, "lead_quality": pytest.approx(1 / 3)},
        {"channel": "tv", "mqls": 1, "sales_ready_mqls": 1, "lead_quality": 1.0},
    ]


def test_lead_quality_by_segment_and_owner(leads):
    assert run(leads, "lead_quality_by_segment") == [
        {"segment": "Enterprise", "mqls": 4, "sales_ready_mqls": 2, "lead_quality": 0.5},  # M1, M2, M4, M6
        {"segment": "(none)", "mqls": 1, "sales_ready_mqls": 0, "lead_quality": 0.0},  # M5
        {"segment": "SMB", "mqls": 1, "sales_ready_mqls": 0, "lead_quality": 0.0},  # M3
    ]
    assert run(leads, "lead_quality_by_owner") == [
        {"owner_id": "(none)", "owner_name": None, "mqls": 2, "sales_ready_mqls": 1, "lead_quality": 0.5},  # M5, M6
        {"owner_id": "U1", "owner_name": "Ana", "mqls": 2, "sales_ready_mqls": 1, "lead_quality": 0.5},  # M1, M2
        {"owner_id": "U2", "owner_name": "Ben", "mqls": 2, "sales_ready_mqls": 0, "lead_quality": 0.0},  # M3, M4
    ]


def test_region_filter(leads):
    # EMEA (T1) MQLs: M1, M2, M4, M6 → ready M1, M6.
    assert value(leads, "lead_quality", region="EMEA") == 0.5


def test_cost_per_sales_ready_lead_against_the_bought_lead_price(leads):
    # W cost 600 falls wholly in Q3; 2 sales-ready MQLs → 300 each; the benchmark is the bought-lead price.
    assert run(leads, "cost_per_sales_ready_lead") == [
        {"value": 300.0, "marketing_spend": 600.0, "sales_ready_mqls": 2}]
    comparison = catalog.compare(leads, "cost_per_sales_ready_lead", {"quarter": "2026-Q3"},
                                 definitions=catalog.Definitions(bought_lead_price=275))
    assert comparison.target == 275


def test_most_engaged_accounts_and_people(leads):
    # Touches dated in Q3: M1 1 (W), M2 2 (W, TV), M3 2, M4 2, M5 2 (no account), M6 2 (W 07-20, E 07-25).
    # T1: M1 + M2 + M4 + M6 = 7 touches by 4 people, last 07-25 → 68 days before 10-01. N1: M3's 2, last 07-06 → 87.
    assert run(leads, "engaged_accounts") == [
        {"account_id": "T1", "account_name": "Target Co", "is_target_account": True, "responded_touches": 7,
         "people_engaged": 4, "last_touch_at": at("2026-07-25"),
         "days_since_last_touch": 68.0},
        {"account_id": "N1", "account_name": "Other Co", "is_target_account": False, "responded_touches": 2,
         "people_engaged": 1, "last_touch_at": at("2026-07-06"),
         "days_since_last_touch": 87.0},
    ]
    people = run(leads, "engaged_people")
    # Two touches each, most recent first: M6 (07-25), M2 (07-10 12:00:01), then M3, M4, M5 (07-06) by id; M1 last.
    assert [p["person_id"] for p in people] == ["M6", "M2", "M3", "M4", "M5", "M1"]
    assert people[0]["persona"] == "decision_maker"  # ' Decision-Maker ' normalised
    # Owners: M1, M2 → U1 (Ana); M3, M4 → U2 (Ben); M5, M6 → none.
    assert [p["owner_name"] for p in people] == [None, "Ana", "Ben", "Ben", None, "Ana"]
    assert [p["person_id"] for p in run(leads, "engaged_people", region="NA")] == ["M3"]


def test_engaged_people_name_an_owner_missing_from_users_by_id():
    # P1's owner U1 is a user (Ana); P2's owner U9 is not in users, so the id stands in.
    company = Company().user("U1", "Ana").campaign("W", "webinar")
    company.person("P1", "2026-01-01", owner_id="U1").person("P2", "2026-01-01", owner_id="U9")
    company.member("W", "P1", "2026-07-02").member("W", "P2", "2026-07-01")
    assert [(p["person_id"], p["owner_name"]) for p in run(company.connect(), "engaged_people")] == [
        ("P1", "Ana"), ("P2", "U9")]


def test_empty_quarter(leads):
    assert value(leads, "lead_quality", "2030-Q1") is None
    assert value(leads, "cost_per_sales_ready_lead", "2030-Q1") is None
    for name in ("lead_quality_by_campaign", "lead_quality_by_channel", "lead_quality_by_segment",
                 "lead_quality_by_owner", "engaged_accounts", "engaged_people"):
        assert run(leads, name, "2030-Q1") == []


def test_audit_sales_ready_never_exceeds_mqls(leads):
    for name in ("lead_quality", "lead_quality_by_campaign", "lead_quality_by_channel", "lead_quality_by_segment",
                 "lead_quality_by_owner"):
        frame = catalog.run(leads, name, {"quarter": "2026-Q3"})  # noqa: F841 (read by the SQL below)
        assert duckdb.sql("SELECT * FROM frame WHERE sales_ready_mqls > mqls").fetchall() == []
