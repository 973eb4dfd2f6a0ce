"""The date and money layouts exports really write, hidden characters included, and a refusal that says what was
tried and the exact line that reads the file."""

from __future__ import annotations

import datetime as dt
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

from alignment import schema, warehouse
from alignment.ingest.load import import_extracts
from alignment.ingest.problems import ImportRejected
from alignment.ingest.staging import DATE_LAYOUTS, suggest_date_format
from tests.conftest import write_csv
from tests.test_staging import staged, write

NBSP, THIN, NARROW = "\u00a0", "\u2009", "\u202f"


@pytest.mark.parametrize(("text", "expected", "assumed"), [
    ("23-01-2023 10:00", dt.datetime(2023, 1, 23, 10), "DD-MM-YYYY"),
    ("15 Apr, 2021 00:03:00", dt.datetime(2021, 4, 15, 0, 3), "DD Mon YYYY (15 Apr, 2021)"),
    ("Apr 15, 2021", dt.datetime(2021, 4, 15), "Mon DD, YYYY (Apr 15, 2021)"),
    ("April 15, 2021 3:05 PM", dt.datetime(2021, 4, 15, 15, 5), "Mon DD, YYYY (Apr 15, 2021)"),
    ("1/23/2023 12:00 AM", dt.datetime(2023, 1, 23, 0, 0), "MM/DD/YYYY"),  # 12:00 AM is midnight
    # Offsets are read as the instant they say, in UTC: 10:00+02:00 is 08:00.
    ("2023-01-23T10:00:00+02:00", dt.datetime(2023, 1, 23, 8), None),
    ("2023-01-23T10:00:00Z", dt.datetime(2023, 1, 23, 10), None),
    ("2023-01-23T10:00:00+0000", dt.datetime(2023, 1, 23, 10), None),
])
def test_date_layouts_exports_write(tmp_path, text, expected, assumed):
    rows, result, _ = staged(write(tmp_path, f'seen_at\n"{text}"\n'))
    assert rows == [(expected, None, None, None, None)]
    assert result.problems == []
    assert result.assumptions == ([f"sample.csv: 'seen_at' dates read as {assumed}"] if assumed else [])


@pytest.mark.parametrize(("text", "expected"), [
    ("$1,200.00", 1200.0), ("€ 1.234.567,89", 1234567.89), ("£99.50", 99.5), ("¥1200", 1200.0),
    (f"R${NBSP}100.000,00", 100000.0), ("CHF 1'200.50", 1200.5), ("USD 1,200", 1200.0), ("1,200 USD", 1200.0),
    ("1.234.567,89", 1234567.89), (f"1{THIN}200.50", 1200.5), (f"1{NARROW}200,50", 1200.5),
    (f"{NBSP}2.5K{NBSP}", 2500.0), ("-5", -5.0), ("(1,200)", -1200.0), ("(2.5M)", -2500000.0),
])
def test_money_with_symbols_codes_and_invisible_separators(tmp_path, text, expected):
    rows, result, _ = staged(write(tmp_path, f'amount\n"{text}"\n'))
    assert rows == [(None, None, expected, None, None)]
    assert [p for p in result.problems if p.severity == "error"] == []


def test_a_negative_amount_in_brackets_is_refused_by_the_amount_rule(tmp_path):
    path = write(tmp_path, 'opportunity_id,created_at,amount\nO1,2024-02-01,"(1,200)"\n')
    _, result, _ = staged(path, schema.Opportunity)
    assert [p.message() for p in result.problems] == [
        "sample.csv, row 2, column 'amount': must be at least 0; it reads as a negative number (a minus sign, or "
        "brackets as accountants write one): write the figure without them, or leave the cell empty (value "
        "'(1,200)')."]


def test_the_sniffed_decimal_mark_ignores_one_group_of_three(tmp_path):
    # "1,200" could be either; "3,50" says comma: the column is read with a decimal comma, 1,200 as 1.2.
    rows, result, _ = staged(write(tmp_path, 'amount\n"USD 1,200"\n"USD 1,400"\n'))
    assert [r[2] for r in rows] == [1200.0, 1400.0] and result.assumptions == []


@pytest.mark.parametrize(("value", "fits"), [
    ("23/01/23 10:00", "DD/MM/YY HH:mm"), ("01/23/23", "MM/DD/YY"), ("2023.01.23", "YYYY.MM.DD"),
    ("15 April 2021", "DD MMMM YYYY"), ("Apr 15, 2021 3:05 PM", "MMM DD, YYYY hh:mm A"), ("soon", None),
])
def test_the_format_a_refusal_suggests(value, fits):
    assert suggest_date_format(value) == fits


MAPPING = """\
    version: 1
    tables:
      opportunities:
        file: deals.csv
        columns: {opportunity_id: Deal, created_at: Created, close_date: Close, amount: Value}
    """


