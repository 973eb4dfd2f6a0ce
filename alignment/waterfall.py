"""The reverse waterfall: from a quarter's bookings target back to the won deals, opportunities, SQLs, SALs, MQLs and inquiries it needs."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from alignment import catalog, sqlfiles
from alignment.plan import as_of_day
from alignment.periods import Quarter
from alignment.presentation import formats, palette
from alignment.presentation.specs import ChartSpec, Column, Series, TableSpec

STAGES: tuple[str, ...] = ("bookings", "won_deals", "opportunities", "sqls", "sals", "mqls", "inquiries")
"""The waterfall's stages from the bookings target down to the top of the funnel."""

STAGE_LABELS = {"bookings": "Bookings", "won_deals": "Won deals", "opportunities": "Opportunities",
                "sqls": "SQLs", "sals": "SALs", "mqls": "MQLs", "inquiries": "Inquiries"}

STAGE_METRICS = {"bookings": "bookings", "opportunities": "opportunities_created", "sqls": "sqls", "sals": "sals",
                 "mqls": "mqls", "inquiries": "inquiries"}
"""The catalog metric whose charter target a stage's needed number becomes (won deals have none of their own)."""

RATE_STAGES = STAGES[1:]
"""The stages with a rate: a won deal's average size, then each stage's conversion to the stage after it."""

RATE_NAMES = {"won_deals": "average deal size", "opportunities": "win rate (opportunity → won)",
              "sqls": "SQL → opportunity", "sals": "SAL → SQL", "mqls": "MQL → SAL", "inquiries": "inquiry → MQL"}

RATE_SOURCES = ("measured", "set by hand", "not measured")

DEFAULT_WINDOW = 4
"""Quarters of history the rates are measured over: the last four finished before the plan's quarter."""

YOUNG_COHORTS = ("A stage's cohort is the records that entered it in the window; a conversion counts when it happened "
                 "before the window's end, and records that entered the stage within that step's median days of the "
                 "window's end are left out of the cohort, being too young to have converted.")
"""How the plan treats cohorts too young to have converted (shown with every plan)."""

DUE_DATES = ("Due date: the quarter's last day minus the stage's lead time (median days from entering the stage to a "
             "won deal, over the deals won in the window), the last day a record can enter the stage and still be "
             "expected to close in the quarter (a date before the quarter's first day: that stage's volume had to come "
             "in before the quarter began).")


