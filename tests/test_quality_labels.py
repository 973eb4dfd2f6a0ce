"""Data quality says what it counts: an empty amount apart from 0, no account given apart from one not loaded; the
import warns about the same rows in the same words."""

from __future__ import annotations

from contextlib import closing

import pytest

from alignment import catalog, quality, warehouse
from alignment.ingest.load import import_extracts
from tests.conftest import write_csv

# O1 no amount, O2 amount 0, O3 250 at account A9 (not loaded), O4 100 with no account, O5 50 at A1.
# P1 no account, P2 at A9 (not loaded), P3 at A1, P4 at A9.
OPPORTUNITIES = [
    ["opportunity_id", "account_id", "created_at", "amount", "is_closed", "is_won", "close_date"],
    ["O1", "A1", "2024-02-01", "", "true", "true", "2024-02-10"],
    ["O2", "A1", "2024-02-02", "0", "true", "true", "2024-02-11"],
    ["O3", "A9", "2024-02-03", "250", "true", "true", "2024-02-12"],
    ["O4", "", "2024-02-04", "100", "true", "true", "2024-02-13"],
    ["O5", "A1", "2024-02-05", "50", "false", "false", ""],
]
PEOPLE = [
    ["person_id", "kind", "account_id", "created_at"],
    ["P1", "lead", "", "2024-01-01"],
    ["P2", "contact", "A9", "2024-01-02"],
    ["P3", "contact", "A1", "2024-01-03"],
    ["P4", "contact", "A9", "2024-01-04"],
]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("labels")
    (folder / "extract").mkdir()
    write_csv(folder / "extract" / "accounts.csv", [["account_id", "account_name"], ["A1", "Acme"]])
    write_csv(folder / "extract" / "opportunities.csv", OPPORTUNITIES)
    write_csv(folder / "extract" / "people.csv", PEOPLE)
    db = folder / "warehouse.duckdb"
    report = import_extracts([folder / "extract"], db_path=db, user="test")
    with closing(warehouse.open_reader(db)) as con:
        checks = {check.name: check for check in quality.run_checks(con)}
        amounts = con.execute("SELECT opportunity_id, amount FROM opportunities ORDER BY 1").fetchall()
        bookings = catalog.value(con, "bookings", catalog.Filters(quarter="2024-Q1"))
    return report, checks, amounts, bookings


def test_an_empty_amount_is_kept_apart_from_0_and_sums_as_0(imported):
    _, checks, amounts, bookings = imported
    assert amounts == [("O1", None), ("O2", 0.0), ("O3", 250.0), ("O4", 100.0), ("O5", 50.0)]
    assert checks["opportunities_amount_empty"].count == 1  # O1
    assert checks["opportunities_amount_zero"].count == 1  # O2
    # Won in Q1: O1 (empty = 0), O2 (0), O3 (250), O4 (100) → 350.
    assert bookings == 350


def test_no_account_given_is_kept_apart_from_an_account_not_loaded(imported):
    _, checks, _, _ = imported
    counts = {name: checks[name].count for name in (
        "people_no_account", "people_account_not_loaded", "opportunities_no_account",
        "opportunities_account_not_loaded")}
    assert counts == {"people_no_account": 1, "people_account_not_loaded": 2,  # P1; P2, P4
                      "opportunities_no_account": 1, "opportunities_account_not_loaded": 1}  # O4; O3


def test_the_import_warns_in_the_checks_words_with_their_counts(imported):
    report, checks, _, _ = imported
    warned = {w.rule: (w.count, w.file, w.canonical) for w in report.warnings}
    for audit in quality.IMPORT_FINDINGS:
        check = checks[audit.name]
        assert warned[check.title][0] == check.count, check.title
    assert [w.message() for w in report.warnings if w.canonical == "amount"] == [
        "opportunities.csv, row 2, column 'amount': Opportunities with the amount empty (counted as 0).",
        "opportunities.csv, row 3, column 'amount': Opportunities with an amount of 0 (value '0.0').",
    ]
    assert warned["People whose account is not loaded (no accounts row has their account_id)"] == (
        2, "people.csv", "account_id")
    # Leads have no account until converted: data quality lists them, the import does not warn.
    assert "People with no account given" not in warned
    # Each finding once: the reference check does not warn about the same accounts again.
    assert not [w for w in report.warnings if w.rule.startswith("no accounts row")]
