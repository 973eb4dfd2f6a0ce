"""The Scorecard's Pace section, headless (AppTest): shown while the quarter in view runs, never for a finished one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from alignment import pacing, signoff, warehouse
from alignment.charter import Charter
from alignment.users import User
from tests.conftest import sign_in
from ui import pace

APP = str(Path(__file__).resolve().parents[1] / "app.py")
RUNNING = "2024-Q1"  # the hand-made extract's data runs to 11 March 2024: week 11 of 13
ANALYST = User(name="ana", role="analyst")


def _texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "subheader", "info") for e in getattr(at, kind))


def _pace_tables(at: AppTest) -> list:
    return [element.value for element in at.dataframe if "Expected to date" in element.value.columns]


def _scorecard(quarter: str) -> AppTest:
    at = sign_in(AppTest.from_file(APP, default_timeout=90))
    at.query_params.update(quarter=quarter)
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_running_quarter_shows_each_planned_number_paced(db):
    signoff.Ledger.beside(db).save(ANALYST, Charter(quarter=RUNNING, definitions={"targets": {
        "pipeline": 100_000, "opportunities_created": 6, "win_rate_count": 0.4, "bookings": 80_000}}), "plan")
    at = _scorecard(RUNNING)
    texts = _texts(at)
    assert "Pace · week 11 of 13" in texts
    tables = _pace_tables(at)
    assert len(tables) == 1
    table = tables[0]
    # the plan's stages as the funnel runs, then the charter's order
    assert list(table["Metric"]) == ["Opportunities created", "Bookings", "Pipeline", "Win rate (deals)"]
    # the tiles judge no target of a quarter under way: they say so, and the Pace section judges it
    assert "under way, see Pace" in texts and ":red[missed]" not in texts and ":green[met]" not in texts
    assert "To 11 Mar 2024" in texts
    # no finished quarter before 2024-Q1 holds deals: every total is "not measured", never "on track"
    totals = table[table["Metric"] != "Win rate (deals)"]
    assert set(totals["Status"]) == {"not measured"} and set(totals["Expected to date"]) == {"—"}
    assert totals["Note"].str.startswith("no curve, not measured").all()
    assert table.loc[table["Metric"] == "Pipeline", "Actual to date"].item() == "$62,501"
    labels = {metric.label: metric.value for metric in at.metric}
    assert labels["Open pipeline"] == "$0"  # O2, the one open deal, closes in June
    assert labels["Commit"] == "—" and "no opportunity carries a forecast category" in texts
    assert set(at.selectbox(key="pace_chart_metric").options) == {"Bookings", "Opportunities created", "Pipeline"}
    assert at.get("plotly_chart")


def test_a_running_quarter_without_targets_says_how_to_set_them_and_judges_nothing(db):
    at = _scorecard(RUNNING)
    texts = _texts(at)
    assert "No targets signed for this quarter" in texts and "Charter & sign-off page" in texts
    assert "on track" not in texts and "Expected to date" not in texts


def test_a_finished_quarter_shows_no_pace(demo_db, monkeypatch):
    # the demo company's data runs to the last day of 2026-Q3: the quarter is over, its numbers final
    monkeypatch.setenv(warehouse.DB_ENV, str(demo_db))
    at = _scorecard("2026-Q3")
    assert "Pace ·" not in _texts(at)
    assert not _pace_tables(at)


def _row(name: str, curve_from: list[str], **fields) -> pacing.PaceRow:
    return pacing.PaceRow(**{"name": name, "title": name.title(), "unit": "count", "direction": "up",
                             "paced_as": "total", "target": 100.0, "actual": 40.0, "expected": 30.0,
                             "status": "ahead", "gap": 10.0, "needed_per_week": 6.0, "curve_from": curve_from,
                             **fields})


def _paced(rows) -> pacing.Pace:
    return pacing.Pace(quarter="2026-Q4", as_of=dt.date(2026, 11, 9), week=6, weeks=13, weeks_left=7.3, rows=rows)


def test_the_quarters_every_curve_shares_are_named_once_and_a_row_that_differs_names_its_own():
    shared = ["2025-Q4", "2026-Q1"]
    same = _paced([_row("mqls", shared), _row("sqls", shared),
                   _row("win_rate_count", [], paced_as="rate", unit="percent")])
    assert pace.shared_curve(same) == shared
    table = pace.table(same)
    assert list(table["Note"]) == ["", "", "rate to date vs target"]
    differ = _paced([_row("mqls", shared), _row("sqls", ["2026-Q1"])])
    assert pace.shared_curve(differ) is None
    assert list(pace.table(differ)["Note"]) == ["curve from 2025-Q4, 2026-Q1", "curve from 2026-Q1"]
    assert "Note" not in pace.table(_paced([_row("mqls", shared)])).columns  # nothing to say: no empty column


def test_a_tile_of_a_quarter_under_way_shows_no_change_against_a_whole_quarter(db):
    at = _scorecard(RUNNING)
    at.switch_page("pages/review_pipeline.py").run()
    assert not at.exception, at.exception
    pipeline = next(m for m in at.metric if m.label == "Pipeline")
    assert pipeline.value == "$62,501" and not pipeline.delta  # 10 weeks against 13: no red arrow
    assert "To 11 Mar 2024" in _texts(at)
