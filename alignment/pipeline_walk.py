"""A quarter's pipeline walk: the open pipeline due to close in it at its start, every movement, and where it stands."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from alignment import catalog, sqlfiles
from alignment.periods import Quarter, running_quarter
from alignment.presentation import formats
from alignment.presentation.specs import WaterfallSpec, WaterfallStep
from alignment.plan import as_of_day

MOVEMENTS: dict[str, str] = {
    "created": "Created", "pulled_in": "Pulled in", "amount_change": "Amount changed", "pushed_out": "Pushed out",
    "lost": "Lost", "won": "Won",
}
"""The waterfall's steps between start and end, in order, with their labels; created and pulled-in deals add their end
amount, pushed-out, lost and won deals take away their start amount, and the deals that stayed add the change of their
amount (amount_change), so that start + Σ steps = end in amounts as in deals."""
ADDING = ("created", "pulled_in")
TAKING = ("pushed_out", "lost", "won")
TYPES = {"new_business": "New business", "expansion": "Expansion", "renewal": "Renewal", "other": "Other"}
"""The opportunity types a deal's Type is read as (sql/macros/opportunity_type.sql holds the rule)."""


class WalkLine(BaseModel):
    """One step of the walk: how many deals made it and the amount it adds (negative: takes away)."""

    key: str
    label: str
    deals: int
    amount: float


class Walk(BaseModel):
    """The walk of a quarter, or why it is not measured (then it holds no numbers, never zeros)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    quarter: str
    first_day: dt.date
    last_day: dt.date
    """The last day the walk covers: the quarter's last, or the as-of day of a running quarter."""
    running: bool
    not_measured: str | None = None
    start_deals: int | None = None
    start_amount: float | None = None
    end_deals: int | None = None
    end_amount: float | None = None
    lines: list[WalkLine] = []
    came_and_went: int | None = None
    """Deals in the quarter's pipeline only between start and end (created or pulled in, then closed or moved out):
    they are in no step, since they add and take away the same."""
    came_and_went_won: float | None = None
    without_history: int | None = None
    """Deals of the walk without any recorded close date, read from their current close date and amount."""
    deals: pd.DataFrame = pd.DataFrame()

    def line(self, key: str) -> WalkLine:
        return next(line for line in self.lines if line.key == key)


def walk_end(quarter: Quarter, as_of: dt.date | None) -> tuple[dt.datetime, dt.date, bool]:
    """(the instant the walk ends, the last day it covers, whether the quarter is running on `as_of`): a quarter
    holding the as-of day before its last day ends at that day's end; any other at its own end."""
    if running_quarter(as_of, quarter.calendar) == quarter:
        return quarter.calendar.midnight_utc(as_of + dt.timedelta(days=1)), as_of, True
    return quarter.end, quarter.last_day, False


def deals(source: Any, quarter: Quarter, *, as_of: dt.date | None = None, region: str | None = None,
          segment: str | None = None) -> pd.DataFrame:
    """The walk's rows, one per deal in it (sql/queries/pipeline_walk.sql)."""
    end, _, _ = walk_end(quarter, as_of)
    cursor = catalog.cursor(source)
    try:
        rows = cursor.execute(sqlfiles.query("pipeline_walk"), {
            "quarter_start": quarter.start, "quarter_first_day": quarter.first_day,
            "quarter_end_day": quarter.end_day, "walk_end": end, "region": region, "segment": segment,
            "time_zone": quarter.calendar.time_zone}).df()
    finally:
        cursor.close()
    for column in ("start_close_date", "end_close_date"):
        rows[column] = [None if pd.isna(value) else value.date() for value in rows[column]]  # days, not instants
    return rows


def summarise(rows: pd.DataFrame, base: Walk) -> Walk:
    """The walk `base` (its quarter and days) with the totals and steps of `rows`; start + Σ steps = end is checked,
    in deals and in amounts."""
    movement = rows["movement"]
    at_start = movement.isin(("stayed", *TAKING))
    at_end = movement.isin(("stayed", *ADDING))
    lines = []
    for key, label in MOVEMENTS.items():
        if key == "amount_change":
            stayed = rows[movement == "stayed"]
            lines.append(WalkLine(key=key, label=label, deals=0,
                                  amount=float((stayed["end_amount"] - stayed["start_amount"]).sum())))
        elif key in ADDING:
            part = rows[movement == key]
            lines.append(WalkLine(key=key, label=label, deals=len(part), amount=float(part["end_amount"].sum())))
        else:
            part = rows[movement == key]
            lines.append(WalkLine(key=key, label=label, deals=-len(part),
                                  amount=-float(part["start_amount"].sum())))
    walk = base.model_copy(update=dict(
        start_deals=int(at_start.sum()), start_amount=float(rows.loc[at_start, "start_amount"].sum()),
        end_deals=int(at_end.sum()), end_amount=float(rows.loc[at_end, "end_amount"].sum()), lines=lines,
        came_and_went=int((movement == "came_and_went").sum()),
        came_and_went_won=float(rows.loc[movement == "came_and_went", "won_amount"].sum()),
        without_history=int((~rows["has_history"].astype(bool)).sum()), deals=rows))
    check(walk)
    return walk


