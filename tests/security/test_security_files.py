"""Hostile files: paths that leave the import roots, viewers who would validate, workbooks that unpack without end or
hide their values, NUL padding, headers that differ only in case; each refused before anything of it is kept."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from alignment import history, users, warehouse
from alignment.ingest import load, readers
from alignment.ingest import roots as import_roots
from alignment.ingest.load import import_extracts
from alignment.ingest.problems import ImportRejected
from tests.conftest import SALESFORCE_EXTRACT, sign_in
from tests.test_broken_files import loaded, loaded_template  # noqa: F401 - fixtures: a loaded data folder
from ui.text import literal

CHECKOUT = Path(__file__).resolve().parents[2]
APP = str(CHECKOUT / "app.py")
SECRET = "root:TOP-SECRET-FIRST-LINE:0:0"
EXCEL_ROWS = 1_048_576  # the last row of a sheet, and the reader's limit
ANALYST = users.User(name="ana", role="analyst")
VIEWER = users.User(name="vic", role="viewer")


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    """The only import root of this test (the server's setting), with a folder outside it holding a secret."""
    imports = tmp_path / "imports"
    imports.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text(SECRET + "\nsecond line\n")
    monkeypatch.setenv(import_roots.ROOTS_ENV, str(imports))
    return imports


def refused(db_path: Path, paths: list[Path], **options) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        import_extracts(paths, db_path=db_path, user="test", **options)
    return caught.value


def stored_history(db_path: Path) -> str:
    """Everything the import history holds, as one text (what any role sees on the Data page)."""
    return json.dumps(history.list_imports(db_path))


# --- files only from below the import roots ---------------------------------------------------------------------------

def test_a_symlinked_file_leading_out_of_the_root_is_refused_and_nothing_of_it_is_kept(root, loaded,  # noqa: F811
                                                                                       new_salesforce_extract):
    extract = new_salesforce_extract(root / "q3")
    (extract.folder / "Account.csv").unlink()
    (extract.folder / "Account.csv").symlink_to(root.parent / "outside" / "passwd")
    rejection = refused(loaded, [extract.folder])
    [problem] = rejection.errors
    assert problem.file == str(extract.folder / "Account.csv")
    assert "is a link that leads outside the import folders" in problem.rule
    assert import_roots.ROOTS_ENV in problem.rule  # says how to allow a folder
    assert SECRET not in str(rejection)
    latest = history.list_imports(loaded)[0]
    assert latest["status"] == "refused"  # the attempt is recorded, the file's content is not
    assert "TOP-SECRET" not in stored_history(loaded)


def test_a_symlinked_folder_leading_out_of_the_root_is_refused(root, loaded, new_salesforce_extract):  # noqa: F811
    extract = new_salesforce_extract(root.parent / "outside" / "q3")
    (root / "q3").symlink_to(extract.folder, target_is_directory=True)
    [problem] = refused(loaded, [root / "q3"]).errors
    assert "is a link that leads outside the import folders" in problem.rule


def test_dot_dot_and_absolute_paths_outside_the_root_are_refused(root, loaded):  # noqa: F811
    climbing = root / ".." / "outside" / "passwd"
    [problem] = refused(loaded, [climbing]).errors
    assert (problem.file, "is outside the import folders" in problem.rule) == (str(climbing), True)
    for absolute in (Path("/etc/passwd"), Path("/etc")):
        [problem] = refused(loaded, [absolute]).errors
        assert "is outside the import folders" in problem.rule
    assert "TOP-SECRET" not in stored_history(loaded) and "root:x:" not in stored_history(loaded)


def test_whether_a_path_outside_the_root_exists_is_not_said(root, loaded):  # noqa: F811
    there, missing = refused(loaded, [Path("/etc/hostname")]), refused(loaded, [Path("/etc/no-such-file")])
    assert [p.rule for p in there.errors] == [p.rule for p in missing.errors]


def test_the_mapping_file_is_read_only_from_below_the_root_too(root, loaded):  # noqa: F811
    (root / "users.csv").write_bytes((CHECKOUT / "examples" / "other-crm" / "users.csv").read_bytes())
    rejection = refused(loaded, [root / "users.csv"], format="mapping", mapping=root.parent / "outside" / "passwd")
    [problem] = rejection.errors
    assert "is outside the import folders" in problem.rule and "TOP-SECRET" not in str(rejection)


def test_a_file_below_the_root_imports_and_links_inside_it_are_followed(root, tmp_path, new_salesforce_extract):
    extract = new_salesforce_extract(root / "2026-07-01")
    (root / "latest").symlink_to(extract.folder, target_is_directory=True)
    report = import_extracts([root / "latest"], db_path=tmp_path / "data" / "warehouse.duckdb", user="test")
    assert report.tables["accounts"] == 3


def test_the_command_line_refuses_a_folder_outside_the_roots_unless_a_root_is_named(root, tmp_path,
                                                                                    new_salesforce_extract):
    extract = new_salesforce_extract(tmp_path / "elsewhere")
    db = tmp_path / "data" / "warehouse.duckdb"

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "alignment", "--db", str(db), "import", str(extract.folder),
                               "--quiet", *args], cwd=CHECKOUT, capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PYTHONPATH": str(CHECKOUT)})

    outside = cli()
    assert outside.returncode == 2, outside.stdout
    assert f"{extract.folder}: is outside the import folders ({root})" in outside.stderr
    assert not db.exists()
    named = cli("--import-root", str(tmp_path / "elsewhere"))
    assert named.returncode == 0, named.stderr
    assert db.exists()


