"""Names from the data in the board pack's pipeline walk (its slipped deals: deal, account, owner) stay text in the
workbook, the PDF and the deck: never a formula, markup or emphasis."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation

from alignment import demo, warehouse
from alignment.board import pdf, pptx, xlsx
from alignment.board import pack as packs
from alignment.periods import CALENDAR_YEAR

AS_OF = dt.date(2026, 11, 9)
QUARTER = "2026-Q4"
OWNER, ACCOUNT, DEAL = '=HYPERLINK("x")', "<b>acct</b>", "**x**"
"""A formula, HTML and Markdown emphasis: the owner, account and deal name of every deal."""


def _rename(path: Path, column: str, value: str) -> None:
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    index = rows[0].index(column)
    for row in rows[1:]:
        row[index] = value
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)


@pytest.fixture(scope="module")
def hostile_pack(tmp_path_factory):
    """The smallest running demo company with every user, account and deal renamed, walked in its running quarter."""
    folder = tmp_path_factory.mktemp("hostile-walk")
    extract = folder / "extract"
    extract.mkdir()
    demo.write_extracts(extract, scale="XS", end_quarter="2026-Q3", currencies=("USD",), running=True, as_of=AS_OF)
    _rename(extract / "User.csv", "Name", OWNER)
    _rename(extract / "Account.csv", "Name", ACCOUNT)
    _rename(extract / "Opportunity.csv", "Name", DEAL)
    db_path = folder / "warehouse.duckdb"
    demo.import_as_demo([extract], db_path, roots=[extract], calendar=CALENDAR_YEAR)
    reader = warehouse.open_reader(db_path)
    try:
        pack = packs.build_pack(reader, QUARTER, parts=["pipeline_walk"])
    finally:
        reader.close()
    table = next(s for s in pack.sections if s.key == "pipeline_walk_slipped").tables[0]
    assert table.rows and all(row[:3] == [DEAL, ACCOUNT, OWNER] for row in table.rows)
    return pack


def test_the_workbook_writes_the_slipped_deals_names_as_text(hostile_pack):
    book = openpyxl.load_workbook(io.BytesIO(xlsx.render(hostile_pack)))
    cells = [cell for row in book["Slipped deals"].iter_rows() for cell in row if cell.value in (OWNER, ACCOUNT, DEAL)]
    assert {cell.value for cell in cells} == {OWNER, ACCOUNT, DEAL} and {cell.data_type for cell in cells} == {"s"}
    formulas = [cell.coordinate for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"]
    assert formulas == []


def test_the_pdf_prints_the_slipped_deals_names_as_written(hostile_pack, tmp_path):
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf.render(hostile_pack))
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert OWNER in text and ACCOUNT in text and DEAL in text


def test_the_deck_prints_the_slipped_deals_names_as_written(hostile_pack):
    deck = Presentation(io.BytesIO(pptx.render(hostile_pack)))
    cells = {cell.text for slide in deck.slides for shape in slide.shapes if shape.has_table
             for row in shape.table.rows for cell in row.cells}
    assert {OWNER, ACCOUNT, DEAL} <= cells
