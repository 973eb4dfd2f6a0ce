"""The four review pages run headless (AppTest) on the demo company and show exactly the catalog's numbers."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from alignment import catalog, warehouse
from alignment.catalog import Filters
from alignment.presentation import formats as fmt
from ui import charts, context
from tests.conftest import sign_in

APP = str(Path(__file__).resolve().parents[1] / "app.py")
END_QUARTER = "2026-Q3"
EMPTY_QUARTER = "2019-Q1"  # years before the demo company's first record

SCORECARD = "pages/review_scorecard.py"
FUNNEL = "pages/review_funnel.py"
PIPELINE = "pages/review_pipeline.py"
LEADS = "pages/review_leads.py"


@pytest.fixture
def app(demo_db, monkeypatch) -> AppTest:
    monkeypatch.setenv(warehouse.DB_ENV, str(demo_db))
    return sign_in(AppTest.from_file(APP, default_timeout=90))


def _open(app: AppTest, page: str, **query) -> AppTest:
    app.query_params.update(query)
    at = app.run()
    if page != SCORECARD:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "subheader", "info", "text")
                     for e in getattr(at, kind))


def _tile(at: AppTest, title: str) -> str:
    values = [m.value for m in at.metric if m.label == title]
    assert len(values) == 1, f"one tile titled {title!r}, found {[m.label for m in at.metric]}"
    return values[0]


def _in_order(node):
    """Every element under `node`, in the order the page draws them."""
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _in_order(child)


def _scorecard_tile(at: AppTest, title: str) -> tuple[str, str]:
    """A Scorecard tile's actual as shown (the bold line beside its title, which is its link into Explore) and its
    title's hover."""
    elements = list(_in_order(at.main))
    found = [i for i, e in enumerate(elements) if getattr(e, "type", "") == "page_link" and e.proto.label == title]
    assert len(found) == 1, f"one Scorecard tile titled {title!r}"
    value = next(e for e in elements[found[0]:] if getattr(e, "type", "") == "markdown")
    return value.value.strip("*"), elements[found[0]].proto.help


def _table(at: AppTest, column: str):
    """The first table on the page with this column (AppTest does not expose a dataframe's key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _data(values) -> list:
    """A trace's values, decoding plotly's typed-array form ({"dtype", "bdata"})."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def _shown(reader, name: str, **filters) -> str:
    """A headline metric as a tile shows it: the catalog's value in its unit's format."""
    return fmt.BY_UNIT[catalog.spec(name).unit](catalog.value(reader, name, Filters(quarter=END_QUARTER, **filters)))


# Metric names the review pages pass to the cached catalog calls and the definition hovers.
NAMED_METRIC = re.compile(r"""(?:numbers\.(?:rows|value)|tiles\.definition)\(\s*["']([a-z_0-9]+)["']""")


def test_every_metric_name_on_the_review_pages_exists():
    root = Path(APP).parent
    used = {name for page in (SCORECARD, FUNNEL, PIPELINE, LEADS)
            for name in NAMED_METRIC.findall((root / page).read_text(encoding="utf-8"))}
    assert used and sorted(used - set(catalog.load_catalog())) == []


# --- Scorecard -----------------------------------------------------------------------------------------------------

def test_the_scorecard_sets_awareness_demand_gen_and_sales_side_by_side(app, reader):
    at = _open(app, SCORECARD)
    roles = "\n".join(str(h.value) for h in at.get("html"))
    for role in ("Awareness", "Demand generation", "Sales"):
        assert role in roles
    for name in ("mqls", "pipeline", "awareness_spend", "acceptance_rate", "lead_quality", "bookings"):
        assert _scorecard_tile(at, catalog.spec(name).title)[0] == _shown(reader, name), name
    texts = _texts(at)
    # Each marketing tile names the sales number it feeds, with that number.
    assert f"Feeds **SALs**: {_shown(reader, 'sals')}" in texts
    assert f"Feeds **Pipeline**: {_shown(reader, 'pipeline')}" in texts
    # Both changes on one line, named by their quarters, explained one hover away; the target where one exists.
    mqls = catalog.compare(reader, "mqls", {"quarter": END_QUARTER})
    assert (f":green[{fmt.change(mqls.change_vs_last_quarter, 'count')}] vs 2026-Q2 · "
            f":green[{fmt.change(mqls.change_vs_last_year, 'count')}] vs 2025-Q3") in texts
    assert any("vs same quarter last year (2025-Q3)" in (c.proto.help or "") for c in at.caption)
    assert "Target 90.0%" in texts
    assert ":gray-badge[:material/edit_note: Draft]" in texts  # the sign-off status: nobody has signed yet
    # The definition is one hover away; every tile carries its 8-quarter sparkline.
    assert catalog.spec("mqls").definition in _scorecard_tile(at, "MQLs")[1]
    assert len(at.get("vega_lite_chart")) == 15


