"""The Accounts page runs headless (AppTest) on the demo company and shows exactly the catalog's coverage and list."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from streamlit.testing.v1 import AppTest

from alignment import accounts, catalog, warehouse
from alignment.catalog import Filters
from alignment.presentation import formats as fmt
from tests.conftest import sign_in

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/review_accounts.py"
QUARTER = "2026-Q3"


@pytest.fixture
def page(demo_db, monkeypatch) -> AppTest:
    monkeypatch.setenv(warehouse.DB_ENV, str(demo_db))
    at = sign_in(AppTest.from_file(APP, default_timeout=90))
    at.query_params.update(quarter=QUARTER)
    at = at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _table(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_accounts_page_shows_coverage_by_owner_and_the_accounts_to_call(page, reader):
    at = page
    assert [s.value for s in at.subheader] == ["Target-account coverage", "By account owner",
                                               "Engaged target accounts without an open deal",
                                               "Buying groups of the open deals"]
    rows = accounts.for_owner(catalog.run(reader, "account_coverage", Filters(quarter=QUARTER)))
    target = rows.set_index("target_group").loc["target"]
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [trace["name"] for trace in chart["data"]] == ["Target accounts", "Other accounts"]
    table = _table(at, "Target share")
    assert list(table["Stage"]) == ["Accounts", "Reached", "Engaged", "With an MQL", "Open deal", "Won"]
    assert list(table["Target"]) == [fmt.count(target[c]) for c in ("accounts", "reached", "engaged", "with_mql",
                                                                  "with_open_deal", "won")]
    assert table["Target share"].iloc[2] == fmt.percent(target["engaged_share"])
    ranked = catalog.run(reader, "engaged_target_accounts", Filters(quarter=QUARTER))
    shown = _table(at, "Top persona engaged")
    assert list(shown["Account"]) == list(ranked["account_name"])
    assert list(shown["Journey"]) == [f"account?account={quote(str(a), safe='')}" for a in ranked["account_id"]]
    assert "Download CSV" in [b.label for b in at.download_button]


def test_the_owner_filter_narrows_coverage_and_the_list(page, reader):
    at = page
    ranked = catalog.run(reader, "engaged_target_accounts", Filters(quarter=QUARTER))
    owner_id = ranked["owner_id"].iloc[0]
    at.selectbox(key="accounts_owner").set_value(owner_id).run()
    assert not at.exception
    shown = _table(at, "Top persona engaged")
    assert set(shown["Owner"]) == {ranked["owner_name"].iloc[0]}
    assert list(shown["Account"]) == list(ranked[ranked["owner_id"] == owner_id]["account_name"])
    by_owner = _table(at, "Owner")
    assert set(by_owner["Owner"]) == {ranked["owner_name"].iloc[0]}