def import_deals(tmp_path: Path, mapping: str, deals: list[list[str]]):
    folder = tmp_path / "extract"
    folder.mkdir(exist_ok=True)
    write_csv(folder / "deals.csv", deals)
    (tmp_path / "mapping.yaml").write_text(textwrap.dedent(mapping), encoding="utf-8")
    return import_extracts([folder], db_path=tmp_path / "warehouse.duckdb", format="mapping",
                           mapping=tmp_path / "mapping.yaml", user="test")


def test_a_refused_date_names_both_columns_the_layouts_tried_and_the_line_to_add(tmp_path):
    deals = [["Deal", "Created", "Close", "Value"], ["D1", "2023-01-02", "23/01/23 10:00", "10"]]
    with pytest.raises(ImportRejected) as refused:
        import_deals(tmp_path, MAPPING, deals)
    [problem] = refused.value.errors
    message = problem.message()
    assert message.startswith("deals.csv, row 2, column 'Close' (close_date): is not a date in any layout tried (")
    assert all(words in message for words, _ in DATE_LAYOUTS.values())
    assert message.endswith('it reads as DD/MM/YY HH:mm: add this line under tables.opportunities in mapping.yaml: '
                            'formats: {close_date: "DD/MM/YY HH:mm"} (value \'23/01/23 10:00\').')
    # The line it gives, added as it says, reads the file.
    import_deals(tmp_path, MAPPING.rstrip(" ") + '        formats: {close_date: "DD/MM/YY HH:mm"}\n', deals)
    with closing(warehouse.open_reader(tmp_path / "warehouse.duckdb")) as con:
        assert con.execute("SELECT close_date FROM opportunities").fetchall() == [(dt.date(2023, 1, 23),)]


def test_a_refusal_shows_invisible_characters_and_names_them(tmp_path):
    deals = [["Deal", "Created", "Close", "Value"], ["D1", "2023-01-02", "", f"100{NBSP}000 kr"]]
    with pytest.raises(ImportRejected) as refused:
        import_deals(tmp_path, MAPPING, deals)
    assert [p.message() for p in refused.value.errors] == [
        "deals.csv, row 2, column 'Value' (amount): is not a number (value '100␣000 kr' — ␣ is U+00A0 NO-BREAK "
        "SPACE)."]


SALESFORCE = {
    "User.csv": [["Id", "Name"], ["U1", "Ana Alvarez"]],
    "Account.csv": [["Id", "Name", "CreatedDate"], ["A1", "Acme", "02/01/23 09:00"]],
    "Opportunity.csv": [["Id", "AccountId", "Name", "OwnerId", "CreatedDate", "CloseDate", "Amount", "StageName",
                         "IsClosed", "IsWon"],
                        ["O1", "A1", "Acme - New", "U1", "05/01/23 10:30", "28/02/23", "1000", "Closed Won", "true",
                         "true"]],
}


def test_the_salesforce_import_takes_a_date_format(tmp_path):
    folder = tmp_path / "extract"
    folder.mkdir()
    for name, content in SALESFORCE.items():
        write_csv(folder / name, content)
    db = tmp_path / "warehouse.duckdb"
    with pytest.raises(ImportRejected) as refused:  # two-digit years: no layout the import knows reads them
        import_extracts([folder], db_path=db, user="test")
    assert any('import with the date format "DD/MM/YY HH:mm" (--date-format "DD/MM/YY HH:mm" on the command line, '
               "or Date format on the Data page)" in p.rule for p in refused.value.errors)
    import_extracts([folder], db_path=db, user="test", date_format="DD/MM/YY HH:mm")
    with closing(warehouse.open_reader(db)) as con:
        assert con.execute("SELECT opportunity_id, created_at, close_date FROM opportunities").fetchall() == [
            ("O1", dt.datetime(2023, 1, 5, 10, 30), dt.date(2023, 2, 28))]
        assert con.execute("SELECT created_at FROM accounts").fetchall() == [(dt.datetime(2023, 1, 2, 9),)]


def test_the_hubspot_import_takes_a_date_format(tmp_path):
    folder = tmp_path / "extract"
    folder.mkdir()
    write_csv(folder / "deals.csv", [["Record ID", "Deal Name", "Create Date", "Close Date", "Amount"],
                                     ["11", "Deal A", "2021.04.15 00:03", "2021.05.20 00:00", "10"]])
    db = tmp_path / "warehouse.duckdb"
    import_extracts([folder], db_path=db, user="test", format="hubspot", date_format="YYYY.MM.DD HH:mm")
    with closing(warehouse.open_reader(db)) as con:
        assert con.execute("SELECT opportunity_id, created_at, close_date FROM opportunities").fetchall() == [
            ("11", dt.datetime(2021, 4, 15, 0, 3), dt.date(2021, 5, 20))]


def test_an_unreadable_date_format_is_refused_before_any_file_is_read(tmp_path):
    write_csv(tmp_path / "Opportunity.csv", [["Id"], ["O1"]])
    with pytest.raises(ImportRejected, match="'DD/MM/YYY' is not a date format — write it like DD/MM/YYYY"):
        import_extracts([tmp_path], db_path=tmp_path / "warehouse.duckdb", user="test", date_format="DD/MM/YYY")