def test_the_scorecard_follows_the_region_filter(app, reader):
    at = _open(app, SCORECARD)
    everywhere = _scorecard_tile(at, "MQLs")[0]
    at.selectbox(key="filter_region").set_value("EMEA").run()
    assert not at.exception
    assert _scorecard_tile(at, "MQLs")[0] == _shown(reader, "mqls", region="EMEA") != everywhere


def test_the_scorecard_lists_every_catalog_metric_on_request(app, reader):
    at = _open(app, SCORECARD)
    at.toggle(key="scorecard_all").set_value(True).run()
    assert not at.exception
    table = at.dataframe[-1].value  # after the charter's targets vs actuals
    assert len(table) == len(catalog.headline_metrics())
    assert table.set_index("Metric").loc["Bookings", "Actual"] == _shown(reader, "bookings")


# --- Funnel --------------------------------------------------------------------------------------------------------

def test_the_funnel_shows_the_period_waterfall_and_its_four_measures(app, reader):
    at = _open(app, FUNNEL)
    assert "Waterfall, period view" in [s.value for s in at.subheader]
    assert "back-filled" in _texts(at)  # the stage policy in force is named
    expected = catalog.funnel(reader, Filters(quarter=END_QUARTER), "period").set_index("stage")
    table = _table(at, "Volume (people)").set_index("Stage")
    assert list(table.columns) == ["Volume (people)", "Flow ratio", "Velocity (median days from the stage before)",
                                   "Value"]
    assert table.loc["MQLs", "Volume (people)"] == fmt.count(expected.loc["mql", "people"])
    assert table.loc["SQLs", "Flow ratio"] == fmt.percent(expected.loc["sql", "ratio"])
    assert table.loc["Won", "Value"] == fmt.currency(expected.loc["won", "value"])
    bars = _charts(at)[0]["data"][0]
    assert _data(bars["y"]) == list(expected["people"])
    assert "flow ratio" in bars["x"][1]


def test_the_funnel_switches_to_the_cohort_view(app, reader):
    at = _open(app, FUNNEL)
    at.segmented_control(key="funnel_view").set_value("cohort").run()
    assert not at.exception
    assert "Waterfall, cohort view" in [s.value for s in at.subheader]
    expected = catalog.funnel(reader, Filters(quarter=END_QUARTER), "cohort").set_index("stage")
    table = _table(at, "Volume (people)").set_index("Stage")
    assert "Conversion" in table.columns and "Flow ratio" not in table.columns
    assert table.loc["SALs", "Conversion"] == fmt.percent(expected.loc["sal", "ratio"])
    assert "conversion" in _charts(at)[0]["data"][0]["x"][1]


def test_the_funnel_splits_into_small_multiples(app, reader):
    at = _open(app, FUNNEL)
    at.segmented_control(key="funnel_split").set_value("source_category").run()
    assert not at.exception
    assert "By source category" in [s.value for s in at.subheader]
    split = catalog.funnel(reader, Filters(quarter=END_QUARTER, split="source_category"), "period")
    small_multiples = _charts(at)[1]
    assert len(small_multiples["data"]) == split["split_value"].nunique()
    table = _table(at, "Source category")
    assert set(table["Source category"]) == set(split["split_value"].str.replace("_", " "))


def test_the_funnel_split_by_channel_names_each_channel_as_people_write_it(app, reader):
    at = _open(app, FUNNEL)
    at.segmented_control(key="funnel_split").set_value("channel").run()
    assert not at.exception
    panels = [a["text"] for a in _charts(at)[1]["layout"]["annotations"]]
    split = catalog.funnel(reader, Filters(quarter=END_QUARTER, split="channel"), "period")
    assert sorted(panels) == sorted(charts.category_label("channel", v) for v in split["split_value"].unique())
    assert "Paid search" in panels and "No campaign touch" in panels and not any("_" in p for p in panels)
    assert "Paid search" in set(_table(at, "Channel")["Channel"])


def test_the_funnel_follows_the_segment_filter(app, reader):
    at = _open(app, FUNNEL)
    at.selectbox(key="filter_segment").set_value("SMB").run()
    assert not at.exception
    expected = catalog.funnel(reader, Filters(quarter=END_QUARTER, segment="SMB"), "period")
    table = _table(at, "Volume (people)").set_index("Stage")
    assert table.loc["Inquiries", "Volume (people)"] == fmt.count(expected.set_index("stage").loc["inquiry", "people"])


# --- Pipeline & revenue --------------------------------------------------------------------------------------------

