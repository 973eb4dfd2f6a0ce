"""Small building blocks the pages share: table names, role columns, quality notes, facts and empty states."""

from __future__ import annotations

import streamlit as st

from alignment.catalog import Filters
from alignment.presentation import formats as fmt
from alignment.presentation import palette
from ui import filters
from ui.context import quality_checks
from ui.text import literal

TABLE_LABELS = {
    "accounts": "Accounts", "people": "People (leads and contacts)", "lifecycle_events": "Lifecycle stages reached",
    "sales_activities": "Sales activities", "opportunities": "Opportunities",
    "opportunity_stage_history": "Opportunity stage changes",
    "opportunity_changes": "Opportunity close date, amount and stage history",
    "opportunity_contacts": "Opportunity contact roles",
    "campaigns": "Campaigns", "campaign_members": "Campaign memberships", "campaign_spend": "Campaign spend entries",
    "awareness_metrics": "Awareness measurements", "stage_counts": "Stage counts per period (no ids)",
    "users": "Users (reps and marketers)", "currency_rates": "Currency rates (per 1 unit of the corporate currency)",
}


def role_heading(role: str) -> None:
    """A column heading in the funnel role's fixed colour (awareness, demand generation, sales)."""
    # Only constants of the palette reach this HTML: never user text.
    st.html(f'<div style="border-left:4px solid {palette.FUNNEL_COLOURS[role]};padding:2px 0 2px 10px;'
            f'font-weight:600;font-size:1.05rem">{palette.FUNNEL_LABELS[role]}</div>')


def quality_notes(names: list[str]) -> None:
    """The data-quality findings that limit what this page can show (details on the Data page)."""
    found = [check for check in quality_checks() if check.name in names and check.count]
    if not found:
        return
    st.caption("Data quality notes for this page (details on the Data page):")
    for check in found:
        st.caption(f"• {check.title}: {fmt.count(check.count)}. {check.description}")


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
