"""The metric catalog's answers for the warehouse as it is now, under the quarter's charter, cached per file version."""

from __future__ import annotations

import pandas as pd

from alignment import catalog, signoff, warehouse, waterfall
from alignment.catalog import Comparison, Definitions, Filters
from alignment.charter import Charter
from alignment.plan import as_of_day
from ui import cached, context


@cached.data(max_entries=64)
def _charter(ledger: signoff.Ledger, quarter: str) -> Charter:
    return ledger.charter_in_force(quarter)


def charter(view: Filters) -> Charter:
    """The charter in force for the view's quarter (its saved version, else carried forward, else the defaults)."""
    return _charter(context.ledger(), str(view.quarter))


def definitions(view: Filters) -> Definitions:
    """The definitions every number of the view is computed under: the quarter's charter, with the targets that hold
    for the region and segment chosen. Pages read definitions only from here."""
    return charter(view).definitions_for(view.region, view.segment)


@cached.data(max_entries=64)
def _comparisons(reader: warehouse.Reader, view: Filters, in_force: Definitions,
                 names: tuple[str, ...]) -> dict[str, Comparison]:
    return {c.name: c for c in catalog.scorecard(reader, view, in_force, names=list(names),
                                                 as_of=as_of_day(reader))}


def comparisons(view: Filters, names: list[str]) -> dict[str, Comparison]:
    """Each metric for the quarter beside target, last quarter, a year before and its 8-quarter trend, by name."""
    return _comparisons(context.reader(), view, definitions(view), tuple(dict.fromkeys(names)))


@cached.data(max_entries=64)
def _funnel(reader: warehouse.Reader, view: Filters, in_force: Definitions, kind: str) -> pd.DataFrame:
    return catalog.funnel(reader, view, kind, in_force)


def funnel(view: Filters, kind: str) -> pd.DataFrame:
    """The waterfall (period or cohort view) for the view, split when `view.split` says so."""
    return _funnel(context.reader(), view, definitions(view), kind)


@cached.data(max_entries=64)
def _deal_funnel(reader: warehouse.Reader, view: Filters, in_force: Definitions, kind: str) -> pd.DataFrame:
    return catalog.deal_funnel(reader, view, kind, in_force)


def deal_funnel(view: Filters, kind: str) -> pd.DataFrame:
    """The deal-stage funnel (its period or cohort rows) for the view, split when `view.split` says so."""
    return _deal_funnel(context.reader(), view, definitions(view), kind)


@cached.data(max_entries=8)
def _missing_inputs(reader: warehouse.Reader) -> dict[str, str]:
    return catalog.missing_inputs(reader)


def missing_inputs() -> dict[str, str]:
    """The inputs the loaded data lacks, each with why the metrics needing it are not measured (sql/inputs.sql)."""
    return _missing_inputs(context.reader())


def funnel_unavailable(kind: str) -> str | None:
    """Why the loaded data cannot give this funnel view (None: it can)."""
    return catalog.funnel_unavailable(context.reader(), kind)


@cached.data(max_entries=256)
def _rows(reader: warehouse.Reader, view: Filters, in_force: Definitions, name: str) -> pd.DataFrame:
    return catalog.run(reader, name, view, in_force)


def rows(name: str, view: Filters) -> pd.DataFrame:
    """A catalog metric's rows (a breakdown, or a headline metric's value with its base counts)."""
    return _rows(context.reader(), view, definitions(view), name)


@cached.data(max_entries=64)
def _has_data(reader: warehouse.Reader, view: Filters) -> bool:
    return catalog.has_data(reader, view)


def has_data(view: Filters) -> bool:
    """Whether anything was recorded in the view's quarter under its region and segment (else: "no data")."""
    return _has_data(context.reader(), view)


@cached.data(max_entries=32)
def _content(reader: warehouse.Reader, quarter_charter: Charter) -> signoff.Content:
    return signoff.current_content(reader, quarter_charter)


def signed_content(quarter_charter: Charter) -> signoff.Content:
    """What a signature of the quarter covers right now: the charter, its metrics' whole-company values, the data."""
    return _content(context.reader(), quarter_charter)


@cached.data(max_entries=64)
def _status(ledger: signoff.Ledger, reader: warehouse.Reader, quarter_charter: Charter) -> signoff.Status:
    return ledger.status(quarter_charter.quarter, _content(reader, quarter_charter))


def signoff_status(view: Filters) -> signoff.Status:
    """Where the view's quarter stands: draft, proposed, signed by one or both, and whether it changed since."""
    return _status(context.ledger(), context.reader(), charter(view))


@cached.data(max_entries=32)
def _plan(reader: warehouse.Reader, plan: waterfall.Plan, in_force: Definitions) -> waterfall.Waterfall:
    return waterfall.work_out(reader, plan, in_force)


def plan(quarter_plan: waterfall.Plan, view: Filters) -> waterfall.Waterfall:
    """The plan's waterfall on the warehouse as it is, under the quarter's charter definitions (stage policy)."""
    return _plan(context.reader(), quarter_plan, charter(view).definitions)
