"""Each mapping-file feature real exports need: row filters, fallbacks, row ids, id prefixes, lookups, value maps that
never apply, one column feeding several; valid and invalid, each refusal saying what to write."""

from __future__ import annotations

import datetime as dt
import textwrap
from contextlib import closing
from pathlib import Path

import pytest
from pydantic import ValidationError

from alignment import warehouse
from alignment.ingest.load import import_extracts
from alignment.ingest.mapping import TABLE_MAPPINGS, EmptyTest, PrefixBy
from alignment.ingest.problems import ImportRejected
from tests.conftest import write_csv

T = dt.datetime
DEALS = {"opportunity_id": "Deal", "created_at": "Created"}


def entry(table: str, **settings):
    return TABLE_MAPPINGS[table].model_validate({"file": "f.csv", **settings})


def load(tmp_path: Path, mapping: str, files: dict[str, list[list[str]]]):
    """Import `files` with the mapping text; (report, warehouse path)."""
    folder = tmp_path / "extract"
    folder.mkdir()
    for name, content in files.items():
        write_csv(folder / name, content)
    (tmp_path / "mapping.yaml").write_text(textwrap.dedent(mapping), encoding="utf-8")
    db = tmp_path / "warehouse.duckdb"
    return import_extracts([folder], db_path=db, format="mapping", mapping=tmp_path / "mapping.yaml", user="test"), db


def rows(db: Path, sql: str) -> list[tuple]:
    with closing(warehouse.open_reader(db)) as con:
        return con.execute(sql).fetchall()


# --- validation --------------------------------------------------------------------------------------------------

def test_every_feature_validates():
    deals = entry("opportunities", columns={"opportunity_id": "Deal", "created_at": ["Created", "Modified", "Closed"],
                                            "owner_id": "Owner"},
                  keep_rows={"Pipeline": "Sales", "Amount": {"empty": False}},
                  skip_rows={"Status": ["Deleted", "Test"]},
                  prefixes={"opportunity_id": "D-"}, lookups={"owner_id": {"table": "users", "by": "Full Name"}})
    assert deals.columns["created_at"] == ["Created", "Modified", "Closed"]
    assert deals.keep_rows == {"Pipeline": ["Sales"], "Amount": EmptyTest(empty=False)}
    assert deals.skip_rows == {"Status": ["Deleted", "Test"]}
    tasks = entry("sales_activities", row_ids={"activity_id": "ACT-"},
                  columns={"person_id": "Who", "occurred_at": "Date"},
                  prefixes={"person_id": {"column": "Who Type", "values": {"Lead": "L-", "Contact": "C-"}}})
    assert tasks.row_ids == {"activity_id": "ACT-"}
    assert tasks.prefixes == {"person_id": PrefixBy(column="Who Type", values={"Lead": "L-", "Contact": "C-"})}


@pytest.mark.parametrize(("table", "settings", "message"), [
    ("sales_activities", {"columns": {"person_id": "Who", "occurred_at": "Date"}},
     r"'activity_id' is required — name the source column that holds the activity id \(or number the rows: "
     r"row_ids: \{activity_id: PREFIX-\}\)"),
    ("sales_activities", {"row_ids": {"occurred_at": "X-"}, "columns": {**{"activity_id": "Id"}, "person_id": "Who"}},
     r"'occurred_at' is not an id; row_ids numbers the rows of a file with no id column"),
    ("sales_activities", {"row_ids": {"activity_id": "A-"},
                          "columns": {"activity_id": "Id", "person_id": "Who", "occurred_at": "Date"}},
     r"'activity_id' is both a column and a row id — keep one"),
    ("opportunities", {"columns": {**DEALS, "name": []}},
     r"write the header of the source column, or a list of headers read in that order where the earlier ones are "
     r"empty, e.g. \[Create Date, Close Date\]"),
    ("opportunities", {"columns": DEALS, "keep_rows": {"Pipeline": {"blank": True}}},
     r"write a value, a list of values \(\[Deleted, Test\]\), or \{empty: true\} to match empty cells"),
    ("opportunities", {"columns": DEALS, "prefixes": {"created_at": "X-"}},
     r"'created_at' is not an id; prefixes keep the ids of two files apart \(e.g. person_id: L-\)"),
    ("opportunities", {"columns": DEALS, "prefixes": {"account_id": "A-"}},
     r"'account_id' is not read from the file — map it under columns first"),
    ("opportunities", {"columns": DEALS, "prefixes": {"opportunity_id": {"column": "Type"}}},
     r"values"),
    ("opportunities", {"columns": {**DEALS, "owner_id": "Owner"}, "lookups": {"owner_id": {"table": "accounts",
                                                                                           "by": "Name"}}},
     r"'owner_id' holds users ids — write table: users"),
    ("opportunities", {"columns": DEALS, "lookups": {"owner_id": {"table": "users", "by": "Name"}}},
     r"'owner_id' is not read from the file — map it under columns to the column holding the names first"),
    ("campaign_members", {"columns": {"campaign_id": "Campaign", "person_id": "Who"},
                          "lookups": {"campaign_id": {"table": "campaign_spend", "by": "Name"}}},
     r"campaign_spend has no id of its own to look up — use one of accounts, people"),
])
def test_invalid_features_say_what_to_write(table, settings, message):
    with pytest.raises(ValidationError, match=message):
        entry(table, **settings)


