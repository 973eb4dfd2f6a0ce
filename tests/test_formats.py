"""Each unit's display format, worked out by hand: the same text on every page and in every export."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from alignment.presentation import formats


@pytest.mark.parametrize("unit, value, shown", [
    ("count", 12345.4, "12,345"),
    ("count", 0, "0"),
    ("currency", 950, "$950"),
    ("currency", 12400, "$12,400"),
    ("currency", 99_999, "$99,999"),
    ("currency", 123_400, "$123.4K"),
    ("currency", 12_345_678, "$12.3M"),
    ("currency", 1_250_000_000, "$1.25B"),
    ("currency", -2893, "-$2,893"),
    ("percent", 0.4214, "42.1%"),
    ("ratio", 3.24, "3.2×"),
    ("ratio", 1250, "1,250.0×"),
    ("days", 12.54, "12.5 days"),
    ("days", 365.0, "365 days"),
    ("days", 1.0, "1 day"),
    ("days", 1234.5, "1,234.5 days"),
    ("hours", 5.2, "5.2 h"),
])
def test_each_unit_reads_as_a_board_deck_writes_it(unit, value, shown):
    assert formats.by_unit(value, unit) == shown


@pytest.mark.parametrize("unit", sorted(formats.BY_UNIT))
def test_a_missing_value_shows_a_dash_in_every_unit(unit):
    assert formats.by_unit(None, unit) == formats.by_unit(math.nan, unit) == formats.MISSING


def test_a_change_carries_its_sign_and_percent_changes_read_in_points():
    assert formats.change(129, "count") == "+129"
    assert formats.change(-2893, "currency") == "-$2,893"
    assert formats.change(0.012, "percent") == "+1.2 pts"
    assert formats.change(0, "ratio") == "0.0×"


def test_dates_read_day_month_year():
    assert formats.day(dt.date(2026, 11, 3)) == "3 Nov 2026"
    assert formats.moment(dt.datetime(2026, 11, 23, 6, 48)) == "23 Nov 2026, 06:48 UTC"


@pytest.mark.parametrize("unit", ["count", "ratio", "days", "hours"])
def test_excel_formats_separate_thousands_as_the_screen_does(unit):
    assert formats.excel_format(unit).startswith("#,##0")


@pytest.mark.parametrize("unit, largest, excel", [
    ("currency", 950, '"$"#,##0'),
    ("currency", 45_000, '"$"#,##0,"K"'),
    ("currency", 12_300_000, '"$"#,##0.0,,"M"'),
    ("count", 17_600_000, '#,##0.0,,"M"'),
    ("count", 5000, "#,##0"),
    ("percent", 0.5, "0%"),
    ("ratio", 2.5, '#,##0.0"×"'),
])
def test_chart_axes_scale_money_and_large_counts(unit, largest, excel):
    assert formats.axis_format(unit, largest) == excel


def test_money_is_shown_in_the_corporate_currency_one_style_everywhere():
    # The sign before the number, English grouping and scales: €1.2M, £950, CHF 12,400 (a code when no sign).
    with formats.in_currency("EUR"):
        assert formats.currency(1_234_567) == "€1.2M" and formats.change(-2893, "currency") == "-€2,893"
        assert formats.excel_format("currency") == '"€"#,##0' and formats.axis_format("currency", 45_000) == \
            '"€"#,##0,"K"'
    with formats.in_currency("gbp"):
        assert formats.currency(950) == "£950"
    with formats.in_currency("CHF"):
        assert formats.currency(12_400) == "CHF 12,400"
    assert formats.currency(950) == "$950"  # outside: the default, dollars
    with pytest.raises(ValueError, match="three-letter ISO 4217 code"):
        formats.set_currency("euros")