def test_the_pipeline_page_shows_sourced_against_total(app, reader):
    at = _open(app, PIPELINE)
    for name in ("pipeline", "marketing_sourced_pipeline", "share_sourced_by_marketing", "bookings",
                 "win_rate_count", "win_rate_value", "average_deal_size", "sales_cycle_days"):
        assert _tile(at, catalog.spec(name).title) == _shown(reader, name), name
    subheaders = [s.value for s in at.subheader]
    assert {"Pipeline by quarter", "Bookings by quarter", "Win rate by quarter",
            "Pipeline and bookings by source category"} <= set(subheaders)
    charts = _charts(at)
    assert len(charts) == 6  # five trends and splits, then the pipeline walk (test_pages_pipeline_walk.py)
    pipeline_trend = charts[0]["data"]
    assert [trace["name"] for trace in pipeline_trend] == ["All pipeline", "Marketing-sourced",
                                                           "Share sourced by marketing"]
    assert len(pipeline_trend[0]["x"]) == 8 and pipeline_trend[0]["x"][-1] == END_QUARTER
    comparison = catalog.compare(reader, "pipeline", {"quarter": END_QUARTER})
    assert _data(pipeline_trend[0]["y"]) == [p.value for p in comparison.trend]


def test_the_pipeline_page_follows_the_region_filter(app, reader):
    at = _open(app, PIPELINE)
    everywhere = _tile(at, "Pipeline")
    at.selectbox(key="filter_region").set_value("EMEA").run()
    assert not at.exception
    assert _tile(at, "Pipeline") == _shown(reader, "pipeline", region="EMEA") != everywhere


# --- Leads & SLA ---------------------------------------------------------------------------------------------------

def test_the_leads_page_shows_acceptance_follow_up_quality_and_engagement(app, reader):
    at = _open(app, LEADS)
    for name in ("acceptance_rate", "sla_met_share", "median_hours_to_follow_up", "never_followed_up",
                 "lead_quality", "sales_ready_mqls"):
        assert _tile(at, catalog.spec(name).title) == _shown(reader, name), name
    subheaders = [s.value for s in at.subheader]
    assert subheaders == ["Sales acceptance", "Follow-up against the 24 h SLA", "Lead quality",
                          "Most engaged accounts and people"]
    texts = _texts(at)
    assert "Target 90.0%" in texts
    assert "Target account" in texts and "Role in the decision" in texts and "Interest shown" in texts
    filters = Filters(quarter=END_QUARTER)
    outcomes = _charts(at)[0]["data"][0]
    acceptance = catalog.run(reader, "acceptance_rate", filters).iloc[0]
    assert _data(outcomes["x"])[::-1] == [acceptance["accepted"], acceptance["rejected"],
                                         catalog.value(reader, "disqualified", filters)]
    reasons = _charts(at)[1]["data"][0]
    expected = catalog.run(reader, "rejection_reasons", filters).sort_values("people", kind="stable")
    assert _data(reasons["x"]) == list(expected["people"]) and _data(reasons["y"]) == list(expected["reason"])
    accounts = _table(at, "people_engaged")
    assert list(accounts["account_id"]) == list(catalog.run(reader, "engaged_accounts", filters)["account_id"])
    assert [b.label for b in at.download_button] == ["Download accounts (CSV)", "Download people (CSV)"]


def test_the_leads_page_switches_lead_quality_breakdowns(app, reader):
    at = _open(app, LEADS)
    at.segmented_control(key="leads_quality_by").set_value("segment").run()
    assert not at.exception
    assert any("Lead quality by segment" in str(m.value) for m in at.markdown)
    quality = next(c for c in _charts(at) if c["layout"]["xaxis"]["title"]["text"] == "Sales-ready share of MQLs")
    expected = catalog.run(reader, "lead_quality_by_segment", Filters(quarter=END_QUARTER))
    assert sorted(_data(quality["data"][0]["x"])) == sorted(expected["lead_quality"])


def test_the_leads_page_follows_the_region_filter(app, reader):
    at = _open(app, LEADS)
    everywhere = _tile(at, "MQLs never followed up")
    at.selectbox(key="filter_region").set_value("EMEA").run()
    assert not at.exception
    assert _tile(at, "MQLs never followed up") == _shown(reader, "never_followed_up", region="EMEA") != everywhere


# --- a quarter without data ----------------------------------------------------------------------------------------

@pytest.fixture
def with_an_empty_quarter(monkeypatch):
    """The filter bar offers a quarter in which nothing was recorded (as a gap in real data would)."""
    real = context.snapshot
    monkeypatch.setattr(context, "snapshot",
                        lambda: dataclasses.replace(real(), quarters=[*real().quarters, EMPTY_QUARTER]))


@pytest.mark.parametrize("page", [SCORECARD, FUNNEL, PIPELINE, LEADS])
def test_an_empty_quarter_says_no_data_instead_of_failing(app, with_an_empty_quarter, page):
    at = _open(app, page, quarter=EMPTY_QUARTER)
    assert at.selectbox(key="filter_quarter").value == EMPTY_QUARTER
    assert not at.error
    assert "No data for this quarter" in _texts(at)
    assert "Pick another quarter in the filter bar above." in _texts(at)  # and says what to do about it
    if page == SCORECARD:
        assert [m.value for m in at.markdown].count("**No data**") == 15
    elif page != FUNNEL:
        assert at.metric and all(m.value == "No data" for m in at.metric)
