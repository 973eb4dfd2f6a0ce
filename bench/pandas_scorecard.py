"""A straightforward pandas version of the scorecard's headline metrics, from the canonical tables, to time against.

It computes what the catalog computes under the default charter without region or segment filters: load the columns
the metrics need into DataFrames, derive each person's stage dates and each deal's source, then filter and aggregate
per quarter. `bench/scorecard.py` times it and asserts that its numbers equal the catalog's.
"""

from __future__ import annotations

import pandas as pd

from alignment import defaults, warehouse
from alignment.periods import Quarter

TABLES = {
    "people": "SELECT person_id, account_id, persona, lead_source, created_at, converted_opportunity_id FROM people",
    "accounts": "SELECT account_id, is_target_account FROM accounts",
    "events": "SELECT person_id, stage, occurred_at FROM lifecycle_events",
    "activities": "SELECT person_id, occurred_at FROM sales_activities",
    "deals": "SELECT opportunity_id, account_id, created_at, close_date, amount, is_closed, is_won, lead_source "
             "FROM opportunities",
    "contacts": "SELECT opportunity_id, person_id, is_primary FROM opportunity_contacts",
    "campaigns": "SELECT campaign_id, channel, funnel_role, start_date, end_date, actual_cost, budgeted_cost "
                 "FROM campaigns",
    "members": "SELECT campaign_id, person_id, created_at, has_responded, first_responded_at FROM campaign_members",
    "spend": "SELECT campaign_id, period_start, amount FROM campaign_spend",
    "awareness": "SELECT period_start, metric, value FROM awareness_metrics",
}
METRICS = [
    "inquiries", "mqls", "sals", "sqls", "opportunities", "won", "acceptance_rate", "rejected", "disqualified",
    "median_hours_to_follow_up", "never_followed_up", "sla_met_share", "lead_quality", "sales_ready_mqls",
    "awareness_sourced_inquiries", "marketing_spend", "awareness_spend", "cost_per_inquiry", "cost_per_mql",
    "cost_per_sal", "cost_per_sql", "cost_per_opportunity", "cost_per_sales_ready_lead", "cac", "new_customers",
    "pipeline", "opportunities_created", "bookings", "average_deal_size", "sales_cycle_days", "win_rate_count",
    "win_rate_value", "marketing_sourced_pipeline", "marketing_sourced_bookings", "share_sourced_by_marketing",
    "impressions", "reach", "site_visits",
]


def load(reader: warehouse.Reader) -> dict[str, pd.DataFrame]:
    """The columns the metrics read, one DataFrame per canonical table."""
    cursor = reader.cursor()
    try:
        return {name: cursor.execute(sql).df() for name, sql in TABLES.items()}  # constants of this file
    finally:
        cursor.close()


def _ratio(numerator: float, denominator: float) -> float | None:
    return float(numerator) / denominator if denominator else None


def _key(text: pd.Series) -> pd.Series:
    """Lower case, trimmed of spaces (DuckDB's lower(trim(x)))."""
    return text.str.strip(" ").str.lower()


