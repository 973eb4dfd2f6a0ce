"""The review pages in a real Chromium: reached from the sidebar or a link, charts drawn, no errors, screenshots
saved."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from alignment import demo, users

pytestmark = pytest.mark.browser

END_QUARTER = "2026-Q3"  # the quarter the dashboard opens on, as in tests/test_pages_review.py
SCROLL_STEP = 820  # a little less than the 900-pixel viewport, so consecutive pictures overlap


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """A demo company built beforehand (not the shared fresh_server's: that one must stay fresh for the first-start
    test, whichever order the browser tests run in)."""
    db_path = tmp_path_factory.mktemp("review-data") / "warehouse.duckdb"
    demo.build_demo(db_path, end_quarter=END_QUARTER, **demo.REFERENCE_COMPANY)
    return db_path


@pytest.fixture(scope="module")
def demo_server(demo_db, streamlit_server) -> Iterator[str]:
    """The dashboard on the demo company, shared by the walk through the pages."""
    with streamlit_server(demo_db) as url:
        yield url


def _settled(page: Page) -> None:
    """Wait until the script run has finished (Streamlit shows its status widget while running)."""
    page.wait_for_timeout(400)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(600)


def _no_errors(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Error" not in body, body[:2000]


def _charts_drawn(page: Page, at_least: int) -> None:
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts.nth(at_least - 1)).to_be_attached(timeout=30_000)
    for index in range(charts.count()):
        expect(charts.nth(index).locator(".main-svg").first).to_be_attached(timeout=30_000)


def _pictures(page: Page, artifacts, name: str) -> list[str]:
    """Screenshots of the whole page, top to bottom (Streamlit scrolls inside its main container)."""
    main = page.get_by_test_id("stMain")
    height = main.evaluate("element => element.scrollHeight")
    saved = []
    for number, top in enumerate(range(0, height, SCROLL_STEP)):
        main.evaluate(f"element => element.scrollTo(0, {top})")
        page.wait_for_timeout(400)
        path = artifacts / f"review-{name}-{number + 1}.png"
        page.screenshot(path=path)
        saved.append(path.name)
    main.evaluate("element => element.scrollTo(0, 0)")
    return saved


def _open(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=30_000)
    _settled(page)


def test_the_review_pages_render_in_a_browser(demo_server, page: Page, artifacts, sign_in):
    sign_in(page, demo_server, "viewer")
    expect(page.get_by_role("heading", name="Scorecard", exact=True)).to_be_visible(timeout=60_000)
    _settled(page)
    expect(page.get_by_text(f"{END_QUARTER} · all regions · all segments").first).to_be_visible()

    # Scorecard: the quarter on one screen, three role columns of five tiles, each with its sparkline.
    for role in ("Awareness", "Demand generation", "Sales"):
        expect(page.get_by_text(role, exact=True).first).to_be_visible()
    tiles = page.locator('[class*="st-key-scorecard_tile_"]')
    expect(tiles).to_have_count(15)
    sparklines = page.get_by_test_id("stVegaLiteChart")
    expect(sparklines).to_have_count(15)
    for index in range(15):
        expect(sparklines.nth(index).locator("svg, canvas").first).to_be_attached(timeout=30_000)
    estimate = page.locator('[class*="st-key-scorecard_awareness_estimate"]')
    expect(estimate).to_be_visible(timeout=60_000)  # the awareness column's estimate of what awareness contributed
    expect(estimate.get_by_text("Pipeline from awareness (estimate)")).to_be_visible()
    # The awareness | demand gen | sales columns, the awareness estimate included, read as one screen.
    bottoms = tiles.evaluate_all("elements => elements.map(e => e.getBoundingClientRect().bottom)")
    bottoms.append(estimate.evaluate("element => element.getBoundingClientRect().bottom"))
    assert max(bottoms) <= page.viewport_size["height"], f"the Scorecard's tiles end at {max(bottoms)} px"
    # The sign-off status from the charter: nobody has signed the quarter yet.
    expect(page.locator('[class*="st-key-scorecard_status"]')).to_contain_text("Draft")
    _no_errors(page)
    _pictures(page, artifacts, "scorecard")

    # Funnel: the waterfall, then the cohort view split by channel.
    _open(page, "Funnel")
    _charts_drawn(page, 1)
    expect(page.get_by_text("flow ratio", exact=False).first).to_be_attached()
    _no_errors(page)
    _pictures(page, artifacts, "funnel")
    page.get_by_test_id("stButtonGroup").get_by_text("Cohort", exact=True).click()
    _settled(page)
    page.get_by_test_id("stButtonGroup").get_by_text("Channel", exact=True).click()
    _settled(page)
    expect(page.get_by_role("heading", name="Waterfall, cohort view")).to_be_visible()
    _charts_drawn(page, 2)
    _no_errors(page)
    _pictures(page, artifacts, "funnel-cohort-by-channel")

    # Pipeline & revenue: four trend and category charts under the tiles.
    _open(page, "Pipeline & revenue")
    _charts_drawn(page, 5)
    _no_errors(page)
    _pictures(page, artifacts, "pipeline")

    # Campaigns: the attributed pipeline, the channels' return and the quadrant, channels named as people write them.
    _open(page, "Campaigns")
    _charts_drawn(page, 3)
    expect(page.get_by_test_id("stPlotlyChart").nth(1).get_by_text("Paid search", exact=True)).to_be_attached()
    _no_errors(page)
    _pictures(page, artifacts, "campaigns")

    # Awareness: the estimate beside touch-level attribution, week by week, and the response curves.
    _open(page, "Awareness")
    _charts_drawn(page, 3)
    _no_errors(page)
    _pictures(page, artifacts, "awareness")

    # Leads & SLA: acceptance, reasons, follow-up, quality and the engagement tables with their downloads.
    _open(page, "Leads & SLA")
    _charts_drawn(page, 7)
    expect(page.get_by_test_id("stDownloadButton").first).to_be_attached()
    _no_errors(page)
    _pictures(page, artifacts, "leads")
    page.get_by_role("tab", name="People").click()
    page.wait_for_timeout(500)
    people = page.get_by_test_id("stDataFrame").last
    people.scroll_into_view_if_needed()
    people.screenshot(path=artifacts / "review-leads-engaged-people.png")
    _no_errors(page)


def test_a_link_to_a_page_opens_that_page_after_signing_in(demo_db, streamlit_server, page: Page, artifacts):
    # A server just (re)started: its very first visitor follows a link to the Funnel with a quarter and a region.
    with streamlit_server(demo_db) as url:
        page.goto(f"{url}/funnel?quarter=2026-Q2&region=EMEA")
        expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible(timeout=60_000)
        _settled(page)
        expect(page.get_by_role("dialog")).to_have_count(0)  # no "Page not found"
        expect(page).to_have_url(re.compile(r"/funnel\?quarter=2026-Q2&region=EMEA$"))
        page.get_by_role("textbox", name="User name").fill("demo-viewer")
        page.get_by_role("textbox", name="Password").fill(users.DEMO_PASSWORD)
        page.get_by_test_id("stBaseButton-secondaryFormSubmit").or_(
            page.get_by_test_id("stBaseButton-primaryFormSubmit")).click()
        expect(page.get_by_role("heading", name="Funnel", exact=True)).to_be_visible(timeout=60_000)
        _settled(page)
        expect(page.get_by_text("2026-Q2 · EMEA · all segments").first).to_be_visible()
        expect(page).to_have_url(re.compile(r"/funnel\?quarter=2026-Q2&region=EMEA$"))
        _charts_drawn(page, 1)
        _no_errors(page)
        page.screenshot(path=artifacts / "review-deep-link-funnel.png")
