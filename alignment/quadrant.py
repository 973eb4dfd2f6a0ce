"""The alignment quadrant (DESIGN §4.7): does each campaign deliver value, can it show it, and why, in words.

Readings chosen where DESIGN leaves room (each is pinned by a test in tests/test_quadrant.py):

- **Campaigns placed**: those active in the quarter (start..end overlaps it; a missing date stands in for the other)
  or with cost falling in it (the `campaign_cost` metric). A *program* (the parent of other campaigns) with no cost
  in the quarter and no members of its own is left out (`attrs["programs_left_out"]`): it is an umbrella, and its
  campaigns are placed one by one.
- **Delivers** = attributed pipeline per $1 of cost ≥ the delivery threshold AND lead quality ≥ the bar.
  - Attributed pipeline: the definitions' model of record (or `model`), lookback, half-life and linking, pipeline
    basis, deals created in the quarter.
  - Threshold (default, `defaults.DELIVERY_THRESHOLD` None): what $1 spent on bought leads returns. A bought lead is
    a name, like one of the quarter's new leads (inquiries), and becomes sales-ready no more often than ours do, so it
    returns the quarter's attributed pipeline per inquiry, and $1 buys 1 / bought-lead price of them: threshold =
    (attributed pipeline of the quarter / inquiries of the quarter) / bought-lead price. Summed over all campaigns,
    "delivers on cost" is then "cost per inquiry ≤ bought-lead price": is a marketing lead worth more than a bought
    one (DESIGN §1). Reading the bought lead as a *sales-ready* one instead would value it at the pipeline of every
    influenced deal divided by the few sales-ready MQLs (on the demo company about $540K per lead at $250 a lead, a
    threshold of $2,166 per $1 that no campaign reaches); the sales-ready comparison stays where §4.6 puts it, the
    `cost_per_sales_ready_lead` benchmark, and lead quality below.
  - Lead-quality bar: the company's lead quality for the quarter (`lead_quality`). A campaign that touched fewer than
    `defaults.MIN_MQLS_FOR_LEAD_QUALITY` MQLs of the quarter is not held to it: at the company's rate of a few
    percent, none of three MQLs being sales-ready is what the company itself would produce.
  - No cost in the quarter: pipeline per $1 cannot be judged; the campaign delivers when it has attributed pipeline
    and its lead quality meets the bar (the missing cost already costs it traceability).
- **Demonstrates** = traceability ≥ `defaults.TRACEABILITY_THRESHOLD`, traceability being the mean of §4.7's three
  parts: share of members with a response date; share of its influenced deals (an eligible touch, pipeline basis,
  created in the quarter) that have contact roles; completeness = mean of five 0/1 fields (content, targeting, both
  start and end dates, channel, and a recorded cost: actual cost or spend rows — a budget standing in does not count).
  A share with nothing to count (no members, no influenced deal) is 0: nothing can be traced.
- **Awareness** campaigns (own role, else their channel's) are placed "Awareness": judged apart, never Mis-aligned;
  their delivers/demonstrates are left empty.
- Region and segment filters cut lead quality (campaign and company alike); attribution, cost and inquiries are
  company-wide.
- **Channels** (`place_channels`): the same tests over each channel's campaigns together — their cost, attributed
  pipeline, members and influenced deals summed, lead quality from `lead_quality_by_channel`, completeness averaged
  over the channel's placed campaigns; a channel in the awareness role is judged apart.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from alignment import attribution, catalog, defaults, sqlfiles
from alignment.periods import Quarter
from alignment.presentation import formats

QUADRANTS = ("Aligned", "Spin doctor", "Silent operative", "Mis-aligned")
AWARENESS = "Awareness"
COMPLETENESS_FIELDS = {"has_content": "content", "has_targeting": "targeting", "has_dates": "start and end dates",
                       "has_channel": "channel", "has_recorded_cost": "actual cost"}

def _filters(quarter: Quarter | str, filters: catalog.Filters | dict | None) -> catalog.Filters:
    quarter = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    if isinstance(filters, catalog.Filters):
        return filters.model_copy(update={"quarter": quarter, "split": "none"})
    return catalog.Filters(**{**(filters or {}), "quarter": quarter, "split": "none"})


def _query(source: Any, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    cursor = catalog.cursor(source)
    try:
        return cursor.execute(sql, params or {}).df()
    finally:
        cursor.close()


def _money(amount: float) -> str:
    sign = formats.symbol()
    return f"{sign}{amount:,.2f}" if abs(amount) < 100 else f"{sign}{amount:,.0f}"


def _percent(share: float) -> str:
    return f"{share:.0%}"


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _delivery(row: pd.Series, bars: dict[str, Any]) -> tuple[bool, str]:
    """Whether the campaign delivers, and the sentence saying why."""
    threshold, quality_bar = bars["delivery_threshold"], bars["lead_quality_bar"]
    if row["mqls"] >= bars["min_mqls"] and quality_bar is not None:
        quality_ok = row["lead_quality"] >= quality_bar
        quality = (f"{_percent(row['lead_quality'])} of its {int(row['mqls'])} MQLs are sales-ready "
                   f"({'at or above' if quality_ok else 'below'} the company's {_percent(quality_bar)})")
    elif row["mqls"] > 0:
        quality_ok = True
        quality = (f"it touched only {int(row['mqls'])} MQLs of the quarter, too few (under {bars['min_mqls']}) to "
                   "hold lead quality against it")
    else:
        quality_ok = True
        quality = "it touched no MQL of the quarter, so lead quality is not held against it"
    if row["cost"] > 0 and threshold is not None:
        cost_ok = row["pipeline_per_cost"] >= threshold
        value = (f"{_money(row['pipeline_per_cost'])} of pipeline per {formats.symbol()}1 of cost, "
                 f"{'at or above' if cost_ok else 'below'} the {_money(threshold)} threshold")
    else:
        cost_ok = row["attributed_pipeline"] > 0
        why = ("no cost falls in the quarter" if row["cost"] <= 0
               else "no delivery threshold can be set (no inquiry in the quarter)")
        value = (f"{why}, so pipeline per $1 cannot be judged; placed on what is known: "
                 f"{_money(row['attributed_pipeline'])} of attributed pipeline")
    delivers = bool(cost_ok and quality_ok)
    joiner = ", and " if cost_ok == quality_ok else ", but "
    return delivers, ("Delivers: " if delivers else "Does not deliver: ") + value + joiner + quality + "."


def _demonstration(row: pd.Series, bars: dict[str, Any]) -> tuple[bool, str]:
    """Whether the campaign can show its value, and the sentence saying why."""
    demonstrates = bool(row["traceability"] >= bars["traceability_threshold"])
    if row["members"] == 0:
        responded = "it has no members" if row["unit"] == "campaign" else "its campaigns have no members"
    else:
        responded = f"{_percent(row['responded_share'])} of its members have a response date"
    if row["influenced_opportunities"] == 0:
        roles = "it influenced no opportunity created in the quarter"
    else:
        roles = (f"{_percent(row['contact_role_share'])} of the {int(row['influenced_opportunities'])} "
                 "opportunities it influenced have contact roles")
    missing = [label for column, label in COMPLETENESS_FIELDS.items() if not row[column]]
    if row["unit"] == "channel":
        fields = (f"its campaigns have {_percent(row['completeness'])} of their content, targeting, dates, channel "
                  "and actual cost filled in")
    elif missing:
        fields = f"it has no {_listed(missing)}"
    else:
        fields = "its content, targeting, dates, channel and cost are filled in"
    score = f" (traceability {row['traceability']:.2f} vs {bars['traceability_threshold']:.2f})"
    return demonstrates, (("Shows it" if demonstrates else "Cannot show it") + score + ": " + responded + ", "
                          + roles + ", and " + fields + ".")


def _quadrant(delivers: bool, demonstrates: bool) -> str:
    return {(True, True): "Aligned", (False, True): "Spin doctor",
            (True, False): "Silent operative", (False, False): "Mis-aligned"}[(delivers, demonstrates)]


def _judge(units: pd.DataFrame, bars: dict[str, Any]) -> pd.DataFrame:
    """Add traceability, delivers, demonstrates, quadrant and explanation to per-unit base numbers."""
    units = units.copy()
    units["pipeline_per_cost"] = (units["attributed_pipeline"] / units["cost"]).where(units["cost"] > 0)
    units["responded_share"] = (units["members_with_response_date"] / units["members"]).where(units["members"] > 0, 0.0)
    units["contact_role_share"] = (units["opportunities_with_contact_roles"] / units["influenced_opportunities"]
                                   ).where(units["influenced_opportunities"] > 0, 0.0)
    units["completeness"] = units[list(COMPLETENESS_FIELDS)].astype(float).mean(axis=1)
    units["traceability"] = units[["responded_share", "contact_role_share", "completeness"]].mean(axis=1)
    placed = []
    for _, row in units.iterrows():
        if row["funnel_role"] == "awareness":
            placed.append((None, None, AWARENESS,
                           ("Awareness: judged apart by its awareness metrics (impressions, reach, site visits), "
                            f"not by leads or pipeline; it cost {_money(row['cost'])} in the quarter.")))
            continue
        delivers, delivery_text = _delivery(row, bars)
        demonstrates, demonstration_text = _demonstration(row, bars)
        placed.append((delivers, demonstrates, _quadrant(delivers, demonstrates),
                       delivery_text + " " + demonstration_text))
    units[["delivers", "demonstrates", "quadrant", "explanation"]] = pd.DataFrame(
        placed, index=units.index, columns=["delivers", "demonstrates", "quadrant", "explanation"])
    return units


def quarter_bars(source: Any, filters: catalog.Filters, definitions: catalog.Definitions, attributed_pipeline: float,
                 *, delivery_threshold: float | None = defaults.DELIVERY_THRESHOLD,
                 traceability_threshold: float = defaults.TRACEABILITY_THRESHOLD,
                 min_mqls: int = defaults.MIN_MQLS_FOR_LEAD_QUALITY) -> dict[str, Any]:
    """The quarter's bars; the delivery threshold defaults to the pipeline per $1 that bought leads return."""
    company = catalog.run(source, "lead_quality", filters, definitions).iloc[0]
    # attribution and cost are company-wide, so the inquiries they are held against are too
    everywhere = filters.model_copy(update={"region": None, "segment": None})
    inquiries = int(catalog.value(source, "inquiries", everywhere, definitions) or 0)
    if delivery_threshold is None and inquiries > 0 and definitions.bought_lead_price > 0:
        delivery_threshold = attributed_pipeline / inquiries / definitions.bought_lead_price
    quality_bar = None if pd.isna(company["value"]) else float(company["value"])
    return {"delivery_threshold": delivery_threshold, "lead_quality_bar": quality_bar,
            "traceability_threshold": traceability_threshold, "min_mqls": min_mqls, "inquiries": inquiries,
            "sales_ready_mqls": int(company["sales_ready_mqls"] or 0), "attributed_pipeline": attributed_pipeline,
            "bought_lead_price": definitions.bought_lead_price}


