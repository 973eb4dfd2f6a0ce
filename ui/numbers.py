"""The metric catalog's answers for the warehouse as it is now, cached per file version and filters."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment import catalog, warehouse
from alignment.catalog import Comparison, Filters
from ui import context

# Every cached function is keyed on the warehouse file's identity, so an import (a new file) is never served stale
# numbers, and on the view as plain values (quarter, region, segment, split).
_View = tuple[str, str | None, str | None, str]


def _key(view: Filters) -> tuple[str, tuple[int, int, int] | None, _View]:
    path = context.warehouse_path()
    return str(path), warehouse.identity(path), (str(view.quarter), view.region, view.segment, view.split)


def _filters(view: _View) -> Filters:
    quarter, region, segment, split = view
    return Filters(quarter=quarter, region=region, segment=segment, split=split)


@st.cache_data(show_spinner=False, max_entries=64)
def _comparisons(path: str, identity, view: _View, names: tuple[str, ...]) -> dict[str, Comparison]:
    filters = _filters(view)
    return {c.name: c for c in catalog.scorecard(context.reader(), filters.quarter, filters, names=list(names))}


def comparisons(view: Filters, names: list[str]) -> dict[str, Comparison]:
    """Each metric for the quarter beside target, last quarter, a year before and its 8-quarter trend, by name."""
    return _comparisons(*_key(view), tuple(dict.fromkeys(names)))


@st.cache_data(show_spinner=False, max_entries=64)
def _funnel(path: str, identity, view: _View, kind: str) -> pd.DataFrame:
    filters = _filters(view)
    return catalog.funnel(context.reader(), filters.quarter, kind, filters)


def funnel(view: Filters, kind: str) -> pd.DataFrame:
    """The waterfall (period or cohort view) for the view, split when `view.split` says so."""
    return _funnel(*_key(view), kind)


@st.cache_data(show_spinner=False, max_entries=256)
def _rows(path: str, identity, view: _View, name: str) -> pd.DataFrame:
    return catalog.run(context.reader(), name, _filters(view))


def rows(name: str, view: Filters) -> pd.DataFrame:
    """A catalog metric's rows (a breakdown, or a headline metric's value with its base counts)."""
    return _rows(*_key(view), name)


@st.cache_data(show_spinner=False, max_entries=256)
def _value(path: str, identity, view: _View, name: str):
    return catalog.value(context.reader(), name, _filters(view))


def value(name: str, view: Filters):
    """A headline metric's value for the view (None when there is nothing to measure)."""
    return _value(*_key(view), name)


@st.cache_data(show_spinner=False, max_entries=64)
def _has_data(path: str, identity, view: _View) -> bool:
    filters = _filters(view)
    return catalog.has_data(context.reader(), filters.quarter, filters)


def has_data(view: Filters) -> bool:
    """Whether anything was recorded in the view's quarter under its region and segment (else: "no data")."""
    return _has_data(*_key(view))
