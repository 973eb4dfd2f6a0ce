"""The default definitions (alignment.defaults) as a table a CMO and a VP of Sales can read."""

from __future__ import annotations

import pandas as pd

from alignment import defaults
from ui import format as fmt


def _names(values) -> str:
    return ", ".join(str(v).replace("_", " ") for v in values)


def default_definitions() -> pd.DataFrame:
    """One row per default the charter can override: what it is and its value."""
    categories: dict[str, list[str]] = {}
    for source, category in defaults.LEAD_SOURCE_CATEGORIES.items():
        categories.setdefault(category, []).append(source)
    rows = [
        ("Awareness channels", _names(defaults.AWARENESS_CHANNELS)),
        ("Follow-up SLA", fmt.hours(defaults.SLA_HOURS)),
        ("Acceptance target", fmt.percent(defaults.ACCEPTANCE_TARGET)),
        ("Sales-ready personas", _names(defaults.SALES_READY_PERSONAS)),
        ("Interest shown", f"{defaults.INTEREST_TOUCHES} touches within {fmt.days(defaults.INTEREST_WINDOW_DAYS)}"),
        ("Attribution lookback", fmt.days(defaults.LOOKBACK_DAYS)),
        ("Time-decay half-life", fmt.days(defaults.HALF_LIFE_DAYS)),
        ("Attribution model of record", defaults.MODEL_OF_RECORD.replace("_", "-")),
        ("Bought-lead benchmark", fmt.currency(defaults.BOUGHT_LEAD_PRICE) + " per lead"),
        ("Skipped lifecycle stages", "back-filled" if defaults.STAGE_POLICY == "backfill" else "left empty"),
        *[(f"Lead sources counted as {category}", ", ".join(sorted(sources))) for category, sources in
          sorted(categories.items())],
    ]
    return pd.DataFrame(rows, columns=["Setting", "Default"])
