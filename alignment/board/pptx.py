"""The pack as a 16:9 PowerPoint deck with native, editable charts and tables (python-pptx)."""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE,
                             XL_TICK_LABEL_POSITION)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Pt

from alignment.board import layout
from alignment.board.spec import BoardPack, Section, in_pack_currency
from alignment.presentation import formats, palette
from alignment.presentation.specs import Chart, PaceSpec, TableSpec, TimelineSpec, WaterfallSpec

WIDTH, HEIGHT = 960, 540  # points: 13.333 × 7.5 inches, 16:9
MARGIN = 36
TOP = 78
BOTTOM = HEIGHT - 36
FONT = "Calibri"
TABLE_FONT = 9
CHART_TYPES = {"column": XL_CHART_TYPE.COLUMN_CLUSTERED, "bar": XL_CHART_TYPE.BAR_CLUSTERED,
               "stacked_bar": XL_CHART_TYPE.BAR_STACKED, "line": XL_CHART_TYPE.LINE_MARKERS}
NUMERIC = ("count", "currency", "percent", "days", "hours", "ratio", "row", "row_change")
STRIPE = "#F4F6F9"
CELL_MARGIN_X, CELL_MARGIN_Y = Pt(4), Pt(2)
NO_STYLE = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"  # PowerPoint's "No Style, No Grid" table style


def _rgb(colour: str) -> RGBColor:
    return RGBColor(*palette.rgb(colour))


def _text(shape, text: str, *, size: float, colour: str = palette.INK, bold: bool = False,
          align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP) -> None:
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Pt(2)
    frame.margin_top = frame.margin_bottom = Pt(1)
    paragraph = frame.paragraphs[0]
    paragraph.alignment = align
    run = paragraph.add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
    run.font.color.rgb = _rgb(colour)


def _box(slide, x, y, w, h, text, **style):
    shape = slide.shapes.add_textbox(Pt(x), Pt(y), Pt(w), Pt(h))
    _text(shape, text, **style)
    return shape


def _rectangle(slide, x, y, w, h, colour: str):
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Pt(x), Pt(y), Pt(w), Pt(h))
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(colour)
    shape.line.fill.background()
    return shape


def _bullets(slide, x, y, w, h, lines: list[str], *, size: float = 13) -> None:
    frame = slide.shapes.add_textbox(Pt(x), Pt(y), Pt(w), Pt(h)).text_frame
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(size * 0.6)
        run = paragraph.add_run()
        run.text = "•  " + line
        run.font.size, run.font.name = Pt(size), FONT
        run.font.color.rgb = _rgb(palette.INK)


# --- charts --------------------------------------------------------------------------------------------------------

