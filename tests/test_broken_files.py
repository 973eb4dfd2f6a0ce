"""The broken-input corpus: each case breaks one thing in a valid extract; the import is refused with a readable
message naming file, row and column, and the loaded warehouse stays byte-for-byte what it was."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from alignment.ingest.load import import_extracts
from alignment.ingest.problems import ImportRejected
from alignment.ingest.staging import DATE_LAYOUTS


Rows = list[list[str]]
Breaker = Callable[[Any], None]  # takes the Extract (conftest.py) to break


@dataclass(frozen=True)
class Broken:
    """One way to break the valid extract, and the one problem the import must then report."""

    id: str
    breaks: Breaker
    file: str
    row: int | None          # spreadsheet row: header = 1, first data row = 2; None where no row is meaningful
    column: str | None
    rule: str                # words of the rule, as the user reads them


def set_cell(file: str, row: int, column: str, value: str) -> Breaker:
    return lambda extract: extract.set_cell(file, row, column, value)


def rewrite(file: str, change: Callable[[Rows], Rows]) -> Breaker:
    return lambda extract: extract.write(file, change(extract.rows(file)))


def replace_bytes(file: str, content: Callable[[bytes], bytes]) -> Breaker:
    def breaks(extract) -> None:
        path = extract.folder / file
        path.write_bytes(content(path.read_bytes()))
    return breaks


def add_file(file: str, rows: Rows) -> Breaker:
    """Write (or overwrite) a whole file."""
    return lambda extract: extract.write(file, rows)


def without_column(column: str) -> Callable[[Rows], Rows]:
    def change(rows: Rows) -> Rows:
        index = rows[0].index(column)
        return [row[:index] + row[index + 1:] for row in rows]
    return change


def with_cell(row: int, column: str, value: str) -> Callable[[Rows], Rows]:
    def change(rows: Rows) -> Rows:
        rows[row - 1][rows[0].index(column)] = value
        return rows
    return change


def as_xlsx(file: str, change: Callable[[Rows], Rows]) -> Breaker:
    """Replace <object>.csv by <object>.xlsx holding the changed rows (every cell text, empty cells empty)."""
    def breaks(extract) -> None:
        rows = change(extract.rows(file))
        (extract.folder / file).unlink()
        workbook = openpyxl.Workbook()
        for row in rows:
            workbook.active.append([value or None for value in row])
        workbook.save(extract.folder / file.replace(".csv", ".xlsx"))
    return breaks


def as_parquet(file: str, column: str, values: pa.Array) -> Breaker:
    """Replace <object>.csv by <object>.parquet, every column text except `column`, given a wrong physical type."""
    def breaks(extract) -> None:
        rows = extract.rows(file)
        (extract.folder / file).unlink()
        arrays = {name: values if name == column else pa.array([r[i] or None for r in rows[1:]], pa.string())
                  for i, name in enumerate(rows[0])}
        pq.write_table(pa.table(arrays), extract.folder / file.replace(".csv", ".parquet"))
    return breaks


def real_xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Id", "Name"])
    workbook.active.append(["A1", "Acme"])
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


CORPUS = [
    Broken("missing required column", rewrite("Opportunity.csv", without_column("CreatedDate")),
           "Opportunity.csv", 1, "CreatedDate / Created Date", "required column is missing"),
    Broken("file named for an object with none of its columns",
           add_file("Account.csv", [["foo", "bar"], ["1", "2"]]),
           "Account.csv", 1, "Id / Account ID", "required column is missing"),
    Broken("empty required value", set_cell("Opportunity.csv", 3, "CreatedDate", ""),
           "Opportunity.csv", 3, "CreatedDate", "is empty but required"),
    Broken("text in Amount", set_cell("Opportunity.csv", 3, "Amount", "lots"),
           "Opportunity.csv", 3, "Amount", "is not a number"),
    Broken("unparseable date", set_cell("Opportunity.csv", 3, "CloseDate", "soon"),
           "Opportunity.csv", 3, "CloseDate", "is not a date"),
    Broken("impossible date 30/02", set_cell("Opportunity.csv", 4, "CloseDate", "30/02/2024"),
           "Opportunity.csv", 4, "CloseDate", "is not a date"),
    Broken("impossible ISO date", set_cell("Lead.csv", 3, "CreatedDate", "2024-02-30T10:00:00.000+0000"),
           "Lead.csv", 3, "CreatedDate", "is not a date/time"),
    Broken("duplicate id", set_cell("Account.csv", 3, "Id", "A1"),
           "Account.csv", 2, "Id", "duplicate account_id: each must appear once"),
    Broken("orphan CampaignMember.CampaignId", set_cell("CampaignMember.csv", 4, "CampaignId", "CMP9"),
           "CampaignMember.csv", 4, "CampaignId", "no campaigns row has this campaign_id"),
    Broken("orphan OpportunityContactRole.OpportunityId",
           set_cell("OpportunityContactRole.csv", 3, "OpportunityId", "O9"),
           "OpportunityContactRole.csv", 3, "OpportunityId", "no opportunities row has this opportunity_id"),
    Broken("orphan OpportunityHistory.OpportunityId", set_cell("OpportunityHistory.csv", 7, "OpportunityId", "O9"),
           "OpportunityHistory.csv", 7, "OpportunityId", "no opportunities row has this opportunity_id"),
    Broken("negative amount", set_cell("Opportunity.csv", 2, "Amount", "-5"),
           "Opportunity.csv", 2, "Amount", "must be at least 0"),
    Broken("negative cost", set_cell("Campaign.csv", 2, "ActualCost", "-100"),
           "Campaign.csv", 2, "ActualCost", "must be at least 0"),
    Broken("negative budget", set_cell("Campaign.csv", 3, "BudgetedCost", "-1"),
           "Campaign.csv", 3, "BudgetedCost", "must be at least 0"),
    Broken("negative spend", set_cell("campaign_spend.csv", 3, "amount", "-9000"),
           "campaign_spend.csv", 3, "amount", "must be at least 0"),
    Broken("empty file", replace_bytes("Account.csv", lambda _: b""),
           "Account.csv", None, None, "the file is empty (0 bytes)"),
    Broken("header only", replace_bytes("Account.csv", lambda content: content.split(b"\n")[0] + b"\n"),
           "Account.csv", None, None, "the file has a header but no data rows"),
    Broken("pipe-delimited", lambda extract: extract.write("User.csv", extract.rows("User.csv"), delimiter="|"),
           "User.csv", 1, "Id / User ID", "the header was read as one column 'Id|Name|Department|Region__c"),
    Broken("binary garbage", replace_bytes("Account.csv", lambda _: bytes(range(256)) * 40),
           "Account.csv", None, None, "this is not a text file"),
    Broken("10 MB single line", replace_bytes("Account.csv", lambda _: b"Id," + b"x" * 10_000_000),
           "Account.csv", 1, None, "the first line is longer than 256 KB"),
    Broken("10 MB data row", replace_bytes("Account.csv", lambda content: content + b"A9," + b"y" * 10_000_000),
           "Account.csv", 5, None, "a row is longer than 8 MB"),
    Broken("UTF-8 and Latin-1 mixed",
           replace_bytes("Account.csv", lambda content: content.replace(b"Acme", "Acmé".encode())
                         .replace(b"Globex", "Glöbex".encode("latin-1"))),
           "Account.csv", 3, None, "the file mixes text encodings"),
    Broken("xlsx named .csv", lambda extract: (extract.folder / "Account.csv").write_bytes(real_xlsx_bytes()),
           "Account.csv", None, None, "this looks like an Excel/zip file with a .csv name"),
    Broken("duplicate header names", rewrite("Account.csv", lambda rows: [row + [row[1]] for row in rows]),
           "Account.csv", 1, "Name", "the header names this column more than once"),
    Broken("unclosed quote", replace_bytes("Account.csv", lambda content: content.replace(b"Globex", b'"Globex')),
           "Account.csv", 3, None, "a quoted field is never closed"),
    Broken("ragged row", replace_bytes("Account.csv", lambda content: content.replace(b"Globex", b"Globex,Inc")),
           "Account.csv", 3, None, "this row has a different number of fields than the header"),
    Broken("persona outside the allowed set (canonical people.csv)",
           add_file("people.csv", [["person_id", "kind", "persona", "created_at"],
                                   ["P9", "lead", "wizard", "2024-03-01"]]),
           "people.csv", 2, "persona", "must be one of decision_maker, influencer, user, other"),
    Broken("lifecycle stage outside the allowed set",
           add_file("lifecycle_events.csv", [["person_id", "stage", "occurred_at"],
                                             ["L3", "inquiry", "2024-03-10"], ["L3", "lead", "2024-03-11"]]),
           "lifecycle_events.csv", 3, "stage", "must be one of inquiry, mql, sal, sql, rejected"),
    Broken("funnel role outside the allowed set",
           rewrite("Campaign.csv", lambda rows: [r + [v] for r, v in zip(rows, ["Funnel_Role__c", "", "mid"])]),
           "Campaign.csv", 3, "Funnel_Role__c", "must be one of awareness, demand_gen"),
    Broken("boolean maybe", set_cell("CampaignMember.csv", 3, "HasResponded", "maybe"),
           "CampaignMember.csv", 3, "HasResponded", "is not true/false"),
    Broken("IsWon as text", set_cell("Opportunity.csv", 2, "IsWon", "Won"),
           "Opportunity.csv", 2, "IsWon", "is not true/false"),
    Broken("activity with a person but no time at all", set_cell("Task.csv", 5, "ActivityDate", ""),
           "Task.csv", 5, "occurred_at", "is empty but required"),
    Broken("XLSX with a broken cell", as_xlsx("Opportunity.csv", with_cell(3, "Amount", "n/a")),
           "Opportunity.xlsx", 3, "Amount", "is not a number"),
    Broken("XLSX with duplicate header names",
           as_xlsx("Account.csv", lambda rows: [row[:2] + [row[1]] + row[2:] for row in rows]),
           "Account.xlsx", 1, "Name", "the header names this column more than once"),
    Broken("XLSX with no data rows", as_xlsx("User.csv", lambda rows: rows[:1]),
           "User.xlsx", None, None, "the file has a header but no data rows"),
    Broken("Parquet with a wrong type", as_parquet("Opportunity.csv", "CreatedDate", pa.array([True, False, True])),
           "Opportunity.parquet", 2, "CreatedDate", "is not a date/time"),
]


@pytest.fixture(scope="module")
def loaded_template(tmp_path_factory, new_salesforce_extract) -> Path:
    """A data folder holding a warehouse loaded from the valid extract (and its import history)."""
    base = tmp_path_factory.mktemp("loaded")
    data = base / "data"
    import_extracts([new_salesforce_extract(base / "valid").folder], db_path=data / "warehouse.duckdb")
    return data


@pytest.fixture
def loaded(loaded_template, tmp_path) -> Path:
    """This test's own copy of the loaded data folder; returns the warehouse path."""
    shutil.copytree(loaded_template, tmp_path / "data")
    return tmp_path / "data" / "warehouse.duckdb"