def check(walk: Walk) -> None:
    """The walk's invariant: every deal in exactly one movement, and start + Σ steps = end (deals and amounts)."""
    if walk.not_measured:
        return
    # Raised, not asserted: a walk that does not add up must never be shown, whatever the interpreter's flags.
    if not walk.deals["opportunity_id"].is_unique:
        raise AssertionError(f"{walk.quarter}: a deal is in the walk twice")
    if walk.start_deals + sum(line.deals for line in walk.lines) != walk.end_deals:
        raise AssertionError(f"{walk.quarter}: start + steps ≠ end in deals")
    total = walk.start_amount + sum(line.amount for line in walk.lines)
    if abs(total - walk.end_amount) > 1e-6 * max(1.0, abs(walk.end_amount)):
        raise AssertionError(f"{walk.quarter}: start + steps ≠ end in amounts ({total} against {walk.end_amount})")


def walk(source: Any, quarter: Quarter | str, *, as_of: dt.date | None = None, region: str | None = None,
         segment: str | None = None) -> Walk:
    """The quarter's pipeline walk up to the data's as-of day (`as_of`, else the data's own), or why it is not
    measured: no close-date history in the data, or a quarter that has not begun by the as-of day."""
    quarter = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    as_of = as_of or as_of_day(source)
    _, last_day, running = walk_end(quarter, as_of)
    empty = Walk(quarter=str(quarter), first_day=quarter.first_day, last_day=last_day, running=running)
    missing = catalog.missing_inputs(source)
    for need in ("opportunities", "close_date_history"):
        if need in missing:
            return empty.model_copy(update={"not_measured": missing[need]})
    if as_of is not None and as_of < quarter.first_day:
        return empty.model_copy(update={"not_measured": f"{quarter} had not begun on the data's as-of day "
                                                        f"({as_of:%d %b %Y})"})
    rows = deals(source, quarter, as_of=as_of, region=region, segment=segment)
    return summarise(rows, empty)


def table(walk: Walk) -> pd.DataFrame:
    """The walk as rows for a table or an export: start, each step, end (deals and amount)."""
    rows = [{"step": "start", "label": f"Start ({walk.first_day:%d %b %Y})", "deals": walk.start_deals,
             "amount": walk.start_amount}]
    rows += [{"step": line.key, "label": line.label, "deals": line.deals, "amount": line.amount} for line in walk.lines]
    rows.append({"step": "end", "label": f"End ({walk.last_day:%d %b %Y})", "deals": walk.end_deals,
                 "amount": walk.end_amount})
    return pd.DataFrame(rows, columns=["step", "label", "deals", "amount"])


SLIPPED_COLUMNS = ["opportunity_id", "name", "account_name", "owner_name", "region", "segment", "opportunity_type",
                   "start_amount", "start_close_date", "end_close_date", "end_stage"]


def slipped(walk: Walk) -> pd.DataFrame:
    """The slipped deals: those whose close date moved out of the quarter while they were open in its pipeline
    (pushed out, or created or pulled in and then moved out before its end), largest first: deal, account, owner,
    region, amount, old → new close date and stage now."""
    if walk.not_measured or walk.deals.empty:
        return pd.DataFrame(columns=SLIPPED_COLUMNS)
    rows = walk.deals
    moved_out = (rows["movement"] == "pushed_out") | (rows["outcome"] == "pushed_out")
    out = rows[moved_out & (rows["end_close_date"] != rows["start_close_date"])]
    return out[SLIPPED_COLUMNS].sort_values(["start_amount", "opportunity_id"], ascending=[False, True],
                                            ignore_index=True)


