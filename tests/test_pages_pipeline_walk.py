"""The Pipeline page's walk, slipped deals, type split and stage to stage, run headless on the reference company."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alignment import pipeline_walk, warehouse
from alignment.periods import CALENDAR_YEAR, Quarter
from alignment.presentation import formats as fmt
from tests.conftest import sign_in

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PIPELINE = "pages/review_pipeline.py"
QUARTER = Quarter.parse("2026-Q3", CALENDAR_YEAR)
EARLIER = Quarter.parse("2026-Q2", CALENDAR_YEAR)  # the reference company's data ends with 2026-Q3: nothing slips out
# of its last quarter (no close date lies after it), so the slipped deals are looked at a quarter before


@pytest.fixture
def app(demo_db, monkeypatch) -> AppTest:
    monkeypatch.setenv(warehouse.DB_ENV, str(demo_db))
    return sign_in(AppTest.from_file(APP, default_timeout=90))


def _open(app: AppTest, **query) -> AppTest:
    app.query_params.update(query)
    at = app.run()
    at.switch_page(PIPELINE).run()
    assert not at.exception, at.exception
    return at


def _waterfall(at: AppTest) -> dict:
    (trace,) = [trace for chart in at.get("plotly_chart") for trace in json.loads(chart.proto.spec)["data"]
                if trace["type"] == "waterfall"]
    return trace


def _table(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_pipeline_page_walks_the_quarter_by_type_and_stage(app, reader):
    walk = pipeline_walk.walk(reader, QUARTER)
    assert not walk.not_measured and walk.start_deals > 0
    at = _open(app)
    subheaders = [s.value for s in at.subheader]
    assert {"Pipeline walk, 2026-Q3", "Slipped deals", "By opportunity type", "Stage to stage"} <= set(subheaders)
    trace = _waterfall(at)
    # The chart's bars are the walk's own numbers: start, its six steps, end.
    assert trace["measure"] == ["absolute"] + ["relative"] * 6 + ["absolute"]
    assert trace["text"] == [fmt.currency(v) for v in
                             [walk.start_amount, *(line.amount for line in walk.lines), walk.end_amount]]
    steps = _table(at, "Step")
    assert list(steps["Deals"]) == [fmt.count(walk.start_deals), *(fmt.count(line.deals) for line in walk.lines),
                                    fmt.count(walk.end_deals)]
    split = _table(at, "Bookings")
    assert set(split["Type"]) <= {"New business", "Expansion", "Renewal", "Other"} and len(split) >= 2
    stages = _table(at, "Median days in stage")
    frame, reason = pipeline_walk.stage_conversion(reader, QUARTER)
    assert reason is None and list(stages["Stage"]) == list(frame["stage"])
    # The region filter walks only that region's deals.
    at.selectbox(key="filter_region").set_value("EMEA").run()
    assert not at.exception
    emea = pipeline_walk.walk(reader, QUARTER, region="EMEA")
    assert _waterfall(at)["text"][0] == fmt.currency(emea.start_amount) != fmt.currency(walk.start_amount)


def test_the_pipeline_page_lists_the_slipped_deals_with_their_owners(app, reader):
    slipped = pipeline_walk.slipped(pipeline_walk.walk(reader, EARLIER))
    assert len(slipped) > 0
    at = _open(app, quarter=str(EARLIER))
    assert at.selectbox(key="filter_quarter").value == str(EARLIER)
    table = _table(at, "Now due")
    assert len(table) == len(slipped)
    first = slipped.iloc[0]
    assert table.iloc[0]["Owner"] == first["owner_name"] and table.iloc[0]["Amount"] == fmt.currency(
        first["start_amount"])
    assert table.iloc[0]["Was due"] == fmt.day(first["start_close_date"])
    by_region = _table(at, "Share of its pipeline")
    assert set(by_region["Region"]) == {"NA", "EMEA", "APAC", "LATAM"}


def test_the_command_line_prints_the_walk_and_the_slipped_deals(demo_db, reader, capsys):
    from alignment import cli

    walk = pipeline_walk.walk(reader, EARLIER)
    assert cli.main(["--db", str(demo_db), "walk", "--quarter", str(EARLIER), "--format", "json"]) == 0
    steps = json.loads(capsys.readouterr().out)
    assert [row["step"] for row in steps] == ["start", *pipeline_walk.MOVEMENTS, "end"]
    assert [row["amount"] for row in steps] == pytest.approx(
        [walk.start_amount, *(line.amount for line in walk.lines), walk.end_amount])
    assert cli.main(["--db", str(demo_db), "walk", "--quarter", str(EARLIER), "--slipped"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("opportunity_id,name,account_name,owner_name,region")
    assert len(lines) == 1 + len(pipeline_walk.slipped(walk))
