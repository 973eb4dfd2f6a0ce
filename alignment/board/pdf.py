"""The pack as a PDF with vector charts, drawn by reportlab alone (no browser, no office suite)."""

from __future__ import annotations

import io
import math
from typing import Callable
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Polygon, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (BaseDocTemplate, Frame, KeepTogether, LongTable, PageBreak, PageTemplate, Paragraph,
                                Spacer, Table, TableStyle)

from alignment.board import layout
from alignment.board.spec import BoardPack, Section, in_pack_currency
from alignment.presentation import formats, palette
from alignment.presentation.specs import Chart, PaceSpec, TableSpec, TimelineSpec, WaterfallSpec

WIDTH, HEIGHT = 960, 540  # points, the deck's 16:9 page
MARGIN = 36
CONTENT_WIDTH = WIDTH - 2 * MARGIN
CONTENT_HEIGHT = HEIGHT - 2 * MARGIN - 10
TABLE_FONT = 8
FONT, BOLD = "Helvetica", "Helvetica-Bold"
NUMERIC = ("count", "currency", "percent", "days", "hours", "ratio", "row", "row_change")


def _colour(hex_colour: str) -> colors.Color:
    return colors.HexColor(hex_colour)


STYLES = {
    "title": ParagraphStyle("title", fontName=BOLD, fontSize=22, leading=26, textColor=_colour(palette.INK)),
    "bullet": ParagraphStyle("bullet", fontName=FONT, fontSize=11, leading=14.5, textColor=_colour(palette.INK),
                             leftIndent=12, bulletIndent=0, spaceAfter=5),
    "table_title": ParagraphStyle("table_title", fontName=BOLD, fontSize=10, leading=13, spaceAfter=3,
                                  textColor=_colour(palette.INK)),
    "small": ParagraphStyle("small", fontName=FONT, fontSize=7.5, leading=9.5, textColor=_colour(palette.MUTED)),
    "cell": ParagraphStyle("cell", fontName=FONT, fontSize=TABLE_FONT, leading=TABLE_FONT * 1.22),
    "cell_right": ParagraphStyle("cell_right", fontName=FONT, fontSize=TABLE_FONT, leading=TABLE_FONT * 1.22,
                                 alignment=2),
    "head": ParagraphStyle("head", fontName=BOLD, fontSize=TABLE_FONT, leading=TABLE_FONT * 1.22,
                           textColor=colors.white),
    "head_right": ParagraphStyle("head_right", fontName=BOLD, fontSize=TABLE_FONT, leading=TABLE_FONT * 1.22,
                                 textColor=colors.white, alignment=2),
}


WARNING_MARK = f'<font name="ZapfDingbats" color="{palette.MISS}">\u25b2</font>'
"""The ⚠ of the words in a glyph the PDF's built-in fonts have (Helvetica has no ⚠): a red triangle."""


def _text(value: str) -> str:
    """Plain text for a Paragraph (which reads markup): user text is escaped, never interpreted."""
    return escape(value).replace("⚠", WARNING_MARK)


# --- charts --------------------------------------------------------------------------------------------------------

def _axis_label(unit: str):
    def label(value: float) -> str:
        if unit == "percent":
            return f"{value:.0%}"
        if unit == "currency":
            return formats.currency(value)
        if abs(value) >= 1e6:
            return f"{value / 1e6:,.1f}M"
        return f"{value:,.0f}"
    return label


