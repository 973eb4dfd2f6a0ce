"""Explore: any headline metric of the catalog, grouped by a whitelisted dimension, down to the records behind it.

A metric is never rewritten to be grouped. For each group, the tables it measures are shadowed, on one cursor only,
by temporary views holding just the group's rows (and the filters'), and the metric's own SQL file runs unchanged:
the number for "EMEA" is the catalog's number computed on EMEA's rows. Views are built from the fixed texts below
(table and dimension names from whitelists); the values chosen reach them through a temporary table filled with
bound parameters, so no user text is ever part of a statement.

A dimension applies to a metric when every table the metric measures carries it: people and deals carry region,
segment, owner, industry, lead source and source category (and a channel and campaign: a person's first touch, a
deal's primary campaign), campaigns and their spend carry only channel and campaign, awareness numbers channel and
region. "Cost per MQL by region" is refused, for campaign cost carries no region.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import duckdb
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from alignment import catalog, sqlfiles
from alignment.catalog import Definitions, Filters, MetricSpec, Source
from alignment.periods import Quarter, QuarterField

NONE = "(none)"
"""The group of rows that carry no value for the dimension (a person with no touch has no first-touch channel)."""

MAX_GROUPS = 40
"""At most this many groups are charted (the largest first, for the dimensions with many values)."""

MAX_RECORDS = 50_000
"""At most this many records are read for the screen and the CSV; the count says how many there are in all."""

MAX_VALUE_LENGTH = 200
MAX_FILTER_VALUES = 50

PARAMETER_TYPES = {"anchor": "VARCHAR"}
"""The DuckDB types of the parameters records bind beside the catalog's: which date of a record set counts."""


