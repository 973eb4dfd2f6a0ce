"""Pure chart builders `(frame, *, …) -> go.Figure` (and a Vega-Lite tile sparkline), shared by pages and exports."""

from __future__ import annotations

import datetime as dt
import math
from typing import Iterable

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from alignment import plan as campaign_plans
from alignment.periods import quarter_dates
from alignment.presentation import formats as fmt
from alignment.presentation import palette
from alignment.presentation.specs import (JOURNEY_LANE_COLOURS, JOURNEY_LANE_LABELS, JOURNEY_LANES, ChartSpec,
                                          JourneySpec, PaceSpec, TimelineSpec, WaterfallSpec)
from ui.text import chart_text

STAGE_SHORT = {"inquiry": "Inq", "mql": "MQL", "sal": "SAL", "sql": "SQL", "opportunity": "Opp", "won": "Won",
               "lost": "Lost"}

FONT = dict(family="sans-serif", size=13, color=palette.INK)
GRID = palette.RULE

_THOUSANDS = sorted({*range(1, 31), *range(5, 101, 5), *range(10, 1000, 10)})
"""Every number of thousands a money tick can show: ticks step by 1, 2 or 5 × a power of ten, a dozen at most, and
plotly writes them in thousands only between $10K and $1M."""

def money_ticks() -> dict:
    """Money ticks as the pages and the exports write money, in the corporate currency's sign: $5,000 · $40K · $1.2M ·
    $1.5B, €40K (plotly's own would read $40k, and d3's SI prefixes $1.5G). Below zero plotly writes $−40K."""
    sign = fmt.symbol()
    return dict(tickprefix=sign, exponentformat="B", separatethousands=True,
                labelalias={f"{sign}{minus}{n}k": f"{sign}{minus}{n}K" for n in _THOUSANDS for minus in ("", "−")})

AXIS_FORMATS: dict[str, dict] = {
    "count": dict(tickformat=",.0f"),
    "percent": dict(tickformat=".0%"),
    "ratio": dict(tickformat=",.1~f", ticksuffix="×"),  # 0.5× · 200× · 1,000×
    "days": dict(tickformat=",.0f"),
    "hours": dict(tickformat=",.0f"),
}
"""Axis tick formats per catalog unit but money (money_ticks), matching the formats."""


def axis_ticks(unit: str) -> dict:
    """A catalog unit's axis tick format, matching the formats (currency compact, in its sign: $72.9M, €72.9M)."""
    return money_ticks() if unit == "currency" else AXIS_FORMATS[unit]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _layout(figure: go.Figure, *, height: int, x_title: str | None = None, y_title: str | None = None,
            legend: bool = True) -> go.Figure:
    figure.update_layout(
        height=height, font=FONT, margin=dict(l=8, r=24, t=36 if legend else 16, b=8),
        plot_bgcolor="white", paper_bgcolor="white", bargap=0.28, showlegend=legend,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, title=None),
        hoverlabel=dict(bgcolor="white", font_size=13), separators=".,",
    )
    figure.update_xaxes(title_text=x_title, automargin=True, showgrid=False, linecolor=palette.AXIS)
    figure.update_yaxes(title_text=y_title, automargin=True, gridcolor=GRID, zeroline=True, zerolinecolor=palette.AXIS)
    return figure


def _value_axis(figure: go.Figure, unit: str, axis: str = "y", **kwargs) -> None:
    update = figure.update_yaxes if axis == "y" else figure.update_xaxes
    update(**axis_ticks(unit), **kwargs)


QUARTER_DAYS = " (%{text})"
"""Where a quarter's days show in a trend's hover: "FY27-Q1 (1 Feb – 30 Apr 2026): $1.2M"."""


def quarter_days(frame: pd.DataFrame) -> list[str]:
    """Each row's quarter days, for the hover (the warehouse's calendar is this run's); a quarter under way says the
    day its value runs to."""
    to_date = _to_date(frame)
    return [quarter_dates(str(q)) + (f", to {fmt.day(to_date[q])}" if q in to_date else "")
            for q in frame["quarter"]]


def _to_date(frame: pd.DataFrame) -> dict[str, dt.date]:
    """The quarter under way in a trend frame and the day its value runs to (trend_frame's to_date column)."""
    if "to_date" not in frame:
        return {}
    return {row.quarter: row.to_date for row in frame.dropna(subset=["to_date"]).itertuples()}


def _quarter_axis(figure: go.Figure, frame: pd.DataFrame) -> None:
    """Quarters as category ticks that read without tilting the head: 2026 over Q3; a quarter under way says so
    under its name ("to 9 Nov"), so its short bar does not read as a quarter that collapsed."""
    quarters = list(dict.fromkeys(frame["quarter"]))
    to_date = _to_date(frame)
    figure.update_xaxes(type="category", title_text="Quarter", tickangle=0, tickmode="array", tickvals=quarters,
                        ticktext=[fmt.quarter_label(q, to_date.get(q)).replace("-", "<br>").replace(" to ", "<br>to ")
                                  for q in quarters])


def _top(values: Iterable, headroom: float = 1.12) -> float:
    """The top of a value axis with room for the labels above the tallest bar."""
    numbers = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce").dropna()
    return float(numbers.max()) * headroom if len(numbers) and numbers.max() > 0 else 1.0


def empty(message: str, *, height: int = 160) -> go.Figure:
    """A blank chart that says why it is blank (a quarter without data), so exports keep their layout."""
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                          font=dict(size=14, color=palette.MUTED))
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return _layout(figure, height=height, legend=False)


# --- the waterfall -------------------------------------------------------------------------------------------------

def stage_label(stage: str) -> str:
    """A stage as people read it: the waterfall's by its name (mql → MQLs), a deal stage as the data writes it."""
    return palette.STAGE_LABELS.get(stage, str(stage))


