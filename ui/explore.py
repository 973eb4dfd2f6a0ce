"""Explore's state in the URL, its cached answers, its chart and its links from other pages."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pydantic import ValidationError

from alignment import explore, warehouse
from alignment.catalog import Definitions, Filters
from alignment.presentation import formats as fmt
from alignment.presentation import palette
from ui import cached, charts, context, numbers
from ui.text import chart_text, literal

PAGE = "pages/analyse_explore.py"
DEFAULT_METRIC = "pipeline"
DEFAULT_BY = "region"
# URL parameter → session key of its widget. Filters use the dimension's own name (channel=…, repeated for several).
KEYS = {"metric": "explore_metric", "by": "explore_by", "pick": "explore_pick"}
ALL = ""
"""The picker's first option: every record of the view (no group picked)."""


def filter_key(dimension: str) -> str:
    return f"explore_filter_{dimension}"


def link_params(metric: str, view: Filters, by: str | None = None) -> dict[str, str]:
    """The URL parameters that open Explore on `metric` for the view (quarter, region, segment)."""
    params = {"metric": metric, "quarter": str(view.quarter)}
    if by:
        params["by"] = by
    for name in ("region", "segment"):
        if getattr(view, name):
            params[name] = getattr(view, name)
    return params


def link(metric: str, view: Filters, *, label: str = "Explore", by: str | None = None,
         icon: str | None = ":material/query_stats:",
         help: str = "Open this number in Explore: by any dimension, down to the records behind it") -> None:
    """A link that opens Explore pre-set on `metric` (and `by`) for the view."""
    st.page_link(PAGE, label=label, icon=icon, query_params=link_params(metric, view, by), help=help,
                 width="content")


# Scorecard tiles' titles are Explore links drawn as plain small titles (the tile keeps its height).
TILE_LINK_STYLE = """<style>
div[class*="st-key-scorecard_explore_"] a { padding: 0 !important; min-height: 0 !important; line-height: 1.3; }
div[class*="st-key-scorecard_explore_"] a p { font-size: 0.875rem; white-space: normal; overflow: visible;
  text-overflow: clip; }
div[class*="st-key-scorecard_explore_"] a span { white-space: normal; overflow: visible; text-overflow: clip; }
</style>"""


def _refuse(what: str, error: ValidationError | ValueError) -> None:
    reasons = [e.get("msg", "").removeprefix("Value error, ") for e in error.errors()] \
        if isinstance(error, ValidationError) else [str(error)]
    st.toast(f"The link's {what} was not used: {literal('; '.join(reasons)[:300])}", icon=":material/link_off:")


def seed_from_url(quarter: str) -> None:
    """A pasted link seeds the widgets once; each part is checked on its own, and a bad part is named and dropped,
    never run."""
    params = st.query_params
    if KEYS["metric"] not in st.session_state and "metric" in params:
        try:
            st.session_state[KEYS["metric"]] = explore.Request(metric=params["metric"], quarter=quarter).metric
        except ValidationError as error:
            _refuse("metric", error)
    if KEYS["by"] not in st.session_state and "by" in params:
        try:
            st.session_state[KEYS["by"]] = explore.Request(by=params["by"], quarter=quarter).by
        except ValidationError as error:
            _refuse("grouping", error)
    for dimension in explore.FILTER_DIMENSIONS:
        if dimension in ("region", "segment") or filter_key(dimension) in st.session_state:
            continue
        values = params.get_all(dimension)
        if values:
            try:
                request = explore.Request(filters={dimension: values}, quarter=quarter)
                st.session_state[filter_key(dimension)] = list(request.filters.get(dimension, ()))
            except ValidationError as error:
                _refuse(f"{explore.DIMENSIONS[dimension].label.lower()} filter", error)
    if KEYS["pick"] not in st.session_state and "pick" in params:
        try:
            st.session_state[KEYS["pick"]] = explore.Request(pick=params["pick"], quarter=quarter).pick
        except ValidationError as error:
            _refuse("selection", error)


def write_url(request: explore.Request, view: Filters) -> None:
    """Keep the whole state in the URL: metric, grouping, filters, the group picked, and the quarter even when it is
    the default (so that a link shared today still opens this quarter after the next import)."""
    wanted: dict[str, Any] = {"metric": request.metric, "by": request.by, "pick": request.pick,
                              "quarter": str(view.quarter)}
    for dimension in explore.FILTER_DIMENSIONS:
        if dimension not in ("region", "segment"):
            wanted[dimension] = list(request.filters.get(dimension, ()))
    for name, value in wanted.items():
        if value in (None, [], ()):
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get_all(name) != ([value] if isinstance(value, str) else list(value)):
            st.query_params[name] = value


@cached.data(max_entries=128)
def _explore(reader: warehouse.Reader, request: explore.Request, in_force: Definitions, region: str | None,
             segment: str | None) -> explore.Result:
    return explore.explore(reader, request, in_force, region=region, segment=segment)


