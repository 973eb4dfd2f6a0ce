"""The metric catalog: every header, every parameter, every name pages and exports use; run, compare, CLI helpers."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import duckdb
import pytest
from pydantic import ValidationError

from alignment import catalog, warehouse
from metric_fixtures import Company, run, value

ROOT = Path(__file__).resolve().parent.parent

# Every metric name the product relies on (DESIGN §5's starting catalog without the attribution-dependent ones, the
# waterfall views and the breakdowns the pages show). Pages and exports add the names they use here.
REQUIRED_METRICS = [
    "awareness_spend", "impressions", "reach", "site_visits", "awareness_sourced_inquiries",
    "inquiries", "mqls", "sals", "sqls", "opportunities", "won", "opportunities_created",
    "acceptance_rate", "rejected", "disqualified", "rejection_reasons", "disqualification_reasons",
    "median_hours_to_follow_up", "sla_met_share", "never_followed_up", "follow_up_distribution", "follow_up_by_owner",
    "lead_quality", "sales_ready_mqls", "lead_quality_by_campaign", "lead_quality_by_channel",
    "lead_quality_by_segment", "lead_quality_by_owner", "engaged_accounts", "engaged_people",
    "marketing_spend", "campaign_cost", "cost_per_inquiry", "cost_per_mql", "cost_per_sal", "cost_per_sql",
    "cost_per_opportunity", "cost_per_sales_ready_lead", "cac", "new_customers",
    "pipeline", "marketing_sourced_pipeline", "share_sourced_by_marketing", "pipeline_by_source",
    "bookings", "marketing_sourced_bookings", "win_rate_count", "win_rate_value", "average_deal_size",
    "sales_cycle_days", "funnel_period", "funnel_cohort", "funnel_deals",
    "marketing_influenced_pipeline", "marketing_influenced_bookings", "pipeline_roi", "bookings_roi",
    "campaign_results", "channel_results", "awareness_by_channel", "deals_by_owner", "campaign_plan",
    "weekly_campaign_spend", "weekly_pipeline_created", "weekly_inquiries", "weekly_awareness_metrics",
    "account_coverage", "account_engagement", "engaged_target_accounts",
]
# Where pages and exports name metrics; every catalog call there must name a metric that exists.
CONSUMERS = ["app.py", "pages", "ui", "alignment/board", "alignment/cli.py", "alignment/charter.py",
             "alignment/campaigns.py", "alignment/quadrant.py", "alignment/awareness.py", "alignment/plan.py",
             "alignment/accounts.py"]
CATALOG_CALL = re.compile(r"""catalog\.(?:run|value|compare|spec)\(\s*[\w.]+\s*,\s*["']([a-z_0-9]+)["']""")


@pytest.fixture(scope="module")
def company() -> duckdb.DuckDBPyConnection:
    """One of everything, so every metric has rows to return."""
    company = Company().account("A1", region="EMEA", segment="SMB", is_target_account=True).user("U1", "Ana")
    company.person("P1", "2026-07-02", account_id="A1", persona="decision_maker", lead_source="Web", owner_id="U1")
    company.event("P1", "mql", "2026-07-03").event("P1", "rejected", "2026-07-03 01:00", "Timing")
    company.event("P1", "disqualified", "2026-07-04", "No budget").activity("T1", "P1", "2026-07-03 05:00")
    company.opportunity("O1", "2026-07-10", account_id="A1", amount=100, close_date="2026-08-01", is_closed=True,
                        is_won=True)
    company.contact_role("O1", "P1", is_primary=True)
    company.campaign("C1", "webinar", start="2026-07-01", end="2026-07-10", actual_cost=1000)
    company.member("C1", "P1", "2026-07-01").member("C1", "P1", "2026-07-02")
    company.awareness("2026-07-01", "tv", "impressions", 1000)
    return company.connect()


@pytest.fixture(scope="module")
def empty() -> duckdb.DuckDBPyConnection:
    return Company().connect()


def test_every_required_metric_exists():
    assert sorted(set(REQUIRED_METRICS) - set(catalog.load_catalog())) == []


def test_every_metric_name_used_by_pages_and_exports_exists():
    used = set()
    for consumer in CONSUMERS:
        path = ROOT / consumer
        files = [path] if path.is_file() else sorted(path.rglob("*.py")) if path.is_dir() else []
        for file in files:
            used |= set(CATALOG_CALL.findall(file.read_text(encoding="utf-8")))
    assert sorted(used - set(catalog.load_catalog())) == []


@pytest.mark.parametrize("path", sorted((ROOT / "metrics").glob("*.sql")), ids=lambda p: p.stem)
def test_every_header_field_is_written_out(path):
    text = path.read_text(encoding="utf-8")
    declared = re.findall(r"^-- (\w+):", text, flags=re.MULTILINE)
    assert declared == list(catalog.HEADER_FIELDS), f"{path.name}: write every header field, in this order"
    metric = catalog.load_catalog()[path.stem]
    assert metric.name == path.stem
    assert metric.definition[0].isupper() and metric.definition.endswith(".")
    assert metric.grain and metric.columns
    if metric.kind == "headline":
        assert metric.grain.startswith("one row for the quarter")
        assert next(iter(metric.columns)) == "value"
    if metric.funnel_role in ("awareness", "demand_gen"):
        paired = catalog.load_catalog()[metric.pairs_with]
        assert paired.funnel_role == "sales" and paired.kind == "headline", f"{metric.name} pairs with a sales metric"
    else:
        assert metric.pairs_with is None
    # Values reach the SQL only as named parameters: no formatting placeholders, no positional parameters.
    assert not re.search(r"\{|%s|\?", metric.sql)


@pytest.mark.parametrize("name", sorted(catalog.load_catalog()))
def test_every_parameter_is_declared_and_bindable(name, company, empty):
    metric = catalog.spec(name)
    assert catalog.sql_parameters(metric.sql) == set(metric.parameters)
    bound = catalog.bind(metric, catalog.Filters(quarter="2026-Q3", region="EMEA", segment="SMB"),
                         catalog.Definitions())
    assert set(bound) == set(metric.parameters)
    # The declared columns are exactly the output columns, in order, with data and on an empty warehouse.
    for con in (company, empty):
        frame = catalog.run(con, name, {"quarter": "2026-Q3"})
        assert list(frame.columns) == list(metric.columns)
    frame = catalog.run(company, name, {"quarter": "2026-Q3", "region": "EMEA", "segment": "SMB"})
    assert len(frame) >= 1 or metric.kind == "breakdown"


@pytest.mark.parametrize("name", sorted(catalog.load_catalog()))
def test_an_empty_quarter_gives_no_rows_or_an_empty_or_zero_value(name, company):
    metric = catalog.spec(name)
    rows = run(company, name, "2031-Q2")
    if metric.kind == "breakdown":
        assert rows == []
    else:
        assert len(rows) == 1 and rows[0]["value"] in (0, None)


def header(**changes: str) -> str:
    fields = {"name": "demo_metric", "title": "Demo", "definition": "People who did something in the quarter.",
              "unit": "count", "owner": "marketing", "funnel_role": "demand_gen", "direction": "up",
              "pairs_with": "pipeline", "grain": "one row for the quarter", "kind": "headline",
              "parameters": "quarter_start, quarter_end", "needs": "people", "uses": "",
              "measures": "person_stage_dates", "records": "people inquiry"}
    fields.update(changes)
    lines = [f"-- {key}: {text}" for key, text in fields.items()]
    return "\n".join(lines + ["-- columns:", "--   value: how many", "SELECT count(*) AS value FROM people",
                              "WHERE created_at >= $quarter_start AND created_at < $quarter_end"])


def test_a_valid_header_parses():
    metric = catalog.parse_metric(header())
    assert metric.parameters == ("quarter_start", "quarter_end")
    assert metric.needs == ("people",)
    assert metric.columns == {"value": "how many"}
    assert metric.filters == ()


@pytest.mark.parametrize(("changes", "message"), [
    ({"unit": "dollars"}, "unit"),
    ({"pairs_with": ""}, "names the sales metric it feeds in pairs_with"),
    ({"parameters": "quarter_start"}, "declares"),
    ({"parameters": "quarter_start, quarter_end, colour"}, "unknown parameters"),
    ({"definition": "Two sentences. Not one."}, "one plain sentence"),
    ({"name": "Bad Name"}, "pattern"),
    ({"measures": ""}, "names the tables it measures"),
    ({"records": ""}, "the records behind its number"),
])
def test_an_invalid_header_says_what_to_fix(changes, message):
    with pytest.raises(ValidationError, match=message):
        catalog.parse_metric(header(**changes))


def test_an_unknown_header_field_is_refused():
    with pytest.raises(ValueError, match="unknown header fields"):
        catalog.parse_metric("-- colour: red\n" + header())


def test_filters_and_definitions_validate_their_input():
    assert catalog.Filters(quarter="2026-Q3", region=" ").region is None
    with pytest.raises(ValidationError, match="write it like 2026-Q3"):
        catalog.Filters(quarter="Q3 2026")
    with pytest.raises(ValidationError, match="split"):
        catalog.Filters(quarter="2026-Q3", split="colour")
    with pytest.raises(ValidationError, match="stage_policy"):
        catalog.Definitions(stage_policy="optimistic")
    with pytest.raises(ValidationError, match="sla_hours"):
        catalog.Definitions(sla_hours=0)
    definitions = catalog.Definitions(lead_source_categories={" Trade Show ": "marketing"},
                                      sales_ready_personas=("Decision Maker",))
    assert definitions.lead_source_categories == {"trade show": "marketing"}
    assert definitions.sales_ready_personas == ("decision_maker",)
    assert definitions.target_for("acceptance_rate") == 0.9
    assert catalog.Definitions(targets={"mqls": 40}).target_for("mqls") == 40


def test_user_text_is_bound_not_formatted(company):
    # A region full of SQL is just a region nobody has.
    assert value(company, "mqls", region="EMEA' OR '1'='1") == 0
    assert value(company, "mqls", region="EMEA") == 1


@pytest.fixture(scope="module")
def trend() -> duckdb.DuckDBPyConnection:
    """MQLs per quarter: 2024-Q4 1, 2025-Q3 2, 2026-Q2 3, 2026-Q3 5 (each on the quarter's first day)."""
    company = Company()
    number = 0
    for first_day, count in (("2024-10-01", 1), ("2025-07-01", 2), ("2026-04-01", 3), ("2026-07-01", 5)):
        for _ in range(count):
            number += 1
            company.person(f"P{number}", "2024-01-01").event(f"P{number}", "mql", first_day)
            if number % 2:
                company.event(f"P{number}", "sal", first_day)
            else:
                company.event(f"P{number}", "rejected", first_day)
    return company.connect()


def test_compare_gives_last_quarter_last_year_and_eight_quarters(trend):
    comparison = catalog.compare(trend, "mqls", {"quarter": "2026-Q3"})
    assert (comparison.value, comparison.last_quarter, comparison.same_quarter_last_year) == (5, 3, 2)
    assert (comparison.change_vs_last_quarter, comparison.change_vs_last_year) == (2, 3)
    assert [(p.quarter, p.value) for p in comparison.trend] == [
        ("2024-Q4", 1), ("2025-Q1", 0), ("2025-Q2", 0), ("2025-Q3", 2), ("2025-Q4", 0), ("2026-Q1", 0),
        ("2026-Q2", 3), ("2026-Q3", 5)]
    assert comparison.target is None
    # Acceptance: P1..P11 alternate SAL (odd) / rejected (even). 2026-Q3 holds P7..P11 → P7, P9, P11 accepted = 3/5;
    # 2026-Q2 holds P4..P6 → P5 accepted = 1/3; 2025-Q4 had no MQL → empty, and so is the change.
    acceptance = catalog.compare(trend, "acceptance_rate", {"quarter": "2026-Q3"})
    assert acceptance.value == pytest.approx(3 / 5) and acceptance.last_quarter == pytest.approx(1 / 3)
    assert acceptance.target == 0.9
    assert catalog.compare(trend, "acceptance_rate", {"quarter": "2025-Q4"}).change_vs_last_quarter is None
    with pytest.raises(ValueError, match="breakdown"):
        catalog.compare(trend, "funnel_period", {"quarter": "2026-Q3"})


def test_metrics_for_quarter_lists_every_headline_metric(trend):
    rows = catalog.metrics_for_quarter(trend, {"quarter": "2026-Q3"})
    headlines = [m.name for m in catalog.headline_metrics()]
    assert [r["name"] for r in rows] == headlines
    assert all(set(r) == {"name", "title", "value", "unit", "not_measured"} for r in rows)
    by_name = {r["name"]: r for r in rows}
    assert by_name["mqls"] == {"name": "mqls", "title": "MQLs", "value": 5, "unit": "count", "not_measured": None}
    assert by_name["acceptance_rate"]["value"] == pytest.approx(0.6)
    assert by_name["win_rate_count"]["value"] is None


def test_funnel_for_the_cli(trend):
    frame = catalog.funnel(trend, {"quarter": "2026-Q3"}, view="period")
    assert list(frame["stage"]) == list(catalog.FUNNEL_STAGES)
    assert list(frame["people"]) == [0, 5, 3, 0, 0, 0]  # P7..P11 became MQLs; P7, P9, P11 SALs
    with pytest.raises(ValueError, match="period' or 'cohort"):
        catalog.funnel(trend, {"quarter": "2026-Q3"}, view="sideways")


def test_metrics_run_on_the_read_only_warehouse_from_many_threads(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    company = Company().account("A1", region="EMEA")
    for number in range(4):
        company.person(f"P{number}", "2026-07-02", account_id="A1").event(f"P{number}", "mql", "2026-07-03")
    company.connect(path).close()
    reader = warehouse.open_reader(path)
    results, errors = [], []

    def work() -> None:
        try:
            for _ in range(3):
                results.append(catalog.value(reader, "mqls", {"quarter": "2026-Q3", "region": "EMEA"}))
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reader.close()
    assert errors == [] and results == [4] * 12
