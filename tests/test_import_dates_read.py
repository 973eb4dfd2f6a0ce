"""ISO 8601 date columns read as instants by DuckDB's CSV reader (staging._parse_dates_read) give exactly what the
text path gives: value by value, and import by import, the messages of a broken file included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from alignment.ingest import staging
from alignment.ingest.load import import_extracts
from alignment.ingest.problems import ImportRejected
from alignment.ingest.staging import install_macros, text_csv
from tests.conftest import fingerprint_warehouse, write_csv

# What exports write in a date column, and what they should not: ISO 8601 with and without a time, fractions,
# offsets and zones; other layouts; spaces; impossible days; the cast's special words; years out of range.
DATE_TEXTS = [
    "2023-06-23", "2023-6-3", "2023-06-23 10:00", "2023-06-23 10:00:05", "2023-06-23T10:00:05",
    "2023-06-23T00:31:55.000+0000", "2023-06-23T00:31:55Z", "2023-06-23T00:31:55.123456+02:00",
    "2023-06-23 10:00:00-05", "2023-06-23T10:00:00.5", "2023-06-23 23:59:59.999999-11:30", "2024-02-29",
    "2023-06-23 24:00:00", "2023-12-31T23:30:00-01:00", "1900-01-01", "1899-12-31", "2099-01-01", "0001-01-01",
    "9999-12-31", "10000-01-01", "2023-02-30", "2023-13-01", "2023/06/23", "20230623", "2023-W25", "2023-174",
    " 2023-06-23", "2023-06-23 ", "\t2023-06-23", "2023-06-23\u00a0", "\u30002023-06-23",
    "23-01-2023", "23/01/2023", "01/23/2023", "1.2.2023", "23-01-23", "1-2-2023", "12-01-2023 10:00",
    "June 23, 2023", "23 Jun 2023", "2023-06-23 10:00 AM", "1686000000000", "infinity", "-infinity", "epoch",
    "NULL", "n/a", "-", "0", "2023", "2023-06", "2023-06-23 UTC", "2023-06-23 10:00 Europe/Berlin",
]


def _one_value(folder: Path, index: int, value: str) -> dict:
    path = write_csv(folder / f"v{index}.csv", [["when"], [value]])
    return {"d_path": str(path), "d_delim": ",", "d_encoding": "utf-8", "d_max_line": 1 << 20,
            "d_columns": {"c0": "VARCHAR"}, "d_typed_columns": {"c0": "TIMESTAMPTZ"}}


def test_the_reader_reads_every_value_as_the_text_path_does_or_the_range_rule_refuses_it(tmp_path):
    con = duckdb.connect()
    install_macros(con)
    bounds = staging._window_params(dt.date(2026, 12, 7))
    same, refused, out_of_range = [], [], []
    for index, value in enumerate(DATE_TEXTS):
        params = _one_value(tmp_path, index, value)
        # What staging stores (the wall time in UTC: utc_timestamp) from each, as the parse computes it.
        as_text = con.execute("SELECT utc_timestamp(TRY_CAST(iso_text(trimmed_text(c0)) AS TIMESTAMPTZ)) FROM "
                              + text_csv("d_"), {k: v for k, v in params.items() if k != "d_typed_columns"}
                              ).fetchall()[0][0]
        try:
            as_read, kind = con.execute("SELECT utc_timestamp(c0), typeof(c0) FROM " + text_csv("d_", typed=True),
                                        {k: v for k, v in params.items() if k != "d_columns"}).fetchall()[0]
            assert kind == "TIMESTAMP WITH TIME ZONE", kind
        except duckdb.Error:
            refused.append(value)  # the text path parses the file instead
            continue
        if as_read == as_text:
            same.append(value)
            continue
        # Read as another instant than the text path reads (or as one where it reads none): only allowed when the
        # column's range rule refuses it, which sends the file back to the text path.
        assert as_read is not None and not (bounds["first_moment"] <= as_read < bounds["after_last_recorded"]), \
            (value, as_read, as_text)
        out_of_range.append(value)
    # The proof covers the layouts exports use, and the others are refused by the reader or by the range rule.
    assert {"2023-06-23", "2023-06-23T00:31:55.000+0000", "2023-06-23 10:00:05", "2023-06-23T00:31:55Z",
            "2023-06-23T00:31:55.123456+02:00", "2024-02-29"} <= set(same)
    assert {"23/01/2023", "01/23/2023", "June 23, 2023", "2023-02-30", "NULL", "1686000000000"} <= set(refused)
    assert out_of_range == ["23-01-23"]  # day first, two-digit year: the year 23
    assert len(same) + len(refused) + len(out_of_range) == len(DATE_TEXTS)


def _parses(monkeypatch) -> list[dict]:
    """Record which columns each staged part read as instants."""
    seen: list[dict] = []
    real = staging._parse_dates_read

    def spy(*args):
        seen.append(dict(args[-1]))
        return real(*args)
    monkeypatch.setattr(staging, "_parse_dates_read", spy)
    return seen


def _import(folder: Path, db_path: Path):
    return import_extracts([folder], db_path=db_path, user="ops", roots=[folder.parent])


def _text_path_only(monkeypatch) -> None:
    monkeypatch.setattr(staging, "_read_as_dates", lambda *args: {})


def test_an_import_reading_dates_as_instants_equals_the_text_paths(salesforce_extract, tmp_path, monkeypatch):
    extract = salesforce_extract()
    seen = _parses(monkeypatch)
    _import(extract.folder, tmp_path / "read" / "warehouse.duckdb")
    assert any("created_at" in columns for columns in seen)  # the reader did read dates
    _text_path_only(monkeypatch)
    _import(extract.folder, tmp_path / "text" / "warehouse.duckdb")
    read = fingerprint_warehouse(tmp_path / "read" / "warehouse.duckdb")["tables"]
    text = fingerprint_warehouse(tmp_path / "text" / "warehouse.duckdb")["tables"]
    read.pop("_import"), text.pop("_import")
    assert read == text


@pytest.mark.parametrize("value", ["23/01/2024", "2024-01-10 banana", " 2024-01-10", "0023-01-10", "24-01-10"])
def test_a_date_the_reader_does_not_read_as_the_text_path_gets_the_text_paths_words(salesforce_extract, tmp_path,
                                                                                  monkeypatch, value):
    """A value the reader refuses, or reads into a year the range rule refuses: the import ends as it did before
    (refused with the same problems, or imported with the same rows and notes)."""
    outcomes = []
    for path in ("read", "text"):
        if path == "text":
            _text_path_only(monkeypatch)
        extract = salesforce_extract(path)
        rows = extract.rows("Lead.csv")
        rows[-1][rows[0].index("CreatedDate")] = value
        extract.write("Lead.csv", rows)
        try:
            report = _import(extract.folder, tmp_path / path / "warehouse.duckdb")
            outcomes.append(("imported", [problem.message() for problem in report.warnings], report.assumptions,
                             report.tables, fingerprint_warehouse(report.db_path)["tables"]["people"]))
        except ImportRejected as rejected:
            outcomes.append(("refused", [problem.message() for problem in rejected.problems]))
    assert outcomes[0] == outcomes[1]
