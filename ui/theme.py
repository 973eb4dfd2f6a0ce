"""The colour language of the pages: the core's palette (alignment.board.palette), shared with the exports."""

from __future__ import annotations

from alignment.board.palette import (  # noqa: F401 - the names pages and builders call as ui.theme.*
    AWARENESS, DEMAND_GEN, FUNNEL_COLOURS, FUNNEL_LABELS, MISS, NAVY, NEUTRAL, SALES,
)
