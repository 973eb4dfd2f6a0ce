"""The Explore page runs headless (AppTest) on the demo company: the core's numbers, the records, the URL state and
every hostile link parameter answered with a notice and no change to the warehouse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alignment import catalog, explore, warehouse
from alignment import charter as charters
from tests.conftest import sign_in
from tests.test_pages_review import _data

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/analyse_explore.py"
QUARTER = "2026-Q3"


@pytest.fixture(autouse=True)
def the_demo_company(demo_db, monkeypatch):
    """Every run of the app in this module reads the demo company: a re-run after _open too (a picked group)."""
    monkeypatch.setenv(warehouse.DB_ENV, str(demo_db))


def _open(demo_db, **params) -> AppTest:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(warehouse.DB_ENV, str(demo_db))
        at = sign_in(AppTest.from_file(APP, default_timeout=120))
        at.query_params["quarter"] = QUARTER
        for name, value in params.items():
            at.query_params[name] = value
        at.run()
        at.switch_page(PAGE).run()
        return at


def _chart(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def test_the_chart_is_the_cores_answer_and_the_records_follow_the_picker(demo_db, reader):
    at = _open(demo_db, metric="mqls", by="channel")
    assert not at.exception, at.exception
    expected = explore.explore(reader, explore.Request(metric="mqls", by="channel", quarter=QUARTER))
    bar = _chart(at)["data"][0]
    assert list(bar["customdata"])[::-1] == [g.key for g in expected.groups]
    assert _data(bar["x"])[::-1] == [g.value for g in expected.groups]
    assert at.query_params["metric"] == "mqls" and at.query_params["by"] == "channel"
    # All of the quarter's MQLs first; then one channel's, and the URL keeps the pick.
    total = catalog.value(reader, "mqls", {"quarter": QUARTER})
    records = next(d.value for d in at.dataframe if "Person" in d.value.columns)
    assert len(records) == total
    first = expected.groups[0]
    at.selectbox(key="explore_pick").set_value(first.key).run()
    assert not at.exception, at.exception
    records = next(d.value for d in at.dataframe if "Person" in d.value.columns)
    assert len(records) == first.value
    assert at.query_params["pick"] == first.key


def test_a_shared_link_opens_the_same_view(demo_db, reader):
    at = _open(demo_db, metric="pipeline", by="owner", channel=["paid_search", "email"])
    assert not at.exception, at.exception
    assert at.selectbox(key="explore_metric").value == "pipeline"
    assert at.selectbox(key="explore_by").value == "owner"
    assert at.multiselect(key="explore_filter_channel").value == ["paid_search", "email"]
    expected = explore.explore(reader, explore.Request(metric="pipeline", by="owner", quarter=QUARTER,
                                                       filters={"channel": ["paid_search", "email"]}))
    assert sorted(_data(_chart(at)["data"][0]["x"])) == sorted(g.value for g in expected.groups)
    # The quarter stays in the link even when it is the default, so the link keeps its meaning after an import.
    assert at.query_params["quarter"] == QUARTER


def test_a_picked_group_from_a_link_is_drawn_selected_and_its_records_shown(demo_db, reader):
    expected = explore.explore(reader, explore.Request(metric="bookings", by="region", quarter=QUARTER))
    picked = expected.groups[1]
    at = _open(demo_db, metric="bookings", by="region", pick=picked.key)
    assert not at.exception, at.exception
    bar = _chart(at)["data"][0]
    keys = list(bar["customdata"])
    assert _data(bar["selectedpoints"]) == [keys.index(picked.key)]
    records = next(d.value for d in at.dataframe if "Opportunity" in d.value.columns)
    assert records["Amount"].sum() == pytest.approx(picked.value)
    assert at.selectbox(key="explore_pick").value == picked.key


def test_a_dimension_the_metric_lacks_is_not_offered(demo_db):
    at = _open(demo_db, metric="cost_per_mql", by="region")
    assert not at.exception, at.exception
    assert at.selectbox(key="explore_by").value != "region"
    assert "region" not in at.selectbox(key="explore_by").options
    assert any("cannot be grouped by region" in t.value for t in at.toast)


HOSTILE = {"metric": "pipeline'; DROP TABLE people; --", "by": "region OR 1=1", "pick": "x" * 5000,
           "channel": "\" OR \"\"=\"", "owner": "<script>alert(1)</script>", "industry": "%' UNION SELECT 1 --",
           "quarter": "2026-Q3'; --"}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_link_parameters_get_a_notice_and_change_nothing(demo_db, name):
    counts = warehouse.table_counts(warehouse.Reader(demo_db))
    at = _open(demo_db, **{name: HOSTILE[name]})
    assert not at.exception, at.exception
    notices = " ".join(t.value for t in at.toast) + " ".join(str(c.value) for c in at.caption)
    if name in ("metric", "by", "pick"):  # the filter bar names a bad quarter (tests/test_pages.py)
        assert "not used" in notices or "instead" in notices or "is not in the loaded data" in notices
    # the page still shows a chart and no error text
    assert at.get("plotly_chart") and not at.error
    assert "Traceback" not in " ".join(str(m.value) for m in at.markdown)
    assert warehouse.table_counts(warehouse.Reader(demo_db)) == counts


def _links(at: AppTest) -> list[dict[str, str]]:
    from urllib.parse import parse_qs
    return [{"page": link.proto.page, **{k: v[0] for k, v in parse_qs(link.proto.query_string).items()}}
            for link in at.get("page_link")]


def test_scorecard_tiles_and_funnel_stages_open_explore_on_themselves(demo_db):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(warehouse.DB_ENV, str(demo_db))
        at = sign_in(AppTest.from_file(APP, default_timeout=120))
        at.query_params["quarter"] = QUARTER
        at.query_params["region"] = "EMEA"
        at.run()
        assert not at.exception, at.exception
        tiles = [link for link in _links(at) if link["page"] == "explore"]
        # one link per tile, on the tile's own metric, for the view shown (the charter's metrics, by default)
        assert sorted(t["metric"] for t in tiles) == sorted(charters.DEFAULT_METRICS)
        assert all(t["quarter"] == QUARTER and t["region"] == "EMEA" for t in tiles)
        at.switch_page("pages/review_funnel.py").run()
        at.segmented_control(key="funnel_split").set_value("channel").run()
        stages = [link for link in _links(at) if link["page"] == "explore"]
        assert [s["metric"] for s in stages] == ["inquiries", "mqls", "sals", "sqls", "opportunities", "won"]
        assert all(s["by"] == "channel" and s["quarter"] == QUARTER for s in stages)
