"""The board pack of a fiscal quarter: its files, cover, trend and CSVs name FY quarters, and its numbers are the
fiscal quarter's (the hand-made extract on a February fiscal year: bookings FY25-Q1 = O1's 50,000, won 30 Apr 2024)."""

import io
import zipfile

import openpyxl
import pytest

from alignment import warehouse
from alignment.board import csvs, export
from alignment.board.pack import build_pack
from alignment.ingest.load import import_extracts
from alignment.periods import FiscalCalendar, using_calendar

FEB = FiscalCalendar(start_month=2, year_named_by="end")


@pytest.fixture(scope="module")
def fiscal_db(tmp_path_factory, new_salesforce_extract):
    folder = tmp_path_factory.mktemp("fiscal-pack")
    extract = new_salesforce_extract(folder / "extract")
    db_path = folder / "warehouse.duckdb"
    import_extracts([extract.folder], db_path=db_path, roots=[folder], calendar=FEB)
    return db_path


def test_the_excel_pack_is_named_and_labelled_by_the_fiscal_quarter(fiscal_db, tmp_path):
    reader = warehouse.open_reader(fiscal_db)
    try:
        with using_calendar(warehouse.calendar(reader)):
            request = export.ExportRequest(quarter="FY25-Q1", out=tmp_path, kinds=("xlsx",))
            [path] = export.export(reader, request, db_path=fiscal_db)
    finally:
        reader.close()
    assert path.name == "board-pack-FY25-Q1.xlsx"
    book = openpyxl.load_workbook(path)
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if c.value is not None]
    assert "FY25-Q1" in cells and "FY24-Q4" in " ".join(cells)
    assert not any(c.startswith("2024-Q") for c in cells)
    bookings = next(row for row in book["Scorecard"].iter_rows(values_only=True) if row[0] == "Bookings")
    assert bookings[2] == 50000


def test_the_csv_bundle_names_fiscal_quarters(fiscal_db):
    reader = warehouse.open_reader(fiscal_db)
    try:
        with using_calendar(FEB):
            pack = build_pack(reader, "FY25-Q1")
    finally:
        reader.close()
    assert pack.quarter == "FY25-Q1"
    names = zipfile.ZipFile(io.BytesIO(csvs.bundle(pack))).namelist()
    assert names and all("FY25-Q1" in name for name in names)
