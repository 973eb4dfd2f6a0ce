"""The waterfall (DESIGN §4.1, §4.8): stage dates, back-fill vs strict, period and cohort views, boundaries."""

from __future__ import annotations

import duckdb
import pytest

from alignment import catalog
from metric_fixtures import Company, run, value

STAGES = ["inquiry", "mql", "sal", "sql", "opportunity", "won"]


@pytest.fixture(scope="module")
def waterfall() -> duckdb.DuckDBPyConnection:
    """Six people around 2026-Q3 = [2026-07-01 00:00, 2026-10-01 00:00) UTC.

    P1  created 07-01 00:00 (first instant of Q3); mql 07-02, sal 07-03, sql 07-05; contact on O1 (created 07-10,
        1000, won, closes 08-01).
    P2  created 06-30 23:59:59 (Q2); mql exactly 07-01 00:00 (Q3, not Q2).
    P3  created 07-05, no lifecycle event at all; its lead was converted into O2 (created 07-20, no amount, open).
    P4  created 07-06, mql 07-07, sql 07-09 (skipped SAL); no account region match with P1.
    P5  created 09-30 12:00 (Q3), mql 10-01 00:00 (Q4).
    P6  created 04-10 (Q2), mql 05-01 (Q2), sal 07-15 (Q3); contact on O3 (created 10-05, 5000, won 11-01).
    Accounts: A1 (EMEA) holds P1, P3, P6 and every deal; A2 (NA) holds P2 and P4; P5 has none.
    """
    company = Company()
    company.account("A1", region="EMEA", segment="Enterprise").account("A2", region="NA", segment="SMB")
    company.person("P1", "2026-07-01 00:00:00", kind="contact", account_id="A1")
    company.event("P1", "mql", "2026-07-02").event("P1", "sal", "2026-07-03").event("P1", "sql", "2026-07-05")
    company.person("P2", "2026-06-30 23:59:59", account_id="A2").event("P2", "mql", "2026-07-01 00:00:00")
    company.person("P3", "2026-07-05", kind="contact", account_id="A1", converted_opportunity_id="O2")
    company.person("P4", "2026-07-06", account_id="A2")
    company.event("P4", "mql", "2026-07-07").event("P4", "sql", "2026-07-09")
    company.person("P5", "2026-09-30 12:00").event("P5", "mql", "2026-10-01 00:00:00")
    company.person("P6", "2026-04-10", kind="contact", account_id="A1")
    company.event("P6", "mql", "2026-05-01").event("P6", "sal", "2026-07-15")
    company.opportunity("O1", "2026-07-10", account_id="A1", amount=1000, close_date="2026-08-01", is_closed=True,
                        is_won=True)
    company.opportunity("O2", "2026-07-20", account_id="A1")
    company.opportunity("O3", "2026-10-05", account_id="A1", amount=5000, close_date="2026-11-01", is_closed=True,
                        is_won=True)
    company.contact_role("O1", "P1", is_primary=True).contact_role("O3", "P6", is_primary=True)
    return company.connect()


def column(rows: list[dict], name: str) -> list:
    return [row[name] for row in rows]


def test_period_view_back_fill(waterfall):
    rows = catalog.funnel(waterfall, {"quarter": "2026-Q3"}, "period")
    assert list(rows.columns) == ["stage_order", "stage", "people", "ratio", "ratio_label", "velocity_days", "value"]
    rows = run(waterfall, "funnel_period")
    assert column(rows, "stage") == STAGES
    # inquiry: created in Q3 → P1 (07-01 00:00), P3, P4, P5 = 4 (P2 was created one second before Q3).
    # mql (back-filled): P1 07-02, P2 07-01 00:00, P3 ← O2 07-20, P4 07-07 = 4 (P5's is in Q4, P6's in Q2).
    # sal: P1 07-03, P3 07-20, P4 ← its sql 07-09, P6 07-15 = 4.
    # sql: P1 07-05, P3 07-20, P4 07-09 = 3 (P6's back-fills from O3, 10-05: Q4).
    # opportunity: P1 07-10, P3 07-20 = 2.   won: P1 08-01 = 1.
    assert column(rows, "people") == [4, 4, 4, 3, 2, 1]
    # Flow ratios: —, 4/4, 4/4, 3/4, 2/3, 1/2.
    assert column(rows, "ratio") == [None, 1.0, 1.0, 0.75, pytest.approx(2 / 3), 0.5]
    assert column(rows, "ratio_label") == [None] + ["flow ratio"] * 5
    # Velocity = median days from the stage before, over the people reaching the stage in Q3:
    # mql: P1 1, P2 1 s, P3 15, P4 1 → median of (1 s, 1, 1, 15) = 1.
    # sal: P1 1, P3 0, P4 2, P6 05-01→07-15 = 75 → (1 + 2) / 2 = 1.5.
    # sql: P1 2, P3 0, P4 0 → 0.   opportunity: P1 5, P3 0 → 2.5.   won: P1 07-10→08-01 = 22.
    assert column(rows, "velocity_days") == [None, 1.0, 1.5, 0.0, 2.5, 22.0]
    # Value: pipeline at opportunity (O1 1000 + O2 0), bookings at won (O1 1000).
    assert column(rows, "value") == [None, None, None, None, 1000.0, 1000.0]


