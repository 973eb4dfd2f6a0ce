"""A real Chromium over a warehouse whose every name is a Markdown and HTML payload: each page is visited, and no request
ever leaves for the hosts the names point at (a reserved name that never resolves, and a local port that listens)."""

from __future__ import annotations

import http.server
import threading
from typing import Iterator
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import Page, expect

from alignment import users, warehouse
from tests.conftest import TEST_PASSWORD, dashboard_accounts
from tests.security.hostile_data import HOST, build_hostile_warehouse, hostile_names, save_hostile_charter

pytestmark = pytest.mark.browser

PAGES = ["Scorecard", "Funnel", "Pipeline & revenue", "Campaigns", "Awareness", "Campaign plan", "Leads & SLA",
         "Charter & sign-off", "Board pack", "Explore", "Data"]
# Page → what else to click on it to bring more names on screen (the funnel split, the per-owner lead quality, the
# board pack's digest).
CLICKS = {"Funnel": ("funnel_split", "Region"), "Leads & SLA": ("leads_quality_by", "Owner"),
          "Board pack": (None, "Sales digest")}


@pytest.fixture(scope="module")
def listener() -> Iterator[dict]:
    """A local web server that answers 404 and remembers every path a browser asked it for."""
    asked: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"host": f"127.0.0.1:{server.server_address[1]}", "asked": asked}
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, streamlit_server, new_salesforce_extract, listener) -> Iterator[dict]:
    """The dashboard over the hostile warehouse (names pointing at both hosts), with the test accounts."""
    folder = tmp_path_factory.mktemp("hostile-browser")
    db_path = build_hostile_warehouse(folder, new_salesforce_extract, hosts=(HOST, listener["host"]))
    reader = warehouse.open_reader(db_path)
    try:
        _, last = warehouse.data_span(reader)
    finally:
        reader.close()
    names = hostile_names((HOST, listener["host"]))
    save_hostile_charter(db_path, f"{last.year}-Q{(last.month - 1) // 3 + 1}", names)
    secrets = folder / "secrets.toml"
    secrets.write_text("".join(f'[{users.USERS_SECTION}."{name}"]\nrole = "{account["role"]}"\n'
                               f'password_hash = "{account["password_hash"]}"\n\n'
                               for name, account in dashboard_accounts().items()), encoding="utf-8")
    with streamlit_server(db_path, secrets=secrets) as url:
        yield {"url": url, "names": names}


def _settled(page: Page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(500)


def _sign_in(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible(timeout=60_000)
    page.get_by_role("textbox", name="User name").fill("test-analyst")
    page.get_by_role("textbox", name="Password").fill(TEST_PASSWORD)
    page.get_by_test_id("stBaseButton-secondaryFormSubmit").or_(
        page.get_by_test_id("stBaseButton-primaryFormSubmit")).click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_have_count(0, timeout=60_000)
    _settled(page)


def _theirs(url: str, hosts: tuple[str, ...]) -> bool:
    """Whether `url` goes to one of the hosts (the dashboard's own URLs carry the names in their query)."""
    where = urlsplit(url).netloc
    return any(where == host or where.endswith("." + host) for host in hosts)


def _rendered_payload(page: Page, hosts: tuple[str, ...]) -> dict:
    """What Markdown or HTML made of a name: images, links, LaTeX, colours or icons pointing at, or made from, it."""
    return page.evaluate("""hosts => {
      const theirs = s => { try { const host = new URL(s).host;
                                  return hosts.some(h => host === h || host.endsWith('.' + h)); }
                            catch (error) { return false; } };
      return {
        images: [...document.querySelectorAll('img')].map(e => e.src).filter(theirs),
        links: [...document.querySelectorAll('a')].map(e => e.href).filter(theirs),
        latex: document.querySelectorAll('.katex').length,
        colours: [...document.querySelectorAll('.stMarkdownColoredText')].map(e => e.textContent)
                 .filter(t => t.includes('pwn')),
        icons: [...document.querySelectorAll('[data-testid=stMarkdownContainer] [role=img]')]
               .map(e => e.getAttribute('aria-label')).filter(t => t === 'home icon'),
      };
    }""", list(hosts))


def _visit_every_page(page: Page, hosts: tuple[str, ...]) -> dict[str, dict]:
    found = {}
    for title in PAGES:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=60_000)
        _settled(page)
        if title in CLICKS:
            key, label = CLICKS[title]
            where = page.locator(f".st-key-{key}") if key else page
            (where.get_by_role("tab", name=label) if key is None else where.get_by_text(label, exact=True)).click()
            _settled(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        found[title] = _rendered_payload(page, hosts)
    return found


def test_no_page_fetches_or_links_what_a_hostile_name_points_at(hostile_server, listener, page: Page):
    hosts = (HOST, listener["host"])
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    names = hostile_server["names"]
    filtered = urlencode({"region": names["region"], "segment": names["segment"]})
    _sign_in(page, f"{hostile_server['url']}/scorecard?{filtered}")
    expect(page.get_by_text("pwnregion").first).to_be_attached(timeout=30_000)  # the names are on screen
    with_filters = _visit_every_page(page, hosts)
    page.context.clear_cookies()  # a new session (the session cookie would keep this one signed in) …
    _sign_in(page, hostile_server["url"])  # … with no filter, so leads without an account show too
    without_filters = _visit_every_page(page, hosts)
    page.wait_for_timeout(1_000)  # an image's request would have gone by now
    assert [url for url in requests if _theirs(url, hosts)] == []
    assert listener["asked"] == []
    empty = {"images": [], "links": [], "latex": 0, "colours": [], "icons": []}
    assert {title: seen for title, seen in with_filters.items() if seen != empty} == {}
    assert {title: seen for title, seen in without_filters.items() if seen != empty} == {}
