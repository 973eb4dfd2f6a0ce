"""The board pack of a running quarter: its pace, coverage and forecast, and the pipeline walk, as the Scorecard and
the Pipeline page work them out, in the deck, the PDF and the workbook."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation

from alignment import demo, forecast, pacing, pipeline_walk, warehouse
from alignment.board import export, pdf, pptx, xlsx
from alignment.board import pack as packs
from alignment.charter import Charter
from alignment.periods import CALENDAR_YEAR

AS_OF = dt.date(2026, 11, 9)
RUNNING, FINISHED = "2026-Q4", "2026-Q3"


@pytest.fixture(scope="module")
def running_demo(tmp_path_factory):
    """The smallest demo company, its data running to a day inside 2026-Q4, its plans signed."""
    db_path = tmp_path_factory.mktemp("running-pack") / "warehouse.duckdb"
    demo.build_demo(db_path, scale="XS", end_quarter=FINISHED, calendar=CALENDAR_YEAR, currencies=("USD",),
                    as_of=AS_OF, signed_plans=True)
    reader = warehouse.open_reader(db_path)
    yield db_path, reader
    reader.close()


@pytest.fixture(scope="module")
def running(running_demo):
    db_path, reader = running_demo
    charter, status = export.governance(db_path, reader, RUNNING)
    return charter, packs.build_pack(reader, RUNNING, charter=charter, signoff=status,
                                     parts=["scorecard", "pace", "pipeline_walk", "signoff"])


@pytest.fixture(scope="module")
def files(running, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("running-files")
    written = {}
    for kind, render in (("pptx", pptx.render), ("pdf", pdf.render), ("xlsx", xlsx.render)):
        written[kind] = folder / f"pack.{kind}"
        written[kind].write_bytes(render(running[1]))
    return written


def _section(pack, key: str):
    return next(section for section in pack.sections if section.key == key)


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_pace_is_in_a_running_quarter_s_pack_and_absent_from_a_finished_one(running, running_demo):
    _, pack = running
    assert [s.key for s in pack.sections] == ["scorecard", "pace", "pace_forecast", "pipeline_walk",
                                              "pipeline_walk_slipped", "signoff"]
    finished = packs.build_pack(running_demo[1], FINISHED, parts=["scorecard", "pace", "signoff"])
    assert [s.key for s in finished.sections] == ["scorecard", "signoff"]


def test_the_pace_table_holds_pacing_s_own_numbers(running, running_demo):
    charter, pack = running
    paced = pacing.pace(running_demo[1], charter)
    assert paced.rows and paced.as_of == AS_OF
    table = _section(pack, "pace").tables[0]
    assert [row[:7] for row in table.rows] == [
        [r.title, r.actual, r.expected, r.target, r.status, r.gap, pacing.needed_shown(r)] for r in paced.rows]
    assert f"week {paced.week} of {paced.weeks}" in _section(pack, "pace").title
    # The chart is the Scorecard's: bookings' weekly line from pacing.chart.
    (chart,) = _section(pack, "pace_forecast").charts
    bookings = next(row for row in paced.rows if row.name == "bookings")
    assert chart.model_copy(update={"sheet": ""}) == pacing.chart(bookings, paced)


def test_coverage_and_the_forecast_are_the_forecast_s_own(running, running_demo):
    charter, pack = running
    result = forecast.forecast(running_demo[1], charter)
    assert result.coverage is not None and result.expected is not None and result.commit is not None
    section = _section(pack, "pace_forecast")
    shown = {title: value for title, value, _ in section.tables[0].rows}
    figures = {row["figure"]: row["value"] for row in forecast.summary_table(result)}
    assert {key: shown[title] for key, (title, _) in packs.FORECAST_FIGURES.items()} == {
        key: figures[key] for key in packs.FORECAST_FIGURES}
    assert any(word.startswith("Forecast ") and "10–90 %" in word for word in section.words)


def test_a_number_without_a_curve_or_a_forecast_without_history_says_not_measured(small_db):
    # The hand-made extract runs to 11 March 2024: no earlier quarter to learn a curve or a win rate from, no
    # close-date history, no forecast categories.
    reader = warehouse.open_reader(small_db)
    try:
        charter = Charter(quarter="2024-Q1", definitions={"targets": {"bookings": 80_000, "win_rate_count": 0.4}})
        pack = packs.build_pack(reader, "2024-Q1", charter=charter, parts=["pace", "pipeline_walk"])
    finally:
        reader.close()
    table = _section(pack, "pace").tables[0]
    bookings = next(row for row in table.rows if row[0] == "Bookings")
    assert bookings[2] is None and bookings[4] == "not measured" and bookings[7] == pacing.NO_CURVE
    assert all(row[4] != "on track" or row[2] is not None for row in table.rows)
    forecast_rows = {title: (value, note) for title, value, note in _section(pack, "pace_forecast").tables[0].rows}
    # No earlier quarter closed a deal, and no deal carries a forecast category: both empty, each saying why.
    assert forecast_rows["Coverage that is enough"] == (None, "no deal closed in the past quarters to learn a win "
                                                              "rate from")
    value, note = forecast_rows["Commit"]
    assert value is None and "forecast category" in note
    walk = _section(pack, "pipeline_walk")
    assert not walk.tables and not walk.charts
    assert walk.words[0].startswith("The pipeline walk of 2024-Q1 is not measured: ")
    text = _pdf_text_of(pack)
    assert "is not measured" in text and "not measured" in text


def _pdf_text_of(pack) -> str:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pack.pdf"
        path.write_bytes(pdf.render(pack))
        return _pdf_text(path)


def test_the_walk_adds_up_in_the_workbook(files, running_demo):
    walk = pipeline_walk.walk(running_demo[1], RUNNING)
    book = openpyxl.load_workbook(files["xlsx"])
    sheet = book["Pipeline walk"]
    rows = [row for row in sheet.iter_rows(min_row=xlsx.HEADER_ROW + 2, values_only=True) if row[0]]
    assert [row[0] for row in rows] == list(pipeline_walk.table(walk)["label"])
    start, *steps, end = rows
    assert start[2] + sum(row[2] for row in steps) == pytest.approx(end[2])
    assert start[1] + sum(row[1] for row in steps) == end[1]
    assert (start[2], end[2]) == (walk.start_amount, walk.end_amount)
    slipped = book["Slipped deals"]
    listed = [row for row in slipped.iter_rows(min_row=xlsx.HEADER_ROW + 2, values_only=True) if row[0]]
    assert len(listed) == min(len(pipeline_walk.slipped(walk)), packs.SLIPPED_ROWS) > 0
    assert {"Pace", "Coverage and forecast", "Pace chart", "Pipeline walk chart"} <= set(book.sheetnames)


def test_the_deck_draws_both_charts_natively_and_the_pdf_prints_both_parts(files, running):
    _, pack = running
    deck = Presentation(str(files["pptx"]))
    charts = {shape.chart.chart_title.text_frame.text: shape.chart for slide in deck.slides for shape in slide.shapes
              if shape.has_chart}
    pace = next(chart for title, chart in charts.items() if title.startswith("Bookings: actual to date vs expected"))
    spec = _section(pack, "pace_forecast").charts[0]
    actual = next(series for series in pace.plots[0].series if series.name == "Actual")
    assert list(actual.values) == spec.actual
    walk = charts["Pipeline walk, 2026-Q4"]
    assert [series.name for series in walk.plots[0].series] == ["Base", "Total", "Adds", "Takes away"]
    text = _pdf_text(files["pdf"])
    for heading in ("Pace of the running quarter", "on pace, coverage and forecast", "The pipeline walk",
                    "Slipped deals, 2026-Q4", "Coverage that is enough", "Start + each step = end"):
        assert heading in text


def test_the_slipped_deals_list_at_most_its_rows_and_count_the_rest(running_demo, monkeypatch):
    monkeypatch.setattr(packs, "SLIPPED_ROWS", 3)
    pack = packs.build_pack(running_demo[1], RUNNING, parts=["pipeline_walk"])
    slipped = pipeline_walk.slipped(pipeline_walk.walk(running_demo[1], RUNNING))
    section = _section(pack, "pipeline_walk_slipped")
    assert len(section.tables[0].rows) == 3 < len(slipped)
    assert f"the 3 largest are listed, {len(slipped) - 3:,} more are not" in section.words[0]
    assert [row[0] for row in section.tables[0].rows] == list(slipped["name"][:3])


def test_the_board_page_shows_the_running_quarter_s_pace_and_walk(running_demo, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import sign_in

    monkeypatch.setenv(warehouse.DB_ENV, str(running_demo[0]))
    app = sign_in(AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120))
    app.query_params["quarter"] = RUNNING
    app.run()
    at = app.switch_page("pages/govern_board_pack.py").run()
    assert not at.exception, at.exception
    headings = [s.value for s in at.subheader]
    assert any(h.startswith("Pace of the running quarter") for h in headings)
    assert "The pipeline walk" in headings
    traces = [trace for chart in at.get("plotly_chart") for trace in json.loads(chart.proto.spec)["data"]]
    assert {"waterfall", "scatter"} <= {trace["type"] for trace in traces}


def test_a_quarter_under_way_is_labelled_with_its_day_in_the_pack_s_trends(running_demo, tmp_path):
    reader = running_demo[1]
    running = packs.build_pack(reader, RUNNING, parts=["roles", "pipeline"])
    trends = [chart for section in running.sections for chart in section.charts if "by quarter" in chart.title]
    assert trends and all(chart.categories[-1] == "2026-Q4 to 9 Nov" for chart in trends)
    assert all(not any(" to " in c for c in chart.categories[:-1]) for chart in trends)
    table = next(t for section in running.sections for t in section.tables if t.sheet == "Pipeline by quarter")
    assert table.rows[0][0] == "2026-Q4 to 9 Nov"  # newest first
    finished = packs.build_pack(reader, FINISHED, parts=["pipeline"])
    chart = next(chart for section in finished.sections for chart in section.charts)
    assert chart.categories[-1] == FINISHED
    (tmp_path / "pack.pdf").write_bytes(pdf.render(running))
    assert "to 9 Nov" in _pdf_text(tmp_path / "pack.pdf")


def test_a_quarter_under_way_is_not_compared_with_whole_quarters(running_demo):
    running = packs.build_pack(running_demo[1], RUNNING, parts=["summary", "scorecard", "roles"])
    summary = _section(running, "summary")
    words = " ".join(summary.words)
    assert "2026-Q4 is under way: its numbers run to 9 Nov 2026" in words
    assert " rose " not in words and " fell " not in words and not summary.tables  # no "biggest moves"
    scorecard = _section(running, "scorecard").tables[0]
    assert scorecard.rows and all(row[5] is None and row[6] is None for row in scorecard.rows)
    assert all(row[2] is None for table in _section(running, "roles").tables for row in table.rows)
    assert all(status in ("under way: to 9 Nov 2026", None) or status.startswith("not measured")
               for status in (row[4] for row in scorecard.rows))
    finished = packs.build_pack(running_demo[1], FINISHED, parts=["summary", "scorecard"])
    assert "under way" not in " ".join(_section(finished, "summary").words)
    assert any(row[5] is not None for row in _section(finished, "scorecard").tables[0].rows)
