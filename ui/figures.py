"""Charts on screen: each figure built once per distinct input and shared by every session, then drawn."""

from __future__ import annotations

from typing import Any, Callable

import plotly.graph_objects as go
import streamlit as st

NO_BAR = {"displayModeBar": False}
"""Plotly's mode bar hidden: the charts are read, not edited."""


# Building a figure costs tens of milliseconds (plotly checks every property it is given, axis by axis) and drawing
# it a few, so a page re-run draws the figure built for the same inputs before, whichever session built it. Inputs are
# hashed by value the way st.cache_data hashes them (frames, pydantic models, lists, dicts); the builder by its name.
# Nothing changes a figure once built: st.plotly_chart only reads it (a copy goes to the browser).
@st.cache_resource(show_spinner=False, max_entries=256)
def _built(name: str, _build: Callable[..., go.Figure], args: tuple, kwargs: dict) -> go.Figure:
    return _build(*args, **kwargs)


def plotly_chart(build: Callable[..., go.Figure], *args: Any, key: str, on_select: str = "ignore",
                 selection_mode: str | tuple[str, ...] = ("points", "box", "lasso"), **kwargs: Any):
    """st.plotly_chart of `build(*args, **kwargs)` (a module-level builder such as ui.charts.waterfall, built once
    per distinct arguments) without plotly's mode bar; returns what st.plotly_chart returns (the selection, when
    `on_select` is "rerun")."""
    name = f"{build.__module__}.{build.__qualname__}"
    if "<" in name:  # a lambda or a nested function: its name would not tell two of them apart
        raise ValueError(f"{name} is not a module-level function; give plotly_chart a builder from ui.charts")
    return st.plotly_chart(_built(name, build, args, kwargs), key=key, config=NO_BAR, on_select=on_select,
                           selection_mode=selection_mode)