def test_period_view_strict(waterfall):
    rows = run(waterfall, "funnel_period", stage_policy="strict")
    # Only recorded dates: mql P1, P2, P4 = 3; sal P1, P6 = 2; sql P1, P4 = 2; opportunity P1, P3 = 2; won P1.
    assert column(rows, "people") == [4, 3, 2, 2, 2, 1]
    # sql velocity counts only people with both dates: P1 (07-03→07-05) = 2; P4 has no SAL date.
    # opportunity: P1 07-05→07-10 = 5; P3 has no SQL date.
    assert column(rows, "velocity_days")[3:] == [2.0, 5.0, 22.0]


@pytest.mark.parametrize(("name", "back_fill", "strict"), [
    ("inquiries", 4, 4), ("mqls", 4, 3), ("sals", 4, 2), ("sqls", 3, 2), ("opportunities", 2, 2), ("won", 1, 1),
])
def test_stage_headlines_match_the_period_view(waterfall, name, back_fill, strict):
    assert value(waterfall, name) == back_fill
    assert value(waterfall, name, stage_policy="strict") == strict


def test_quarter_boundaries(waterfall):
    # Q2: inquiries P2 (06-30 23:59:59) and P6 (04-10) = 2; MQLs only P6 (05-01): P2's 07-01 00:00 belongs to Q3.
    assert value(waterfall, "inquiries", "2026-Q2") == 2
    assert value(waterfall, "mqls", "2026-Q2") == 1
    # Q4: P5's mql 10-01 00:00; P6 reaches sql (back-filled), opportunity (O3 10-05) and won (11-01) in Q4.
    assert value(waterfall, "mqls", "2026-Q4") == 1
    assert value(waterfall, "sqls", "2026-Q4") == 1
    assert value(waterfall, "opportunities", "2026-Q4") == 1
    assert value(waterfall, "won", "2026-Q4") == 1
    assert value(waterfall, "sqls", "2026-Q4", stage_policy="strict") == 0


def test_cohort_view_back_fill(waterfall):
    rows = run(waterfall, "funnel_cohort")
    # Cohort = created in Q3: P1, P3, P4, P5. Reached by now: mql all four (P5 in Q4 still counts);
    # sal P1, P3, P4; sql P1, P3, P4; opportunity P1, P3; won P1.
    assert column(rows, "people") == [4, 4, 3, 3, 2, 1]
    assert column(rows, "ratio") == [None, 1.0, 0.75, 1.0, 1.0 * 2 / 3, 0.5]
    assert column(rows, "ratio_label") == [None] + ["conversion"] * 5
    # mql: P1 1, P3 15, P4 1, P5 09-30 12:00→10-01 = 0.5 → (1 + 1) / 2 = 1.   sal: 1, 0, 2 → 1.
    # sql: 2, 0, 0 → 0.   opportunity: 5, 0 → 2.5.   won: 22.
    assert column(rows, "velocity_days") == [None, 1.0, 1.0, 0.0, 2.5, 22.0]
    # Value: deals linked to the cohort O1 (1000) and O2 (0); won: O1.
    assert column(rows, "value") == [None, None, None, None, 1000.0, 1000.0]


