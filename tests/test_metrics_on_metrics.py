"""Metrics built on metrics: `uses:` names exactly the metric macros a file calls, macros are made in dependency order,
cycles are refused, and ratios read their bases instead of counting again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from alignment import catalog
from metric_fixtures import Company

CATALOG = catalog.load_catalog()
# The ratios of the catalog and the metrics they are built from (DESIGN §4.6 and STYLE 2: built once, from the bases).
RATIOS = {
    "cost_per_inquiry": {"marketing_spend", "inquiries"},
    "cost_per_mql": {"marketing_spend", "mqls"},
    "cost_per_sal": {"marketing_spend", "sals"},
    "cost_per_sql": {"marketing_spend", "sqls"},
    "cost_per_opportunity": {"marketing_spend", "opportunities_created"},
    "cost_per_sales_ready_lead": {"marketing_spend", "sales_ready_mqls"},
    "cac": {"marketing_spend", "new_customers"},
    "share_sourced_by_marketing": {"marketing_sourced_pipeline", "pipeline"},
    "average_deal_size": {"bookings"},
    "pipeline_roi": {"marketing_spend", "marketing_influenced_pipeline"},
    "bookings_roi": {"marketing_spend"},
    "campaign_results": {"lead_quality_by_campaign"},
    "channel_results": {"lead_quality_by_channel"},
}


def header(name: str, uses: str, sql: str, parameters: str = "quarter_start, quarter_end") -> str:
    fields = {"name": name, "title": "Demo", "definition": "People who did something in the quarter.",
              "unit": "count", "owner": "sales", "funnel_role": "sales", "direction": "up", "pairs_with": "",
              "grain": "one row for the quarter", "kind": "headline", "parameters": parameters, "needs": "people",
              "uses": uses, "measures": "person_stage_dates", "records": "people inquiry"}
    lines = [f"-- {key}: {text}" for key, text in fields.items()]
    return "\n".join(lines + ["-- columns:", "--   value: how many", sql])


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_uses_lists_exactly_the_metric_macros_the_sql_calls(name):
    metric = CATALOG[name]
    code = "\n".join(line.split("--", 1)[0] for line in metric.sql.splitlines())
    assert set(metric.uses) == set(re.findall(r"\bmetric_(\w+)\s*\(", code))
    # A metric built on others is measured only when they are, and measures what they measure.
    for used in metric.uses:
        assert set(CATALOG[used].needs) <= set(metric.needs), f"{name} needs what {used} needs"
        assert set(CATALOG[used].measures) <= set(metric.measures), f"{name} measures what {used} measures"


def test_ratios_read_their_bases():
    assert {name: set(CATALOG[name].uses) for name in RATIOS} == RATIOS
    # None of them counts people, deals or spend itself any more; the results tables take lead quality as it is.
    for name in RATIOS:
        counts = r"period_mql_quality" if name.endswith("_results") else \
            r"person_stages|period_mql_quality|campaign_costs|deals\(\)|opportunity_sources"
        assert not re.search(counts, CATALOG[name].sql), name


@pytest.mark.parametrize(("uses", "sql", "message"), [
    ("", "SELECT value FROM metric_mqls($quarter_start, $quarter_end, NULL, NULL, true)",
     r"calls the metrics \['mqls'\]"),
    ("mqls", "SELECT count(*) AS value FROM people WHERE created_at >= $quarter_start AND created_at < $quarter_end",
     r"uses lists \['mqls'\]"),
])
def test_a_header_whose_uses_differs_from_its_sql_is_refused(uses, sql, message):
    with pytest.raises(ValidationError, match=message):
        catalog.parse_metric(header("demo_metric", uses, sql))


def write(folder: Path, name: str, uses: str, sql: str) -> None:
    (folder / f"{name}.sql").write_text(header(name, uses, sql), encoding="utf-8")


def test_a_cycle_is_refused_naming_it(tmp_path):
    write(tmp_path, "first", "second", "SELECT value FROM metric_second($quarter_start, $quarter_end)")
    write(tmp_path, "second", "third", "SELECT value FROM metric_third($quarter_start, $quarter_end)")
    write(tmp_path, "third", "first", "SELECT value FROM metric_first($quarter_start, $quarter_end)")
    with pytest.raises(ValueError, match="in a cycle: (first uses second uses third uses first|second uses third uses "
                                         "first uses second|third uses first uses second uses third)"):
        catalog.load_catalog(tmp_path)


def test_a_metric_built_on_itself_is_a_cycle(tmp_path):
    write(tmp_path, "itself", "itself", "SELECT value FROM metric_itself($quarter_start, $quarter_end)")
    with pytest.raises(ValueError, match="in a cycle: itself uses itself"):
        catalog.load_catalog(tmp_path)


def test_a_metric_used_with_the_wrong_arguments_or_missing_is_refused(tmp_path):
    write(tmp_path, "base", "", "SELECT count(*) AS value FROM people "
                                "WHERE created_at >= $quarter_start AND created_at < $quarter_end")
    write(tmp_path, "ratio", "base",
          "SELECT 1 / value AS value FROM metric_base($quarter_start) WHERE $quarter_end IS NOT NULL")
    with pytest.raises(ValueError, match=r"metric_base takes 2 arguments, its parameters in order \(quarter_start, "
                                         r"quarter_end\), but is called with 1"):
        catalog.load_catalog(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    write(other, "ratio", "nowhere", "SELECT value FROM metric_nowhere($quarter_start, $quarter_end)")
    with pytest.raises(ValueError, match="uses 'nowhere', which is not a metric of the catalog"):
        catalog.load_catalog(other)


def test_macros_are_made_after_the_metrics_they_use():
    order = catalog.dependency_order(CATALOG)
    assert sorted(order) == sorted(CATALOG)
    for name, metric in CATALOG.items():
        assert all(order.index(used) < order.index(name) for used in metric.uses), name
    made = [re.match(r"CREATE OR REPLACE MACRO \"?metric_(\w+)\"?\(", statement).group(1)
            for statement in catalog._metric_macros(catalog._resolved(catalog.METRICS_DIR))]
    assert made == order


@pytest.fixture(scope="module")
def company():
    """Q3 2026: a webinar costing 920 over its 92 days (all in Q3), two people, one at EMEA, both MQLs, one SAL; a deal
    of 600 created and won in the quarter at EMEA (its account's first win)."""
    company = Company().account("A1", region="EMEA").account("A2", region="NA")
    company.person("P1", "2026-07-02", account_id="A1").event("P1", "mql", "2026-07-03")
    company.event("P1", "sal", "2026-07-04")
    company.person("P2", "2026-07-05", account_id="A2").event("P2", "mql", "2026-07-06")
    company.opportunity("O1", "2026-07-10", account_id="A1", amount=600, close_date="2026-08-01", is_closed=True,
                        is_won=True)
    company.campaign("C1", "webinar", start="2026-07-01", end="2026-09-30", actual_cost=920)
    return company.connect()


def test_ratios_built_on_bases_worked_by_hand(company):
    quarter = {"quarter": "2026-Q3"}
    # 920 spent; 2 MQLs company-wide (the region filter does not reach cost, nor the MQLs it is divided by): 460.
    assert catalog.run(company, "cost_per_mql", quarter).to_dict("records") == [
        {"value": 460.0, "marketing_spend": 920.0, "people": 2}]
    assert catalog.value(company, "cost_per_mql", {**quarter, "region": "EMEA"}) == 460.0
    assert catalog.value(company, "cost_per_sal", quarter) == 920.0
    assert catalog.value(company, "cost_per_inquiry", quarter) == 460.0
    assert catalog.value(company, "cost_per_opportunity", quarter) == 920.0
    assert catalog.value(company, "cac", quarter) == 920.0
    assert catalog.value(company, "average_deal_size", quarter) == 600.0
    assert catalog.value(company, "average_deal_size", {**quarter, "region": "NA"}) is None
    # The 8-quarter trend evaluates the ratio through its macro, which reads the bases' macros, in one query.
    trend = catalog.compare(company, "cost_per_mql", quarter)
    assert [point.value for point in trend.trend] == [None] * 7 + [460.0]
    assert catalog.trend_strategy["cost_per_mql"] == "lateral"