def chart_drawing(spec: Chart, width: float, height: float) -> Drawing:
    """A vector chart: title, value axis in the unit's format, the series' colours, a legend when several."""
    if isinstance(spec, TimelineSpec):
        return timeline_drawing(spec, width, height)
    if isinstance(spec, PaceSpec):
        return pace_drawing(spec, width, height)
    if isinstance(spec, WaterfallSpec):
        return waterfall_drawing(spec, width, height)
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, spec.title, fontName=BOLD, fontSize=10, fillColor=_colour(palette.INK)))
    legend_room = 18 if len(spec.series) > 1 else 0
    top = height - 24
    bottom = 24 + legend_room
    values = [[0.0 if v is None else float(v) for v in s.values] for s in spec.series]
    largest = spec.largest or 1.0
    ceiling = 1.0 if spec.unit == "percent" and largest <= 1 else largest * 1.18
    if spec.kind in ("bar", "stacked_bar"):
        label_room = min(max((len(c) for c in spec.categories), default=4) * 4.0 + 8, width * 0.42)
        chart = HorizontalBarChart()
        chart.x, chart.y = label_room, bottom
        chart.width, chart.height = width - label_room - 28, top - bottom
        chart.categoryAxis.reverseDirection = 1  # the first category on top, as the table lists it
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -4
        if spec.kind == "stacked_bar":
            chart.categoryAxis.style = "stacked"
    elif spec.kind == "line":
        chart = HorizontalLineChart()
        chart.x, chart.y = 48, bottom
        chart.width, chart.height = width - 56, top - bottom
        chart.joinedLines = 1
    else:
        chart = VerticalBarChart()
        chart.x, chart.y = 48, bottom
        chart.width, chart.height = width - 56, top - bottom
    chart.data = [tuple(v) for v in values] if values and spec.categories else [(0,)]
    # Under a column, a quarter under way takes a second line for the day it runs to ("2026-Q4" over "to 9 Nov").
    below = spec.kind in ("column", "line")
    chart.categoryAxis.categoryNames = [_short(c, 30).replace(" to ", "\nto " if below else " to ")
                                        for c in spec.categories] or [""]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = FONT, 7
    chart.categoryAxis.strokeColor = _colour(palette.AXIS)
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, ceiling
    chart.valueAxis.labelTextFormat = _axis_label(spec.unit)
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = FONT, 7
    chart.valueAxis.strokeColor = None
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = _colour(palette.RULE)
    if spec.kind == "line":
        for index, series in enumerate(spec.series):
            chart.lines[index].strokeColor = _colour(series.colour)
            chart.lines[index].strokeWidth = 2
            chart.lines[index].symbol = makeMarker("FilledCircle", size=4, fillColor=_colour(series.colour))
    else:
        chart.bars.strokeColor = None
        chart.groupSpacing = 6
        for index, series in enumerate(spec.series):
            chart.bars[index].fillColor = _colour(series.colour)
            for point, colour in enumerate(series.point_colours or []):
                chart.bars[(index, point)].fillColor = _colour(colour)
        if len(spec.series) == 1 and len(spec.categories) <= 12:
            chart.barLabelFormat = lambda v: formats.compact(v, spec.unit)
            chart.barLabels.fontName, chart.barLabels.fontSize = FONT, 7
            chart.barLabels.nudge = 7
            chart.barLabels.boxAnchor = "w" if spec.kind == "bar" else "s"
    if len(spec.categories) > 6 and spec.kind in ("column", "line"):
        chart.categoryAxis.labels.angle = 0
        chart.categoryAxis.labels.fontSize = 6.5
    drawing.add(chart)
    if legend_room:
        legend = Legend()
        legend.x, legend.y = chart.x, 8
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.dx = legend.dy = 7
        legend.fontName, legend.fontSize = FONT, 8
        legend.deltax = max(len(s.name) for s in spec.series) * 4.6 + 24
        legend.colorNamePairs = [(_colour(s.colour), s.name) for s in spec.series]
        drawing.add(legend)
    return drawing


def _ticks(top: float) -> list[float]:
    """Value-axis gridlines from 0 to at least `top`, 4 to 8 steps of 1, 2, 2.5 or 5 (a board reads round
    numbers), the set whose last line comes closest above `top`."""
    if top <= 0:
        return [0.0, 1.0]
    candidates = []
    for count in (4, 5, 6, 7, 8):
        raw = top / count
        power = 10 ** math.floor(math.log10(raw))
        step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
        candidates.append([step * k for k in range(math.ceil(top / step - 1e-9) + 1)])
    return min(candidates, key=lambda ticks: (ticks[-1], len(ticks)))


