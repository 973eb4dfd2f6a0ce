"""The Awareness and Plan pages run headless (AppTest) on the demo company and show exactly the core's numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alignment import awareness, plan, warehouse
from alignment.catalog import Filters
from alignment.presentation import formats as fmt
from tests.test_awareness import DEMO_END, _xs_warehouse
from ui import filters

ROOT = Path(__file__).resolve().parents[1]
AWARENESS = str(ROOT / "pages" / "review_awareness.py")
PLAN = str(ROOT / "pages" / "review_plan.py")
EARLY_QUARTER = "2024-Q2"  # under a year after the demo's first awareness spend


@pytest.fixture(scope="module")
def demo_db() -> Path:
    return _xs_warehouse()


@pytest.fixture(scope="module")
def reader(demo_db) -> warehouse.Reader:
    opened = warehouse.open_reader(demo_db)
    yield opened
    opened.close()


def _page(path: str, demo_db: Path, monkeypatch, quarter: str = DEMO_END, **state) -> AppTest:
    """A page on its own, as the shell hands it the filter bar's choice."""
    monkeypatch.setenv(warehouse.DB_ENV, str(demo_db))
    at = AppTest.from_file(path, default_timeout=120)
    at.session_state[filters.VIEW_KEY] = Filters(quarter=quarter)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, f"one tile {label!r}, found {[m.label for m in at.metric]}"
    return values[0]


def _texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "info", "warning") for e in getattr(at, kind))


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


# --- Awareness -----------------------------------------------------------------------------------------------------

def test_the_awareness_page_shows_the_estimate_beside_touch_attribution(demo_db, reader, monkeypatch):
    at = _page(AWARENESS, demo_db, monkeypatch)
    result = awareness.for_quarter(reader, DEMO_END)
    credit = awareness.touch_credit(reader, DEMO_END)
    assert _metric(at, "Awareness share (estimate)") == fmt.percent(result.share)
    assert _metric(at, "From awareness (estimate)") == fmt.currency(result.contribution)
    assert _metric(at, "Credited to awareness by touches") == fmt.currency(credit[awareness.ALL_CHANNELS])
    texts = _texts(at)
    assert f"90% interval {fmt.percent(result.share_low)} to {fmt.percent(result.share_high)}" in texts
    # The caveats, in plain words.
    assert "correlation over time, not proof at the level of a touch" in texts
    assert "geo holdout" in texts and "longer history" in texts
    # Beside attribution, week by week, response curves: the first chart carries both sides for every channel.
    charts = _charts(at)
    assert len(charts) == 3
    beside = {trace["name"] for trace in charts[0]["data"]}
    assert beside == {"Credited by touches", "Estimated contribution (90% interval)"}
    table = at.dataframe[0].value
    assert len(table) == len(result.channels)


def test_the_awareness_page_explains_inquiries_too(demo_db, reader, monkeypatch):
    at = _page(AWARENESS, demo_db, monkeypatch, awareness_target="inquiries")
    result = awareness.for_quarter(reader, DEMO_END, target="inquiries")
    assert _metric(at, "From awareness (estimate)") == fmt.count(result.contribution)
    assert "first responded touch was an awareness campaign" in _texts(at)


def test_the_awareness_page_refuses_plainly_with_too_little_history(demo_db, monkeypatch):
    at = _page(AWARENESS, demo_db, monkeypatch, quarter=EARLY_QUARTER)
    assert len(at.warning) == 1
    warning = at.warning[0].value
    assert f"No estimate for {EARLY_QUARTER}" in warning and "Too little history" in warning
    assert not at.metric and not _charts(at)  # no number is shown where there is none
    assert "correlation over time" in _texts(at)  # the caveats stay


# --- Plan ----------------------------------------------------------------------------------------------------------

def test_the_plan_shows_every_campaign_of_the_quarter_and_flags_missing_sponsors(demo_db, reader, monkeypatch):
    at = _page(PLAN, demo_db, monkeypatch)
    expected = plan.campaign_plan(reader, [DEMO_END])
    facts = plan.summary(expected)
    assert facts["without_sponsor"] > 0  # the demo plants campaigns without a sponsor
    assert _metric(at, "Campaigns") == fmt.count(facts["campaigns"])
    assert _metric(at, "No sales sponsor") == fmt.count(facts["without_sponsor"])
    assert _metric(at, f"Cost in {DEMO_END}") == fmt.currency(facts["cost_in_period"])
    assert f"{facts['without_sponsor']} of these campaigns name no sales sponsor" in at.warning[0].value
    gantt = _charts(at)[0]
    bars = [label for trace in gantt["data"] if trace.get("y") and trace["y"][0] is not None for label in trace["y"]]
    assert len(bars) == facts["campaigns"]
    assert sum(label.startswith("⚠ ") for label in bars) == facts["without_sponsor"]
    assert len(at.dataframe[0].value) == facts["campaigns"]


def test_the_plan_filters_to_campaigns_without_a_sponsor(demo_db, reader, monkeypatch):
    at = _page(PLAN, demo_db, monkeypatch, plan_unsponsored=True)
    expected = plan.summary(plan.campaign_plan(reader, [DEMO_END]))["without_sponsor"]
    assert _metric(at, "Campaigns") == fmt.count(expected) == _metric(at, "No sales sponsor")


def test_the_plan_spans_the_chosen_quarters(demo_db, reader, monkeypatch):
    at = _page(PLAN, demo_db, monkeypatch, plan_quarters=("2026-Q2", DEMO_END))
    both = plan.campaign_plan(reader, ["2026-Q2", DEMO_END])
    assert _metric(at, "Campaigns") == fmt.count(len(both))
    assert len(both) > len(plan.campaign_plan(reader, [DEMO_END]))  # the second quarter adds campaigns
    assert _metric(at, "Cost in 2026-Q2 to 2026-Q3") == fmt.currency(plan.summary(both)["cost_in_period"])


# --- the Scorecard's awareness tile --------------------------------------------------------------------------------

def _scorecard_tile_app() -> None:
    from ui import awareness as estimates
    from ui import filters as shell

    estimates.scorecard_tile(shell.current())


def _scorecard_tile(demo_db, monkeypatch, quarter: str) -> tuple[list[str], str]:
    monkeypatch.setenv(warehouse.DB_ENV, str(demo_db))
    at = AppTest.from_function(_scorecard_tile_app, default_timeout=120)
    at.session_state[filters.VIEW_KEY] = Filters(quarter=quarter)
    at.run()
    assert not at.exception, at.exception
    return [m.value for m in at.markdown], "\n".join(c.value for c in at.caption)


def test_the_scorecard_tile_carries_the_estimate_with_its_interval(demo_db, reader, monkeypatch):
    shown, captions = _scorecard_tile(demo_db, monkeypatch, DEMO_END)
    result = awareness.for_quarter(reader, DEMO_END)
    assert shown == [":small[Pipeline from awareness (estimate)]", f"**{fmt.percent(result.share)}**"]
    assert f"90% interval {fmt.percent(result.share_low)} to {fmt.percent(result.share_high)}" in captions


def test_the_scorecard_tile_says_why_there_is_no_estimate(demo_db, reader, monkeypatch):
    with pytest.raises(awareness.NotEstimable, match="Too little history"):
        awareness.for_quarter(reader, EARLY_QUARTER)
    shown, captions = _scorecard_tile(demo_db, monkeypatch, EARLY_QUARTER)
    assert shown == [":small[Pipeline from awareness (estimate)]", f"**{fmt.MISSING}**"]
    assert captions == "No estimate: too little history."
