"""The demo company's board pack: each file opened with its own library shows the catalog's numbers; every PDF page is
rendered to PNG; the digest reconciles to the catalog; the page and the CLI export run."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from streamlit.testing.v1 import AppTest

from alignment import attribution, catalog, cli, plan, warehouse
from alignment.board import csvs, digest, pdf, pptx, xlsx
from alignment.board import pack as packs
from alignment.presentation import formats
from alignment.presentation.specs import TimelineSpec, WaterfallSpec
from tests.conftest import sign_in
from ui import charts
from ui.text import literal

APP = str(Path(__file__).resolve().parents[1] / "app.py")
END_QUARTER = "2026-Q3"
QUARTER = "2026-Q2"
PAGE = "pages/govern_board_pack.py"


@pytest.fixture(scope="module")
def board_pack(reader):
    return packs.build_pack(reader, QUARTER)


@pytest.fixture(scope="module")
def files(board_pack, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("files")
    written = {}
    for kind, render in (("pptx", pptx.render), ("pdf", pdf.render), ("xlsx", xlsx.render)):
        written[kind] = folder / f"pack.{kind}"
        written[kind].write_bytes(render(board_pack))
    return written


def value(reader, name: str, quarter: str = QUARTER):
    return catalog.value(reader, name, {"quarter": quarter})


def quarters() -> list[str]:
    first = catalog.Filters(quarter=QUARTER).quarter
    return [str(first.shift(-offset)) for offset in range(7, -1, -1)]


# --- the content ---------------------------------------------------------------------------------------------------

def test_the_pack_has_every_part_in_order(board_pack):
    # A finished quarter's pack has every part but the running quarter's pace (absent, not empty).
    assert [s.title for s in board_pack.sections if s.key in packs.PARTS] == [
        title for key, title in packs.PARTS.items() if key not in packs.RUNNING_ONLY]
    assert board_pack.is_demo and board_pack.signoff.state == "not signed"


def test_a_pack_of_chosen_parts_holds_only_those(reader):
    chosen = packs.build_pack(reader, QUARTER, parts=["signoff", "scorecard"])
    assert [s.key for s in chosen.sections] == ["scorecard", "signoff"]
    with pytest.raises(ValueError, match="unknown pack parts"):
        packs.build_pack(reader, QUARTER, parts=["appendix"])


# --- the deck ------------------------------------------------------------------------------------------------------

def _slides(path: Path):
    deck = Presentation(str(path))
    return deck, list(deck.slides)


def _texts(slide) -> str:
    """Every text on the slide, the title first."""
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame and shape.text_frame.text)


def _chart(slides, title: str):
    found = [shape.chart for slide in slides for shape in slide.shapes
             if shape.has_chart and shape.chart.chart_title.text_frame.text == title]
    assert len(found) == 1, f"one chart titled {title!r}"
    return found[0]


def test_the_deck_has_every_section_with_the_quarter_and_signoff_on_every_slide(files, board_pack):
    deck, slides = _slides(files["pptx"])
    assert deck.slide_width * 9 == deck.slide_height * 16
    titles = [_texts(slide).split("\n")[0] for slide in slides[1:]]
    firsts = [titles.index(section.title) for section in board_pack.sections]
    assert firsts == sorted(firsts), "sections in the pack's order"
    assert "Board pack · 2026-Q2" in _texts(slides[0]) and "Not signed" in _texts(slides[0])
    for number, slide in enumerate(slides[1:], start=2):
        text = _texts(slide)
        assert f"{QUARTER} · Not signed · data as of" in text and re.search(rf"(?m)^{number}$", text)


def test_the_decks_charts_are_native_and_hold_the_catalogs_numbers(files, reader):
    _, slides = _slides(files["pptx"])
    pipeline = _chart(slides, "Pipeline created by quarter")
    plotted = {series.name: list(series.values) for series in pipeline.plots[0].series}
    assert list(pipeline.plots[0].categories) == quarters()
    assert plotted["All pipeline"] == [value(reader, "pipeline", q) for q in quarters()]
    assert plotted["Marketing-sourced"] == [value(reader, "marketing_sourced_pipeline", q) for q in quarters()]
    assert plotted["Marketing-influenced"][-1] == value(reader, "marketing_influenced_pipeline")
    # The chart's part embeds its data as a workbook, so PowerPoint can edit it.
    assert pipeline.part.chart_workbook.xlsx_part is not None
    waterfall = _chart(slides, f"People reaching each stage in {QUARTER}")
    funnel = catalog.funnel(reader, {"quarter": QUARTER}).sort_values("stage_order")
    assert list(waterfall.plots[0].series[0].values) == [float(p) for p in funnel["people"]]


def test_the_decks_scorecard_prints_the_catalogs_values(files, reader):
    _, slides = _slides(files["pptx"])
    scorecard = next(slide for slide in slides if _texts(slide).startswith("Scorecard vs targets"))
    grid = next(shape.table for shape in scorecard.shapes if shape.has_table)
    rows = {row.cells[0].text: [cell.text for cell in row.cells] for row in grid.rows}
    assert rows["Pipeline"][2] == formats.currency(value(reader, "pipeline"))
    assert rows["Acceptance rate"][2:5] == [formats.percent(value(reader, "acceptance_rate")), "90.0%",
                                             "met" if value(reader, "acceptance_rate") >= 0.9 else "missed"]


# --- the workbook --------------------------------------------------------------------------------------------------

def test_the_workbook_has_every_table_on_a_sheet_with_formats_and_native_charts(files, board_pack, reader):
    book = openpyxl.load_workbook(files["xlsx"])
    assert {"Contents", "Scorecard", "Definitions", "Sign-off", "Campaigns", "Waterfall"} <= set(book.sheetnames)
    assert len(book.sheetnames) == 1 + len(board_pack.tables()) + len(board_pack.charts())
    scorecard = book["Scorecard"]
    assert scorecard.freeze_panes == "A5"
    rows = {row[0].value: row for row in scorecard.iter_rows(min_row=5)}
    assert (rows["Pipeline"][2].value, rows["Pipeline"][2].number_format) == (value(reader, "pipeline"), '"$"#,##0')
    assert (rows["Acceptance rate"][2].value, rows["Acceptance rate"][2].number_format) == (
        value(reader, "acceptance_rate"), "0.0%")
    waterfall = book["Waterfall"]
    assert waterfall["D4"].value.startswith("Median days") and waterfall["D6"].number_format == '#,##0.0" days"'
    assert book["Definitions"]["A5"].value == "Skipped stages" and book["Definitions"]["B5"].value == "backfill"
    assert book["Sign-off"]["A2"].value.startswith("Not signed")
    with zipfile.ZipFile(files["xlsx"]) as archive:
        chart_parts = [n for n in archive.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)]
    assert len(chart_parts) == len(board_pack.charts())


# --- the PDF -------------------------------------------------------------------------------------------------------

def _pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def test_the_pdf_has_every_section_and_the_catalogs_figures(files, board_pack, reader):
    pages = _pdf_pages(files["pdf"])
    assert len(pages) >= 1 + len(board_pack.sections)
    assert all(f"{QUARTER} · Not signed · data as of" in page for page in pages)
    text = "\n".join(pages)
    for section in board_pack.sections:
        assert section.title in text
    for name in ("pipeline", "bookings", "marketing_sourced_pipeline"):
        assert formats.currency(value(reader, name)) in text
    assert formats.percent(value(reader, "acceptance_rate")) in text


def test_every_pdf_page_renders_to_an_image(files, tmp_path):
    pages = len(_pdf_pages(files["pdf"]))
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(files["pdf"]), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    assert all(image.stat().st_size > 2000 for image in images), "no blank page"


# --- CSV and the screen --------------------------------------------------------------------------------------------

def test_every_table_has_its_csv_with_raw_numbers(board_pack, reader):
    with zipfile.ZipFile(io.BytesIO(csvs.bundle(board_pack))) as archive:
        names = archive.namelist()
        scorecard = archive.read(f"scorecard-{QUARTER}.csv").decode()
    assert len(names) == len(board_pack.tables())
    pipeline_row = next(line for line in scorecard.splitlines() if line.startswith("Pipeline,"))
    assert pipeline_row.split(",")[2] == str(value(reader, "pipeline"))


def test_the_screen_draws_every_chart_from_the_same_description(board_pack):
    for spec in board_pack.charts():
        drawn = charts.figure(spec)
        assert drawn.layout.title.text == spec.title
        if isinstance(spec, TimelineSpec):  # one bar per row, checked in the plan's own tests below
            assert sum(len(trace.y) for trace in drawn.data if trace.y[0] is not None) == len(spec.rows)
            continue
        if isinstance(spec, WaterfallSpec):  # the pipeline walk: start, its steps, end
            assert list(drawn.data[0].y) == [step.value for step in spec.steps]
            continue
        for trace, series in zip(drawn.data, spec.series):
            values = trace.x if spec.kind in ("bar", "stacked_bar") else trace.y
            assert list(values) == series.values


# --- the campaign plan --------------------------------------------------------------------------------------------

def _plan_section(pack):
    return next(section for section in pack.sections if section.key == "plan")


def test_the_plan_sits_beside_the_campaigns(board_pack):
    keys = [section.key for section in board_pack.sections]
    assert keys.index("plan") + 1 == keys.index("campaigns")


def test_the_plan_slide_draws_the_quarters_campaigns_as_the_plan_reads_them(board_pack, reader):
    expected = plan.campaign_plan(reader, [QUARTER])
    section = _plan_section(board_pack)
    timeline, table = section.charts[0], section.tables[0]
    assert isinstance(timeline, TimelineSpec)
    assert (timeline.period_start.isoformat(), timeline.period_end.isoformat()) == ("2026-04-01", "2026-07-01")
    # The table lists every campaign, in the plan's order, with its dates and sponsor flag.
    assert [(r[0], r[4], r[5], r[7]) for r in table.rows] == [
        (r.campaign_name, r.start_date, r.end_date, bool(r.has_sales_sponsor)) for r in expected.itertuples()]
    # The timeline draws the largest by cost in the quarter, in the same order, with the same dates and flags.
    assert len(expected) > packs.PLAN_ROWS == len(timeline.rows)
    largest = set(expected.sort_values("cost_in_period", ascending=False)["campaign_id"].head(packs.PLAN_ROWS))
    shown = expected[expected["campaign_id"].isin(largest)]
    assert [(row.label, row.start, row.end, row.has_sales_sponsor, row.role) for row in timeline.rows] == [
        (r.campaign_name, r.start_date, r.end_date, bool(r.has_sales_sponsor), r.funnel_role)
        for r in shown.itertuples()]
    assert [label.startswith("⚠ ") for label in timeline.labels] == [not row.has_sales_sponsor
                                                                      for row in timeline.rows]
    missing = plan.summary(expected)["without_sponsor"]
    hidden = len(expected) - packs.PLAN_ROWS
    assert section.words[0].endswith(f"{hidden} more in the workbook.")
    assert section.words[1].startswith(f"{missing} of the {len(expected)} name no sales sponsor")


def test_the_decks_plan_slide_is_a_native_stacked_bar_chart(files, board_pack):
    timeline = _plan_section(board_pack).charts[0]
    _, slides = _slides(files["pptx"])
    slide = next(slide for slide in slides if _texts(slide).startswith("The campaign plan"))
    drawn = _chart([slide], timeline.title)
    assert drawn.chart_type == XL_CHART_TYPE.BAR_STACKED
    assert list(drawn.plots[0].categories) == timeline.labels
    first_days, lengths = drawn.plots[0].series
    assert list(first_days.values)[0] == pptx.excel_day(timeline.period_start) + timeline.span(timeline.rows[0])[0]
    assert list(lengths.values) == [timeline.span(row)[1] for row in timeline.rows]
    assert "more in the workbook" in _texts(slide)


def test_the_workbook_has_the_plan_and_its_timeline(files, board_pack, reader):
    book = openpyxl.load_workbook(files["xlsx"])
    table = book["Campaign plan"]
    assert table["A4"].value == "Campaign"
    assert table.max_row - 4 == len(plan.campaign_plan(reader, [QUARTER]))  # every campaign, not just the drawn
    sheet = book["Plan chart"]
    timeline = _plan_section(board_pack).charts[0]
    assert [sheet.cell(row, 1).value for row in range(5, 5 + len(timeline.rows))] == timeline.labels
    with zipfile.ZipFile(files["xlsx"]) as archive:
        drawn = [archive.read(n).decode() for n in archive.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)]
    plan_chart = [xml for xml in drawn if "'Plan chart'!" in xml]
    assert len(plan_chart) == 1 and '<c:grouping val="stacked"/>' in plan_chart[0]
    assert "<a:noFill/>" in plan_chart[0]  # the first series, each bar's first day, is invisible


def test_the_pdf_has_the_plan_page(files, board_pack):
    timeline = _plan_section(board_pack).charts[0]
    page = next(page for page in _pdf_pages(files["pdf"]) if "The campaign plan" in page)
    assert timeline.title in page and "No sales sponsor" in page


def test_the_screen_draws_one_bar_per_campaign_of_the_plan(board_pack):
    timeline = _plan_section(board_pack).charts[0]
    drawn = charts.figure(timeline)
    bars = [label for trace in drawn.data if trace.y[0] is not None for label in trace.y]
    assert len(bars) == len(timeline.rows)
    assert sum(label.startswith("⚠ ") for label in bars) == timeline.without_sponsor > 0


def test_the_plan_is_among_the_csvs(board_pack):
    with zipfile.ZipFile(io.BytesIO(csvs.bundle(board_pack))) as archive:
        assert f"campaign-plan-{QUARTER}.csv" in archive.namelist()


# --- the digest ----------------------------------------------------------------------------------------------------

def test_the_digest_reconciles_to_the_catalog(reader):
    """Everyone's deals together add up to the company's pipeline, sourced, influenced and bookings."""
    deals = catalog.run(reader, "deals_by_owner", {"quarter": QUARTER})
    influenced = set(attribution.influenced(reader, QUARTER)["opportunity_id"])
    everyone = digest.totals(deals, influenced)
    assert everyone.pipeline == pytest.approx(value(reader, "pipeline"), abs=0.01)
    assert everyone.marketing_sourced_pipeline == pytest.approx(value(reader, "marketing_sourced_pipeline"), abs=0.01)
    assert everyone.marketing_influenced_pipeline == pytest.approx(value(reader, "marketing_influenced_pipeline"),
                                                                   abs=0.01)
    assert everyone.bookings == pytest.approx(value(reader, "bookings"), abs=0.01)
    by_rep = [digest.totals(part, influenced) for _, part in deals.groupby("owner_id")]
    assert sum(t.pipeline for t in by_rep) == pytest.approx(everyone.pipeline, abs=0.01)


def test_a_reps_digest_is_one_page_with_their_name(reader, tmp_path):
    reps = digest.reps(reader, QUARTER)
    rep = reps.iloc[0]
    page = digest.build_digest(reader, digest.DigestRequest(quarter=QUARTER, owner_id=rep["owner_id"]))
    path = tmp_path / "digest.pdf"
    path.write_bytes(pdf.render_page(page))
    pages = _pdf_pages(path)
    assert len(pages) == 1 and rep["owner_name"] in pages[0]


# --- the page and the command line ---------------------------------------------------------------------------------

def test_the_board_pack_page_previews_every_part_and_offers_the_downloads(demo_db, monkeypatch):
    monkeypatch.setenv(warehouse.DB_ENV, str(demo_db))
    app = sign_in(AppTest.from_file(APP, default_timeout=120))
    app.query_params["quarter"] = QUARTER
    app.run()
    at = app.switch_page(PAGE).run()
    assert not at.exception, at.exception
    headings = [s.value for s in at.subheader]  # Markdown, the titles escaped (a digest's names the rep)
    assert all(literal(title) in headings for key, title in packs.PARTS.items() if key not in packs.RUNNING_ONLY)
    assert any(h.startswith(literal("What marketing did for ")) for h in headings)
    labels = [button.label for button in at.get("download_button")]
    assert labels[:4] == ["PowerPoint", "PDF", "Excel", "Every table (CSV, zip)"]
    assert labels.count("Download CSV") == len(at.dataframe)


def test_the_cli_writes_the_files_asked_for(demo_db, tmp_path, capsys):
    assert cli.main(["--db", str(demo_db), "export", "--quarter", QUARTER, "--out", str(tmp_path), "--pdf"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"board-pack-{QUARTER}.pdf"]
    assert f"board-pack-{QUARTER}.pdf" in capsys.readouterr().out
    (tmp_path / "taken").write_text("")
    assert cli.main(["--db", str(demo_db), "export", "--quarter", QUARTER, "--out", str(tmp_path / "taken")]) == 2
    assert "name a folder" in capsys.readouterr().err
    assert cli.main(["--db", str(demo_db), "export", "--quarter", "2026-Q5", "--out", str(tmp_path)]) == 2
