"""The colour language and stage names: one fixed colour per funnel role, the same on every chart and export."""

from __future__ import annotations

AWARENESS = "#7E6BC4"
DEMAND_GEN = "#2A9D8F"
SALES = "#D4892A"
NEUTRAL = "#8D99AE"
NAVY = "#1F4E79"
"""Totals and second series that belong to no funnel role."""
INK = "#1B2733"
MUTED = "#5B6775"
"""Secondary text: axis notes, annotations, captions drawn on charts."""
RULE = "#E6EAF0"
AXIS = "#B8C1CC"
"""Axis lines and table rules."""
MISS = "#C44E52"
"""A miss: never followed up, outside the SLA, a target not met."""
GOOD = "#2E7D4F"

FUNNEL_COLOURS: dict[str, str] = {"awareness": AWARENESS, "demand_gen": DEMAND_GEN, "sales": SALES}
"""Funnel role (as the catalog names it) → colour; .streamlit/config.toml lists the same three first."""

FUNNEL_LABELS: dict[str, str] = {"awareness": "Awareness", "demand_gen": "Demand generation", "sales": "Sales"}

SOURCE_COLOURS = {"marketing": DEMAND_GEN, "sales": SALES, "partner": NAVY, "other": NEUTRAL}
"""Source category → colour: marketing-sourced reads as demand generation, sales-sourced as sales."""

QUADRANT_COLOURS = {"Aligned": GOOD, "Spin doctor": SALES, "Silent operative": NAVY, "Mis-aligned": MISS,
                    "Awareness": AWARENESS}

STAGE_LABELS = {"inquiry": "Inquiries", "mql": "MQLs", "sal": "SALs", "sql": "SQLs", "opportunity": "Opportunities",
                "won": "Won", "lost": "Lost"}
"""The waterfall's stages by name, and the two ends of the deal-stage funnel."""
# Marketing works a person until sales accepts them: the first two stages are demand generation's, the rest sales'.
STAGE_ROLES = {"inquiry": "demand_gen", "mql": "demand_gen", "sal": "sales", "sql": "sales", "opportunity": "sales",
               "won": "sales"}
WALK_BARS = {"total": NAVY, "up": GOOD, "down": MISS}
"""A waterfall's bars (WaterfallSpec.bars): totals, steps adding and steps taking away, on screen and in the pack."""


def ink(colour: str) -> str:
    """Text colour readable on a fill: dark on light fills, white on dark ones."""
    red, green, blue = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return INK if 0.299 * red + 0.587 * green + 0.114 * blue > 160 else "white"


def rgb(colour: str) -> tuple[int, int, int]:
    """#D4892A → (212, 137, 42), for the document libraries."""
    return tuple(int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]