def _value_grid(drawing: Drawing, unit: str, top: float, left: float, right: float, bottom: float,
                height: float) -> Callable[[float], float]:
    """Gridlines and their labels from 0 to `top`; returns the function placing a value on the page."""
    ticks = _ticks(top)
    ceiling = ticks[-1]
    label = _axis_label(unit)

    def y(value: float) -> float:
        return bottom + height * value / ceiling

    for tick in ticks:
        drawing.add(Line(left, y(tick), right, y(tick), strokeColor=_colour(palette.RULE), strokeWidth=0.5))
        drawing.add(String(left - 4, y(tick) - 2.5, label(tick), fontName=FONT, fontSize=7,
                           fillColor=_colour(palette.MUTED), textAnchor="end"))
    return y


def _legend_keys(drawing: Drawing, keys: list[tuple[str, Callable[[float, float], list]]], x: float, y: float) -> None:
    """A row of legend keys: each a small drawing and its name."""
    for name, draw in keys:
        for part in draw(x, y):
            drawing.add(part)
        drawing.add(String(x + 18, y - 2.5, name, fontName=FONT, fontSize=8, fillColor=_colour(palette.INK)))
        x += 18 + stringWidth(name, FONT, 8) + 14


def pace_drawing(spec: PaceSpec, width: float, height: float) -> Drawing:
    """A running quarter's weekly line: the on-track band shaded, the expected curve × target dashed, the actual line
    to the as-of day (its value labelled there), a dotted line at the as-of day, the target marked; days along the
    bottom so weeks are evenly spaced and the as-of day falls between two."""
    drawing = Drawing(width, height)
    ink, muted = _colour(palette.INK), _colour(palette.MUTED)
    drawing.add(String(0, height - 12, spec.title, fontName=BOLD, fontSize=10, fillColor=ink))
    drawing.add(String(0, height - 25, spec.as_of_label, fontName=FONT, fontSize=8, fillColor=muted))
    left, right, bottom, top = 52.0, width - 14, 44.0, height - 40
    days = [(day - spec.days[0]).days for day in spec.days]
    span = max(days[-1], 1)

    def x(index: int) -> float:
        return left + (right - left) * days[index] / span

    y = _value_grid(drawing, spec.unit, spec.largest * 1.08, left, right, bottom, top - bottom)
    band = [index for index in range(len(days)) if spec.low[index] is not None and spec.high[index] is not None]
    if band:
        points = [c for i in band for c in (x(i), y(spec.high[i]))] + \
                 [c for i in reversed(band) for c in (x(i), y(spec.low[i]))]
        drawing.add(Polygon(points, fillColor=colors.Color(0.55, 0.6, 0.68, alpha=0.22), strokeColor=None))
    expected = [c for i in range(len(days)) if spec.expected[i] is not None for c in (x(i), y(spec.expected[i]))]
    if len(expected) >= 4:
        drawing.add(PolyLine(expected, strokeColor=_colour(palette.NEUTRAL), strokeWidth=1.6,
                             strokeDashArray=[4, 3]))
    drawing.add(Line(left, y(spec.target), right, y(spec.target), strokeColor=_colour(palette.GOOD),
                     strokeWidth=0.8, strokeDashArray=[1, 2]))
    drawing.add(String(left + 3, y(spec.target) + 3, f"Target {formats.by_unit(spec.target, spec.unit)}",
                       fontName=FONT, fontSize=7, fillColor=_colour(palette.GOOD)))
    known = [i for i in range(len(days)) if spec.actual[i] is not None]
    if known:
        drawing.add(PolyLine([c for i in known for c in (x(i), y(spec.actual[i]))], strokeColor=_colour(palette.NAVY),
                             strokeWidth=2.2))
        for i in known:
            drawing.add(Circle(x(i), y(spec.actual[i]), 2.2, fillColor=_colour(palette.NAVY), strokeColor=None))
        last = known[-1]
        drawing.add(Line(x(last), bottom, x(last), top, strokeColor=muted, strokeWidth=0.8, strokeDashArray=[1, 2]))
        drawing.add(String(x(last) - 4, y(spec.actual[last]) + 6, formats.by_unit(spec.actual[last], spec.unit),
                           fontName=BOLD, fontSize=8, fillColor=_colour(palette.NAVY), textAnchor="end"))
    drawing.add(Line(left, bottom, right, bottom, strokeColor=_colour(palette.AXIS), strokeWidth=0.8))
    # Week labels along the bottom, as many as fit without touching (the first and the last always).
    shown, end = [], -1e9
    ticks = [i for i in range(len(days)) if i != spec.as_of_index]
    for i in ticks:
        text = spec.weeks[i].replace("Week ", "W")
        half = stringWidth(text, FONT, 7) / 2
        if x(i) - half > end + 4 or i == ticks[-1]:
            if shown and i == ticks[-1] and x(i) - half <= end + 4:
                shown.pop()
            shown.append((i, text))
            end = x(i) + half
    for i, text in shown:
        drawing.add(String(x(i), bottom - 10, text, fontName=FONT, fontSize=7, fillColor=muted, textAnchor="middle"))
    keys = [("Actual", lambda a, b: [Line(a, b, a + 14, b, strokeColor=_colour(palette.NAVY), strokeWidth=2.2)])]
    if spec.has_curve:
        keys += [("Expected", lambda a, b: [Line(a, b, a + 14, b, strokeColor=_colour(palette.NEUTRAL),
                                                 strokeWidth=1.6, strokeDashArray=[4, 3])]),
                 ("On-track band", lambda a, b: [Rect(a, b - 4, 14, 8, strokeColor=None,
                                                      fillColor=colors.Color(0.55, 0.6, 0.68, alpha=0.22))])]
    keys.append(("Target", lambda a, b: [Line(a, b, a + 14, b, strokeColor=_colour(palette.GOOD), strokeWidth=0.8,
                                              strokeDashArray=[1, 2])]))
    _legend_keys(drawing, keys, left, 8)
    return drawing


