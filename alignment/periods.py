"""Quarters: parsing "2026-Q3", their half-open UTC bounds, and the ones the data covers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, field_validator

QUARTER_PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")


class Quarter(BaseModel, frozen=True):
    """A calendar quarter; [start, end) in UTC (DESIGN §4.8)."""

    year: int
    number: int

    @field_validator("number")
    @classmethod
    def _number(cls, value: int) -> int:
        if not 1 <= value <= 4:
            raise ValueError("a quarter number is 1 to 4")
        return value

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = QUARTER_PATTERN.match(str(text).strip())
        if not match:
            raise ValueError(f"'{text}' is not a quarter; write it like 2026-Q3")
        return cls(year=int(match.group(1)), number=int(match.group(2)))

    @classmethod
    def of(cls, moment: dt.date | dt.datetime) -> "Quarter":
        return cls(year=moment.year, number=(moment.month - 1) // 3 + 1)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.datetime:
        """The first instant of the next quarter (exclusive)."""
        return self.shift(1).start

    def shift(self, quarters: int) -> "Quarter":
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(year=index // 4, number=index % 4 + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


def last_full_quarter(today: dt.date) -> Quarter:
    return Quarter.of(today).shift(-1)


MOST_QUARTERS = 80
"""The most quarters offered to choose from: the newest twenty years, more than any quarterly review looks back."""


def quarters_between(first: dt.datetime | None, last: dt.datetime | None, *,
                     most: int = MOST_QUARTERS) -> list[Quarter]:
    """Every quarter from the one holding `first` to the one holding `last`, newest first; only the newest `most`."""
    if first is None or last is None:
        return []
    quarters, current = [], Quarter.of(last)
    stop = Quarter.of(first)
    while (current.year, current.number) >= (stop.year, stop.number) and len(quarters) < most:
        quarters.append(current)
        current = current.shift(-1)
    return quarters


def _quarter_or_text(value: Any) -> Any:
    return Quarter.parse(value) if isinstance(value, str) else value


QuarterField = Annotated[Quarter, BeforeValidator(_quarter_or_text)]
"""A model field holding a Quarter, given as one or as text like "2026-Q3" (refused with a message otherwise)."""