@pytest.fixture
def refuse(warehouse_fingerprint) -> Callable[[Path, Path], ImportRejected]:
    """refuse(db_path, folder): import expecting a refusal that leaves the warehouse and its folder untouched."""
    def refuse(db_path: Path, folder: Path) -> ImportRejected:
        before, listing = warehouse_fingerprint(db_path), sorted(os.listdir(db_path.parent))
        with pytest.raises(ImportRejected) as caught:
            import_extracts([folder], db_path=db_path)
        assert warehouse_fingerprint(db_path) == before
        # Nothing left behind (no half-built warehouse); the history file only gained a row.
        assert sorted(os.listdir(db_path.parent)) == listing
        return caught.value
    return refuse


def test_the_corpus_is_big_enough():
    assert len(CORPUS) >= 24
    assert len({case.id for case in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.id)
def test_broken_input_is_refused_with_a_readable_message_and_changes_nothing(case, loaded, refuse,
                                                                              salesforce_extract):
    extract = salesforce_extract("broken")
    case.breaks(extract)
    rejection = refuse(loaded, extract.folder)
    [problem] = rejection.errors
    assert (problem.file, problem.first_row, problem.column) == (case.file, case.row, case.column)
    assert case.rule in problem.rule
    message = problem.message()
    assert message.startswith(case.file)
    if case.row is not None:
        assert f"row {case.row}" in message
    if case.column is not None:
        assert f"column '{case.column}'" in message
    assert case.rule in message
    assert "unchanged" in str(rejection) and message in str(rejection)


def test_100000_rows_with_one_broken_column_give_one_grouped_message_fast(loaded, refuse, salesforce_extract):
    extract = salesforce_extract("big")
    rows = extract.rows("Opportunity.csv")
    close_date = rows[0].index("CloseDate")
    for row in rows[1:]:
        row[close_date] = "31/31/2024"
    path = extract.write("Opportunity.csv", rows)
    # O4 … O100000 copy O1 (its values hold no comma or quote, so plain joining writes valid CSV).
    copy = ",".join(rows[1][1:])
    assert '"' not in copy and len(rows[1]) == copy.count(",") + 2
    with open(path, "a", encoding="utf-8") as handle:
        handle.writelines(f"O{number},{copy}\n" for number in range(4, 100_001))
    assert path.read_bytes().count(b"\n") == 100_001
    rejection = refuse(loaded, extract.folder)  # its speed is measured in bench/, not asserted here
    [problem] = rejection.errors
    assert (problem.file, problem.column, problem.count) == ("Opportunity.csv", "CloseDate", 100_000)
    assert [(e.row, e.value) for e in problem.examples] == [(2, "31/31/2024"), (3, "31/31/2024"), (4, "31/31/2024")]
    # The refusal lists the layouts tried, and says the value has a layout but no such day exists.
    assert problem.message() == ("Opportunity.csv, column 'CloseDate': is not a date in any layout tried ("
                                 + "; ".join(words for words, _ in DATE_LAYOUTS.values()) + "); it has the layout "
                                 "DD/MM/YYYY but is not a real date: correct it in the file — 100,000 rows, "
                                 "e.g. row 2 '31/31/2024', row 3 '31/31/2024', row 4 '31/31/2024'.")
    assert len(str(rejection).splitlines()) == 2


def test_several_broken_files_are_all_reported_at_once(loaded, refuse, salesforce_extract):
    extract = salesforce_extract("broken")
    extract.set_cell("Opportunity.csv", 3, "Amount", "lots")
    (extract.folder / "Account.csv").write_bytes(b"")
    extract.set_cell("CampaignMember.csv", 3, "HasResponded", "maybe")
    rejection = refuse(loaded, extract.folder)
    assert sorted(p.message() for p in rejection.errors) == [
        "Account.csv: the file is empty (0 bytes); export it again.",
        "CampaignMember.csv, row 3, column 'HasResponded': is not true/false (value 'maybe').",
        "Opportunity.csv, row 3, column 'Amount': is not a number (value 'lots').",
    ]


@contextlib.contextmanager
def read_only(path: Path):
    """Make a file or folder unwritable, even for root (chmod, else the immutable attribute), then restore it."""
    mode = path.stat().st_mode
    path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    immutable = False
    try:
        if os.access(path, os.W_OK):  # root ignores permission bits
            immutable = subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
        assert not os.access(path, os.W_OK), f"could not make {path} read-only in this environment"
        yield path
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(mode)


def test_unwritable_data_folder_is_refused_clearly(loaded, refuse, salesforce_extract):
    extract = salesforce_extract("valid")
    with read_only(loaded.parent):
        rejection = refuse(loaded, extract.folder)
    [problem] = rejection.errors
    assert f"the folder {loaded.parent} is not writable" in problem.rule
    assert "nothing was changed" in problem.rule


def test_read_only_warehouse_file_is_refused_clearly(loaded, refuse, salesforce_extract):
    extract = salesforce_extract("valid")
    with read_only(loaded):
        rejection = refuse(loaded, extract.folder)
    [problem] = rejection.errors
    assert f"the warehouse file {loaded} is read-only" in problem.rule
    assert "nothing was changed" in problem.rule


def test_a_valid_import_over_a_loaded_warehouse_does_swap_it(loaded, salesforce_extract, warehouse_fingerprint):
    # The control for the corpus: the same procedure with nothing broken changes the warehouse.
    before = warehouse_fingerprint(loaded)
    extract = salesforce_extract("valid")
    extract.set_cell("Account.csv", 2, "Name", "Acme Corporation")
    import_extracts([extract.folder], db_path=loaded)
    after = warehouse_fingerprint(loaded)
    assert after["inode"] != before["inode"]
    assert [row[1] for row in after["tables"]["accounts"]] == ["Acme Corporation", "Globex", "Initech"]
