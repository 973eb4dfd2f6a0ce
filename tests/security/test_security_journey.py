"""The account journey page over a warehouse whose names are hostile: the account's name (Markdown, HTML, a heading,
a table, a formula), its campaigns', stages' and rep's names are shown as text, in Markdown and in its chart; a link
to the page carries only the account's id, URL-encoded."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from alignment import journey, warehouse
from tests.conftest import sign_in
from tests.security.hostile_data import build_hostile_warehouse, hostile_names
from tests.security.test_security_text import APP, UNESCAPED, _chart_problems, _markdown_texts, _plotly_specs
from ui import links


@pytest.fixture(scope="module")
def hostile_account(tmp_path_factory, new_salesforce_extract) -> dict:
    db_path = build_hostile_warehouse(tmp_path_factory.mktemp("hostile-journey"), new_salesforce_extract)
    reader = warehouse.open_reader(db_path)
    try:
        names = journey.account_names(reader)
        events = {account: len(journey.timeline(reader, account)) for account in names["account_id"]}
    finally:
        reader.close()
    account = max(events, key=lambda a: (events[a], a))  # the busiest: touches, stages and deals
    return {"db": db_path, "account": account, "name": hostile_names()["account"]}


@pytest.fixture(scope="module")
def page(hostile_account) -> AppTest:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(warehouse.DB_ENV, str(hostile_account["db"]))
        at = sign_in(AppTest.from_file(APP, default_timeout=120))
        at.query_params["account"] = hostile_account["account"]
        at.run()
        at.switch_page("pages/analyse_account.py").run()
        return at


def test_the_journey_page_shows_a_hostile_account_s_names_as_text(page):
    assert not page.exception, page.exception
    texts = _markdown_texts(page)
    assert any("pwnaccount" in text for _, text in texts), "the account's name reached the page"
    # The header's facts are the page's own bold around an escaped value (layout.facts): the bold rule reads inside.
    problems = [(kind, name, text[:200]) for kind, text in texts for name, pattern in UNESCAPED.items()
                if pattern.search(text.removeprefix("**").removesuffix("**") if name == "bold" else text)]
    assert problems == []


def test_the_journey_chart_shows_hostile_names_as_text(page):
    specs = _plotly_specs(page)
    assert specs, "the journey was charted"
    assert any("pwncampaign" in str(spec) for spec in specs) and any("pwnstage" in str(spec) for spec in specs)
    assert [text for spec in specs for text in _chart_problems(spec)] == []


def test_the_picker_offers_the_hostile_name_as_plain_text(hostile_account):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(warehouse.DB_ENV, str(hostile_account["db"]))
        at = sign_in(AppTest.from_file(APP, default_timeout=120))
        at.run()
        at.switch_page("pages/analyse_account.py").run()
    assert not at.exception, at.exception
    assert any("pwnaccount" in option for option in at.selectbox(key="account_picker").options)
    assert [(k, t) for k, t in _markdown_texts(at) for p in UNESCAPED.values() if p.search(t)] == []


@pytest.mark.parametrize("account_id", ["a b&c=d#e", "../pages/x?y", "javascript:alert(1)", "<img src=x>", "[x](y)"])
def test_a_link_carries_only_the_id_url_encoded(account_id):
    link = links.account_link(account_id, "[name](http://payload.invalid) <b>")
    parts = urlsplit(link)
    assert parts.scheme == "" and parts.netloc == "" and parts.path == links.ACCOUNT_PATH and not parts.fragment
    assert parse_qs(parts.query) == {links.ACCOUNT_PARAMETER: [account_id]}
    assert "payload" not in link and "name" not in link