def add_chart(slide, spec: Chart, x: float, y: float, w: float, h: float) -> None:
    """A native chart (its data lives in the deck's embedded workbook), titled, coloured and formatted per unit."""
    if isinstance(spec, TimelineSpec):
        add_timeline(slide, spec, x, y, w, h)
        return
    if isinstance(spec, PaceSpec):
        add_pace(slide, spec, x, y, w, h)
        return
    if isinstance(spec, WaterfallSpec):
        add_waterfall(slide, spec, x, y, w, h)
        return
    data = CategoryChartData(number_format=formats.excel_format(spec.unit))
    data.categories = spec.categories or ["(none)"]
    for series in spec.series:
        data.add_series(series.name, series.values or [None])
    chart = slide.shapes.add_chart(CHART_TYPES[spec.kind], Pt(x), Pt(y), Pt(w), Pt(h), data).chart
    chart.font.size, chart.font.name = Pt(9), FONT
    chart.font.color.rgb = _rgb(palette.INK)
    chart.has_title = True
    chart.chart_title.text_frame.text = spec.title
    title_run = chart.chart_title.text_frame.paragraphs[0].runs[0]
    title_run.font.size, title_run.font.bold = Pt(11), True
    plot = chart.plots[0]
    if spec.kind != "line":
        plot.gap_width = 60
        plot.overlap = 100 if spec.kind == "stacked_bar" else -10
    for described, drawn in zip(spec.series, plot.series):
        if spec.kind == "line":
            drawn.format.line.color.rgb = _rgb(described.colour)
            drawn.format.line.width = Pt(2.25)
            drawn.smooth = False
            drawn.marker.format.fill.solid()
            drawn.marker.format.fill.fore_color.rgb = _rgb(described.colour)
            continue
        drawn.format.fill.solid()
        drawn.format.fill.fore_color.rgb = _rgb(described.colour)
        for index, colour in enumerate(described.point_colours or []):
            point = drawn.points[index]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _rgb(colour)
    axis = chart.value_axis
    axis.tick_labels.number_format = formats.axis_format(spec.unit, spec.largest)
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb(palette.RULE)
    axis.format.line.fill.background()
    axis.minimum_scale = 0
    if spec.unit == "percent" and spec.largest <= 1:
        axis.maximum_scale = 1
    if spec.kind in ("bar", "stacked_bar"):
        chart.category_axis.reverse_order = True  # first category on top, as it reads in the table
    chart.category_axis.format.line.color.rgb = _rgb(palette.AXIS)
    if len(spec.series) == 1 and spec.kind != "stacked_bar" and len(spec.categories) <= 12:
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = formats.axis_format(spec.unit, spec.largest) \
            if spec.unit in ("currency", "count") and spec.largest >= 1e6 else formats.excel_format(spec.unit)
        labels.number_format_is_linked = False
        labels.font.size = Pt(8)
        labels.position = XL_LABEL_POSITION.OUTSIDE_END if spec.kind != "line" else XL_LABEL_POSITION.ABOVE
    chart.has_legend = len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(9)


def _titled(chart, title: str) -> None:
    chart.font.size, chart.font.name = Pt(9), FONT
    chart.font.color.rgb = _rgb(palette.INK)
    chart.has_title = True
    chart.chart_title.text_frame.text = title
    title_run = chart.chart_title.text_frame.paragraphs[0].runs[0]
    title_run.font.size, title_run.font.bold = Pt(11), True


def _value_axis(chart, unit: str, largest: float) -> None:
    axis = chart.value_axis
    axis.tick_labels.number_format = formats.axis_format(unit, largest)
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb(palette.RULE)
    axis.format.line.fill.background()
    axis.minimum_scale = 0
    chart.category_axis.format.line.color.rgb = _rgb(palette.AXIS)


PACE_LINES = (("Actual", palette.NAVY, 2.5, None), ("Expected", palette.NEUTRAL, 2, MSO_LINE_DASH_STYLE.DASH),
              ("On-track band, low", palette.AXIS, 1, MSO_LINE_DASH_STYLE.ROUND_DOT),
              ("On-track band, high", palette.AXIS, 1, MSO_LINE_DASH_STYLE.ROUND_DOT))
"""The pace chart's lines as the slide draws them: name, colour, width and dash (the screen shades the band)."""


def add_pace(slide, spec: PaceSpec, x: float, y: float, w: float, h: float) -> None:
    """A running quarter's weekly line as a native line chart: actual to the as-of day (labelled there), the expected
    curve × target dashed, the on-track band's edges dotted; weeks along the bottom, the as-of day among them."""
    data = CategoryChartData(number_format=formats.excel_format(spec.unit))
    data.categories = spec.weeks
    values = [spec.actual, spec.expected, spec.low, spec.high] if spec.has_curve else [spec.actual]
    for (name, *_), series in zip(PACE_LINES, values):
        data.add_series(name, series)
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, Pt(x), Pt(y), Pt(w), Pt(h), data).chart
    _titled(chart, f"{spec.title} · {spec.as_of_label}")
    for (_, colour, width, dash), drawn in zip(PACE_LINES, chart.plots[0].series):
        drawn.smooth = False
        drawn.format.line.color.rgb = _rgb(colour)
        drawn.format.line.width = Pt(width)
        if dash is not None:
            drawn.format.line.dash_style = dash
        if colour == palette.NAVY:
            drawn.marker.format.fill.solid()
            drawn.marker.format.fill.fore_color.rgb = _rgb(colour)
            drawn.marker.format.line.color.rgb = _rgb(colour)
        else:
            drawn.marker.style = XL_MARKER_STYLE.NONE
    last = max((index for index, value in enumerate(spec.actual) if value is not None), default=None)
    if last is not None:
        label = chart.plots[0].series[0].points[last].data_label
        label.has_text_frame = True
        label.text_frame.text = formats.by_unit(spec.actual[last], spec.unit)
        label.position = XL_LABEL_POSITION.ABOVE
        label.font.size, label.font.bold = Pt(9), True
    _value_axis(chart, spec.unit, spec.largest)
    chart.category_axis.tick_labels.font.size = Pt(8)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(9)


