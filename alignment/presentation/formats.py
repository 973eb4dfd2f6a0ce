"""One display format per unit (DESIGN §5 units), so a number reads the same on every page and every export."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import math
from typing import Iterator

from alignment import currency as currencies

MISSING = "—"

# Amounts are shown in the warehouse's corporate currency, one style everywhere: its sign before the number, English
# digit grouping and compact scales ($1.2M, €1.2M, £950, CHF 1.2M). A page or an export says which warehouse it shows
# (in_currency); the value is per thread of work, so two sessions on two warehouses never mix their signs.
_CORPORATE = contextvars.ContextVar("corporate_currency", default=currencies.CurrencySettings().corporate)


def corporate() -> str:
    """The ISO code of the currency amounts are shown in now."""
    return _CORPORATE.get()


def set_currency(code: str) -> None:
    """Show amounts in `code` from now on, in this thread of work (a page run sets its warehouse's at its start)."""
    _CORPORATE.set(currencies.CurrencySettings(corporate=code).corporate)


@contextlib.contextmanager
def in_currency(code: str) -> Iterator[None]:
    """Show amounts in `code` inside the block (an export of a given warehouse)."""
    token = _CORPORATE.set(currencies.CurrencySettings(corporate=code).corporate)
    try:
        yield
    finally:
        _CORPORATE.reset(token)


def symbol() -> str:
    """The sign written before an amount now: $, €, £ … or the currency's code and a space."""
    return currencies.symbol(corporate())


def excel_symbol() -> str:
    """The sign as an Excel / PowerPoint number format writes literal text: in double quotes."""
    return '"' + symbol().replace('"', "") + '"'


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def count(value) -> str:
    """12,345"""
    return MISSING if _missing(value) else f"{round(value):,}"


def currency(value, symbol: str | None = None) -> str:
    """$950 · $12,400 · $123.4K · $12.3M · $1.25B (compact above 100 thousand, as board decks write it), in the
    corporate currency's sign (€12.3M, £950) unless `symbol` is given."""
    if _missing(value):
        return MISSING
    symbol = globals()["symbol"]() if symbol is None else symbol
    sign, size = ("-" if value < 0 else ""), abs(value)
    if size >= 1e9:
        return f"{sign}{symbol}{size / 1e9:,.2f}B"
    if size >= 1e6:
        return f"{sign}{symbol}{size / 1e6:,.1f}M"
    if size >= 1e5:
        return f"{sign}{symbol}{size / 1e3:,.1f}K"
    return f"{sign}{symbol}{size:,.0f}"


def percent(share) -> str:
    """A share between 0 and 1 as 42.1%."""
    return MISSING if _missing(share) else f"{share * 100:.1f}%"


def ratio(value) -> str:
    """3.2× · 1,250.0×"""
    return MISSING if _missing(value) else f"{value:,.1f}×"


def _one_decimal(value: float) -> str:
    """12.5, and 365 rather than 365.0."""
    text = f"{value:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def days(value) -> str:
    """12.5 days · 365 days · 1 day"""
    if _missing(value):
        return MISSING
    return "1 day" if round(value, 1) == 1 else f"{_one_decimal(value)} days"


def hours(value) -> str:
    """5.2 h · 24 h"""
    return MISSING if _missing(value) else f"{_one_decimal(value)} h"


def moment(value: dt.datetime | None) -> str:
    """23 Nov 2026, 06:48 UTC (the warehouse stores UTC)."""
    return MISSING if value is None else value.strftime("%-d %b %Y, %H:%M UTC")


def quarter_label(quarter: str, to_date: dt.date | None = None) -> str:
    """2026-Q3, or a quarter under way with the day its value runs to, "2026-Q4 to 9 Nov", so its short bar beside
    finished quarters does not read as a quarter that collapsed."""
    return str(quarter) if to_date is None else f"{quarter} to {to_date:%-d %b}"


def trend_days(comparison) -> list[dt.date | None]:
    """The day each of a catalog comparison's eight quarters runs to: its as-of day for the quarter under way, None
    for a quarter in full."""
    return [comparison.to_date if point.quarter == comparison.quarter else None for point in comparison.trend]


def trend_labels(comparison) -> list[str]:
    """A catalog comparison's eight quarters as a trend chart or table labels them (quarter_label)."""
    return [quarter_label(point.quarter, day) for point, day in zip(comparison.trend, trend_days(comparison))]


def day(value: dt.date | dt.datetime | None) -> str:
    """23 Nov 2026"""
    return MISSING if value is None else value.strftime("%-d %b %Y")


BY_UNIT = {"count": count, "currency": currency, "percent": percent, "ratio": ratio, "days": days, "hours": hours}
"""The catalog's unit names → their format."""


def by_unit(value, unit: str) -> str:
    return BY_UNIT[unit](value)


def change(difference, unit: str) -> str:
    """A signed difference in the metric's unit: +129 · -$2,893 · +1.2 pts (percent metrics change in points)."""
    if _missing(difference):
        return MISSING
    sign = "+" if difference > 0 else ""
    if unit == "percent":
        return f"{sign}{difference * 100:.1f} pts"
    return sign + BY_UNIT[unit](difference)


_EXCEL_FORMATS = {"count": "#,##0", "percent": "0.0%", "ratio": '#,##0.0"×"', "days": '#,##0.0" days"',
                  "hours": '#,##0.0" h"'}


def excel_format(unit: str) -> str:
    """A unit as an Excel / PowerPoint number format, so exported cells stay numbers and still read as above: money
    in the corporate currency ('"€"#,##0')."""
    return excel_symbol() + "#,##0" if unit == "currency" else _EXCEL_FORMATS[unit]


def excel_units() -> tuple[str, ...]:
    """The units that have an Excel / PowerPoint number format."""
    return ("currency", *_EXCEL_FORMATS)



def axis_format(unit: str, largest: float | None = None) -> str:
    """A chart value axis's Excel / PowerPoint format: money compact to the scale of the largest value ($12.3M,
    $450K), whole percentages, counts with thousands separators."""
    if unit == "currency":
        size = abs(largest or 0)
        sign = excel_symbol()
        return sign + '#,##0.0,,"M"' if size >= 1e6 else sign + '#,##0,"K"' if size >= 1e4 else sign + "#,##0"
    if unit == "count" and abs(largest or 0) >= 1e6:
        return '#,##0.0,,"M"'
    return {"percent": "0%", "ratio": '#,##0.0"×"'}.get(unit, "#,##0")


def compact(value, unit: str) -> str:
    """A chart label: the unit's format, with counts of a million and more shortened (17.6M)."""
    if unit == "count" and not _missing(value) and abs(value) >= 1e6:
        return f"{value / 1e6:,.1f}M"
    return BY_UNIT[unit](value)
