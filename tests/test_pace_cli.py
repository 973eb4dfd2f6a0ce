"""`pace` and `forecast` on the command line, on the hand-made extract whose data stops inside 2024-Q1."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from alignment import cli, signoff
from alignment.charter import Charter
from alignment.ingest.load import import_extracts
from alignment.users import User


@pytest.fixture(scope="module")
def db(tmp_path_factory, new_salesforce_extract) -> Path:
    folder = tmp_path_factory.mktemp("pace-cli")
    extract = new_salesforce_extract(folder / "extract")
    db_path = folder / "warehouse.duckdb"
    import_extracts([extract.folder], db_path=db_path, user="ops")
    signoff.Ledger.beside(db_path).save(User(name="ana", role="analyst"), Charter(
        quarter="2024-Q1", definitions={"targets": {"opportunities_created": 6, "bookings": 80_000}}), "plan")
    return db_path


def run(db: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_pace_prints_one_row_per_planned_number(db, capsys):
    code, out, _ = run(db, capsys, "pace", "--quarter", "2024-Q1", "--as-of", "2024-03-01")
    assert code == 0
    rows = {row["metric"]: row for row in csv.DictReader(io.StringIO(out))}
    assert set(rows) == {"bookings", "opportunities_created"}
    # O1 and O2 created by 1 March; O3 on 1 March 12:00 counts (the as-of day is whole)
    assert float(rows["opportunities_created"]["actual_to_date"]) == 3
    assert rows["opportunities_created"]["status"] == "" and rows["opportunities_created"]["not_measured"]


def test_pace_as_json_carries_the_weeks(db, capsys):
    code, out, _ = run(db, capsys, "pace", "--quarter", "2024-Q1", "--format", "json")
    paced = json.loads(out)
    assert code == 0 and paced["as_of"] == "2024-03-11" and paced["week"] == 11 and paced["weeks"] == 13
    assert len(paced["rows"][0]["weeks"]) == 14


def test_an_as_of_day_outside_the_quarter_is_refused(db, capsys):
    code, _, err = run(db, capsys, "pace", "--quarter", "2024-Q1", "--as-of", "2024-04-02")
    assert code == cli.EXIT_BAD_INPUT and "is not in 2024-Q1" in err


def test_forecast_prints_coverage_and_says_what_it_cannot_measure(db, capsys):
    code, out, _ = run(db, capsys, "forecast", "--quarter", "2024-Q1", "--format", "json")
    result = json.loads(out)
    assert code == 0
    assert result["bookings_target"] == 80_000 and result["open_pipeline"] == 0  # O2 closes in June
    assert result["coverage"] == 0
    assert result["commit"] is None and "forecast category" in result["commit_note"]
    code, out, _ = run(db, capsys, "forecast", "--quarter", "2024-Q1")
    assert code == 0 and out.startswith("figure,value,note")


def test_forecast_of_a_quarter_not_under_way_is_refused(db, capsys):
    code, _, err = run(db, capsys, "forecast", "--quarter", "2023-Q4")
    assert code == cli.EXIT_BAD_INPUT and "not running" in err
