"""Small building blocks the pages share: the "what this page will hold" note, count tiles, role columns."""

from __future__ import annotations

import streamlit as st

from alignment import schema
from alignment.catalog import Filters
from ui import filters
from ui import format as fmt
from ui import theme
from ui.context import Snapshot, quality_checks
from ui.text import literal

TABLE_LABELS = {
    "accounts": "Accounts", "people": "People (leads and contacts)", "lifecycle_events": "Lifecycle stages reached",
    "sales_activities": "Sales activities", "opportunities": "Opportunities",
    "opportunity_stage_history": "Opportunity stage changes", "opportunity_contacts": "Opportunity contact roles",
    "campaigns": "Campaigns", "campaign_members": "Campaign memberships", "campaign_spend": "Campaign spend entries",
    "awareness_metrics": "Awareness measurements", "stage_counts": "Stage counts per period (no ids)",
    "users": "Users (reps and marketers)",
}


def planned(summary: str) -> None:
    """Say plainly what the finished page will hold."""
    st.info(summary, icon=":material/construction:")


def count_tiles(snapshot: Snapshot, tables: list[str], *, stacked: bool = False) -> None:
    """One tile per canonical table: how many records are loaded (all quarters, before any filter)."""
    slots = [st.container() for _ in tables] if stacked else st.columns(len(tables))
    for slot, table in zip(slots, tables):
        slot.metric(TABLE_LABELS[table], fmt.count(snapshot.counts.get(table, 0)), border=True,
                    help=f"Records loaded in `{table}`, {schema.TABLES[table].grain}; all quarters, regions and "
                         "segments.")


def role_heading(role: str) -> None:
    """A column heading in the funnel role's fixed colour (awareness, demand generation, sales)."""
    # Only constants from ui.theme reach this HTML: never user text.
    st.html(f'<div style="border-left:4px solid {theme.FUNNEL_COLOURS[role]};padding:2px 0 2px 10px;'
            f'font-weight:600;font-size:1.05rem">{theme.FUNNEL_LABELS[role]}</div>')


def quality_notes(names: list[str]) -> None:
    """The data-quality findings that limit what this page can show (details on the Data page)."""
    found = [check for check in quality_checks() if check.name in names and check.count]
    if not found:
        return
    st.caption("Data quality notes for this page (details on the Data page):")
    for check in found:
        st.caption(f"• {check.title}: {fmt.count(check.count)}. {check.description}")


def records_note() -> None:
    st.caption("Counts are the records loaded in total, before the quarter, region and segment filters; the "
               "filtered metrics arrive with the metric catalog.")


def facts(items: dict[str, str]) -> None:
    """A row of labelled facts in body-size type (values may be user text: shown literally)."""
    with st.container(border=True):
        for column, (label, value) in zip(st.columns(len(items)), items.items()):
            column.caption(label)
            column.markdown(f"**{literal(value)}**")


def what_to_try(view: Filters) -> str:
    """What to change in the filter bar when a view holds nothing: another quarter, or a filter set back to all."""
    narrowed = [name for name, value in (("region", view.region), ("segment", view.segment)) if value]
    if narrowed:
        return f"Pick another quarter, or set {' and '.join(narrowed)} back to all, in the filter bar above."
    return "Pick another quarter in the filter bar above."


def no_data(view: Filters, what: str = "nothing was recorded") -> None:
    """The empty state of a section: what is missing, for which view, and what to do about it."""
    st.info(f"No data for this quarter: {what} in {filters.describe(view)}. {what_to_try(view)}",
            icon=":material/event_busy:")
