"""The pack as an Excel workbook: every table on its own sheet in its units' number formats, native charts."""

from __future__ import annotations

import datetime as dt
import io
import math
import re

import xlsxwriter

from alignment.board.spec import BoardPack, in_pack_currency
from alignment.presentation import formats, palette
from alignment.presentation.specs import Chart, PaceSpec, TableSpec, TimelineSpec, WaterfallSpec

CHART_TYPES = {"column": ("column", None), "bar": ("bar", None), "stacked_bar": ("bar", "stacked"),
               "line": ("line", None)}
HEADER_ROW = 3
"""Row (0-based) of every table's header: title, definition and a blank row above it, the rows below it."""
DATETIME_FORMAT = "d mmm yyyy hh:mm"
DATE_FORMAT = "d mmm yyyy"
CHANGE_FORMATS = {"count": "+#,##0;-#,##0;0", "currency": '+{sign}#,##0;-{sign}#,##0;{sign}0',
                  "percent": '+0.0%" pts";-0.0%" pts";0.0%" pts"', "ratio": '+0.0"×";-0.0"×";0.0"×"',
                  "days": '+0.0" days";-0.0" days";0" days"', "hours": '+0.0" h";-0.0" h";0" h"'}
"""A change in a unit's terms, signed (a share's change reads in points: 0.012 shows as +1.2% pts); {sign} is the
corporate currency's (formats.excel_symbol)."""


class Formats:
    """The workbook's cell formats, made once each (xlsxwriter keeps every format object it is given)."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.cache: dict[tuple, object] = {}
        self.title = book.add_format({"bold": True, "font_size": 14, "font_color": palette.INK})
        self.note = book.add_format({"italic": True, "font_color": palette.MUTED, "text_wrap": False})
        self.label = book.add_format({"bold": True, "font_color": palette.INK})
        self.link = book.add_format({"font_color": palette.NAVY, "underline": 1})

    def header(self, colour: str):
        return self.get(("header", colour), {"bold": True, "font_color": "#FFFFFF", "bg_color": colour,
                                             "text_wrap": True, "valign": "vcenter", "border": 0})

    def cell(self, unit: str | None, wrap: bool = False):
        number = None
        if unit in formats.excel_units():
            number = formats.excel_format(unit)
        elif unit and unit.startswith("change:"):
            number = CHANGE_FORMATS[unit.split(":", 1)[1]].replace("{sign}", formats.excel_symbol())
        elif unit == "date":
            number = DATE_FORMAT
        elif unit == "datetime":
            number = DATETIME_FORMAT
        properties = {"valign": "top"}
        if number:
            properties["num_format"] = number
        if wrap:
            properties["text_wrap"] = True
        return self.get(("cell", unit, wrap), properties)

    def get(self, key: tuple, properties: dict):
        if key not in self.cache:
            self.cache[key] = self.book.add_format(properties)
        return self.cache[key]


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """A unique, legal worksheet name (31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", wanted).strip()[:31] or "Sheet"
    name, number = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name)
    return name


def _cell_value(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def write_table(sheet, table: TableSpec, looks: Formats, *, note: str = "", colour: str = palette.NAVY) -> None:
    """A table at the top of a sheet: title, definition, a frozen header with a filter, typed cells."""
    sheet.write_string(0, 0, table.title, looks.title)
    if table.definition or note:
        sheet.write_string(1, 0, table.definition or note, looks.note)
    for column, spec in enumerate(table.columns):
        sheet.write_string(HEADER_ROW, column, spec.header, looks.header(colour))
    for r, row in enumerate(table.rows):
        for column, value in enumerate(row):
            unit = table.unit_of(r, column)
            wrap = table.columns[column].unit is None and isinstance(value, str) and len(value) > 50
            value = _cell_value(value)
            if value is None:
                sheet.write_blank(HEADER_ROW + 1 + r, column, None, looks.cell(unit))
            elif isinstance(value, bool):
                sheet.write_boolean(HEADER_ROW + 1 + r, column, value, looks.cell(unit))
            elif isinstance(value, (dt.datetime, dt.date)):
                sheet.write_datetime(HEADER_ROW + 1 + r, column, value, looks.cell(unit))
            elif isinstance(value, (int, float)):
                sheet.write_number(HEADER_ROW + 1 + r, column, value, looks.cell(unit))
            else:
                sheet.write_string(HEADER_ROW + 1 + r, column, str(value), looks.cell(unit, wrap))
    for column, spec in enumerate(table.columns):
        texts = [str(row[column]) for row in table.formatted(with_detail=True)]
        longest = max([len(w) for w in spec.header.split()] + [len(t) for t in texts] + [8])
        sheet.set_column(column, column, min(longest + 2, 60))
    sheet.set_row(HEADER_ROW, 30)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    if table.rows:
        sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + len(table.rows), len(table.columns) - 1)


