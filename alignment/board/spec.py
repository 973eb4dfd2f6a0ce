"""The board pack's content as data: its sections, sign-off and stamp, drawn by every renderer (screen, PPTX, PDF,
XLSX)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from alignment.catalog import Definitions
from alignment.presentation import formats
from alignment.presentation.specs import Chart, ChartSpec, Role, TableSpec, TimelineSpec


class Section(BaseModel):
    """One part of the pack: a slide, a PDF page (or more), its sheets in the workbook."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z_]+$")
    title: str = Field(min_length=1)
    role: Role | None = None
    layout: Literal["words", "tables", "columns", "chart_left", "grid", "wide"] = Field(
        "tables", description="words: bullets beside a table; tables: full width; columns: chart i over table i; "
                              "chart_left: charts left, words and tables right; grid: words and charts left, "
                              "tables two by two on the right; wide: words over one chart at full width (its "
                              "tables go to the workbook, the CSV and the screen)")
    words: list[str] = Field(default_factory=list, description="plain sentences, each a bullet")
    charts: list[Chart] = Field(default_factory=list)
    tables: list[TableSpec] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="the longer print: speaker notes, PDF small print")


SignoffState = Literal["not signed", "proposed", "signed by one", "signed", "changed since sign-off", "not verified"]


class Signature(BaseModel):
    """One executive's signature of the quarter: who, in which role, when, and the hash they signed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    role: str = Field(min_length=1, description="cmo or vp_sales")
    signed_at: dt.datetime
    hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of what was signed, in hex")


class SignoffStatus(BaseModel):
    """The quarter's sign-off as the charter ledger reports it; the pack prints it on every page."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    state: SignoffState = "not signed"
    signatures: list[Signature] = Field(default_factory=list)
    changes: list[str] = Field(default_factory=list, description="what moved since sign-off, in words")
    problems: list[str] = Field(default_factory=list, description="why the ledger does not check out (not verified)")
    ledger_head: str = Field("", pattern=r"^([0-9a-f]{64})?$",
                             description="hash of the quarter's latest ledger record: a checkpoint outside the ledger")
    ledger_records: int = Field(0, ge=0, description="how many records the quarter's chain held")

    @model_validator(mode="after")
    def _consistent(self) -> "SignoffStatus":
        needed = {"not signed": (0, 0), "proposed": (0, 0), "signed by one": (1, 1), "signed": (2, 2),
                  "changed since sign-off": (1, 2), "not verified": (0, 0)}[self.state]
        if not needed[0] <= len(self.signatures) <= needed[1]:
            raise ValueError(f"a quarter '{self.state}' carries {needed[0]}–{needed[1]} signatures, "
                             f"not {len(self.signatures)}")
        return self

    @property
    def label(self) -> str:
        """Not signed · Proposed · Signed by one · Signed · Changed since sign-off"""
        return self.state[0].upper() + self.state[1:]


class BoardPack(BaseModel):
    """The whole pack for one quarter: what every page carries (quarter, sign-off, data) and its sections."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    quarter: str
    title: str
    generated_at: dt.datetime
    data_as_of: dt.datetime | None
    data_fingerprint: str
    is_demo: bool = False
    signoff: SignoffStatus = Field(default_factory=SignoffStatus)
    definitions: Definitions = Field(default_factory=Definitions)
    sections: list[Section]
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$", description="the corporate currency its amounts are in")

    @property
    def stamp(self) -> str:
        """The line on every page: quarter, sign-off status, data freshness and fingerprint."""
        parts = [self.quarter, self.signoff.label, f"data as of {formats.day(self.data_as_of)}",
                 f"data {self.data_fingerprint[:12]}"]
        if self.signoff.ledger_head:
            parts.append(f"ledger head {self.signoff.ledger_head[:16]}")
        if self.is_demo:
            parts.append("demo company")
        return " · ".join(parts)

    def tables(self) -> list[TableSpec]:
        return [table for section in self.sections for table in section.tables]

    def charts(self) -> list[ChartSpec | TimelineSpec]:
        return [chart for section in self.sections for chart in section.charts]


def in_pack_currency(render: Callable[..., bytes]) -> Callable[..., bytes]:
    """A renderer that writes the pack's amounts in the pack's corporate currency (text, cells and chart formats)."""

    @functools.wraps(render)
    def rendered(pack: BoardPack, *args, **kwargs) -> bytes:
        with formats.in_currency(pack.currency):
            return render(pack, *args, **kwargs)

    return rendered
