"""Tables as CSV: one file per table on screen, or every table of a pack in one zip; text never read as a formula."""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd

from alignment.board.spec import BoardPack, in_pack_currency
from alignment.presentation import formats
from alignment.presentation.specs import TableSpec

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads a cell starting with as a formula (or strips before reading one)."""

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralised(value):
    """A text cell that a spreadsheet would run as a formula, with a leading ' so it shows as the text it is (OWASP's
    advice for CSV injection); numbers, and text that is only a number such as "-12.5", are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def to_csv(frame: pd.DataFrame) -> str:
    """`frame` as CSV text without its index, every text cell and header neutralised, numbers kept as numbers."""
    safe = frame.copy()
    safe.columns = [neutralised(column) for column in frame.columns]
    for index, dtype in enumerate(safe.dtypes):
        # Only text columns change: numbers, dates and booleans keep their types (and the way they are written).
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            safe.isetitem(index, safe.iloc[:, index].map(neutralised))
    return safe.to_csv(index=False)


def table_csv(table: TableSpec) -> bytes:
    """The table's raw values (numbers unformatted, so a spreadsheet can add them up) under its headers, UTF-8; a
    money column's header names the currency its numbers are in ("Bookings (EUR)")."""
    frame = table.frame()
    frame.columns = [f"{column.header} ({formats.corporate()})" if column.unit == "currency" else column.header
                     for column in table.columns]
    return to_csv(frame).encode("utf-8")


def file_name(table: TableSpec, quarter: str) -> str:
    """scorecard-2026-Q3.csv"""
    return re.sub(r"[^a-z0-9]+", "-", table.sheet.lower()).strip("-") + f"-{quarter}.csv"


@in_pack_currency
def bundle(pack: BoardPack) -> bytes:
    """Every table of the pack as a CSV, zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        names: set[str] = set()
        for table in pack.tables():
            name = file_name(table, pack.quarter)
            while name in names:
                name = name.replace(".csv", "-2.csv")
            names.add(name)
            archive.writestr(name, table_csv(table))
    return buffer.getvalue()
