"""Exports with few objects still get a funnel: deals through their stages (from stage history or current stage),
stage counts without ids for the period view, and every funnel split by lead source."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from alignment import catalog, cli, quality, warehouse
from alignment.ingest.load import import_extracts
from alignment.ingest.problems import ImportRejected
from metric_fixtures import Company, run
from tests.conftest import sign_in

APP = str(Path(__file__).resolve().parents[1] / "app.py")
QUARTER = "2026-Q3"  # [2026-07-01 00:00, 2026-10-01 00:00) UTC
HISTORY_COLUMNS = ["view", "stage_order", "stage", "outcome", "deals", "ratio", "ratio_label", "velocity_days",
                   "value", "counted_from"]


def _history_company() -> Company:
    """Five deals with stage history; the open stages are Discovery, Proposal and Negotiation, and "Closed Won" and
    "Closed Lost" are where closed deals stand (their won and lost rows, not open stages).

    D1  created 07-01, 100, lead source "Paid Search": Discovery 07-01 09:00, Proposal 07-10, Negotiation 07-20,
        Closed Won 08-20; won, close date 08-20.
    D2  created 07-05, 200, "paid_search" (the same source): Discovery 07-05, Negotiation 07-25 (skipped Proposal);
        open at Negotiation.
    D3  created 07-08, 300, "Webinar": Discovery 07-08 10:00, Proposal 07-08 16:00 (the same day), Closed Lost 09-01;
        lost, close date 09-01.
    D4  created 07-12, 400, "Webinar": Proposal 07-15, then Discovery 07-20 (a row out of order); open at Proposal.
    D5  created 06-10 (Q2), 500, no source: Discovery 06-10, Proposal 06-20, Negotiation 07-05, Closed Won 07-30;
        won, close date 07-30.

    Order of the open stages: each deal's stages ranked by first entry, then each stage's median rank:
    Discovery 1, 1, 1, 2, 1 → 1; Proposal 2, 2, 1, 2 → 2; Negotiation 3, 2, 3 → 3.
    """
    company = Company().account("A1", region="EMEA", segment="SMB").account("A2", region="NA", segment="SMB")
    company.opportunity("D1", "2026-07-01", account_id="A1", amount=100, close_date="2026-08-20", is_closed=True,
                        is_won=True, lead_source="Paid Search", stage="Closed Won")
    company.stage_entered("D1", "Discovery", "2026-07-01 09:00").stage_entered("D1", "Proposal", "2026-07-10")
    company.stage_entered("D1", "Negotiation", "2026-07-20").stage_entered("D1", "Closed Won", "2026-08-20")
    company.opportunity("D2", "2026-07-05", account_id="A1", amount=200, lead_source="paid_search", stage="Negotiation")
    company.stage_entered("D2", "Discovery", "2026-07-05").stage_entered("D2", "Negotiation", "2026-07-25")
    company.opportunity("D3", "2026-07-08", account_id="A2", amount=300, close_date="2026-09-01", is_closed=True,
                        lead_source="Webinar", stage="Closed Lost")
    company.stage_entered("D3", "Discovery", "2026-07-08 10:00").stage_entered("D3", "Proposal", "2026-07-08 16:00")
    company.stage_entered("D3", "Closed Lost", "2026-09-01")
    company.opportunity("D4", "2026-07-12", account_id="A2", amount=400, lead_source="Webinar", stage="Proposal")
    company.stage_entered("D4", "Proposal", "2026-07-15").stage_entered("D4", "Discovery", "2026-07-20")
    company.opportunity("D5", "2026-06-10", account_id="A1", amount=500, close_date="2026-07-30", is_closed=True,
                        is_won=True, stage="Closed Won")
    company.stage_entered("D5", "Discovery", "2026-06-10").stage_entered("D5", "Proposal", "2026-06-20")
    company.stage_entered("D5", "Negotiation", "2026-07-05").stage_entered("D5", "Closed Won", "2026-07-30")
    return company


@pytest.fixture(scope="module")
def history() -> duckdb.DuckDBPyConnection:
    return _history_company().connect()


def column(rows: list[dict], name: str) -> list:
    return [row[name] for row in rows]


def rows_of(rows: list[dict], view: str) -> list[dict]:
    return [row for row in rows if row["view"] == view]


def test_the_deal_cohort_from_stage_history(history):
    frame = catalog.funnel(history, {"quarter": QUARTER}, "deals")
    assert list(frame.columns) == HISTORY_COLUMNS
    cohort = rows_of(run(history, "funnel_deals"), "cohort")
    assert column(cohort, "stage") == ["Discovery", "Proposal", "Negotiation", "won", "lost"]
    assert column(cohort, "outcome") == ["open", "open", "open", "won", "lost"]
    assert set(column(cohort, "counted_from")) == {"stage history"}
    # Created in Q3: D1-D4. Discovery: all four. Proposal: D1, D2 (skipped it, passed it on its way to Negotiation:
    # back-filled at 07-25), D3, D4 = 4. Negotiation: D1, D2 = 2. Won: D1. Lost: D3.
    assert column(cohort, "deals") == [4, 4, 2, 1, 1]
    # Conversion: 4/4, 2/4, won 1/2 (of Negotiation); at lost the loss rate lost / (won + lost) = 1/2.
    assert column(cohort, "ratio") == [None, 1.0, 0.5, 0.5, 0.5]
    assert column(cohort, "ratio_label") == [None, "conversion", "conversion", "conversion", "loss rate"]
    # Velocity, calendar days from the stage before:
    # Proposal: D1 07-01→07-10 = 9; D2 07-05→07-25 (back-filled) = 20; D3 07-08 10:00→16:00 = 0 (same day);
    #   D4 07-20→07-15 runs backwards: no duration, never −5 → median(9, 20, 0) = 9.
    # Negotiation: D1 07-10→07-20 = 10; D2 07-25 (back-filled Proposal)→07-25 = 0 → 5.
    # Won: D1 from Negotiation 07-20 to its close date 08-20 = 31. Lost: D3 from Proposal 07-08 to 09-01 = 55.
    assert column(cohort, "velocity_days") == [None, 9.0, 5.0, 31.0, 55.0]
    # Value: the deals counted at each stage: 100+200+300+400, the same, 100+200, 100, 300.
    assert column(cohort, "value") == [1000.0, 1000.0, 300.0, 100.0, 300.0]


def test_the_deal_period_view_from_stage_history(history):
    period = rows_of(run(history, "funnel_deals"), "period")
    # Entering each stage inside Q3, whenever created (D5 too): Discovery D1-D4 (D5's was in Q2) = 4;
    # Proposal D1 07-10, D2 07-25 (back-filled), D3 07-08, D4 07-15 = 4; Negotiation D1, D2, D5 (07-05) = 3;
    # won D1 08-20, D5 07-30 = 2; lost D3 09-01 = 1.
    assert column(period, "deals") == [4, 4, 3, 2, 1]
    # Flow ratios 4/4, 3/4, 2/3; loss rate 1 / (2 + 1).
    assert column(period, "ratio") == [None, 1.0, 0.75, pytest.approx(2 / 3), pytest.approx(1 / 3)]
    assert column(period, "ratio_label") == [None, "flow ratio", "flow ratio", "flow ratio", "loss rate"]
    # Proposal as in the cohort (9); Negotiation D1 10, D2 0, D5 06-20→07-05 = 15 → 10;
    # won D1 31, D5 07-05→07-30 = 25 → 28; lost 55.
    assert column(period, "velocity_days") == [None, 9.0, 10.0, 28.0, 55.0]
    # Won's value is the quarter's bookings (100 + 500), as the bookings metric has it.
    assert column(period, "value") == [1000.0, 1000.0, 800.0, 600.0, 300.0]
    assert catalog.value(history, "bookings", {"quarter": QUARTER}) == 600.0


def test_the_strict_policy_counts_only_stages_entered(history):
    cohort = rows_of(run(history, "funnel_deals", stage_policy="strict"), "cohort")
    # D2 skipped Proposal and no longer counts there: Proposal D1, D3, D4 = 3; conversion 3/4, then 2/3.
    assert column(cohort, "deals") == [4, 3, 2, 1, 1]
    assert column(cohort, "ratio")[:3] == [None, 0.75, pytest.approx(2 / 3)]
    # Proposal: 9, 0 (D4's runs backwards) → 4.5; Negotiation: D1 10 (D2 has no Proposal date) → 10.
    assert column(cohort, "velocity_days")[:3] == [None, 4.5, 10.0]


def test_a_won_deal_without_open_stages_in_its_history_passed_every_one():
    company = _history_company()
    # D6: created 08-01, won 09-15, its history holds only the closed stage.
    company.opportunity("D6", "2026-08-01", amount=50, close_date="2026-09-15", is_closed=True, is_won=True,
                        stage="Closed Won").stage_entered("D6", "Closed Won", "2026-09-15")
    cohort = rows_of(run(company.connect(), "funnel_deals"), "cohort")
    # D6 counts at Discovery, Proposal and Negotiation (all back-filled to its close date) and at won.
    assert column(cohort, "deals") == [5, 5, 3, 2, 1]
    # Won velocity: D1 31; D6 from its back-filled Negotiation (09-15) to 09-15 = 0 → 15.5.
    assert column(cohort, "velocity_days")[3] == 15.5


def test_deals_without_stage_history_count_at_their_current_stage():
    """E1, E2 open at Proposal ("proposal " is the same stage), E3 open at Discovery, E4 won 08-01, all created in Q3;
    E5 created in Q2, lost 07-20."""
    company = Company()
    company.opportunity("E1", "2026-07-02", amount=10, stage="Proposal")
    company.opportunity("E2", "2026-07-03", amount=20, stage="proposal ")
    company.opportunity("E3", "2026-07-04", amount=30, stage="Discovery")
    company.opportunity("E4", "2026-07-05", amount=40, close_date="2026-08-01", is_closed=True, is_won=True,
                        stage="Closed Won")
    company.opportunity("E5", "2026-05-01", amount=50, close_date="2026-07-20", is_closed=True, stage="Closed Lost")
    con = company.connect()
    assert catalog.missing_inputs(con)["stage_history"].startswith("no opportunity stage history was loaded")
    rows = run(con, "funnel_deals")
    cohort, period = rows_of(rows, "cohort"), rows_of(rows, "period")
    # Open stages by name (their order is unknown without history), then won and lost; counts only.
    assert column(cohort, "stage") == ["Discovery", "Proposal", "won", "lost"]
    assert column(cohort, "deals") == [1, 2, 1, 0]
    assert column(cohort, "value") == [30.0, 30.0, 40.0, 0.0]
    assert column(cohort, "ratio") == column(cohort, "velocity_days") == column(cohort, "ratio_label") == [None] * 4
    assert set(column(rows, "counted_from")) == {"current stage"}
    # When a deal entered an open stage is unknown: the period view holds won (E4, 08-01) and lost (E5, 07-20).
    assert column(period, "stage") == ["won", "lost"]
    assert column(period, "deals") == [1, 1]


def test_the_deal_funnel_splits_by_lead_source_in_its_normal_form(history):
    frame = catalog.deal_funnel(history, {"quarter": QUARTER, "split": "lead_source"}, "cohort")
    by_source = {value: list(part["deals"]) for value, part in frame.groupby("split_value")}
    # "Paid Search" (D1) and "paid_search" (D2) are one source; D3, D4 are Webinar; D5 (no source) is not in the
    # cohort.
    assert by_source == {"paid_search": [2, 2, 2, 1, 0], "webinar": [2, 2, 0, 0, 1]}
    period = catalog.deal_funnel(history, {"quarter": QUARTER, "split": "lead_source"}, "period")
    assert list(period["split_value"].unique()) == ["(none)", "paid_search", "webinar"]
    # The region filter reaches deals through their account: NA holds D3 and D4.
    north_america = catalog.deal_funnel(history, {"quarter": QUARTER, "region": "NA"}, "cohort")
    assert list(north_america["deals"]) == [2, 2, 0, 0, 1]


def test_the_people_funnel_splits_by_lead_source():
    company = Company()
    company.person("P1", "2026-07-02", lead_source="Paid Search").event("P1", "mql", "2026-07-03")
    company.person("P2", "2026-07-04", lead_source="paid_search")
    company.person("P3", "2026-07-05", lead_source=" Webinar ").person("P4", "2026-07-06")
    con = company.connect()
    for view in ("period", "cohort"):
        frame = catalog.funnel(con, {"quarter": QUARTER, "split": "lead_source"}, view)
        inquiries = frame[frame["stage"] == "inquiry"].set_index("split_value")["people"].to_dict()
        assert inquiries == {"(none)": 1, "paid_search": 2, "webinar": 1}
        assert frame[(frame["stage"] == "mql")].set_index("split_value")["people"]["paid_search"] == 1


# --- stage counts (exports without ids) ------------------------------------------------------------------------------

REPORT = """Week;Funnel stage;Leads;Source;Market
01/07/2026;Leads;120;Paid Search;EMEA
01/07/2026;Marketing Qualified;30;paid_search;EMEA
08/07/2026;Leads;80;Webinar;NA
08/07/2026;MQL;20;Webinar;NA
15/07/2026;Closed Won;2;;EMEA
30/06/2026;Leads;999;Webinar;NA
"""
MAPPING = """version: 1
tables:
  stage_counts:
    file: report.csv
    date_format: DD/MM/YYYY
    columns: {period_start: Week, stage: Funnel stage, count: Leads, lead_source: Source, region: Market}
    values:
      stage: {Leads: inquiry, Marketing Qualified: mql, Closed Won: won}
