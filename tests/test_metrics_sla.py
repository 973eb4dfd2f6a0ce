"""Sales acceptance and the follow-up SLA (DESIGN §4.2, §4.8): the MQLs of a quarter, per person."""

from __future__ import annotations

import duckdb
import pytest

from alignment import catalog
from metric_fixtures import Company, run, value


@pytest.fixture(scope="module")
def handoff() -> duckdb.DuckDBPyConnection:
    """MQLs around 2026-Q3 and what sales did with them.

    S1  mql 07-01 09:00; sal 07-01 12:00; activities 07-01 08:00 (before: ignored) and 07-01 09:00 (0 h).
    S2  mql 07-02 10:00; rejected 07-02 12:00 'Not ICP', accepted later (sal 07-20); activity 07-03 10:00 (24 h).
    S3  mql 07-03 00:00; rejected 07-04 'No budget'; activity 07-04 06:00 (30 h).
    S4  mql 09-30 20:00; rejected 10-03 with an empty reason; activity 10-02 08:00 (36 h, after the quarter).
    S5  mql 07-10; sal 07-11; disqualified 07-20 'Competitor'; no activity.
    S6  mql 07-11; disqualified 08-01 with no reason; its only activity (07-05) predates the MQL.
    S9  mql 07-12, sql 07-13 (no SAL: accepted only under back-fill); no activity.
    S7  rejected 07-05 without ever being an MQL: not an MQL of any quarter.
    S8  mql 06-30 23:00 (Q2), rejected 07-01: an MQL of Q2, not Q3.
    S1-S3 are owned by U1 (Ana) at A1 (EMEA); S4-S5 by U2 (Ben) at A2 (NA); S6, S9 have neither.
    """
    company = Company().user("U1", "Ana").user("U2", "Ben")
    company.account("A1", region="EMEA").account("A2", region="NA")
    for person, account, owner in (("S1", "A1", "U1"), ("S2", "A1", "U1"), ("S3", "A1", "U1"), ("S4", "A2", "U2"),
                                   ("S5", "A2", "U2"), ("S6", None, None), ("S7", None, None), ("S8", None, None),
                                   ("S9", None, None)):
        company.person(person, "2026-06-01", account_id=account, owner_id=owner)
    company.event("S1", "mql", "2026-07-01 09:00").event("S1", "sal", "2026-07-01 12:00")
    company.activity("T1a", "S1", "2026-07-01 08:00").activity("T1b", "S1", "2026-07-01 09:00")
    company.event("S2", "mql", "2026-07-02 10:00").event("S2", "rejected", "2026-07-02 12:00", "Not ICP")
    company.event("S2", "sal", "2026-07-20").activity("T2", "S2", "2026-07-03 10:00")
    company.event("S3", "mql", "2026-07-03").event("S3", "rejected", "2026-07-04", "No budget")
    company.activity("T3", "S3", "2026-07-04 06:00")
    company.event("S4", "mql", "2026-09-30 20:00").event("S4", "rejected", "2026-10-03", "")
    company.activity("T4", "S4", "2026-10-02 08:00")
    company.event("S5", "mql", "2026-07-10").event("S5", "sal", "2026-07-11")
    company.event("S5", "disqualified", "2026-07-20", "Competitor")
    company.event("S6", "mql", "2026-07-11").event("S6", "disqualified", "2026-08-01")
    company.activity("T6", "S6", "2026-07-05")
    company.event("S9", "mql", "2026-07-12").event("S9", "sql", "2026-07-13")
    company.event("S7", "rejected", "2026-07-05", "Not ICP")
    company.event("S8", "mql", "2026-06-30 23:00").event("S8", "rejected", "2026-07-01", "No budget")
    return company.connect()


def test_acceptance_rate_per_person(handoff):
    # Accepted (a SAL date, back-filled): S1, S2 (rejected first, counted once as accepted), S5, S9 (sql → sal) = 4.
    # Rejected and never accepted: S3, S4 (rejected after the quarter still counts) = 2. Rate = 4 / 6.
    assert run(handoff, "acceptance_rate") == [{"value": pytest.approx(4 / 6), "accepted": 4, "rejected": 2}]
    # Strict: S9 has no SAL date and no rejection, so it drops out: 3 / 5.
    assert run(handoff, "acceptance_rate", stage_policy="strict") == [
        {"value": pytest.approx(3 / 5), "accepted": 3, "rejected": 2}]
    # Q2: S8 was an MQL of Q2 and rejected → 0 / 1.
    assert value(handoff, "acceptance_rate", "2026-Q2") == 0.0


def test_rejected_and_disqualified_with_reasons(handoff):
    assert value(handoff, "rejected") == 2  # S3, S4
    assert run(handoff, "rejection_reasons") == [
        # ORDER BY people DESC, reason: '(' sorts before 'N'.
        {"reason": "(no reason given)", "people": 1, "share": 0.5},  # S4's empty reason
        {"reason": "No budget", "people": 1, "share": 0.5},  # S3 (S2's 'Not ICP' is gone: S2 was accepted)
    ]
    assert value(handoff, "disqualified") == 2  # S5, S6
    assert run(handoff, "disqualification_reasons") == [
        {"reason": "(no reason given)", "people": 1, "share": 0.5},
        {"reason": "Competitor", "people": 1, "share": 0.5},
    ]