class Dimension(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    label: str
    plural: str
    is_time: bool = False


DIMENSIONS: dict[str, Dimension] = {d.name: d for d in (
    Dimension(name="quarter", label="Quarter", plural="quarters", is_time=True),
    Dimension(name="month", label="Month", plural="months", is_time=True),
    Dimension(name="region", label="Region", plural="regions"),
    Dimension(name="segment", label="Segment", plural="segments"),
    Dimension(name="channel", label="Channel", plural="channels"),
    Dimension(name="campaign", label="Campaign", plural="campaigns"),
    Dimension(name="source_category", label="Source category", plural="source categories"),
    Dimension(name="lead_source", label="Lead source", plural="lead sources"),
    Dimension(name="owner", label="Owner", plural="owners"),
    Dimension(name="persona", label="Persona", plural="personas"),
    Dimension(name="industry", label="Industry", plural="industries"),
)}
FILTER_DIMENSIONS = tuple(name for name, d in DIMENSIONS.items() if not d.is_time)

# What each measured table's rows carry, as an SQL expression over the row (alias t). The lookups read the
# warehouse's own tables ({db} is its catalog, from DuckDB's), never the shadows.
# A source's category is the catalog's own rule (the source_category macro) under the charter's map, which the view
# reads from a temporary table since a view cannot hold bound parameters.
_SOURCE_CATEGORY = ("source_category({column}, (SELECT source_names FROM explore_source_map), "
                    "(SELECT source_categories FROM explore_source_map))")
_ACCOUNT_INDUSTRY = "(SELECT a.industry FROM {db}.accounts a WHERE a.account_id = t.account_id)"
_CAMPAIGN_CHANNEL = "(SELECT c.channel FROM {db}.campaigns c WHERE c.campaign_id = t.{column})"
ROW_VALUES: dict[str, dict[str, str]] = {
    "person_stage_dates": {
        "region": "t.region", "segment": "t.segment", "owner": "t.owner_id", "persona": "t.persona",
        "industry": _ACCOUNT_INDUSTRY, "lead_source": "t.lead_source",
        "source_category": _SOURCE_CATEGORY.format(column="t.lead_source"),
        "channel": _CAMPAIGN_CHANNEL.replace("{column}", "first_touch_campaign_id"),
        "campaign": "t.first_touch_campaign_id"},
    "opportunity_facts": {
        "region": "t.region", "segment": "t.segment", "owner": "t.owner_id", "industry": _ACCOUNT_INDUSTRY,
        "lead_source": "t.source", "source_category": _SOURCE_CATEGORY.format(column="t.source"),
        "channel": "t.primary_campaign_channel", "campaign": "t.primary_campaign_id"},
    "campaigns": {"channel": "t.channel", "campaign": "t.campaign_id"},
    "campaign_spend": {"channel": _CAMPAIGN_CHANNEL.replace("{column}", "campaign_id"), "campaign": "t.campaign_id"},
    "awareness_metrics": {"channel": "t.channel", "region": "t.region"},
}
LOOKUPS = frozenset({"accounts", "users"})
"""Tables read only to look a name or a region up; never measured."""
NOUNS = {"person_stage_dates": "people", "opportunity_facts": "deals", "campaigns": "campaigns",
         "campaign_spend": "campaign costs", "awareness_metrics": "awareness numbers"}

# Each dimension's values, from the warehouse's own tables: (key, label) pairs; $names/$categories are the charter's
# source map. Ordered by label.
_VALUES_SQL: dict[str, str] = {
    "region": "SELECT DISTINCT region, region FROM {db}.accounts WHERE region IS NOT NULL",
    "segment": "SELECT DISTINCT segment, segment FROM {db}.accounts WHERE segment IS NOT NULL",
    "industry": "SELECT DISTINCT industry, industry FROM {db}.accounts WHERE industry IS NOT NULL",
    "persona": "SELECT DISTINCT persona, persona FROM {db}.person_stage_dates WHERE persona IS NOT NULL",
    "lead_source": "SELECT DISTINCT lead_source, lead_source FROM {db}.person_stage_dates "
                   "WHERE lead_source IS NOT NULL UNION SELECT source, source FROM {db}.opportunity_facts "
                   "WHERE source IS NOT NULL",
    "source_category": "SELECT DISTINCT c, c FROM (SELECT unnest($categories) AS c UNION SELECT 'other')",
    "channel": "SELECT DISTINCT channel, channel FROM {db}.campaigns WHERE channel IS NOT NULL "
               "UNION SELECT DISTINCT channel, channel FROM {db}.awareness_metrics WHERE channel IS NOT NULL",
    "campaign": "SELECT campaign_id, coalesce(name, campaign_id) FROM {db}.campaigns",
    "owner": "SELECT user_id, coalesce(name, user_id) FROM {db}.users "
             "WHERE user_id IN (SELECT owner_id FROM {db}.person_stage_dates "
             "UNION SELECT owner_id FROM {db}.opportunity_facts)",
}

RECORDS_DIR = sqlfiles.SQL_DIR / "records"
"""The records behind a number (sql/records): each reads the same (shadowed) tables as the metrics, with bound
parameters only; a headline metric's `records:` header names the set, its anchor and the condition it counts."""


def record_sets() -> dict[str, sqlfiles.SqlFile]:
    """Every record set Explore can show, by name."""
    return sqlfiles.folder(RECORDS_DIR, "records")


def records_of(metric: MetricSpec) -> tuple[sqlfiles.SqlFile, catalog.RecordsRef]:
    """The record set behind a headline metric, and what its header says of it (anchor, condition)."""
    behind = metric.records
    if behind is None:
        raise NotApplicable(f"{metric.title} is a breakdown; it has no single set of records behind a number")
    found = record_sets().get(behind.records)
    if found is None or behind.anchor not in found.anchors:
        raise LookupError(f"{metric.name}: records '{behind.records} {behind.anchor}' is not a record set of "
                          f"sql/records with that anchor")
    return found, behind


class Request(BaseModel):
    """What Explore shows: a metric, what it is grouped by, filters per dimension, the group whose records show.

    Every field comes from outside (the URL, the widgets); unknown names, overlong values and too many values are
    refused here with a message to act on, before anything reaches the warehouse.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: str = "pipeline"
    by: str = "region"
    quarter: QuarterField
    filters: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    pick: str | None = None

    @field_validator("metric")
    @classmethod
    def _metric(cls, value: str) -> str:
        names = [m.name for m in catalog.headline_metrics()]
        if value not in names:
            raise ValueError(f"there is no metric called “{_shown(value)}”; pick one of the catalog's "
                             f"{len(names)} headline metrics, such as pipeline or mqls")
        return value

    @field_validator("by")
    @classmethod
    def _by(cls, value: str) -> str:
        if value not in DIMENSIONS:
            raise ValueError(f"“{_shown(value)}” is not a dimension Explore can group by; use one of "
                             f"{', '.join(DIMENSIONS)}")
        return value

    @field_validator("filters", mode="before")
    @classmethod
    def _filters(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("filters are a mapping of dimension to values")
        clean: dict[str, tuple[str, ...]] = {}
        for name, values in value.items():
            if name not in FILTER_DIMENSIONS:
                raise ValueError(f"“{_shown(str(name))}” is not a dimension Explore can filter on; use one of "
                                 f"{', '.join(FILTER_DIMENSIONS)}")
            values = (values,) if isinstance(values, str) else tuple(values)
            if len(values) > MAX_FILTER_VALUES:
                raise ValueError(f"the {DIMENSIONS[name].label.lower()} filter has {len(values)} values; keep it "
                                 f"to {MAX_FILTER_VALUES} or fewer")
            for item in values:
                _check_text(item, f"a {DIMENSIONS[name].label.lower()} filter value")
            if values:
                clean[name] = tuple(dict.fromkeys(values))
        return clean

    @field_validator("pick")
    @classmethod
    def _pick(cls, value: str | None) -> str | None:
        if value is not None:
            _check_text(value, "the group picked")
        return value or None


def _check_text(value: Any, what: str) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text")
    if len(value) > MAX_VALUE_LENGTH:
        raise ValueError(f"{what} is {len(value):,} characters long; values are at most {MAX_VALUE_LENGTH}")
    if any(ord(ch) < 32 for ch in value):
        raise ValueError(f"{what} contains control characters")


def _shown(text: str, width: int = 40) -> str:
    text = re.sub(r"[\x00-\x1f]", "?", text)
    return text if len(text) <= width else text[: width - 1] + "…"


class Group(BaseModel):
    key: str
    label: str
    value: float | None
    start: dt.datetime | None = None
    end: dt.datetime | None = None


class Result(BaseModel):
    """The metric's value per group, what was left out and why, ready to chart."""

    metric: str
    title: str
    unit: str
    by: str
    groups: list[Group]
    total_groups: int
    notes: list[str] = Field(default_factory=list)


class NotApplicable(ValueError):
    """The dimension (or a filter) cannot cut this metric; the message says why in plain words."""


class NotMeasured(NotApplicable):
    """The loaded data lacks what the metric needs, so no group has a number; the message says what is missing."""


# ---- what a metric measures ---------------------------------------------------------------------------------------

def measured_tables(metric: MetricSpec) -> frozenset[str]:
    """The tables whose rows a metric counts or sums: its header's `measures:` (campaigns read only to look up a
    role are not measured)."""
    return frozenset(metric.measures)


def why_not(metric: MetricSpec, dimension: str) -> str | None:
    """None when `dimension` can cut `metric`; else the reason, in words."""
    if DIMENSIONS[dimension].is_time:
        return None
    for table in sorted(measured_tables(metric)):
        if table not in ROW_VALUES:
            return f"{metric.title} reads {table.replace('_', ' ')}, which Explore cannot cut by anything but time"
        if dimension not in ROW_VALUES[table]:
            return (f"{metric.title} counts {NOUNS[table]}, which carry no "
                    f"{DIMENSIONS[dimension].label.lower()}")
    return None


def applicable(metric: MetricSpec) -> list[str]:
    """The dimensions that can cut `metric`, in the order of DIMENSIONS."""
    return [name for name in DIMENSIONS if why_not(metric, name) is None]


# ---- shadows -------------------------------------------------------------------------------------------------------

def _database(cursor: duckdb.DuckDBPyConnection) -> str:
    """The catalog the warehouse's tables live in (named by DuckDB, not by anyone outside), quoted."""
    rows = cursor.execute("SELECT database_name FROM duckdb_tables() WHERE table_name = 'person_stage_dates' "
                          "AND NOT temporary ORDER BY database_name = current_database() DESC").fetchall()
    if not rows:
        raise LookupError("the warehouse has no person_stage_dates table; import data first")
    return sqlfiles.quote(rows[0][0])


def _shadow(cursor: duckdb.DuckDBPyConnection, db: str, constrained: dict[str, set[str]]) -> None:
    """(Re)define the temporary views: each measured table keeps the rows whose values are in explore_scope, for
    every (slot, dimension) constrained. Statement text comes from ROW_VALUES only."""
    if not set(constrained) <= {"filter", "group"} or not all(d <= set(DIMENSIONS) for d in constrained.values()):
        raise ValueError("only whitelisted slots and dimensions can constrain a view")
    for table, carried in ROW_VALUES.items():
        conditions = []
        for slot in sorted(constrained):
            for dimension in sorted(constrained[slot] & set(carried)):
                expression = carried[dimension].replace("{db}", db + ".main")
                conditions.append("coalesce(CAST(" + expression + " AS VARCHAR), " + sqlfiles.constant(NONE)
                                  + ") IN (SELECT value FROM explore_scope WHERE slot = " + sqlfiles.constant(slot)
                                  + " AND dimension = " + sqlfiles.constant(dimension) + ")")
        cursor.execute(sqlfiles.scoped_view(table, db, conditions))


def _scope(cursor: duckdb.DuckDBPyConnection, slot: str, values: dict[str, tuple[str, ...]]) -> None:
    cursor.execute("DELETE FROM explore_scope WHERE slot = $slot", {"slot": slot})
    rows = [(slot, dimension, value) for dimension, chosen in values.items() for value in chosen]
    if rows:
        cursor.executemany("INSERT INTO explore_scope VALUES (?, ?, ?)", rows)


class _Session:
    """One cursor with the shadows installed; every query of one Explore answer runs on it, then it is closed."""

    def __init__(self, source: Source, definitions: Definitions):
        self.cursor = catalog.cursor(source)
        self.db = _database(self.cursor)
        self.definitions = definitions
        self.cursor.execute("CREATE OR REPLACE TEMP TABLE explore_scope (slot VARCHAR, dimension VARCHAR, "
                            "value VARCHAR)")
        # The charter's source map, bound as the catalog binds it (it does not depend on the filters).
        charter_map = {name: catalog.PARAMETERS[name].value(None, definitions)
                       for name in ("source_names", "source_categories")}
        self.cursor.execute("CREATE OR REPLACE TEMP TABLE explore_source_map AS SELECT "
                            "CAST($source_names AS VARCHAR[]) AS source_names, "
                            "CAST($source_categories AS VARCHAR[]) AS source_categories", charter_map)
        self.constrained: dict[str, set[str]] = {}

    def constrain(self, slot: str, values: dict[str, tuple[str, ...]]) -> None:
        _scope(self.cursor, slot, values)
        wanted = set(values)
        if self.constrained.get(slot, set()) != wanted:
            self.constrained[slot] = wanted
            _shadow(self.cursor, self.db, {s: d for s, d in self.constrained.items() if d})

    def close(self) -> None:
        self.cursor.close()


# ---- answers -------------------------------------------------------------------------------------------------------

def _filters_for(metric: MetricSpec, request: Request, region: str | None, segment: str | None
                 ) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """The filters that apply to the metric (the filter bar's region and segment among them), and notes on those
    that do not."""
    wanted = dict(request.filters)
    for name, value in (("region", region), ("segment", segment)):
        if value is not None:
            wanted[name] = (value,)
    kept, notes = {}, []
    for name, values in wanted.items():
        reason = why_not(metric, name)
        if reason:
            notes.append(f"The {DIMENSIONS[name].label.lower()} filter does not apply: {reason}.")
        else:
            kept[name] = values
    return kept, notes


def dimension_values(source: Source, dimension: str, definitions: Definitions | None = None) -> list[tuple[str, str]]:
    """Every (key, label) of a non-time dimension in the warehouse, by label; (none) last."""
    if dimension not in _VALUES_SQL:
        raise ValueError(f"“{_shown(dimension)}” has no list of values")
    definitions = definitions or Definitions()
    cursor = catalog.cursor(source)
    try:
        db = _database(cursor) + ".main"
        sql = _VALUES_SQL[dimension].replace("{db}", db)
        params = {"categories": list(dict.fromkeys(definitions.lead_source_categories.values())) or ["other"]}
        rows = cursor.execute(sql, params if "$categories" in sql else {}).fetchall()
    finally:
        cursor.close()
    return sorted(((str(k), str(v)) for k, v in rows), key=lambda kv: kv[1].lower()) + [(NONE, NONE)]


def _periods(request: Request) -> list[tuple[str, str, dict[str, Any]]]:
    """(key, label, bounds) of the time groups: 8 quarters, or the 12 months (a 52/53-week year's periods) ending
    with the chosen quarter; bounds are the quarter parameters a metric takes, the group's in place of the quarter's."""
    if request.by == "quarter":
        quarters = [request.quarter.shift(-offset) for offset in range(7, -1, -1)]
        return [(str(q), str(q), _bounds(q, q.first_day, q.end_day)) for q in quarters]
    months = []
    for quarter in (request.quarter.shift(-offset) for offset in range(3, -1, -1)):
        for index, (first, after) in enumerate(quarter.periods()):
            key, label = quarter.period_label(index)
            months.append((key, label, _bounds(quarter, first, after)))
    return months


def _bounds(quarter: Quarter, first: dt.date, after: dt.date) -> dict[str, Any]:
    """The quarter parameters for the days [first, after) of `quarter`'s calendar."""
    calendar = quarter.calendar
    return {"quarter_start": calendar.midnight_utc(first), "quarter_end": calendar.midnight_utc(after),
            "quarter_first_day": first, "quarter_end_day": after}


def _run(session: _Session, metric: MetricSpec, quarter: Quarter, bounds: dict[str, Any] | None = None
         ) -> float | None:
    params = catalog.bind(metric, Filters(quarter=quarter), session.definitions)
    params.update({name: value for name, value in (bounds or {}).items() if name in params})
    rows = session.cursor.execute(metric.sql, params).df()
    if rows.empty:
        return None
    value = rows["value"].iloc[0]
    return None if pd.isna(value) else float(value)


def explore(source: Source, request: Request, definitions: Definitions | None = None, *, region: str | None = None,
            segment: str | None = None) -> Result:
    """The metric's value for each group of `request.by` under the filters (and the filter bar's region and
    segment), each computed by the metric's own SQL on the group's rows."""
    definitions = definitions or Definitions()
    metric = catalog.spec(request.metric)
    missing = metric.not_measured(catalog.missing_inputs(source))
    if missing:
        raise NotMeasured(f"{metric.title} is not measured: {missing}. It shows here, by any dimension, once the "
                          "data holds it.")
    reason = why_not(metric, request.by)
    if reason:
        offered = ", ".join(DIMENSIONS[d].label.lower() for d in applicable(metric))
        raise NotApplicable(f"{metric.title} cannot be grouped by {DIMENSIONS[request.by].label.lower()}: {reason}. "
                            f"Group it by one of: {offered}.")
    filters, notes = _filters_for(metric, request, region, segment)
    session = _Session(source, definitions)
    try:
        session.constrain("filter", filters)
        groups: list[Group] = []
        if DIMENSIONS[request.by].is_time:
            for key, label, bounds in _periods(request):
                groups.append(Group(key=key, label=label, start=bounds["quarter_start"], end=bounds["quarter_end"],
                                    value=_run(session, metric, request.quarter, bounds)))
            total = len(groups)
        else:
            values = dimension_values(source, request.by, definitions)
            for key, label in values:
                session.constrain("group", {request.by: (key,)})
                groups.append(Group(key=key, label=label, value=_run(session, metric, request.quarter)))
            total = len(groups)
            # Groups with nothing to show say nothing; the largest first, at most MAX_GROUPS of them.
            groups = [g for g in groups if g.value not in (None, 0)]
            groups.sort(key=lambda g: (g.key == NONE, -(g.value or 0)))
            if len(groups) > MAX_GROUPS:
                notes.append(f"Showing the {MAX_GROUPS} largest of {len(groups)} "
                             f"{DIMENSIONS[request.by].plural} with a value; filter to see others.")
                groups = groups[:MAX_GROUPS]
    finally:
        session.close()
    return Result(metric=metric.name, title=metric.title, unit=metric.unit, by=request.by, groups=groups,
                  total_groups=total, notes=notes)


class Records(BaseModel):
    """The records behind a number: what they are ("deals won, sourced by marketing"), the period, how many there
    are in all, and the first MAX_RECORDS of them."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    noun: str
    what: str
    period: str
    total: int
    frame: Any


def records(source: Source, request: Request, definitions: Definitions | None = None, *, region: str | None = None,
            segment: str | None = None) -> Records:
    """The people, deals, campaigns or awareness numbers behind the metric for the picked group (the whole view when
    nothing is picked), with their key fields; at most MAX_RECORDS rows, `total` counts them all."""
    definitions = definitions or Definitions()
    metric = catalog.spec(request.metric)
    record_set, behind = records_of(metric)
    # The condition is fixed text from the metric's header (catalog-validated), never from the request.
    sql = "SELECT * FROM (" + record_set.sql + ") AS records WHERE " + (behind.condition or "true")
    filters, _ = _filters_for(metric, request, region, segment)
    bounds: dict[str, Any] = {}
    group: dict[str, tuple[str, ...]] = {}
    where = str(request.quarter)
    if request.pick is not None:
        if DIMENSIONS[request.by].is_time:
            periods = {key: (label, b) for key, label, b in _periods(request)}
            if request.pick not in periods:
                raise ValueError(f"“{_shown(request.pick)}” is not one of the {DIMENSIONS[request.by].plural} shown")
            where, bounds = periods[request.pick]
        else:
            if why_not(metric, request.by):
                raise NotApplicable(why_not(metric, request.by))
            group = {request.by: (request.pick,)}
    session = _Session(source, definitions)
    try:
        session.constrain("filter", filters)
        session.constrain("group", group)
        # Exactly the parameters the record set declares: the picked period's bounds, the metric's anchor, the rest
        # as the catalog binds them.
        given = {**bounds, "anchor": behind.anchor}
        params = {name: given[name] if name in given else
                  catalog.PARAMETERS[name].value(Filters(quarter=request.quarter), definitions)
                  for name in record_set.parameters}
        total = session.cursor.execute("SELECT count(*) FROM (" + sql + ")", params).fetchall()[0][0]
        frame = session.cursor.execute(sql + " LIMIT $record_limit", {**params, "record_limit": MAX_RECORDS}).df()
    finally:
        session.close()
    what = record_set.anchors[behind.anchor] + (f", {behind.phrase}" if behind.phrase else "")
    return Records(noun=record_set.title.lower(), what=what, period=where, total=int(total), frame=frame)