WATERFALL_SERIES = (("total", "Total"), ("up", "Adds"), ("down", "Takes away"))
"""The waterfall's stacked series above its invisible base: kind of bar (palette.WALK_BARS) and name."""


def add_waterfall(slide, spec: WaterfallSpec, x: float, y: float, w: float, h: float) -> None:
    """A waterfall as a native stacked column chart: an invisible base under each bar (WaterfallSpec.bars), totals in
    navy, steps up in green and down in red, each labelled with its value (a step signed)."""
    bars = spec.bars()
    data = CategoryChartData(number_format=formats.excel_format(spec.unit))
    data.categories = [step.label for step in spec.steps]
    data.add_series("Base", [bottom for bottom, _, _ in bars])
    for kind, name in WATERFALL_SERIES:
        data.add_series(name, [height if drawn == kind else None for _, height, drawn in bars])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_STACKED, Pt(x), Pt(y), Pt(w), Pt(h), data).chart
    _titled(chart, spec.title)
    plot = chart.plots[0]
    plot.gap_width, plot.overlap = 50, 100
    base, *drawn = plot.series
    base.format.fill.background()
    base.format.line.fill.background()
    for (kind, _), series in zip(WATERFALL_SERIES, drawn):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(palette.WALK_BARS[kind])
        for index, (_, _, bar) in enumerate(bars):
            if bar != kind:
                continue
            label = series.points[index].data_label
            label.has_text_frame = True
            label.text_frame.text = spec.label(index)
            label.position = XL_LABEL_POSITION.INSIDE_END if kind == "total" else XL_LABEL_POSITION.CENTER
            label.font.size, label.font.bold = Pt(8), True
            label.font.color.rgb = _rgb("#FFFFFF" if kind == "total" else palette.INK)
    _value_axis(chart, spec.unit, max(bottom + height for bottom, height, _ in bars))
    chart.category_axis.tick_labels.font.size = Pt(8)
    chart.has_legend = False


EXCEL_EPOCH = dt.date(1899, 12, 30)
TIMELINE_FONT = 8.5
LEGEND_HEIGHT = 16


def excel_day(day: dt.date) -> int:
    """A day as Office stores dates (days since 30 Dec 1899), so a value axis reads as dates."""
    return (day - EXCEL_EPOCH).days


def tick_days(days: int) -> int:
    """Days between a timeline's date ticks: weekly over a quarter, wider over longer periods."""
    return 7 if days <= 100 else 14 if days <= 200 else 28 if days <= 400 else 91