def waterfall(frame: pd.DataFrame, *, height: int = 380, volume: str = "people", volume_title: str = "People") \
        -> go.Figure:
    """The waterfall: one bar per stage (its `volume`), the catalog's stage-to-stage ratio under each stage's name.

    `frame` is catalog.funnel's (stage_order, stage, people, ratio, ratio_label, velocity_days, value), one split
    value; or the deal-stage funnel's, whose volume is `deals` and whose stage names come from the data.
    """
    if frame.empty:
        return empty("No data for this quarter", height=height)
    rows = frame.sort_values("stage_order")
    labels = []
    for row in rows.itertuples():
        name = f"<b>{chart_text(stage_label(row.stage))}</b>"
        if _missing(row.ratio):
            labels.append(f"{name}<br> ")
        else:
            labels.append(f"{name}<br>{row.ratio_label} {fmt.percent(row.ratio)}")
    hover = [_stage_hover(row, volume, volume_title) for row in rows.itertuples()]
    roles = [palette.STAGE_ROLES.get(s, "sales") for s in rows["stage"]]
    figure = go.Figure(go.Bar(
        x=labels, y=rows[volume], marker_color=[palette.FUNNEL_COLOURS[role] for role in roles],
        text=[fmt.count(v) for v in rows[volume]], textposition="outside", cliponaxis=False,
        hovertext=hover, hoverinfo="text", showlegend=False,
    ))
    _layout(figure, height=height, y_title=volume_title, legend=False)
    _value_axis(figure, "count", rangemode="tozero")
    figure.update_yaxes(range=[0, float(rows[volume].max() or 1) * 1.15])
    _role_legend(figure, dict.fromkeys(roles))
    return figure


def _stage_hover(row, volume: str = "people", volume_title: str = "People") -> str:
    lines = [f"<b>{chart_text(stage_label(row.stage))}</b>", f"{volume_title}: {fmt.count(getattr(row, volume))}"]
    if not _missing(row.ratio):
        lines.append(f"{str(row.ratio_label).capitalize()}: {fmt.percent(row.ratio)}")
    if not _missing(row.velocity_days):
        lines.append(f"Median time from the stage before: {fmt.days(row.velocity_days)}")
    if not _missing(row.value):
        lines.append(f"Value: {fmt.currency(row.value)}")
    return "<br>".join(lines)


def _role_legend(figure: go.Figure, roles: Iterable[str]) -> None:
    """Legend entries for the funnel-role colours (the bars themselves carry no legend)."""
    for role in roles:
        figure.add_trace(go.Bar(x=[None], y=[None], marker_color=palette.FUNNEL_COLOURS[role],
                                name=palette.FUNNEL_LABELS[role], showlegend=True, hoverinfo="skip"))
    figure.update_layout(showlegend=True, margin=dict(t=36))


