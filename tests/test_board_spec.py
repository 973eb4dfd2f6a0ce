"""Board pack descriptions, number formats, the summary's wording, the renderers on a hand-made pack, and the digest's
sums on the hand-made Salesforce extract — every number worked out by hand."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import zipfile

import openpyxl
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.dml import MSO_FILL_TYPE
from pydantic import ValidationError

from alignment import warehouse
from alignment.board import csvs, digest, pdf, pptx, xlsx
from alignment.board.pack import biggest_moves, move_sentence, target_status
from alignment.board.spec import BoardPack, Section, Signature, SignoffStatus
from alignment.catalog import Comparison, TrendPoint
from alignment.ingest.load import import_extracts
from alignment.presentation import formats
from alignment.presentation.specs import ChartSpec, Column, Series, TableSpec, TimelineRow, TimelineSpec
from ui import charts

RED, BLUE = "#C44E52", "#1F4E79"


def chart(**changes) -> ChartSpec:
    fields = dict(kind="column", title="Deals", categories=["a", "b", "c"], unit="count",
                  series=[Series(name="Deals", values=[1, 2, None], colour=BLUE)])
    return ChartSpec(**{**fields, **changes})


# --- descriptions validate their input -----------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "message"), [
    (dict(series=[Series(name="Deals", values=[1, 2], colour=BLUE)]), "one value per category"),
    (dict(series=[Series(name="Deals", values=[1, 2, 3], colour=BLUE, point_colours=[RED])]),
     "one point colour per category"),
    (dict(series=[]), "at least 1"),
    (dict(kind="pie"), "column"),
])
def test_a_chart_description_says_what_to_fix(changes, message):
    with pytest.raises(ValidationError, match=message):
        chart(**changes)


def test_colours_are_written_as_hex():
    with pytest.raises(ValidationError, match="RRGGBB"):
        Series(name="Deals", values=[1], colour="#12", point_colours=["red"])


def test_a_table_description_says_what_to_fix():
    with pytest.raises(ValidationError, match="row 2 has 1 cells for 2 columns"):
        TableSpec(title="T", sheet="T", columns=[Column(header="a"), Column(header="b")], rows=[[1, 2], [3]])
    with pytest.raises(ValidationError, match="cannot hold"):
        TableSpec(title="T", sheet="a/b", columns=[Column(header="a")], rows=[])
    with pytest.raises(ValidationError, match="row_units"):
        TableSpec(title="T", sheet="T", columns=[Column(header="a", unit="row")], rows=[[1]])


def campaign(label: str = "Webinar", start=dt.date(2026, 7, 6), end=dt.date(2026, 7, 27), **changes) -> TimelineRow:
    fields = dict(label=label, start=start, end=end, role="demand_gen", has_sales_sponsor=True)
    return TimelineRow(**{**fields, **changes})


def timeline(**changes) -> TimelineSpec:
    fields = dict(title="Plan", period_start=dt.date(2026, 7, 1), period_end=dt.date(2026, 10, 1), rows=[
        campaign("Brand TV", dt.date(2026, 1, 1), dt.date(2026, 12, 31), role="awareness"),
        campaign("Webinar"), campaign("Expo", dt.date(2026, 9, 20), dt.date(2026, 10, 20), has_sales_sponsor=False,
                                      budget=float("nan"))])
    return TimelineSpec(**{**fields, **changes})


@pytest.mark.parametrize(("make", "message"), [
    (lambda: campaign(start=dt.date(2026, 7, 27), end=dt.date(2026, 7, 6)),
     "'Webinar' ends on 6 Jul 2026, before it starts on 27 Jul 2026"),
    (lambda: campaign(role="brand"), "awareness"),
    (lambda: timeline(period_end=dt.date(2026, 7, 1)), "the period must end after it starts"),
    (lambda: timeline(rows=[campaign("Old", dt.date(2026, 1, 5), dt.date(2026, 6, 30))]),
     "'Old' runs 5 Jan 2026 to 30 Jun 2026, outside the period 1 Jul 2026 to 30 Sep 2026; leave it out or widen"),
    (lambda: timeline(rows=[campaign("Next", dt.date(2026, 10, 1), dt.date(2026, 10, 2))]), "outside the period"),
    (lambda: timeline(title=""), "at least 1 character"),
])
def test_a_timeline_description_says_what_to_fix(make, message):
    with pytest.raises(ValidationError, match=message):
        make()


def test_a_timeline_cuts_its_bars_to_the_period():
    plan = timeline()
    # 1 Jul to 30 Sep is 92 days. Brand TV runs all year: from day 0, all 92 days. The webinar, 6 to 27 Jul: from
    # day 5, 22 days. The expo, 20 Sep to 20 Oct: from day 81 (20 Sep), its 11 days up to 30 Sep.
    assert plan.days == 92
    assert [plan.span(row) for row in plan.rows] == [(0, 92), (5, 22), (81, 11)]
    assert plan.labels == ["Brand TV", "Webinar", "⚠ Expo"] and plan.without_sponsor == 1
    assert plan.roles == ["awareness", "demand_gen"] and plan.rows[0].colour == "#7E6BC4"
    assert plan.rows[2].budget is None  # a missing budget (NaN in a frame) is missing
    assert plan.quarter_starts == []
    assert [d.month for d in plan.month_starts] == [7, 8, 9]
    year = timeline(period_start=dt.date(2026, 2, 15), period_end=dt.date(2027, 1, 2))
    assert year.quarter_starts == [dt.date(2026, 4, 1), dt.date(2026, 7, 1), dt.date(2026, 10, 1),
                                   dt.date(2027, 1, 1)]
    assert year.month_starts[0] == dt.date(2026, 3, 1) and year.month_starts[-1] == dt.date(2027, 1, 1)


def test_a_section_holds_a_timeline_beside_charts_and_reads_it_back():
    section = Section(key="plan", title="Plan", layout="wide", charts=[timeline(), chart()])
    again = Section.model_validate_json(section.model_dump_json())
    assert [type(c) for c in again.charts] == [TimelineSpec, ChartSpec] and again == section


def test_signoff_states_carry_their_signatures():
    signature = Signature(name="Ana", role="cmo", signed_at=dt.datetime(2026, 10, 2, 9), hash="a" * 64)
    assert SignoffStatus().label == "Not signed"
    assert SignoffStatus(state="signed by one", signatures=[signature]).label == "Signed by one"
    with pytest.raises(ValidationError, match="'signed' carries 2–2 signatures, not 1"):
        SignoffStatus(state="signed", signatures=[signature])
    with pytest.raises(ValidationError, match="64"):
        Signature(name="Ana", role="cmo", signed_at=dt.datetime(2026, 10, 2), hash="abc")


# --- formats -------------------------------------------------------------------------------------------------------

def test_cells_read_in_their_units():
    table = TableSpec(title="T", sheet="T", columns=[Column(header="Metric"), Column(header="Actual", unit="row"),
                                                      Column(header="Change", unit="row_change")],
                      rows=[["Pipeline", 1_250_000.0, -52_930.96], ["Share", 0.487, 0.012], ["Lag", None, 1.0]],
                      row_units=["currency", "percent", "days"])
    # $1.25M compacts to one decimal; a share's change is in points (0.012 → 1.2 pts); missing is a dash.
    assert table.formatted() == [["Pipeline", "$1.2M", "-$52,931"], ["Share", "48.7%", "+1.2 pts"],
                                 ["Lag", "—", "+1 day"]]


def test_excel_formats_scale_money_axes_to_the_largest_value():
    assert formats.axis_format("currency", 72_000_000) == '"$"#,##0.0,,"M"'
    assert formats.axis_format("currency", 450_000) == '"$"#,##0,"K"'
    assert formats.axis_format("currency", 950) == '"$"#,##0'
    assert formats.axis_format("count", 17_584_681) == '#,##0.0,,"M"'
    assert formats.compact(17_584_681, "count") == "17.6M" and formats.compact(2571, "count") == "2,571"


# --- the executive summary's words ---------------------------------------------------------------------------------

def comparison(name: str, value: float, last: float, unit: str = "count", direction: str = "up",
               target: float | None = None) -> Comparison:
    return Comparison(name=name, title=name.replace("_", " ").capitalize(), unit=unit, direction=direction,
                      quarter="2026-Q3", value=value, target=target, last_quarter=last, same_quarter_last_year=None,
                      change_vs_last_quarter=value - last, change_vs_last_year=None,
                      trend=[TrendPoint(quarter="2026-Q2", value=last), TrendPoint(quarter="2026-Q3", value=value)])


def test_the_biggest_moves_are_ranked_by_their_size_relative_to_last_quarter():
    # pipeline 100 → 150 is +50%; cost per MQL 50 → 40 is -20%; MQLs 200 → 180 is -10%; inquiries did not move.
    moves = [comparison("mqls", 180, 200), comparison("pipeline", 150, 100, "currency"),
             comparison("cost_per_mql", 40, 50, "currency", "down"), comparison("inquiries", 10, 10)]
    assert [c.name for c in biggest_moves(moves)] == ["pipeline", "cost_per_mql", "mqls"]
    assert move_sentence(moves[1]) == ("Pipeline rose 50.0% to $150 (+$50 vs 2026-Q2), the good way: higher is "
                                       "better.")
    assert move_sentence(moves[2]).endswith("fell 20.0% to $40 (-$10 vs 2026-Q2), the good way: lower is better.")
    assert move_sentence(moves[0]).endswith("the wrong way: higher is better.")


def test_targets_are_judged_by_the_metrics_direction():
    assert target_status(comparison("acceptance_rate", 0.88, 0.9, "percent", target=0.9)) == "missed"
    assert target_status(comparison("cost_per_mql", 40, 50, "currency", "down", target=45)) == "met"
    assert target_status(comparison("mqls", 40, 50)) is None


# --- every renderer draws a hand-made pack -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_pack() -> BoardPack:
    table = TableSpec(title="Money and shares", sheet="Money", columns=[
        Column(header="Item"), Column(header="Amount", unit="currency"), Column(header="Share", unit="percent"),
        Column(header="Lag", unit="days"), Column(header="Why", detail=True)],
        rows=[["Webinars", 1234.0, 0.25, 3.5, "long words"], ["Events", 98765.0, 0.75, None, "more words"]])
    section = Section(key="money", title="Where the money went", layout="chart_left", words=["Two items."],
                      charts=[chart(unit="currency", series=[Series(name="Spend", values=[1234, 98765, None],
                                                                    colour=BLUE, point_colours=[BLUE, RED, BLUE])])],
                      tables=[table])
    signed = SignoffStatus(state="signed", signatures=[
        Signature(name="Ana Alvarez", role="cmo", signed_at=dt.datetime(2026, 10, 2, 9, 30), hash="a" * 64),
        Signature(name="Cy Chen", role="vp_sales", signed_at=dt.datetime(2026, 10, 3, 16, 5), hash="b" * 64)])
    signoff = Section(key="signoff", title="Sign-off", tables=[TableSpec(
        title="Signatures", sheet="Sign-off", columns=[Column(header="Name"), Column(header="Signed at",
                                                                                    unit="datetime")],
        rows=[[s.name, s.signed_at] for s in signed.signatures])])
    return BoardPack(quarter="2026-Q3", title="Test pack", generated_at=dt.datetime(2026, 10, 5, 8),
                     data_as_of=dt.datetime(2026, 9, 30, 23), data_fingerprint="f" * 64, signoff=signed,
                     sections=[section, signoff])


def test_the_deck_holds_native_charts_and_tables_with_the_described_numbers(small_pack):
    deck = Presentation(io.BytesIO(pptx.render(small_pack)))
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)  # 13.333 × 7.5 in: 16:9
    assert len(deck.slides) == 3  # title, the section, the sign-off
    section = deck.slides[1]
    drawn = [shape.chart for shape in section.shapes if shape.has_chart]
    assert len(drawn) == 1 and drawn[0].chart_title.text_frame.text == "Deals"
    assert list(drawn[0].plots[0].series[0].values) == [1234.0, 98765.0, None]
    assert list(drawn[0].plots[0].categories) == ["a", "b", "c"]
    grid = next(shape.table for shape in section.shapes if shape.has_table)
    # The detail column (Why) stays in the workbook; the rest read in their units.
    assert [[cell.text for cell in row.cells] for row in grid.rows] == [
        ["Item", "Amount", "Share", "Lag"], ["Webinars", "$1,234", "25.0%", "3.5 days"],
        ["Events", "$98,765", "75.0%", "—"]]
    for slide in list(deck.slides)[1:]:
        texts = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        assert "2026-Q3 · Signed · data as of 30 Sep 2026" in texts


def test_the_workbook_keeps_numbers_in_their_formats_under_a_frozen_header(small_pack):
    data = xlsx.render(small_pack)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Contents", "Money", "Deals", "Sign-off"]
    money = book["Money"]
    assert money.freeze_panes == "A5"
    assert [c.value for c in money[4]] == ["Item", "Amount", "Share", "Lag", "Why"]
    assert [(c.value, c.number_format) for c in money[5][1:4]] == [
        (1234, '"$"#,##0'), (0.25, "0.0%"), (3.5, '#,##0.0" days"')]
    assert book["Sign-off"]["B5"].value == dt.datetime(2026, 10, 2, 9, 30)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        charts_xml = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts_xml) == 1 and "Deals!$B$5:$B$7" in charts_xml[0] and "<c:barChart>" in charts_xml[0]


def test_the_pdf_prints_the_numbers_and_the_stamp_on_every_page(small_pack, tmp_path):
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf.render(small_pack))
    pages = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")[:-1]
    assert len(pages) == 3
    assert all("2026-Q3 · Signed · data as of 30 Sep 2026" in page for page in pages)
    assert "$98,765" in pages[1] and "75.0%" in pages[1] and "3.5 days" in pages[1]
    assert "Ana Alvarez" in pages[2] and "2 Oct 2026, 09:30 UTC" in pages[2]


def test_the_csv_keeps_raw_numbers(small_pack):
    table = small_pack.sections[0].tables[0]
    assert csvs.table_csv(table).decode().splitlines() == [
        # A money column's header names the currency its raw numbers are in.
        "Item,Amount (USD),Share,Lag,Why", "Webinars,1234.0,0.25,3.5,long words", "Events,98765.0,0.75,,more words"]
    with zipfile.ZipFile(io.BytesIO(csvs.bundle(small_pack))) as archive:
        assert archive.namelist() == ["money-2026-Q3.csv", "sign-off-2026-Q3.csv"]


def test_the_screen_draws_the_same_description():
    spec = chart(kind="bar", series=[Series(name="Deals", values=[1, 2, None], colour=BLUE),
                                     Series(name="Won", values=[0, 1, 1], colour=RED)])
    figure = charts.figure(spec)
    assert [trace.name for trace in figure.data] == ["Deals", "Won"]
    assert list(figure.data[0].x) == [1, 2, None] and list(figure.data[0].y) == ["a", "b", "c"]
    assert figure.data[1].marker.color == RED and figure.layout.title.text == "Deals"


# --- every renderer draws a hand-made timeline ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def plan_pack() -> BoardPack:
    section = Section(key="plan", title="The campaign plan", layout="wide", words=["3 campaigns."],
                      charts=[timeline(sheet="Plan chart")])
    return BoardPack(quarter="2026-Q3", title="Test pack", generated_at=dt.datetime(2026, 10, 5, 8),
                     data_as_of=dt.datetime(2026, 9, 30, 23), data_fingerprint="f" * 64, sections=[section])


def test_the_deck_draws_a_timeline_as_a_native_stacked_bar_chart(plan_pack):
    deck = Presentation(io.BytesIO(pptx.render(plan_pack)))
    drawn = [shape.chart for shape in deck.slides[1].shapes if shape.has_chart]
    assert len(drawn) == 1 and drawn[0].chart_type == XL_CHART_TYPE.BAR_STACKED
    assert list(drawn[0].plots[0].categories) == ["Brand TV", "Webinar", "⚠ Expo"]
    first_days, lengths = drawn[0].plots[0].series
    # Office counts days from 30 Dec 1899: 1 Jul 2026 is day 46204.
    assert list(first_days.values) == [46204, 46209, 46285] and list(lengths.values) == [92, 22, 11]
    assert drawn[0].value_axis.minimum_scale == 46204 and drawn[0].value_axis.maximum_scale == 46296
    assert first_days.format.fill.type == MSO_FILL_TYPE.BACKGROUND  # invisible: no fill (a:noFill)
    texts = " ".join(shape.text_frame.text for shape in deck.slides[1].shapes if shape.has_text_frame)
    assert "Awareness" in texts and "Demand generation" in texts and "No sales sponsor" in texts


def test_the_workbook_draws_a_timeline_beside_its_rows(plan_pack):
    data = xlsx.render(plan_pack)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Plan chart"]
    assert [c.value for c in sheet[4]][:4] == ["Campaign", "First day", "Last day", "Days"]
    assert [sheet.cell(row, 1).value for row in (5, 6, 7)] == ["Brand TV", "Webinar", "⚠ Expo"]
    assert sheet["D6"].value == 22 and sheet["M7"].value == 11 and sheet["J7"].value is None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        charts_xml = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts_xml) == 1 and '<c:grouping val="stacked"/>' in charts_xml[0]
    assert '<c:min val="46204"/>' in charts_xml[0] and '<c:max val="46296"/>' in charts_xml[0]


def test_the_pdf_draws_a_timeline(plan_pack, tmp_path):
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf.render(plan_pack))
    pages = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")[:-1]
    assert len(pages) == 2
    assert "Plan" in pages[1] and "Webinar" in pages[1] and "Jul 2026" in pages[1] and "No sales sponsor" in pages[1]


def test_the_screen_draws_the_same_timeline():
    figure = charts.figure(timeline())
    bars = {trace.name: list(trace.y) for trace in figure.data}
    assert bars == {"Awareness": ["Brand TV"], "Demand generation": ["Webinar", "⚠ Expo"],
                    "⚠ No sales sponsor": [None]}
    assert figure.layout.title.text == "Plan"
    assert [str(day)[:10] for day in figure.layout.xaxis.range] == ["2026-07-01", "2026-10-01"]
    expo = figure.data[1]
    assert list(expo.marker.line.color) == ["white", charts.NO_SPONSOR]


def test_two_campaigns_of_one_name_keep_a_bar_each_on_screen():
    twins = timeline(rows=[campaign("Webinar"), campaign("Webinar", dt.date(2026, 8, 3), dt.date(2026, 8, 24))])
    labels = list(charts.figure(twins).data[0].y)
    assert len(set(labels)) == 2 and all(label.startswith("Webinar") for label in labels)


# --- the digest on the hand-made extract ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_company(tmp_path_factory, new_salesforce_extract) -> warehouse.Reader:
    base = tmp_path_factory.mktemp("digest")
    db_path = base / "warehouse.duckdb"
    import_extracts([new_salesforce_extract(base / "extract").folder], db_path=db_path, user="tester")
    return warehouse.open_reader(db_path)


def test_a_reps_digest_adds_up_their_deals(small_company):
    # Cy Chen (U3) owns O1 (50,000, Webinar: marketing) and O2 (12,500.75, Outbound: sales), both opened in 2024-Q1.
    # O1's converted lead L1 (one person with C1) responded to CMP1 on 12 Jan, before O1 opened on 1 Feb; C2, on O2's
    # contact roles, responded to CMP2 on 11 Feb, before O2 opened on 15 Feb: both are influenced. Nothing of Cy's
    # was won in Q1 (O1 closes on 30 Apr).
    page = digest.build_digest(small_company, digest.DigestRequest(quarter="2024-Q1", owner_id="U3"))
    assert page.title == "What marketing did for Cy Chen, 2024-Q1"
    assert page.sections[0].words[0] == ("Marketing sourced 1 of the 2 deals you opened in 2024-Q1 ($50,000 of "
                                         "$62,501) and reached 2 of them before they were opened ($62,501).")
    chart_values = page.sections[0].charts[0].series[0].values
    assert chart_values == [62_500.75, 50_000, 62_500.75, 0, 0]
    deals = page.sections[0].tables[0]
    assert [row[:4] for row in deals.rows] == [["Acme - Platform", 50_000, "marketing", True],
                                               ["Globex - Expansion", 12_500.75, "sales", True]]
    # In 2024-Q2 O1 is won: $50,000 of bookings, all marketing-sourced.
    later = digest.build_digest(small_company, digest.DigestRequest(quarter="2024-Q2", owner_id="U3"))
    assert later.sections[0].charts[0].series[0].values[3:] == [50_000, 50_000]


def test_a_regions_digest_uses_the_accounts_region(small_company):
    # NA holds A2 (O2: 12,500.75, sales-sourced, influenced) and A3 (O3: no amount, no source, no contact).
    page = digest.build_digest(small_company, digest.DigestRequest(quarter="2024-Q1", region="NA"))
    assert page.sections[0].charts[0].series[0].values == [12_500.75, 0, 12_500.75, 0, 0]


def test_a_digest_is_for_one_rep_or_one_region():
    with pytest.raises(ValidationError, match="either a sales rep or a region"):
        digest.DigestRequest(quarter="2024-Q1", owner_id="U3", region="NA")
    with pytest.raises(ValidationError, match="either a sales rep or a region"):
        digest.DigestRequest(quarter="2024-Q1", owner_id=" ")


def test_a_digest_for_someone_without_deals_or_mqls_says_so(small_company):
    with pytest.raises(ValueError, match="no deal or MQL of 2024-Q1 is owned by 'U9'"):
        digest.build_digest(small_company, digest.DigestRequest(quarter="2024-Q1", owner_id="U9"))


def test_the_digest_fits_one_page(small_company, tmp_path):
    path = tmp_path / "digest.pdf"
    path.write_bytes(pdf.render_page(digest.build_digest(
        small_company, digest.DigestRequest(quarter="2024-Q1", owner_id="U3"))))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("\f") == 1 and "Cy Chen" in text and "Acme - Platform" in text


def test_a_pack_in_euros_shows_euros_in_every_format(small_pack, tmp_path):
    euros = small_pack.model_copy(update={"currency": "EUR"})
    # The workbook: a real number format in euros per money cell, the chart's axis too.
    book = openpyxl.load_workbook(io.BytesIO(xlsx.render(euros)))
    assert [(c.value, c.number_format) for c in book["Money"][5][1:3]] == [(1234, '"€"#,##0'), (0.25, "0.0%")]
    with zipfile.ZipFile(io.BytesIO(xlsx.render(euros))) as archive:
        charts = "".join(archive.read(name).decode() for name in archive.namelist() if "charts/chart" in name)
    assert 'formatCode="&quot;€&quot;#,##0,&quot;K&quot;"' in charts and "&quot;$&quot;" not in charts
    # The deck: the table's text and the chart's number format.
    deck = Presentation(io.BytesIO(pptx.render(euros)))
    grid = next(shape.table for shape in deck.slides[1].shapes if shape.has_table)
    assert [cell.text for cell in grid.rows[2].cells][:2] == ["Events", "€98,765"]
    drawn = next(shape.chart for shape in deck.slides[1].shapes if shape.has_chart)
    assert drawn.value_axis.tick_labels.number_format == '"€"#,##0,"K"'
    # The PDF's text and the CSV's header.
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf.render(euros))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "€98,765" in text and "$" not in text
    with zipfile.ZipFile(io.BytesIO(csvs.bundle(euros))) as archive:
        assert archive.read("money-2026-Q3.csv").decode().splitlines()[0] == "Item,Amount (EUR),Share,Lag,Why"
    # Rendering in euros leaves the next render in the pack's own currency: dollars.
    assert openpyxl.load_workbook(io.BytesIO(xlsx.render(small_pack)))["Money"]["B5"].number_format == '"$"#,##0'
