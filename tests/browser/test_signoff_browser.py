"""The joint sign-off in a real Chromium: log in, propose, the CMO's and the VP of Sales' signatures, the lock."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from alignment import demo, signoff

pytestmark = pytest.mark.browser

QUARTER = "2024-Q1"  # the hand-made extract's quarter, where the filter bar opens


@pytest.fixture(scope="module")
def small_demo_server(tmp_path_factory, streamlit_server, new_salesforce_extract) -> Iterator[tuple[str, Path]]:
    """The dashboard on the small hand-made extract loaded as the demo company (so its demo accounts sign in)."""
    folder = tmp_path_factory.mktemp("signoff-data")
    extract = new_salesforce_extract(folder / "extract")
    db_path = folder / "warehouse.duckdb"
    demo.import_as_demo([extract.folder], db_path)
    with streamlit_server(db_path) as url:
        yield url, db_path


def _settled(page: Page) -> None:
    page.wait_for_timeout(400)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(400)


def _no_errors(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert "Traceback" not in page.locator("body").inner_text()


def _charter_page(page: Page, tab: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Charter & sign-off").click()
    expect(page.get_by_role("heading", name="Charter & sign-off", exact=True)).to_be_visible(timeout=30_000)
    _settled(page)
    page.get_by_role("tab", name=tab).click()
    page.wait_for_timeout(300)


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible(timeout=30_000)


def _sign(page: Page, role_title: str, comment: str) -> None:
    page.get_by_text("I have read the data-quality checklist", exact=False).click()
    page.get_by_label("Comment").fill(comment)
    page.get_by_role("button", name=f"Sign as {role_title}").click()
    expect(page.get_by_text(f"Signed the {QUARTER} charter as {role_title}.")).to_be_visible(timeout=30_000)


def test_log_in_propose_and_both_signatures_in_a_browser(small_demo_server, page: Page, artifacts, sign_in):
    url, db_path = small_demo_server
    page.goto(url)
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_text("For the demo company only", exact=False)).to_be_visible()
    expect(page.get_by_text("demo-vp-sales", exact=True)).to_be_visible()  # the demo accounts' table is drawn
    page.screenshot(path=artifacts / "signoff-1-sign-in.png")

    sign_in(page, url, "analyst")
    expect(page.get_by_text("demo-analyst", exact=False).first).to_be_visible()
    _charter_page(page, "Charter")
    expect(page.get_by_test_id("stDataFrame").first.locator("canvas").first).to_be_attached(timeout=30_000)
    page.wait_for_timeout(800)
    page.screenshot(path=artifacts / "signoff-2-charter.png")
    page.get_by_role("tab", name="Sign-off").click()
    page.get_by_label("Comment").fill("Ready for the quarterly review")
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_text("Proposed, awaiting signatures").first).to_be_visible(timeout=30_000)
    _no_errors(page)
    _sign_out(page)

    sign_in(page, url, "cmo")
    _charter_page(page, "Sign-off")
    expect(page.get_by_text("Read the data-quality checklist first", exact=False)).to_be_visible()
    page.screenshot(path=artifacts / "signoff-3-checklist.png")
    _sign(page, "CMO", "The numbers are right")
    expect(page.get_by_text("Signed by one").first).to_be_visible()
    expect(page.get_by_role("button", name="Sign as CMO")).to_have_count(0)  # once per role
    _sign_out(page)

    sign_in(page, url, "vp_sales")
    _charter_page(page, "Sign-off")
    _sign(page, "VP of Sales", "Agreed")
    expect(page.get_by_text("Signed by both (locked)").first).to_be_visible()
    page.get_by_role("tab", name="History").click()
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts / "signoff-4-history.png")
    _no_errors(page)

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Scorecard").click()
    expect(page.get_by_role("heading", name="Scorecard", exact=True)).to_be_visible(timeout=30_000)
    _settled(page)
    expect(page.get_by_text("Signed by both (locked)").first).to_be_visible()
    page.screenshot(path=artifacts / "signoff-5-scorecard.png")

    ledger = signoff.Ledger.beside(db_path)
    assert [(r.kind, r.user) for r in ledger.records(QUARTER)] == [
        ("charter", "demo-analyst"), ("propose", "demo-analyst"), ("sign", "demo-cmo"), ("sign", "demo-vp-sales")]
    assert ledger.verify(QUARTER) == []