def waterfall_drawing(spec: WaterfallSpec, width: float, height: float) -> Drawing:
    """A waterfall: totals from zero in navy, steps floating from the running total (up green, down red), each
    labelled with its value (a step signed), thin connectors between bars, the labels under them."""
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, spec.title, fontName=BOLD, fontSize=10, fillColor=_colour(palette.INK)))
    bars = spec.bars()
    left, right, bottom, top = 52.0, width - 8, 34.0, height - 30
    y = _value_grid(drawing, spec.unit, max(b + h for b, h, _ in bars) * 1.1, left, right, bottom, top - bottom)
    pitch = (right - left) / len(bars)
    bar = pitch * 0.62
    for index, (base, size, kind) in enumerate(bars):
        x0 = left + pitch * index + (pitch - bar) / 2
        drawing.add(Rect(x0, y(base), bar, max(y(base + size) - y(base), 0.6),
                         fillColor=_colour(palette.WALK_BARS[kind]), strokeColor=None))
        drawing.add(String(x0 + bar / 2, y(base + size) + 3, spec.label(index), fontName=BOLD, fontSize=7,
                           fillColor=_colour(palette.INK), textAnchor="middle"))
        if index + 1 < len(bars):
            level = base if kind == "down" else base + size  # the running total after this bar
            drawing.add(Line(x0 + bar, y(level), x0 + pitch, y(level), strokeColor=_colour(palette.AXIS),
                             strokeWidth=0.6))
        for line, text in enumerate(_wrap_label(spec.steps[index].label, pitch - 4)):
            drawing.add(String(x0 + bar / 2, bottom - 10 - 8 * line, text, fontName=FONT, fontSize=7,
                               fillColor=_colour(palette.MUTED), textAnchor="middle"))
    drawing.add(Line(left, bottom, right, bottom, strokeColor=_colour(palette.AXIS), strokeWidth=0.8))
    return drawing


def _wrap_label(label: str, width: float) -> list[str]:
    """A category label on at most two lines of `width` points (cut in the middle past that)."""
    lines, current = [], ""
    for word in label.split():
        trial = f"{current} {word}".strip()
        if current and stringWidth(trial, FONT, 7) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return [_fitted(line, width) for line in lines]


