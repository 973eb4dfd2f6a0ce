"""Pacing a running quarter: each planned number to date against the share past quarters had reached by then."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from alignment import catalog, periods, plan, waterfall
from alignment.catalog import Filters, MetricSpec
from alignment.charter import SCOPE_BOUND_UNITS, Charter
from alignment.periods import Quarter
from alignment.presentation import formats
from alignment.presentation.specs import PaceSpec

HISTORY_QUARTERS = 4
"""How many finished quarters before the one paced give its expected weekly curve (and the forecast's rates)."""

TOLERANCE = 0.10
"""The band around expected to date that still reads "on track": ±10 % of expected. Past quarters' weekly shares
differ from one another by about this much, so a smaller band would call ordinary weeks ahead or behind."""

WEEK_DAYS = 7
STATUSES = ("on track", "behind", "ahead")
NO_CURVE = ("no curve, not measured: no finished quarter before this one has this number to learn its weekly shape "
            "from")
NO_TARGETS = "no targets signed for this quarter: set them on the Charter page, then sign the charter"


def accumulates(metric: MetricSpec) -> bool:
    """Whether a metric adds up through a quarter (a count or a sum read from the tables) and so is paced along a
    curve; a rate, a duration or a metric built on others (cost per MQL, average deal size) is paced as its value to
    date against the target, with no curve."""
    return metric.unit in SCOPE_BOUND_UNITS and not metric.uses


def week_bounds(quarter: Quarter) -> list[dt.date]:
    """The quarter's week boundaries: its first day, then every 7 days, then the first day after it. Week 1 starts on
    the quarter's first day; the last week takes the days left over, so it is 7 to 13 days long (a 92-day quarter's
    week 13 has 8 days; a 98-day 4-4-5 quarter has 14 weeks of 7)."""
    days = (quarter.end_day - quarter.first_day).days
    weeks = max(days // WEEK_DAYS, 1)
    return [quarter.first_day + dt.timedelta(days=WEEK_DAYS * k) for k in range(weeks)] + [quarter.end_day]


def _at(bounds: list[dt.date], curve: list[float], day_after: dt.date) -> float:
    """The curve read at the end of a day (its first day after), straight between week boundaries."""
    if day_after >= bounds[-1]:
        return curve[-1]
    for k in range(1, len(bounds)):
        if day_after <= bounds[k]:
            span = (bounds[k] - bounds[k - 1]).days
            done = (day_after - bounds[k - 1]).days
            return curve[k - 1] + (curve[k] - curve[k - 1]) * done / span
    return curve[-1]  # unreachable: the last bound ends the loop


def shares(cumulative: list[float | None], final: float | None) -> list[float] | None:
    """A past quarter's cumulative weekly values as shares of its final number (None: no final number to share)."""
    if final is None or final == 0 or any(value is None for value in cumulative):
        return None
    return [value / final for value in cumulative]


def average_curve(per_quarter: list[list[float] | None]) -> list[float] | None:
    """The expected curve: 0 at the start, each week boundary the average share of the past quarters that had a
    final number, 1 at the end (None: no past quarter to learn from)."""
    known = [quarter for quarter in per_quarter if quarter is not None]
    if not known:
        return None
    inner = [sum(values) / len(known) for values in zip(*known)]
    return [0.0, *inner, 1.0]


def judge(actual: float | None, expected: float | None, direction: str, tolerance: float = TOLERANCE) -> str | None:
    """On track within ±tolerance of expected; ahead beyond it on the metric's good side (above for a number that
    should go up, below for spend and other numbers that should go down); behind beyond it on the other."""
    if actual is None or expected is None:
        return None
    low, high = expected - abs(expected) * tolerance, expected + abs(expected) * tolerance
    if low <= actual <= high:
        return "on track"
    better = actual > high if direction == "up" else actual < low
    return "ahead" if better else "behind"


class WeekPoint(BaseModel):
    """One week boundary of the chart: cumulative actual (empty after the as-of day) and expected."""

    week: int = Field(description="weeks done: 0 is the quarter's first day, the last is its end")
    day: dt.date = Field(description="the first day after those weeks")
    actual: float | None
    expected: float | None


class PaceRow(BaseModel):
    """One planned number of the running quarter, paced."""

    name: str
    title: str
    unit: str
    direction: str
    paced_as: Literal["total", "rate"] = Field(description="total: along the expected curve; rate: its value to "
                                                           "date against the target")
    target: float
    actual: float | None
    expected: float | None = Field(description="total: target × the curve at the as-of day; rate: the target")
    status: Literal[STATUSES] | None
    gap: float | None = Field(description="actual − expected, in the metric's unit")
    needed_per_week: float | None = Field(description="total: (target − actual) ÷ weeks left")
    curve_from: list[str] = Field(default_factory=list, description="the past quarters the curve was learnt from")
    curve_share: float | None = Field(None, description="the curve at the as-of day (expected share of the target)")
    weeks: list[WeekPoint] = Field(default_factory=list)
    not_measured: str | None = None


class Pace(BaseModel):
    """The running quarter's planned numbers against their expected values on one as-of day."""

    quarter: str
    as_of: dt.date
    region: str | None = None
    segment: str | None = None
    week: int = Field(description="the week the as-of day falls in (1 = the quarter's first 7 days)")
    weeks: int
    weeks_left: float = Field(description="days after the as-of day to the quarter's end, ÷ 7")
    tolerance: float = TOLERANCE
    history_quarters: int = HISTORY_QUARTERS
    rows: list[PaceRow]
    not_planned: str | None = Field(None, description="why nothing is paced (no targets for the quarter)")


def running_quarter(source: Any) -> Quarter | None:
    """The quarter under way on the data's as-of day (periods.running_quarter), None when there is none."""
    return periods.running_quarter(plan.as_of_day(source))


def is_running(source: Any, quarter: Quarter | str) -> bool:
    quarter = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    running = running_quarter(source)
    return running is not None and running == quarter


def planned(charter: Charter, region: str | None = None, segment: str | None = None) -> dict[str, float]:
    """The targets written in the charter for the scope (a region's or segment's own totals; the company's rates)."""
    return dict(charter.definitions_for(region, segment).targets)


def _as_of_in(quarter: Quarter, as_of: dt.date | None, source: Any) -> dt.date:
    as_of = as_of or plan.as_of_day(source)
    if as_of is None:
        raise ValueError("the data records no as-of day: give one (--as-of YYYY-MM-DD)")
    if not quarter.first_day <= as_of <= quarter.last_day:
        raise ValueError(f"the as-of day {as_of} is not in {quarter} ({quarter.dates}); give a day inside it")
    return as_of


def pace(source: Any, charter: Charter, *, as_of: dt.date | None = None, region: str | None = None,
         segment: str | None = None, history: int = HISTORY_QUARTERS, tolerance: float = TOLERANCE) -> Pace:
    """Each metric with a target in the charter's quarter (for the region or segment given), paced on the as-of day
    (the data's by default): actual over [quarter start, as-of day], expected, status, gap and needed per week."""
    quarter = Quarter.parse(charter.quarter)
    as_of = _as_of_in(quarter, as_of, source)
    day_after = as_of + dt.timedelta(days=1)
    bounds = week_bounds(quarter)
    week = min(((as_of - quarter.first_day).days // WEEK_DAYS) + 1, len(bounds) - 1)
    weeks_left = (quarter.end_day - day_after).days / WEEK_DAYS
    targets = planned(charter, region, segment)
    definitions = charter.definitions_for(region, segment)
    filters = Filters(quarter=quarter, region=region, segment=segment)
    missing = catalog.missing_inputs(source)
    rows: dict[str, PaceRow] = {}
    requests, totals = [], []
    for name, target in targets.items():
        metric = catalog.spec(name)
        reason = metric.not_measured(missing)
        if reason:
            rows[name] = PaceRow(name=name, title=metric.title, unit=metric.unit, direction=metric.direction,
                                 paced_as="total" if accumulates(metric) else "rate", target=target, actual=None,
                                 expected=None, status=None, gap=None, needed_per_week=None, not_measured=reason)
        elif accumulates(metric):
            totals.append(name)
            requests.append((name, filters, definitions, _total_windows(quarter, bounds, day_after, history)))
        else:
            requests.append((name, filters, definitions, [(quarter.first_day, day_after)]))
    # Every planned number's windows in one batch: a query each, on a few threads.
    for (name, *_), values in zip(requests, catalog.windows_values(source, requests)):
        metric, target = catalog.spec(name), targets[name]
        if name in totals:
            rows[name] = _paced_total(metric, values, target, quarter, bounds, day_after, weeks_left, history,
                                      tolerance)
            continue
        actual = values[0]
        rows[name] = PaceRow(name=name, title=metric.title, unit=metric.unit, direction=metric.direction,
                             paced_as="rate", target=target, actual=actual, expected=target,
                             status=judge(actual, target, metric.direction, tolerance),
                             gap=None if actual is None else actual - target, needed_per_week=None,
                             not_measured=None if actual is not None else "nothing to measure yet this quarter")
    # The Scorecard's columns left to right; within one, the plan's stages as the funnel runs (inquiries to
    # bookings), then the charter's order.
    roles = ("awareness", "demand_gen", "sales")
    funnel = list(reversed(waterfall.STAGE_METRICS.values()))
    chosen = {name: index for index, name in enumerate(charter.metrics)}
    rows = [rows[name] for name in sorted(targets, key=lambda name: (
        roles.index(catalog.spec(name).funnel_role), funnel.index(name) if name in funnel else len(funnel),
        chosen.get(name, len(chosen)), name))]
    return Pace(quarter=str(quarter), as_of=as_of, region=region, segment=segment, week=week,
                weeks=len(bounds) - 1, weeks_left=weeks_left, tolerance=tolerance, history_quarters=history,
                rows=rows, not_planned=None if targets else NO_TARGETS)


def _total_windows(quarter: Quarter, bounds: list[dt.date], day_after: dt.date, history: int) -> list[tuple]:
    """The windows a count or sum is read over: each past quarter's first weeks (as many as this quarter has inside
    it) and whole, then this quarter up to each week boundary passed and up to the as-of day."""
    inner = len(bounds) - 2  # week boundaries strictly inside a quarter
    windows: list[tuple[dt.date, dt.date]] = []
    for earlier in (quarter.shift(-offset) for offset in range(history, 0, -1)):
        first, after = earlier.first_day, earlier.end_day  # each works the calendar out afresh: once per quarter
        windows += [(first, min(first + dt.timedelta(days=WEEK_DAYS * k), after)) for k in range(1, inner + 1)]
        windows.append((first, after))
    done = [b for b in bounds[1:] if b <= day_after]
    return windows + [(quarter.first_day, b) for b in done] + [(quarter.first_day, day_after)]


def _paced_total(metric: MetricSpec, values: list, target: float, quarter: Quarter, bounds: list[dt.date],
                 day_after: dt.date, weeks_left: float, history: int, tolerance: float) -> PaceRow:
    """A count or sum from its windows' values (_total_windows): the curve, expected, status, gap and weeks."""
    past = [quarter.shift(-offset) for offset in range(history, 0, -1)]
    inner = len(bounds) - 2
    per_quarter, used = [], []
    for index, earlier in enumerate(past):
        chunk = values[index * (inner + 1):(index + 1) * (inner + 1)]
        share = shares(chunk[:-1], chunk[-1])
        per_quarter.append(share)
        if share is not None:
            used.append(str(earlier))
    current = values[len(past) * (inner + 1):]
    actual = current[-1] if current[-1] is not None else 0.0
    curve = average_curve(per_quarter)
    common = dict(name=metric.name, title=metric.title, unit=metric.unit, direction=metric.direction,
                  paced_as="total", target=target, actual=actual, curve_from=used)
    needed = (target - actual) / weeks_left if weeks_left > 0 else None
    actual_by_week = [0.0, *(v if v is not None else 0.0 for v in current[:-1])]
    if curve is None:
        points = [WeekPoint(week=k, day=b, actual=actual_by_week[k] if k < len(actual_by_week) else None,
                            expected=None) for k, b in enumerate(bounds)]
        return PaceRow(**common, expected=None, status=None, gap=None, needed_per_week=needed, weeks=points,
                       not_measured=NO_CURVE)
    share = _at(bounds, curve, day_after)
    expected = target * share
    points = [WeekPoint(week=k, day=b, actual=actual_by_week[k] if k < len(actual_by_week) else None,
                        expected=target * curve[k]) for k, b in enumerate(bounds)]
    return PaceRow(**common, expected=expected, status=judge(actual, expected, metric.direction, tolerance),
                   gap=actual - expected, needed_per_week=needed, curve_share=share, weeks=points)


def needed_shown(row: PaceRow) -> float | None:
    """Needed per week as a reader is shown it: a number that should go up and is already past its target needs
    nothing more (0, not a negative amount)."""
    if row.needed_per_week is None:
        return None
    return max(row.needed_per_week, 0.0) if row.direction == "up" else row.needed_per_week


def rows_table(paced: Pace) -> list[dict[str, Any]]:
    """The paced rows flat (for the CLI's CSV and JSON, and the screen's table)."""
    return [{"metric": row.name, "title": row.title, "unit": row.unit, "paced_as": row.paced_as,
             "actual_to_date": row.actual, "expected_to_date": row.expected, "target": row.target,
             "status": row.status, "gap": row.gap, "needed_per_week": row.needed_per_week,
             "curve_share": row.curve_share, "curve_from": ", ".join(row.curve_from),
             "not_measured": row.not_measured} for row in paced.rows]




def chart(row: PaceRow, paced: Pace) -> PaceSpec:
    """A paced total as the weekly line the screen and the exports draw: actual by week, the expected curve × target
    and the ±tolerance band (no curve: the actual line alone)."""
    if row.paced_as != "total":
        raise ValueError(f"{row.name} is paced as a rate: it has no weekly line")
    band = paced.tolerance
    points = [("Start" if point.week == 0 else f"Week {point.week}", point.day, point.actual, point.expected)
              for point in row.weeks]
    day_after = paced.as_of + dt.timedelta(days=1)
    passed = [index for index, point in enumerate(row.weeks) if point.day <= day_after]
    as_of_index = None
    if row.weeks[passed[-1]].day < day_after:  # mid-week: the as-of day gets a point of its own
        as_of_index = passed[-1] + 1
        points.insert(as_of_index, (f"As of {formats.day(paced.as_of)}", day_after, row.actual, row.expected))
    labels, days, actual, expected = (list(column) for column in zip(*points))
    return PaceSpec(
        title=f"{row.title}: actual to date vs expected", unit=row.unit, weeks=labels, days=days, actual=actual,
        expected=expected, low=[None if e is None else e * (1 - band) for e in expected],
        high=[None if e is None else e * (1 + band) for e in expected], target=row.target, as_of_index=as_of_index,
        as_of_label=f"as of {formats.day(paced.as_of)} (week {paced.week} of {paced.weeks})",
        definition=(f"Expected: the target × the share of the quarter's total reached by the same week in "
                    f"{', '.join(row.curve_from)}; band ±{band:.0%}" if row.curve_from else row.not_measured or ""))