def add_timeline(slide, spec: TimelineSpec, x: float, y: float, w: float, h: float) -> None:
    """A timeline as a native stacked bar chart: an invisible first series holds each bar's first day, the visible
    second its length in days, on a date axis over the period; each bar in its funnel role's colour, outlined in red
    and marked ⚠ without a sales sponsor; a legend, and a dotted line at each quarter's start, drawn beside it."""
    chart_height = h - LEGEND_HEIGHT - 4
    room, limit = layout.label_room(spec.labels, w, TIMELINE_FONT)
    data = CategoryChartData()
    data.categories = [layout.shortened(label, limit) for label in spec.labels] or ["(none)"]
    spans = [spec.span(row) for row in spec.rows]
    data.add_series("First day", [excel_day(spec.period_start) + offset for offset, _ in spans] or [None],
                    number_format="d mmm yyyy")
    data.add_series("Days", [length for _, length in spans] or [None], number_format="0")
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_STACKED, Pt(x), Pt(y), Pt(w), Pt(chart_height), data).chart
    chart.font.size, chart.font.name = Pt(TIMELINE_FONT), FONT
    chart.font.color.rgb = _rgb(palette.INK)
    chart.has_title = True
    chart.chart_title.text_frame.text = spec.title
    title_run = chart.chart_title.text_frame.paragraphs[0].runs[0]
    title_run.font.size, title_run.font.bold = Pt(11), True
    chart.has_legend = False
    plot = chart.plots[0]
    plot.gap_width, plot.overlap = 35, 100
    offsets, lengths = plot.series
    offsets.format.fill.background()
    offsets.format.line.fill.background()
    for index, row in enumerate(spec.rows):
        point = lengths.points[index]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = _rgb(row.colour)
        if row.has_sales_sponsor:
            point.format.line.fill.background()
        else:
            point.format.line.color.rgb = _rgb(palette.MISS)
            point.format.line.width = Pt(2)
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale = excel_day(spec.period_start), excel_day(spec.period_end)
    axis.major_unit = tick_days(spec.days)
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = "d mmm", False
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb(palette.RULE)
    axis.format.line.fill.background()
    categories = chart.category_axis
    categories.reverse_order = True  # the first campaign on top, as the table lists it
    categories.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    categories.format.line.color.rgb = _rgb(palette.AXIS)
    # The plot's inner box is placed by hand, so the labels get the room measured for them and the quarter lines
    # below land on the dates they mark.
    top, bottom = 52.0, 6.0
    inner = (room / w, top / chart_height, 1 - room / w - 12 / w, 1 - (top + bottom) / chart_height)
    _manual_layout(chart, *inner)
    left, plot_width = x + inner[0] * w, inner[2] * w
    for day in spec.quarter_starts:
        at = left + plot_width * (day - spec.period_start).days / spec.days
        line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Pt(at), Pt(y + top), Pt(at),
                                          Pt(y + chart_height - bottom))
        line.line.color.rgb = _rgb(palette.MUTED)
        line.line.dash_style = MSO_LINE_DASH_STYLE.ROUND_DOT
        line.line.width = Pt(1)
    _timeline_legend(slide, spec, left, y + chart_height + 2)


def _manual_layout(chart, x: float, y: float, w: float, h: float) -> None:
    """Place the plot area's inner box (axes excluded) at fractions of the chart's frame."""
    plot_area = chart._chartSpace.chart.plotArea
    for old in plot_area.findall(qn("c:layout")):
        plot_area.remove(old)
    plot_area.insert(0, parse_xml(
        f'<c:layout {nsdecls("c")}><c:manualLayout><c:layoutTarget val="inner"/><c:xMode val="edge"/>'
        f'<c:yMode val="edge"/><c:x val="{x:.4f}"/><c:y val="{y:.4f}"/><c:w val="{w:.4f}"/><c:h val="{h:.4f}"/>'
        '</c:manualLayout></c:layout>'))


def _timeline_legend(slide, spec: TimelineSpec, x: float, y: float) -> None:
    keys = [(palette.FUNNEL_LABELS.get(role, role), palette.FUNNEL_COLOURS[role], None) for role in spec.roles]
    if spec.without_sponsor:
        keys.append(("⚠ No sales sponsor", "#FFFFFF", palette.MISS))
    for label, fill, outline in keys:
        swatch = _rectangle(slide, x, y + 3, 14, 9, fill)
        if outline:
            swatch.line.color.rgb = _rgb(outline)
            swatch.line.width = Pt(1.5)
        width = len(label) * layout.CHAR_WIDTH * 9 + 12
        _box(slide, x + 17, y, width, LEGEND_HEIGHT, label, size=9, colour=palette.INK)
        x += 17 + width + 10


