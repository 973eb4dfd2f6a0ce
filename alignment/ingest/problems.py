"""What an import found wrong, grouped so one broken column in 100 000 rows reads as one message."""

from __future__ import annotations

import unicodedata

from pydantic import BaseModel, Field


class Example(BaseModel):
    """One offending row: its spreadsheet row number and the value found there."""

    row: int | None = None
    value: str | None = None


class Problem(BaseModel):
    """One rule broken in one column of one file, with how many rows break it and a few of them."""

    file: str
    column: str | None = None  # as the file names it
    canonical: str | None = None  # the contract's column it fills
    rule: str
    count: int = 1
    examples: list[Example] = Field(default_factory=list)
    severity: str = "error"  # "error" blocks the import, "warning" is reported and loaded

    @property
    def first_row(self) -> int | None:
        return self.examples[0].row if self.examples else None

    def _columns(self) -> str:
        """", column 'Id' (opportunity_id)": the file's column, and the contract's where its name is another."""
        from alignment.ingest.readers import normalize_header  # readers raise problems: imported when both are loaded

        if not self.column:
            return ""
        named = f", column '{self.column}'"
        # 'CloseDate' or 'Close Date' is close_date as a reader matches headers: naming both would say it twice.
        if self.canonical and normalize_header(self.canonical) != normalize_header(self.column):
            named += f" ({self.canonical})"
        return named

    def message(self) -> str:
        """A sentence a user can act on: where, what rule, how many, examples."""
        where = self.file + self._columns()
        if self.count == 1 and self.examples and self.examples[0].row is not None:
            example = self.examples[0]
            shown = "" if example.value is None else f" (value '{_clip(example.value)}'{_named(example.value)})"
            return f"{self.file}, row {example.row}{self._columns()}: {self.rule}{shown}."
        if not self.examples or all(e.row is None for e in self.examples):
            return f"{where}: {self.rule}."
        shown = ", ".join(
            f"row {e.row}" + ("" if e.value is None else f" '{_clip(e.value)}'") for e in self.examples if e.row
        )
        rows = "row" if self.count == 1 else "rows"
        named = _named("".join(e.value or "" for e in self.examples if e.row))
        return f"{where}: {self.rule} — {self.count:,} {rows}, e.g. {shown}{named}."


def _invisible(character: str) -> bool:
    """A character that shows as a space or as nothing: a space other than ' ', a line or paragraph separator, or a
    format character (zero-width space, byte-order mark …)."""
    return character != " " and unicodedata.category(character) in ("Zs", "Zl", "Zp", "Cf")


def _clip(value: str, limit: int = 60) -> str:
    """The value as quoted in a message: on one line, cut at `limit`, each invisible character shown as ␣."""
    value = "".join("␣" if _invisible(c) else c for c in value.replace("\n", " "))
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _named(value: str) -> str:
    """What each ␣ in a quoted value stands for (" — ␣ is U+00A0 NO-BREAK SPACE"); empty if nothing is hidden."""
    hidden = dict.fromkeys(c for c in value if _invisible(c))
    if not hidden:
        return ""
    names = " or ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'an unnamed character')}" for c in hidden)
    return f" — ␣ is {names}"


class ImportRejected(Exception):
    """The import was refused; nothing was changed. Carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(
            f"Import refused: {len(errors)} problem(s); the loaded data is unchanged.\n"
            + "\n".join("  - " + p.message() for p in errors[:50])
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]