# --- only analysts validate or import ---------------------------------------------------------------------------------

@pytest.mark.parametrize("validate_only", [True, False], ids=["validate", "import"])
def test_a_viewer_may_neither_validate_nor_import_in_the_core(validate_only, loaded, new_salesforce_extract,  # noqa: F811
                                                              tmp_path, warehouse_fingerprint):
    extract = new_salesforce_extract(tmp_path / "q3")
    before, entries = warehouse_fingerprint(loaded), len(history.list_imports(loaded))
    with pytest.raises(users.NotAllowed, match="only Analyst may import"):
        import_extracts([extract.folder], db_path=loaded, user=VIEWER, validate_only=validate_only)
    assert warehouse_fingerprint(loaded) == before and len(history.list_imports(loaded)) == entries
    # An analyst may, and the history names the account.
    import_extracts([extract.folder], db_path=loaded, user=ANALYST, validate_only=validate_only)
    if not validate_only:
        assert history.list_imports(loaded)[0]["user"] == "ana"


@pytest.fixture
def data_page(demo_db, monkeypatch) -> Path:
    monkeypatch.setenv(warehouse.DB_ENV, str(demo_db))
    return demo_db


def test_the_data_page_offers_a_viewer_no_way_to_validate_or_import(data_page):
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "viewer").run()
    at.switch_page("pages/analyse_data.py").run()
    assert not at.exception
    keys = {widget.key for kind in ("button", "radio", "text_input", "segmented_control") for widget in getattr(at, kind)}
    assert not keys & {"data_validate", "data_import", "data_origin", "data_folder", "data_format"}
    assert not at.get("file_uploader")
    assert any("Only an analyst validates and imports data" in info.value for info in at.info)


def test_the_data_page_refuses_an_analysts_folder_outside_the_roots(demo_db, tmp_path, monkeypatch,
                                                                    new_salesforce_extract):
    db = tmp_path / "data" / "warehouse.duckdb"
    db.parent.mkdir()
    shutil.copy(demo_db, db)
    monkeypatch.setenv(warehouse.DB_ENV, str(db))
    monkeypatch.setenv(import_roots.ROOTS_ENV, str(tmp_path / "imports"))
    extract = new_salesforce_extract(tmp_path / "elsewhere")
    identity = warehouse.identity(db)
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "analyst").run()
    at.switch_page("pages/analyse_data.py").run()
    at.radio(key="data_origin").set_value("A folder on the server").run()
    at.text_input(key="data_folder").input(str(extract.folder)).run()
    at.button(key="data_validate").click().run()
    assert not at.exception
    assert any("is outside the import folders" in text.value for text in at.text)
    assert warehouse.identity(db) == identity
    at.radio(key="data_origin").set_value("A folder on the server").run()
    assert any(literal(str(tmp_path / "imports")) in caption.value for caption in at.caption)  # names the roots


# --- a validation never holds what an import needs --------------------------------------------------------------------

def test_a_long_validation_does_not_keep_an_import_waiting(loaded, new_salesforce_extract, tmp_path):  # noqa: F811
    extract = new_salesforce_extract(tmp_path / "q3")
    validating, release = threading.Event(), threading.Event()

    def paused(fraction: float, message: str) -> None:
        if message.startswith("Reading"):
            validating.set()
            release.wait(60)

    validation = threading.Thread(target=lambda: import_extracts(
        [extract.folder], db_path=loaded, user="test", validate_only=True, progress=paused))
    imported: list[load.ImportReport] = []
    validation.start()
    try:
        assert validating.wait(60)
        importing = threading.Thread(target=lambda: imported.append(
            import_extracts([extract.folder], db_path=loaded, user="test")))
        importing.start()
        importing.join(timeout=30)
        assert imported, "the import waited for a validation"
    finally:
        release.set()
        validation.join(60)
        if "importing" in locals():
            importing.join(60)
    assert not [p for p in loaded.parent.iterdir() if load.VALIDATING_SUFFIX in p.name]  # its folder is gone