def write_chart(book, sheet, name: str, spec: Chart, looks: Formats) -> None:
    """The chart's numbers as a small table on its sheet, and a native Excel chart drawn from them beside it."""
    if isinstance(spec, TimelineSpec):
        write_timeline(book, sheet, name, spec, looks)
        return
    if isinstance(spec, PaceSpec):
        write_pace(book, sheet, name, spec, looks)
        return
    if isinstance(spec, WaterfallSpec):
        write_waterfall(book, sheet, name, spec, looks)
        return
    sheet.write_string(0, 0, spec.title, looks.title)
    if spec.definition:
        sheet.write_string(1, 0, spec.definition, looks.note)
    sheet.write_blank(HEADER_ROW, 0, None, looks.header(palette.NAVY))
    for column, series in enumerate(spec.series, start=1):
        sheet.write_string(HEADER_ROW, column, series.name, looks.header(palette.NAVY))
    for r, category in enumerate(spec.categories, start=HEADER_ROW + 1):
        sheet.write_string(r, 0, category)
        for column, series in enumerate(spec.series, start=1):
            value = series.values[r - HEADER_ROW - 1]
            if value is None:
                sheet.write_blank(r, column, None, looks.cell(spec.unit))
            else:
                sheet.write_number(r, column, value, looks.cell(spec.unit))
    sheet.set_column(0, 0, max([len(c) for c in spec.categories] + [12]) + 2)
    sheet.set_column(1, len(spec.series), 16)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    kind, subtype = CHART_TYPES[spec.kind]
    chart = book.add_chart({"type": kind, **({"subtype": subtype} if subtype else {})})
    last = HEADER_ROW + max(len(spec.categories), 1)
    for column, series in enumerate(spec.series, start=1):
        drawn = {"name": [name, HEADER_ROW, column], "categories": [name, HEADER_ROW + 1, 0, last, 0],
                 "values": [name, HEADER_ROW + 1, column, last, column]}
        if spec.kind == "line":
            drawn["line"] = {"color": series.colour, "width": 2.25}
            drawn["marker"] = {"type": "circle", "size": 5, "fill": {"color": series.colour},
                               "border": {"color": series.colour}}
        else:
            drawn["fill"] = {"color": series.colour}
            drawn["border"] = {"none": True}
            if series.point_colours:
                drawn["points"] = [{"fill": {"color": c}, "border": {"none": True}} for c in series.point_colours]
            drawn["gap"] = 60
            if spec.kind == "stacked_bar":
                drawn["overlap"] = 100
        if len(spec.series) == 1 and len(spec.categories) <= 12:
            drawn["data_labels"] = {"value": True, "num_format": formats.axis_format(spec.unit, spec.largest)
                                    if spec.unit in ("currency", "count") and spec.largest >= 1e6
                                    else formats.excel_format(spec.unit)}
        chart.add_series(drawn)
    chart.set_title({"name": spec.title, "name_font": {"size": 12, "bold": True}})
    value_axis = {"num_format": formats.axis_format(spec.unit, spec.largest), "min": 0,
                  "major_gridlines": {"visible": True, "line": {"color": palette.RULE}}, "line": {"none": True}}
    if spec.unit == "percent" and spec.largest <= 1:
        value_axis["max"] = 1
    category_axis = {"reverse": True} if kind == "bar" else {}
    # Excel names the axes by position: a bar chart's values run along x.
    chart.set_x_axis(value_axis if kind == "bar" else category_axis)
    chart.set_y_axis(category_axis if kind == "bar" else value_axis)
    chart.set_legend({"position": "bottom"} if len(spec.series) > 1 else {"none": True})
    chart.set_size({"width": 720, "height": 400})
    sheet.insert_chart(HEADER_ROW, len(spec.series) + 2, chart)