TIMELINE_FONT = 7.5


def _warning(x: float, y: float, size: float) -> list:
    """The ⚠ mark drawn as a vector (the PDF's built-in fonts have no such glyph): a red triangle with a white !."""
    return [Polygon([x, y, x + size, y, x + size / 2, y + size * 0.9], fillColor=_colour(palette.MISS),
                    strokeColor=None),
            String(x + size / 2, y + size * 0.12, "!", fontName=BOLD, fontSize=size * 0.72, fillColor=colors.white,
                   textAnchor="middle")]


def _fitted(label: str, width: float) -> str:
    """The label, cut in the middle until it fits `width` points."""
    # Helvetica's narrowest glyph is 0.138 of the font size, so no more characters than this fit: measuring from
    # there keeps a name thousands of characters long from being measured thousands of times.
    limit = min(len(label), int(width / (0.13 * TIMELINE_FONT)) + 1)
    while limit > 8 and stringWidth(layout.shortened(label, limit), FONT, TIMELINE_FONT) > width:
        limit -= 1
    return layout.shortened(label, limit)


def timeline_drawing(spec: TimelineSpec, width: float, height: float) -> Drawing:
    """A timeline: the campaigns' labels on the left, one bar each from its first to its last day over the period
    (its funnel role's colour, a red outline and ⚠ without a sales sponsor), month ticks along the top, a dotted line
    at each quarter's start, and a legend under it."""
    drawing = Drawing(width, height)
    ink, muted = _colour(palette.INK), _colour(palette.MUTED)
    drawing.add(String(0, height - 12, spec.title, fontName=BOLD, fontSize=10, fillColor=ink))
    if spec.is_empty:
        drawing.add(String(0, height - 34, "No campaign runs in this period.", fontName=FONT, fontSize=9,
                           fillColor=muted))
        return drawing
    mark = TIMELINE_FONT * 1.5  # the ⚠ drawn before a label
    room = min(max([stringWidth(row.label, FONT, TIMELINE_FONT) + (0 if row.has_sales_sponsor else mark)
                    for row in spec.rows] + [20]) + 10, width * 0.42)
    left, right = room, width - 12
    top, bottom = height - 34, 22
    pitch = min((top - bottom) / max(len(spec.rows), 1), 22)
    base = top - pitch * max(len(spec.rows), 1)
    bar = pitch * 0.68

    def at(day) -> float:
        return left + (right - left) * (day - spec.period_start).days / spec.days

    drawing.add(Rect(left, base, right - left, top - base, fillColor=None, strokeColor=_colour(palette.RULE),
                     strokeWidth=0.5))
    for month in spec.month_starts:
        drawing.add(Line(at(month), top, at(month), base, strokeColor=_colour(palette.RULE), strokeWidth=0.5))
        named = month.month == 1 or month == spec.month_starts[0]
        drawing.add(String(at(month) + 2, top + 4, month.strftime("%b %Y" if named else "%b"), fontName=FONT,
                           fontSize=7, fillColor=muted))
    for index, row in enumerate(spec.rows):
        middle = top - pitch * (index + 0.5)
        label = _fitted(row.label, room - 10 - (0 if row.has_sales_sponsor else mark))
        if not row.has_sales_sponsor:
            width_of = stringWidth(label, FONT, TIMELINE_FONT)
            for part in _warning(left - 6 - width_of - TIMELINE_FONT * 1.3, middle - TIMELINE_FONT * 0.4,
                                 TIMELINE_FONT * 1.05):
                drawing.add(part)
        drawing.add(String(left - 6, middle - TIMELINE_FONT * 0.35, label, fontName=FONT, fontSize=TIMELINE_FONT,
                           fillColor=ink, textAnchor="end"))
        offset, length = spec.span(row)
        drawing.add(Rect(left + (right - left) * offset / spec.days, middle - bar / 2,
                         max((right - left) * length / spec.days, 1.5), bar, fillColor=_colour(row.colour),
                         strokeColor=None if row.has_sales_sponsor else _colour(palette.MISS),
                         strokeWidth=0 if row.has_sales_sponsor else 1.6))
    for day in spec.quarter_starts:
        drawing.add(Line(at(day), top + 2, at(day), base, strokeColor=muted, strokeWidth=1, strokeDashArray=[1, 2]))
    x, y = left, base - 16
    for role in spec.roles:
        label = palette.FUNNEL_LABELS.get(role, role)
        drawing.add(Rect(x, y, 12, 8, fillColor=_colour(palette.FUNNEL_COLOURS[role]), strokeColor=None))
        drawing.add(String(x + 16, y + 1, label, fontName=FONT, fontSize=8, fillColor=ink))
        x += 16 + stringWidth(label, FONT, 8) + 14
    if spec.without_sponsor:
        drawing.add(Rect(x, y, 12, 8, fillColor=colors.white, strokeColor=_colour(palette.MISS), strokeWidth=1.4))
        for part in _warning(x + 16, y, 8.5):
            drawing.add(part)
        drawing.add(String(x + 28, y + 1, "No sales sponsor", fontName=FONT, fontSize=8, fillColor=ink))
    return drawing


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _chart_block(spec: Chart, width: float, height: float) -> list:
    parts = [chart_drawing(spec, width, height - (30 if spec.definition else 0))]
    if spec.definition:
        parts.append(Paragraph(_text(spec.definition), STYLES["small"]))
    return parts


