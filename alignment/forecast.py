"""A running quarter's pipeline coverage and bookings forecast from open deals by stage, beside the sales commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from alignment import catalog, pacing, plan, sqlfiles
from alignment.catalog import Filters
from alignment.charter import Charter
from alignment.periods import Quarter

TRIALS = 4_000
"""Simulated quarters behind the forecast's range: every open deal is won or not, independently, at its chance."""
SEED = 21
"""The range's simulation is seeded, so the same data gives the same range on every screen and export."""
RANGE = (10, 90)
"""The range shown: the 10th and 90th percentiles of the forecast bookings."""
MOST_SIMULATED = 500
"""Above this many open deals whose chance is neither 0 nor 1, the range is the normal approximation of their sum
(mean ± 1.2816 standard deviations): with that many independent deals it is as close as the simulation, which would
take seconds."""
Z_90 = 1.2815515655446004
"""The standard normal's 90th percentile."""
COMMIT_CATEGORIES = ("commit",)
"""Forecast categories (in their normal form) an owner commits to: Salesforce's Commit, HubSpot's COMMIT."""
DAY_SECONDS = 86_400.0
NOT_RUNNING = "{quarter} is not running on the data's as-of day ({as_of}): a forecast is for the quarter under way"


class StageRate(BaseModel):
    """What the window says about deals that entered one stage."""

    stage: str
    entered: int = Field(description="deals entering the stage in the window")
    won: int
    lost: int
    win_rate: float | None = Field(description="won ÷ (won + lost) of those closed by now (None: none closed)")
    open_deals: int = Field(0, description="open deals of the quarter now in this stage")
    open_amount: float = 0.0
    expected: float = Field(0.0, description="their amount × chance of being won by the quarter's end, summed")


class Forecast(BaseModel):
    """Coverage and the forecast of a running quarter's bookings."""

    quarter: str
    as_of: dt.date
    region: str | None = None
    segment: str | None = None
    days_left: float
    bookings_to_date: float
    bookings_target: float | None
    to_win: float | None = Field(description="target − bookings to date (None without a target)")
    open_pipeline: float = Field(description="open deals with a close date in the quarter, summed")
    open_deals: int
    coverage: float | None = Field(description="open pipeline ÷ still to win")
    coverage_note: str | None = None
    trailing_win_rate: float | None = Field(description="won ÷ closed by value over the past quarters")
    coverage_needed: float | None = Field(description="1 ÷ trailing win rate: the coverage that is enough")
    window: list[str] = Field(description="the past quarters the rates come from")
    expected: float | None = Field(description="bookings to date + Σ amount × P(won by the quarter's end)")
    low: float | None = Field(description="the range's low end (10th percentile)")
    high: float | None = Field(description="its high end (90th percentile)")
    range_method: str = Field("", description="how the range was worked out: exact, seeded simulation or the "
                                              "normal approximation")
    unmeasured_deals: int = Field(0, description="open deals whose chance cannot be measured (no deal in the window "
                                                 "was in their stage that long): left out of the forecast")
    unmeasured_amount: float = 0.0
    not_measured: str | None = Field(None, description="why there is no forecast (then expected and range are empty)")
    commit: float | None = Field(description="bookings to date + open deals in the quarter called Commit")
    commit_note: str | None = None
    stages: list[StageRate] = Field(default_factory=list)
    pipeline_by_source: dict[str, float] = Field(default_factory=dict)
    expected_by_source: dict[str, float] = Field(default_factory=dict)

    def source_shares(self, which: str = "pipeline") -> dict[str, float]:
        """Each source category's share of the open pipeline ("pipeline") or of the forecast's open part."""
        parts = self.pipeline_by_source if which == "pipeline" else self.expected_by_source
        total = sum(parts.values())
        return {category: value / total for category, value in parts.items()} if total else {}


def chances(ages: np.ndarray, days_left: float, won_after: np.ndarray, exits: np.ndarray) -> np.ndarray:
    """P(won by the quarter's end | in the stage `ages` days) for each open deal: of the window's deals still
    neither won nor lost that long after entering the stage (`exits`: days from entering it to closing, or to now
    while open), the share won within the days left (`won_after`: days from entering it to a win). NaN when no
    window deal was in the stage that long."""
    won_sorted, exits_sorted = np.sort(won_after), np.sort(exits)
    at_risk = len(exits_sorted) - np.searchsorted(exits_sorted, ages, side="right")
    won = (np.searchsorted(won_sorted, ages + days_left, side="right")
           - np.searchsorted(won_sorted, ages, side="right"))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(at_risk > 0, won / np.maximum(at_risk, 1), np.nan)