def _numbers(sheet, column: int, values: list, first_row: int, look) -> None:
    for row, value in enumerate(values, start=first_row):
        if value is None:
            sheet.write_blank(row, column, None, look)
        else:
            sheet.write_number(row, column, value, look)


def _chart_header(sheet, spec, headers: list[str], looks: Formats) -> None:
    sheet.write_string(0, 0, spec.title, looks.title)
    if spec.definition:
        sheet.write_string(1, 0, spec.definition, looks.note)
    for column, header in enumerate(headers):
        sheet.write_string(HEADER_ROW, column, header, looks.header(palette.NAVY))
    sheet.set_row(HEADER_ROW, 30)
    sheet.freeze_panes(HEADER_ROW + 1, 1)


PACE_HEADERS = ["Week", "To the end of", "Actual", "Expected", "On-track band, low", "On-track band, high"]


def write_pace(book, sheet, name: str, spec: PaceSpec, looks: Formats) -> None:
    """The weekly line's points on its sheet (empty after the as-of day) and a native line chart beside them: actual,
    the expected curve × target dashed, the on-track band's edges dotted."""
    _chart_header(sheet, spec, PACE_HEADERS, looks)
    first = HEADER_ROW + 1
    for row, (week, day) in enumerate(zip(spec.weeks, spec.days), start=first):
        sheet.write_string(row, 0, week)
        sheet.write_datetime(row, 1, day - dt.timedelta(days=1), looks.cell("date"))
    for column, values in enumerate((spec.actual, spec.expected, spec.low, spec.high), start=2):
        _numbers(sheet, column, values, first, looks.cell(spec.unit))
    sheet.set_column(0, 0, max([len(week) for week in spec.weeks] + [10]) + 2)
    sheet.set_column(1, 5, 16)
    last = HEADER_ROW + len(spec.weeks)
    chart = book.add_chart({"type": "line"})
    lines = [(2, palette.NAVY, 2.5, None), (3, palette.NEUTRAL, 2, "dash")]
    if spec.has_curve:
        lines += [(4, palette.AXIS, 1, "round_dot"), (5, palette.AXIS, 1, "round_dot")]
    for column, colour, width, dash in lines if spec.has_curve else lines[:1]:
        line = {"color": colour, "width": width, **({"dash_type": dash} if dash else {})}
        chart.add_series({"name": [name, HEADER_ROW, column], "categories": [name, first, 0, last, 0],
                          "values": [name, first, column, last, column], "line": line,
                          "marker": {"type": "circle", "size": 5, "fill": {"color": colour},
                                     "border": {"color": colour}} if column == 2 else {"type": "none"}})
    chart.set_title({"name": f"{spec.title} · {spec.as_of_label}", "name_font": {"size": 12, "bold": True}})
    chart.set_y_axis({"num_format": formats.axis_format(spec.unit, spec.largest), "min": 0,
                      "major_gridlines": {"visible": True, "line": {"color": palette.RULE}}, "line": {"none": True}})
    chart.set_legend({"position": "bottom"})
    chart.show_blanks_as("gap")
    chart.set_size({"width": 760, "height": 420})
    sheet.insert_chart(HEADER_ROW, len(PACE_HEADERS) + 1, chart)


WATERFALL_HEADERS = ["Step", "Amount", "What", "Bar base", "Total", "Adds", "Takes away"]
"""The waterfall sheet's columns: the steps as described, then the four the chart stacks (an invisible base under
each bar, WaterfallSpec.bars)."""


