"""Charts on screen: each figure built once per distinct input and shared by every session, then drawn."""

from __future__ import annotations

from typing import Any, Callable

import plotly.graph_objects as go
import streamlit as st

from alignment import periods
from alignment.presentation import formats

NO_BAR = {"displayModeBar": False}
"""Plotly's mode bar hidden: the charts are read, not edited."""


# Building a figure costs tens of milliseconds (plotly checks every property it is given, axis by axis) and drawing
# it a few, so a page re-run draws the figure built for the same inputs before, whichever session built it. Inputs are
# hashed by value the way st.cache_data hashes them (frames, pydantic models, lists, dicts); the builder by its name.
# Nothing changes a figure once built: st.plotly_chart only reads it (a copy goes to the browser). A builder also reads
# the run's corporate currency (money ticks) and fiscal calendar (quarters' days on hover): both are part of the key,
# so a server holding another warehouse, or the same one after a change, never draws a figure in the other's.
@st.cache_resource(show_spinner=False, max_entries=256)
def _built(name: str, _build: Callable[..., go.Figure], args: tuple, kwargs: dict, currency: str,
           calendar: periods.FiscalCalendar) -> go.Figure:
    return _build(*args, **kwargs)


def built(build: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
    """`build(*args, **kwargs)`, built once per distinct arguments, corporate currency and fiscal calendar."""
    name = f"{build.__module__}.{build.__qualname__}"
    if "<" in name:  # a lambda or a nested function: its name would not tell two of them apart
        raise ValueError(f"{name} is not a module-level function; give plotly_chart a builder from ui.charts")
    return _built(name, build, args, kwargs, formats.corporate(), periods.current_calendar())


def plotly_chart(build: Callable[..., go.Figure], *args: Any, key: str, on_select: str = "ignore",
                 selection_mode: str | tuple[str, ...] = ("points", "box", "lasso"), **kwargs: Any):
    """st.plotly_chart of `build(*args, **kwargs)` (a module-level builder such as ui.charts.waterfall, built once
    per distinct arguments) without plotly's mode bar; returns what st.plotly_chart returns (the selection, when
    `on_select` is "rerun")."""
    return st.plotly_chart(built(build, *args, **kwargs), key=key, config=NO_BAR, on_select=on_select,
                           selection_mode=selection_mode)
