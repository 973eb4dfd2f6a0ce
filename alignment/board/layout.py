"""Page geometry shared by the slide and PDF renderers: how many table rows fit, how wide each column is."""

from __future__ import annotations

import math

from alignment.presentation.specs import TableSpec

GROWTH = 1.6
"""How far a table with no long text grows past its natural width to fill its box."""
CHAR_WIDTH = 0.58
"""Average character width as a share of the font size (sans-serif digits are 0.56, capitals wider)."""
NAME_CHARACTERS = 80
"""The most characters of a name from the data (a rep's, a region's) that a page's title or sentence keeps."""
CELL_CHARACTERS = 150
"""The most characters a table cell on a slide or PDF page keeps (cut in the middle): one row of the longest name
then still fits a page, and the workbook and CSV keep every value whole."""


def page_cells(table: TableSpec) -> list[list[str]]:
    """The shown cells of a table as a slide or PDF page draws them."""
    return [[shortened(cell, CELL_CHARACTERS) for cell in row] for row in table.formatted()]


def widths(table: TableSpec, total: float, font_size: float = 9.0) -> list[float]:
    """Column widths that fit a box: numbers and short text get their natural width (header words may wrap), long
    text shares what is left in proportion to its length, so a description wraps instead of squeezing a number."""
    texts = page_cells(table)
    units = table.units_shown()
    padding = font_size * 0.5 + 10  # the cell's own padding, both sides
    natural, flexible = [], []
    for position, header in enumerate(table.headers_shown()):
        longest_cell = max([len(row[position]) for row in texts] + [0])
        longest_word = max(len(word) for word in header.split())
        characters = max(longest_cell, longest_word * 1.15, 3)  # headers are bold
        natural.append(characters * CHAR_WIDTH * font_size + padding)
        flexible.append(units[position] is None and longest_cell > 24)
    fixed = sum(w for w, flex in zip(natural, flexible) if not flex)
    capped = [min(w, 70 * CHAR_WIDTH * font_size) if flex else w for w, flex in zip(natural, flexible)]
    stretch = sum(w for w, flex in zip(capped, flexible) if flex)
    if stretch and fixed < total * 0.8:
        share = (total - fixed) / stretch
        return [w * share if flex else w for w, flex in zip(capped, flexible)]
    # Everything fits at its natural width (grow a little, leaving the rest of the box empty rather than opening gaps
    # between a label and its numbers), or nothing does (scale every column down).
    return [w * min(total / sum(natural), GROWTH) for w in natural]


def shares(tables: list[TableSpec], height: float) -> list[float]:
    """Split a box's height between stacked tables in proportion to their rows (title and header included)."""
    weights = [len(table.rows) + 3 for table in tables]
    return [height * w / sum(weights) for w in weights]


def row_lines(cells: list[str], column_widths: list[float], font_size: float) -> int:
    """How many lines the tallest cell of a row wraps to (widths and font size in the same unit, e.g. points)."""
    lines = 1
    for text, width in zip(cells, column_widths):
        per_line = max(1, int((width - 0.4 * font_size) / (CHAR_WIDTH * font_size)))
        lines = max(lines, math.ceil(max(len(text), 1) / per_line))
    return lines


def table_height(table: TableSpec, width: float, font_size: float, *, start: int = 0,
                 count: int | None = None) -> float:
    """The height of a table's header and `count` rows from `start` (all of them by default), wrapped as drawn."""
    column_widths = widths(table, width, font_size)
    cells = page_cells(table)
    rows = [table.headers_shown()] + cells[start:len(cells) if count is None else start + count]
    return sum(row_lines(r, column_widths, font_size) * font_size * 1.25 + font_size * 0.6 for r in rows)


def rows_that_fit(table: TableSpec, width: float, height: float, font_size: float, *, start: int = 0) -> int:
    """How many rows from `start` fit under the header in a box (at least one, so a page always moves on)."""
    column_widths = widths(table, width, font_size)
    line = font_size * 1.25
    padding = font_size * 0.6
    used = row_lines(table.headers_shown(), column_widths, font_size) * line + padding
    texts = page_cells(table)
    count = 0
    for cells in texts[start:]:
        used += row_lines(cells, column_widths, font_size) * line + padding
        if used > height:
            break
        count += 1
    return max(count, 1) if start < len(texts) else 0


def shortened(text: str, limit: int) -> str:
    """A long label cut in the middle, so that both its start and its distinguishing end stay readable."""
    if len(text) <= limit:
        return text
    tail = limit // 3
    return text[: limit - tail - 1].rstrip() + "…" + text[-tail:].lstrip()


def label_room(labels: list[str], width: float, font_size: float, *, share: float = 0.4) -> tuple[float, int]:
    """The width a chart's category labels take beside it (at most `share` of the chart's) and how many characters
    a label may keep in it."""
    longest = max([len(label) for label in labels] + [4])
    room = min(longest * CHAR_WIDTH * font_size + 10, width * share)
    return room, max(int((room - 10) / (CHAR_WIDTH * font_size)), 8)
