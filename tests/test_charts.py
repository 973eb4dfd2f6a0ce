"""The pure chart builders (ui.charts) and the change format the tiles use: a few rows in, the exact figure out."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from alignment.catalog import Comparison, TrendPoint
from alignment.presentation import formats as fmt
from alignment.presentation import palette
from ui import charts


def test_a_change_is_signed_and_in_the_metric_unit():
    assert [fmt.change(129, "count"), fmt.change(-2893, "currency"), fmt.change(0.012, "percent"),
            fmt.change(-1.5, "hours"), fmt.change(0, "count"), fmt.change(None, "days")] == \
        ["+129", "-$2,893", "+1.2 pts", "-1.5 h", "0", "—"]


def test_the_waterfall_labels_each_stage_with_the_catalogs_ratio_and_colours_it_by_role():
    frame = pd.DataFrame({"stage_order": [2, 1], "stage": ["mql", "inquiry"], "people": [40, 100],
                          "ratio": [0.4, None], "ratio_label": ["flow ratio", None],
                          "velocity_days": [2.5, None], "value": [None, None]})
    bars = charts.waterfall(frame).data[0]
    assert list(bars.y) == [100, 40]  # in stage order, whatever the frame's order
    assert bars.x[1] == "<b>MQLs</b><br>flow ratio 40.0%"
    assert list(bars.marker.color) == [palette.DEMAND_GEN, palette.DEMAND_GEN]


def test_ranked_bars_keep_the_largest_then_sort_largest_on_top():
    frame = pd.DataFrame({"name": ["a", "b", "c", "d"], "share": [0.5, 0.1, 0.9, 0.3], "mqls": [10, 400, 5, 300]})
    bars = charts.ranked_bars(frame, label="name", value="share", unit="percent", x_title="Share", limit=3,
                              keep_largest="mqls").data[0]
    # The three with the most MQLs (b, d, a), drawn bottom to top by share: the largest share ends on top.
    assert list(bars.y) == ["b", "d", "a"] and list(bars.text) == ["10.0%", "30.0%", "50.0%"]


def test_bands_meeting_the_sla_are_amber_and_never_is_red():
    frame = pd.DataFrame({"band": ["never", "up to 1 h", "24 to 72 h"], "band_order": [6, 1, 4],
                          "people": [5, 10, 3], "share": [0.28, 0.55, 0.17], "within_sla": [0, 10, 0]})
    assert charts.band_colours(frame) == {"up to 1 h": charts.WITHIN[0], "24 to 72 h": charts.BEYOND[0],
                                          "never": palette.MISS}


@pytest.mark.parametrize("builder", [
    lambda f: charts.waterfall(f), lambda f: charts.waterfall_small_multiples(f),
    lambda f: charts.ranked_bars(f, label="x", value="y", unit="count", x_title="Y"),
    lambda f: charts.band_bars(f),
])
def test_an_empty_frame_gives_a_chart_that_says_no_data(builder):
    figure = builder(pd.DataFrame())
    assert figure.layout.annotations[0].text == "No data for this quarter"


def test_categories_read_as_people_write_them():
    assert [charts.category_label("channel", c) for c in ("paid_search", "paid search", "tv", "social_organic",
                                                           "(none)")] == \
        ["Paid search", "Paid search", "TV", "Social organic", "No campaign touch"]
    assert [charts.category_label("region", "(none)"), charts.category_label("source_category", "partner_referral"),
            charts.category_label("segment", "SMB")] == ["No region", "partner referral", "SMB"]


def test_bars_and_small_multiples_name_channels_with_their_labels():
    frame = pd.DataFrame({"channel": ["paid_search", "pr", "email"], "pipeline_roi": [3.0, 1.5, 12.0]})
    bars = charts.ranked_bars(frame, label="channel", value="pipeline_roi", unit="ratio", x_title="ROI").data[0]
    assert list(bars.y) == ["PR", "Paid search", "Email"]  # sorted: the largest on top
    waterfall = pd.DataFrame({"split_value": ["paid social", "(none)"], "stage_order": [1, 1],
                              "stage": ["inquiry", "inquiry"], "people": [10, 30], "ratio": [None, None],
                              "ratio_label": [None, None], "velocity_days": [None, None], "value": [None, None]})
    panels = charts.waterfall_small_multiples(waterfall, dimension="channel")
    assert [a.text for a in panels.layout.annotations] == ["No campaign touch", "Paid social"]  # largest first


def test_ratio_ticks_drop_needless_decimals_and_group_thousands():
    assert charts.AXIS_FORMATS["ratio"] == {"tickformat": ",.1~f", "ticksuffix": "×"}


def _comparison(name: str, values: list[float], to_date):
    quarters = ["2026-Q2", "2026-Q3", "2026-Q4"]
    return Comparison(name=name, title=name, unit="currency", direction="up", quarter=quarters[-1], value=values[-1],
                      target=None, last_quarter=values[-2], same_quarter_last_year=None, change_vs_last_quarter=None,
                      change_vs_last_year=None, to_date=to_date,
                      trend=[TrendPoint(quarter=q, value=v) for q, v in zip(quarters, values)])


def test_a_quarter_under_way_says_the_day_it_runs_to_under_its_bar_and_in_its_hover():
    frame = charts.trend_frame([_comparison("pipeline", [60.0, 70.0, 8.0], dt.date(2026, 11, 9)),
                                _comparison("sourced", [30.0, 35.0, 5.0], dt.date(2026, 11, 9))])
    figure = charts.trend_bars(frame, unit="currency", colours={}, y_title="Pipeline")
    assert list(figure.layout.xaxis.ticktext) == ["2026<br>Q2", "2026<br>Q3", "2026<br>Q4<br>to 9 Nov"]
    assert list(figure.data[0].text) == ["1 Apr – 30 Jun 2026", "1 Jul – 30 Sep 2026",
                                         "1 Oct – 31 Dec 2026, to 9 Nov 2026"]
    finished = charts.trend_frame([_comparison("pipeline", [60.0, 70.0, 75.0], None)])
    lines = charts.trend_lines(finished, unit="currency", colours={}, y_title="Pipeline")
    assert list(lines.layout.xaxis.ticktext) == ["2026<br>Q2", "2026<br>Q3", "2026<br>Q4"]
    assert "to" not in lines.data[0].text[-1]
