"""The demo company mid-quarter in a real Chromium: the Scorecard paces the running quarter against its signed plan,
the Pipeline page walks it and names the slipped deals; screenshots saved to look at."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from alignment import demo

pytestmark = pytest.mark.browser

AS_OF = dt.date(2026, 11, 9)  # day 9 of FY27-Q4 (November to January) on the demo's February fiscal year


@pytest.fixture(scope="module")
def running_demo(tmp_path_factory) -> Path:
    """The demo company as the first start builds it (fiscal year from February, three currencies, data running into
    the quarter after its last full one, both quarters' plans signed), on a fixed as-of day."""
    db_path = tmp_path_factory.mktemp("running-data") / "warehouse.duckdb"
    demo.build_demo(db_path, end_quarter="2026-Q3", as_of=AS_OF, signed_plans=True)
    return db_path


@pytest.fixture(scope="module")
def running_server(running_demo, streamlit_server) -> Iterator[str]:
    with streamlit_server(running_demo) as url:
        yield url


def _settled(page: Page) -> None:
    page.wait_for_timeout(400)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000)
    page.wait_for_timeout(600)


def _shot(page: Page, artifacts: Path, name: str) -> None:
    main = page.get_by_test_id("stMain")
    height = main.evaluate("element => element.scrollHeight")
    for number, top in enumerate(range(0, min(height, 4 * 820), 820)):
        main.evaluate(f"element => element.scrollTo(0, {top})")
        page.wait_for_timeout(400)
        page.screenshot(path=artifacts / f"running-{name}-{number + 1}.png")
    main.evaluate("element => element.scrollTo(0, 0)")


def test_the_running_quarter_is_paced_against_the_signed_plan_and_walked(running_server, page: Page, artifacts,
                                                                          sign_in):
    sign_in(page, running_server, "cmo")
    expect(page.get_by_role("heading", name="Scorecard", exact=True)).to_be_visible(timeout=60_000)
    _settled(page)
    pace = page.locator('[class*="st-key-scorecard_pace"]')
    expect(pace).to_be_visible(timeout=90_000)
    expect(pace.get_by_text("Pace · week 2 of 13")).to_be_visible()
    expect(page.locator('[class*="st-key-scorecard_status"]')).to_contain_text("FY27-Q4")
    expect(page.locator('[class*="st-key-scorecard_status"]')).to_contain_text("Signed")
    expect(pace.get_by_test_id("stPlotlyChart").locator(".main-svg").first).to_be_attached(timeout=30_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    _shot(page, artifacts, "scorecard")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Pipeline & revenue").click()
    expect(page.get_by_role("heading", name="Pipeline walk, FY27-Q4")).to_be_visible(timeout=90_000)
    _settled(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    _shot(page, artifacts, "pipeline")