class Plan(BaseModel):
    """A quarter's plan: the bookings target(s) worked back through the funnel, the window its rates are measured
    over, and the rates set by hand."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    quarter: str = Field(description="the quarter the plan is for, e.g. 2026-Q3")
    bookings_target: float | None = Field(None, description="the whole company's bookings target")
    region_targets: dict[str, float] = Field(default_factory=dict, description="region → bookings target")
    segment_targets: dict[str, float] = Field(default_factory=dict, description="segment → bookings target")
    window: int = Field(DEFAULT_WINDOW, description="finished quarters before the plan's quarter its rates cover")
    overrides: dict[str, float] = Field(default_factory=dict,
                                        description="stage → rate set by hand (won_deals: the average deal size)")

    @field_validator("quarter", mode="before")
    @classmethod
    def _quarter(cls, value: Any) -> str:
        return str(Quarter.parse(value) if isinstance(value, str) else value)

    @property
    def period(self) -> Quarter:
        return Quarter.parse(self.quarter)

    @field_validator("bookings_target", mode="before")
    @classmethod
    def _finite_target(cls, value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("the bookings target must be a number; write the amount to book, e.g. 1500000")
        return value

    @field_validator("region_targets", "segment_targets", "overrides", mode="before")
    @classmethod
    def _finite_values(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for name, number in value.items():
                if isinstance(number, float) and not math.isfinite(number):
                    raise ValueError(f"the value for {name} must be a number; write e.g. {name}=0.25 for a rate, "
                                     "or an amount for a bookings target or the average deal size")
        return value

    @field_validator("bookings_target")
    @classmethod
    def _positive_target(cls, value: float | None) -> float | None:
        if value is not None and not value > 0:
            raise ValueError(f"the bookings target {value:g} is not above zero; write the amount to book in the "
                             "quarter, e.g. 1500000")
        return value

    @field_validator("region_targets", "segment_targets")
    @classmethod
    def _scoped_targets(cls, value: dict[str, float]) -> dict[str, float]:
        cleaned = {}
        for scope, target in value.items():
            if not str(scope).strip():
                raise ValueError("a bookings target names no region or segment; write the region or segment it is for")
            if not target > 0:
                raise ValueError(f"the bookings target for {scope} is {target:g}; write an amount above zero")
            cleaned[str(scope).strip()] = target
        return cleaned

    @field_validator("window")
    @classmethod
    def _window(cls, value: int) -> int:
        if not 1 <= value <= 12:
            raise ValueError(f"a window of {value} quarters is not allowed; write 1 to 12 (4 is the last year)")
        return value

    @field_validator("overrides")
    @classmethod
    def _overrides(cls, value: dict[str, float]) -> dict[str, float]:
        for stage, rate in value.items():
            if stage not in RATE_STAGES:
                raise ValueError(f"'{stage}' is not a stage with a rate; write one of {', '.join(RATE_STAGES)}")
            if stage == "won_deals":
                if not rate > 0:
                    raise ValueError(f"the average deal size set by hand is {rate:g}; write an amount above zero, "
                                     "e.g. won_deals=25000")
            elif not 0 < rate <= 1:
                raise ValueError(f"the {RATE_NAMES[stage]} rate set by hand is {rate:g}; write a share above 0 and "
                                 f"at most 1, e.g. {stage}=0.25 for 25 %")
        return {stage: value[stage] for stage in RATE_STAGES if stage in value}

    @model_validator(mode="after")
    def _has_a_target(self) -> "Plan":
        if self.bookings_target is None and not self.region_targets and not self.segment_targets:
            raise ValueError("a plan starts from a bookings target; write the company's (or a region's or a "
                             "segment's) bookings target for the quarter")
        return self

    def scopes(self) -> list[tuple[str, str | None, float]]:
        """(scope kind, scope name, bookings target) for every target: the company's first."""
        scopes: list[tuple[str, str | None, float]] = []
        if self.bookings_target is not None:
            scopes.append(("company", None, self.bookings_target))
        scopes += [("region", name, target) for name, target in sorted(self.region_targets.items())]
        scopes += [("segment", name, target) for name, target in sorted(self.segment_targets.items())]
        return scopes

    def window_quarters(self, as_of: dt.date | None = None) -> list[Quarter]:
        """The window's quarters, oldest first: the `window` finished quarters before the plan's quarter (a quarter
        not finished on the data's as-of day is left out, the window moving back)."""
        last = self.period.shift(-1)
        if as_of is not None:
            while last.last_day > as_of:
                last = last.shift(-1)
        return [last.shift(-offset) for offset in range(self.window - 1, -1, -1)]


class StageRow(BaseModel):
    """One stage of the waterfall: what is needed, the rate that got it there, and by when it must be in."""

    model_config = ConfigDict(frozen=True)

    scope: str = Field(description="company, or region: NAME / segment: NAME")
    stage: str
    label: str
    metric: str | None = Field(description="the charter metric the needed number becomes a target for")
    needed: float | None = Field(description="how many (bookings: how much); None when a rate is not measured")
    rate_name: str | None
    rate: float | None
    rate_source: Literal[RATE_SOURCES] | None
    numerator: float | None
    denominator: float | None
    young: int | None = Field(None, description="records left out of the cohort as too young")
    reason: str | None = Field(None, description="why the rate is not measured, or the number not worked out")
    lead_time_days: float | None
    due_date: dt.date | None


def _window_bounds(quarters: list[Quarter]) -> tuple[dt.datetime, dt.datetime]:
    return quarters[0].start, quarters[-1].end


def measured_rates(source: Any, quarter: Quarter, window: list[Quarter], *, region: str | None = None,
                   segment: str | None = None, definitions: catalog.Definitions | None = None) -> pd.DataFrame:
    """The trailing rates and lead times of sql/queries/plan_rates.sql for one scope, one row per rated stage."""
    cursor = catalog.cursor(source)
    try:
        return cursor.execute(*rates_query(quarter, window, region=region, segment=segment,
                                           definitions=definitions)).df()
    finally:
        cursor.close()


def rates_query(quarter: Quarter, window: list[Quarter], *, region: str | None = None, segment: str | None = None,
                definitions: catalog.Definitions | None = None) -> tuple[str, dict[str, Any]]:
    """The rates' SQL and its bound parameters for one scope."""
    definitions = definitions or catalog.Definitions()
    filters = catalog.Filters(quarter=quarter, region=region, segment=segment)
    start, end = _window_bounds(window)
    return sqlfiles.query("plan_rates"), {
        "window_start": start, "window_end": end, "region": filters.region, "segment": filters.segment,
        "backfill": catalog.PARAMETERS["backfill"].value(filters, definitions),
        "time_zone": catalog.PARAMETERS["time_zone"].value(filters, definitions)}