def waterfall_small_multiples(frame: pd.DataFrame, *, split: str = "split_value", columns: int = 4,
                              title: str | None = None, dimension: str = "", volume: str = "people",
                              volume_title: str = "People") -> go.Figure:
    """One small waterfall per split value (own y-axis each, so small groups stay readable), in the role colours
    (the main waterfall above carries their legend); `dimension` (channel, region, …) names the panels as
    category_label does; `volume` and `volume_title` as in waterfall."""
    if frame.empty:
        return empty("No data for this quarter")
    # Largest group first (by its first stage's volume), so the panels read in order of weight.
    first_stage = frame[frame["stage_order"] == frame["stage_order"].min()]
    groups = list(first_stage.sort_values(volume, ascending=False, kind="stable")[split])
    groups += [g for g in dict.fromkeys(frame[split]) if g not in groups]
    columns = max(1, min(columns, len(groups)))
    rows = math.ceil(len(groups) / columns)
    figure = make_subplots(rows=rows, cols=columns,
                           subplot_titles=[chart_text(category_label(dimension, g)) for g in groups],
                           vertical_spacing=min(0.3 / rows + 0.06, 0.2), horizontal_spacing=0.06)
    for index, group in enumerate(groups):
        part = frame[frame[split] == group].sort_values("stage_order")
        figure.add_trace(go.Bar(
            x=[chart_text(STAGE_SHORT.get(s, s)) for s in part["stage"]], y=part[volume],
            marker_color=[palette.FUNNEL_COLOURS[palette.STAGE_ROLES.get(s, "sales")] for s in part["stage"]],
            hovertext=[_stage_hover(row, volume, volume_title) for row in part.itertuples()], hoverinfo="text",
            showlegend=False,
        ), row=index // columns + 1, col=index % columns + 1)
        figure.update_yaxes(range=[0, _top(part[volume])], row=index // columns + 1, col=index % columns + 1)
    _layout(figure, height=max(260, 230 * rows), legend=False)
    figure.update_yaxes(**axis_ticks("count"), nticks=4)
    figure.update_yaxes(title_text=volume_title, col=1)
    figure.update_xaxes(tickfont=dict(size=11))
    figure.update_annotations(font=dict(size=13))
    figure.update_layout(margin=dict(t=30))
    if title:
        figure.update_layout(title=dict(text=chart_text(title), x=0, font=dict(size=14)))
    return figure


# --- quarters ------------------------------------------------------------------------------------------------------

def trend_frame(comparisons: Iterable, *, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Catalog comparisons as one long frame (quarter, series, value, to_date) of their 8-quarter trends (for trend
    charts); to_date is the day a quarter under way runs to, empty for a quarter in full."""
    rows = []
    for comparison in comparisons:
        series = (labels or {}).get(comparison.name, comparison.title)
        rows.extend({"quarter": p.quarter, "series": series, "value": p.value, "to_date": day}
                    for p, day in zip(comparison.trend, fmt.trend_days(comparison)))
    return pd.DataFrame(rows, columns=["quarter", "series", "value", "to_date"])


def trend_bars(frame: pd.DataFrame, *, unit: str, colours: dict[str, str], y_title: str,
               line: pd.DataFrame | None = None, line_unit: str | None = None, line_title: str | None = None,
               line_colour: str = palette.NAVY, height: int = 360) -> go.Figure:
    """Grouped bars by quarter (one colour per series), optionally a line on a second axis (e.g. a share)."""
    figure = make_subplots(specs=[[{"secondary_y": line is not None}]])
    for series, part in frame.groupby("series", sort=False):
        figure.add_trace(go.Bar(
            x=part["quarter"], y=part["value"], name=chart_text(series),
            marker_color=colours.get(series, palette.NEUTRAL),
            hovertemplate="%{x}" + QUARTER_DAYS + ": %{customdata}<extra>" + chart_text(series) + "</extra>",
            customdata=[fmt.BY_UNIT[unit](v) for v in part["value"]], text=quarter_days(part),
            textposition="none",
        ), secondary_y=False)
    if line is not None:
        for series, part in line.groupby("series", sort=False):
            figure.add_trace(go.Scatter(
                x=part["quarter"], y=part["value"], name=chart_text(series), mode="lines+markers",
                line=dict(color=line_colour, width=2.5), marker=dict(size=7),
                customdata=[fmt.BY_UNIT[line_unit](v) for v in part["value"]], text=quarter_days(part),
                hovertemplate="%{x}" + QUARTER_DAYS + ": %{customdata}<extra>" + chart_text(series) + "</extra>",
            ), secondary_y=True)
    _layout(figure, height=height, y_title=y_title)
    _quarter_axis(figure, frame)
    figure.update_yaxes(**axis_ticks(unit), range=[0, _top(frame["value"])], secondary_y=False)
    if line is not None:
        top = 1.0 if line_unit == "percent" else _top(line["value"], 1.25)
        figure.update_yaxes(**axis_ticks(line_unit), title_text=line_title, range=[0, top], tickmode="auto",
                            nticks=6, showgrid=False, zeroline=False, secondary_y=True)
    return figure


def trend_lines(frame: pd.DataFrame, *, unit: str, colours: dict[str, str], y_title: str,
                target: float | None = None, target_label: str | None = None, height: int = 320) -> go.Figure:
    """One line per series by quarter, with an optional dashed target line."""
    figure = go.Figure()
    for series, part in frame.groupby("series", sort=False):
        figure.add_trace(go.Scatter(
            x=part["quarter"], y=part["value"], name=chart_text(series), mode="lines+markers",
            line=dict(color=colours.get(series, palette.NEUTRAL), width=2.5), marker=dict(size=7),
            customdata=[fmt.BY_UNIT[unit](v) for v in part["value"]], text=quarter_days(part),
            hovertemplate="%{x}" + QUARTER_DAYS + ": %{customdata}<extra>" + chart_text(series) + "</extra>",
        ))
    _layout(figure, height=height, y_title=y_title)
    _quarter_axis(figure, frame)
    _value_axis(figure, unit, range=[0, _top(frame["value"], 1.15)])
    if target is not None:
        figure.add_hline(y=target, line=dict(color=palette.MUTED, dash="dash", width=1.5),
                         annotation_text=target_label or f"target {fmt.BY_UNIT[unit](target)}",
                         annotation_position="top left", annotation_font=dict(size=12, color=palette.MUTED))
    return figure


def sparkline(values: Iterable[float | None], *, colour: str = palette.SALES, height: int = 60,
              width: int = 200) -> go.Figure:
    """A bare 8-quarter line for a tile in an export (the screen uses the metric's own sparkline)."""
    points = [None if _missing(v) else v for v in values]
    figure = go.Figure(go.Scatter(y=points, mode="lines", line=dict(color=colour, width=2), hoverinfo="skip",
                                  connectgaps=False))
    figure.update_layout(height=height, width=width, margin=dict(l=0, r=0, t=0, b=0), showlegend=False,
                         plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)")
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure


def tile_sparkline(quarters: Iterable[str], values: Iterable[float | None], *, unit: str,
                   colour: str = palette.SALES, width: int = 72, height: int = 30) -> dict:
    """A bare 8-quarter line, no axes, the latest quarter dotted, each point's quarter and value on hover: a
    Vega-Lite spec for a Scorecard tile (st.vega_lite_chart), because a plotly chart on screen is never drawn narrower
    than 150 pixels and a tile has room for half that."""
    show = fmt.BY_UNIT[unit]
    points = [{"quarter": str(q), "value": None if _missing(v) else float(v), "label": f"{q}: {show(v)}"}
              for q, v in zip(quarters, values)]
    known = [p["value"] for p in points if p["value"] is not None]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    encoding = {
        "x": {"field": "quarter", "type": "ordinal", "axis": None, "sort": None},
        "y": {"field": "value", "type": "quantitative", "axis": None, "scale": {"domain": [low, high]}},
        "tooltip": {"field": "label", "type": "nominal"},
    }
    latest = max((p["quarter"] for p in points if p["value"] is not None), default=None)
    return {
        "data": {"values": points}, "width": width, "height": height, "autosize": {"type": "fit"},
        "config": {"view": {"stroke": None}},
        "layer": [
            {"mark": {"type": "line", "color": colour, "strokeWidth": 2}, "encoding": encoding},
            {"mark": {"type": "circle", "color": colour, "size": 28},
             "encoding": {**encoding, "opacity": {"condition": {"test": f"datum.quarter == '{latest}'", "value": 1},
                                                  "value": 0}}},
        ],
    }


# --- categories ----------------------------------------------------------------------------------------------------

NO_VALUE = {"channel": "No campaign touch", "region": "No region", "segment": "No segment",
            "owner_region": "No region", "source_category": "No source", "lead_source": "No lead source"}
"""What "(none)" (a missing value the catalog groups under one name) means in each dimension."""


def category_label(dimension: str, value) -> str:
    """A category as people read it: a channel through channel_label (paid_search → Paid search), "(none)" named
    for its dimension, other codes with spaces for underscores."""
    text = str(value)
    if text == "(none)":
        return NO_VALUE.get(dimension, text)
    if dimension == "channel":
        return channel_label(text)
    return text.replace("_", " ")


def _label_text(frame: pd.DataFrame, label: str | list[str]) -> list[str]:
    columns = [label] if isinstance(label, str) else label
    return [" · ".join(category_label(column, v) for column, v in zip(columns, values))
            for values in frame[columns].itertuples(index=False)]


def ranked_bars(frame: pd.DataFrame, *, label: str | list[str], value: str, unit: str, x_title: str,
                colour: str = palette.SALES, limit: int | None = None, keep_largest: str | None = None,
                hover: dict[str, tuple[str, str]] | None = None, reference: float | None = None,
                reference_label: str | None = None, highlight_over: float | None = None) -> go.Figure:
    """Horizontal bars sorted largest on top, each labelled with its value.

    `limit` keeps the rows with the largest `keep_largest` (default `value`) first, so "top 15 by MQLs" stays honest;
    `hover` adds columns to the hover: {column: (label, unit)}; `reference` draws a vertical line (a target, the SLA);
    bars beyond `highlight_over` are drawn in the miss colour.
    """
    if frame.empty:
        return empty("No data for this quarter")
    rows = frame
    if limit is not None and len(rows) > limit:
        rows = rows.sort_values(keep_largest or value, ascending=False, kind="stable").head(limit)
    rows = rows.sort_values(value, ascending=True, kind="stable", na_position="first")
    names = [chart_text(name) for name in _label_text(rows, label)]
    show = fmt.BY_UNIT[unit]
    hover_lines = []
    for _, row in rows.iterrows():
        parts = [f"{x_title}: {show(row[value])}"]
        for column, (caption, column_unit) in (hover or {}).items():
            parts.append(f"{caption}: {fmt.BY_UNIT[column_unit](row[column])}")
        hover_lines.append("<br>".join(parts))
    colours = [palette.MISS if highlight_over is not None and not _missing(v) and v > highlight_over else colour
               for v in rows[value]]
    figure = go.Figure(go.Bar(
        x=rows[value], y=names, orientation="h", marker_color=colours, text=[show(v) for v in rows[value]],
        textposition="outside", cliponaxis=False, hovertext=[f"<b>{n}</b><br>{h}" for n, h in zip(names, hover_lines)],
        hoverinfo="text", showlegend=False,
    ))
    height = max(180, (30 if len(rows) <= 20 else 24) * len(rows) + 90)
    _layout(figure, height=height, x_title=x_title, legend=False)
    top = float(pd.to_numeric(rows[value], errors="coerce").max() or 0)
    if reference is not None:
        top = max(top, reference)
    _value_axis(figure, unit, axis="x", range=[0, (top or 1) * 1.18], gridcolor=GRID, showgrid=True)
    figure.update_yaxes(showgrid=False, zeroline=False, type="category")
    if reference is not None:
        figure.add_vline(x=reference, line=dict(color=palette.MUTED, dash="dash", width=1.5),
                         annotation_text=reference_label or fmt.BY_UNIT[unit](reference),
                         annotation_position="top", annotation_font=dict(size=12, color=palette.MUTED))
        figure.update_layout(margin=dict(t=40))
    return figure


def stacked_bars(frame: pd.DataFrame, *, category: str, measures: dict[str, str], unit: str,
                 colours: dict[str, str], x_title: str, height: int = 260) -> go.Figure:
    """One horizontal bar per measure (e.g. pipeline, bookings), stacked by category (e.g. source category)."""
    if frame.empty:
        return empty("No data for this quarter", height=height)
    show = fmt.BY_UNIT[unit]
    figure = go.Figure()
    names = list(measures.values())[::-1]  # the first measure on top
    widest = max(float(frame[column].sum()) for column in measures) or 1.0
    for row in frame.itertuples(index=False):
        name = getattr(row, category)
        values = [getattr(row, column) for column in list(measures)[::-1]]
        figure.add_trace(go.Bar(
            y=names, x=values, orientation="h", name=chart_text(str(name).capitalize()),
            marker_color=colours.get(name, palette.NEUTRAL),
            text=[show(v) if not _missing(v) and v >= 0.07 * widest else "" for v in values],
            customdata=[show(v) for v in values], textposition="inside", insidetextanchor="middle", textangle=0,
            textfont=dict(color=palette.ink(colours.get(name, palette.NEUTRAL))),
            hovertemplate="%{y} · " + chart_text(name) + ": %{customdata}<extra></extra>",
        ))
    figure.update_layout(barmode="stack", legend_traceorder="normal")
    _layout(figure, height=height, x_title=x_title)
    _value_axis(figure, unit, axis="x", gridcolor=GRID, showgrid=True)
    figure.update_yaxes(showgrid=False, zeroline=False)
    return figure


WITHIN = ["#B86A12", palette.SALES, "#E8B26A", "#F2D3A6"]
BEYOND = [palette.NEUTRAL, palette.AXIS, "#D5DBE3"]


def band_colours(frame: pd.DataFrame, *, band: str = "band", order: str = "band_order", good: str = "within_sla",
                 never: str = "never") -> dict[str, str]:
    """Ordered bands → colours: bands meeting the goal in sales amber (darker is faster), the others grey, and the
    band `never` in the miss colour."""
    colours, within, beyond = {}, iter(WITHIN), iter(BEYOND)
    for row in frame.sort_values(order).drop_duplicates(band).itertuples(index=False):
        name = getattr(row, band)
        if name == never:
            colours[name] = palette.MISS
        elif (getattr(row, good) or 0) > 0:
            colours[name] = next(within, WITHIN[-1])
        else:
            colours[name] = next(beyond, BEYOND[-1])
    return colours


def band_bars(frame: pd.DataFrame, *, band: str = "band", order: str = "band_order", value: str = "people",
              share: str = "share", good: str = "within_sla", never: str = "never", height: int = 320) -> go.Figure:
    """A distribution over ordered bands (e.g. hours to first follow-up), coloured as band_colours says, each bar
    labelled with its share."""
    if frame.empty:
        return empty("No data for this quarter", height=height)
    rows = frame.sort_values(order)
    palette = band_colours(rows, band=band, order=order, good=good, never=never)
    colours = [palette[b] for b in rows[band]]
    figure = go.Figure(go.Bar(
        x=[chart_text(b) for b in rows[band]], y=rows[value], marker_color=colours,
        text=[fmt.percent(s) for s in rows[share]], textposition="outside", cliponaxis=False,
        customdata=list(zip([fmt.count(v) for v in rows[value]], [fmt.percent(s) for s in rows[share]])),
        hovertemplate="%{x}: %{customdata[0]} MQLs (%{customdata[1]})<extra></extra>", showlegend=False,
    ))
    _layout(figure, height=height, x_title="Time from MQL to first follow-up", y_title="MQLs", legend=False)
    _value_axis(figure, "count", range=[0, float(rows[value].max() or 1) * 1.18])
    figure.update_xaxes(type="category")
    return figure


def share_stacks(frame: pd.DataFrame, *, row: str, segment: str, order: str, share: str, value: str,
                 colours: dict[str, str], x_title: str, height: int | None = None) -> go.Figure:
    """100% stacked horizontal bars: one bar per `row` (e.g. region), segments in `order` (e.g. follow-up bands)."""
    if frame.empty:
        return empty("No data for this quarter")
    segments = frame.sort_values(order)[segment].drop_duplicates().tolist()
    rows = list(dict.fromkeys(frame[row]))[::-1]
    figure = go.Figure()
    for name in segments:
        part = frame[frame[segment] == name].set_index(row).reindex(rows)
        figure.add_trace(go.Bar(
            y=[chart_text(r) for r in rows], x=part[share], orientation="h", name=chart_text(name),
            marker_color=colours.get(name, palette.NEUTRAL),
            text=[fmt.percent(v) if not _missing(v) and v >= 0.08 else "" for v in part[share]],
            textposition="inside", insidetextanchor="middle", textangle=0,
            textfont=dict(color=palette.ink(colours.get(name, palette.NEUTRAL)), size=12),
            customdata=list(zip([fmt.percent(v) for v in part[share]], [fmt.count(v) for v in part[value]])),
            hovertemplate="%{y} · " + chart_text(name) + ": %{customdata[0]} (%{customdata[1]} MQLs)<extra></extra>",
        ))
    figure.update_layout(barmode="stack", legend_traceorder="normal")
    _layout(figure, height=height or max(200, 44 * len(rows) + 110), x_title=x_title)
    _value_axis(figure, "percent", axis="x", range=[0, 1], gridcolor=GRID, showgrid=True)
    figure.update_yaxes(showgrid=False, zeroline=False, type="category")
    return figure


def outcome_bars(frame: pd.DataFrame, *, label: str, value: str, colours: list[str], x_title: str,
                 height: int = 200) -> go.Figure:
    """A few labelled outcomes as horizontal bars in the given order (e.g. accepted, rejected, disqualified)."""
    if frame.empty:
        return empty("No data for this quarter", height=height)
    rows = frame.iloc[::-1]
    figure = go.Figure(go.Bar(
        x=rows[value], y=[chart_text(v) for v in rows[label]], orientation="h",
        marker_color=colours[::-1][: len(rows)],
        text=[fmt.count(v) for v in rows[value]], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>", showlegend=False,
    ))
    _layout(figure, height=height, x_title=x_title, legend=False)
    _value_axis(figure, "count", axis="x", range=[0, float(rows[value].max() or 1) * 1.15], gridcolor=GRID,
                showgrid=True)
    figure.update_yaxes(showgrid=False, zeroline=False)
    return figure


# --- the board pack's chart descriptions ---------------------------------------------------------------------------

def figure(spec: ChartSpec | TimelineSpec | PaceSpec | WaterfallSpec, *, height: int | None = None) -> go.Figure:
    """A board-pack chart description drawn on screen: the same categories, series, colours and titles as the PPTX,
    PDF and XLSX renderers draw, values formatted in the spec's unit."""
    if isinstance(spec, TimelineSpec):
        return _timeline(spec, height=height)
    if isinstance(spec, PaceSpec):
        return pace_line(spec, height=height or 320)
    if isinstance(spec, WaterfallSpec):
        figure = walk_waterfall(spec, height=height or 380)
        figure.update_layout(title=dict(text=chart_text(spec.title), x=0, font=dict(size=14)), margin=dict(t=60))
        return figure
    if spec.is_empty:
        return empty("No data for this quarter", height=height or 200)
    show = fmt.BY_UNIT[spec.unit]
    horizontal = spec.kind in ("bar", "stacked_bar")
    categories = [chart_text(c) for c in spec.categories]
    figure = go.Figure()
    for series in spec.series:
        text = [show(v) for v in series.values]
        name = chart_text(series.name)
        hover = [f"<b>{c}</b><br>{name}: {t}" for c, t in zip(categories, text)]
        if spec.kind == "line":
            figure.add_trace(go.Scatter(x=categories, y=series.values, name=name, mode="lines+markers",
                                        line=dict(color=series.colour, width=2.5), marker=dict(size=7),
                                        hovertext=hover, hoverinfo="text"))
            continue
        colours = series.point_colours or series.colour
        labelled = len(spec.series) == 1 and len(spec.categories) <= 12
        figure.add_trace(go.Bar(
            x=series.values if horizontal else categories, y=categories if horizontal else series.values,
            orientation="h" if horizontal else "v", name=name, marker_color=colours,
            text=text if labelled else None, textposition="outside" if labelled else None, cliponaxis=False,
            hovertext=hover, hoverinfo="text"))
    rows = len(spec.categories)
    _layout(figure, height=height or (max(220, 30 * rows + 110) if horizontal else 360),
            legend=len(spec.series) > 1)
    figure.update_layout(title=dict(text=chart_text(spec.title), x=0, font=dict(size=14)), margin=dict(t=60),
                         barmode="stack" if spec.kind == "stacked_bar" else "group")
    top = spec.largest * (1.18 if len(spec.series) == 1 else 1.08) or 1.0
    if spec.unit == "percent" and spec.largest <= 1:
        top = 1.0 if spec.kind != "bar" else max(top, 0.1)
    _value_axis(figure, spec.unit, axis="x" if horizontal else "y", range=[0, top],
                title_text=chart_text(spec.value_title) if spec.value_title else None)
    if horizontal:
        figure.update_yaxes(type="category", autorange="reversed", showgrid=False, zeroline=False)
        figure.update_xaxes(showgrid=True, gridcolor=GRID)
    else:
        figure.update_xaxes(type="category")
    return figure


def pace_line(spec: PaceSpec, *, height: int = 320) -> go.Figure:
    """A paced number by week: the tolerance band, the expected curve × target (dashed) and the cumulative actual to
    the as-of day, values in the spec's unit."""
    show = fmt.BY_UNIT[spec.unit]
    labels = [chart_text(w) for w in spec.weeks]
    days = [fmt.day(d) for d in spec.days]
    x = [(day - spec.days[0]).days for day in spec.days]  # days into the quarter: weeks evenly, the as-of day between
    figure = go.Figure()
    if spec.has_curve:
        figure.add_trace(go.Scatter(x=x, y=spec.high, mode="lines", line=dict(width=0), hoverinfo="skip",
                                    showlegend=False))
        figure.add_trace(go.Scatter(x=x, y=spec.low, mode="lines", line=dict(width=0), fill="tonexty",
                                    fillcolor="rgba(141,153,174,0.22)", name="On-track band", hoverinfo="skip"))
        figure.add_trace(go.Scatter(
            x=x, y=spec.expected, mode="lines", name="Expected", line=dict(color=palette.NEUTRAL, dash="dash"),
            hovertext=[f"<b>{w}</b> (to {d})<br>Expected: {show(v)}" for w, d, v in zip(labels, days, spec.expected)],
            hoverinfo="text"))
    figure.add_trace(go.Scatter(
        x=x, y=spec.actual, mode="lines+markers", name="Actual", line=dict(color=palette.NAVY, width=2.5),
        marker=dict(size=6), connectgaps=False,
        hovertext=[f"<b>{w}</b> (to {d})<br>Actual: {show(v)}" for w, d, v in zip(labels, days, spec.actual)],
        hoverinfo="text"))
    ticks = [index for index in range(len(x)) if index != spec.as_of_index]
    _layout(figure, height=height)
    figure.update_layout(title=dict(text=chart_text(f"{spec.title} · {spec.as_of_label}"), x=0, font=dict(size=14)),
                         margin=dict(t=70))
    figure.update_xaxes(tickvals=[x[i] for i in ticks], ticktext=[labels[i] for i in ticks], showgrid=False)
    _value_axis(figure, spec.unit)
    return figure


def walk_waterfall(spec: WaterfallSpec, *, height: int = 380) -> go.Figure:
    """A waterfall spec drawn on screen: totals in navy from zero, steps up in green and down in red from the running
    total, each labelled with its value and its hover with the spec's detail (how many deals)."""
    show = fmt.BY_UNIT[spec.unit]
    labels = [chart_text(step.label) for step in spec.steps]
    figure = go.Figure(go.Waterfall(
        x=labels, y=[step.value for step in spec.steps],
        measure=["absolute" if step.total else "relative" for step in spec.steps],
        text=[show(step.value) for step in spec.steps], textposition="outside", cliponaxis=False,
        hovertext=[f"<b>{label}</b><br>{show(step.value)}<br>{chart_text(step.detail)}"
                   for label, step in zip(labels, spec.steps)], hoverinfo="text",
        totals=dict(marker=dict(color=palette.WALK_BARS["total"])),
        increasing=dict(marker=dict(color=palette.WALK_BARS["up"])),
        decreasing=dict(marker=dict(color=palette.WALK_BARS["down"])), connector=dict(line=dict(color=palette.AXIS))))
    _layout(figure, height=height, legend=False)
    _value_axis(figure, spec.unit)
    figure.update_xaxes(type="category")
    return figure


# --- the alignment quadrant ----------------------------------------------------------------------------------------



def _wrapped(text: str, width: int = 70) -> str:
    """A long explanation as hover lines (plotly does not wrap hover text)."""
    import textwrap

    return "<br>".join(chart_text(line) for line in textwrap.wrap(str(text), width))


def _log_ticks(low: float, high: float) -> list[float]:
    """1-2-5 steps between low and high, for a log axis labelled in full (plotly's own log ticks drop the prefix)."""
    ticks, power = [], math.floor(math.log10(low))
    while 10 ** power <= high:
        ticks += [step * 10 ** power for step in (1, 2, 5) if low <= step * 10 ** power <= high]
        power += 1
    return ticks


def quadrant_scatter(frame: pd.DataFrame, *, label: str, x: str = "traceability", y: str = "pipeline_per_cost",
                     quadrant: str = "quadrant", explanation: str = "explanation", size: str | None = "cost",
                     x_threshold: float, y_threshold: float | None, height: int = 540,
                     labelled: Iterable[str] = ("Spin doctor", "Silent operative", "Mis-aligned")) -> go.Figure:
    """The 2×2 of DESIGN §4.7: demonstrates value (traceability, x, as a share) against delivers value (pipeline per
    $1, y, log scale), the thresholds as dashed lines, the four quadrants named in their corners, each point coloured by
    where it is placed (lead quality can keep a point above the line from delivering), sized by cost, named when it is
    in one of the `labelled` quadrants, and its explanation on hover.

    Rows without a y value (no cost in the quarter) cannot be drawn; the caller lists them.
    """
    rows = frame[pd.to_numeric(frame[y], errors="coerce") > 0]
    if rows.empty:
        return empty("No campaign with cost and pipeline in this quarter", height=height)
    values = pd.to_numeric(rows[y])
    low = min(float(values.min()), y_threshold or float(values.min())) / 2
    high = max(float(values.max()), y_threshold or float(values.max())) * 2
    largest = max(float(pd.to_numeric(rows[size]).max()), 1.0) if size else 1.0
    figure = go.Figure()
    for name, colour in palette.QUADRANT_COLOURS.items():
        part = rows[rows[quadrant] == name].sort_values(y)
        if part.empty:
            continue
        # a name is printed only where it clears the one below it (on the log axis); the rest are named on hover
        printed, last = [], -math.inf
        for value in pd.to_numeric(part[y]):
            printed.append(math.log10(value) - last >= 0.15)
            last = math.log10(value) if printed[-1] else last
        names = _label_text(part, label)
        sizes = 12 if size is None else list(10 + 26 * (pd.to_numeric(part[size]) / largest) ** 0.5)
        figure.add_trace(go.Scatter(
            x=part[x], y=part[y], mode="markers+text" if name in labelled else "markers", name=f"{name} ({len(part)})",
            marker=dict(color=colour, size=sizes, line=dict(color="white", width=1), opacity=0.9),
            text=[chart_text(n if len(n) <= 34 else n[:33] + "…") if shown else ""
                  for n, shown in zip(names, printed)] if name in labelled else None,
            textposition="middle left", textfont=dict(size=11, color=colour),
            hovertext=[f"<b>{chart_text(n)}</b><br>{_wrapped(e)}" for n, e in zip(names, part[explanation])],
            hoverinfo="text"))
    _layout(figure, height=height, x_title="Demonstrates value → traceability",
            y_title=f"Delivers value → attributed pipeline per {fmt.symbol()}1 of cost")
    figure.update_xaxes(range=[-0.03, 1.05], tickformat=".0%", showgrid=True, gridcolor=GRID, zeroline=False)
    ticks = _log_ticks(low, high)
    figure.update_yaxes(type="log", range=[math.log10(low), math.log10(high)], tickvals=ticks,
                        ticktext=[fmt.currency(t) if t >= 1 else f"{fmt.symbol()}{t:.1f}" for t in ticks], zeroline=False)
    figure.add_vline(x=x_threshold, line=dict(color=palette.MUTED, dash="dash", width=1.5),
                     annotation_text=f"traceability {fmt.percent(x_threshold)}", annotation_position="bottom right",
                     annotation_font=dict(size=12, color=palette.MUTED))
    if y_threshold:
        figure.add_hline(y=y_threshold, line=dict(color=palette.MUTED, dash="dash", width=1.5))
        # an annotation on a log axis is placed by the logarithm of its value
        figure.add_annotation(text=f"bar: {fmt.currency(y_threshold)} per {fmt.symbol()}1", x=0, xref="paper",
                              y=math.log10(y_threshold), yref="y", xanchor="left", yanchor="top", showarrow=False,
                              font=dict(size=12, color=palette.MUTED))
    corners = {"Aligned": (1.0, 1.0, "right", "top"), "Spin doctor": (1.0, 0.0, "right", "bottom"),
               "Silent operative": (0.0, 1.0, "left", "top"), "Mis-aligned": (0.0, 0.0, "left", "bottom")}
    for name, (corner_x, corner_y, x_anchor, y_anchor) in corners.items():
        figure.add_annotation(text=f"<b>{name}</b>", x=corner_x, y=corner_y, xref="paper", yref="paper",
                              xanchor=x_anchor, yanchor=y_anchor, showarrow=False,
                              font=dict(size=13, color=palette.QUADRANT_COLOURS[name]), opacity=0.85)
    return figure


# --- awareness: the plan and the estimate ---------------------------------------------------------------------------

NO_SPONSOR = palette.MISS
"""The outline of a campaign without a sales sponsor on the plan's timeline."""

CHANNEL_ABBREVIATIONS = {"tv": "TV", "pr": "PR", "abm": "ABM"}


def channel_label(channel: str) -> str:
    """A channel as people write it: tv → TV, social_organic → Social organic."""
    text = str(channel).strip()
    return CHANNEL_ABBREVIATIONS.get(text.lower(), text.replace("_", " ").capitalize())


def _short(text: str, width: int = 48) -> str:
    """A long name cut in the middle, so that both its start and its distinguishing end stay readable."""
    text = str(text)
    if len(text) <= width:
        return text
    tail = width // 3
    return text[: width - tail - 1].rstrip() + "…" + text[-tail:].lstrip()


def plan_gantt(plan: pd.DataFrame, *, period: tuple | None = None, height: int | None = None,
               title: str | None = None) -> go.Figure:
    """The campaign plan as a timeline: the description the board pack draws (alignment.plan.timeline), on screen.
    With `period` (first day, day after the last) the axis shows just those days; without, the campaigns' own span.

    `plan` is alignment.plan.campaign_plan's frame (campaign_name, channel, funnel_role, start_date, end_date,
    sales_sponsor_name, has_sales_sponsor, budgeted_cost, actual_cost, status, …), in the order to show top down.
    """
    if plan.empty:
        return empty("No campaign runs in these quarters", height=height or 160)
    if period is None:
        period = (min(plan["start_date"]), pd.Timestamp(max(plan["end_date"])) + pd.Timedelta(days=1))
    first, after = (pd.Timestamp(day).date() for day in period)
    spec = campaign_plans.timeline(plan, (first, after), title=title or "Campaign plan")
    return _timeline(spec, height=height, titled=title is not None)


def _unique(labels: list[str]) -> list[str]:
    """Labels made distinct for a category axis (which would merge two campaigns of one name) by invisible marks."""
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, -1) + 1
        unique.append(label + "\u200b" * seen[label])
    return unique


def _timeline(spec: TimelineSpec, *, height: int | None = None, titled: bool = True) -> go.Figure:
    """A timeline description on screen: one bar per row from its first to its last day, coloured by funnel role,
    outlined in red (and marked ⚠) when it names no sales sponsor, a dotted line at each quarter's start inside the
    period, which the axis shows (longer campaigns run off its edges)."""
    if spec.is_empty:
        return empty("No campaign runs in these quarters", height=height or 160)
    labels = _unique([chart_text(_short(label)) for label in spec.labels])
    start = pd.to_datetime([row.start for row in spec.rows])
    finish = pd.to_datetime([row.end for row in spec.rows]) + pd.Timedelta(days=1)  # the bar covers the last day
    hover = []
    for row in spec.rows:
        sponsor = chart_text(row.sales_sponsor or "named") if row.has_sales_sponsor else \
            "<b>none — every initiative should have one</b>"
        hover.append("<br>".join([
            f"<b>{chart_text(row.label)}</b>",
            chart_text(f"{channel_label(row.channel)} · {palette.FUNNEL_LABELS.get(row.role, row.role)}"
                       f" · {row.status or fmt.MISSING}"), f"{fmt.day(row.start)} – {fmt.day(row.end)}",
            f"Sales sponsor: {sponsor}",
            f"Budget {fmt.currency(row.budget)} · actual {fmt.currency(row.actual_cost)}"]))
    figure = go.Figure()
    for role in spec.roles:
        part = [i for i, row in enumerate(spec.rows) if row.role == role]
        figure.add_trace(go.Bar(
            y=[labels[i] for i in part], base=[start[i] for i in part],
            x=[(finish[i] - start[i]).total_seconds() * 1000 for i in part], orientation="h",
            name=palette.FUNNEL_LABELS.get(role, str(role)),
            marker=dict(color=palette.FUNNEL_COLOURS.get(role, palette.NEUTRAL),
                        line=dict(color=[NO_SPONSOR if not spec.rows[i].has_sales_sponsor else "white" for i in part],
                                  width=[2.5 if not spec.rows[i].has_sales_sponsor else 0.5 for i in part])),
            hovertext=[hover[i] for i in part], hoverinfo="text"))
    if spec.without_sponsor:
        figure.add_trace(go.Bar(x=[None], y=[None], name="⚠ No sales sponsor", hoverinfo="skip",
                                marker=dict(color="white", line=dict(color=NO_SPONSOR, width=2.5))))
    _layout(figure, height=height or max(220, 24 * len(spec.rows) + 110))
    figure.update_layout(barmode="overlay", bargap=0.25)
    first, end = pd.Timestamp(spec.period_start), pd.Timestamp(spec.period_end)
    figure.update_xaxes(type="date", showgrid=True, gridcolor=GRID, title_text=None, range=[first, end])
    for day in spec.quarter_starts:
        figure.add_vline(x=pd.Timestamp(day), line=dict(color=palette.MUTED, dash="dot", width=1))
    figure.update_yaxes(type="category", categoryorder="array", categoryarray=labels[::-1], showgrid=False,
                        zeroline=False, tickfont=dict(size=12))
    if titled:  # the title on its own line, the legend under it
        figure.update_layout(title=dict(text=chart_text(spec.title), x=0, y=1, yref="container", yanchor="top",
                                        pad=dict(t=10), font=dict(size=14)), margin=dict(t=78))
    return figure


def awareness_weekly(weekly: pd.DataFrame, *, unit: str, y_title: str, height: int = 340) -> go.Figure:
    """Week by week: what was recorded (grey line) and the part the estimate gives to awareness (shaded, with its
    interval as a lighter band). `weekly` is the estimate's frame (week_start, actual, awareness, awareness_low,
    awareness_high)."""
    if weekly.empty:
        return empty("No weeks to show", height=height)
    show = fmt.BY_UNIT[unit]
    weeks = pd.to_datetime(weekly["week_start"])
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=weeks, y=weekly["awareness_high"], mode="lines", line=dict(width=0),
                                hoverinfo="skip", showlegend=False))
    figure.add_trace(go.Scatter(x=weeks, y=weekly["awareness_low"], mode="lines", line=dict(width=0),
                                fill="tonexty", fillcolor="rgba(126,107,196,0.18)", name="Interval",
                                hoverinfo="skip"))
    figure.add_trace(go.Scatter(
        x=weeks, y=weekly["awareness"], mode="lines", line=dict(color=palette.AWARENESS, width=2.5),
        name="Estimated part from awareness", customdata=[show(v) for v in weekly["awareness"]],
        hovertemplate="Week of %{x|%-d %b %Y}: %{customdata}<extra>from awareness (estimate)</extra>"))
    figure.add_trace(go.Scatter(
        x=weeks, y=weekly["actual"], mode="lines", line=dict(color=palette.NEUTRAL, width=1.5),
        name="Recorded", customdata=[show(v) for v in weekly["actual"]],
        hovertemplate="Week of %{x|%-d %b %Y}: %{customdata}<extra>recorded</extra>"))
    _layout(figure, height=height, y_title=y_title)
    _value_axis(figure, unit, rangemode="tozero")
    figure.update_xaxes(type="date")
    return figure


def response_curves(curves: pd.DataFrame, *, unit: str, y_title: str, columns: int = 3) -> go.Figure:
    """One small panel per awareness channel: the estimated weekly response to a lasting weekly spend (line, with its
    interval as a band) and the channel's spend in the quarter (dot). `curves` is the estimate's frame (channel,
    spend, response, response_low, response_high, current_spend, current_response)."""
    if curves.empty:
        return empty("No channel to show")
    show = fmt.BY_UNIT[unit]
    channels = list(dict.fromkeys(curves["channel"]))
    columns = max(1, min(columns, len(channels)))
    rows = math.ceil(len(channels) / columns)
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=[chart_text(channel_label(c)) for c in channels],
                           horizontal_spacing=0.08, vertical_spacing=min(0.35 / rows + 0.05, 0.25))
    for index, channel in enumerate(channels):
        part = curves[curves["channel"] == channel]
        where = dict(row=index // columns + 1, col=index % columns + 1)
        figure.add_trace(go.Scatter(x=part["spend"], y=part["response_high"], mode="lines", line=dict(width=0),
                                    hoverinfo="skip", showlegend=False), **where)
        figure.add_trace(go.Scatter(x=part["spend"], y=part["response_low"], mode="lines", line=dict(width=0),
                                    fill="tonexty", fillcolor="rgba(126,107,196,0.18)", hoverinfo="skip",
                                    showlegend=False), **where)
        figure.add_trace(go.Scatter(
            x=part["spend"], y=part["response"], mode="lines", line=dict(color=palette.AWARENESS, width=2.5),
            showlegend=False, customdata=[[fmt.currency(s), show(r)] for s, r in zip(part["spend"], part["response"])],
            hovertemplate="%{customdata[0]} a week → %{customdata[1]} a week<extra></extra>"), **where)
        current, at_current = float(part["current_spend"].iloc[0]), float(part["current_response"].iloc[0])
        figure.add_trace(go.Scatter(
            x=[current], y=[at_current], mode="markers", marker=dict(color=palette.SALES, size=10, line=dict(
                color="white", width=1.5)), showlegend=False,
            hovertemplate=f"Spend in the quarter: {fmt.currency(current)} a week → {show(at_current)} a week"
                          "<extra></extra>"), **where)
    _layout(figure, height=max(280, 250 * rows), legend=False)
    figure.update_xaxes(**axis_ticks("currency"), showgrid=True, gridcolor=GRID, rangemode="tozero")
    figure.update_yaxes(**axis_ticks(unit), rangemode="tozero", nticks=5)
    figure.update_xaxes(title_text="Weekly spend", row=rows)
    figure.update_yaxes(title_text=y_title, col=1)
    figure.update_annotations(font=dict(size=13))
    return figure


def estimate_beside_attribution(frame: pd.DataFrame, *, unit: str, x_title: str, touch_label: str,
                                height: int | None = None) -> go.Figure:
    """Per awareness channel (and all of them together): the estimate with its interval (whiskers) beside what
    touch-level attribution credits it. `frame` has channel, estimate, estimate_low, estimate_high, touch_credit."""
    if frame.empty:
        return empty("No awareness channel to show", height=height or 200)
    show = fmt.BY_UNIT[unit]
    rows = frame.iloc[::-1]
    names = [chart_text(channel_label(c)) for c in rows["channel"]]
    figure = go.Figure()
    figure.add_trace(go.Bar(
        y=names, x=rows["touch_credit"], orientation="h", name=touch_label, marker_color=palette.NEUTRAL,
        customdata=[show(v) for v in rows["touch_credit"]], hovertemplate="%{y}: %{customdata}<extra>"
        + touch_label + "</extra>"))
    figure.add_trace(go.Bar(
        y=names, x=rows["estimate"], orientation="h", name="Estimated contribution (90% interval)",
        marker_color=palette.AWARENESS,
        error_x=dict(type="data", symmetric=False, array=(rows["estimate_high"] - rows["estimate"]).clip(lower=0),
                     arrayminus=(rows["estimate"] - rows["estimate_low"]).clip(lower=0), color="#2E2A5A",
                     thickness=1.5, width=5),
        customdata=[f"{show(v)} ({show(lo)} to {show(hi)})" for v, lo, hi in
                    zip(rows["estimate"], rows["estimate_low"], rows["estimate_high"])],
        hovertemplate="%{y}: %{customdata}<extra>estimate</extra>"))
    figure.update_layout(barmode="group", legend_traceorder="reversed")
    _layout(figure, height=height or max(220, 56 * len(rows) + 100), x_title=x_title)
    _value_axis(figure, unit, axis="x", gridcolor=GRID, showgrid=True, rangemode="tozero")
    figure.update_yaxes(showgrid=False, zeroline=False, type="category")
    return figure


def journey(spec: JourneySpec, *, height: int | None = None) -> go.Figure:
    """An account's journey: every event a point on one time axis, one lane (and colour) per kind, its campaign or
    stage and who on hover (the data's text shown as text)."""
    if spec.is_empty:
        return empty("Nothing happened at this account yet", height=height or 160)
    figure = go.Figure()
    for lane in JOURNEY_LANES:
        events = spec.lane(lane)
        if not events:
            continue
        figure.add_trace(go.Scatter(
            x=[event.at for event in events], y=[JOURNEY_LANE_LABELS[lane]] * len(events), mode="markers",
            name=JOURNEY_LANE_LABELS[lane], marker=dict(color=JOURNEY_LANE_COLOURS[lane], size=11, opacity=0.8,
                                                        line=dict(color="white", width=1)),
            hovertext=[f"<b>{chart_text(event.label)}</b><br>{chart_text(event.detail)}<br>"
                       f"{fmt.day(event.at.date())}" for event in events], hoverinfo="text"))
    _layout(figure, height=height or 260)
    figure.update_yaxes(categoryorder="array", categoryarray=[JOURNEY_LANE_LABELS[lane] for lane in
                                                              reversed(JOURNEY_LANES)], showgrid=False)
    figure.update_xaxes(showgrid=True, gridcolor=GRID)
    return figure
