"""First start in a real browser: the demo company is built with visible progress and the shell renders."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

FIRST_START_SECONDS = 120


def _no_errors(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Error:" not in body, body[:2000]


def test_first_start_builds_the_demo_and_opens_the_scorecard(fresh_server, page: Page, artifacts, sign_in):
    page.goto(fresh_server)
    # The sign-in screen at once, usable while the demo company is built beside it with a moving progress bar.
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Setting up the demo company")).to_be_visible()
    expect(page.get_by_test_id("stProgress")).to_be_visible()
    expect(page.get_by_role("textbox", name="User name")).to_be_editable()
    page.screenshot(path=artifacts / "shell-01-first-start.png")

    # Then the demo company's accounts, labelled as such, in place of the progress.
    expect(page.get_by_text("Demo accounts")).to_be_visible(timeout=FIRST_START_SECONDS * 1000)
    expect(page.get_by_test_id("stProgress")).to_have_count(0)
    sign_in(page, fresh_server, "analyst")
    expect(page.get_by_role("heading", name="Scorecard")).to_be_visible(timeout=60_000)
    navigation = page.get_by_test_id("stSidebarNav")
    for title in ("Scorecard", "Funnel", "Pipeline & revenue", "Campaigns", "Leads & SLA", "Charter & sign-off",
                  "Board pack", "Explore", "Data"):
        expect(navigation.get_by_role("link", name=title)).to_be_visible()
    expect(page.get_by_text("Data as of", exact=False).first).to_be_visible()
    expect(page.get_by_text("Demo company").first).to_be_visible()
    page.wait_for_timeout(500)  # let the tiles settle before the picture
    page.screenshot(path=artifacts / "shell-02-scorecard.png")
    _no_errors(page)

    # A filter choice lands in the URL and survives a page change.
    page.get_by_test_id("stSelectbox").filter(has_text="Region").click()
    page.get_by_role("option", name="EMEA").click()
    expect(page).to_have_url(re.compile(r"region=EMEA"))

    navigation.get_by_role("link", name="Data").click()
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="Rows per table")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/data\?.*region=EMEA"))
    counts = page.get_by_test_id("stDataFrame").first
    expect(counts).to_be_visible()
    page.wait_for_timeout(500)
    page.screenshot(path=artifacts / "shell-03-data.png")
    # The grid is drawn on a canvas; its accessible table carries the raw values.
    people = counts.locator("tr", has=page.get_by_text("people", exact=True)).locator("td")
    expect(people.first).to_have_text("people")
    assert int(people.nth(3).inner_text().replace(",", "")) > 1000  # the demo company's leads and contacts
    _no_errors(page)
