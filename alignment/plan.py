"""The campaign plan shared with sales: every campaign of the chosen quarters on one timeline, its sponsor flagged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import duckdb
import pandas as pd

from alignment import catalog, schema, warehouse
from alignment.periods import Quarter
from alignment.presentation.specs import TimelineRow, TimelineSpec

STATUSES = ("planned", "running", "done")
"""A campaign's status on the data's as-of day: not started yet, under way, or over."""


def as_of_day(source: Any) -> dt.date | None:
    """The day of the data's latest record (what "data as of" means everywhere); None before any import. A record
    dated past the plausible window (a warehouse loaded before today's import rules may hold 9999-12-31) counts as
    its last plausible day, as the pages' quarters do."""
    try:
        latest = warehouse.dataset_info(source).latest_record_at
    except (duckdb.Error, IndexError):
        return None  # a database built without an import records no as-of
    if not latest:
        return None
    return min(latest.date(), schema.date_window("TIMESTAMP", dt.date.today())[1])


def campaign_plan(source: Any, quarters: Iterable[Quarter | str],
                  definitions: catalog.Definitions | None = None) -> pd.DataFrame:
    """The catalog's campaign_plan for each quarter, one row per campaign: a campaign running across several of the
    quarters appears once, its cost_in_quarter summed over them (renamed cost_in_period), and its status on the
    data's as-of day (STATUSES; empty when the data records no as-of)."""
    frames = [catalog.run(source, "campaign_plan", {"quarter": quarter}, definitions) for quarter in quarters]
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        columns = list(catalog.spec("campaign_plan").columns)
        return pd.DataFrame(columns=[("cost_in_period" if c == "cost_in_quarter" else c) for c in columns]
                            + ["status"])
    rows = pd.concat(frames, ignore_index=True)
    cost = rows.groupby("campaign_id", sort=False)["cost_in_quarter"].sum(min_count=1)
    plan = rows.drop_duplicates("campaign_id").drop(columns="cost_in_quarter").set_index("campaign_id")
    plan["cost_in_period"] = cost
    for column in ("start_date", "end_date"):
        plan[column] = pd.to_datetime(plan[column]).dt.date  # days, as the campaign records them
    as_of = as_of_day(source)
    plan["status"] = None if as_of is None else [
        "planned" if first > as_of else "running" if last >= as_of else "done"
        for first, last in zip(plan["start_date"], plan["end_date"])]
    return (plan.reset_index()
            .sort_values(["funnel_role", "start_date", "campaign_name", "campaign_id"], ignore_index=True))


def select(plan: pd.DataFrame, *, channels: Iterable[str] = (), roles: Iterable[str] = (),
           statuses: Iterable[str] = (), without_sponsor_only: bool = False) -> pd.DataFrame:
    """The plan's campaigns that pass every filter given (an empty choice keeps everything)."""
    keep = pd.Series(True, index=plan.index)
    for column, wanted in (("channel", channels), ("funnel_role", roles), ("status", statuses)):
        wanted = list(wanted)
        if wanted:
            keep &= plan[column].isin(wanted)
    if without_sponsor_only:
        keep &= ~plan["has_sales_sponsor"].astype(bool)
    return plan[keep].reset_index(drop=True)


def summary(plan: pd.DataFrame) -> dict[str, float | int]:
    """The plan in a few numbers (for the page's tiles and the board-pack slide): campaigns, those without a sales
    sponsor, budget, actual cost, and the cost falling in the chosen quarters."""
    return {
        "campaigns": len(plan),
        "without_sponsor": int((~plan["has_sales_sponsor"].astype(bool)).sum()),
        "budget": float(plan["budgeted_cost"].sum()),
        "actual_cost": float(plan["actual_cost"].sum()),
        "cost_in_period": float(plan["cost_in_period"].sum()),
    }


def timeline(plan: pd.DataFrame, period: tuple[dt.date, dt.date], *, title: str, definition: str = "",
             sheet: str = "") -> TimelineSpec:
    """The plan's campaigns, in the frame's order, as the timeline description the screen and every export draw;
    `period` is the first day shown and the day after the last."""
    first, after = (day.date() if isinstance(day, dt.datetime) else day for day in period)
    rows = [TimelineRow(label=str(row.campaign_name), start=row.start_date, end=row.end_date, role=row.funnel_role,
                        has_sales_sponsor=bool(row.has_sales_sponsor),
                        sales_sponsor=str(row.sales_sponsor_name) if row.has_sales_sponsor else None,
                        status=row.status if isinstance(row.status, str) else None,
                        channel=str(row.channel), budget=_amount(row.budgeted_cost),
                        actual_cost=_amount(row.actual_cost))
            for row in plan.itertuples(index=False)]
    return TimelineSpec(title=title, rows=rows, period_start=first, period_end=after, definition=definition,
                        sheet=sheet)


def _amount(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
