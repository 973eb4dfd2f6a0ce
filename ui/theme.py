"""The colour language: one fixed colour per funnel role, the same on every chart and export."""

from __future__ import annotations

AWARENESS = "#7E6BC4"
DEMAND_GEN = "#2A9D8F"
SALES = "#D4892A"
NEUTRAL = "#8D99AE"

FUNNEL_COLOURS: dict[str, str] = {"awareness": AWARENESS, "demand_gen": DEMAND_GEN, "sales": SALES}
"""Funnel role (as the catalog names it) → colour; .streamlit/config.toml lists the same three first."""

FUNNEL_LABELS: dict[str, str] = {"awareness": "Awareness", "demand_gen": "Demand generation", "sales": "Sales"}
