"""The Campaigns page runs headless (AppTest) on the demo company and shows exactly the core's numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alignment import catalog, quadrant, warehouse
from alignment.catalog import Filters
from alignment.presentation import formats as fmt
from tests.conftest import sign_in
from ui import charts

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/review_campaigns.py"
QUARTER = "2026-Q3"


@pytest.fixture(scope="module")
def opened(demo_db) -> AppTest:
    """The page as it first opens (run once: each run credits every campaign under two bases)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(warehouse.DB_ENV, str(demo_db))
        at = sign_in(AppTest.from_file(APP, default_timeout=120))
        at.query_params["quarter"] = QUARTER
        at.run()
        at.switch_page(PAGE).run()
        assert not at.exception, at.exception
        yield at


def _table(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _captions(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.caption)


def test_the_tiles_are_the_catalog_values(opened, reader):
    shown = {m.label: m.value for m in opened.metric}
    filters = Filters(quarter=QUARTER)
    assert shown["Marketing-influenced pipeline"] == fmt.currency(
        catalog.value(reader, "marketing_influenced_pipeline", filters))
    assert shown["Pipeline ROI"] == fmt.ratio(catalog.value(reader, "pipeline_roi", filters))
    assert shown["Cost per sales-ready lead"] == fmt.currency(
        catalog.value(reader, "cost_per_sales_ready_lead", filters))


def test_every_campaign_is_shown_plainly_under_the_model_of_record(opened, reader):
    table = _table(opened, "Sales sponsor")
    results = catalog.run(reader, "campaign_results", Filters(quarter=QUARTER))
    running = results[(results["funnel_role"] == "demand_gen") & results["runs_in_quarter"]]
    assert table["Campaign"].tolist() == running["campaign_name"].tolist()
    for column in ("Content", "Targeting", "Start", "End", "Channel", "Cost in the quarter", "Attributed bookings"):
        assert column in table.columns
    assert table["Attributed pipeline"].tolist() == [fmt.currency(v) for v in running["attributed_pipeline"]]
    assert ("Model card: **w_shaped · pipeline · lookback 365 d · half-life 7 d · primary campaign when no touch** · "
            "the model of record") in (
        _captions(opened))


def test_the_quadrant_is_the_core_placement_and_awareness_stays_apart(opened, reader):
    placed = quadrant.place_campaigns(reader, QUARTER)
    judged = placed[placed["funnel_role"] == "demand_gen"]
    counts = {m.label: m.value for m in opened.metric}
    for name in quadrant.QUADRANTS:
        assert counts[name] == fmt.count((judged["quadrant"] == name).sum())
    table = _table(opened, "Why")
    assert sorted(table["Campaign"]) == sorted(judged["name"])
    awareness = set(placed.loc[placed["funnel_role"] == "awareness", "name"])
    assert awareness and not awareness & set(table["Campaign"])
    # The demo company's two stories land where the generator meant them to.
    where = dict(zip(table["Campaign"], table["Placed"]))
    assert where["Paid Social — Always-on Lead Gen"] == "Spin doctor"
    assert where["Executive Dinner Series"] == "Silent operative"
    assert "Left out: 3 programs" in _captions(opened)


def test_the_side_by_side_table_shows_every_model(opened, reader):
    table = _table(opened, "W-shaped (of record)")
    assert list(table.columns) == ["Campaign", "First touch", "Last touch", "Linear", "U-shaped",
                                   "W-shaped (of record)", "Full path", "Time decay", "Data-driven"]
    assert len(table) == 5  # the five campaigns picked by default
    # The model of record's column is the campaign results' attributed pipeline, campaign by campaign.
    results = catalog.run(reader, "campaign_results", Filters(quarter=QUARTER)).set_index("campaign_name")
    assert table["W-shaped (of record)"].tolist() == [
        fmt.currency(results.loc[name, "attributed_pipeline"]) for name in table["Campaign"]]


def test_the_quadrant_chart_draws_the_bars_it_states(opened, reader):
    figures = [json.loads(chart.proto.spec) for chart in opened.get("plotly_chart")]
    chart = next(f for f in figures if f["layout"].get("yaxis", {}).get("type") == "log")
    placed = quadrant.place_campaigns(reader, QUARTER)
    judged = placed[(placed["funnel_role"] == "demand_gen") & (placed["pipeline_per_cost"] > 0)]
    drawn = {trace["name"]: len(trace["hovertext"]) for trace in chart["data"]}
    assert drawn == {f"{name} ({count})": count for name, count in judged["quadrant"].value_counts().items()}
    shapes = chart["layout"]["shapes"]
    assert [s["x0"] for s in shapes if s["x0"] == s["x1"]] == [pytest.approx(placed.attrs["traceability_threshold"])]
    assert [s["y0"] for s in shapes if s["y0"] == s["y1"]] == [pytest.approx(placed.attrs["delivery_threshold"])]


def test_channels_are_named_as_people_write_them_in_charts_and_tables(opened, reader):
    figures = [json.loads(chart.proto.spec) for chart in opened.get("plotly_chart")]
    roi = next(f for f in figures if f["layout"]["xaxis"]["title"]["text"].startswith("Attributed pipeline per $1"))
    channels = catalog.run(reader, "channel_results", Filters(quarter=QUARTER))
    paying = channels[(channels["funnel_role"] == "demand_gen") & channels["pipeline_roi"].notna()]
    assert sorted(roi["data"][0]["y"]) == sorted(charts.channel_label(c) for c in paying["channel"])
    assert "Paid search" in roi["data"][0]["y"] and not any("_" in name for name in roi["data"][0]["y"])
    # The tables read the same way: the campaigns of the quarter and the awareness channels (TV, PR).
    assert "Paid search" in _table(opened, "Sales sponsor")["Channel"].tolist()
    awareness = _table(opened, "Cost per 1,000 impressions")["Channel"].tolist()
    assert "TV" in awareness and "PR" in awareness


def test_switching_the_model_changes_the_credit_and_the_card(opened, reader):
    # last in the module: it leaves the page on another model
    opened.segmented_control(key="campaigns_model").set_value("first_touch").run()
    assert not opened.exception, opened.exception
    assert ("Model card: **first_touch · pipeline · lookback 365 d · half-life 7 d · primary campaign when no touch** "
            "· not the model of record") in (
        _captions(opened))
    first_touch = catalog.run(reader, "campaign_results", Filters(quarter=QUARTER),
                              catalog.Definitions(model_of_record="first_touch"))
    running = first_touch[(first_touch["funnel_role"] == "demand_gen") & first_touch["runs_in_quarter"]]
    table = _table(opened, "Sales sponsor")
    assert table["Attributed pipeline"].tolist() == [fmt.currency(v) for v in running["attributed_pipeline"]]


def test_the_quadrant_by_channel_is_the_core_placement(opened, reader):
    # after the model switch above: the page is on first_touch, so the channels are placed under it
    opened.segmented_control(key="campaigns_quadrant_by").set_value("channel").run()
    assert not opened.exception, opened.exception
    placed = quadrant.place_channels(reader, QUARTER, model="first_touch")
    judged = placed[placed["funnel_role"] == "demand_gen"]
    table = _table(opened, "Why")
    # the table shows a channel as people write it (paid_search → Paid search, tv → TV)
    assert table["Channel"].tolist() == [charts.channel_label(c) for c in judged["channel"]]
    assert table["Placed"].tolist() == judged["quadrant"].tolist()
    counts = {m.label: m.value for m in opened.metric}
    for name in quadrant.QUADRANTS:
        assert counts[name] == fmt.count((judged["quadrant"] == name).sum())
    assert "Left out:" not in _captions(opened)  # programs are a campaign-level matter


def test_contact_and_account_level_show_side_by_side_with_the_charters_choice_marked(opened, reader):
    from alignment import attribution, campaigns

    table = _table(opened, "Difference")
    assert list(table.columns) == ["Campaign", "Contact level (the charter's)", "Account level", "Difference"]
    # Under the model the page shows now (an earlier test may have switched it).
    shown = catalog.Definitions(model_of_record=opened.segmented_control(key="campaigns_model").value)
    core = campaigns.linking_side_by_side(reader, QUARTER, shown)
    assert list(table["Campaign"]) == [str(n).replace("_", " ") for n in core["campaign_name"]]
    assert list(table["Difference"]) == [fmt.currency(v) for v in core["difference"]]
    # Each column is the attribution module's own answer for that linking, and both add up to the quarter's pipeline.
    for linking in campaigns.LINKINGS:
        own = attribution.credited_by_campaign(reader, campaigns.options(shown, quarter=QUARTER)
                                               .model_copy(update={"linking": linking}))
        assert dict(zip(core["campaign_id"], core[linking])) == pytest.approx(
            {**{c: 0.0 for c in core["campaign_id"]}, **dict(zip(own["campaign_id"], own["credited_amount"]))})
    assert core["contacts"].sum() == pytest.approx(core["account"].sum())
    assert core["contacts"].sum() == pytest.approx(catalog.value(reader, "pipeline", {"quarter": QUARTER}))
    assert (core["difference"] != 0).any(), "the demo company's two linkings credit campaigns differently"
    assert "everyone at the account" in _captions(opened)
