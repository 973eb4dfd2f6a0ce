"""The shared filter bar (quarter, region, segment), kept in the URL so a pasted link opens the same view."""

from __future__ import annotations

import streamlit as st

from alignment.catalog import Filters
from alignment.periods import quarter_dates
from ui.context import Snapshot
from ui.text import literal

ALL = "All"
"""The option meaning "no filter on this dimension"."""

VIEW_KEY = "filter_view"
"""Where the shell leaves this run's Filters for the page."""

# URL parameter → session key of its widget ("filter_" is the filter bar's prefix).
KEYS = {"quarter": "filter_quarter", "region": "filter_region", "segment": "filter_segment"}


def describe(view: Filters) -> str:
    """2026-Q3 · EMEA · all segments, as Markdown: the region and segment (names from the data) shown as written."""
    return " · ".join([str(view.quarter), literal(view.region) if view.region else "all regions",
                       literal(view.segment) if view.segment else "all segments"])


def _options(snapshot: Snapshot) -> dict[str, list[str]]:
    return {"quarter": snapshot.quarters or [snapshot.default_quarter],
            "region": [ALL, *snapshot.regions], "segment": [ALL, *snapshot.segments]}


def _defaults(snapshot: Snapshot) -> dict[str, str]:
    return {"quarter": snapshot.default_quarter, "region": ALL, "segment": ALL}


def filter_bar(snapshot: Snapshot, *, applies: bool = True) -> Filters:
    """Draw the filter bar and return the chosen view; the URL carries every choice that is not the default.

    On a page the filters do not apply to, the bar is still drawn (greyed out) so the choice and the URL survive.
    """
    options, defaults = _options(snapshot), _defaults(snapshot)
    for name, key in KEYS.items():
        wanted = st.query_params.get(name)
        # A pasted URL seeds the session once; afterwards the widgets own the state.
        if key not in st.session_state and wanted is not None:
            if wanted in options[name]:
                st.session_state[key] = wanted
            else:  # a stale or hand-edited link: say what was ignored instead of silently showing something else
                st.toast(f"The link's {name} “{literal(wanted[:40])}” is not in the loaded data; showing "
                         f"{literal(_shown(name, defaults[name]))} instead.", icon=":material/link_off:")
        if st.session_state.get(key) not in options[name]:
            st.session_state[key] = defaults[name]  # after an import the old choice may no longer exist
    with st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="bottom", gap="small",
                      width="content", key="filter_bar"):
        quarter = st.selectbox("Quarter", options["quarter"], key=KEYS["quarter"], width=150, disabled=not applies,
                               help=_quarter_help(snapshot, st.session_state.get(KEYS["quarter"]))
                               if applies else "The filters do not apply to this page.")
        region = st.selectbox("Region", options["region"], key=KEYS["region"], width=170, disabled=not applies,
                              format_func=lambda v: "All regions" if v == ALL else v)
        segment = st.selectbox("Segment", options["segment"], key=KEYS["segment"], width=170, disabled=not applies,
                               format_func=lambda v: "All segments" if v == ALL else v)
    chosen = {"quarter": quarter, "region": region, "segment": segment}
    for name, value in chosen.items():
        if value != defaults[name]:
            st.query_params[name] = value
        elif name in st.query_params:
            del st.query_params[name]
    return Filters(quarter=quarter, region=None if region == ALL else region,
                   segment=None if segment == ALL else segment)


def _quarter_help(snapshot: Snapshot, chosen: str | None) -> str:
    """The chosen quarter's days and the calendar it belongs to: "FY27-Q1 · 1 Feb – 30 Apr 2026. Fiscal year …"."""
    dates = quarter_dates(chosen, snapshot.calendar) if chosen else ""
    head = f"{chosen} · {dates}. " if dates else ""
    return head + snapshot.calendar.describe() + " Opens on the latest full quarter in the data."


def _shown(name: str, value: str) -> str:
    return f"all {name}s" if value == ALL else value


def current() -> Filters:
    """The view chosen in the filter bar on this run, as the metric catalog takes it (the shell draws the bar first)."""
    return st.session_state[VIEW_KEY]
