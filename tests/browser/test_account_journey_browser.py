"""The account journey page in a real Chromium: opened from its link, its header, chart and tables drawn, no errors,
a screenshot saved."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from alignment import journey, warehouse

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def journey_server(demo_db, streamlit_server, tmp_path_factory) -> Iterator[tuple[str, str, str]]:
    """The dashboard on a copy of the session's demo company (its server writes nothing beside the shared one), and
    the account with the most people."""
    copy = tmp_path_factory.mktemp("journey-data") / "warehouse.duckdb"
    copy.write_bytes(Path(demo_db).read_bytes())
    reader = warehouse.open_reader(copy)
    try:
        names = journey.account_names(reader)
        busiest = max(names["account_id"], key=lambda a: (len(journey.timeline(reader, a)), a))
        name = str(names.set_index("account_id").loc[busiest, "account_name"])
    finally:
        reader.close()
    with streamlit_server(copy) as url:
        yield url, busiest, name


def test_the_journey_opens_from_its_link_with_chart_and_tables(page: Page, journey_server, sign_in, artifacts):
    url, account, name = journey_server
    sign_in(page, f"{url}/account?account={account}&quarter=2026-Q3")
    expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=60_000)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    expect(page.get_by_test_id("stPlotlyChart").first.locator(".main-svg").first).to_be_attached(timeout=30_000)
    expect(page.get_by_test_id("stDataFrame").nth(2)).to_be_attached(timeout=30_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert "Traceback" not in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "account-journey.png"), full_page=False)
