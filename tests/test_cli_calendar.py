"""`python -m alignment calendar show|set`, and quarters on the command line read in the warehouse's calendar."""

import json
from pathlib import Path

import pytest

from alignment import cli, warehouse
from alignment.charter import Charter
from alignment.ingest.load import import_extracts
from alignment.periods import CALENDAR_YEAR, FiscalCalendar, current_calendar
from alignment.signoff import Content, Ledger
from alignment.users import User


@pytest.fixture
def db(tmp_path, new_salesforce_extract) -> Path:
    extract = new_salesforce_extract(tmp_path / "extract")
    db_path = tmp_path / "warehouse.duckdb"
    import_extracts([extract.folder], db_path=db_path, roots=[tmp_path])
    return db_path


def run(capsys, db: Path, *args: str) -> tuple[int, str, str]:
    code = cli.main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_set_then_metrics_take_fiscal_quarters(db, capsys):
    code, out, _ = run(capsys, db, "calendar", "show")
    assert code == 0 and out.startswith("Calendar quarters")
    code, out, _ = run(capsys, db, "calendar", "set", "--start-month", "2", "--named-by", "end",
                       "--time-zone", "Europe/Berlin")
    assert code == 0 and "Fiscal year starting in February, named by the calendar year it ends in" in out
    assert "Europe/Berlin" in out and warehouse.calendar_of(db).start_month == 2
    # O1 (50,000) is won on 30 Apr 2024: the last day of FY25-Q1 (1 Feb – 30 Apr 2024).
    code, out, _ = run(capsys, db, "metrics", "--quarter", "FY25-Q1", "--format", "json")
    assert code == 0
    assert {row["name"]: row["value"] for row in json.loads(out)}["bookings"] == 50000
    code, _, err = run(capsys, db, "metrics", "--quarter", "2024-Q2")
    assert code == 2 and "'2024-Q2' is a calendar quarter" in err and "e.g. FY25-Q1" in err
    assert current_calendar() == CALENDAR_YEAR  # a command's calendar does not outlive it


def test_calendar_quarter_names_work_on_a_calendar_year_warehouse(db, capsys):
    code, out, _ = run(capsys, db, "metrics", "--quarter", "2024-Q2", "--format", "json")
    assert code == 0 and {row["name"]: row["value"] for row in json.loads(out)}["bookings"] == 50000


def test_weeks_and_a_weekday_and_bad_settings(db, capsys):
    code, out, _ = run(capsys, db, "calendar", "set", "--start-month", "2", "--weeks", "4-4-5",
                       "--year-end-weekday", "Saturday")
    assert code == 0 and "4-4-5 weeks per quarter, the year ending on the Saturday nearest the end of January" in out
    code, _, err = run(capsys, db, "calendar", "set", "--start-month", "13")
    assert code == 2 and "--start-month: " in err and "write 2 for a year starting in February" in err
    code, _, err = run(capsys, db, "calendar", "set", "--time-zone", "Berlin")
    assert code == 2 and "write an IANA name like UTC, Europe/Berlin" in err
    code, out, _ = run(capsys, db, "calendar", "set", "--weeks", "months")
    assert code == 0 and "weeks" not in out


def test_set_is_refused_while_a_quarter_is_signed(db, capsys):
    ledger = Ledger.beside(db)
    charter = Charter(quarter="2024-Q1", metrics=("pipeline",))
    ledger.save(User(name="ana", role="analyst"), charter, "First draft")
    ledger.propose(User(name="ana", role="analyst"), "2024-Q1", "Ready")
    ledger.sign(User(name="vic", role="vp_sales"), Content(charter=charter.model_copy(update={"version": 1}),
                                                           values={"pipeline": 1.0}, data_fingerprint="f" * 64),
                comment="Agreed", acknowledged_checklist=True, checklist=[])
    code, _, err = run(capsys, db, "calendar", "set", "--start-month", "4")
    assert code == 2
    assert "cannot change while quarters are signed (2024-Q1)" in err and "made on the current calendar" in err
    assert warehouse.calendar_of(db) == CALENDAR_YEAR


def test_the_demo_builds_on_a_february_fiscal_year(tmp_path, capsys):
    db = tmp_path / "warehouse.duckdb"
    code, _, _ = run(capsys, db, "demo", "--calendar", "feb", "--end-quarter", "2026-Q3")
    assert code == 0
    assert warehouse.calendar_of(db) == FiscalCalendar(start_month=2, year_named_by="end")
    code, out, _ = run(capsys, db, "metrics", "--quarter", "FY27-Q2", "--format", "json")
    assert code == 0 and {row["name"] for row in json.loads(out)} >= {"bookings", "pipeline"}
