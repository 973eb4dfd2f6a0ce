"""The footer on every page: where the data came from, who loaded it, how fresh it is, and whether it is the demo."""

from __future__ import annotations

import streamlit as st

from alignment.catalog import Filters
from alignment.presentation import formats as fmt
from ui import numbers
from ui.context import Snapshot
from ui.text import literal

SOURCE_NAMES = {"salesforce": "Salesforce extracts", "hubspot": "HubSpot extracts", "mapping": "Mapped CRM extracts"}


def source_name(source_format: str) -> str:
    return SOURCE_NAMES.get(source_format, source_format)


def charter_line(view: Filters) -> str:
    """Charter 2026-Q2, version 3 · Signed by both (locked): the definitions every number on the page is under."""
    status = numbers.signoff_status(view)
    charter = status.charter
    if status.damaged:
        which = f"Charter {charter.quarter}: the default definitions (the sign-off ledger cannot be read)"
    elif charter.version:
        which = f"Charter {charter.quarter}, version {charter.version}"
    elif charter.carried_from:
        which = f"Charter {charter.quarter} (draft carried forward from {charter.carried_from})"
    else:
        which = f"Charter {charter.quarter} (default definitions, not yet saved)"
    return f"{which} · {status.title}" + (" · changed since sign-off" if status.changed_since_signoff else "")


def footer(snapshot: Snapshot, view: Filters | None = None) -> None:
    info = snapshot.info
    st.divider()
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="footer"):
        if snapshot.is_demo:
            st.badge("Demo company", icon=":material/science:", color="violet",
                     help="Generated data that shows the whole product; load your own extracts on the Data page.")
        st.caption(
            f"**Data as of {fmt.day(snapshot.as_of)}** · {source_name(info.source_format)}, "
            f"{len(info.files)} files · imported by {literal(info.imported_by)} on {fmt.moment(info.imported_at)}"
            + (f" · {charter_line(view)}" if view is not None else "")
        )


def sidebar_status(snapshot: Snapshot) -> None:
    """A compact reminder under the navigation of what data is loaded."""
    with st.sidebar:
        if snapshot.is_demo:
            st.badge("Demo company", icon=":material/science:", color="violet")
            st.caption("Generated data, not yours. Load your extracts on the Data page.")
        else:
            st.caption(f"{source_name(snapshot.info.source_format)} · data as of {fmt.day(snapshot.as_of)}")