# --- tables --------------------------------------------------------------------------------------------------------

def table_flowable(table: TableSpec, width: float, *, start: int = 0, count: int | None = None,
                   colour: str = palette.NAVY, long: bool = False):
    """A styled table (header in `colour`, striped rows, numbers right-aligned) of rows [start, start + count)."""
    units = table.units_shown()
    right = [unit in NUMERIC for unit in units]
    texts = layout.page_cells(table)
    texts = texts[start:] if count is None else texts[start:start + count]
    header = [Paragraph(_text(h), STYLES["head_right" if r else "head"]) for h, r in zip(table.headers_shown(), right)]
    body = [[Paragraph(_text(cell), STYLES["cell_right" if r else "cell"]) for cell, r in zip(row, right)]
            for row in texts]
    if not body:
        body = [[Paragraph("None.", STYLES["cell"])] + [""] * (len(header) - 1)]
    grid = (LongTable if long else Table)([header] + body, colWidths=layout.widths(table, width, TABLE_FONT),
                                          repeatRows=1)
    style = [("BACKGROUND", (0, 0), (-1, 0), _colour(colour)), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
             ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]
    style += [("BACKGROUND", (0, r), (-1, r), _colour("#F4F6F9")) for r in range(2, len(body) + 1, 2)]
    grid.setStyle(TableStyle(style))
    grid.hAlign = "LEFT"
    return grid


REST = "; every row is in the workbook"
"""What a capped table's note adds: where the rows left out are (a one-page digest has no workbook)."""


def _table_block(table: TableSpec, width: float, height: float, colour: str, rest: str = REST) -> list:
    """A table's title, the rows that fit in `height`, and a note when rows were left for the workbook."""
    count = layout.rows_that_fit(table, width, height - 34, TABLE_FONT + 1.5) if table.rows else 0
    parts = [Paragraph(_text(table.title), STYLES["table_title"]),
             table_flowable(table, width, count=count, colour=colour)]
    if count < len(table.rows):
        parts.append(Paragraph(f"The first {count} of {len(table.rows)} rows{rest}.", STYLES["small"]))
    return parts


# --- pages ---------------------------------------------------------------------------------------------------------

def _heading(section: Section) -> Table:
    bar = palette.FUNNEL_COLOURS.get(section.role, palette.NAVY)
    heading = Table([["", Paragraph(_text(section.title), STYLES["title"])]], colWidths=[5, CONTENT_WIDTH - 5])
    heading.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, 0), _colour(bar)), ("LEFTPADDING", (1, 0), (1, 0), 10),
                                 ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return heading