# --- behaviour ---------------------------------------------------------------------------------------------------

DEALS_FILE = [["Deal", "Created", "Modified", "Closed", "Status", "Pipeline", "Amount"],
              ["D1", "2024-01-02", "", "", "Open", "Sales", "10"],
              ["D2", "", "2024-01-05", "2024-01-09", "Deleted", "Sales", "20"],
              ["D3", "", "", "2024-01-07", "open", "Sales", ""],
              ["D4", "2024-01-04", "", "", "test", "Renewals", "40"],
              ["D5", "2024-01-06", "", "", "", "sales", "50"]]


def test_rows_kept_and_skipped_by_value_and_emptiness_with_the_count_reported(tmp_path):
    # keep: Pipeline is Sales (case ignored: D5 too) and Amount not empty → D3, D4 out; skip: Status Deleted or
    # Test → D2 out (D4 twice over). Kept: D1, D5; 3 of 5 skipped.
    report, db = load(tmp_path, """\
        version: 1
        tables:
          opportunities:
            file: deals.csv
            columns: {opportunity_id: Deal, created_at: [Created, Modified, Closed], amount: Amount}
            keep_rows: {Pipeline: Sales, Amount: {empty: false}}
            skip_rows: {Status: [Deleted, Test]}
        """, {"deals.csv": DEALS_FILE})
    assert rows(db, "SELECT opportunity_id, amount FROM opportunities ORDER BY 1") == [("D1", 10.0), ("D5", 50.0)]
    assert ("deals.csv: 3 of 5 rows skipped (tables.opportunities.keep_rows: 'Pipeline' is Sales and 'Amount' is "
            "not empty; tables.opportunities.skip_rows: 'Status' is Deleted or Test)") in report.assumptions


def test_a_fallback_reads_the_first_non_empty_column_in_order(tmp_path):
    report, db = load(tmp_path, """\
        version: 1
        tables:
          opportunities:
            file: deals.csv
            columns: {opportunity_id: Deal, created_at: [Created, Modified, Closed]}
        """, {"deals.csv": DEALS_FILE})
    # D2 from Modified (Closed is later in the list), D3 from Closed.
    assert rows(db, "SELECT opportunity_id, created_at FROM opportunities ORDER BY 1") == [
        ("D1", T(2024, 1, 2)), ("D2", T(2024, 1, 5)), ("D3", T(2024, 1, 7)), ("D4", T(2024, 1, 4)),
        ("D5", T(2024, 1, 6))]
    assert {a for a in report.assumptions if "read from" in a} == {
        "deals.csv: created_at read from 'Modified' where 'Created' is empty (1 row)",
        "deals.csv: created_at read from 'Closed' where 'Created' and 'Modified' are empty (1 row)"}


def test_one_source_column_feeds_several_canonical_columns(tmp_path):
    _, db = load(tmp_path, """\
        version: 1
        tables:
          opportunities:
            file: deals.csv
            columns: {opportunity_id: Deal, name: Deal, created_at: Created, stage: Status, is_closed: Status}
            values:
              is_closed: {Open: false, Deleted: true, Test: true}
            keep_rows: {Created: {empty: false}}
        """, {"deals.csv": DEALS_FILE})
    assert rows(db, "SELECT opportunity_id, name, stage, is_closed FROM opportunities ORDER BY 1") == [
        ("D1", "D1", "Open", False), ("D4", "D4", "test", True), ("D5", "D5", None, False)]


PEOPLE = [["Id", "Name", "Created"], ["1", "Ada Lovelace", "2024-01-01"], ["2", "Alan Turing", "2024-01-02"],
          ["3", "Ada Lovelace", "2024-01-03"]]


def test_lookups_row_ids_and_prefixes_work_together(tmp_path):
    # People get P- ids; a members file with no id names its person: "Alan Turing" is P-2; "Ada Lovelace" is two
    # people (P-1 and P-3): the first is used and that is reported.
    report, db = load(tmp_path, """\
        version: 1
        tables:
          people:
            file: people.csv
            columns: {person_id: Id, created_at: Created}
            prefixes: {person_id: P-}
          sales_activities:
            file: calls.csv
            row_ids: {activity_id: CALL-}
            columns: {person_id: Who, occurred_at: When}
            lookups:
              person_id: {table: people, by: Name}
        """, {"people.csv": PEOPLE, "calls.csv": [["Who", "When"], ["alan turing", "2024-01-05"],
                                                  ["Ada Lovelace", "2024-01-06"]]})
    assert rows(db, "SELECT activity_id, person_id FROM sales_activities ORDER BY 1") == [
        ("CALL-2", "P-2"), ("CALL-3", "P-1")]
    assert [w.message() for w in report.warnings if w.canonical == "person_id"] == [
        "calls.csv, row 3, column 'Who' (person_id): names more than one people row (looked up in 'Name' of "
        "people.csv); the first of them is used (value 'Ada Lovelace')."]