def _chart_with_caption(slide, spec: Chart, x, y, w, h) -> None:
    caption = 26 if spec.definition else 0
    add_chart(slide, spec, x, y, w, h - caption)
    if spec.definition:
        _box(slide, x, y + h - caption, w, caption, spec.definition, size=7.5, colour=palette.MUTED)


# --- tables --------------------------------------------------------------------------------------------------------

def add_table(slide, table: TableSpec, x: float, y: float, w: float, h: float, *, start: int = 0,
              colour: str = palette.NAVY, font_size: float = TABLE_FONT) -> int:
    """A native table of the rows from `start` that fit in the box, under a title; returns how many rows it drew."""
    _box(slide, x, y, w, 16, table.title, size=10.5, bold=True)
    y, h = y + 18, h - 18
    count = layout.rows_that_fit(table, w, h, font_size, start=start) if table.rows else 0
    texts = layout.page_cells(table)[start:start + count]
    units = table.units_shown()
    column_widths = layout.widths(table, w, font_size)
    shape = slide.shapes.add_table(len(texts) + 1, len(units), Pt(x), Pt(y), Pt(sum(column_widths)),
                                   Pt(20 * (len(texts) + 1)))
    grid = shape.table
    # No built-in style: the header colour and the stripes below are the pack's own (and filling only those cells
    # keeps a deck of a few hundred cells fast to write).
    style = shape._element.graphic.graphicData.tbl.tblPr.find(qn("a:tableStyleId"))
    style.text = NO_STYLE
    grid.first_row = True
    for column, width in zip(grid.columns, column_widths):
        column.width = Pt(width)
    for row in grid.rows:
        row.height = Pt(font_size * 1.9)
    _fill_row(grid.rows[0], [_cell_xml(header, size=font_size, bold=True, colour="#FFFFFF", fill=colour,
                                       right=unit in NUMERIC) for header, unit in zip(table.headers_shown(), units)])
    for r, cells in enumerate(texts, start=1):
        _fill_row(grid.rows[r], [_cell_xml(text, size=font_size, fill=STRIPE if r % 2 == 0 else None,
                                           right=unit in NUMERIC) for text, unit in zip(cells, units)])
    if not table.rows:
        _box(slide, x, y + font_size * 2.2, w, 16, "None.", size=font_size, colour=palette.MUTED)
    return count


def _cell_xml(text: str, *, size: float, fill: str | None, colour: str | None = None, bold: bool = False,
              right: bool = False) -> str:
    """One table cell as DrawingML: written as text because python-pptx's per-property setters cost milliseconds a
    cell, and a deck holds hundreds of cells."""
    colour_xml = f'<a:solidFill><a:srgbClr val="{colour.lstrip("#")}"/></a:solidFill>' if colour else ""
    fill_xml = f'<a:solidFill><a:srgbClr val="{fill.lstrip("#")}"/></a:solidFill>' if fill else ""
    return (f'<a:tc {nsdecls("a")}><a:txBody><a:bodyPr/><a:lstStyle/><a:p>'
            f'<a:pPr algn="{"r" if right else "l"}"/><a:r>'
            f'<a:rPr lang="en-GB" sz="{round(size * 100)}" b="{1 if bold else 0}" dirty="0">{colour_xml}'
            f'<a:latin typeface="{FONT}"/></a:rPr><a:t>{escape(text)}</a:t></a:r></a:p></a:txBody>'
            f'<a:tcPr marL="{CELL_MARGIN_X}" marR="{CELL_MARGIN_X}" marT="{CELL_MARGIN_Y}" marB="{CELL_MARGIN_Y}" '
            f'anchor="ctr">{fill_xml}</a:tcPr></a:tc>')


def _fill_row(row, cells: list[str]) -> None:
    for old, new in zip(list(row._tr.tc_lst), cells):
        row._tr.replace(old, parse_xml(new))