def test_cohort_view_strict(waterfall):
    rows = run(waterfall, "funnel_cohort", stage_policy="strict")
    # mql P1, P4, P5 = 3; sal P1 = 1; sql P1, P4 = 2; opportunity P1, P3 = 2; won P1 = 1.
    assert column(rows, "people") == [4, 3, 1, 2, 2, 1]
    # 3/4, 1/3, 2/1 (strict counts can rise: that is why back-fill is the default), 2/2, 1/2.
    assert column(rows, "ratio") == [None, 0.75, pytest.approx(1 / 3), 2.0, 1.0, 0.5]


def test_cohort_conversion_is_empty_when_the_earlier_stage_has_no_one():
    company = Company().person("X1", "2026-07-02")
    rows = run(company.connect(), "funnel_cohort")
    # One inquiry, nobody further: mql conversion 0/1 = 0; later stages divide by zero people → empty.
    assert column(rows, "people") == [1, 0, 0, 0, 0, 0]
    assert column(rows, "ratio") == [None, 0.0, None, None, None, None]
    assert column(rows, "value")[4:] == [0.0, 0.0]


def test_region_filter_and_split(waterfall):
    # EMEA people: P1, P3, P6. inquiry P1, P3; mql P1, P3; sal P1, P3, P6; sql P1, P3; opp P1, P3; won P1.
    assert column(run(waterfall, "funnel_period", region="EMEA"), "people") == [2, 2, 3, 2, 2, 1]
    assert value(waterfall, "mqls", region="EMEA") == 2
    assert value(waterfall, "mqls", segment="SMB") == 2  # P2 and P4 at A2
    rows = run(waterfall, "funnel_period", split="region")
    by_split = {}
    for row in rows:
        by_split.setdefault(row["split_value"], []).append(row["people"])
    # (none): P5 only, an inquiry; NA: P2 (mql), P4 (inquiry, mql, sal, sql).
    assert by_split == {"(none)": [1, 0, 0, 0, 0, 0], "EMEA": [2, 2, 3, 2, 2, 1], "NA": [1, 2, 1, 1, 0, 0]}
    # Deal value splits by the deal's own account: every deal is at A1 (EMEA).
    values = {(r["split_value"], r["stage"]): r["value"] for r in rows if r["stage"] in ("opportunity", "won")}
    assert values == {("(none)", "opportunity"): 0.0, ("(none)", "won"): 0.0, ("EMEA", "opportunity"): 1000.0,
                      ("EMEA", "won"): 1000.0, ("NA", "opportunity"): 0.0, ("NA", "won"): 0.0}
    split = catalog.funnel(waterfall, {"quarter": "2026-Q3", "split": "segment"}, "cohort")
    assert split.columns[0] == "split_value"
    assert sorted(set(split["split_value"])) == ["(none)", "Enterprise", "SMB"]


def test_empty_quarter_has_no_rows_and_zero_counts(waterfall):
    assert run(waterfall, "funnel_period", "2030-Q1") == []
    assert run(waterfall, "funnel_cohort", "2030-Q1") == []
    assert catalog.funnel(waterfall, {"quarter": "2030-Q1"}, "cohort").empty
    assert value(waterfall, "mqls", "2030-Q1") == 0


def test_opportunity_and_won_dates_take_the_earliest_of_all_linked_deals():
    # Q1's lead became O5 (created 06-01, won, closes 12-01); Q1 is also a contact on O4 (created 08-15, won,
    # closes 09-10) and O6 (created 07-01, lost 08-01). opportunity_at = earliest created_at = 06-01 (Q2);
    # won_at = earliest close_date among won deals = 09-10 (Q3), even though O5 was created first.
    company = Company().person("Q1", "2026-05-01", kind="contact", converted_opportunity_id="O5")
    company.opportunity("O5", "2026-06-01", close_date="2026-12-01", is_closed=True, is_won=True)
    company.opportunity("O4", "2026-08-15", close_date="2026-09-10", is_closed=True, is_won=True)
    company.opportunity("O6", "2026-07-01", close_date="2026-08-01", is_closed=True)
    company.contact_role("O4", "Q1").contact_role("O6", "Q1").contact_role("O4", "Q1")
    con = company.connect()
    assert value(con, "opportunities", "2026-Q2") == 1
    assert value(con, "opportunities", "2026-Q3") == 0
    assert value(con, "won", "2026-Q3") == 1
    assert value(con, "won", "2026-Q4") == 0
    # Back-fill runs over the whole chain: no lifecycle event, so mql = sal = sql = opportunity_at (06-01).
    assert [value(con, name, "2026-Q2") for name in ("mqls", "sals", "sqls")] == [1, 1, 1]
    assert [value(con, name, "2026-Q2", stage_policy="strict") for name in ("mqls", "sals", "sqls")] == [0, 0, 0]