def _options(filters: catalog.Filters, definitions: catalog.Definitions, model: str | None
             ) -> attribution.AttributionOptions:
    from alignment import campaigns

    return campaigns.options(definitions, "pipeline", filters.quarter, model)


def _campaign_units(source: Any, filters: catalog.Filters, definitions: catalog.Definitions,
                    options: attribution.AttributionOptions) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per-campaign base numbers of the quarter (programs included), the attributed touches, the programs left out."""
    facts = _query(source, sqlfiles.query("campaign_facts"),
                   {name: catalog.PARAMETERS[name].value(filters, definitions)
                    for name in ("awareness_channels", "quarter_first_day", "quarter_end_day")})
    costs = catalog.run(source, "campaign_cost", filters, definitions)[["campaign_id", "cost_basis", "cost"]]
    quality = catalog.run(source, "lead_quality_by_campaign", filters, definitions)[
        ["campaign_id", "mqls", "sales_ready_mqls", "lead_quality"]]
    touches = attribution.attributed_touches(source, options)
    with_roles = set(_query(source, sqlfiles.query("deals_with_contact_roles"))["opportunity_id"])

    credited = touches.groupby("campaign_id", as_index=False).agg(attributed_pipeline=("credited_amount", "sum"))
    influenced = touches[["campaign_id", "opportunity_id"]].drop_duplicates()
    influenced = (influenced.assign(has_roles=influenced["opportunity_id"].isin(with_roles))
                  .groupby("campaign_id", as_index=False)
                  .agg(influenced_opportunities=("opportunity_id", "count"),
                       opportunities_with_contact_roles=("has_roles", "sum")))

    campaigns = facts.merge(costs, on="campaign_id", how="left")
    campaigns = campaigns[campaigns["is_active"] | campaigns["cost"].notna()]
    campaigns = (campaigns.merge(credited, on="campaign_id", how="left")
                 .merge(influenced, on="campaign_id", how="left")
                 .merge(quality, on="campaign_id", how="left"))
    campaigns = campaigns.fillna({"cost": 0.0, "attributed_pipeline": 0.0, "influenced_opportunities": 0,
                                  "opportunities_with_contact_roles": 0, "mqls": 0, "sales_ready_mqls": 0})
    campaigns["is_budgeted_cost"] = campaigns["cost_basis"].eq("budgeted cost")
    empty_program = campaigns["is_program"] & (campaigns["cost"] <= 0) & (campaigns["members"] == 0)
    return campaigns[~empty_program].reset_index(drop=True), touches, campaigns[empty_program]


_PLACED_COLUMNS = ["cost", "attributed_pipeline", "pipeline_per_cost", "mqls", "sales_ready_mqls", "lead_quality",
                   "delivers", "members", "members_with_response_date", "responded_share", "influenced_opportunities",
                   "opportunities_with_contact_roles", "contact_role_share", *COMPLETENESS_FIELDS, "completeness",
                   "traceability", "demonstrates", "quadrant", "explanation"]


def place_campaigns(source: Any, quarter: Quarter | str, filters: catalog.Filters | dict | None = None,
                    definitions: catalog.Definitions | None = None, model: str | None = None, *,
                    delivery_threshold: float | None = defaults.DELIVERY_THRESHOLD,
                    traceability_threshold: float = defaults.TRACEABILITY_THRESHOLD,
                    min_mqls: int = defaults.MIN_MQLS_FOR_LEAD_QUALITY) -> pd.DataFrame:
    """One row per campaign active or costed in the quarter, placed in the quadrant with the reason in words.

    `attrs` carries the model card, the quarter's bars (delivery threshold, lead-quality bar, traceability threshold)
    and the names of the programs left out.
    """
    filters = _filters(quarter, filters)
    definitions = definitions or catalog.Definitions()
    options = _options(filters, definitions, model)
    campaigns, touches, programs = _campaign_units(source, filters, definitions, options)
    bars = quarter_bars(source, filters, definitions, float(touches["credited_amount"].sum()),
                        delivery_threshold=delivery_threshold, traceability_threshold=traceability_threshold,
                        min_mqls=min_mqls)
    placed = _judge(campaigns.assign(unit="campaign"), bars)
    placed = placed[["campaign_id", "name", "channel", "funnel_role", "cost_basis", "is_budgeted_cost",
                     *_PLACED_COLUMNS]]
    placed.attrs.update(model_card=options.card(), programs_left_out=sorted(programs["name"]), **bars)
    return placed.sort_values(["funnel_role", "quadrant", "campaign_id"], ignore_index=True)


def place_channels(source: Any, quarter: Quarter | str, filters: catalog.Filters | dict | None = None,
                   definitions: catalog.Definitions | None = None, model: str | None = None, *,
                   delivery_threshold: float | None = defaults.DELIVERY_THRESHOLD,
                   traceability_threshold: float = defaults.TRACEABILITY_THRESHOLD,
                   min_mqls: int = defaults.MIN_MQLS_FOR_LEAD_QUALITY) -> pd.DataFrame:
    """The quadrant per channel (DESIGN §4.7 "rolled up per channel"): one row per channel of the placed campaigns."""
    filters = _filters(quarter, filters)
    definitions = definitions or catalog.Definitions()
    options = _options(filters, definitions, model)
    campaigns, touches, _ = _campaign_units(source, filters, definitions, options)
    with_roles = set(_query(source, sqlfiles.query("deals_with_contact_roles"))["opportunity_id"])
    # a deal two campaigns of one channel influenced is one influenced deal of that channel
    deals = touches[["channel", "opportunity_id"]].drop_duplicates()
    deals = (deals.assign(has_roles=deals["opportunity_id"].isin(with_roles))
             .groupby("channel", as_index=False)
             .agg(influenced_opportunities=("opportunity_id", "count"),
                  opportunities_with_contact_roles=("has_roles", "sum")))
    quality = catalog.run(source, "lead_quality_by_channel", filters, definitions)[
        ["channel", "mqls", "sales_ready_mqls", "lead_quality"]]
    channels = (campaigns.assign(channel=campaigns["channel"].fillna("(none)"))
                .groupby("channel", as_index=False)
                .agg(campaigns=("campaign_id", "count"), cost=("cost", "sum"),
                     members=("members", "sum"), members_with_response_date=("members_with_response_date", "sum"),
                     **{column: (column, "mean") for column in COMPLETENESS_FIELDS}))
    roles = _query(source, sqlfiles.query("channel_roles"), {
        "channels": list(channels["channel"]),
        "awareness_channels": catalog.PARAMETERS["awareness_channels"].value(filters, definitions)})
    channels = channels.merge(roles, on="channel", how="left")
    credited = touches.groupby("channel", as_index=False).agg(attributed_pipeline=("credited_amount", "sum"))
    channels = (channels.merge(credited, on="channel", how="left").merge(deals, on="channel", how="left")
                .merge(quality, on="channel", how="left")
                .fillna({"attributed_pipeline": 0.0, "influenced_opportunities": 0,
                         "opportunities_with_contact_roles": 0, "mqls": 0, "sales_ready_mqls": 0}))
    bars = quarter_bars(source, filters, definitions, float(touches["credited_amount"].sum()),
                        delivery_threshold=delivery_threshold, traceability_threshold=traceability_threshold,
                        min_mqls=min_mqls)
    placed = _judge(channels.assign(unit="channel"), bars)
    placed = placed[["channel", "funnel_role", "campaigns", *_PLACED_COLUMNS]]
    placed.attrs.update(model_card=options.card(), **bars)
    return placed.sort_values(["funnel_role", "quadrant", "channel"], ignore_index=True)