def test_an_import_clears_the_folder_a_killed_validation_left_but_not_a_running_ones(loaded,  # noqa: F811
                                                                                     new_salesforce_extract,
                                                                                     tmp_path):
    killed = loaded.parent / f".{loaded.name}{load.VALIDATING_SUFFIX}killed"
    killed.mkdir()
    (killed / loaded.name).write_bytes(b"half a warehouse")
    old = time.time() - 2 * load.VALIDATING_GRACE_SECONDS
    os.utime(killed, (old, old))
    with load._validation_scratch(loaded) as running:
        os.utime(running.parent, (old, old))
        import_extracts([new_salesforce_extract(tmp_path / "q3").folder], db_path=loaded, user="test")
        assert running.parent.is_dir() and not killed.exists()


# --- workbooks ----------------------------------------------------------------------------------------------------

def workbook(path: Path, *sheets: list[list]) -> Path:
    """A workbook written the way openpyxl writes one: no formula is ever calculated."""
    book = openpyxl.Workbook()
    for index, rows in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet(f"Sheet{index + 1}")
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def as_workbook(folder: Path, file: str, *more_sheets: list[list], change=lambda rows: rows) -> Path:
    """Replace the extract's CSV file by a workbook of the same rows (changed), with further sheets after it."""
    (folder / file).unlink()
    rows = change([list(row) for row in SALESFORCE_EXTRACT[file]])
    return workbook(folder / file.replace(".csv", ".xlsx"), [[v or None for v in row] for row in rows], *more_sheets)


def declared_size(path: Path, member: str, size: int) -> None:
    """Make a zip's central directory say `member` unpacks to `size` bytes (what it holds is unchanged)."""
    data = bytearray(path.read_bytes())
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46: at + 46 + length]) == member.encode():
            struct.pack_into("<I", data, at + 24, size)
        at += 4
    path.write_bytes(bytes(data))


def test_a_workbook_declaring_gigabytes_unpacked_is_refused_before_it_is_read(loaded, new_salesforce_extract,  # noqa: F811
                                                                              tmp_path):
    extract = new_salesforce_extract(tmp_path / "q3")
    bomb = as_workbook(extract.folder, "Opportunity.csv")
    declared_size(bomb, "xl/worksheets/sheet1.xml", 0xF000_0000)  # 3.75 GB from a few kilobytes
    started = time.perf_counter()
    [problem] = refused(loaded, [extract.folder]).errors
    assert time.perf_counter() - started < 10
    assert problem.file == "Opportunity.xlsx"
    assert "the workbook unpacks to 3,840 MB, more than the 512 MB a workbook may" in problem.rule
    assert "save the sheet as CSV" in problem.rule


def test_a_workbook_past_the_row_limit_is_refused_at_the_limit(loaded, new_salesforce_extract, tmp_path,  # noqa: F811
                                                               monkeypatch):
    monkeypatch.setattr(readers, "XLSX_MAX_ROWS", 3, raising=False)
    extract = new_salesforce_extract(tmp_path / "q3")
    as_workbook(extract.folder, "Opportunity.csv")  # a header and three deals: four rows
    [problem] = refused(loaded, [extract.folder]).errors
    assert (problem.file, problem.first_row) == ("Opportunity.xlsx", 4)
    assert "the first sheet goes on past row 3, Excel's last row" in problem.rule