def _capped_note(slide, table: TableSpec, drawn: int, x, y, w) -> None:
    if drawn < len(table.rows):
        _box(slide, x, y, w, 14, f"The first {drawn} of {len(table.rows)} rows; every row is in the workbook.",
             size=8, colour=palette.MUTED)


# --- slides --------------------------------------------------------------------------------------------------------

class Deck:
    """A presentation being filled, slide by slide, with the pack's frame (title, stamp, slide numbers) on each."""

    def __init__(self, pack: BoardPack):
        self.pack = pack
        self.presentation = Presentation()
        self.presentation.slide_width, self.presentation.slide_height = Pt(WIDTH), Pt(HEIGHT)
        self.blank = self.presentation.slide_layouts[6]

    def slide(self, title: str, *, role: str | None = None, notes: list[str] | None = None):
        slide = self.presentation.slides.add_slide(self.blank)
        _rectangle(slide, MARGIN, 26, 5, 30, palette.FUNNEL_COLOURS.get(role, palette.NAVY))
        _box(slide, MARGIN + 14, 22, WIDTH - 2 * MARGIN - 14, 38, title, size=24, bold=True,
             anchor=MSO_ANCHOR.MIDDLE)
        _rectangle(slide, MARGIN, BOTTOM + 6, WIDTH - 2 * MARGIN, 0.75, palette.RULE)
        _box(slide, MARGIN, BOTTOM + 10, WIDTH - 2 * MARGIN - 60, 16, self.pack.stamp, size=8,
             colour=palette.MUTED)
        number = len(self.presentation.slides)
        _box(slide, WIDTH - MARGIN - 60, BOTTOM + 10, 60, 16, str(number), size=8, colour=palette.MUTED,
             align=PP_ALIGN.RIGHT)
        if notes:
            slide.notes_slide.notes_text_frame.text = "\n\n".join(notes)
        return slide

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.presentation.save(buffer)
        return buffer.getvalue()


def _title_slide(deck: Deck) -> None:
    pack = deck.pack
    slide = deck.presentation.slides.add_slide(deck.blank)
    for index, role in enumerate(("awareness", "demand_gen", "sales")):
        _rectangle(slide, MARGIN + index * 96, 150, 90, 6, palette.FUNNEL_COLOURS[role])
    _box(slide, MARGIN, 170, 760, 60, "Sales & marketing alignment", size=36, bold=True)
    _box(slide, MARGIN, 226, 760, 36, f"Board pack · {pack.quarter}", size=22, colour=palette.MUTED)
    state = pack.signoff.state
    badge = palette.GOOD if state == "signed" else palette.MISS if state in ("changed since sign-off", "not verified") else palette.SALES
    shape = _rectangle(slide, MARGIN, 286, 210, 30, badge)
    _text(shape, pack.signoff.label, size=13, bold=True, colour="#FFFFFF", align=PP_ALIGN.CENTER,
          anchor=MSO_ANCHOR.MIDDLE)
    facts = [f"Data as of {formats.day(pack.data_as_of)} · generated {formats.moment(pack.generated_at)}",
             f"Data fingerprint {pack.data_fingerprint}"]
    if pack.is_demo:
        facts.append("Demo company: generated data that shows the whole product.")
    _box(slide, MARGIN, 336, 800, 60, "\n".join(facts), size=11, colour=palette.MUTED)
    _box(slide, WIDTH - MARGIN - 60, BOTTOM + 10, 60, 16, "1", size=8, colour=palette.MUTED, align=PP_ALIGN.RIGHT)


