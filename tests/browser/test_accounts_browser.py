"""The Accounts page in a real Chromium: coverage chart drawn, tables shown, no errors, screenshots saved."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from alignment import demo

pytestmark = pytest.mark.browser

END_QUARTER = "2026-Q3"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db_path = tmp_path_factory.mktemp("accounts-data") / "warehouse.duckdb"
    demo.build_demo(db_path, end_quarter=END_QUARTER, **demo.REFERENCE_COMPANY)
    return db_path


@pytest.fixture(scope="module")
def demo_server(demo_db, streamlit_server) -> Iterator[str]:
    with streamlit_server(demo_db) as url:
        yield url


def test_the_accounts_page_renders_in_a_browser(demo_server, page: Page, artifacts, sign_in):
    sign_in(page, demo_server, "viewer")
    expect(page.get_by_role("heading", name="Scorecard", exact=True)).to_be_visible(timeout=60_000)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Accounts").click()
    expect(page.get_by_role("heading", name="Accounts", exact=True)).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="Engaged target accounts without an open deal")).to_be_visible(
        timeout=60_000)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart.locator(".main-svg").first).to_be_attached(timeout=30_000)
    expect(chart.get_by_text("Target accounts").first).to_be_attached()
    expect(page.get_by_role("heading", name="Buying groups of the open deals")).to_be_visible(timeout=60_000)
    # coverage, by owner, the accounts to call, the buying groups' risk list and (folded) every open deal's group
    expect(page.get_by_test_id("stDataFrame")).to_have_count(5)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert "Traceback" not in page.locator("body").inner_text()
    page.wait_for_timeout(800)
    page.screenshot(path=artifacts / "accounts-1.png")
    page.get_by_test_id("stMain").evaluate("element => element.scrollTo(0, 820)")
    page.wait_for_timeout(400)
    page.screenshot(path=artifacts / "accounts-2.png")
    page.get_by_test_id("stMain").evaluate("element => element.scrollTo(0, 1640)")
    page.wait_for_timeout(400)
    page.screenshot(path=artifacts / "accounts-3.png")