def rewritten(path: Path, member: str, change) -> None:
    """Rewrite one part of a zip (a workbook's sheet XML) as a program other than Excel could have written it."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[member] = change(parts[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def test_a_cell_past_excels_last_row_is_refused_without_reading_the_rows_before_it(loaded,  # noqa: F811
                                                                                   new_salesforce_extract,
                                                                                   tmp_path):
    extract = new_salesforce_extract(tmp_path / "q3")
    path = as_workbook(extract.folder, "Opportunity.csv")
    row = EXCEL_ROWS + 1  # the rows between are empty, yet a reader filling them in makes each one
    rewritten(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</sheetData>", f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>far below</t></is></c></row>'
                         "</sheetData>".encode()))
    started = time.perf_counter()
    [problem] = refused(loaded, [extract.folder]).errors
    assert time.perf_counter() - started < 10
    assert problem.first_row == EXCEL_ROWS + 1 and "past row 1,048,576, Excel's last row" in problem.rule


def test_a_formula_cell_without_a_saved_result_is_refused_not_read_as_empty(loaded, new_salesforce_extract,  # noqa: F811
                                                                            tmp_path):
    extract = new_salesforce_extract(tmp_path / "q3")

    def with_formula(rows: list[list]) -> list[list]:
        rows[2][rows[0].index("Amount")] = "=10000+2500.75"  # openpyxl stores it, never its result
        return rows

    as_workbook(extract.folder, "Opportunity.csv", change=with_formula)
    [problem] = refused(loaded, [extract.folder]).errors
    assert (problem.file, problem.first_row, problem.column) == ("Opportunity.xlsx", 3, "Amount")
    assert problem.examples[0].value == "=10000+2500.75"
    assert "holds a formula with no saved result" in problem.rule and "open the workbook in Excel" in problem.rule


def test_a_cell_showing_an_excel_error_is_refused_not_read_as_empty(loaded, new_salesforce_extract,  # noqa: F811
                                                                   tmp_path):
    extract = new_salesforce_extract(tmp_path / "q3")

    def with_error(rows: list[list]) -> list[list]:
        rows[1][rows[0].index("CloseDate")] = "#VALUE!"  # openpyxl writes Excel's error codes as error cells
        return rows

    as_workbook(extract.folder, "Opportunity.csv", change=with_error)
    [problem] = refused(loaded, [extract.folder]).errors
    assert (problem.file, problem.first_row, problem.column) == ("Opportunity.xlsx", 2, "CloseDate")
    assert problem.examples[0].value == "#VALUE!" and "shows an Excel error" in problem.rule


def test_a_sheet_wider_than_the_cell_budget_is_refused_at_the_row_that_passes_it(loaded,  # noqa: F811
                                                                                 new_salesforce_extract,
                                                                                 tmp_path, monkeypatch):
    # One value far to the right makes a reader hold every cell to its left in every row.
    monkeypatch.setattr(readers, "XLSX_MAX_CELLS", 1000, raising=False)
    extract = new_salesforce_extract(tmp_path / "q3")
    path = as_workbook(extract.folder, "Opportunity.csv")
    book = openpyxl.load_workbook(path)
    book.active.cell(row=2, column=600, value="far right")
    book.save(path)
    [problem] = refused(loaded, [extract.folder]).errors
    assert (problem.file, problem.first_row) == ("Opportunity.xlsx", 2)
    assert "the first sheet holds more than 1,000 cells (rows × columns) by this row" in problem.rule


def test_data_on_a_second_sheet_is_reported_as_not_read(tmp_path, new_salesforce_extract):
    extract = new_salesforce_extract(tmp_path / "q3")
    as_workbook(extract.folder, "Opportunity.csv", [["Id", "Amount"], ["O9", "999"]], [])
    report = import_extracts([extract.folder], db_path=tmp_path / "data" / "warehouse.duckdb", user="test")
    [warning] = [p for p in report.warnings if "sheet" in p.rule]
    assert warning.file == "Opportunity.xlsx"
    assert warning.rule.startswith("only the first sheet ('Sheet') is read; the sheet 'Sheet2' also holds data and "
                                   "was not imported")
    assert "Sheet3" not in warning.rule  # an empty sheet is not named
    assert report.tables["opportunities"] == 3


def test_a_workbook_reads_the_same_values_as_before(tmp_path):
    # Numbers, dates, booleans and text as the reader has always given them (whole numbers without '.0'); an empty
    # cell is empty (it was '' and is now NULL, as in a CSV file: staging reads both as no value).
    import datetime as dt

    path = workbook(tmp_path / "values.xlsx", [["n", "f", "d", "b", "s", "blank", "e"],
                                               [1200, 750000.5, dt.datetime(2024, 1, 2, 9, 30), True, "NA", None,
                                                "x"],
                                               [None, None, None, None, None, None, None],
                                               [3.0, -0.25, dt.date(2024, 2, 1), False, " padded ", None, None]])
    import duckdb

    con = duckdb.connect()
    source = readers.read_source(con, path, "raw_0")
    assert source.headers == ["n", "f", "d", "b", "s", "blank", "e"]
    read = [tuple(value or None for value in row) for row in con.execute("SELECT * FROM raw_0").fetchall()]
    assert read == [
        ("1200", "750000.5", "2024-01-02 09:30:00", "True", "NA", None, "x"),
        (None, None, None, None, None, None, None),
        ("3", "-0.25", "2024-02-01 00:00:00", "False", " padded ", None, None)]


# --- text files --------------------------------------------------------------------------------------------------

def test_a_file_padded_with_nul_bytes_past_its_head_is_refused(loaded, new_salesforce_extract,  # noqa: F811
                                                               tmp_path):
    extract = new_salesforce_extract(tmp_path / "q3")
    rows = SALESFORCE_EXTRACT["Account.csv"]
    more = [[f"A{n}", *rows[1][1:]] for n in range(10, 4000)]  # ≈ 400 KB: past the head the reader sniffs
    extract.write("Account.csv", rows + more)
    with open(extract.folder / "Account.csv", "ab") as handle:
        handle.write(b"\0" * 65536)  # a copy cut short and padded, as a crashed transfer leaves one
    [problem] = refused(loaded, [extract.folder]).errors
    assert (problem.file, problem.first_row) == ("Account.csv", len(rows) + len(more) + 1)
    assert "the file holds NUL (zero) bytes from this row" in problem.rule


def test_a_nul_byte_inside_a_value_past_the_head_is_refused(loaded, new_salesforce_extract, tmp_path):  # noqa: F811
    extract = new_salesforce_extract(tmp_path / "q3")
    rows = SALESFORCE_EXTRACT["Account.csv"]
    more = [[f"A{n}", *rows[1][1:]] for n in range(10, 4000)]
    more[-1][1] = "Ac\0me"
    extract.write("Account.csv", rows + more)
    [problem] = refused(loaded, [extract.folder]).errors
    assert (problem.file, problem.first_row) == ("Account.csv", len(rows) + len(more))
    assert "NUL (zero) bytes" in problem.rule


def test_headers_differing_only_in_case_are_refused(loaded, new_salesforce_extract, tmp_path):  # noqa: F811
    extract = new_salesforce_extract(tmp_path / "q3")
    rows = extract.rows("Opportunity.csv")
    extract.write("Opportunity.csv", [row + [value] for row, value in zip(rows, ["amount", "1", "2", "3"])])
    [problem] = refused(loaded, [extract.folder]).errors
    assert (problem.file, problem.first_row, problem.column) == ("Opportunity.csv", 1, "Amount / amount")
    assert "differing only in upper and lower case" in problem.rule


def test_plural_object_names_are_read_as_the_salesforce_objects(tmp_path, new_salesforce_extract):
    extract = new_salesforce_extract(tmp_path / "q3")
    singular = import_extracts([extract.folder], db_path=tmp_path / "one.duckdb", user="test").tables
    for file, plural in {"Account.csv": "Accounts.csv", "Opportunity.csv": "Opportunities.csv",
                         "User.csv": "Users.csv", "Campaign.csv": "Campaigns.csv",
                         "CampaignMember.csv": "Campaign_Members.csv"}.items():
        (extract.folder / file).rename(extract.folder / plural)
    report = import_extracts([extract.folder], db_path=tmp_path / "many.duckdb", user="test")
    assert report.tables == singular
    assert {f["file"]: f["read_as"] for f in report.files}["Accounts.csv"] == "Salesforce account"


def test_a_plural_name_in_the_canonical_layout_is_still_the_canonical_table(tmp_path, new_salesforce_extract):
    extract = new_salesforce_extract(tmp_path / "q3")
    (extract.folder / "Account.csv").unlink()
    extract.write("accounts.csv", [["account_id", "account_name", "region"], ["A1", "Acme", "EMEA"],
                                   ["A2", "Globex", "NA"], ["A3", "Initech", "NA"]])
    report = import_extracts([extract.folder], db_path=tmp_path / "w.duckdb", user="test")
    assert {f["file"]: f["read_as"] for f in report.files}["accounts.csv"] == "canonical table accounts"


def test_history_of_a_refused_file_keeps_no_line_of_a_file_outside_the_roots(root, loaded):  # noqa: F811
    # The file a viewer once pointed the folder at: its first line came back in the refusal, and stayed.
    (root / "Account.csv").symlink_to(root.parent / "outside" / "passwd")
    refused(loaded, [root])
    with sqlite3.connect(history.path_for(loaded)) as con:
        stored = " ".join(str(value) for row in con.execute("SELECT * FROM imports") for value in row)
    assert "TOP-SECRET" not in stored
