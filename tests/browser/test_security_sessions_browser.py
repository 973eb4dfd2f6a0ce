"""In a real Chromium: a reload stays signed in, sign-out ends the session, and a copied session cookie is refused."""

from __future__ import annotations

import time
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from alignment import users
from alignment.ingest.load import import_extracts
from tests.conftest import TEST_PASSWORD, dashboard_accounts

pytestmark = pytest.mark.browser

COOKIE = "alignment_session"


@pytest.fixture(scope="module")
def company(tmp_path_factory, streamlit_server, new_salesforce_extract) -> Iterator[str]:
    """The small hand-made extract as a company's own data, with the test accounts in a secrets file."""
    folder = tmp_path_factory.mktemp("security-sessions")
    db_path = folder / "data" / "warehouse.duckdb"
    import_extracts([new_salesforce_extract(folder / "extract").folder], db_path=db_path, user="ops")
    secrets = folder / "secrets.toml"
    secrets.write_text("".join(f'[{users.USERS_SECTION}."{name}"]\nrole = "{account["role"]}"\n'
                               f'password_hash = "{account["password_hash"]}"\n\n'
                               for name, account in dashboard_accounts().items()), encoding="utf-8")
    secrets.chmod(0o600)
    with streamlit_server(db_path, secrets=secrets) as url:
        yield url


def _session_cookie(page: Page, *, present: bool = True, timeout: float = 30) -> dict | None:
    """The session cookie once the page has set it (or None once it has taken it away)."""
    deadline = time.monotonic() + timeout
    while True:
        cookie = next((c for c in page.context.cookies() if c["name"] == COOKIE), None)
        if (cookie is not None) == present or time.monotonic() > deadline:
            return cookie
        page.wait_for_timeout(200)


def _expect_sign_in(page: Page) -> None:
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible(timeout=60_000)


def _expect_scorecard(page: Page) -> None:
    expect(page.get_by_role("heading", name="Scorecard", exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_have_count(0)


def test_a_reload_stays_signed_in_and_sign_out_ends_the_session_everywhere(company, page: Page, browser: Browser,
                                                                          browser_context_args, artifacts):
    page.goto(company)
    _expect_sign_in(page)
    page.get_by_role("textbox", name="User name").fill("test-analyst")
    page.get_by_role("textbox", name="Password").fill(TEST_PASSWORD)
    page.get_by_test_id("stBaseButton-secondaryFormSubmit").or_(
        page.get_by_test_id("stBaseButton-primaryFormSubmit")).click()
    _expect_scorecard(page)

    cookie = _session_cookie(page)
    assert cookie is not None, "no session cookie was set"
    assert cookie["sameSite"] == "Strict" and cookie["path"] == "/", cookie
    hours_left = (cookie["expires"] - time.time()) / 3600
    assert 11.9 < hours_left <= 12, hours_left  # the default lifetime, not a browser-session or endless cookie
    copied = cookie["value"]

    page.reload()
    _expect_scorecard(page)
    expect(page.get_by_text("test-analyst", exact=False).first).to_be_visible()
    page.screenshot(path=artifacts / "security-reload-still-signed-in.png")

    page.get_by_role("button", name="Sign out").click()
    _expect_sign_in(page)
    assert _session_cookie(page, present=False) is None, "sign-out left the cookie in the browser"
    page.reload()
    _expect_sign_in(page)

    # Someone who copied the cookie before the sign-out gets nothing with it.
    other = browser.new_context(**browser_context_args)
    try:
        other.add_cookies([{"name": COOKIE, "value": copied, "url": company}])
        stolen = other.new_page()
        stolen.goto(company)
        _expect_sign_in(stolen)
        stolen.wait_for_timeout(1000)
        _expect_sign_in(stolen)
    finally:
        other.close()
