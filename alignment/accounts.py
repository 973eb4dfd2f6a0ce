"""Target-account coverage, the account engagement score and the engaged target accounts sales should call."""

from __future__ import annotations

from typing import Any

import pandas as pd

from alignment import catalog
from alignment.catalog import Definitions, Filters
from alignment.presentation import palette
from alignment.presentation.specs import ChartSpec, Series

STAGES = {"reached": "Reached", "engaged": "Engaged", "with_mql": "With an MQL", "with_open_deal": "Open deal",
          "won": "Won"}
"""The coverage funnel's stages (account_coverage's columns) and their labels, in order."""
GROUPS = {"target": "Target accounts", "non_target": "Other accounts"}
"""The two groups compared side by side; accounts without a target flag are reported apart, never as others."""
NOT_MEASURED = "no target flag in the export"
"""Why accounts whose target flag is empty are left out of the target split."""
DIGEST_ROWS = 10
"""Engaged target accounts without an open deal a rep's digest lists."""


def coverage(source: Any, filters: Filters | dict, definitions: Definitions | None = None) -> pd.DataFrame:
    """account_coverage's rows: per target group for all owners together, and per account owner and target group."""
    return catalog.run(source, "account_coverage", filters, definitions)


def for_owner(rows: pd.DataFrame, owner_id: str | None = None) -> pd.DataFrame:
    """The coverage rows for all owners together, or for one account owner ('(none)': accounts without one): one row
    per target group present (target, non_target, not_measured)."""
    mine = rows["owner_id"].isna() if owner_id is None else rows["owner_id"].eq(owner_id).fillna(False)
    return rows[mine].reset_index(drop=True)


def by_owner(rows: pd.DataFrame) -> pd.DataFrame:
    """The coverage rows per account owner and target group, owners by name."""
    return rows[rows["owner_id"].notna()].reset_index(drop=True)


def not_measured(rows: pd.DataFrame) -> int:
    """How many accounts of the coverage rows have no target flag (left out of the target split)."""
    flagless = rows[rows["target_group"].eq("not_measured")]
    return int(flagless["accounts"].sum()) if len(flagless) else 0


def funnel_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The coverage rows as one row per stage: each group's count and share of its accounts (empty share: the group
    has no account, so its share is not measured)."""
    table = pd.DataFrame({"stage": ["Accounts", *STAGES.values()]})
    for group, label in GROUPS.items():
        row = rows[rows["target_group"].eq(group)]
        total = int(row["accounts"].iloc[0]) if len(row) else 0
        counts = [total, *[int(row[stage].iloc[0]) if len(row) else 0 for stage in STAGES]]
        table[label] = counts
        table[label + " share"] = [c / total if total else None for c in counts]
    return table


def coverage_chart(rows: pd.DataFrame, title: str) -> ChartSpec:
    """Each stage's share of the group's accounts, target accounts beside the others (a group without accounts has
    no share to draw)."""
    table = funnel_table(rows).iloc[1:]
    colours = {"target": palette.SALES, "non_target": palette.NEUTRAL}
    return ChartSpec(
        kind="column", title=title, categories=list(STAGES.values()), unit="percent", value_title="Share of accounts",
        definition=("Share of each group's accounts reaching the stage in the quarter; every stage is counted on its "
                    "own (an account can be won without being reached by a campaign)."),
        series=[Series(name=label, values=[None if pd.isna(v) else float(v) for v in table[label + " share"]],
                       colour=colours[group]) for group, label in GROUPS.items()],
        sheet="Account coverage")


def ranked(source: Any, filters: Filters | dict, definitions: Definitions | None = None) -> pd.DataFrame:
    """Engaged target accounts without an open deal, highest score first (engaged_target_accounts)."""
    return catalog.run(source, "engaged_target_accounts", filters, definitions)


def to_call(rows: pd.DataFrame, owner_id: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """The ranked accounts, every one or one account owner's, the first `limit` of them."""
    if owner_id is not None:
        rows = rows[rows["owner_id"].eq(owner_id).fillna(False)]
    rows = rows.reset_index(drop=True)
    return rows.head(limit) if limit is not None else rows
