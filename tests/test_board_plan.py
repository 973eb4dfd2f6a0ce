"""The board pack's plan slide: the charter's plan as a table and a funnel chart in PPTX and PDF, a sheet in XLSX."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation

from alignment import warehouse
from alignment.board import pack as packs
from alignment.board import pdf, pptx, xlsx
from alignment.charter import Charter
from alignment.ingest.load import import_extracts
from alignment.waterfall import Plan
from ui import charts

QUARTER = "2024-Q1"
RATES = {"won_deals": 25_000, "opportunities": 0.25, "sqls": 0.5, "sals": 0.5, "mqls": 0.8, "inquiries": 0.4}
NEEDED = [4, 16, 32, 64, 80, 200]  # 100,000 / 25,000 = 4 won deals, then each stage over its rate


@pytest.fixture(scope="module")
def reader(tmp_path_factory, new_salesforce_extract):
    folder = tmp_path_factory.mktemp("plan-pack")
    extract = new_salesforce_extract(folder / "extract")
    import_extracts([extract.folder], db_path=folder / "warehouse.duckdb", user="ops")
    source = warehouse.open_reader(folder / "warehouse.duckdb")
    yield source
    source.close()


@pytest.fixture(scope="module")
def planned(reader):
    plan = Plan(quarter=QUARTER, bookings_target=100_000, region_targets={"EMEA": 50_000}, overrides=RATES)
    return packs.build_pack(reader, QUARTER, charter=Charter(quarter=QUARTER, plan=plan),
                            parts=["scorecard", "quarter_plan"])


def _section(pack):
    return next(section for section in pack.sections if section.key == "quarter_plan")


def test_the_plan_slide_holds_the_waterfall_and_the_same_chart_the_screen_draws(planned):
    section = _section(planned)
    assert section.title == "The plan"
    table, chart = section.tables[0], section.charts[0]
    assert [row[0] for row in table.rows] == ["Bookings", "Won deals", "Opportunities", "SQLs", "SALs", "MQLs",
                                              "Inquiries"]
    assert [row[7] for row in table.rows] == [100_000, *NEEDED]
    assert {row[3] for row in table.rows[1:]} == {"set by hand"}
    assert chart.categories == ["Inquiries", "MQLs", "SALs", "SQLs", "Opportunities", "Won deals"]
    assert chart.series[0].values == NEEDED[::-1]  # widest first: the funnel the plan asks for
    drawn = charts.figure(chart)
    assert list(drawn.data[0].x) == NEEDED[::-1] and list(drawn.data[0].y) == chart.categories
    # EMEA's 50,000 halves the company's numbers: 2 won deals → 8 opportunities … 40 MQLs → 100 inquiries
    assert section.words == ["The plan is in the charter but not signed by both executives (not signed).",
                             "Region: EMEA: $50,000 of bookings needs 8 opportunities, 40 MQLs, 100 inquiries."]


def test_the_plan_is_in_the_deck_the_pdf_and_the_workbook(planned, tmp_path):
    deck = Presentation(io.BytesIO(pptx.render(planned)))
    slide = next(s for s in deck.slides if any(sh.has_text_frame and sh.text_frame.text == "The plan"
                                               for sh in s.shapes))
    chart = next(sh.chart for sh in slide.shapes if sh.has_chart)
    assert list(chart.plots[0].series[0].values) == [float(n) for n in NEEDED[::-1]]
    grid = next(sh.table for sh in slide.shapes if sh.has_table)
    assert [grid.cell(r, 0).text for r in range(1, 8)][-1] == "Inquiries" and grid.cell(7, 1).text == "200"

    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf.render(planned))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "The plan" in text and "Needed per stage, 2024-Q1" in text and "set by hand" in text

    book = openpyxl.load_workbook(io.BytesIO(xlsx.render(planned)))
    sheet = book["The plan"]
    headers = [cell.value for cell in sheet[next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Stage")]]
    assert {"Stage", "Needed", "Rate is", "Due by", "Needed (number)"} <= set(headers)
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "Inquiries"]
    assert values and values[0][headers.index("Needed (number)")] == 200


def test_without_a_plan_the_pack_says_none_was_signed(reader):
    plain = packs.build_pack(reader, QUARTER, parts=["quarter_plan"])
    section = _section(plain)
    assert not section.charts and not section.tables
    assert section.words == [f"No plan was signed for {QUARTER}: the charter holds no bookings target worked back "
                             "through the funnel."]
