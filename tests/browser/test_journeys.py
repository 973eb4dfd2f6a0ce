"""Three journeys end to end in a real Chromium, a screenshot at every step (tests/artifacts/journey-*.png):
(a) a first-time user: the demo company builds, Scorecard, Funnel, a bar clicked in Explore, its records downloaded;
(b) a broken file refused with the loaded numbers unchanged, then a good import that changes them;
(c) a shared Explore link opened by someone else, in a new browser, shows the same view."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from alignment import demo, users
from tests.conftest import TEST_PASSWORD, dashboard_accounts

pytestmark = pytest.mark.browser

FIRST_START_SECONDS = 150  # the demo company's build on a first start, on a busy two-core machine
QUARTER_PATTERN = re.compile(r"FY\d{2}-Q[1-4]")  # the demo company keeps a February fiscal year
CHART = ".st-key-explore_chart"
BARS = f"{CHART} .js-plotly-plot .barlayer .point"


# --- servers ---------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def first_start(tmp_path_factory, streamlit_server) -> Iterator[str]:
    """The dashboard as a first-time user starts it: an empty data folder of its own, so it builds the demo company
    (journey (a) sees the build; journey (c) reads the demo company it left)."""
    with streamlit_server(tmp_path_factory.mktemp("journey-first-start") / "warehouse.duckdb") as url:
        yield url


@pytest.fixture(scope="module")
def small_company(tmp_path_factory, streamlit_server, new_salesforce_extract) -> Iterator[dict]:
    """The small hand-made extract loaded as the demo company (so its demo accounts sign in), with a broken copy of
    it (a text in one deal's Amount) and a good, changed copy (different deal amounts) ready to import."""
    folder = tmp_path_factory.mktemp("journey-import")
    extract = new_salesforce_extract(folder / "extract")
    db_path = folder / "data" / "warehouse.duckdb"
    demo.import_as_demo([extract.folder], db_path)

    broken = new_salesforce_extract(folder / "broken")
    broken.set_cell("Opportunity.csv", 3, "Amount", "lots")  # O2, a spreadsheet's row 3

    good = new_salesforce_extract(folder / "good")
    good.set_cell("Opportunity.csv", 2, "Amount", "80000")  # O1: 50,000 → 80,000
    good.set_cell("Opportunity.csv", 3, "Amount", "30000")  # O2: 12,500.75 → 30,000
    # A real analyst account besides the demo ones: once the good copy is loaded the data is no longer the demo
    # company, and the demo accounts stop opening it.
    secrets = folder / "secrets.toml"
    secrets.write_text("".join(f'[{users.USERS_SECTION}."{name}"]\nrole = "{account["role"]}"\n'
                               f'password_hash = "{account["password_hash"]}"\n\n'
                               for name, account in dashboard_accounts().items()), encoding="utf-8")
    with streamlit_server(db_path, secrets=secrets) as url:
        yield {"url": url, "broken": sorted(broken.folder.iterdir()), "good": good.folder}


# --- helpers ---------------------------------------------------------------------------------------------------------

def _settled(page: Page) -> None:
    """Wait until the script run has finished (Streamlit shows its status widget while running)."""
    page.wait_for_timeout(300)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(300)


def _no_errors(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert "Traceback" not in page.locator("body").inner_text()


def _shot(page: Page, artifacts: Path, name: str, element=None) -> None:
    """A screenshot of the viewport, scrolled to `element` when given (Streamlit scrolls inside its main area)."""
    if element is not None:
        element.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
    page.screenshot(path=artifacts / f"{name}.png")


def _open(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=30_000)
    _settled(page)


def _params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _count(text: str) -> int:
    """The number a subheader such as "1,234 people who became MQLs" starts with."""
    match = re.match(r"\s*([\d,]+)\s", text)
    assert match, f"no count at the start of {text!r}"
    return int(match.group(1).replace(",", ""))


def _tiles(page: Page) -> dict[str, str]:
    """Every Scorecard tile's title and shown value, e.g. {"Pipeline": "$62,501"}."""
    tiles = page.locator('[class*="st-key-scorecard_tile_"]')
    expect(tiles).to_have_count(15, timeout=30_000)
    shown = {}
    for index in range(tiles.count()):
        tile = tiles.nth(index)
        link, value = tile.locator('[class*="st-key-scorecard_explore_"]'), tile.locator("strong").first
        # The title is a link, drawn after the tile itself: wait for both words before reading them.
        expect(link).to_have_text(re.compile(r"\S"), timeout=30_000)
        expect(value).to_have_text(re.compile(r"\S"), timeout=30_000)
        shown[link.inner_text().strip()] = value.inner_text().strip()
    return shown


def _scorecard(page: Page) -> dict[str, str]:
    _open(page, "Scorecard")
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_attached(timeout=30_000)
    return _tiles(page)


def _texts(svg_texts) -> list[str]:
    """The words of SVG text elements (which have no innerText)."""
    return svg_texts.evaluate_all("elements => elements.map(e => e.textContent)")


def _chosen(page: Page, key: str) -> str:
    """The option a selectbox shows as chosen."""
    return page.locator(f".st-key-{key} input[role=combobox]").input_value().strip()


def _explore_view(page: Page) -> dict:
    """What the Explore page shows: its widgets' values, the chart's bars and the records' count."""
    expect(page.locator(BARS).first).to_be_attached(timeout=30_000)
    chart = page.locator(CHART)
    filters = {}
    for box in page.locator('[class*="st-key-explore_filter_"]').all():
        key = next(c for c in box.get_attribute("class").split() if c.startswith("st-key-explore_filter_"))
        chips = box.locator("[data-tag]").evaluate_all("tags => tags.map(t => t.getAttribute('aria-label'))")
        filters[key.removeprefix("st-key-explore_filter_")] = sorted(chips)
    return {
        "quarter": _chosen(page, "filter_quarter"),
        "metric": _chosen(page, "explore_metric"),
        "by": _chosen(page, "explore_by"),
        "pick": _chosen(page, "explore_pick"),
        "filters": filters,
        "bar labels": _texts(chart.locator(".yaxislayer-above .ytick text")),  # horizontal bars: groups on y
        "bar values": _texts(page.locator(f"{BARS} text")),
        "records": page.get_by_test_id("stHeading").filter(has_text=re.compile(r"^\s*[\d,]+ ")).first.inner_text(),
    }


def _click_bar(page: Page, index: int) -> str:
    """Click the `index`-th bar of the Explore chart where a person would (its middle); returns its value label."""
    bar = page.locator(BARS).nth(index)
    value = bar.locator("text").text_content()
    box = bar.locator("path").bounding_box()
    assert box and box["width"] > 2 and box["height"] > 2, f"bar {index} is not drawn: {box}"
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    return value


# --- (a) the first-time user ----------------------------------------------------------------------------------------

def test_first_time_user_from_an_empty_folder_to_a_downloaded_bar(first_start, page: Page, artifacts, sign_in):
    page.goto(first_start)
    expect(page.get_by_text("Setting up the demo company")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stProgress")).to_be_visible()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    _shot(page, artifacts, "journey-a-01-building-the-demo")

    expect(page.get_by_text("Demo accounts")).to_be_visible(timeout=FIRST_START_SECONDS * 1000)
    _shot(page, artifacts, "journey-a-02-sign-in")

    sign_in(page, first_start, "analyst")
    expect(page.get_by_role("heading", name="Scorecard", exact=True)).to_be_visible(timeout=60_000)
    _settled(page)
    tiles = _tiles(page)
    assert all(value and value != "—" for value in tiles.values()), tiles
    quarter = _chosen(page, "filter_quarter")
    assert QUARTER_PATTERN.fullmatch(quarter), quarter
    _no_errors(page)
    _shot(page, artifacts, "journey-a-03-scorecard")

    _open(page, "Funnel")
    waterfall = page.locator(".st-key-funnel_waterfall")
    expect(waterfall.locator(".main-svg").first).to_be_attached(timeout=30_000)
    expect(page.get_by_role("heading", name=re.compile("^Waterfall"))).to_be_visible()
    assert waterfall.locator(".barlayer .point").count() >= 4, "the waterfall has fewer than four stages"
    _no_errors(page)
    _shot(page, artifacts, "journey-a-04-funnel", waterfall)

    # Explore, opened from a link: MQLs by channel in the quarter. Opening a URL starts a new session, which the
    # browser's session cookie keeps signed in: it lands on the linked page without asking for the password again.
    page.goto(f"{first_start}/explore?metric=mqls&by=channel&quarter={quarter}")
    expect(page.get_by_role("heading", name="Explore", exact=True)).to_be_visible(timeout=60_000)
    _settled(page)
    before = _explore_view(page)
    _shot(page, artifacts, "journey-a-05-explore")
    assert before["metric"].endswith("MQLs") and before["by"] == "Channel", before
    assert before["pick"] not in before["bar labels"] and "pick" not in _params(page), before
    bars = page.locator(BARS)
    assert bars.count() >= 3, before
    total = _count(before["records"])
    assert total == sum(int(v.replace(",", "")) for v in before["bar values"]), before
    _no_errors(page)

    # A click on the second bar picks its group: the URL, the picker and the records all become that group's.
    value = int(_click_bar(page, 1).replace(",", ""))
    expect(page).to_have_url(re.compile(r"[?&]pick="), timeout=30_000)
    _settled(page)
    after = _explore_view(page)
    _shot(page, artifacts, "journey-a-06-explore-bar-clicked")
    picked = _params(page)["pick"][0]
    assert after["pick"] in after["bar labels"], after
    assert _count(after["records"]) == value != total, (value, after)
    _no_errors(page)

    records = page.get_by_test_id("stDataFrame")
    expect(records).to_be_visible()
    download_button = page.locator(".st-key-explore_records_csv").get_by_role("button", name="Download CSV")
    _shot(page, artifacts, "journey-a-07-explore-records", download_button)
    with page.expect_download() as download:
        download_button.click()
    assert download.value.suggested_filename == f"mqls-{quarter}-{picked}.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) == value, f"the CSV holds {len(rows)} rows, the page says {value}"
    assert {"Person", "MQL", "First-touch channel"} <= set(rows[0]), list(rows[0])
    _no_errors(page)


# --- (b) a broken file, then a good one ------------------------------------------------------------------------------

def test_a_broken_import_changes_nothing_and_a_good_one_changes_the_numbers(small_company, page: Page, artifacts,
                                                                            sign_in):
    url = small_company["url"]
    sign_in(page, url, "analyst")
    expect(page.get_by_role("heading", name="Scorecard", exact=True)).to_be_visible(timeout=60_000)
    _settled(page)
    before = _tiles(page)
    _shot(page, artifacts, "journey-b-01-scorecard-before")

    # Upload the whole extract with one deal's Amount a word: refused, with the file, row and column named.
    _open(page, "Data")
    page.get_by_role("tab", name="Import extracts").click()
    page.locator('[class*="st-key-data_uploads_"] input[type="file"]').set_input_files(small_company["broken"])
    expect(page.get_by_test_id("stFileChip").first).to_be_visible(timeout=30_000)
    import_button = page.locator(".st-key-data_import").get_by_role("button")
    expect(import_button).to_be_enabled(timeout=30_000)
    _shot(page, artifacts, "journey-b-02-broken-files-chosen")
    import_button.click()
    refusal = page.get_by_test_id("stAlertContentError").filter(has_text="Import refused")
    expect(refusal).to_be_visible(timeout=60_000)
    _settled(page)
    expect(refusal).to_contain_text("1 problem in 1 file")
    expect(refusal).to_contain_text("The loaded data is unchanged")
    sentences = page.get_by_test_id("stText").filter(has_text="Opportunity.csv").first
    expect(sentences).to_contain_text("Amount")
    expect(sentences).to_contain_text("3")
    expect(sentences).to_contain_text("lots")
    expect(sentences).to_contain_text("not a number")
    _no_errors(page)
    _shot(page, artifacts, "journey-b-03-refused", refusal)

    assert _scorecard(page) == before
    _shot(page, artifacts, "journey-b-04-scorecard-unchanged")

    # The good copy, from a folder on the server: loaded, and the deal numbers change.
    _open(page, "Data")
    page.get_by_role("tab", name="Import extracts").click()
    page.get_by_test_id("stRadio").get_by_text("A folder on the server").click()
    folder = page.get_by_role("textbox", name="Folder on the server")
    folder.fill(str(small_company["good"]))
    folder.press("Enter")
    _settled(page)
    expect(import_button).to_be_enabled(timeout=30_000)
    _shot(page, artifacts, "journey-b-05-good-folder-chosen")
    import_button.click()
    loaded = page.get_by_test_id("stAlertContentSuccess").filter(has_text="Import complete")
    signed_out = page.get_by_role("heading", name="Sign in", exact=True)
    expect(loaded.or_(signed_out)).to_be_visible(timeout=120_000)
    if loaded.is_visible():
        _shot(page, artifacts, "journey-b-06-imported", loaded)
        page.get_by_test_id("stSidebarNav").get_by_text("Scorecard", exact=True).click()
    # The demo company is gone, so the demo account is signed out, saying why; the analyst signs in with their own.
    expect(signed_out).to_be_visible(timeout=60_000)
    expect(page.get_by_text("demo accounts no longer open the dashboard")).to_be_visible(timeout=30_000)
    _shot(page, artifacts, "journey-b-06-imported-demo-signed-out")
    page.get_by_role("textbox", name="User name").fill("test-analyst")
    page.get_by_role("textbox", name="Password").fill(TEST_PASSWORD)
    page.get_by_test_id("stBaseButton-secondaryFormSubmit").or_(
        page.get_by_test_id("stBaseButton-primaryFormSubmit")).click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_have_count(0, timeout=60_000)
    _no_errors(page)

    after = _scorecard(page)
    _shot(page, artifacts, "journey-b-07-scorecard-after")
    changed = {title: (before[title], after[title]) for title in before if before[title] != after.get(title)}
    assert set(after) == set(before)
    assert "Pipeline" in changed, f"the pipeline did not change: {after}"  # 62,501 → 110,000
    assert "MQLs" not in changed and "Inquiries" not in changed, changed  # the people are the same
    _no_errors(page)


# --- (c) a shared Explore link ----------------------------------------------------------------------------------------

def test_a_shared_explore_link_opens_the_same_view_in_a_new_browser(first_start, page: Page, browser: Browser,
                                                                    browser_context_args, artifacts, sign_in):
    # Wait for the demo company, should this journey run on its own (journey (a) normally built it).
    page.goto(first_start)
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible(
        timeout=FIRST_START_SECONDS * 1000)
    sign_in(page, first_start, "analyst")
    expect(page.get_by_role("heading", name="Scorecard", exact=True)).to_be_visible(timeout=60_000)
    _settled(page)
    quarter = _chosen(page, "filter_quarter")
    assert QUARTER_PATTERN.fullmatch(quarter), quarter

    link = f"{first_start}/explore?metric=mqls&by=channel&persona=decision_maker&pick=webinar&quarter={quarter}"
    page.goto(link)  # a link opened starts a new session, still signed in by the browser's session cookie
    expect(page.get_by_role("heading", name="Explore", exact=True)).to_be_visible(timeout=60_000)
    _settled(page)
    shared = _explore_view(page)
    _shot(page, artifacts, "journey-c-01-explore-link")
    _shot(page, artifacts, "journey-c-02-explore-link-chart", page.locator(CHART))
    assert shared["quarter"] == quarter and shared["by"] == "Channel" and shared["pick"] == "Webinar", shared
    assert shared["filters"].get("persona") == ["Decision maker"], shared
    assert "Webinar" in shared["bar labels"], shared
    assert _count(shared["records"]) > 0
    shared_url = page.url
    assert _params(page)["pick"] == ["webinar"] and _params(page)["persona"] == ["decision_maker"], shared_url
    _no_errors(page)

    # Someone else opens the same link in a browser of their own and signs in there.
    context = browser.new_context(**browser_context_args)
    try:
        other = context.new_page()
        sign_in(other, shared_url, "viewer")
        expect(other.get_by_role("heading", name="Explore", exact=True)).to_be_visible(timeout=60_000)
        _settled(other)
        seen = _explore_view(other)
        _shot(other, artifacts, "journey-c-03-same-link-new-browser")
        _shot(other, artifacts, "journey-c-04-same-link-new-browser-chart", other.locator(CHART))
        assert seen == shared
        assert _params(other) == _params(page)
        _no_errors(other)
        records = other.get_by_test_id("stDataFrame")
        expect(records).to_be_visible()
        _shot(other, artifacts, "journey-c-05-same-records-new-browser", records)
    finally:
        context.close()