def test_a_name_found_nowhere_is_refused_where_the_column_is_required(tmp_path):
    with pytest.raises(ImportRejected) as refused:
        load(tmp_path, """\
            version: 1
            tables:
              people:
                file: people.csv
                columns: {person_id: Id, created_at: Created}
              sales_activities:
                file: calls.csv
                row_ids: {activity_id: CALL-}
                columns: {person_id: Who, occurred_at: When}
                lookups:
                  person_id: {table: people, by: Name}
            """, {"people.csv": PEOPLE, "calls.csv": [["Who", "When"], ["Grace Hopper", "2024-01-05"]]})
    assert [p.message() for p in refused.value.errors] == [
        "calls.csv, row 2, column 'Who' (person_id): names no people row (looked up in 'Name' of people.csv); add "
        "the missing row to that file, or skip these rows with skip_rows (value 'Grace Hopper')."]


def test_a_lookup_by_a_column_no_file_has_is_refused(tmp_path):
    with pytest.raises(ImportRejected) as refused:
        load(tmp_path, """\
            version: 1
            tables:
              people:
                file: people.csv
                columns: {person_id: Id, created_at: Created}
              sales_activities:
                file: calls.csv
                row_ids: {activity_id: CALL-}
                columns: {person_id: Who, occurred_at: When}
                lookups:
                  person_id: {table: people, by: E-mail}
            """, {"people.csv": PEOPLE, "calls.csv": [["Who", "When"], ["Alan Turing", "2024-01-05"]]})
    assert [p.message() for p in refused.value.errors] == [
        "mapping.yaml, column 'tables.sales_activities.lookups.person_id': no file that fills people has a column "
        "'E-mail' (files: people.csv); write by: as one of the columns of that file."]


def test_a_value_map_that_never_applies_is_a_warning(tmp_path):
    report, _ = load(tmp_path, """\
        version: 1
        tables:
          opportunities:
            file: deals.csv
            columns: {opportunity_id: Deal, created_at: [Created, Modified, Closed], stage: Status}
            values:
              stage: {Open: Prospecting, Deleted: Lost, Won: Closed Won, '*': Other}
        """, {"deals.csv": DEALS_FILE})
    # "Won" occurs nowhere in Status ('*' is not a value of the file, so it is never reported).
    assert [w.message() for w in report.warnings if w.file == "mapping.yaml"] == [
        "mapping.yaml, column 'tables.opportunities.values.stage': 'Won' matches no value of column 'Status' in "
        "deals.csv, so it is never applied — check the spelling; the column holds e.g. 'Deleted', 'Open', 'open', "
        "'test'."]


def test_a_header_a_feature_names_must_be_in_the_file(tmp_path):
    with pytest.raises(ImportRejected) as refused:
        load(tmp_path, """\
            version: 1
            tables:
              opportunities:
                file: deals.csv
                columns: {opportunity_id: Deal, created_at: [Created, Modified Date]}
                skip_rows: {State: Deleted}
            """, {"deals.csv": DEALS_FILE})
    assert sorted((p.column, p.rule.split(";")[0]) for p in refused.value.errors) == [
        ("Modified Date", "mapping.yaml names this column (tables.opportunities.columns.created_at) but the file has "
                          "no such column"),
        ("State", "mapping.yaml names this column (tables.opportunities.skip_rows.State) but the file has no such "
                  "column")]


def test_the_lookups_example_imports_into_exact_rows(tmp_path):
    examples = Path(__file__).resolve().parent.parent / "examples"
    db = tmp_path / "warehouse.duckdb"
    report = import_extracts([examples / "lookups-crm"], db_path=db, format="mapping",
                             mapping=examples / "mapping-lookups.yaml", user="test")
    # Lead 2 is a test lead (skipped); lead 1 and contact 1 are L-1 and C-1; "ben brook" is Ben Brook (U2).
    assert rows(db, "SELECT person_id, kind, account_id, owner_id FROM people ORDER BY 1") == [
        ("C-1", "contact", "A1", "U1"), ("C-2", "contact", "A2", "U1"), ("L-1", "lead", None, "U2"),
        ("L-3", "lead", None, "U2")]
    # D2 has no created date: its stage change stands in; "€ 12.500,00" is 12500 with a decimal comma.
    assert rows(db, "SELECT opportunity_id, account_id, created_at, amount, is_won, is_closed FROM opportunities "
                    "ORDER BY 1") == [
        ("D1", "A1", T(2024, 1, 10), 12500.0, True, True), ("D2", "A2", T(2024, 1, 15), 3000.0, False, True),
        ("D3", "A1", T(2024, 2, 1), None, False, False)]
    assert rows(db, "SELECT activity_id, person_id FROM sales_activities ORDER BY 1") == [
        ("CALL-2", "L-1"), ("CALL-3", "C-1"), ("CALL-4", "L-3")]
    assert "leads.csv: 1 of 3 rows skipped (tables.people.skip_rows: 'Status' is Test)" in report.assumptions