def write_waterfall(book, sheet, name: str, spec: WaterfallSpec, looks: Formats) -> None:
    """The waterfall's steps on its sheet and a native stacked column chart beside them: an invisible base under
    each bar, totals in navy, steps up in green and down in red, each labelled with its value."""
    _chart_header(sheet, spec, WATERFALL_HEADERS, looks)
    first = HEADER_ROW + 1
    bars = spec.bars()
    unit = looks.cell(spec.unit)
    for row, step in enumerate(spec.steps, start=first):
        sheet.write_string(row, 0, step.label)
        sheet.write_number(row, 1, step.value, unit)
        sheet.write_string(row, 2, step.detail)
    _numbers(sheet, 3, [bottom for bottom, _, _ in bars], first, unit)
    for column, kind in enumerate(palette.WALK_BARS, start=4):
        _numbers(sheet, column, [height if drawn == kind else None for _, height, drawn in bars], first, unit)
    sheet.set_column(0, 0, max([len(step.label) for step in spec.steps] + [12]) + 2)
    sheet.set_column(1, 6, 15)
    last = HEADER_ROW + len(spec.steps)
    chart = book.add_chart({"type": "column", "subtype": "stacked"})
    categories = [name, first, 0, last, 0]
    chart.add_series({"name": [name, HEADER_ROW, 3], "categories": categories, "values": [name, first, 3, last, 3],
                      "fill": {"none": True}, "border": {"none": True}})
    for column, (kind, colour) in enumerate(palette.WALK_BARS.items(), start=4):
        chart.add_series({
            "name": [name, HEADER_ROW, column], "categories": categories, "values": [name, first, column, last, column],
            "fill": {"color": colour}, "border": {"none": True}, "gap": 50, "overlap": 100,
            "data_labels": {"value": True, "position": "inside_end" if kind == "total" else "center",
                            "custom": [{"value": spec.label(index)} if drawn == kind else {"delete": True}
                                       for index, (_, _, drawn) in enumerate(bars)]}})
    chart.set_title({"name": spec.title, "name_font": {"size": 12, "bold": True}})
    chart.set_y_axis({"num_format": formats.axis_format(spec.unit, max(b + h for b, h, _ in bars)), "min": 0,
                      "major_gridlines": {"visible": True, "line": {"color": palette.RULE}}, "line": {"none": True}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 760, "height": 420})
    sheet.insert_chart(last + 2, 0, chart)


TIMELINE_HEADERS = ["Campaign", "First day", "Last day", "Days", "Funnel role", "Has a sales sponsor", "Sales sponsor",
                    "Status", "Channel", "Budget", "Actual cost", "Bar starts", "Bar days"]
"""The timeline sheet's columns: the rows as described, then the two the chart stacks (its first day and length
inside the period)."""


def write_timeline(book, sheet, name: str, spec: TimelineSpec, looks: Formats) -> None:
    """The timeline's rows on its sheet and a native stacked bar chart beside them: an invisible first series (each
    bar's first day inside the period) under a visible second (its days), on a date axis over the period."""
    sheet.write_string(0, 0, spec.title, looks.title)
    if spec.definition:
        sheet.write_string(1, 0, spec.definition, looks.note)
    for column, header in enumerate(TIMELINE_HEADERS):
        sheet.write_string(HEADER_ROW, column, header, looks.header(palette.NAVY))
    date, currency, count = looks.cell("date"), looks.cell("currency"), looks.cell("count")
    for r, row in enumerate(spec.rows, start=HEADER_ROW + 1):
        offset, length = spec.span(row)
        sheet.write_string(r, 0, row.shown_label)
        sheet.write_datetime(r, 1, row.start, date)
        sheet.write_datetime(r, 2, row.end, date)
        sheet.write_number(r, 3, (row.end - row.start).days + 1, count)
        sheet.write_string(r, 4, palette.FUNNEL_LABELS.get(row.role, row.role))
        sheet.write_boolean(r, 5, row.has_sales_sponsor)
        sheet.write_string(r, 6, row.sales_sponsor or "")
        sheet.write_string(r, 7, row.status or "")
        sheet.write_string(r, 8, row.channel.replace("_", " "))
        for column, amount in ((9, row.budget), (10, row.actual_cost)):
            if amount is None:
                sheet.write_blank(r, column, None, currency)
            else:
                sheet.write_number(r, column, amount, currency)
        sheet.write_datetime(r, 11, spec.period_start + dt.timedelta(days=offset), date)
        sheet.write_number(r, 12, length, count)
    sheet.set_column(0, 0, min(max([len(label) for label in spec.labels] + [12]) + 2, 60))
    sheet.set_column(1, 2, 12)
    sheet.set_column(3, 3, 7)
    sheet.set_column(4, 10, 14)
    sheet.set_column(11, 12, 11)
    sheet.set_row(HEADER_ROW, 30)
    sheet.freeze_panes(HEADER_ROW + 1, 1)
    chart = book.add_chart({"type": "bar", "subtype": "stacked"})
    last = HEADER_ROW + max(len(spec.rows), 1)
    categories = [name, HEADER_ROW + 1, 0, last, 0]
    chart.add_series({"name": "Bar starts", "categories": categories, "values": [name, HEADER_ROW + 1, 11, last, 11],
                      "fill": {"none": True}, "border": {"none": True}})
    chart.add_series({
        "name": "Bar days", "categories": categories, "values": [name, HEADER_ROW + 1, 12, last, 12], "gap": 35,
        "overlap": 100, "fill": {"color": palette.NEUTRAL}, "border": {"none": True},
        "points": [{"fill": {"color": row.colour},
                    "border": {"none": True} if row.has_sales_sponsor else {"color": palette.MISS, "width": 2}}
                   for row in spec.rows]})
    chart.set_title({"name": spec.title, "name_font": {"size": 12, "bold": True}})
    epoch = dt.date(1899, 12, 30)  # Excel's day 0
    chart.set_x_axis({"min": (spec.period_start - epoch).days, "max": (spec.period_end - epoch).days,
                      "major_unit": 7 if spec.days <= 100 else 14 if spec.days <= 200 else 28,
                      "num_format": "d mmm", "major_gridlines": {"visible": True, "line": {"color": palette.RULE}},
                      "line": {"none": True}})
    chart.set_y_axis({"reverse": True, "num_font": {"size": 9}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 980, "height": max(300, 22 * len(spec.rows) + 110)})
    keys = [(palette.FUNNEL_LABELS.get(role, role), {"bg_color": palette.FUNNEL_COLOURS[role], "bold": True,
                                                     "font_color": palette.ink(palette.FUNNEL_COLOURS[role])})
            for role in spec.roles]
    if spec.without_sponsor:
        keys.append(("⚠ No sales sponsor (outlined in red)", {"border": 2, "border_color": palette.MISS, "bold": True}))
    for offset, (label, look) in enumerate(keys):
        sheet.write_string(last + 2 + offset, 0, label, looks.get(("key", label), look))
    sheet.insert_chart(last + 3 + len(keys), 0, chart)