def _bullets(words: list[str]) -> list[Paragraph]:
    return [Paragraph(_text(line), STYLES["bullet"], bulletText="•") for line in words]


def _grid(cells: list[list], widths: list[float]) -> Table:
    grid = Table([cells], colWidths=widths)
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 14), ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    return grid


def section_flowables(section: Section, *, height: float = CONTENT_HEIGHT - 44) -> list:
    """One section as flowables laid out like its slide (a table too long for one page continues on the next)."""
    colour = palette.FUNNEL_COLOURS.get(section.role, palette.NAVY)
    story: list = [_heading(section), Spacer(1, 10)]
    if section.layout == "words":
        left, right = CONTENT_WIDTH * 0.54, CONTENT_WIDTH * 0.46
        tables = [part for table in section.tables for part in _table_block(table, right - 14, height, colour)]
        story.append(_grid([_bullets(section.words), tables], [left, right]))
    elif section.layout == "columns":
        count = max(len(section.charts), len(section.tables))
        width = CONTENT_WIDTH / count
        cells = []
        for index in range(count):
            cell = []
            if index < len(section.charts):
                cell += _chart_block(section.charts[index], width - 14, height * 0.58)
                cell.append(Spacer(1, 8))
            if index < len(section.tables):
                table = section.tables[index]
                cell += _table_block(table, width - 14, height * 0.4, palette.FUNNEL_COLOURS.get(table.role, colour))
            cells.append(cell)
        story.append(_grid(cells, [width] * count))
    elif section.layout == "wide":
        words = _bullets(section.words)
        used = sum(line.wrap(CONTENT_WIDTH, height)[1] + line.style.spaceAfter for line in words)
        story += words
        for chart in section.charts[:1]:  # as tall as the page allows (`height` keeps some room in hand)
            story += _chart_block(chart, CONTENT_WIDTH, height - used + 12)
    elif section.layout == "chart_left":
        left, right = CONTENT_WIDTH * 0.5, CONTENT_WIDTH * 0.5
        charts = [part for chart in section.charts
                  for part in _chart_block(chart, left - 14, height / max(len(section.charts), 1))]
        words = _bullets(section.words) if section.words else []
        spaces = layout.shares(section.tables, height - 22 * len(section.words))
        tables = [part for table, space in zip(section.tables, spaces)
                  for part in _table_block(table, right, space - 8, colour)]
        story.append(_grid([charts, words + tables], [left, right]))
    elif section.layout == "grid":
        left, right = CONTENT_WIDTH * 0.36, CONTENT_WIDTH * 0.64
        charts = [part for chart in section.charts for part in _chart_block(chart, left - 14, height * 0.5)]
        # Two tables a row; each row of the grid gets the page's height in proportion to what its taller table
        # needs (title, header, rows and note), so a third row stays on the page and short tables leave room.
        width = right / 2 - 14
        needs = [max(layout.table_height(table, width, TABLE_FONT + 1.5) + 42
                     for table in section.tables[i:i + 2]) for i in range(0, len(section.tables), 2)]
        scale = height / sum(needs) if needs else 1
        cells = [_table_block(table, width, needs[index // 2] * scale - 8, colour, rest="")
                 for index, table in enumerate(section.tables)]
        pairs = [cells[i:i + 2] + [[]] * (2 - len(cells[i:i + 2])) for i in range(0, len(cells), 2)]
        tables = Table(pairs, colWidths=[right / 2] * 2)
        tables.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("RIGHTPADDING", (0, 0), (-1, -1), 14), ("BOTTOMPADDING", (0, 0), (-1, -1), 10)]))
        story.append(_grid([_bullets(section.words) + [Spacer(1, 6)] + charts, [tables]], [left, right]))
    else:
        story += _bullets(section.words)
        for table in section.tables:
            story.append(Paragraph(_text(table.title), STYLES["table_title"]))
            if table.definition:
                story.append(Paragraph(_text(table.definition), STYLES["small"]))
            story += [table_flowable(table, CONTENT_WIDTH, colour=colour, long=True), Spacer(1, 12)]
    return story


