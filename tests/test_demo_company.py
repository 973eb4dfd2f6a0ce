"""The demo company a first start builds keeps a February fiscal year and books EMEA in euros and pounds; `demo
--calendar calendar --currencies USD` builds the calendar-quarter, dollars-only company the reference numbers were
taken on, equal to the one the other tests read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alignment import catalog, cli, currency, demo, warehouse
from alignment.periods import CALENDAR_YEAR, FiscalCalendar, Quarter, using_calendar

QUARTER = "2026-Q2"


def run(capsys, db: Path, *args: str) -> tuple[int, str, str]:
    code = cli.main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def booked_in(db: Path) -> dict[str, int]:
    """How many deals were written in each currency (empty: the corporate one)."""
    reader = warehouse.open_reader(db)
    try:
        rows = reader.cursor().execute(
            "SELECT coalesce(currency, '') AS currency, count(*) FROM opportunities GROUP BY ALL").fetchall()
    finally:
        reader.close()
    return dict(rows)


@pytest.fixture(scope="module")
def first_start(tmp_path_factory) -> Path:
    """The demo company as a first start builds it: nothing given but where."""
    db = tmp_path_factory.mktemp("first-start") / "warehouse.duckdb"
    demo.build_demo(db, end_quarter="2026-Q3")
    return db


def test_the_first_start_keeps_a_february_fiscal_year_in_dollars_euros_and_pounds(first_start):
    assert warehouse.calendar_of(first_start) == FiscalCalendar(start_month=2, year_named_by="end") \
        == demo.DEMO_CALENDAR
    reader = warehouse.open_reader(first_start)
    try:
        assert currency.settings(reader).corporate == "USD"
        deals = booked_in(first_start)
        assert set(deals) == {"USD", "EUR", "GBP"} and deals["EUR"] > 0 and deals["GBP"] > 0
        # Its quarters are fiscal ones: FY27-Q2 is May to July 2026, and its numbers are in dollars.
        with using_calendar(demo.DEMO_CALENDAR):
            quarter = Quarter.parse("FY27-Q2")
            assert (quarter.start.date().isoformat(), quarter.end.date().isoformat()) == ("2026-05-01", "2026-08-01")
            bookings = catalog.value(reader, "bookings", {"quarter": quarter})
        assert bookings > 0
    finally:
        reader.close()


def test_the_reference_company_from_the_command_line_equals_the_one_the_tests_read(tmp_path, capsys, reader):
    db = tmp_path / "warehouse.duckdb"
    code, _, err = run(capsys, db, "demo", "--calendar", "calendar", "--currencies", "USD", "--end-quarter", "2026-Q3",
                       "--no-running-quarter")
    assert code == 0, err
    assert warehouse.calendar_of(db) == CALENDAR_YEAR and set(booked_in(db)) == {""}  # all in the corporate currency
    code, out, _ = run(capsys, db, "metrics", "--quarter", QUARTER, "--format", "json")
    assert code == 0
    from_cli = {row["name"]: row["value"] for row in json.loads(out)}
    expected = {card.name: card.value for card in catalog.scorecard(reader, {"quarter": QUARTER})}
    assert set(from_cli) == set(expected)
    differ = [name for name in expected
              if not (from_cli[name] is None and expected[name] is None
                      or from_cli[name] == pytest.approx(expected[name], rel=1e-9))]
    assert differ == []


def test_a_currency_the_demo_has_no_rates_for_is_refused_saying_what_to_write(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["--db", str(tmp_path / "warehouse.duckdb"), "demo", "--currencies", "USD,XYZ"])
    err = capsys.readouterr().err
    assert exit.value.code == 2
    assert "XYZ is not one of USD, EUR, GBP" in err and "the corporate one first (e.g. USD,EUR,GBP)" in err
    assert not (tmp_path / "warehouse.duckdb").exists()