def _cover(sheet, pack: BoardPack, looks: Formats, contents: list[tuple[str, str]]) -> None:
    sheet.write_string(0, 0, pack.title, looks.title)
    facts = [("Quarter", pack.quarter), ("Sign-off", pack.signoff.label),
             ("Data as of", formats.day(pack.data_as_of)), ("Generated", formats.moment(pack.generated_at)),
             ("Data fingerprint", pack.data_fingerprint)]
    if pack.signoff.ledger_head:
        facts.append(("Ledger head", pack.signoff.ledger_head))
    if pack.is_demo:
        facts.append(("Data", "Demo company: generated data that shows the whole product"))
    for row, (label, value) in enumerate(facts, start=2):
        sheet.write_string(row, 0, label, looks.label)
        sheet.write_string(row, 1, value)
    start = len(facts) + 3
    sheet.write_string(start, 0, "Sheets", looks.label)
    for row, (name, what) in enumerate(contents, start=start + 1):
        sheet.write_url(row, 0, f"internal:'{name}'!A1", looks.link, string=name)
        sheet.write_string(row, 1, what)
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 90)


@in_pack_currency
def render(pack: BoardPack) -> bytes:
    """The workbook: a contents sheet, then per section its tables and charts, each on a sheet of its own."""
    buffer = io.BytesIO()
    # Text is written as text even where a write() slips in: never a formula, a link or a number read from it.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "default_date_format": DATE_FORMAT,
                                        "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    book.set_properties({"title": pack.title, "subject": pack.stamp, "comments": pack.data_fingerprint})
    looks = Formats(book)
    cover = book.add_worksheet("Contents")
    taken = {"Contents"}
    contents: list[tuple[str, str]] = []
    for section in pack.sections:
        colour = palette.FUNNEL_COLOURS.get(section.role, palette.NAVY)
        for index, table in enumerate(section.tables):
            name = _sheet_name(table.sheet, taken)
            note = " ".join(section.words) if index == 0 and not table.definition else ""
            write_table(book.add_worksheet(name), table, looks, note=note,
                        colour=palette.FUNNEL_COLOURS.get(table.role, colour))
            contents.append((name, f"{section.title}: {table.title}"))
        for chart in section.charts:
            name = _sheet_name(chart.sheet or chart.title, taken)
            write_chart(book, book.add_worksheet(name), name, chart, looks)
            contents.append((name, f"{section.title}: chart, {chart.title}"))
    _cover(cover, pack, looks, contents)
    book.close()
    return buffer.getvalue()