def simulated_range(amounts: np.ndarray, probabilities: np.ndarray, *, trials: int = TRIALS, seed: int = SEED,
                    percentiles: tuple[int, int] = RANGE) -> tuple[float, float]:
    """The percentiles of Σ amount × won over independent draws, a block of trials at a time (memory stays flat)."""
    rng = np.random.default_rng(seed)
    totals = np.empty(trials)
    block = max(1, 2_000_000 // max(len(amounts), 1))
    for start in range(0, trials, block):
        count = min(block, trials - start)
        totals[start:start + count] = (rng.random((count, len(amounts)), dtype=np.float32) < probabilities) @ amounts
    low, high = np.percentile(totals, percentiles)
    return float(low), float(high)


def bookings_range(amounts: np.ndarray, probabilities: np.ndarray) -> tuple[float, float, str]:
    """The 10th and 90th percentile of Σ amount × won, each deal won independently at its chance, and how they were
    worked out: exact when every chance is 0 or 1, else a seeded simulation, else (many deals) the normal
    approximation."""
    uncertain = (probabilities > 0) & (probabilities < 1)
    certain = float(amounts[probabilities >= 1].sum())
    count = int(uncertain.sum())
    if count == 0:
        return certain, certain, "exact: every open deal's chance is 0 or 1"
    if count <= MOST_SIMULATED:
        low, high = simulated_range(amounts[uncertain], probabilities[uncertain])
        return certain + low, certain + high, (
            f"seeded simulation: {TRIALS:,} quarters, each of {count} open deals won or not independently at its "
            f"chance (seed {SEED}); the range is the {RANGE[0]}th to {RANGE[1]}th percentile")
    a, p = amounts[uncertain], probabilities[uncertain]
    mean, spread = float((a * p).sum()), float(np.sqrt((a * a * p * (1 - p)).sum())) * Z_90
    top = float(a.sum())
    return certain + max(mean - spread, 0.0), certain + min(mean + spread, top), (
        f"normal approximation of {count} open deals won or not independently at their chances: mean ± "
        f"{Z_90:.2f} standard deviations ({RANGE[0]}th to {RANGE[1]}th percentile)")


def _frames(source: Any, deals: dict[str, Any], history: dict[str, Any] | None
            ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The open deals, and the window's stage history when asked, on one cursor."""
    cursor = catalog.cursor(source)
    try:
        open_deals = cursor.execute(sqlfiles.query("forecast_open_deals"), deals).df()
        return open_deals, None if history is None else cursor.execute(
            sqlfiles.query("forecast_stage_history"), history).df()
    finally:
        cursor.close()


def forecast(source: Any, charter: Charter, *, region: str | None = None, segment: str | None = None,
             history: int = pacing.HISTORY_QUARTERS, as_of: dt.date | None = None) -> Forecast:
    """The charter's quarter on the data's as-of day (the deals are as the data last saw them; `as_of` only for data
    that records none): coverage of the bookings still to win, the forecast with its range, and the commit (forecast
    categories), for the region or segment given."""
    quarter = Quarter.parse(charter.quarter)
    as_of = plan.as_of_day(source) or as_of
    if as_of is None or not quarter.first_day <= as_of <= quarter.last_day:
        raise ValueError(NOT_RUNNING.format(quarter=quarter, as_of=as_of or "none recorded"))
    definitions = charter.definitions_for(region, segment)
    filters = Filters(quarter=quarter, region=region, segment=segment)
    calendar = quarter.calendar
    now = calendar.midnight_utc(as_of + dt.timedelta(days=1))
    days_left = (quarter.end - now).total_seconds() / DAY_SECONDS
    first_past = quarter.shift(-history)
    window = [str(quarter.shift(-offset)) for offset in range(history, 0, -1)]
    missing = catalog.missing_inputs(source)

    requests = [("bookings", filters, definitions, [(quarter.first_day, as_of + dt.timedelta(days=1))])]
    learns_win_rate = "lost_deals" not in missing and "opportunities" not in missing
    if learns_win_rate:
        requests.append(("win_rate_value", filters, definitions, [(first_past.first_day, quarter.first_day)]))
    values = catalog.windows_values(source, requests)
    bookings_to_date = values[0][0] or 0.0
    win_rate = values[1][0] if learns_win_rate else None
    target = definitions.targets.get("bookings")
    scope = {"region": region, "segment": segment}
    sources = {name: catalog.PARAMETERS[name].value(filters, definitions)
               for name in ("source_names", "source_categories")}
    deals, history_rows = _frames(
        source, {**scope, **sources, "quarter_start": quarter.start, "quarter_end": quarter.end},
        None if "stage_history" in missing else {**scope, "window_start": first_past.start,
                                                 "window_end": quarter.start})
    amounts = deals["amount"].to_numpy(dtype=float)
    open_pipeline = float(amounts.sum())
    to_win = None if target is None else target - bookings_to_date
    coverage, coverage_note = None, None
    # Without deals or their amounts the open pipeline is unknown, not zero.
    no_pipeline = missing.get("opportunities") or missing.get("amounts")
    if no_pipeline:
        coverage_note = "not measured: " + no_pipeline
    elif target is None:
        coverage_note = "no bookings target for this quarter: set one on the Charter page"
    elif to_win <= 0:
        coverage_note = "the bookings target is already reached"
    else:
        coverage = open_pipeline / to_win
    if win_rate is None and coverage_note is None:
        coverage_note = missing.get("lost_deals") or "no deal closed in the past quarters to learn a win rate from"

    result: dict[str, Any] = dict(
        quarter=str(quarter), as_of=as_of, region=region, segment=segment, days_left=days_left,
        bookings_to_date=bookings_to_date, bookings_target=target, to_win=to_win, open_pipeline=open_pipeline,
        open_deals=len(deals), coverage=coverage, coverage_note=coverage_note, trailing_win_rate=win_rate,
        coverage_needed=1 / win_rate if win_rate else None, window=window,
        pipeline_by_source=deals.groupby("source_category")["amount"].sum().astype(float).to_dict())
    if no_pipeline or "forecast_categories" in missing:
        result.update(commit=None, commit_note=no_pipeline or missing["forecast_categories"])
    else:
        committed = deals["forecast_category"].isin(COMMIT_CATEGORIES).to_numpy()
        result.update(commit=bookings_to_date + float(amounts[committed].sum()))

    if no_pipeline or "stage_history" in missing:
        return Forecast(**result, expected=None, low=None, high=None, not_measured="not measured: " + (
            no_pipeline or missing["stage_history"] + "; a deal's chance of being won by the quarter's end is learnt "
                                                      "from the stages past deals went through"))
    entered_days = history_rows["entered_at"]
    outcome_days = ((history_rows["closed_at"].where(history_rows["is_closed"], pd.Timestamp(now)) - entered_days)
                    .dt.total_seconds() / DAY_SECONDS).to_numpy(dtype=float)
    ages = ((pd.Timestamp(now) - deals["stage_entered_at"]).dt.total_seconds() / DAY_SECONDS).to_numpy(dtype=float)
    probabilities = np.full(len(deals), np.nan)
    stages = []
    for stage_key, rows in history_rows.groupby("stage_key", sort=True):
        mask = (history_rows["stage_key"] == stage_key).to_numpy()
        won_mask = (rows["is_won"] & rows["is_closed"]).to_numpy()
        lost = int((rows["is_closed"] & ~rows["is_won"]).sum())
        in_stage = (deals["stage_key"] == stage_key).to_numpy()
        if in_stage.any():
            probabilities[in_stage] = chances(ages[in_stage], days_left, outcome_days[mask][won_mask],
                                              outcome_days[mask])
        won = int(won_mask.sum())
        chance = np.nan_to_num(probabilities[in_stage])
        stages.append(StageRate(stage=str(stage_key), entered=len(rows), won=won, lost=lost,
                                win_rate=won / (won + lost) if won + lost else None,
                                open_deals=int(in_stage.sum()), open_amount=float(amounts[in_stage].sum()),
                                expected=float((amounts[in_stage] * chance).sum())))
    measured = ~np.isnan(probabilities)
    chance = np.where(measured, probabilities, 0.0)
    low, high, method = bookings_range(amounts[measured], chance[measured])
    expected_open = amounts * chance
    return Forecast(**result, expected=bookings_to_date + float(expected_open.sum()),
                    low=bookings_to_date + low, high=bookings_to_date + high, range_method=method,
                    unmeasured_deals=int((~measured).sum()), unmeasured_amount=float(amounts[~measured].sum()),
                    stages=stages,
                    expected_by_source=pd.Series(expected_open).groupby(deals["source_category"].to_numpy())
                    .sum().astype(float).to_dict())


def summary_table(result: Forecast) -> list[dict[str, Any]]:
    """The forecast as (figure, value, note) rows: the CLI's CSV and the screen's table."""
    rows = [("bookings_to_date", result.bookings_to_date, None), ("bookings_target", result.bookings_target, None),
            ("to_win", result.to_win, None), ("open_pipeline", result.open_pipeline, f"{result.open_deals} deals"),
            ("coverage", result.coverage, result.coverage_note),
            ("trailing_win_rate", result.trailing_win_rate, "by value, " + " to ".join(result.window[::len(
                result.window) - 1]) if result.window else None),
            ("coverage_needed", result.coverage_needed, "1 ÷ trailing win rate"),
            ("forecast", result.expected, result.not_measured),
            ("forecast_low", result.low, result.range_method), ("forecast_high", result.high, None),
            ("commit", result.commit, result.commit_note)]
    rows += [(f"pipeline_share_{category}", share, None) for category, share in result.source_shares().items()]
    rows += [(f"forecast_share_{category}", share, None)
             for category, share in result.source_shares("forecast").items()]
    return [{"figure": name, "value": value, "note": note} for name, value, note in rows]