def result(request: explore.Request, view: Filters) -> explore.Result:
    return _explore(context.reader(), request, numbers.definitions(view), view.region, view.segment)


@cached.data(max_entries=64)
def _records(reader: warehouse.Reader, request: explore.Request, in_force: Definitions, region: str | None,
             segment: str | None) -> explore.Records:
    return explore.records(reader, request, in_force, region=region, segment=segment)


def records(request: explore.Request, view: Filters) -> explore.Records:
    return _records(context.reader(), request, numbers.definitions(view), view.region, view.segment)


@cached.data(max_entries=64)
def _values(reader: warehouse.Reader, in_force: Definitions, dimension: str) -> list[tuple[str, str]]:
    return explore.dimension_values(reader, dimension, in_force)


def values(dimension: str, view: Filters) -> list[tuple[str, str]]:
    """Every (key, label) of a dimension in the loaded data."""
    return _values(context.reader(), numbers.definitions(view), dimension)


def group_label(dimension: str, label: str) -> str:
    """A group as people write it: channels through charts.channel_label, personas without underscores, the group of
    rows without a value named for its dimension."""
    if label == explore.NONE:  # the rows that carry no value: "No channel", "No owner", …
        return f"No {explore.DIMENSIONS[dimension].label.lower()}"
    if dimension == "channel":
        return charts.channel_label(label)
    return label.replace("_", " ").capitalize() if dimension == "persona" else label


def chart(found: explore.Result, role: str, picked: str | None = None) -> go.Figure:
    """The metric by group: bars sorted largest on top (periods in time order, as columns), in the metric's funnel
    colour, each labelled with its value; a click on one shows its records."""
    return bars(pd.DataFrame([g.model_dump() for g in found.groups]), unit=found.unit, title=found.title,
                by=found.by, colour=palette.FUNNEL_COLOURS.get(role, palette.NEUTRAL), picked=picked)


def bars(frame: pd.DataFrame, *, unit: str, title: str, by: str, colour: str, picked: str | None = None
         ) -> go.Figure:
    """`frame` (key, label, value): one bar per group. Time groups stand as columns in time order; other groups lie
    as horizontal bars, the largest on top. Each bar carries its group's key, for selections; the `picked` group is
    drawn selected (the others dimmed), as after a click, so a shared link shows what its sender saw."""
    if frame.empty or frame["value"].isna().all():
        return charts.empty("Nothing to show for this choice: pick another quarter, metric or filter")
    show = fmt.BY_UNIT[unit]
    dimension = explore.DIMENSIONS[by]
    labels = [chart_text(group_label(by, label)) for label in frame["label"]]
    text = [show(v) for v in frame["value"]]
    hover = [f"<b>{label}</b><br>{title}: {t}<br><i>Click to see the records</i>"
             for label, t in zip(labels, text)]
    if dimension.is_time:
        figure = go.Figure(go.Bar(x=labels, y=frame["value"], marker_color=colour, text=text, textposition="outside",
                                  cliponaxis=False, customdata=frame["key"], hovertext=hover, hoverinfo="text"))
        charts._layout(figure, height=380, x_title=dimension.label, y_title=title, legend=False)
        charts._value_axis(figure, unit, range=[0, charts._top(frame["value"].fillna(0), 1.18)])
        figure.update_xaxes(type="category")
    else:
        rows = frame.iloc[::-1]  # the largest (first) on top
        figure = go.Figure(go.Bar(y=labels[::-1], x=rows["value"], orientation="h", marker_color=colour,
                                  text=text[::-1], textposition="outside", cliponaxis=False,
                                  customdata=rows["key"], hovertext=hover[::-1], hoverinfo="text"))
        charts._layout(figure, height=max(200, 30 * len(rows) + 90), x_title=title, y_title=None, legend=False)
        charts._value_axis(figure, unit, axis="x", range=[0, charts._top(rows["value"].fillna(0), 1.2)],
                           gridcolor=charts.GRID, showgrid=True)
        figure.update_yaxes(type="category", showgrid=False, zeroline=False)
    figure.update_layout(clickmode="event+select", dragmode=False)
    order = list(frame["key"]) if dimension.is_time else list(frame["key"])[::-1]
    if picked in order:
        figure.update_traces(selectedpoints=[order.index(picked)])
    return figure


def picked_from_chart(found: explore.Result, state: Any) -> str | None:
    """The group key of the bar clicked, from the chart's selection state (None when nothing is selected)."""
    try:
        points = state["selection"]["points"]
    except (KeyError, TypeError):
        return None
    keys = {g.key for g in found.groups}
    for point in points:
        key = point.get("customdata")
        key = key[0] if isinstance(key, list) else key
        if key in keys:
            return key
    return None
