"""The metric catalog's answers for the warehouse as it is now, under the quarter's charter, cached per file version."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from alignment import catalog, signoff, warehouse
from alignment.catalog import Comparison, Definitions, Filters
from alignment.charter import Charter
from ui import context

# Every cached function is keyed on the warehouse file's identity, so an import (a new file) is never served stale
# numbers; on the view as plain values (quarter, region, segment, split); and on the definitions in force as JSON,
# so a charter edit is never served numbers computed under the old definitions.
_View = tuple[str, str | None, str | None, str]


# Keyed on the ledger's token (its files' identities), so a new record is read at once by every session, while a
# page run that asks several times reads the file once.
@st.cache_data(show_spinner=False, max_entries=64)
def _charter(ledger_path: str, token: tuple, quarter: str) -> Charter:
    return signoff.Ledger(Path(ledger_path)).charter_in_force(quarter)


def charter(view: Filters) -> Charter:
    """The charter in force for the view's quarter (its saved version, else carried forward, else the defaults)."""
    ledger = context.ledger()
    return _charter(str(ledger.path), ledger.token(), str(view.quarter))


def definitions(view: Filters) -> Definitions:
    """The definitions every number of the view is computed under: the quarter's charter, with the targets that hold
    for the region and segment chosen. Pages read definitions only from here."""
    return charter(view).definitions_for(view.region, view.segment)


def _key(view: Filters) -> tuple[str, tuple[int, int, int] | None, _View, str]:
    path = context.warehouse_path()
    return (str(path), warehouse.identity(path), (str(view.quarter), view.region, view.segment, view.split),
            definitions(view).model_dump_json())


def _filters(view: _View) -> Filters:
    quarter, region, segment, split = view
    return Filters(quarter=quarter, region=region, segment=segment, split=split)


@st.cache_data(show_spinner=False, max_entries=64)
def _comparisons(path: str, identity, view: _View, in_force: str, names: tuple[str, ...]) -> dict[str, Comparison]:
    filters = _filters(view)
    return {c.name: c for c in catalog.scorecard(context.reader(), filters.quarter, filters,
                                                 Definitions.model_validate_json(in_force), names=list(names))}


def comparisons(view: Filters, names: list[str]) -> dict[str, Comparison]:
    """Each metric for the quarter beside target, last quarter, a year before and its 8-quarter trend, by name."""
    return _comparisons(*_key(view), tuple(dict.fromkeys(names)))


@st.cache_data(show_spinner=False, max_entries=64)
def _funnel(path: str, identity, view: _View, in_force: str, kind: str) -> pd.DataFrame:
    filters = _filters(view)
    return catalog.funnel(context.reader(), filters.quarter, kind, filters, Definitions.model_validate_json(in_force))


def funnel(view: Filters, kind: str) -> pd.DataFrame:
    """The waterfall (period or cohort view) for the view, split when `view.split` says so."""
    return _funnel(*_key(view), kind)


@st.cache_data(show_spinner=False, max_entries=64)
def _deal_funnel(path: str, identity, view: _View, in_force: str, kind: str) -> pd.DataFrame:
    filters = _filters(view)
    return catalog.deal_funnel(context.reader(), filters.quarter, kind, filters,
                               Definitions.model_validate_json(in_force))


def deal_funnel(view: Filters, kind: str) -> pd.DataFrame:
    """The deal-stage funnel (its period or cohort rows) for the view, split when `view.split` says so."""
    return _deal_funnel(*_key(view), kind)


@st.cache_data(show_spinner=False, max_entries=16)
def _missing_inputs(path: str, identity) -> dict[str, str]:
    return catalog.missing_inputs(context.reader())


def missing_inputs() -> dict[str, str]:
    """The inputs the loaded data lacks, each with its reason (sql/inputs.sql)."""
    path = context.warehouse_path()
    return _missing_inputs(str(path), warehouse.identity(path))


def funnel_unavailable(kind: str) -> str | None:
    """Why the loaded data cannot give this funnel view (None: it can)."""
    return catalog.funnel_unavailable(context.reader(), kind)


@st.cache_data(show_spinner=False, max_entries=256)
def _rows(path: str, identity, view: _View, in_force: str, name: str) -> pd.DataFrame:
    return catalog.run(context.reader(), name, _filters(view), Definitions.model_validate_json(in_force))


def rows(name: str, view: Filters) -> pd.DataFrame:
    """A catalog metric's rows (a breakdown, or a headline metric's value with its base counts)."""
    return _rows(*_key(view), name)


@st.cache_data(show_spinner=False, max_entries=256)
def _value(path: str, identity, view: _View, in_force: str, name: str):
    return catalog.value(context.reader(), name, _filters(view), Definitions.model_validate_json(in_force))


def value(name: str, view: Filters):
    """A headline metric's value for the view (None when there is nothing to measure)."""
    return _value(*_key(view), name)


@st.cache_data(show_spinner=False, max_entries=8)
def _missing_inputs(path: str, identity) -> dict[str, str]:
    return catalog.missing_inputs(context.reader())


def missing_inputs() -> dict[str, str]:
    """The inputs the loaded data lacks, each with why the metrics needing it are not measured."""
    path = context.warehouse_path()
    return _missing_inputs(str(path), warehouse.identity(path))


@st.cache_data(show_spinner=False, max_entries=64)
def _has_data(path: str, identity, view: _View) -> bool:
    filters = _filters(view)
    return catalog.has_data(context.reader(), filters.quarter, filters)


def has_data(view: Filters) -> bool:
    """Whether anything was recorded in the view's quarter under its region and segment (else: "no data")."""
    return _has_data(*_key(view)[:3])


@st.cache_data(show_spinner=False, max_entries=32)
def _content(path: str, identity, in_force: str) -> signoff.Content:
    return signoff.current_content(context.reader(), Charter.model_validate_json(in_force))


def signed_content(quarter_charter: Charter) -> signoff.Content:
    """What a signature of the quarter covers right now: the charter, its metrics' whole-company values, the data."""
    path = context.warehouse_path()
    return _content(str(path), warehouse.identity(path), quarter_charter.model_dump_json())


@st.cache_data(show_spinner=False, max_entries=64)
def _status(ledger_path: str, token: tuple, path: str, identity, in_force: str) -> signoff.Status:
    quarter_charter = Charter.model_validate_json(in_force)
    return signoff.Ledger(Path(ledger_path)).status(quarter_charter.quarter, _content(path, identity, in_force))


def signoff_status(view: Filters) -> signoff.Status:
    """Where the view's quarter stands: draft, proposed, signed by one or both, and whether it changed since."""
    ledger, path = context.ledger(), context.warehouse_path()
    return _status(str(ledger.path), ledger.token(), str(path), warehouse.identity(path),
                   charter(view).model_dump_json())