def slipped_by_region(walk: Walk) -> pd.DataFrame:
    """Per region: the deals and amount in the quarter's pipeline at any time (at its start, or entering it later),
    and how many of them and how much slipped (slipped_share: of that amount)."""
    columns = ["region", "pipeline_deals", "pipeline_amount", "slipped_deals", "slipped_amount", "slipped_share"]
    if walk.not_measured or walk.deals.empty:
        return pd.DataFrame(columns=columns)
    rows = walk.deals.assign(region=walk.deals["region"].fillna("(none)"))
    amount = rows["start_amount"].where(~rows["movement"].isin(ADDING), rows["end_amount"])
    pipeline = rows.assign(amount=amount).groupby("region")["amount"].agg(["count", "sum"])
    pipeline.columns = ["pipeline_deals", "pipeline_amount"]
    gone = slipped(walk).assign(region=lambda f: f["region"].fillna("(none)"))
    gone = gone.groupby("region")["start_amount"].agg(["count", "sum"])
    gone.columns = ["slipped_deals", "slipped_amount"]
    frame = pipeline.join(gone, how="left").fillna(0).reset_index()
    frame["slipped_deals"] = frame["slipped_deals"].astype(int)
    frame["slipped_share"] = [s / a if a else None for s, a in zip(frame["slipped_amount"], frame["pipeline_amount"])]
    return frame[columns].sort_values(["slipped_share", "region"], ascending=[False, True], ignore_index=True)


def by_type(walk: Walk) -> pd.DataFrame:
    """The walk split by opportunity type (TYPES): start, each step and end per type, with the quarter's bookings
    (the won deals' closed amount); the types' rows add up to the whole walk's."""
    columns = ["opportunity_type", "label", "start", *MOVEMENTS, "end", "bookings"]
    if walk.not_measured or walk.deals.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for key, label in TYPES.items():
        part = walk.deals[walk.deals["opportunity_type"] == key]
        if part.empty:
            continue
        one = summarise(part, walk)
        rows.append({"opportunity_type": key, "label": label, "start": one.start_amount,
                     **{line.key: line.amount for line in one.lines}, "end": one.end_amount,
                     "bookings": float(part["won_amount"].sum())})
    return pd.DataFrame(rows, columns=columns)


def stage_conversion(source: Any, quarter: Quarter | str, *, as_of: dt.date | None = None, quarters: int = 4,
                     region: str | None = None, segment: str | None = None) -> tuple[pd.DataFrame, str | None]:
    """Stage to stage over the `quarters` quarters ending with `quarter` (up to the walk's end): per open stage, the
    deals entering it, the share reaching a later stage or a win, and the median days in it
    (sql/queries/stage_conversion.sql); with the reason instead when the data has no stage history."""
    quarter = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    missing = catalog.missing_inputs(source)
    if "stage_history" in missing:
        return pd.DataFrame(), missing["stage_history"]
    end, _, _ = walk_end(quarter, as_of or as_of_day(source))
    cursor = catalog.cursor(source)
    try:
        return cursor.execute(sqlfiles.query("stage_conversion"), {
            "window_start": quarter.shift(1 - quarters).start, "window_end": end, "region": region,
            "segment": segment, "time_zone": quarter.calendar.time_zone}).df(), None
    finally:
        cursor.close()


def notes(walk: Walk) -> list[str]:
    """What a reader of the walk needs said beside it: its days, the deals in no step, the deals read without
    history (the Pipeline page and the board pack say the same)."""
    said = [f"Running quarter: from {formats.day(walk.first_day)} to {formats.day(walk.last_day)}, the data's as-of "
            "day." if walk.running else f"From {formats.day(walk.first_day)} to {formats.day(walk.last_day)}."]
    if walk.came_and_went:
        said.append(f"{walk.came_and_went:,} deals entered and left within the quarter (in no step; they booked "
                    f"{formats.currency(walk.came_and_went_won)}).")
    if walk.without_history:
        said.append(f"{walk.without_history:,} deals have no recorded close date and are read from their current "
                    "close date and amount.")
    return said


def waterfall(walk: Walk) -> WaterfallSpec:
    """The walk as a waterfall: the pipeline at the start, each step, the pipeline at the end (amounts)."""
    def deals(count: int) -> str:
        return f"{abs(count):,} deal{'s' if abs(count) != 1 else ''}"

    steps = [WaterfallStep(label=f"Start {formats.day(walk.first_day)}", value=walk.start_amount, total=True,
                           detail=deals(walk.start_deals))]
    steps += [WaterfallStep(label=line.label, value=line.amount,
                            detail="deals that stayed" if line.key == "amount_change" else deals(line.deals))
              for line in walk.lines]
    steps.append(WaterfallStep(label=f"{'Now' if walk.running else 'End'} {formats.day(walk.last_day)}",
                               value=walk.end_amount, total=True, detail=deals(walk.end_deals)))
    return WaterfallSpec(title=f"Pipeline walk, {walk.quarter}", steps=steps, unit="currency",
                         definition="Open deals whose close date lies in the quarter, at its first day and at "
                                    + ("the as-of day" if walk.running else "its end") + "; each deal in one step.")
