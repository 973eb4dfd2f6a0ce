"""Reading and parsing one file: dates, numbers, money text, booleans, encodings and delimiters, worked by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from pydantic import BaseModel

from alignment import schema
from alignment.ingest.adapters import canonical_aliases, resolve_columns
from alignment.ingest.readers import read_source
from alignment.ingest.staging import Part, StageResult, install_macros, stage


class Sample(BaseModel):
    """A contract with one column of each type the staging compiles."""

    seen_at: dt.datetime | None = None
    seen_date: dt.date | None = None
    amount: float | None = None
    is_flag: bool | None = None
    name: str | None = None


def staged(path: Path, contract: type[BaseModel] = Sample) -> tuple[list[tuple], StageResult, list[str]]:
    """(staged rows without lineage, the stage result, what the reader assumed) for one file."""
    con = duckdb.connect()
    install_macros(con)
    source = read_source(con, path, "raw_0")
    part = Part(target="sample", contract=contract, source=source,
                columns=resolve_columns(source, canonical_aliases(contract)))
    result = stage(con, part)
    names = ", ".join(schema.column_names(contract))
    rows = con.execute("SELECT " + names + " FROM stage_sample ORDER BY _row").fetchall() if result.rows else []
    return rows, result, source.assumptions


def write(tmp_path: Path, content: str | bytes, name: str = "sample.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize(("text", "expected", "assumed"), [
    # +0000 is UTC; +0200 is two hours ahead, so 10:00+0200 is 08:00 UTC.
    ("2024-01-10T08:00:00.000+0000", dt.datetime(2024, 1, 10, 8, 0), None),
    ("2024-01-10T10:00:00.000+0200", dt.datetime(2024, 1, 10, 8, 0), None),
    ("2024-01-10 08:00:00", dt.datetime(2024, 1, 10, 8, 0), None),
    ("2024-01-10", dt.datetime(2024, 1, 10, 0, 0), None),
    # 1 704 873 600 000 ms = 19 732 days + 8 h after 1970-01-01 = 2024-01-10 08:00 UTC.
    ("1704873600000", dt.datetime(2024, 1, 10, 8, 0), "milliseconds since 1970 (epoch)"),
    ("01/10/2024 08:05 AM", dt.datetime(2024, 1, 10, 8, 5), "MM/DD/YYYY"),
    ("01/10/2024 08:05 PM", dt.datetime(2024, 1, 10, 20, 5), "MM/DD/YYYY"),
    ("10.01.2024", dt.datetime(2024, 1, 10, 0, 0), "DD.MM.YYYY"),
    ("10.01.2024 17:30", dt.datetime(2024, 1, 10, 17, 30), "DD.MM.YYYY"),
])
def test_one_date_layout(tmp_path, text, expected, assumed):
    rows, result, _ = staged(write(tmp_path, f"seen_at\n{text}\n"))
    assert rows == [(expected, None, None, None, None)]
    assert result.problems == []
    if assumed:
        assert result.assumptions == [f"sample.csv: 'seen_at' dates read as {assumed}"]
    else:
        assert result.assumptions == []


def test_day_first_is_chosen_when_a_day_above_12_appears(tmp_path):
    # 13/02 cannot be month 13, so the whole column is DD/MM: 01/03/2024 is 1 March, not 3 January.
    rows, result, _ = staged(write(tmp_path, "seen_at\n01/03/2024\n13/02/2024\n"))
    assert [r[0] for r in rows] == [dt.datetime(2024, 3, 1), dt.datetime(2024, 2, 13)]
    assert result.assumptions == ["sample.csv: 'seen_at' dates read as DD/MM/YYYY"]


def test_ambiguous_slashes_read_month_first_and_say_so(tmp_path):
    rows, result, _ = staged(write(tmp_path, "seen_at\n01/03/2024\n02/04/2024\n"))
    assert [r[0] for r in rows] == [dt.datetime(2024, 1, 3), dt.datetime(2024, 2, 4)]
    assert len(result.assumptions) == 1
    assert result.assumptions[0].startswith("sample.csv: 'seen_at' dates read as MM/DD/YYYY (no day above 12 was seen")


def test_date_column_keeps_the_day(tmp_path):
    rows, _, _ = staged(write(tmp_path, "seen_date\n2024-02-29T23:30:00.000+0000\n2024-03-01\n"))
    assert [r[1] for r in rows] == [dt.date(2024, 2, 29), dt.date(2024, 3, 1)]


@pytest.mark.parametrize(("cell", "expected"), [
    ('"1,234.50"', 1234.5),
    ("1234.5", 1234.5),
    ('"$1,117.10K"', 1_117_100.0),   # 1,117.10 thousand
    ("€2.5M", 2_500_000.0),          # 2.5 million
    ("USD 300", 300.0),
    ("£12", 12.0),
    ("0", 0.0),
])
def test_numbers_and_money_text(tmp_path, cell, expected):
    rows, result, _ = staged(write(tmp_path, f"amount\n{cell}\n"))
    assert rows == [(None, None, expected, None, None)]
    assert result.problems == [] and result.assumptions == []


def test_decimal_comma_is_sniffed_and_reported(tmp_path):
    # 1.234,50 → 1234.5 and 2,5 → 2.5: two comma votes, none for a decimal point.
    rows, result, _ = staged(write(tmp_path, 'amount\n"1.234,50"\n"2,5"\n'))
    assert [r[2] for r in rows] == [1234.5, 2.5]
    assert result.assumptions == ["sample.csv: 'amount' read with a decimal comma (1.234,56)"]


@pytest.mark.parametrize(("cell", "expected"), [
    ("true", True), ("TRUE", True), ("1", True), ("yes", True), ("x", True), ("Y", True),
    ("false", False), ("0", False), ("no", False), ("N", False),
    ("", None),
])
def test_booleans(tmp_path, cell, expected):
    rows, result, _ = staged(write(tmp_path, f"is_flag,name\n{cell},a\n"))
    assert rows == [(None, None, None, expected, "a")]
    assert result.problems == []


def test_text_that_is_not_the_type_is_one_grouped_problem(tmp_path):
    rows, result, _ = staged(write(tmp_path, "amount,is_flag\nlots,maybe\n5,true\nmany,true\n"))
    messages = sorted(p.message() for p in result.problems)
    assert messages == [
        "sample.csv, column 'amount': is not a number — 2 rows, e.g. row 2 'lots', row 4 'many'.",
        "sample.csv, row 2, column 'is_flag': is not true/false (value 'maybe').",
    ]


def test_empty_amount_stays_empty(tmp_path):
    # Empty is kept apart from 0 (numbers read it as 0); the import warns about it in data quality's words
    # (test_export_corpus.py), not staging.
    path = write(tmp_path, "opportunity_id,created_at,amount\nO1,2024-02-01,\nO2,2024-02-02,10\nO3,2024-02-03,0\n")
    rows, result, _ = staged(path, schema.Opportunity)
    assert [(r[0], r[6]) for r in rows] == [("O1", None), ("O2", 10.0), ("O3", 0.0)]
    assert result.problems == []


def test_required_and_range_rules_of_the_contract(tmp_path):
    path = write(tmp_path, "opportunity_id,created_at,amount\n,2024-02-01,5\nO2,2024-02-02,-10\n")
    _, result, _ = staged(path, schema.Opportunity)
    assert sorted(p.message() for p in result.problems) == [
        "sample.csv, row 2, column 'opportunity_id': is empty but required.",
        "sample.csv, row 3, column 'amount': must be at least 0; it reads as a negative number (a minus sign, or "
        "brackets as accountants write one): write the figure without them, or leave the cell empty (value '-10').",
    ]


def test_utf8_bom_is_read_and_reported(tmp_path):
    rows, _, assumed = staged(write(tmp_path, b"\xef\xbb\xbfname,amount\nJos\xc3\xa9,1\n"))
    assert rows == [(None, None, 1.0, None, "José")]
    assert assumed == ["read as UTF-8 with BOM, comma-delimited"]


def test_latin1_is_read_and_reported(tmp_path):
    # é is one byte (0xE9) in Latin-1 and not valid UTF-8 on its own.
    rows, _, assumed = staged(write(tmp_path, "name;amount\nJosé;1\nRenée;2\n".encode("latin-1")))
    assert [r[4] for r in rows] == ["José", "Renée"]
    assert assumed == ["read as Latin-1 (the file is not valid UTF-8), semicolon-delimited"]


@pytest.mark.parametrize(("delimiter", "word"), [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
def test_delimiters_are_sniffed(tmp_path, delimiter, word):
    content = delimiter.join(["name", "amount", "seen_date"]) + "\n" + delimiter.join(["a", "1.5", "2024-01-02"])
    rows, _, assumed = staged(write(tmp_path, content + "\n"))
    assert rows == [(None, dt.date(2024, 1, 2), 1.5, None, "a")]
    assert assumed == [f"read as UTF-8, {word}-delimited"]


def test_semicolon_file_with_decimal_commas(tmp_path):
    # The European export: ; between fields, , inside numbers, DD.MM.YYYY dates.
    content = "name;amount;seen_at\nA;1.234,50;13.02.2024 10:00\nB;7,25;01.03.2024\n"
    rows, result, assumed = staged(write(tmp_path, content))
    assert rows == [(dt.datetime(2024, 2, 13, 10, 0), None, 1234.5, None, "A"),
                    (dt.datetime(2024, 3, 1), None, 7.25, None, "B")]
    assert assumed == ["read as UTF-8, semicolon-delimited"]
    assert sorted(result.assumptions) == ["sample.csv: 'amount' read with a decimal comma (1.234,56)",
                                          "sample.csv: 'seen_at' dates read as DD.MM.YYYY"]


def test_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path):
    con = duckdb.connect()
    install_macros(con)
    source = read_source(con, write(tmp_path, "name\na\nb\nc\n"), "raw_0")
    part = Part(target="sample", contract=Sample, source=source, columns={"name": "name"})
    stage(con, part)
    # Header is row 1, so the first data row is row 2.
    assert con.execute("SELECT _file, _row, name FROM stage_sample ORDER BY _row").fetchall() == [
        ("sample.csv", 2, "a"), ("sample.csv", 3, "b"), ("sample.csv", 4, "c")]
    assert (source.rows, source.headers) == (3, ["name"])


def test_rows_read_by_several_threads_keep_their_row_numbers(tmp_path):
    # The file is parsed straight from the CSV by several threads; a row's number is its place in the parsed table.
    # 300 000 rows (≈ 9 MB) are several of DuckDB's scan ranges, so a number taken from the wrong place shows here:
    # row n of the file (header = row 1) holds the name "r<n>", and row 250 001 holds a date that is not one.
    lines = ["name,seen_at"] + [f"r{n},2024-01-0{1 + n % 9}" for n in range(2, 300_002)]
    lines[250_000] = "r250001,someday"
    con = duckdb.connect()
    con.execute("SET threads = 4")
    install_macros(con)
    source = read_source(con, write(tmp_path, "\n".join(lines) + "\n"), "raw_0")
    result = stage(con, Part(target="sample", contract=Sample, source=source,
                             columns={"name": "name", "seen_at": "seen_at"}))
    assert [(p.column, p.count, [(e.row, e.value) for e in p.examples]) for p in result.problems] == [
        ("seen_at", 1, [(250_001, "someday")])]
    assert source.rows == 300_000
    # Nothing was staged (the date is an error), so stage the same rows again without it and check every number.
    lines[250_000] = "r250001,2024-01-01"
    con.execute("DROP TABLE IF EXISTS stage_sample")
    source = read_source(con, write(tmp_path, "\n".join(lines) + "\n"), "raw_1")
    stage(con, Part(target="sample", contract=Sample, source=source, columns={"name": "name", "seen_at": "seen_at"}))
    assert con.execute("SELECT count(*), count(*) FILTER (WHERE name = 'r' || _row), min(_row), max(_row) "
                       "FROM stage_sample").fetchall() == [(300_000, 300_000, 2, 300_001)]


def test_skipped_rows_still_count_in_the_row_numbers(tmp_path):
    # Rows without a name are skipped (as activities without a person are); the rows after them keep the numbers
    # the file gives them: "b" is on row 4 and the bad date on row 6.
    con = duckdb.connect()
    install_macros(con)
    source = read_source(con, write(tmp_path, "name,seen_at\na,2024-01-01\n,2024-01-02\nb,2024-01-03\n,never\n"
                                              "c,later\n"), "raw_0")
    part = Part(target="sample", contract=Sample, source=source, columns={"name": "name", "seen_at": "seen_at"},
                skip_if_empty=("name",))
    result = stage(con, part)
    # "never" is on a skipped row (5): not counted; "later" on row 6 is.
    assert [(p.column, p.count, [(e.row, e.value) for e in p.examples]) for p in result.problems] == [
        ("seen_at", 1, [(6, "later")])]
    assert source.rows == 5
    con.execute("DROP TABLE IF EXISTS stage_sample")
    source = read_source(con, write(tmp_path, "name,seen_at\na,2024-01-01\n,2024-01-02\nb,2024-01-03\n,never\n"
                                              "c,2024-01-05\n", "other.csv"), "raw_1")
    result = stage(con, Part(target="sample", contract=Sample, source=source,
                             columns={"name": "name", "seen_at": "seen_at"}, skip_if_empty=("name",)))
    assert result.rows == 3
    assert con.execute("SELECT _row, name FROM stage_sample ORDER BY _row").fetchall() == [
        (2, "a"), (4, "b"), (6, "c")]


def test_latin1_past_the_sniffed_head_is_read_again_and_reported(tmp_path):
    # The first 256 KB are plain ASCII, so the file is sniffed as UTF-8; a Latin-1 "é" on the last row is found
    # only while the file is staged, which then reads it again as Latin-1 and says so.
    rows = [f"name{n};{n}" for n in range(30_000)] + ["Jos\xe9;7"]
    path = write(tmp_path, ("name;amount\n" + "\n".join(rows) + "\n").encode("latin-1"))
    assert path.stat().st_size > 256 * 1024
    staged_rows, result, assumed = staged(path)
    assert assumed == ["read as Latin-1 (the file is not valid UTF-8), semicolon-delimited"]
    assert staged_rows[-1][2:] == (7.0, None, "José") and len(staged_rows) == 30_001


def test_decimal_comma_behind_a_currency_sign_is_still_sniffed(tmp_path):
    # "12,50 €" and "99,90 €": the sign is stripped before voting, so both vote for a decimal comma → 12.5, 99.9
    # (voting on the raw text once read them as 1250 and 9990).
    rows, result, _ = staged(write(tmp_path, 'amount\n"12,50 €"\n"99,90 €"\n'))
    assert [r[2] for r in rows] == [12.5, 99.9]
    assert result.assumptions == ["sample.csv: 'amount' read with a decimal comma (1.234,56)"]


def test_value_map_keys_match_snake_cased_text(tmp_path):
    # The text "Economic Buyer" is snake-cased to "economic_buyer" before the lookup; a key written the way the
    # file spells it must still match.
    class Role(BaseModel):
        persona: str | None = None

    con = duckdb.connect()
    install_macros(con)
    source = read_source(con, write(tmp_path, "persona\nEconomic Buyer\nUser\n"), "raw_0")
    stage(con, Part(target="roles", contract=Role, source=source, columns={"persona": "persona"},
                    snake_case=("persona",), value_maps={"persona": {"Economic Buyer": "decision_maker"}}))
    assert con.execute("SELECT persona FROM stage_roles ORDER BY _row").fetchall() == [("decision_maker",), ("user",)]
