"""One normal form for lead sources, channels and personas, the same in Python and in SQL, used by every map."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings, strategies as st

from alignment import macros, names, sqlfiles
from metric_fixtures import Company, run

SAMPLES = ["Paid Search", "paid_search", "paid-search", " PAID  SEARCH ", "Paid__Search", "\tpaid - search\n",
           "Decision Maker", "decision-maker", "social_organic", "Social Organic", "TV", "", "   ", "-_-", None,
           "Web", "Trade Show", "trade_show", "Événement", "e-mail"]


@pytest.mark.parametrize("name, expected", [("Paid Search", "paid_search"), ("paid-search", "paid_search"),
                                            (" PAID  SEARCH ", "paid_search"), ("Paid__Search", "paid_search"),
                                            ("\tpaid - search\n", "paid_search"), ("TV", "tv"), ("", None),
                                            ("-_-", None), (None, None), ("e-mail", "e_mail")])
def test_the_normal_form(name, expected):
    assert names.key(name) == expected


def _sql_keys(values: list) -> list:
    con = duckdb.connect()
    con.execute(sqlfiles.create_macro(macros.file("name_key")))
    return [row[0] for row in con.execute("SELECT name_key(v) FROM unnest($values) WITH ORDINALITY AS t(v, i) "
                                          "ORDER BY i", {"values": values}).fetchall()]


def test_python_and_sql_agree_on_the_samples():
    assert _sql_keys(SAMPLES) == [names.key(s) for s in SAMPLES]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.text(alphabet=st.sampled_from("aBc Z_-\t\n9é"), max_size=12), min_size=1, max_size=20))
def test_python_and_sql_agree_on_any_name(values):
    assert _sql_keys(values) == [names.key(v) for v in values]


def test_every_map_matches_by_the_normal_form():
    """A charter that says 'Paid Search', data that says 'paid_search': one source, one channel, one persona."""
    company = Company()
    company.account("A1", is_target_account=True)
    company.person("P1", "2026-07-01", account_id="A1", persona="Decision-Maker", lead_source="paid_search")
    company.event("P1", "mql", "2026-07-10")
    company.campaign("C1", "Social-Organic", actual_cost=100, start="2026-07-01", end="2026-07-31")
    company.member("C1", "P1", "2026-07-02")
    company.campaign("C2", "PAID SEARCH", actual_cost=100).member("C2", "P1", "2026-07-03")
    company.opportunity("O1", "2026-07-20", account_id="A1", amount=1000, lead_source="Paid-Search")
    con = company.connect()
    options = {"lead_source_categories": {"Paid Search": "marketing"}, "awareness_channels": ("social organic",),
               "sales_ready_personas": ("decision maker",), "interest_touches": 1}
    # Sourced: 'Paid-Search' is the charter's 'Paid Search' → marketing.
    assert run(con, "marketing_sourced_pipeline", **options)[0]["value"] == 1000.0
    # Awareness spend: C1 (100, all in July) is on channel "Social-Organic", the charter's "social organic".
    assert run(con, "awareness_spend", **options)[0]["value"] == 100.0
    # Sales-ready: 'Decision-Maker' is the charter's 'decision maker', at a target account, with a touch.
    assert run(con, "sales_ready_mqls", **options)[0]["value"] == 1