def _person_stages(f: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per person: target account, persona, back-filled stage dates, rejection and disqualification."""
    people = f["people"].merge(f["accounts"], on="account_id", how="left")
    people["is_target_account"] = people["is_target_account"].fillna(False).astype(bool)
    people["persona"] = _key(people["persona"]).str.replace(r"[ -]", "_", regex=True).replace("", None)
    firsts = f["events"].groupby(["person_id", "stage"])["occurred_at"].min().unstack()
    links = pd.concat([
        people.loc[people["converted_opportunity_id"].notna(), ["person_id", "converted_opportunity_id"]]
        .rename(columns={"converted_opportunity_id": "opportunity_id"}),
        f["contacts"][["person_id", "opportunity_id"]]]).drop_duplicates()
    deals = f["deals"].assign(closed_at=pd.to_datetime(f["deals"]["close_date"]),
                              is_won=f["deals"]["is_won"].fillna(False).astype(bool))
    linked = links.merge(deals, on="opportunity_id")
    stages = people.set_index("person_id")
    for stage in ("mql", "sal", "sql", "rejected", "disqualified"):
        stages[stage] = firsts.get(stage, pd.NaT)
    stages["won"] = linked[linked["is_won"]].groupby("person_id")["closed_at"].min()
    stages["opportunity"] = linked.groupby("person_id")["created_at"].min()
    stages["opportunity"] = stages["opportunity"].fillna(stages["won"])  # back-fill (DESIGN §4.8)
    stages["sql"] = stages["sql"].fillna(stages["opportunity"])
    stages["sal"] = stages["sal"].fillna(stages["sql"])
    stages["mql"] = stages["mql"].fillna(stages["sal"])
    return stages


def _touches(f: dict[str, pd.DataFrame]) -> pd.DataFrame:
    members = f["members"][f["members"]["has_responded"].fillna(False).astype(bool)]
    touches = members.assign(touch_at=members["first_responded_at"].fillna(members["created_at"]))
    touches = touches.merge(f["campaigns"][["campaign_id", "channel", "funnel_role"]], on="campaign_id")
    return touches[touches["touch_at"].notna()]


def _role(campaigns: pd.DataFrame) -> pd.Series:
    by_channel = _key(campaigns["channel"]).isin(defaults.AWARENESS_CHANNELS).map({True: "awareness",
                                                                                    False: "demand_gen"})
    return campaigns["funnel_role"].fillna(by_channel)


def _campaign_costs(f: dict[str, pd.DataFrame], q: Quarter) -> pd.DataFrame:
    """Each campaign's cost in the quarter: its spend rows if it has any, else its cost spread over its days."""
    campaigns = f["campaigns"].copy()
    start, end = pd.Timestamp(q.start), pd.Timestamp(q.end)
    spend = f["spend"].assign(period_start=pd.to_datetime(f["spend"]["period_start"]))
    in_quarter = spend[(spend["period_start"] >= start) & (spend["period_start"] < end)]
    spent = in_quarter.groupby("campaign_id")["amount"].sum()
    first = pd.to_datetime(campaigns["start_date"].fillna(campaigns["end_date"]))
    last = pd.to_datetime(campaigns["end_date"].fillna(campaigns["start_date"]))
    overlap = (last.clip(upper=end - pd.Timedelta(days=1)) - first.clip(lower=start)).dt.days + 1
    days = (last - first).dt.days + 1
    spread = campaigns["actual_cost"].fillna(campaigns["budgeted_cost"]) * overlap.clip(lower=0) / days
    spread[last < first] = None
    has_spend_rows = campaigns["campaign_id"].isin(spend["campaign_id"])
    campaigns["cost"] = spread.where(~has_spend_rows,
                                     campaigns["campaign_id"].map(spent).fillna(0.0))
    campaigns["role"] = _role(campaigns)
    return campaigns


def _deal_sources(f: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each deal with its source category: own lead source, else its converted lead's, else its primary contact's."""
    deals = f["deals"].copy()
    people = f["people"]
    has_source = people["lead_source"].fillna("").str.strip(" ") != ""
    converted = (people[has_source & people["converted_opportunity_id"].notna()]
                 .sort_values(["created_at", "person_id"])
                 .drop_duplicates("converted_opportunity_id")
                 .set_index("converted_opportunity_id")["lead_source"])
    primary = (f["contacts"][f["contacts"]["is_primary"].fillna(False).astype(bool)]
               .merge(people[has_source], on="person_id")
               .sort_values(["created_at", "person_id"])
               .drop_duplicates("opportunity_id")
               .set_index("opportunity_id")["lead_source"])
    own = deals["lead_source"].where(deals["lead_source"].fillna("").str.strip(" ") != "")
    source = own.fillna(deals["opportunity_id"].map(converted)).fillna(deals["opportunity_id"].map(primary))
    deals["source_category"] = _key(source).map(defaults.LEAD_SOURCE_CATEGORIES).fillna("other")
    deals["amount"] = deals["amount"].fillna(0.0)
    deals["is_won"] = deals["is_won"].fillna(False).astype(bool)
    deals["is_closed"] = deals["is_closed"].fillna(False).astype(bool)
    deals["closed_at"] = pd.to_datetime(deals["close_date"])
    return deals


def compute(f: dict[str, pd.DataFrame], quarters: list[Quarter]) -> dict[str, list]:
    """Every metric of METRICS for each quarter, oldest first."""
    stages = _person_stages(f)
    touches = _touches(f)
    deals = _deal_sources(f)
    mqls_ever = stages.loc[stages["mql"].notna(), ["mql"]].reset_index()
    # The first follow-up: the first activity at or after mql_at.
    after = f["activities"].merge(mqls_ever, on="person_id")
    after = after[after["occurred_at"] >= after["mql"]]
    stages["followed_up_at"] = after.groupby("person_id")["occurred_at"].min()
    # Interest: responded touches in [mql_at - 90 days, mql_at].
    window = touches[["person_id", "touch_at"]].merge(mqls_ever, on="person_id")
    window = window[(window["touch_at"] >= window["mql"] - pd.Timedelta(days=defaults.INTEREST_WINDOW_DAYS))
                    & (window["touch_at"] <= window["mql"])]
    stages["interest_touches"] = window.groupby("person_id").size()
    stages["interest_touches"] = stages["interest_touches"].fillna(0)
    stages["is_sales_ready"] = (stages["is_target_account"]
                                & stages["persona"].isin(defaults.SALES_READY_PERSONAS)
                                & (stages["interest_touches"] >= defaults.INTEREST_TOUCHES))
    first_touch = (touches.sort_values(["touch_at", "campaign_id"]).drop_duplicates("person_id")
                   .set_index("person_id")["campaign_id"])
    campaign_roles = _role(f["campaigns"]).set_axis(f["campaigns"]["campaign_id"])
    stages["first_touch_role"] = stages.index.map(first_touch).map(campaign_roles)
    first_wins = deals[deals["is_won"] & deals["account_id"].notna()].groupby("account_id")["closed_at"].min()
    awareness = f["awareness"].assign(period_start=pd.to_datetime(f["awareness"]["period_start"]),
                                      metric=_key(f["awareness"]["metric"]).str.replace(" ", "_"))

    results: dict[str, list] = {name: [] for name in METRICS}
    for q in quarters:
        start, end = pd.Timestamp(q.start), pd.Timestamp(q.end)

        def inside(moments: pd.Series, start: pd.Timestamp = start, end: pd.Timestamp = end) -> pd.Series:
            return (moments >= start) & (moments < end)

        put = lambda name, value: results[name].append(value)
        inquiries = stages[inside(stages["created_at"])]
        reached = {stage: int(inside(stages[stage]).sum()) for stage in ("mql", "sal", "sql", "opportunity", "won")}
        put("inquiries", len(inquiries))
        for stage, name in (("mql", "mqls"), ("sal", "sals"), ("sql", "sqls"), ("opportunity", "opportunities"),
                            ("won", "won")):
            put(name, reached[stage])
        mqls = stages[inside(stages["mql"])]
        accepted = int(mqls["sal"].notna().sum())
        rejected = int((mqls["sal"].isna() & mqls["rejected"].notna()).sum())
        put("acceptance_rate", _ratio(accepted, accepted + rejected))
        put("rejected", rejected)
        put("disqualified", int(mqls["disqualified"].notna().sum()))
        hours = (mqls["followed_up_at"] - mqls["mql"]).dt.total_seconds() / 3600
        put("median_hours_to_follow_up", float(hours.median()) if hours.notna().any() else None)
        put("never_followed_up", int(hours.isna().sum()))
        put("sla_met_share", _ratio((hours <= defaults.SLA_HOURS).sum(), len(mqls)))
        ready = int(mqls["is_sales_ready"].sum())
        put("lead_quality", _ratio(ready, len(mqls)))
        put("sales_ready_mqls", ready)
        put("awareness_sourced_inquiries", int((inquiries["first_touch_role"] == "awareness").sum()))

        costs = _campaign_costs(f, q)
        spend = float(costs["cost"].sum())
        put("marketing_spend", spend)
        put("awareness_spend", float(costs.loc[costs["role"] == "awareness", "cost"].sum()))
        put("cost_per_inquiry", _ratio(spend, len(inquiries)))
        put("cost_per_mql", _ratio(spend, reached["mql"]))
        put("cost_per_sal", _ratio(spend, reached["sal"]))
        put("cost_per_sql", _ratio(spend, reached["sql"]))
        created = deals[inside(deals["created_at"])]
        put("cost_per_opportunity", _ratio(spend, len(created)))
        put("cost_per_sales_ready_lead", _ratio(spend, ready))
        new_customers = int(inside(first_wins).sum())
        put("cac", _ratio(spend, new_customers))
        put("new_customers", new_customers)

        pipeline = float(created["amount"].sum())
        put("pipeline", pipeline)
        put("opportunities_created", len(created))
        won = deals[deals["is_won"] & inside(deals["closed_at"])]
        bookings = float(won["amount"].sum())
        put("bookings", bookings)
        put("average_deal_size", _ratio(bookings, len(won)))
        # Calendar days, as the catalog counts them (a close date has no hour); a close before the opening gives none.
        cycle = (won["closed_at"].dt.normalize() - won["created_at"].dt.normalize()).dt.days
        cycle = cycle.where(cycle >= 0)
        put("sales_cycle_days", float(cycle.median()) if cycle.notna().any() else None)
        closed = deals[deals["is_closed"] & inside(deals["closed_at"])]
        put("win_rate_count", _ratio(closed["is_won"].sum(), len(closed)))
        put("win_rate_value", _ratio(closed.loc[closed["is_won"], "amount"].sum(), closed["amount"].sum()))
        sourced_pipeline = float(created.loc[created["source_category"] == "marketing", "amount"].sum())
        put("marketing_sourced_pipeline", sourced_pipeline)
        put("marketing_sourced_bookings", float(won.loc[won["source_category"] == "marketing", "amount"].sum()))
        put("share_sourced_by_marketing", _ratio(sourced_pipeline, pipeline))

        reported = awareness[(awareness["period_start"] >= start) & (awareness["period_start"] < end)]
        for name in ("impressions", "reach", "site_visits"):
            put(name, float(reported.loc[reported["metric"] == name, "value"].sum()))
    return results