def test_follow_up_time(handoff):
    # MQLs of Q3: S1, S2, S3, S4, S5, S6, S9 = 7. First activity at or after mql_at:
    # S1 0 h (exactly at mql_at), S2 24 h, S3 30 h, S4 36 h (after the quarter: still counts); S5, S6, S9 never.
    # Median over the four followed up = (24 + 30) / 2 = 27.
    assert run(handoff, "median_hours_to_follow_up") == [{"value": 27.0, "followed_up": 4}]
    # Within 24 h (inclusive): S1, S2 → 2 of all 7 MQLs (never followed up = missed).
    assert run(handoff, "sla_met_share") == [{"value": pytest.approx(2 / 7), "within_sla": 2, "mqls": 7}]
    assert value(handoff, "never_followed_up") == 3
    # A 36-hour SLA also takes S3 and S4: 4 / 7.
    assert value(handoff, "sla_met_share", sla_hours=36) == pytest.approx(4 / 7)


def test_follow_up_distribution(handoff):
    assert run(handoff, "follow_up_distribution") == [
        {"band": "up to 1 h", "band_order": 1, "people": 1, "share": pytest.approx(1 / 7), "within_sla": 1},  # S1
        {"band": "4 to 24 h", "band_order": 3, "people": 1, "share": pytest.approx(1 / 7), "within_sla": 1},  # S2
        {"band": "24 to 72 h", "band_order": 4, "people": 2, "share": pytest.approx(2 / 7), "within_sla": 0},
        {"band": "never", "band_order": 6, "people": 3, "share": pytest.approx(3 / 7), "within_sla": 0},
    ]


def test_follow_up_by_region_and_owner(handoff):
    assert run(handoff, "follow_up_by_owner") == [
        # (none)/(none): S6, S9 — never followed up.
        {"region": "(none)", "owner_id": "(none)", "owner_name": None, "mqls": 2, "followed_up": 0,
         "never_followed_up": 2, "median_hours": None, "sla_met_share": 0.0},
        # EMEA/U1: S1 0 h, S2 24 h, S3 30 h → median 24; within SLA S1, S2 → 2/3.
        {"region": "EMEA", "owner_id": "U1", "owner_name": "Ana", "mqls": 3, "followed_up": 3,
         "never_followed_up": 0, "median_hours": 24.0, "sla_met_share": pytest.approx(2 / 3)},
        # NA/U2: S4 36 h, S5 never → median 36; none within SLA.
        {"region": "NA", "owner_id": "U2", "owner_name": "Ben", "mqls": 2, "followed_up": 1,
         "never_followed_up": 1, "median_hours": 36.0, "sla_met_share": 0.0},
    ]


def test_region_filter(handoff):
    # EMEA MQLs: S1, S2, S3 — accepted S1, S2; rejected S3 → 2/3.
    assert value(handoff, "acceptance_rate", region="EMEA") == pytest.approx(2 / 3)
    assert value(handoff, "never_followed_up", region="NA") == 1  # S5


def test_back_filled_mql_is_followed_up_from_its_back_filled_date():
    # B1 has no MQL date; its SAL (07-20 10:00) stands in. First activity 07-20 11:00 → 1 h. Strict: no MQL at all.
    company = Company().person("B1", "2026-07-01").event("B1", "sal", "2026-07-20 10:00")
    company.activity("A", "B1", "2026-07-20 11:00")
    con = company.connect()
    assert value(con, "median_hours_to_follow_up") == 1.0
    assert value(con, "median_hours_to_follow_up", stage_policy="strict") is None


def test_empty_quarter(handoff):
    assert value(handoff, "acceptance_rate", "2030-Q1") is None
    assert value(handoff, "median_hours_to_follow_up", "2030-Q1") is None
    assert value(handoff, "sla_met_share", "2030-Q1") is None
    assert value(handoff, "never_followed_up", "2030-Q1") == 0
    for name in ("rejection_reasons", "disqualification_reasons", "follow_up_distribution", "follow_up_by_owner"):
        assert run(handoff, name, "2030-Q1") == []


@pytest.mark.parametrize("quarter", ["2026-Q2", "2026-Q3", "2026-Q4"])
def test_audit_outcomes_never_exceed_the_mqls(handoff, quarter):
    acceptance = catalog.run(handoff, "acceptance_rate", {"quarter": quarter})  # noqa: F841 (read by the SQL below)
    sla = catalog.run(handoff, "sla_met_share", {"quarter": quarter})  # noqa: F841
    follow = catalog.run(handoff, "median_hours_to_follow_up", {"quarter": quarter})  # noqa: F841
    assert duckdb.sql("""
        SELECT * FROM acceptance a, sla s, follow f
        WHERE a.accepted + a.rejected > s.mqls OR s.within_sla > f.followed_up OR f.followed_up > s.mqls
        """).fetchall() == []
