"""Exports in the shapes real CRMs write import in one try with a mapping file and no edits, into numbers worked out
by hand (tests/fixtures/exports/README.md says which real export each folder resembles)."""

from __future__ import annotations

import datetime as dt
from contextlib import closing
from pathlib import Path

import pytest

from alignment import catalog, quality, warehouse
from alignment.ingest.load import ImportReport, import_extracts

EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"
SHAPES = sorted(path.name for path in EXPORTS.iterdir() if path.is_dir())
T = dt.datetime
D = dt.date


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Each shape imported once (one try: import_extracts raises on a refusal), as (report, warehouse path)."""
    done: dict[str, tuple[ImportReport, Path]] = {}

    def load(shape: str) -> tuple[ImportReport, Path]:
        if shape not in done:
            db = tmp_path_factory.mktemp(shape) / "warehouse.duckdb"
            report = import_extracts([EXPORTS / shape], db_path=db, format="mapping",
                                     mapping=EXPORTS / shape / "mapping.yaml", user="test",
                                     roots=[EXPORTS, db.parent])
            done[shape] = report, db
        return done[shape]

    return load


def rows(db: Path, sql: str) -> list[tuple]:
    with closing(warehouse.open_reader(db)) as con:
        return con.execute(sql).fetchall()


def metric(db: Path, name: str, quarter: str = "2023-Q1") -> catalog.Measure:
    with closing(warehouse.open_reader(db)) as con:
        return catalog.measure(con, name, catalog.Filters(quarter=quarter))


def checks(db: Path) -> dict[str, int]:
    with closing(warehouse.open_reader(db)) as con:
        return {check.name: check.count for check in quality.run_checks(con)}


def test_every_shape_has_a_mapping_file_and_a_readme_line():
    readme = (EXPORTS / "README.md").read_text(encoding="utf-8")
    assert len(SHAPES) == 12
    for shape in SHAPES:
        assert (EXPORTS / shape / "mapping.yaml").is_file()
        assert f"`{shape}/`" in readme


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_imports_in_one_try_with_no_error(imported, shape):
    report, _ = imported(shape)
    assert report.tables  # loaded: a refusal would have raised


def test_no_id_column(imported):
    _, db = imported("no_id_column")
    # row_ids: ACT- and the spreadsheet row number (the header is row 1).
    assert rows(db, "SELECT * FROM sales_activities ORDER BY 1") == [
        ("ACT-2", "P1", T(2023, 1, 11, 9), "Call", None), ("ACT-3", "P1", T(2023, 1, 12, 9), "Email", None)]
    # MQLs of Q1: P1 (01-10), P2 (02-03); P1 was called on 01-11, P2 never → 1 never followed up.
    assert metric(db, "mqls").value == 2
    assert metric(db, "never_followed_up").value == 1


def test_names_instead_of_ids(imported):
    report, db = imported("names_instead_of_ids")
    # "spring webinar" (lower case) and "Spring Webinar" are one campaign, K1; people are found by full name.
    assert rows(db, "SELECT campaign_id, person_id, status, has_responded FROM campaign_members ORDER BY 1, 2") == [
        ("K1", "C1", "Attended", True), ("K1", "C2", "Registered", False), ("K2", "C1", "Visited", True)]
    # "ben brook" is Ben Brook (U2); "Zed Unknown" names no user: left empty and reported with its row.
    assert rows(db, "SELECT person_id, owner_id FROM people ORDER BY 1") == [("C1", "U1"), ("C2", "U2"), ("C3", None)]
    assert rows(db, "SELECT opportunity_id, owner_id FROM opportunities ORDER BY 1") == [("D1", "U1"), ("D2", "U2")]
    unmatched = [w for w in report.warnings if w.canonical == "owner_id"]
    assert [w.message() for w in unmatched] == [
        "contacts.csv, row 4, column 'Owner' (owner_id): names no users row (looked up in 'Full Name' of users.csv); "
        "the cell is left empty (value 'Zed Unknown')."]
    # D1 (1,000) won 02-15, D2 (400) lost 03-20: bookings 1,000, win rate 1 of 2.
    assert metric(db, "bookings").value == 1000
    assert metric(db, "win_rate_count").value == 0.5


def test_shared_ids(imported):
    _, db = imported("shared_ids")
    assert rows(db, "SELECT person_id, kind, account_id FROM people ORDER BY 1") == [
        ("C-1", "contact", "A1"), ("C-2", "contact", "A1"), ("L-1", "lead", None), ("L-2", "lead", None)]
    # Who ID 1 is lead 1 on T1 and contact 1 on T2, as Who Type says.
    assert rows(db, "SELECT activity_id, person_id FROM sales_activities ORDER BY 1") == [
        ("T1", "L-1"), ("T2", "C-1"), ("T3", "C-2")]
    assert metric(db, "inquiries").value == 4  # four people created in January, none merged


def test_no_created_dates(imported):
    report, db = imported("no_created_dates")
    assert rows(db, "SELECT opportunity_id, created_at, is_won, is_closed FROM opportunities ORDER BY 1") == [
        ("D1", T(2023, 1, 10), True, True), ("D2", T(2023, 1, 20), True, True), ("D3", T(2023, 2, 5), False, False)]
    assert "deals.csv: created_at read from 'Last Stage Change' where 'Created' is empty (2 rows)" in report.assumptions
    # Created in Q1: 500 + 300 + 200; won in Q1: D1 (02-10) and D2 (03-01).
    assert metric(db, "pipeline").value == 1000
    assert metric(db, "bookings").value == 800


def test_semicolons_decimal_commas(imported):
    report, db = imported("semicolons_decimal_commas")
    assert rows(db, "SELECT opportunity_id, created_at, close_date, amount FROM opportunities ORDER BY 1") == [
        ("1", T(2023, 1, 2), D(2023, 2, 15), 1234.56), ("2", T(2023, 1, 3), D(2023, 3, 20), 10000.0),
        ("3", T(2023, 1, 4), None, 2.5)]
    assert "deals.csv: read as UTF-8, semicolon-delimited" in report.assumptions
    assert "deals.csv: 'Betrag' read with a decimal comma (1.234,56)" in report.assumptions
    # Pipeline 1234.56 + 10000 + 2.5; bookings: 1 (won 02-15); closed in Q1: 1 won, 2 lost.
    assert metric(db, "pipeline").value == pytest.approx(11237.06)
    assert metric(db, "bookings").value == pytest.approx(1234.56)
    assert metric(db, "win_rate_count").value == 0.5


def test_foreign_currency(imported):
    _, db = imported("foreign_currency")
    # R$ 100.000,00 (no-break space), R$ 2.500,50, R$ 1 200,00 (narrow no-break space between thousands);
    # CHF 1'200.50, CHF 12'000.
    assert rows(db, "SELECT opportunity_id, amount, currency, is_won, is_closed FROM opportunities ORDER BY 1") == [
        ("BR1", 100000.0, "BRL", True, True), ("BR2", 2500.5, "BRL", True, True),
        ("BR3", 1200.0, "BRL", False, False), ("CH1", 1200.5, "CHF", True, True), ("CH2", 12000.0, "CHF", False, False)]
    # In dollars at 5 BRL and 0.8 CHF per USD. Won in Q1: BR1, BR2 (02-01, 02-02) and CH1 (02-03):
    # 100,000 / 5 + 2,500.50 / 5 + 1,200.50 / 0.8 = 20,000 + 500.10 + 1,500.625; opened: those, BR3 (240) and CH2
    # (15,000).
    assert metric(db, "bookings").value == pytest.approx(22000.725)
    assert metric(db, "pipeline").value == pytest.approx(37240.725)


def test_same_day_won(imported):
    _, db = imported("same_day_won")
    # S1-S3 open and close on one day (0 days, never below 0), S4 takes 18: the median of 0, 0, 0, 18 is 0.
    assert metric(db, "sales_cycle_days").value == 0
    assert metric(db, "bookings").value == 1000
    assert metric(db, "opportunities_created").value == 4
    assert checks(db)["stages_out_of_order"] == 0  # closing the day a deal opens is in order


def test_out_of_order_dates(imported):
    _, db = imported("out_of_order_dates")
    # MQLs in Q1: P1 (01-02), P2 (01-15), P3 (03-05), whatever the order of the rows; P3 reached SQL on 03-10.
    assert metric(db, "mqls").value == 3
    assert metric(db, "sqls").value == 1
    assert metric(db, "inquiries").value == 3
    # P2's MQL (01-15) is before P2 was created (02-01): listed, and left out of durations.
    assert checks(db)["stages_out_of_order"] == 1


def test_won_only(imported):
    _, db = imported("won_only")
    # Won in Q1: W1 (01-20, 5,000) and W2 (02-10, 7,000); W3 closes in Q2.
    assert metric(db, "bookings").value == 12000
    # A1's and A2's first wins are in Q1.
    assert metric(db, "new_customers").value == 2
    # No lost deal was loaded: a win rate would read 100 %, so it is not measured.
    win_rate = metric(db, "win_rate_count")
    assert win_rate.value is None and "lost" in win_rate.not_measured


def test_no_activities(imported):
    _, db = imported("no_activities")
    assert metric(db, "mqls").value == 2  # P1 (01-04), P2 (02-04)
    followed = metric(db, "never_followed_up")
    assert followed.value is None and "activities" in followed.not_measured


def test_hubspot_like(imported):
    report, db = imported("hubspot_like")
    # Deal 104 is in the Renewals pipeline: skipped, and said so. One column (Deal Stage) fills stage, is_won and
    # is_closed; owners are names looked up in owners.csv.
    assert "deals.csv: 1 of 4 rows skipped (tables.opportunities.keep_rows: 'Pipeline' is Sales Pipeline)" in \
        report.assumptions
    assert rows(db, "SELECT opportunity_id, owner_id, created_at, close_date, amount, stage, is_won, is_closed "
                    "FROM opportunities ORDER BY 1") == [
        ("101", "7", T(2021, 4, 15, 0, 3), D(2021, 5, 20), 1000.0, "Closed Won", True, True),
        ("102", "7", T(2021, 4, 16, 10), D(2021, 6, 1), 500.0, "Closed Lost", False, True),
        ("103", "8", T(2021, 5, 2, 8, 15), D(2021, 6, 30), None, "Appointment Scheduled", False, False)]
    # 2021-Q2: pipeline 1,000 + 500 + empty (counted as 0); bookings 1,000; 1 won of 2 closed.
    assert metric(db, "pipeline", "2021-Q2").value == 1500
    assert metric(db, "bookings", "2021-Q2").value == 1000
    assert metric(db, "win_rate_count", "2021-Q2").value == 0.5
    assert [(w.count, w.file, w.column) for w in report.warnings if w.canonical == "amount"] == [
        (1, "deals.csv", "Amount")]
    assert checks(db)["opportunities_amount_empty"] == 1


def test_salesforce_report(imported):
    report, db = imported("salesforce_report")
    assert rows(db, "SELECT opportunity_id, created_at, close_date, amount FROM opportunities ORDER BY 1") == [
        ("006A", T(2023, 1, 23), D(2023, 2, 15), 1200.0), ("006B", T(2023, 1, 5, 15, 30), D(2023, 3, 31), 800.0),
        ("006C", T(2023, 2, 13, 9), D(2023, 4, 30), 2000.0)]
    assert "opportunities.csv: 'Created Date' dates read as MM/DD/YYYY" in report.assumptions
    # Created in Q1: 1,200 + 800 + 2,000; won: 006A (02-15); lost: 006B (03-31).
    assert metric(db, "pipeline").value == 4000
    assert metric(db, "bookings").value == 1200
    assert metric(db, "win_rate_count").value == 0.5
    assert not report.warnings