def _title_page(pack: BoardPack) -> list:
    state = pack.signoff.state
    badge = palette.GOOD if state == "signed" else palette.MISS if state in ("changed since sign-off", "not verified") else palette.SALES
    bars = Table([["", "", ""]], colWidths=[90, 90, 90], rowHeights=[6])
    bars.setStyle(TableStyle([("BACKGROUND", (i, 0), (i, 0), _colour(palette.FUNNEL_COLOURS[role]))
                              for i, role in enumerate(("awareness", "demand_gen", "sales"))]
                             + [("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    bars.hAlign = "LEFT"
    status = Table([[Paragraph(_text(pack.signoff.label), ParagraphStyle(
        "badge", fontName=BOLD, fontSize=13, leading=16, textColor=colors.white, alignment=1))]], colWidths=[210])
    status.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), _colour(badge)), ("TOPPADDING", (0, 0), (-1, -1), 6),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]))
    status.hAlign = "LEFT"
    facts = [f"Data as of {formats.day(pack.data_as_of)} · generated {formats.moment(pack.generated_at)}",
             f"Data fingerprint {pack.data_fingerprint}"]
    if pack.signoff.ledger_head:
        facts.append(f"Ledger head {pack.signoff.ledger_head}")
    if pack.is_demo:
        facts.append("Demo company: generated data that shows the whole product.")
    big = ParagraphStyle("big", fontName=BOLD, fontSize=34, leading=40, textColor=_colour(palette.INK))
    sub = ParagraphStyle("sub", fontName=FONT, fontSize=20, leading=26, textColor=_colour(palette.MUTED))
    fact = ParagraphStyle("fact", fontName=FONT, fontSize=11, leading=15, textColor=_colour(palette.MUTED))
    return [Spacer(1, 90), bars, Spacer(1, 14), Paragraph("Sales &amp; marketing alignment", big),
            Paragraph(_text(f"Board pack · {pack.quarter}"), sub), Spacer(1, 22), status, Spacer(1, 18),
            *[Paragraph(_text(line), fact) for line in facts]]


def _document(buffer: io.BytesIO, pack: BoardPack) -> BaseDocTemplate:
    def frame_page(canvas, document) -> None:
        canvas.saveState()
        canvas.setStrokeColor(_colour(palette.RULE))
        canvas.setLineWidth(0.75)
        canvas.line(MARGIN, 30, WIDTH - MARGIN, 30)
        canvas.setFont(FONT, 8)
        canvas.setFillColor(_colour(palette.MUTED))
        canvas.drawString(MARGIN, 18, pack.stamp)
        canvas.drawRightString(WIDTH - MARGIN, 18, str(document.page))
        canvas.restoreState()

    document = BaseDocTemplate(buffer, pagesize=(WIDTH, HEIGHT), leftMargin=MARGIN, rightMargin=MARGIN,
                               topMargin=MARGIN - 10, bottomMargin=MARGIN + 4, title=pack.title,
                               author="Sales & marketing alignment", subject=pack.stamp)
    frame = Frame(MARGIN, MARGIN + 4, CONTENT_WIDTH, HEIGHT - 2 * MARGIN + 6, id="content", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    document.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=frame_page)])
    return document


@in_pack_currency
def render(pack: BoardPack, *, title_page: bool = True) -> bytes:
    """The PDF: a title page, then each section from a new page."""
    buffer = io.BytesIO()
    story: list = _title_page(pack) if title_page else []
    for section in pack.sections:
        if story:
            story.append(PageBreak())
        story += section_flowables(section)
    _document(buffer, pack).build(story)
    return buffer.getvalue()


@in_pack_currency
def render_page(pack: BoardPack) -> bytes:
    """A one-page PDF of a pack's single section (the per-rep digest), squeezed to fit rather than continued."""
    buffer = io.BytesIO()
    story = [KeepTogether(section_flowables(section)) for section in pack.sections]
    _document(buffer, pack).build(story)
    return buffer.getvalue()