"""


@pytest.fixture(scope="module")
def counted(tmp_path_factory) -> Path:
    """A marketing report of counts per week and stage (no ids), imported through a mapping file."""
    folder = tmp_path_factory.mktemp("stage-counts")
    (folder / "report.csv").write_text(REPORT, encoding="utf-8")
    (folder / "mapping.yaml").write_text(MAPPING, encoding="utf-8")
    db = folder / "warehouse" / "warehouse.duckdb"
    db.parent.mkdir()
    report = import_extracts([folder / "report.csv"], db_path=db, format="mapping", mapping=folder / "mapping.yaml")
    assert report.tables["stage_counts"] == 6 and report.tables["people"] == 0
    return db


def test_stage_counts_imported_through_a_mapping_give_the_period_view(counted):
    reader = warehouse.open_reader(counted)
    try:
        stored = reader.execute("SELECT stage, sum(count) FROM stage_counts GROUP BY stage ORDER BY stage").fetchall()
        # "MQL" is read as mql (stages are read in snake case), the other words through the value map.
        assert stored == [("inquiry", 1199), ("mql", 50), ("won", 2)]
        frame = catalog.funnel(reader, {"quarter": QUARTER}, "period")
        # Weeks starting in Q3: inquiries 120 + 80 = 200 (the 999 of the week of 06-30 belong to Q2); MQLs 30 + 20;
        # won 2. Flow ratios 50/200 = 0.25, 0/50; velocity needs dates per person: empty.
        assert list(frame["people"]) == [200, 50, 0, 0, 0, 2]
        assert list(frame["ratio"].iloc[1:3]) == [0.25, 0.0]
        assert frame["velocity_days"].isna().all()
        split = catalog.funnel(reader, {"quarter": QUARTER, "split": "lead_source"}, "period")
        inquiries = split[split["stage"] == "inquiry"].set_index("split_value")["people"].to_dict()
        assert inquiries == {"(none)": 0, "paid_search": 120, "webinar": 80}
        north_america = catalog.funnel(reader, {"quarter": QUARTER, "region": "NA"}, "period")
        assert list(north_america["people"]) == [80, 20, 0, 0, 0, 0]
        assert catalog.funnel(reader, {"quarter": "2026-Q2"}, "period")["people"].iloc[0] == 999
        # No cohort without ids: the rows are empty and the reason is said.
        assert catalog.funnel(reader, {"quarter": QUARTER}, "cohort").empty
        assert catalog.funnel_unavailable(reader, "cohort") == \
            "cohort view needs people with ids (only stage counts were loaded)"
        assert catalog.funnel_unavailable(reader, "period") is None
        assert catalog.has_data(reader, {"quarter": QUARTER}) and not catalog.has_data(reader, {"quarter": "2026-Q4"})
        # Inputs no headline metric needs are no data-quality finding.
        assert not any(c.name.startswith("not_measured_stage") for c in quality.run_checks(reader))
    finally:
        reader.close()


def test_people_win_over_stage_counts():
    company = Company().person("P1", "2026-07-02").stage_count("2026-07-01", "inquiry", 500)
    assert list(catalog.funnel(company.connect(), {"quarter": QUARTER}, "period")["people"]) == [1, 0, 0, 0, 0, 0]


def test_a_stage_counts_file_in_the_canonical_layout_loads_and_a_bad_stage_is_refused(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "stage_counts.csv").write_text("period_start,stage,count,segment\n2026-07-01,sql,7,SMB\n"
                                             "2026-08-01,won,1,SMB\n", encoding="utf-8")
    db = tmp_path / "warehouse.duckdb"
    assert import_extracts([folder], db_path=db, format="salesforce").tables["stage_counts"] == 2
    (folder / "stage_counts.csv").write_text("period_start,stage,count\n2026-07-01,sql,7\n"
                                             "2026-07-01,Opportunity Created,3\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        import_extracts([folder], db_path=db, format="salesforce")
    [problem] = [p for p in refused.value.problems if p.severity == "error"]
    assert "stage_counts.csv, row 3, column 'stage'" in problem.message()
    assert "must be one of inquiry, mql, sal, sql, opportunity, won" in problem.message()


def test_an_older_warehouse_gains_the_stage_counts_table_on_upgrade(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    con = _history_company().connect(db)
    con.execute("DROP TABLE stage_counts")
    con.execute("UPDATE _format SET version = 4")
    con.close()
    assert warehouse.upgrade(db) is True
    reader = warehouse.open_reader(db)
    try:
        # No people, no counts: no rows.
        assert list(catalog.funnel(reader, {"quarter": QUARTER}, "period")["stage"]) == []
        assert catalog.funnel_unavailable(reader, "period") == \
            "period view needs people or stage counts per period (neither was loaded)"
        assert len(catalog.deal_funnel(reader, {"quarter": QUARTER}, "cohort")) == 5
    finally:
        reader.close()


# --- the command line ------------------------------------------------------------------------------------------------

def _warehouse_file(company: Company, path: Path) -> Path:
    con = company.connect(path)
    warehouse.write_meta(con, imported_at=dt.datetime(2026, 10, 2), imported_by="ops", source_format="mapping",
                         data_fingerprint="b" * 64, files=[], warnings=[])
    con.execute("CHECKPOINT")
    con.close()
    return path


@pytest.fixture(scope="module")
def deals_only(tmp_path_factory) -> Path:
    """The five deals with stage history as a warehouse file: no people at all."""
    return _warehouse_file(_history_company(), tmp_path_factory.mktemp("deals-only") / "warehouse.duckdb")


def test_the_command_line_prints_the_deal_funnel_split_by_lead_source(deals_only, capsys):
    assert cli.main(["--db", str(deals_only), "funnel", "--quarter", QUARTER, "--view", "deals", "--split",
                     "lead_source", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert list(rows[0]) == ["view", "split_value"] + HISTORY_COLUMNS[1:]
    paid = [r["deals"] for r in rows if r["view"] == "cohort" and r["split_value"] == "paid_search"]
    assert paid == [2, 2, 2, 1, 0]


def test_the_command_line_says_why_there_is_no_cohort_view(counted, capsys):
    assert cli.main(["--db", str(counted), "funnel", "--quarter", QUARTER, "--view", "cohort"]) == 0
    out, err = capsys.readouterr()
    assert "cohort view needs people with ids (only stage counts were loaded)" in err
    assert out.strip() == "stage_order,stage,people,ratio,ratio_label,velocity_days,value"
    assert cli.main(["--db", str(counted), "funnel", "--quarter", QUARTER, "--split", "lead_source"]) == 0
    out, err = capsys.readouterr()
    assert "paid_search,1,inquiry,120" in out and "only stage counts were loaded" in err


def test_the_command_line_refuses_an_unknown_split(deals_only, capsys):
    assert cli.main(["--db", str(deals_only), "funnel", "--quarter", QUARTER, "--split", "colour"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --split:") and "'lead_source'" in err


# --- the page ----------------------------------------------------------------------------------------------------

def _open_funnel(db: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv(warehouse.DB_ENV, str(db))
    at = sign_in(AppTest.from_file(APP, default_timeout=90), "viewer")
    at.query_params["quarter"] = QUARTER
    at.run()
    at.switch_page("pages/review_funnel.py").run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "subheader", "info") for e in getattr(at, kind))


def _bars(chart) -> list:
    values = json.loads(chart.proto.spec)["data"][0]["y"]
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def test_the_funnel_page_on_a_deals_only_warehouse_shows_the_deal_stage_funnel(deals_only, monkeypatch):
    at = _open_funnel(deals_only, monkeypatch)
    subheaders = [s.value for s in at.subheader]
    assert "Deal stages, period view" in subheaders and "Waterfall, period view" not in subheaders
    assert "cohort view needs people with ids (no people were loaded)" in _texts(at)
    [chart] = at.get("plotly_chart")
    assert _bars(chart) == [4, 4, 3, 2, 1]
    table = next(d.value for d in at.dataframe if "Deals" in d.value.columns).set_index("Stage")
    assert list(table.index) == ["Discovery", "Proposal", "Negotiation", "Won", "Lost"]
    assert table.loc["Negotiation", "Velocity (median days from the stage before)"] == "10 days"

    at.segmented_control(key="funnel_view").set_value("cohort").run()
    assert not at.exception, at.exception
    assert "Deal stages, cohort view" in [s.value for s in at.subheader]
    assert _bars(at.get("plotly_chart")[0]) == [4, 4, 2, 1, 1]
    at.segmented_control(key="funnel_split").set_value("lead_source").run()
    assert not at.exception, at.exception
    assert "Deal stages by lead source" in [s.value for s in at.subheader]
    panels = [a["text"] for a in json.loads(at.get("plotly_chart")[1].proto.spec)["layout"]["annotations"]]
    assert sorted(panels) == ["paid search", "webinar"]


def test_the_funnel_page_on_stage_counts_says_why_there_is_no_cohort_view(counted, monkeypatch):
    at = _open_funnel(counted, monkeypatch)
    assert "Waterfall, period view" in [s.value for s in at.subheader]
    assert _bars(at.get("plotly_chart")[0]) == [200, 50, 0, 0, 0, 2]
    at.segmented_control(key="funnel_view").set_value("cohort").run()
    assert not at.exception, at.exception
    assert "The cohort view needs people with ids (only stage counts were loaded)." in [i.value for i in at.info]