def _section_slides(deck: Deck, section: Section) -> None:
    notes = section.notes + [f"{c.title}: {c.definition}" for c in section.charts if c.definition]
    width, height = WIDTH - 2 * MARGIN, BOTTOM - TOP
    colour = palette.FUNNEL_COLOURS.get(section.role, palette.NAVY)
    if section.layout == "words":
        slide = deck.slide(section.title, role=section.role, notes=notes)
        _bullets(slide, MARGIN, TOP, width * 0.52, height, section.words, size=14)
        top = TOP
        for table in section.tables:
            drawn = add_table(slide, table, MARGIN + width * 0.56, top, width * 0.44, height - (top - TOP))
            top += 18 + (drawn + 1) * TABLE_FONT * 2.2 + 16
        return
    if section.layout == "columns":
        slide = deck.slide(section.title, role=section.role, notes=notes)
        count = max(len(section.charts), len(section.tables))
        gap = 18
        column = (width - gap * (count - 1)) / count
        for index in range(count):
            x = MARGIN + index * (column + gap)
            if index < len(section.charts):
                _chart_with_caption(slide, section.charts[index], x, TOP, column, height * 0.56)
            if index < len(section.tables):
                table = section.tables[index]
                role_colour = palette.FUNNEL_COLOURS.get(table.role, colour)
                drawn = add_table(slide, table, x, TOP + height * 0.6, column, height * 0.4 - 14, colour=role_colour)
                _capped_note(slide, table, drawn, x, BOTTOM - 12, column)
        return
    if section.layout == "wide":
        slide = deck.slide(section.title, role=section.role, notes=notes)
        top = TOP
        if section.words:
            lines = sum(layout.row_lines([line], [width - 20], 11) for line in section.words)
            _bullets(slide, MARGIN, top - 4, width, 20 * lines, section.words, size=11)
            top += 14 * lines + 5 * len(section.words) + 2
        for chart in section.charts[:1]:
            _chart_with_caption(slide, chart, MARGIN, top, width, BOTTOM - top)
        return
    if section.layout == "chart_left":
        slide = deck.slide(section.title, role=section.role, notes=notes)
        left = width * 0.5
        share = height / max(len(section.charts), 1)
        for index, chart in enumerate(section.charts):
            _chart_with_caption(slide, chart, MARGIN, TOP + index * share, left, share - 6)
        x, w, top = MARGIN + left + 20, width - left - 20, TOP
        if section.words:
            # As many lines as the words wrap to (a forecast's sentence takes two), so the tables start below them.
            lines = sum(layout.row_lines([line], [w - 20], 11) for line in section.words)
            _bullets(slide, x, top, w, 16 * lines, section.words, size=11)
            top += 14.5 * lines + 6.6 * len(section.words) + 6
        for table, space in zip(section.tables, layout.shares(section.tables, BOTTOM - top)):
            drawn = add_table(slide, table, x, top, w, space - 16, colour=colour)
            _capped_note(slide, table, drawn, x, top + space - 16, w)
            top += space
        return
    _table_slides(deck, section, notes)


def _table_slides(deck: Deck, section: Section, notes: list[str]) -> None:
    """Words, then each table full width, continuing onto further slides for as long as rows remain."""
    width = WIDTH - 2 * MARGIN
    slide = deck.slide(section.title, role=section.role, notes=notes)
    top = TOP
    if section.words:
        _bullets(slide, MARGIN, top, width, 24 * len(section.words), section.words, size=12)
        top += 24 * len(section.words) + 4
    for table in section.tables:
        start = 0
        while True:
            if BOTTOM - top < 80:
                slide, top = deck.slide(f"{section.title} (continued)", role=section.role), TOP
            drawn = add_table(slide, table, MARGIN, top, width, BOTTOM - top, start=start)
            start += drawn
            top += 18 + _table_height(table, start - drawn, drawn, width) + 14
            if start >= len(table.rows):
                break
            slide, top = deck.slide(f"{section.title} (continued)", role=section.role), TOP


def _table_height(table: TableSpec, start: int, count: int, width: float) -> float:
    return layout.table_height(table, width, TABLE_FONT, start=start, count=count)


@in_pack_currency
def render(pack: BoardPack) -> bytes:
    """The deck: a title slide, then each section on its own slide(s)."""
    deck = Deck(pack)
    _title_slide(deck)
    for section in pack.sections:
        _section_slides(deck, section)
    return deck.bytes()
