"""Metric tiles: a catalog metric's actual, its changes coloured by what is good, target, trend and definition."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment import catalog
from alignment.catalog import Comparison, Filters
from alignment.periods import Quarter
from alignment.presentation import formats as fmt
from alignment.presentation import palette
from ui import charts, explore

NO_DATA = "No data"
NOT_MEASURED = "Not measured"


def definition(name: str) -> str:
    """What a metric means, as its catalog header says it: the text one hover away on every tile and chart."""
    metric = catalog.spec(name)
    return f"{metric.definition}\n\nOwner: {metric.owner}. Grain: {metric.grain}."


def _good(difference: float | None, direction: str) -> bool | None:
    if difference is None or difference == 0:
        return None
    return (difference > 0) == (direction == "up")


def _coloured(text: str, good: bool | None) -> str:
    """Markdown colour for a change: green when it goes the good way, red when not, grey when flat."""
    return f":{'gray' if good is None else 'green' if good else 'red'}[{text}]"


def change_text(difference: float | None, unit: str, direction: str) -> str:
    """A change as coloured Markdown (text in the metric's unit; numbers only, never user text)."""
    return _coloured(fmt.change(difference, unit), _good(difference, direction))


def target_text(comparison: Comparison) -> str:
    """Target 90.0% · met / missed, as Comparison.target_met judges it (never judged on what was not measured)."""
    show = fmt.BY_UNIT[comparison.unit]
    if comparison.target is None:
        return ""
    if comparison.to_date is not None:
        return f"Target {show(comparison.target)} · " + _coloured("under way, see Pace", None)
    met = comparison.target_met
    if met is None:
        return f"Target {show(comparison.target)}"
    return f"Target {show(comparison.target)} · " + _coloured("met" if met else "missed", met)


def not_measured_text(comparison: Comparison) -> str:
    """Why the tile shows no number: what the loaded data lacks."""
    return f"Not measured: {comparison.not_measured}."


def has_data(comparison: Comparison) -> bool:
    return comparison.value is not None


def tile(comparison: Comparison, *, paired: Comparison | None = None, quarter_empty: bool = False) -> None:
    """One metric as a bordered tile: actual, change vs last quarter (with the 8-quarter sparkline), change vs the same
    quarter last year, target where one exists, and the sales number it feeds; the definition one hover away."""
    name = comparison.name
    metric = catalog.spec(name)
    show = fmt.BY_UNIT[metric.unit]
    quarter = Quarter.parse(comparison.quarter)
    with st.container(border=True, key=f"tile_{name}", height="stretch", gap="xsmall"):
        # The title as text above the number: it wraps in a narrow column instead of being cut off.
        st.markdown(f":small[{metric.title}]", help=definition(name))
        if comparison.not_measured:
            st.metric(metric.title, NOT_MEASURED, label_visibility="collapsed")
            st.caption(not_measured_text(comparison))
            return
        if quarter_empty or not has_data(comparison):
            st.metric(metric.title, NO_DATA, label_visibility="collapsed")
            st.caption(f"No data for this quarter ({comparison.quarter}).")
            return
        trend = [p.value for p in comparison.trend if p.value is not None]
        # The catalog gives no change for a quarter under way (a part against a whole): no arrow, no colour then.
        changed = comparison.change_vs_last_quarter is not None
        st.metric(
            metric.title, show(comparison.value), label_visibility="collapsed",
            delta=fmt.change(comparison.change_vs_last_quarter, metric.unit) if changed else None,
            delta_color="normal" if metric.direction == "up" else "inverse",
            delta_description=f"vs {quarter.shift(-1)}" if changed else None,
            chart_data=trend if len(trend) > 1 else None, chart_type="area",
        )
        notes = [change_line(comparison)] if comparison.to_date is not None else []
        if comparison.change_vs_last_year is not None:
            notes.append(change_text(comparison.change_vs_last_year, metric.unit, metric.direction)
                         + f" vs {quarter.shift(-4)}")
        if comparison.target is not None:
            notes.append(target_text(comparison))
        feeds = catalog.spec(paired.name) if paired is not None else None
        if feeds is not None:
            notes.append(f"Feeds **{feeds.title}**: {fmt.BY_UNIT[feeds.unit](paired.value)}")
        if notes:
            # One caption, a line per note: the tile stays short enough for the quarter to fit on a screen.
            st.caption("  \n".join(notes), help=changes_help(comparison, paired))


def change_line(comparison: Comparison) -> str:
    """Both changes on one line, each coloured by the metric's direction and named by its quarter; a quarter under
    way gives its days to date and the earlier quarters in full instead (a part against a whole is no change)."""
    parts, quarter = [], Quarter.parse(comparison.quarter)
    if comparison.to_date is not None:
        show = fmt.BY_UNIT[comparison.unit]
        parts.append(f"To {fmt.day(comparison.to_date)}")
        for earlier, value in ((quarter.shift(-1), comparison.last_quarter),
                               (quarter.shift(-4), comparison.same_quarter_last_year)):
            if value is not None:
                parts.append(f"{earlier} in full: {show(value)}")
        return " · ".join(parts)
    if comparison.last_quarter is not None:
        parts.append(change_text(comparison.change_vs_last_quarter, comparison.unit, comparison.direction)
                     + f" vs {quarter.shift(-1)}")
    if comparison.same_quarter_last_year is not None:
        parts.append(change_text(comparison.change_vs_last_year, comparison.unit, comparison.direction)
                     + f" vs {quarter.shift(-4)}")
    return " · ".join(parts)


SPARK_WIDTH, SPARK_HEIGHT = 48, 26
"""The Scorecard's sparklines in pixels: small enough to sit between a tile's title and its value."""


def changes_help(comparison: Comparison, paired: Comparison | None = None) -> str:
    """What a compact tile's second line compares with, and the definition of the sales number it feeds."""
    quarter = Quarter.parse(comparison.quarter)
    better = "higher" if comparison.direction == "up" else "lower"
    text = (f"Change vs last quarter ({quarter.shift(-1)}) and vs same quarter last year ({quarter.shift(-4)}); "
            f"green when it moves the good way for this metric ({better} is better), red when not.\n\n"
            + "; ".join(q.label_with_dates for q in (quarter, quarter.shift(-1), quarter.shift(-4))) + ".")
    if paired is not None:
        feeds = catalog.spec(paired.name)
        text += f"\n\nFeeds {feeds.title}: {feeds.definition}"
    return text


def compact_tile(comparison: Comparison, *, role: str, view: Filters, paired: Comparison | None = None,
                 quarter_empty: bool = False) -> None:
    """One metric in three short lines, for the Scorecard's quarter on one screen: title, 8-quarter sparkline and
    actual; the changes vs last quarter and vs the same quarter last year; the target and the sales number it feeds.
    The definition is on the title's hover, and the title opens the number in Explore."""
    name = comparison.name
    metric = catalog.spec(name)
    empty = quarter_empty or not has_data(comparison) or bool(comparison.not_measured)
    shown = NOT_MEASURED if comparison.not_measured else NO_DATA if empty else fmt.BY_UNIT[metric.unit](comparison.value)
    with st.container(border=True, key=f"scorecard_tile_{name}", gap="xxsmall"):
        with st.container(horizontal=True, vertical_alignment="center", gap="xsmall", wrap=False):
            # The title opens the number in Explore; its definition is on the hover.
            with st.container(key=f"scorecard_explore_{name}", width="stretch"):
                explore.link(name, view, label=metric.title, icon=None,
                             help=f"{definition(name)}\n\nClick to open it in Explore, down to the records.")
            with st.container(horizontal=True, vertical_alignment="center", gap="xsmall", wrap=False,
                              width="content"):
                if not empty:
                    spark = charts.tile_sparkline(
                        [p.quarter for p in comparison.trend], [p.value for p in comparison.trend], unit=metric.unit,
                        colour=palette.FUNNEL_COLOURS[role], width=SPARK_WIDTH, height=SPARK_HEIGHT)
                    st.vega_lite_chart(spark, width=SPARK_WIDTH, height=SPARK_HEIGHT, theme=None,
                                       key=f"scorecard_spark_{name}")
                st.markdown(f"**{shown}**", width="content", text_alignment="right")
        if comparison.not_measured:
            st.caption(not_measured_text(comparison))
            return
        if empty:
            st.caption(f"No data for this quarter ({comparison.quarter}).")
            return
        notes = [change_line(comparison)]
        if comparison.target is not None:
            notes.append(target_text(comparison))
        if paired is not None:
            feeds = catalog.spec(paired.name)
            notes.append(f"Feeds **{feeds.title}**: {fmt.BY_UNIT[feeds.unit](paired.value)}")
        st.caption("  \n".join(note for note in notes if note), help=changes_help(comparison, paired))


def comparison_table(comparisons: list[Comparison]) -> pd.DataFrame:
    """Comparisons as a readable table: one row per metric, each number in its unit's format."""
    rows = []
    for comparison in comparisons:
        metric = catalog.spec(comparison.name)
        show = fmt.BY_UNIT[metric.unit]
        rows.append({
            "Metric": metric.title, "Role": palette.FUNNEL_LABELS[metric.funnel_role], "Owner": metric.owner,
            "Actual": show(comparison.value), "Last quarter": show(comparison.last_quarter),
            "Change vs last quarter": fmt.change(comparison.change_vs_last_quarter, metric.unit),
            "Same quarter last year": show(comparison.same_quarter_last_year),
            "Change vs last year": fmt.change(comparison.change_vs_last_year, metric.unit),
            "Target": show(comparison.target), "Better when": "higher" if metric.direction == "up" else "lower",
            "Not measured because": comparison.not_measured or "",
            "Definition": metric.definition,
        })
    return pd.DataFrame(rows)
