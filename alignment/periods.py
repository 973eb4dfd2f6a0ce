"""Quarters of a warehouse's fiscal calendar: parsing their labels, their half-open UTC bounds, the ones the data covers."""

from __future__ import annotations

import calendar as _calendar
import contextlib
import datetime as dt
import re
import zoneinfo
from contextvars import ContextVar
from typing import Annotated, Any, Callable, Iterator, Literal

from pydantic import BaseModel, BeforeValidator, Field, field_validator, model_validator

QUARTER_PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")
FISCAL_PATTERN = re.compile(r"^FY(\d{2}|\d{4})-?Q([1-4])$", re.IGNORECASE)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = tuple(_calendar.month_name)[1:]
WEEK_PATTERNS = {"4-4-5": (4, 4, 5), "4-5-4": (4, 5, 4), "5-4-4": (5, 4, 4)}


class FiscalCalendar(BaseModel, frozen=True):
    """How a warehouse cuts time into quarters: the month its fiscal year starts, whether a year is named by the
    calendar year it starts or ends in, optionally 52/53-week years of 4-4-5 (4-5-4, 5-4-4) weeks ending on a weekday
    nearest a month's end, and the time zone whose midnights are the days' boundaries."""

    start_month: int = Field(default=1, description="the month the fiscal year starts in, 1 (January) to 12")
    year_named_by: Literal["start", "end"] = Field(
        default="end", description="a fiscal year is named by the calendar year it starts in or ends in")
    weeks: Literal["4-4-5", "4-5-4", "5-4-4"] | None = Field(
        default=None, description="weeks per period of each quarter, for a 52/53-week year; empty: calendar months")
    year_end_weekday: Literal[WEEKDAYS] | None = Field(  # type: ignore[valid-type]
        default=None, description="with weeks: the weekday the year ends on, the one nearest the last day of the "
                                  "month before start_month")
    time_zone: str = Field(default="UTC", description="IANA time zone whose midnights bound the days, e.g. Europe/Berlin")

    @field_validator("start_month")
    @classmethod
    def _month(cls, value: int) -> int:
        if not 1 <= value <= 12:
            raise ValueError(f"the fiscal year's start month is 1 (January) to 12 (December), not {value}; "
                             "write 2 for a year starting in February")
        return value

    @field_validator("year_end_weekday", mode="before")
    @classmethod
    def _weekday(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip().lower()
            for name in WEEKDAYS:
                if text and name.startswith(text[:3]) and len(text) >= 3:
                    return name
            raise ValueError(f"'{value}' is not a weekday; write one of {', '.join(WEEKDAYS)}")
        return value

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value.strip())
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(f"'{value}' is not a time zone; write an IANA name like UTC, Europe/Berlin or "
                             "America/New_York") from None
        return value.strip()

    @model_validator(mode="before")
    @classmethod
    def _one_name_for_the_calendar_year(cls, data: Any) -> Any:
        # A year starting in January starts and ends in the same calendar year: both namings are one calendar.
        if isinstance(data, dict) and data.get("start_month") == 1:
            return {**data, "year_named_by": "end"}
        return data

    @model_validator(mode="after")
    def _weeks_need_a_weekday(self) -> "FiscalCalendar":
        if self.weeks and not self.year_end_weekday:
            raise ValueError(f"a {self.weeks} calendar ends its year on a weekday; add year_end_weekday, e.g. saturday")
        if self.year_end_weekday and not self.weeks:
            raise ValueError("year_end_weekday applies to a 52/53-week year only; add weeks (4-4-5, 4-5-4 or 5-4-4) "
                             "or leave the weekday out")
        return self

    @property
    def is_calendar_year(self) -> bool:
        """Quarters are calendar quarters (January to March, ...), labelled like 2026-Q3."""
        return self.start_month == 1 and self.weeks is None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def describe(self) -> str:
        """One sentence a reader of a charter or a model card understands."""
        if self.is_calendar_year:
            text = "Calendar quarters (the fiscal year is the calendar year)"
        else:
            text = (f"Fiscal year starting in {MONTHS[self.start_month - 1]}, named by the calendar year it "
                    f"{'starts' if self.year_named_by == 'start' else 'ends'} in")
            if self.weeks:
                end_month = MONTHS[(self.start_month - 2) % 12]
                text += (f", {self.weeks} weeks per quarter, the year ending on the {self.year_end_weekday.capitalize()}"
                         f" nearest the end of {end_month} (a 53rd week goes to the fourth quarter's last period)")
        return f"{text}; days run midnight to midnight in {self.time_zone}."

    def _end_anchor(self, year: int) -> dt.date:
        """The last day of the month the fiscal year `year` ends in (for a 52/53-week year, its end is nearest it)."""
        month = self.start_month - 1 or 12
        calendar_year = year if self.year_named_by == "end" or self.start_month == 1 else year + 1
        return dt.date(calendar_year, month, _calendar.monthrange(calendar_year, month)[1])

    def year_end(self, year: int) -> dt.date:
        """The last day of fiscal year `year`."""
        anchor = self._end_anchor(year)
        if not self.weeks:
            return anchor
        ahead = (WEEKDAYS.index(self.year_end_weekday) - anchor.weekday()) % 7
        return anchor + dt.timedelta(days=ahead if ahead <= 3 else ahead - 7)

    def quarter_days(self, year: int, number: int) -> tuple[dt.date, dt.date]:
        """The first day of fiscal quarter `number` of `year` and the first day after it (local dates)."""
        if self.weeks:
            first = self.year_end(year - 1) + dt.timedelta(days=1)
            start = first + dt.timedelta(weeks=13 * (number - 1))
            after = self.year_end(year) + dt.timedelta(days=1) if number == 4 else start + dt.timedelta(weeks=13)
            return start, after
        months = self._end_anchor(year).year * 12 + self._end_anchor(year).month - 12 + 3 * (number - 1)
        start = dt.date(months // 12, months % 12 + 1, 1)
        months += 3
        return start, dt.date(months // 12, months % 12 + 1, 1)

    def year_of(self, day: dt.date) -> int:
        """The fiscal year holding local date `day`."""
        for year in (day.year - 1, day.year, day.year + 1, day.year + 2):
            if self.quarter_days(year, 1)[0] <= day <= self.year_end(year):
                return year
        raise ValueError(f"no fiscal year holds {day}")  # unreachable: consecutive years tile time

    def local_day(self, moment: dt.date | dt.datetime) -> dt.date:
        """The local date of a moment: a datetime is an instant in UTC (naive = UTC); a date is already local."""
        if isinstance(moment, dt.datetime):
            aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
            return aware.astimezone(self.zone).date()
        return moment

    def midnight_utc(self, day: dt.date) -> dt.datetime:
        """The first instant of local date `day`, as a naive UTC datetime (how timestamps are stored)."""
        local = dt.datetime.combine(day, dt.time(), tzinfo=self.zone)
        return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


CALENDAR_YEAR = FiscalCalendar()
"""Calendar quarters in UTC: every warehouse's calendar until its owner sets another."""

_CURRENT: ContextVar[FiscalCalendar] = ContextVar("fiscal_calendar", default=CALENDAR_YEAR)


def current_calendar() -> FiscalCalendar:
    """The calendar quarters given as text are read in: the warehouse's, set per page run and per CLI command."""
    return _CURRENT.get()


def set_calendar(calendar: FiscalCalendar) -> None:
    """Read quarters given as text in `calendar` from now on in this thread of work (a page run, a CLI command)."""
    _CURRENT.set(calendar)


@contextlib.contextmanager
def using_calendar(calendar: FiscalCalendar) -> Iterator[FiscalCalendar]:
    """Read quarters given as text in `calendar` inside the block."""
    token = _CURRENT.set(calendar)
    try:
        yield calendar
    finally:
        _CURRENT.reset(token)


def carried(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function`, reading quarters in this thread's calendar wherever it runs (a worker thread starts with the
    default one)."""
    calendar = current_calendar()

    def run(*args: Any, **kwargs: Any) -> Any:
        with using_calendar(calendar):
            return function(*args, **kwargs)

    return run


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _span(first: dt.date, last: dt.date) -> str:
    """"1 Feb – 30 Apr 2026", "1 Nov 2026 – 31 Jan 2027": the year once, unless the days cross one."""
    head = f"{first.day} {first:%b}" + ("" if first.year == last.year else f" {first.year}")
    return f"{head} – {_day(last)}"


class Quarter(BaseModel, frozen=True):
    """A quarter of a fiscal calendar (by default the calendar year); [start, end) in UTC (DESIGN §4.8)."""

    year: int
    number: int
    calendar: FiscalCalendar = CALENDAR_YEAR

    @field_validator("number")
    @classmethod
    def _number(cls, value: int) -> int:
        if not 1 <= value <= 4:
            raise ValueError("a quarter number is 1 to 4")
        return value

    @classmethod
    def parse(cls, text: str, calendar: FiscalCalendar | None = None) -> "Quarter":
        """A quarter from its label in `calendar` (else the current one): 2026-Q3 on the calendar year, FY27-Q1 on
        a fiscal year; a calendar quarter's name on a fiscal calendar is refused, naming the fiscal label to write."""
        calendar = calendar or current_calendar()
        text = str(text).strip()
        fiscal, plain = FISCAL_PATTERN.match(text), QUARTER_PATTERN.match(text)
        if fiscal and calendar.is_calendar_year:
            raise ValueError(f"'{text}' is a fiscal quarter's name, but this warehouse's quarters are calendar "
                             "quarters; write it like 2026-Q3")
        if fiscal:
            digits = fiscal.group(1)
            return cls(year=int(digits) + (2000 if len(digits) == 2 else 0), number=int(fiscal.group(2)),
                       calendar=calendar)
        if plain and calendar.is_calendar_year:
            return cls(year=int(plain.group(1)), number=int(plain.group(2)), calendar=calendar)
        if plain:
            first = dt.date(int(plain.group(1)), 3 * int(plain.group(2)) - 2, 1)
            holding = cls.of(first, calendar)
            raise ValueError(f"'{text}' is a calendar quarter, but this warehouse's quarters are fiscal "
                             f"(the fiscal year starts in {MONTHS[calendar.start_month - 1]}); write a fiscal quarter, e.g. {holding} "
                             f"({holding.dates}), which holds {_day(first)}")
        example = "2026-Q3" if calendar.is_calendar_year else str(cls.of(dt.date.today(), calendar))
        raise ValueError(f"'{text}' is not a quarter; write it like {example}")

    @classmethod
    def of(cls, moment: dt.date | dt.datetime, calendar: FiscalCalendar | None = None) -> "Quarter":
        """The quarter holding `moment` (a datetime is an instant in UTC, a date a local day)."""
        calendar = calendar or current_calendar()
        day = calendar.local_day(moment)
        year = calendar.year_of(day)
        number = max(n for n in range(1, 5) if calendar.quarter_days(year, n)[0] <= day)
        return cls(year=year, number=number, calendar=calendar)

    @property
    def first_day(self) -> dt.date:
        """The quarter's first local day."""
        return self.calendar.quarter_days(self.year, self.number)[0]

    @property
    def last_day(self) -> dt.date:
        """The quarter's last local day (inclusive)."""
        return self.calendar.quarter_days(self.year, self.number)[1] - dt.timedelta(days=1)

    @property
    def end_day(self) -> dt.date:
        """The first local day after the quarter (exclusive)."""
        return self.calendar.quarter_days(self.year, self.number)[1]

    @property
    def start(self) -> dt.datetime:
        """The first instant of the quarter: local midnight of its first day, in UTC."""
        return self.calendar.midnight_utc(self.first_day)

    @property
    def end(self) -> dt.datetime:
        """The first instant of the next quarter (exclusive), in UTC."""
        return self.calendar.midnight_utc(self.end_day)

    def periods(self) -> list[tuple[dt.date, dt.date]]:
        """Its three periods as (first day, first day after): calendar months, or 4-4-5 (4-5-4, 5-4-4) weeks with a
        53rd week in the fourth quarter's last period."""
        first, after = self.calendar.quarter_days(self.year, self.number)
        if not self.calendar.weeks:
            starts = [first] + [dt.date(first.year + (first.month + k - 1) // 12, (first.month + k - 1) % 12 + 1, 1)
                                for k in (1, 2)]
        else:
            weeks = WEEK_PATTERNS[self.calendar.weeks]
            starts = [first, first + dt.timedelta(weeks=weeks[0]), first + dt.timedelta(weeks=weeks[0] + weeks[1])]
        return list(zip(starts, starts[1:] + [after]))

    def period_label(self, index: int) -> tuple[str, str]:
        """(key, label) of its period `index` (0 to 2): "2026-02", "Feb 2026" for months; "FY27-P01", "FY27 P1
        (1 Feb – 28 Feb 2026)" for a 52/53-week year's periods, numbered 1 to 12 through the year."""
        first, after = self.periods()[index]
        if not self.calendar.weeks:
            return f"{first:%Y-%m}", f"{first:%b %Y}"
        number = 3 * (self.number - 1) + index + 1
        return (f"FY{self.year % 100:02d}-P{number:02d}",
                f"FY{self.year % 100:02d} P{number} ({_span(first, after - dt.timedelta(days=1))})")

    def shift(self, quarters: int) -> "Quarter":
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(year=index // 4, number=index % 4 + 1, calendar=self.calendar)

    def __lt__(self, other: "Quarter") -> bool:
        return (self.year, self.number) < (other.year, other.number)

    def __le__(self, other: "Quarter") -> bool:
        return (self.year, self.number) <= (other.year, other.number)

    def __gt__(self, other: "Quarter") -> bool:
        return (self.year, self.number) > (other.year, other.number)

    def __ge__(self, other: "Quarter") -> bool:
        return (self.year, self.number) >= (other.year, other.number)

    def __str__(self) -> str:
        if self.calendar.is_calendar_year:
            return f"{self.year}-Q{self.number}"
        return f"FY{self.year % 100:02d}-Q{self.number}"

    @property
    def dates(self) -> str:
        """Its days for a hover: "1 Feb – 30 Apr 2026"."""
        return _span(self.first_day, self.last_day)

    @property
    def label_with_dates(self) -> str:
        """Its label and days: "FY27-Q1 · 1 Feb – 30 Apr 2026"."""
        return f"{self} · {self.dates}"


def last_full_quarter(today: dt.date, calendar: FiscalCalendar | None = None) -> Quarter:
    return Quarter.of(today, calendar).shift(-1)


def running_quarter(as_of: dt.date | None, calendar: FiscalCalendar | None = None) -> Quarter | None:
    """The quarter under way on the data's as-of day: the one holding it, unless that day is its last (then the
    quarter is complete and none is running)."""
    if as_of is None:
        return None
    quarter = Quarter.of(as_of, calendar)
    return None if as_of >= quarter.last_day else quarter


def default_quarter(as_of: dt.date, calendar: FiscalCalendar | None = None) -> Quarter:
    """The quarter the dashboard opens on: the running quarter when the data has one, else the last full quarter
    (a record on a quarter's last day counts as covering it)."""
    return running_quarter(as_of, calendar) or last_full_quarter(as_of + dt.timedelta(days=1), calendar)


MOST_QUARTERS = 80
"""The most quarters offered to choose from: the newest twenty years, more than any quarterly review looks back."""


def quarters_between(first: dt.datetime | None, last: dt.datetime | None, *,
                     most: int = MOST_QUARTERS, calendar: FiscalCalendar | None = None) -> list[Quarter]:
    """Every quarter from the one holding `first` to the one holding `last`, newest first; only the newest `most`."""
    if first is None or last is None:
        return []
    quarters, current = [], Quarter.of(last, calendar)
    stop = Quarter.of(first, calendar)
    while current >= stop and len(quarters) < most:
        quarters.append(current)
        current = current.shift(-1)
    return quarters


def quarter_dates(label: str, calendar: FiscalCalendar | None = None) -> str:
    """The days of a quarter given by its label, for a hover ("" when the label is not a quarter)."""
    try:
        return Quarter.parse(label, calendar).dates
    except ValueError:
        return ""


def _quarter_or_text(value: Any) -> Any:
    return Quarter.parse(value) if isinstance(value, str) else value


QuarterField = Annotated[Quarter, BeforeValidator(_quarter_or_text)]
"""A model field holding a Quarter, given as one or as text like "2026-Q3" or "FY27-Q1" in the current calendar
(refused with a message otherwise)."""