def test_a_won_deal_without_earlier_stages_back_fills_from_the_next_stage_reached():
    # R1 has a recorded MQL (07-02) and SQL (08-01) only: SAL takes the SQL date (the next stage reached), not
    # the opportunity's; R1 is on no deal so opportunity and won stay empty.
    company = Company().person("R1", "2026-07-01")
    company.event("R1", "mql", "2026-07-02").event("R1", "sql", "2026-08-01")
    rows = run(company.connect(), "funnel_cohort")
    assert column(rows, "people") == [1, 1, 1, 1, 0, 0]
    # sal velocity: mql 07-02 → back-filled sal 08-01 = 30 days; sql: 08-01 → 08-01 = 0.
    assert column(rows, "velocity_days")[:4] == [None, 1.0, 30.0, 0.0]


def test_awareness_sourced_inquiries():
    # Campaigns: TV (channel tv → awareness by the channel map), WB (webinar → demand gen), CB (email, but its own
    # funnel_role says awareness), WX (webinar) for ties. Q3 inquiries and their responded touches:
    # I1: tv 07-02 then webinar 07-03 → first touch awareness ✓
    # I2: webinar 07-02 then tv 07-05 → first touch demand gen ✗
    # I3: CB and WB both 07-04 → tie broken by campaign id: CB < WB → awareness ✓
    # I4: tv member who never responded → no touch ✗
    # I5: created in Q2 with a tv touch → not a Q3 inquiry ✗
    # I6: tv membership responded with no response date → dated when added (07-01), before webinar 07-02 ✓
    company = Company()
    company.campaign("TV", "tv").campaign("WB", "webinar").campaign("CB", "email", funnel_role="awareness")
    for person, created in (("I1", "2026-07-01"), ("I2", "2026-07-01"), ("I3", "2026-07-01"), ("I4", "2026-07-01"),
                            ("I5", "2026-06-01"), ("I6", "2026-07-01")):
        company.person(person, created)
    company.member("TV", "I1", "2026-07-02").member("WB", "I1", "2026-07-03")
    company.member("WB", "I2", "2026-07-02").member("TV", "I2", "2026-07-05")
    company.member("CB", "I3", "2026-07-04").member("WB", "I3", "2026-07-04")
    company.member("TV", "I4", None, added="2026-07-01", has_responded=False)
    company.member("TV", "I5", "2026-06-02")
    company.member("TV", "I6", None, added="2026-07-01").member("WB", "I6", "2026-07-02")
    con = company.connect()
    assert value(con, "awareness_sourced_inquiries") == 3
    # With tv moved out of the awareness channels only CB's own role remains: I3.
    assert value(con, "awareness_sourced_inquiries", awareness_channels=("radio",)) == 1


def audit(con: duckdb.DuckDBPyConnection, sql: str, **params) -> list[tuple]:
    """Rows breaking an invariant (must be none)."""
    cursor = catalog.cursor(con)
    return cursor.execute(sql, params or None).fetchall()


def test_audit_back_fill_leaves_no_gap_in_the_chain(waterfall):
    assert audit(waterfall, """
        SELECT person_id FROM person_stages(true)
        WHERE (won_at IS NOT NULL AND opportunity_at IS NULL) OR (opportunity_at IS NOT NULL AND sql_at IS NULL)
           OR (sql_at IS NOT NULL AND sal_at IS NULL) OR (sal_at IS NOT NULL AND mql_at IS NULL)""") == []


@pytest.mark.parametrize("quarter", ["2026-Q2", "2026-Q3", "2026-Q4"])
def test_audit_cohort_counts_never_rise_under_back_fill(waterfall, quarter):
    frame = catalog.funnel(waterfall, {"quarter": quarter, "split": "region"}, "cohort")
    assert duckdb.sql("""
        SELECT split_value, stage FROM frame
        QUALIFY people > lag(people) OVER (PARTITION BY split_value ORDER BY stage_order)""").fetchall() == []
