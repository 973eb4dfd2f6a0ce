"""Tables as CSV: one file per table on screen, or every table of a pack in one zip."""

from __future__ import annotations

import io
import re
import zipfile

from alignment.board.spec import BoardPack, TableSpec


def table_csv(table: TableSpec) -> bytes:
    """The table's raw values (numbers unformatted, so a spreadsheet can add them up) under its headers, UTF-8."""
    return table.frame().to_csv(index=False).encode("utf-8")


def file_name(table: TableSpec, quarter: str) -> str:
    """scorecard-2026-Q3.csv"""
    return re.sub(r"[^a-z0-9]+", "-", table.sheet.lower()).strip("-") + f"-{quarter}.csv"


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
