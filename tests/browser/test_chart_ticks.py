"""Money axes drawn by plotly in Chromium read as the pages and the exports write money: $40K, $1.2M, $1.5B."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import plotly.offline
import pytest
from playwright.sync_api import Page

from alignment.presentation import formats
from ui import charts

pytestmark = pytest.mark.browser

TOPS = [950, 4_300, 13_000, 27_000, 45_000, 88_000, 210_000, 640_000, 990_000, 1_300_000, 12_300_000, 1_600_000_000]
MONEY = re.compile(r"^\$(0|[1-9]\d{0,2}(,\d{3})*|\d+(\.\d+)?[KMB])$")


def _labels(page: Page, figures: list[go.Figure], sign: str = "$") -> list[list[str]]:
    """Each figure's value-axis money tick labels (those starting with `sign`), as Chromium draws them."""
    divs = "".join(f'<div id="f{i}" style="width:{w}px;height:{h}px"></div>'
                   for i, (w, h) in enumerate([(1400, 420)] * len(figures)))
    page.set_content(f"<html><head><script>{plotly.offline.get_plotlyjs()}</script></head><body>{divs}</body></html>")
    shown = []
    for index, figure in enumerate(figures):
        page.evaluate("([id, spec]) => Plotly.newPlot(id, spec.data, spec.layout)", [f"f{index}", figure.to_plotly_json()])
        labels = page.locator(f"#f{index} .ytick text, #f{index} .xtick text").all_text_contents()
        shown.append([label for label in labels if label.startswith(sign)])
    return shown


def _money_chart(top: float, *, horizontal: bool, height: int) -> go.Figure:
    values = [top / 7, top / 3, top]
    figure = go.Figure(go.Bar(x=values, y=["a", "b", "c"], orientation="h") if horizontal
                       else go.Bar(x=["a", "b", "c"], y=values))
    figure.update_layout(height=height, width=1400 if horizontal else 420)
    charts._value_axis(figure, "currency", axis="x" if horizontal else "y")
    return figure


@pytest.mark.parametrize("horizontal, height", [(False, 900), (True, 300)])
def test_money_ticks_use_capital_thousands_and_billions_at_every_scale(page: Page, horizontal, height):
    figures = [_money_chart(top, horizontal=horizontal, height=height) for top in TOPS]
    for top, labels in zip(TOPS, _labels(page, figures)):
        assert len(labels) >= 3 and all(MONEY.match(label) for label in labels), (top, labels)
    shown = dict(zip(TOPS, _labels(page, figures)))
    assert shown[4_300][:3] == ["$0", "$500", "$1,000"]  # under $10K in full, as the formats write it
    assert shown[45_000][:3] == ["$0", "$5K", "$10K"]  # plotly alone: $5k, $10k
    assert shown[1_600_000_000][-2:] == ["$1.4B", "$1.6B"]  # d3's SI prefix alone: $1.4G, $1.6G


def test_money_ticks_below_zero_read_the_same(page: Page):
    figure = go.Figure(go.Bar(x=["a", "b"], y=[-38_000, 45_000]))
    charts._value_axis(figure, "currency")
    assert _labels(page, [figure]) == [["$−40K", "$−20K", "$0", "$20K", "$40K"]]


def test_money_ticks_carry_the_corporate_currencys_sign(page: Page):
    with formats.in_currency("EUR"):
        figures = [_money_chart(top, horizontal=False, height=900) for top in (45_000, 1_300_000)]
    thousands, millions = _labels(page, figures, sign="€")
    assert thousands[:3] == ["€0", "€5K", "€10K"] and millions[-1].startswith("€") and millions[-1].endswith("M")
