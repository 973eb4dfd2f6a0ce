"""One display format per unit for the pages: the core's formats (alignment.board.formats), shared with the exports."""

from __future__ import annotations

from alignment.board.formats import (  # noqa: F401 - the names pages and builders call as ui.format.*
    BY_UNIT, MISSING, by_unit, change, count, currency, day, days, hours, moment, percent, ratio,
)
