"""Chart and table descriptions: what the screen, the slides, the PDF and the workbook each draw the same way."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal, Union

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from alignment.presentation import formats, palette

Unit = Literal["count", "currency", "percent", "days", "hours", "ratio"]
Role = Literal["awareness", "demand_gen", "sales"]
Status = Literal["planned", "running", "done"]
COLOUR = r"^#[0-9A-Fa-f]{6}$"
NO_SPONSOR_MARK = "⚠ "
"""What a timeline puts before the label of a campaign that names no sales sponsor (its bar is outlined in red)."""


class Series(BaseModel):
    """One named row of values over a chart's categories, in one colour (or one colour per category)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    values: list[float | None]
    colour: str = Field(pattern=COLOUR)
    point_colours: list[str] | None = Field(None, description="one colour per category, e.g. the waterfall's stages")

    @field_validator("point_colours")
    @classmethod
    def _colours(cls, value: list[str] | None) -> list[str] | None:
        for colour in value or []:
            if not re.match(COLOUR, colour):
                raise ValueError(f"'{colour}' is not a colour; write it as #RRGGBB")
        return value


class ChartSpec(BaseModel):
    """One chart: kind, title, categories, series, unit and the definition printed with it, wherever it is drawn."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["column", "bar", "stacked_bar", "line"] = Field(
        description="column: vertical bars; bar: horizontal bars; stacked_bar: horizontal, stacked; line: lines")
    title: str = Field(min_length=1)
    categories: list[str]
    series: list[Series] = Field(min_length=1)
    unit: Unit
    definition: str = ""
    value_title: str = ""
    sheet: str = Field("", max_length=31, description="its worksheet's name in the workbook (default: the title)")

    @model_validator(mode="after")
    def _shapes(self) -> "ChartSpec":
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"'{self.title}': series '{series.name}' has {len(series.values)} values for "
                                 f"{len(self.categories)} categories; give one value per category")
            if series.point_colours is not None and len(series.point_colours) != len(self.categories):
                raise ValueError(f"'{self.title}': series '{series.name}' needs one point colour per category")
        return self

    @property
    def largest(self) -> float:
        """The largest value drawn (a stacked chart's largest stack), for axis scales."""
        if self.kind == "stacked_bar":
            stacks = [sum(s.values[i] or 0 for s in self.series) for i in range(len(self.categories))]
            return max(stacks, default=0.0)
        return max((v for s in self.series for v in s.values if v is not None), default=0.0)

    @property
    def is_empty(self) -> bool:
        return not self.categories or all(v is None for s in self.series for v in s.values)


class WaterfallStep(BaseModel):
    """One bar of a waterfall: a total (drawn from zero) or a step (drawn from the running total)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str = Field(min_length=1)
    value: float
    total: bool = Field(False, description="a total drawn from zero (start, end), else a step up or down")
    detail: str = Field("", description="what the hover adds, e.g. how many deals")


class WaterfallSpec(BaseModel):
    """A waterfall: a starting total, steps up (green) and down (red), and an ending total that they add up to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["waterfall"] = "waterfall"
    title: str = Field(min_length=1)
    steps: list[WaterfallStep] = Field(min_length=2)
    unit: Unit
    definition: str = ""
    sheet: str = Field("", max_length=31, description="its worksheet's name in the workbook (default: the title)")

    @model_validator(mode="after")
    def _adds_up(self) -> "WaterfallSpec":
        first, last = self.steps[0], self.steps[-1]
        if not (first.total and last.total):
            raise ValueError(f"'{self.title}': a waterfall starts and ends with a total")
        moved = sum(step.value for step in self.steps[1:-1] if not step.total)
        if not math.isclose(first.value + moved, last.value, rel_tol=1e-9, abs_tol=1e-6):
            raise ValueError(f"'{self.title}': the start ({first.value}) and the steps ({moved}) do not add up to the "
                             f"end ({last.value})")
        return self

    def bars(self) -> list[tuple[float, float, str]]:
        """Each step as a floating bar, for renderers that stack an invisible base under it: (its bottom, its height,
        "total", "up" or "down"), the running total carried from step to step."""
        bars, running = [], 0.0
        for step in self.steps:
            if step.total:
                bars.append((min(0.0, step.value), abs(step.value), "total"))
                running = step.value
                continue
            after = running + step.value
            bars.append((min(running, after), abs(step.value), "up" if step.value >= 0 else "down"))
            running = after
        return bars

    def label(self, index: int) -> str:
        """A bar's value as its label reads: a total as it is, a step signed (+$1.7M, -$2.8M)."""
        step = self.steps[index]
        return formats.by_unit(step.value, self.unit) if step.total else formats.change(step.value, self.unit)


class TimelineRow(BaseModel):
    """One bar of a timeline: a campaign from its first to its last day, in its funnel role's colour."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str = Field(min_length=1)
    start: dt.date = Field(description="its first day")
    end: dt.date = Field(description="its last day (inclusive)")
    role: Role
    has_sales_sponsor: bool
    sales_sponsor: str | None = Field(None, description="the sponsor's name, when it names one")
    status: Status | None = None
    channel: str = ""
    budget: float | None = None
    actual_cost: float | None = None

    @field_validator("budget", "actual_cost")
    @classmethod
    def _number(cls, value: float | None) -> float | None:
        return None if value is None or math.isnan(value) else value  # a missing cost, as the CRM leaves it

    @model_validator(mode="after")
    def _dates(self) -> "TimelineRow":
        if self.end < self.start:
            raise ValueError(f"'{self.label}' ends on {formats.day(self.end)}, before it starts on "
                             f"{formats.day(self.start)}; its last day cannot come before its first")
        return self

    @property
    def colour(self) -> str:
        return palette.FUNNEL_COLOURS[self.role]

    @property
    def shown_label(self) -> str:
        """The label as every renderer prints it: marked ⚠ when the campaign names no sales sponsor."""
        return self.label if self.has_sales_sponsor else NO_SPONSOR_MARK + self.label


class TimelineSpec(BaseModel):
    """A timeline (Gantt): one bar per row from its first to its last day across a period, coloured by funnel role,
    outlined in red and marked ⚠ when it names no sales sponsor, a dotted line at each quarter's start inside it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["timeline"] = "timeline"
    title: str = Field(min_length=1)
    rows: list[TimelineRow]
    period_start: dt.date = Field(description="the first day shown")
    period_end: dt.date = Field(description="the day after the last day shown")
    definition: str = ""
    sheet: str = Field("", max_length=31, description="its worksheet's name in the workbook (default: the title)")

    @model_validator(mode="after")
    def _period(self) -> "TimelineSpec":
        if self.period_end <= self.period_start:
            raise ValueError(f"'{self.title}': the period must end after it starts; give its first day and the day "
                             f"after its last (here {formats.day(self.period_start)} and "
                             f"{formats.day(self.period_end)})")
        for row in self.rows:
            if row.end < self.period_start or row.start >= self.period_end:
                raise ValueError(f"'{self.title}': '{row.label}' runs {formats.day(row.start)} to "
                                 f"{formats.day(row.end)}, outside the period {formats.day(self.period_start)} to "
                                 f"{formats.day(self.last_day)}; leave it out or widen the period")
        return self

    @property
    def last_day(self) -> dt.date:
        return self.period_end - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        """How many days the period shows."""
        return (self.period_end - self.period_start).days

    def span(self, row: TimelineRow) -> tuple[int, int]:
        """The bar's offset from the period's first day and its length, in days, cut to the period (a campaign that
        runs longer reaches the edge)."""
        first = max(row.start, self.period_start)
        after = min(row.end + dt.timedelta(days=1), self.period_end)
        return (first - self.period_start).days, (after - first).days

    @property
    def quarter_starts(self) -> list[dt.date]:
        """The first day of each quarter that begins inside the period (after its first day)."""
        return [month for month in self._months(3) if month > self.period_start]

    @property
    def month_starts(self) -> list[dt.date]:
        """The first day of each month inside the period, its first day included (the date axis's ticks)."""
        return [month for month in self._months(1) if month >= self.period_start]

    def _months(self, step: int) -> list[dt.date]:
        """First days of months `step` apart (1: every month, 3: quarters) from the period's start to its end."""
        index = self.period_start.year * 12 + (self.period_start.month - 1) // step * step
        months = []
        while dt.date(index // 12, index % 12 + 1, 1) < self.period_end:
            months.append(dt.date(index // 12, index % 12 + 1, 1))
            index += step
        return months

    @property
    def labels(self) -> list[str]:
        return [row.shown_label for row in self.rows]

    @property
    def roles(self) -> list[str]:
        """The funnel roles drawn, in the order they first appear (the legend's order)."""
        return list(dict.fromkeys(row.role for row in self.rows))

    @property
    def without_sponsor(self) -> int:
        return sum(not row.has_sales_sponsor for row in self.rows)

    @property
    def is_empty(self) -> bool:
        return not self.rows


JOURNEY_LANES = ("touch", "person stage", "deal stage")
"""The journey chart's lanes, top to bottom: what marketing did, how the people moved, how the deals moved."""
JOURNEY_LANE_LABELS = {"touch": "Campaign touches", "person stage": "People's stages", "deal stage": "Deals' stages"}
JOURNEY_LANE_COLOURS = {"touch": palette.DEMAND_GEN, "person stage": palette.NAVY, "deal stage": palette.SALES}


class JourneyEvent(BaseModel):
    """One moment of an account's journey: a touch, a stage a person reached or a stage a deal entered."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: dt.datetime
    lane: Literal[JOURNEY_LANES]
    label: str = Field(min_length=1, description="what happened: the campaign, or the stage")
    detail: str = Field("", description="who or which deal, and the channel of a touch")


class JourneySpec(BaseModel):
    """An account's journey as points on one time axis, one lane per kind of event, in the order they happened."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["journey"] = "journey"
    title: str = Field(min_length=1)
    events: list[JourneyEvent]

    @model_validator(mode="after")
    def _ordered(self) -> "JourneySpec":
        moments = [event.at for event in self.events]
        if moments != sorted(moments):
            raise ValueError(f"'{self.title}': give the events in the order they happened")
        return self

    @classmethod
    def from_timeline(cls, title: str, timeline: pd.DataFrame) -> "JourneySpec":
        """The spec of an ordered timeline (alignment.journey.timeline's columns: occurred_at, kind, what, channel,
        person_id, opportunity_id, deal_name)."""
        events = []
        for row in timeline.itertuples(index=False):
            if pd.isna(row.occurred_at):
                continue
            who = row.person_id if row.kind != "deal stage" else (row.deal_name if isinstance(row.deal_name, str)
                                                                  else row.opportunity_id)
            detail = " · ".join(str(part) for part in (who, row.channel) if isinstance(part, str) and part)
            events.append(JourneyEvent(at=pd.Timestamp(row.occurred_at).to_pydatetime(), lane=row.kind,
                                       label=str(row.what) if isinstance(row.what, str) and row.what else "(unnamed)",
                                       detail=detail))
        return cls(title=title, events=events)

    def lane(self, lane: str) -> list[JourneyEvent]:
        return [event for event in self.events if event.lane == lane]

    @property
    def is_empty(self) -> bool:
        return not self.events


class Column(BaseModel):
    """A table column: its header, its unit (None: text) and whether only the workbook and CSV carry it.

    Unit "row" takes each row's unit from the table's `row_units` (a scorecard mixes money, counts and shares);
    "row_change" is a change in that unit (a percent metric changes in points).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    header: str = Field(min_length=1)
    unit: Unit | Literal["date", "datetime", "row", "row_change"] | None = None
    detail: bool = Field(False, description="long text (explanations, ids): the workbook and CSV only")


class TableSpec(BaseModel):
    """A table with typed columns: raw values for the workbook and CSV, formatted text for slides and the PDF."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1)
    sheet: str = Field(min_length=1, max_length=31, description="worksheet name (Excel allows 31 characters)")
    columns: list[Column] = Field(min_length=1)
    rows: list[list[Any]]
    row_units: list[Unit] | None = Field(None, description="each row's unit, for columns whose unit is 'row'")
    definition: str = ""
    role: Role | None = Field(None, description="the funnel role whose colour its header takes (else its section's)")

    @field_validator("sheet")
    @classmethod
    def _sheet(cls, value: str) -> str:
        if re.search(r"[\[\]:*?/\\]", value):
            raise ValueError(f"sheet name '{value}' cannot hold any of [ ] : * ? / \\")
        return value

    @model_validator(mode="after")
    def _widths(self) -> "TableSpec":
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(f"'{self.title}': row {number} has {len(row)} cells for {len(self.columns)} columns")
        by_row = any(c.unit in ("row", "row_change") for c in self.columns)
        if by_row and (self.row_units is None or len(self.row_units) != len(self.rows)):
            raise ValueError(f"'{self.title}': a column in each row's unit needs row_units, one per row")
        return self

    def unit_of(self, row: int, column: int) -> str | None:
        """The unit of one cell ("change:<unit>" for a change in the row's unit)."""
        unit = self.columns[column].unit
        if unit == "row":
            return self.row_units[row]
        if unit == "row_change":
            return "change:" + self.row_units[row]
        return unit

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def headers_shown(self) -> list[str]:
        return [self.columns[i].header for i in self.shown_columns()]

    def units_shown(self) -> list[str | None]:
        return [self.columns[i].unit for i in self.shown_columns()]

    def shown_columns(self) -> list[int]:
        """The columns slides and the PDF show (detail columns stay in the workbook and CSV)."""
        return [i for i, c in enumerate(self.columns) if not c.detail]

    def formatted(self, *, with_detail: bool = False) -> list[list[str]]:
        """Each cell as text in its unit's format."""
        keep = range(len(self.columns)) if with_detail else self.shown_columns()
        return [[cell_text(row[i], self.unit_of(r, i)) for i in keep] for r, row in enumerate(self.rows)]

    def frame(self) -> pd.DataFrame:
        """The raw values under their headers (for CSV and on-screen tables)."""
        return pd.DataFrame(self.rows, columns=self.headers)


def cell_text(value: Any, unit: str | None) -> str:
    """One cell as text: numbers in their unit's format, dates as 23 Nov 2026, booleans as Yes / No."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return formats.MISSING
    if unit in formats.BY_UNIT:
        return formats.BY_UNIT[unit](value)
    if unit and unit.startswith("change:"):
        return formats.change(value, unit.split(":", 1)[1])
    if unit == "date":
        return formats.day(value)
    if unit == "datetime":
        return formats.moment(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


class PaceSpec(BaseModel):
    """A running quarter's weekly line: cumulative actual to the as-of day against the expected curve × target, with
    the tolerance band around it (the Scorecard's Pace section; exports draw the same description)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["pace"] = "pace"
    title: str = Field(min_length=1)
    unit: Unit
    weeks: list[str] = Field(description="one label per point: 'Start', then 'Week 1' … the last week, and the as-of "
                                         "day's between two weeks")
    days: list[dt.date] = Field(description="the first day after each boundary (the quarter's first day at Start)")
    actual: list[float | None] = Field(description="cumulative actual at each boundary; empty after the as-of day")
    expected: list[float | None] = Field(description="target × the expected curve at each boundary")
    low: list[float | None]
    high: list[float | None]
    target: float
    as_of_index: int | None = Field(None, description="the point of the as-of day when it falls inside a week (its "
                                                      "label is not a week's)")
    as_of_label: str = Field("", description="the as-of day's label, e.g. 'as of 20 Aug 2026 (week 8)'")
    definition: str = ""
    sheet: str = Field("", max_length=31, description="its worksheet's name in the workbook (default: the title)")

    @model_validator(mode="after")
    def _shapes(self) -> "PaceSpec":
        for name in ("days", "actual", "expected", "low", "high"):
            if len(getattr(self, name)) != len(self.weeks):
                raise ValueError(f"'{self.title}': {name} has {len(getattr(self, name))} values for "
                                 f"{len(self.weeks)} weeks; give one value per week boundary")
        return self

    @property
    def has_curve(self) -> bool:
        return any(value is not None for value in self.expected)

    @property
    def largest(self) -> float:
        """The highest value the chart draws (the actual line, the band's top, the target): its value axis's reach."""
        return max([value for value in (*self.actual, *self.high, self.target) if value is not None] + [0.0])


Chart = Annotated[Union[ChartSpec, TimelineSpec, PaceSpec, WaterfallSpec], Field(discriminator="kind")]
"""Any chart of the pack: a category chart, a timeline, a running quarter's weekly line or a waterfall."""
