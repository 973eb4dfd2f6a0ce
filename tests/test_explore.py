"""Explore: a catalog metric grouped by a whitelisted dimension, down to its records, worked by hand and checked
against the catalog on the demo company; and every outside value refused or bound, never run."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from alignment import catalog, explore, warehouse
from tests.metric_fixtures import Company

Q = "2026-Q3"


def _company() -> Company:
    """Quarter 2026-Q3, worked by hand:

    Accounts A1 (EMEA, Enterprise, Software) and A2 (NA, SMB, Retail). Owners u1 Ana, u2 Ben.
    Deals opened in Q3: O1 10,000 (A1, u1, primary campaign E1 email, won 08-15), O2 4,000 (A1, u2, no campaign),
    O3 6,000 (A2, u1, primary campaign W1 webinar, lost 09-01). O4 5,000 (A2) was opened in Q2 and won 09-10.
    Pipeline 20,000: by region EMEA 14,000, NA 6,000; by owner Ana 16,000, Ben 4,000; by channel email 10,000,
    webinar 6,000, (none) 4,000. Bookings: O1 10,000 + O4 5,000; by region EMEA 10,000, NA 5,000.
    People: p1 (A1, first touch E1 07-02, MQL 07-05), p2 (A2, first touch W1 07-03, MQL 07-06), p3 (A1, no touch,
    MQL 07-07). MQLs 3: by channel email 1, webinar 1, (none) 1; by region EMEA 2, NA 1.
    Spend in Q3: E1 1,000, W1 3,000. Cost per MQL by channel: email 1,000 / 1 = 1,000; webinar 3,000 / 1 = 3,000.
    """
    c = Company()
    c.account("A1", region="EMEA", segment="Enterprise").account("A2", region="NA", segment="SMB")
    c.rows["accounts"][0]["industry"] = "Software"
    c.rows["accounts"][1]["industry"] = "Retail"
    c.user("u1", "Ana").user("u2", "Ben")
    c.campaign("E1", "email", start="2026-07-01", end="2026-07-31", actual_cost=1000.0)
    c.campaign("W1", "webinar", start="2026-07-01", end="2026-09-30", actual_cost=3000.0)
    c.person("p1", "2026-06-01", kind="contact", account_id="A1", owner_id="u1", lead_source="Webinar")
    c.person("p2", "2026-06-01", kind="contact", account_id="A2", owner_id="u2", lead_source="Sales Outbound")
    c.person("p3", "2026-06-01", kind="contact", account_id="A1", owner_id="u1")
    c.member("E1", "p1", "2026-07-02 09:00").member("W1", "p2", "2026-07-03 09:00")
    c.event("p1", "mql", "2026-07-05").event("p2", "mql", "2026-07-06").event("p3", "mql", "2026-07-07")
    c.opportunity("O1", "2026-07-10", account_id="A1", amount=10000.0, close_date="2026-08-15", is_closed=True,
                  is_won=True, primary_campaign_id="E1")
    c.opportunity("O2", "2026-07-12", account_id="A1", amount=4000.0)
    c.opportunity("O3", "2026-07-15", account_id="A2", amount=6000.0, close_date="2026-09-01", is_closed=True,
                  primary_campaign_id="W1")
    c.opportunity("O4", "2026-04-01", account_id="A2", amount=5000.0, close_date="2026-09-10", is_closed=True,
                  is_won=True)
    for row, owner in zip(c.rows["opportunities"], ("u1", "u2", "u1", "u2")):
        row["owner_id"] = owner
    return c


@pytest.fixture(scope="module")
def con():
    connection = _company().connect()
    yield connection
    connection.close()


def _groups(source, metric: str, by: str, **kwargs) -> dict[str, float | None]:
    result = explore.explore(source, explore.Request(metric=metric, by=by, quarter=kwargs.pop("quarter", Q),
                                                     filters=kwargs.pop("filters", {})), **kwargs)
    return {g.label: g.value for g in result.groups}


def test_pipeline_by_region_owner_and_channel_worked_by_hand(con):
    assert _groups(con, "pipeline", "region") == {"EMEA": 14000.0, "NA": 6000.0}
    assert _groups(con, "pipeline", "owner") == {"Ana": 16000.0, "Ben": 4000.0}
    assert _groups(con, "pipeline", "channel") == {"email": 10000.0, "webinar": 6000.0, explore.NONE: 4000.0}
    assert _groups(con, "pipeline", "industry") == {"Software": 14000.0, "Retail": 6000.0}
    assert _groups(con, "bookings", "region") == {"EMEA": 10000.0, "NA": 5000.0}


def test_people_by_first_touch_channel_and_cost_per_mql_by_channel(con):
    assert _groups(con, "mqls", "channel") == {"email": 1.0, "webinar": 1.0, explore.NONE: 1.0}
    assert _groups(con, "mqls", "region") == {"EMEA": 2.0, "NA": 1.0}
    # Cost per MQL under a channel: that channel's campaign cost over the MQLs whose first touch was in it.
    assert _groups(con, "cost_per_mql", "channel") == {"webinar": 3000.0, "email": 1000.0}


def test_filters_and_the_filter_bar_narrow_every_group(con):
    assert _groups(con, "pipeline", "owner", region="EMEA") == {"Ana": 10000.0, "Ben": 4000.0}
    assert _groups(con, "pipeline", "region", filters={"owner": ["u1"]}) == {"EMEA": 10000.0, "NA": 6000.0}
    assert _groups(con, "pipeline", "region", filters={"channel": ["email", explore.NONE]}) == {"EMEA": 14000.0}


def test_time_groups_are_the_metric_of_each_period(con):
    quarters = _groups(con, "pipeline", "quarter")
    assert list(quarters)[-2:] == ["2026-Q2", "2026-Q3"]
    assert quarters["2026-Q2"] == 5000.0 and quarters["2026-Q3"] == 20000.0
    months = _groups(con, "pipeline", "month")
    assert len(months) == 12 and months["Jul 2026"] == 20000.0 and months["Apr 2026"] == 5000.0


def test_a_dimension_a_metric_does_not_carry_is_refused_in_words(con):
    with pytest.raises(explore.NotApplicable, match="Cost per MQL counts campaign costs, which carry no region"):
        explore.explore(con, explore.Request(metric="cost_per_mql", by="region", quarter=Q))
    metric = catalog.spec("marketing_spend")
    assert explore.applicable(metric) == ["quarter", "month", "channel", "campaign"]
    assert "persona" not in explore.applicable(catalog.spec("pipeline"))
    # A filter that does not apply is dropped with a note, not silently.
    result = explore.explore(con, explore.Request(metric="marketing_spend", by="channel", quarter=Q), region="EMEA")
    assert result.notes == ["The region filter does not apply: Marketing spend counts campaign costs, which carry "
                            "no region."]


def test_records_behind_a_bar_worked_by_hand(con):
    request = explore.Request(metric="pipeline", by="region", quarter=Q, pick="EMEA")
    found = explore.records(con, request)
    assert found.total == 2 and found.what == "deals opened" and found.period == Q
    assert list(found.frame["Opportunity"]) == ["O1", "O2"]  # largest first
    assert found.frame["Amount"].sum() == 14000.0
    won = explore.records(con, explore.Request(metric="bookings", by="quarter", quarter=Q, pick="2026-Q3"))
    assert sorted(won.frame["Opportunity"]) == ["O1", "O4"]
    mqls = explore.records(con, explore.Request(metric="mqls", by="channel", quarter=Q, pick=explore.NONE))
    assert list(mqls.frame["Person"]) == ["p3"]


@pytest.mark.parametrize("metric", [m.name for m in catalog.headline_metrics()])
def test_every_headline_metric_says_what_it_measures_and_which_records_it_counts(con, metric):
    spec = catalog.spec(metric)
    record_set, behind = explore.records_of(spec)
    assert behind.anchor in record_set.anchors
    assert spec.measures and set(spec.measures) <= set(explore.ROW_VALUES)
    # The records' columns are the ones the set declares, and the metric's condition reads them.
    found = explore.records(con, explore.Request(metric=metric, by="quarter", quarter=Q, pick=Q))
    assert list(found.frame.columns) == list(record_set.columns)
    assert found.what.startswith(record_set.anchors[behind.anchor])


def test_records_worked_by_hand_follow_the_headers_condition(con):
    # No sales activity at all: the three MQLs were never followed up, listed by MQL date.
    never = explore.records(con, explore.Request(metric="never_followed_up", by="region", quarter=Q))
    assert never.what == "people who became MQLs, never followed up"
    assert list(never.frame["Person"]) == ["p1", "p2", "p3"]
    # The deals have no lead source, no converted lead and no contact role: none is sourced by marketing.
    sourced = explore.records(con, explore.Request(metric="marketing_sourced_pipeline", by="region", quarter=Q))
    assert (sourced.what, sourced.total) == ("deals opened, sourced by marketing", 0)
    spend = explore.records(con, explore.Request(metric="marketing_spend", by="channel", quarter=Q, pick="webinar"))
    assert (spend.noun, spend.what, list(spend.frame["Campaign ID"])) == ("campaigns", "campaigns with cost", ["W1"])


def test_a_record_set_or_condition_that_is_not_one_is_refused():
    with pytest.raises(ValidationError, match="no ';', comments or"):
        catalog.RecordsRef.parse("deals won; sourced; 1 = 1; DROP TABLE people")
    with pytest.raises(ValueError, match="is not '<record set> <anchor>'"):
        catalog.RecordsRef.parse("deals")
    bogus = catalog.spec("pipeline").model_copy(update={"records": catalog.RecordsRef.parse("deals lost")})
    with pytest.raises(LookupError, match="not a record set of sql/records with that anchor"):
        explore.records_of(bogus)


def test_explore_leaves_no_trace_on_the_connection(con):
    before = catalog.value(con, "pipeline", {"quarter": Q})
    explore.explore(con, explore.Request(metric="pipeline", by="region", quarter=Q, filters={"owner": ["u2"]}))
    assert catalog.value(con, "pipeline", {"quarter": Q}) == before == 20000.0
    shadows = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name IN $names OR view_name LIKE 'explore%'",
                          {"names": list(explore.ROW_VALUES)}).fetchall()
    assert shadows == [(0,)]


# ---- on the demo company -------------------------------------------------------------------------------------------

ADDITIVE = ["inquiries", "awareness_sourced_inquiries", "mqls", "sals", "sqls", "rejected", "disqualified",
            "never_followed_up", "sales_ready_mqls", "opportunities_created", "pipeline", "marketing_sourced_pipeline",
            "marketing_influenced_pipeline", "bookings", "marketing_sourced_bookings", "marketing_influenced_bookings",
            "marketing_spend", "impressions"]


@pytest.mark.parametrize("metric", ADDITIVE)
def test_groups_add_up_to_the_catalog_total_and_records_reconcile(reader, metric):
    total = catalog.value(reader, metric, {"quarter": Q})
    spec = catalog.spec(metric)
    # Periods are not a partition of the quarter and campaigns are capped at the largest; of the others, one
    # carried by every kind of record (channel) and three that reach people and deals in different ways.
    for by in [d for d in ("channel", "region", "source_category", "owner") if d in explore.applicable(spec)]:
        groups = explore.explore(reader, explore.Request(metric=metric, by=by, quarter=Q)).groups
        assert sum(g.value or 0 for g in groups) == pytest.approx(total), by
    found = explore.records(reader, explore.Request(metric=metric, by="quarter", quarter=Q, pick=Q))
    column = {"deals": "Amount", "campaigns": "Cost in the period", "awareness numbers": "Value"}.get(found.noun)
    measured = found.frame[column].sum() if spec.unit == "currency" or found.noun != "deals" and column else \
        found.total
    assert measured == pytest.approx(total)


def test_a_filter_bar_region_gives_the_catalogs_own_regional_number(reader):
    for metric in ("pipeline", "mqls", "win_rate_value", "sla_met_share", "impressions"):
        by_region = _groups(reader, metric, "region")
        for region, value in by_region.items():
            if region != explore.NONE:
                assert value == pytest.approx(catalog.value(reader, metric, {"quarter": Q, "region": region}))


HOSTILE = ["'; DROP TABLE people; --", "region' OR '1'='1", "\" OR 1=1 --", "x" * 10_000, "${quarter_start}",
           "EMEA\x00", "../../etc/passwd", "📈" * 50, "NULL"]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_refused_or_bound_and_the_warehouse_is_unchanged(reader, text):
    counts = warehouse.table_counts(reader)
    for fields in ({"metric": text}, {"by": text}, {"filters": {text: ["x"]}}):
        with pytest.raises(ValidationError) as refused:
            explore.Request(quarter=Q, **fields)
        message = str(refused.value)
        assert "Traceback" not in message and len(message) < 1500
    try:
        request = explore.Request(metric="pipeline", by="region", quarter=Q, filters={"owner": [text]}, pick=text)
    except ValidationError as refused:
        assert "characters" in str(refused)  # the overlong and the control-character ones
    else:
        assert explore.explore(reader, request).groups == []  # a value nobody has: no rows, not an error
        assert explore.records(reader, request).total == 0
    assert warehouse.table_counts(reader) == counts


def test_too_many_filter_values_and_unknown_quarters_are_refused():
    with pytest.raises(ValidationError, match="keep it to 50 or fewer"):
        explore.Request(quarter=Q, filters={"channel": [str(i) for i in range(51)]})
    with pytest.raises(ValidationError, match="is not a quarter"):
        explore.Request(quarter="2026-Q9")


def test_sessions_exploring_at_once_each_see_only_their_own_groups(reader):
    """Shadows live on one cursor: eight threads cutting the shared reader differently at the same time each get what
    they get alone, and the catalog's numbers read meanwhile are untouched."""
    from concurrent.futures import ThreadPoolExecutor

    requests = [explore.Request(metric=metric, by=by, quarter=Q, filters=filters)
                for metric, by, filters in (("pipeline", "region", {}), ("pipeline", "segment", {"channel": ["email"]}),
                                            ("mqls", "channel", {}), ("mqls", "owner", {"persona": ["influencer"]}),
                                            ("bookings", "quarter", {"industry": ["Technology"]}),
                                            ("impressions", "region", {"channel": ["tv"]}),
                                            ("marketing_spend", "channel", {}), ("sqls", "source_category", {}))]
    alone = [explore.explore(reader, r).groups for r in requests]
    total = catalog.value(reader, "pipeline", {"quarter": Q})
    jobs = []
    for r in requests * 2:  # each cut beside a plain catalog read, all on the same reader
        jobs += [lambda r=r: explore.explore(reader, r).groups,
                 lambda: catalog.value(reader, "pipeline", {"quarter": Q})]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda job: job(), jobs))
    assert answers[0::2] == alone * 2
    assert answers[1::2] == [total] * 16


def test_hours_to_follow_up_in_the_records_are_the_slas_hours_not_calendar_days():
    # MQL at 10:00, first activity at 13:30 the same day: 3.5 hours, as the SLA metrics count them (counting calendar
    # days gave 0); an activity the next morning at 09:00 is 23 hours.
    company = Company().account("A1", region="EMEA")
    company.person("p1", "2026-07-01", account_id="A1").event("p1", "mql", "2026-07-06 10:00")
    company.person("p2", "2026-07-01", account_id="A1").event("p2", "mql", "2026-07-06 10:00")
    company.activity("a1", "p1", "2026-07-06 13:30").activity("a2", "p2", "2026-07-07 09:00")
    connection = company.connect()
    try:
        found = explore.records(connection, explore.Request(metric="mqls", by="quarter", quarter=Q, pick=Q))
        hours = dict(zip(found.frame["Person"], found.frame["Hours to follow-up"]))
        assert hours == {"p1": 3.5, "p2": 23.0}
        assert catalog.value(connection, "median_hours_to_follow_up", {"quarter": Q}) == pytest.approx((3.5 + 23) / 2)
    finally:
        connection.close()