def _not_measured(stage: str, numerator: float, denominator: float, young: int) -> str:
    if stage == "won_deals":
        return "no deal was won in the window: set the average deal size by hand"
    if denominator == 0:
        extra = f" ({young} entered too recently to count)" if young else ""
        return f"no {STAGE_LABELS[stage]} entered the stage in the window{extra}: set the rate by hand"
    return (f"none of the window's {int(denominator):,} {STAGE_LABELS[stage]} reached the next stage: set the rate "
            "by hand")


def _lead(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _due(quarter: Quarter, lead_time: float | None) -> dt.date | None:
    return None if lead_time is None else quarter.last_day - dt.timedelta(days=math.ceil(lead_time))


def _needed(value: float) -> float:
    # whole records: round up, as 2.1 deals needed means 3 (bookings themselves stay the amount)
    return float(math.ceil(value - 1e-9))


def scope_rows(plan: Plan, target: float, rates: pd.DataFrame, scope: str) -> list[StageRow]:
    """The waterfall for one bookings target: each stage's needed number from the stage below it and its rate."""
    quarter = plan.period
    rows = [StageRow(scope=scope, stage="bookings", label=STAGE_LABELS["bookings"], metric="bookings",
                     needed=float(target), rate_name=None, rate=None, rate_source=None, numerator=None,
                     denominator=None, lead_time_days=0.0, due_date=quarter.last_day)]
    needed: float | None = float(target)
    by_stage = {row["stage"]: row for row in rates.to_dict("records")}
    for stage in RATE_STAGES:
        row = by_stage[stage]
        numerator, denominator, young = float(row["numerator"]), float(row["denominator"]), int(row["young"])
        measured = None if pd.isna(row["rate"]) else float(row["rate"])
        reason = None
        if stage in plan.overrides:
            rate, rate_source = plan.overrides[stage], "set by hand"
        elif measured is not None:
            rate, rate_source = measured, "measured"
        else:
            rate, rate_source = None, "not measured"
            reason = _not_measured(stage, numerator, denominator, young)
        if needed is not None and rate is not None:
            needed = needed / rate
        else:
            needed = None
            reason = reason or "a stage below it has no rate"
        lead_time = _lead(row["lead_time_days"])
        rows.append(StageRow(scope=scope, stage=stage, label=STAGE_LABELS[stage], metric=STAGE_METRICS.get(stage),
                             needed=None if needed is None else _needed(needed), rate_name=RATE_NAMES[stage],
                             rate=rate, rate_source=rate_source, numerator=numerator, denominator=denominator,
                             young=young, reason=reason, lead_time_days=lead_time, due_date=_due(quarter, lead_time)))
    return rows


def scope_label(kind: str, name: str | None) -> str:
    return "company" if kind == "company" else f"{kind}: {name}"


class Waterfall(BaseModel):
    """A plan worked out on the warehouse: its window and the stage rows of every scope."""

    model_config = ConfigDict(frozen=True)

    plan: Plan
    window: list[str]
    window_dates: str
    rows: list[StageRow]
    cohorts: str = YOUNG_COHORTS
    due_dates: str = DUE_DATES

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([row.model_dump() for row in self.rows])

    def scope(self, scope: str = "company") -> list[StageRow]:
        return [row for row in self.rows if row.scope == scope]

    def hand_set_needed(self) -> list[str]:
        """The stages whose rate is not measured and so must be set by hand (in STAGES order, once each)."""
        return list(dict.fromkeys(row.stage for row in self.rows if row.rate_source == "not measured"))

    def targets(self) -> dict[str, dict[str | None, dict[str, float]]]:
        """The charter targets the plan sets: scope kind → scope name → metric → needed (only numbers worked out)."""
        out: dict[str, dict[str | None, dict[str, float]]] = {"company": {}, "region": {}, "segment": {}}
        for kind, name, _ in self.plan.scopes():
            label = scope_label(kind, name)
            out[kind][name] = {row.metric: row.needed for row in self.scope(label)
                               if row.metric is not None and row.needed is not None}
        return out


def work_out(source: Any, plan: Plan, definitions: catalog.Definitions | None = None,
             as_of: dt.date | None = None) -> Waterfall:
    """The plan's waterfall for every scope it has a bookings target for, on the warehouse as it is."""
    if as_of is None:
        as_of = as_of_day(source)
    window = plan.window_quarters(as_of)
    rows: list[StageRow] = []
    for kind, name, target in plan.scopes():
        rates = measured_rates(source, plan.period, window, definitions=definitions,
                               region=name if kind == "region" else None, segment=name if kind == "segment" else None)
        rows += scope_rows(plan, target, rates, scope_label(kind, name))
    dates = f"{window[0].first_day:%-d %b %Y} – {window[-1].last_day:%-d %b %Y}"
    return Waterfall(plan=plan, window=[str(q) for q in window], window_dates=dates, rows=rows)


CSV_COLUMNS = ("scope", "stage", "needed", "rate", "rate_source", "numerator", "denominator", "lead_time_days",
               "due_date")


def export_rows(waterfall: Waterfall) -> list[dict[str, Any]]:
    """The rows the CLI writes as JSON or CSV (CSV_COLUMNS, plus the reason a rate is not measured); a numerator and
    denominator only beside a measured rate, so a rate set by hand never reads as taken over them."""
    measured = ("numerator", "denominator")
    return [{**{column: getattr(row, column) if column not in measured or row.rate_source == "measured" else None
                for column in CSV_COLUMNS},
             "due_date": row.due_date.isoformat() if row.due_date else None, "reason": row.reason}
            for row in waterfall.rows]


STAGE_ROLES = {"inquiries": "demand_gen", "mqls": "demand_gen"}
"""Marketing works a person to MQL, sales from acceptance on (palette.STAGE_ROLES, in the plan's stage names)."""


def rate_text(row: StageRow) -> str:
    """The rate as read: a share for a conversion, an amount for the average deal size, the reason when not measured."""
    if row.rate is None:
        return "" if row.rate_source is None else f"not measured: {row.reason}"
    return formats.currency(row.rate) if row.stage == "won_deals" else formats.percent(row.rate)


def basis_text(row: StageRow) -> str:
    """What a measured rate was taken over: 868 of 3,259 (or a deal size's bookings over its deals)."""
    if row.rate_source != "measured":
        return ""
    if row.stage == "won_deals":
        return f"{formats.currency(row.numerator)} over {formats.count(row.denominator)} won deals"
    young = f" ({formats.count(row.young)} too young left out)" if row.young else ""
    return f"{formats.count(row.numerator)} of {formats.count(row.denominator)}{young}"


def needed_text(row: StageRow) -> str:
    if row.needed is None:
        return "not worked out"
    return formats.currency(row.needed) if row.stage == "bookings" else formats.count(row.needed)


def table(result: Waterfall, scope: str = "company") -> TableSpec:
    """The plan of one scope as the table the Charter page, the slide, the PDF and the workbook all show."""
    rows = result.scope(scope)
    where = "" if scope == "company" else f", {scope}"
    return TableSpec(
        title=f"The plan for {result.plan.quarter}{where}", sheet="The plan" if scope == "company" else
        f"Plan {scope.split(': ', 1)[-1]}"[:31].translate(str.maketrans("", "", "[]:*?/\\")) or "Plan",
        columns=[Column(header="Stage"), Column(header="Needed"), Column(header="Rate"),
                 Column(header="Rate is"), Column(header="Measured as"), Column(header="Lead time", unit="days"),
                 Column(header="Due by", unit="date"), Column(header="Needed (number)", detail=True),
                 Column(header="Rate (number)", detail=True), Column(header="Numerator", detail=True),
                 Column(header="Denominator", detail=True)],
        rows=[[row.label, needed_text(row), rate_text(row), row.rate_source or "", basis_text(row),
               row.lead_time_days, row.due_date, row.needed, row.rate,
               row.numerator if row.rate_source == "measured" else None,
               row.denominator if row.rate_source == "measured" else None] for row in rows],
        definition=f"Rates over {', '.join(result.window)} ({result.window_dates}). {result.cohorts} "
                   f"{result.due_dates}")


def chart(result: Waterfall, scope: str = "company") -> ChartSpec:
    """Needed per stage from inquiries down to won deals, widest first: the funnel the plan asks for."""
    rows = [row for row in result.scope(scope) if row.stage != "bookings"][::-1]
    return ChartSpec(
        kind="bar", title=f"Needed per stage, {result.plan.quarter}", unit="count", sheet="The plan chart",
        categories=[row.label for row in rows], value_title="Needed",
        definition="Each stage's number needed to reach the bookings target at the plan's rates.",
        series=[Series(name="Needed", values=[row.needed for row in rows], colour=palette.SALES,
                       point_colours=[palette.FUNNEL_COLOURS[STAGE_ROLES.get(row.stage, "sales")] for row in rows])])
