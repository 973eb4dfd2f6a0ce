"""Not measured is not zero: a metric whose inputs the data lacks is empty with its reason, everywhere; durations are
counted in calendar days and never go below zero; out-of-order stages are reported, not averaged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alignment import catalog, cli, quality, warehouse
from alignment.board import pack as packs
from metric_fixtures import Company, run
from tests.conftest import sign_in

APP = str(Path(__file__).resolve().parents[1] / "app.py")
QUARTER = "2026-Q3"


def _company() -> Company:
    """A Q3 with MQLs, a SQL and deals, but no sales activity, no SAL date, no lost deal, no target flag, no persona.

    P1 created 07-01, MQL 07-02, SQL 07-10, on O1. P2 created 07-03, MQL 07-04. P3 created 07-05, no stage.
    O1 opened 07-20 17:30 and won on 07-20 (the same day) for 1,000; O2 opened 08-01, won 08-11 for 500;
    O3 opened 08-05, "won" 08-01 (before it opened: a data error).
    """
    company = Company()
    company.account("A1", region="EMEA")  # no is_target_account: unknown
    company.person("P1", "2026-07-01", account_id="A1").event("P1", "mql", "2026-07-02").event("P1", "sql",
                                                                                                "2026-07-10")
    company.person("P2", "2026-07-03", account_id="A1").event("P2", "mql", "2026-07-04")
    company.person("P3", "2026-07-05")
    company.opportunity("O1", "2026-07-20 17:30", account_id="A1", amount=1000, close_date="2026-07-20",
                        is_closed=True, is_won=True, lead_source="Web")
    company.contact_role("O1", "P1", is_primary=True)
    company.opportunity("O2", "2026-08-01", account_id="A1", amount=500, close_date="2026-08-11", is_closed=True,
                        is_won=True)
    company.opportunity("O3", "2026-08-05", account_id="A1", amount=200, close_date="2026-08-01", is_closed=True,
                        is_won=True)
    company.campaign("C1", "email", actual_cost=300).member("C1", "P1", "2026-07-01 12:00")
    return company


@pytest.fixture(scope="module")
def lacking(tmp_path_factory) -> Path:
    """_company() as a warehouse file the app and the command line can open."""
    path = tmp_path_factory.mktemp("lacking") / "warehouse.duckdb"
    con = _company().connect(path)
    warehouse.write_meta(con, imported_at=dt.datetime(2026, 10, 2), imported_by="ops", source_format="mapping",
                         data_fingerprint="a" * 64, files=[], warnings=[])
    con.execute("CHECKPOINT")
    con.close()
    return path


EXPECTED = {
    "sla_met_share": "no sales activities (tasks, calls, meetings) were loaded",
    "median_hours_to_follow_up": "no sales activities (tasks, calls, meetings) were loaded",
    "never_followed_up": "no sales activities (tasks, calls, meetings) were loaded",
    "acceptance_rate": "no SAL (sales-accepted) dates were recorded",
    "sals": "no SAL (sales-accepted) dates were recorded",
    "lead_quality": "no account says whether it is a target account",
    "win_rate_count": "no lost opportunity was loaded",
    "rejected": "no rejection dates were recorded",
}


def test_each_metric_lacking_an_input_is_empty_with_its_reason(lacking):
    reader = warehouse.open_reader(lacking)
    try:
        for name, reason in EXPECTED.items():
            measured = catalog.measure(reader, name, {"quarter": QUARTER})
            assert measured.value is None and reason in measured.not_measured, (name, measured)
        # What the data holds is measured as before: 3 inquiries, 2 MQLs (recorded), pipeline 1,700.
        assert catalog.measure(reader, "inquiries", {"quarter": QUARTER}).value == 3
        assert catalog.measure(reader, "mqls", {"quarter": QUARTER}).value == 2
        assert catalog.measure(reader, "pipeline", {"quarter": QUARTER}).value == 1700
        assert catalog.measure(reader, "pipeline", {"quarter": QUARTER}).not_measured is None
        # The metric's own SQL would have given numbers a person could sign: 100 % acceptance (P1's SAL back-filled
        # from its SQL, nobody rejected), 0 % within SLA, 100 % win rate.
        assert catalog.run(reader, "acceptance_rate", {"quarter": QUARTER})["value"].iloc[0] == 1.0
        assert catalog.run(reader, "sla_met_share", {"quarter": QUARTER})["value"].iloc[0] == 0.0
        assert catalog.run(reader, "win_rate_count", {"quarter": QUARTER})["value"].iloc[0] == 1.0
        comparisons = {c.name: c for c in catalog.scorecard(reader, {"quarter": QUARTER}, names=list(EXPECTED))}
    finally:
        reader.close()
    for name, comparison in comparisons.items():
        assert comparison.value is None and comparison.target_met is None
        assert all(point.value is None for point in comparison.trend)
        assert EXPECTED[name] in comparison.not_measured


def test_a_target_is_never_judged_on_what_was_not_measured(lacking):
    reader = warehouse.open_reader(lacking)
    try:
        definitions = catalog.Definitions(acceptance_target=0.9)
        [acceptance] = catalog.scorecard(reader, {"quarter": QUARTER}, names=["acceptance_rate"],
                                         definitions=definitions)
    finally:
        reader.close()
    assert acceptance.target == 0.9 and acceptance.target_met is None
    assert packs.target_status(acceptance).startswith("not measured: no SAL")


def test_the_command_line_json_says_not_measured(lacking, capsys):
    assert cli.main(["--db", str(lacking), "metrics", "--quarter", QUARTER, "--format", "json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    for name, reason in EXPECTED.items():
        assert rows[name]["value"] is None and reason in rows[name]["not_measured"]
    assert rows["inquiries"] == {"name": "inquiries", "title": "Inquiries", "value": 3, "unit": "count",
                                 "not_measured": None}


ON_THE_SCORECARD = {  # the default charter's metrics this warehouse cannot give, and why
    "acceptance_rate": "no SAL (sales-accepted) dates were recorded",
    "sla_met_share": "no sales activities (tasks, calls, meetings) were loaded",
    "lead_quality": "no account says whether it is a target account",
    "impressions": "no impressions were loaded",
    "reach": "no reach was loaded",
    "site_visits": "no site visits were loaded",
}


def test_every_scorecard_tile_lacking_an_input_shows_not_measured_and_why(lacking, monkeypatch):
    monkeypatch.setenv(warehouse.DB_ENV, str(lacking))
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "viewer")
    at.query_params["quarter"] = QUARTER
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="filter_quarter").value == QUARTER
    captions = [c.value for c in at.caption]
    for name, reason in ON_THE_SCORECARD.items():
        assert any(c.startswith("Not measured: ") and reason in c for c in captions), (name, captions)
    shown = [m.value for m in at.markdown]
    assert shown.count("**Not measured**") == len(ON_THE_SCORECARD)
    # No tile reads 0 % within SLA, 100 % acceptance or a met target on them.
    assert not any("0.0%" in text and "SLA" in text for text in shown)
    assert not any("met" in c and "Acceptance" in c for c in captions)


def test_the_board_pack_says_not_measured(lacking):
    reader = warehouse.open_reader(lacking)
    try:
        board_pack = packs.build_pack(reader, QUARTER, parts=["summary", "scorecard", "quality"])
    finally:
        reader.close()
    words = " ".join(w for section in board_pack.sections for w in section.words)
    assert "Not measured, because the loaded data lacks what they need: " in words
    scorecard = next(t for t in board_pack.tables() if t.sheet == "Scorecard")
    rows = {r[0]: r for r in scorecard.rows}
    for name, reason in ON_THE_SCORECARD.items():
        title = catalog.spec(name).title
        assert title in words.split("lacks what they need: ")[1]
        assert rows[title][2] is None and rows[title][4].startswith("not measured: ") and reason in rows[title][4]
    assert rows["Inquiries"][2] == 3 and rows["Inquiries"][4] is None  # measured, no target
    checks = next(t for t in board_pack.tables() if t.sheet.startswith("Data quality"))
    assert any("Not measured: no sales activities" in str(r[0]) for r in checks.rows)


def test_the_sign_off_checklist_lists_what_is_not_measured(lacking):
    reader = warehouse.open_reader(lacking)
    try:
        checks = {c.name: c for c in quality.run_checks(reader)}
        rows = quality.check_rows(reader, "not_measured_sales_activities")
    finally:
        reader.close()
    check = checks["not_measured_sales_activities"]
    assert check.severity == "warning" and check.count == 3  # SLA share, median hours, never followed up
    assert sorted(rows["metric"]) == ["Follow-up within SLA", "MQLs never followed up", "Median hours to follow-up"]


# --- durations ---------------------------------------------------------------------------------------------------

def test_a_deal_opened_and_won_the_same_day_takes_zero_days_and_none_is_negative():
    con = _company().connect()
    # O1 07-20 17:30 → 07-20: 0 days (was −0.73: the close date's midnight came before the hour it opened);
    # O2 08-01 → 08-11: 10 days; O3 "won" before it opened: no duration. Median of (0, 10) = 5.
    assert run(con, "sales_cycle_days") == [{"value": 5.0, "won_deals": 3}]


def test_stages_out_of_order_are_reported_with_examples():
    con = _company().connect()
    checks = {c.name: c.count for c in quality.run_checks(con)}
    rows = quality.check_rows(con, "stages_out_of_order")
    assert checks["stages_out_of_order"] == 1
    assert list(rows["problem"]) == ["deal closed before it was opened"] and list(rows["record_id"]) == ["O3"]


def test_dates_after_the_datas_own_as_of_are_reported():
    # As-of: the day of the latest creation, O3 08-05. An MQL dated 2031, a deal closed in 2029 and O2, won on
    # 08-11, are after it; O3 (closed 08-01) and O1 (07-20) are not.
    company = _company()
    company.person("P4", "2026-07-06").event("P4", "mql", "2031-01-01")
    company.opportunity("O4", "2026-07-07", amount=10, close_date="2029-01-01", is_closed=True)
    con = company.connect()
    rows = quality.check_rows(con, "dates_after_as_of")
    assert sorted(zip(rows["field"], rows["record_id"])) == [
        ("lifecycle_events.occurred_at", "P4"), ("opportunities.close_date (closed)", "O2"),
        ("opportunities.close_date (closed)", "O4")]


def test_explore_says_not_measured_instead_of_bars(lacking):
    from alignment import explore

    reader = warehouse.open_reader(lacking)
    try:
        with pytest.raises(explore.NotMeasured, match="Follow-up within SLA is not measured: no sales activities"):
            explore.explore(reader, explore.Request(metric="sla_met_share", by="region", quarter=QUARTER))
        found = explore.explore(reader, explore.Request(metric="inquiries", by="month", quarter=QUARTER))
    finally:
        reader.close()
    assert sum(g.value or 0 for g in found.groups) == 3  # what was loaded is still explored


def test_the_charter_page_table_says_not_measured(lacking):
    from alignment import signoff
    from alignment.charter import Charter
    from ui import charter_view

    charter = Charter(quarter=QUARTER, metrics=("inquiries", "sla_met_share"),
                      definitions=catalog.Definitions(targets={"sla_met_share": 0.8, "inquiries": 2}))
    reader = warehouse.open_reader(lacking)
    try:
        content = signoff.current_content(reader, charter)
        table = charter_view.signed_values_table(content, catalog.missing_inputs(reader))
    finally:
        reader.close()
    rows = {row["Metric"]: row for row in table.to_dict("records")}
    assert rows["Inquiries"]["Target met"] == "met"  # 3 against 2
    assert rows["Follow-up within SLA"]["Actual"] == "Not measured"
    assert rows["Follow-up within SLA"]["Target met"].startswith("not measured: no sales activities")


def test_deals_without_amounts_give_no_deal_size_or_pipeline_rather_than_zero():
    company = Company()
    company.opportunity("O1", "2026-07-01", amount=None, close_date="2026-07-20", is_closed=True, is_won=True)
    company.opportunity("O2", "2026-07-02", amount=None, close_date="2026-07-21", is_closed=True)
    con = company.connect()
    for name in ("average_deal_size", "pipeline", "bookings", "win_rate_value"):
        measured = catalog.measure(con, name, {"quarter": QUARTER})
        assert measured.value is None and measured.not_measured == "no opportunity has an amount", name
    # What needs no amount is measured: 1 won of 2 closed.
    assert catalog.measure(con, "win_rate_count", {"quarter": QUARTER}).value == 0.5
