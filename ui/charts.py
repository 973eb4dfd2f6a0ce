"""Pure chart builders `(frame, *, …) -> go.Figure` (and a Vega-Lite tile sparkline), shared by pages and exports."""

from __future__ import annotations

import math
from typing import Iterable

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui import format as fmt
from ui import theme

STAGE_LABELS = {"inquiry": "Inquiries", "mql": "MQLs", "sal": "SALs", "sql": "SQLs", "opportunity": "Opportunities",
                "won": "Won"}
STAGE_SHORT = {"inquiry": "Inq", "mql": "MQL", "sal": "SAL", "sql": "SQL", "opportunity": "Opp", "won": "Won"}
# Marketing works a person until sales accepts them: the first two stages are demand generation's, the rest sales'.
STAGE_ROLES = {"inquiry": "demand_gen", "mql": "demand_gen", "sal": "sales", "sql": "sales", "opportunity": "sales",
               "won": "sales"}

SOURCE_COLOURS = {"marketing": theme.DEMAND_GEN, "sales": theme.SALES, "partner": "#1F4E79", "other": theme.NEUTRAL}
"""Source category → colour: marketing-sourced reads as demand generation, sales-sourced as sales."""

MISS = "#C44E52"
"""Bars that show a miss (never followed up, outside the SLA)."""

FONT = dict(family="sans-serif", size=13, color="#1B2733")
GRID = "#E6EAF0"

AXIS_FORMATS: dict[str, dict] = {
    "count": dict(tickformat=",.0f"),
    "currency": dict(tickprefix="$", tickformat="~s"),
    "percent": dict(tickformat=".0%"),
    "ratio": dict(tickformat=".1f", ticksuffix="×"),
    "days": dict(tickformat=",.0f"),
    "hours": dict(tickformat=",.0f"),
}
"""Axis tick formats per catalog unit, matching ui.format (currency compact: $72.9M)."""


def formatter(unit: str):
    """The display format of a unit (ui.format), for labels and hovers."""
    return fmt.BY_UNIT[unit]


def ink(colour: str) -> str:
    """Text colour readable on a fill: dark on light fills, white on dark ones."""
    red, green, blue = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return "#1B2733" if 0.299 * red + 0.587 * green + 0.114 * blue > 160 else "white"


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
    figure.update_xaxes(title_text=x_title, automargin=True, showgrid=False, linecolor="#B8C1CC")
    figure.update_yaxes(title_text=y_title, automargin=True, gridcolor=GRID, zeroline=True, zerolinecolor="#B8C1CC")
    return figure


def _value_axis(figure: go.Figure, unit: str, axis: str = "y", **kwargs) -> None:
    update = figure.update_yaxes if axis == "y" else figure.update_xaxes
    update(**AXIS_FORMATS[unit], **kwargs)


def _quarter_axis(figure: go.Figure, quarters: Iterable[str]) -> None:
    """Quarters as category ticks that read without tilting the head: 2026 over Q3."""
    quarters = list(dict.fromkeys(quarters))
    figure.update_xaxes(type="category", title_text="Quarter", tickangle=0, tickmode="array", tickvals=quarters,
                        ticktext=[str(q).replace("-", "<br>") for q in quarters])


def _top(values: Iterable, headroom: float = 1.12) -> float:
    """The top of a value axis with room for the labels above the tallest bar."""
    numbers = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce").dropna()
    return float(numbers.max()) * headroom if len(numbers) and numbers.max() > 0 else 1.0


def empty(message: str, *, height: int = 160) -> go.Figure:
    """A blank chart that says why it is blank (a quarter without data), so exports keep their layout."""
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                          font=dict(size=14, color="#5B6775"))
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return _layout(figure, height=height, legend=False)


# --- the waterfall -------------------------------------------------------------------------------------------------

def waterfall(frame: pd.DataFrame, *, height: int = 380) -> go.Figure:
    """The waterfall: one bar per stage (people), the catalog's stage-to-stage ratio under each stage's name.

    `frame` is catalog.funnel's (stage_order, stage, people, ratio, ratio_label, velocity_days, value), one split value.
    """
    if frame.empty:
        return empty("No data for this quarter", height=height)
    rows = frame.sort_values("stage_order")
    labels = []
    for row in rows.itertuples():
        name = f"<b>{STAGE_LABELS.get(row.stage, row.stage)}</b>"
        if _missing(row.ratio):
            labels.append(f"{name}<br> ")
        else:
            labels.append(f"{name}<br>{row.ratio_label} {fmt.percent(row.ratio)}")
    hover = [_stage_hover(row) for row in rows.itertuples()]
    figure = go.Figure(go.Bar(
        x=labels, y=rows["people"], marker_color=[theme.FUNNEL_COLOURS[STAGE_ROLES.get(s, "sales")]
                                                  for s in rows["stage"]],
        text=[fmt.count(v) for v in rows["people"]], textposition="outside", cliponaxis=False,
        hovertext=hover, hoverinfo="text", showlegend=False,
    ))
    _layout(figure, height=height, y_title="People", legend=False)
    _value_axis(figure, "count", rangemode="tozero")
    figure.update_yaxes(range=[0, float(rows["people"].max() or 1) * 1.15])
    _role_legend(figure, ["demand_gen", "sales"])
    return figure


def _stage_hover(row) -> str:
    lines = [f"<b>{STAGE_LABELS.get(row.stage, row.stage)}</b>", f"People: {fmt.count(row.people)}"]
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
        figure.add_trace(go.Bar(x=[None], y=[None], marker_color=theme.FUNNEL_COLOURS[role],
                                name=theme.FUNNEL_LABELS[role], showlegend=True, hoverinfo="skip"))
    figure.update_layout(showlegend=True, margin=dict(t=36))


def waterfall_small_multiples(frame: pd.DataFrame, *, split: str = "split_value", columns: int = 4,
                              title: str | None = None) -> go.Figure:
    """One small waterfall per split value (own y-axis each, so small groups stay readable), in the role colours
    (the main waterfall above carries their legend)."""
    if frame.empty:
        return empty("No data for this quarter")
    # Largest group first (by its first stage's volume), so the panels read in order of weight.
    first_stage = frame[frame["stage_order"] == frame["stage_order"].min()]
    groups = list(first_stage.sort_values("people", ascending=False, kind="stable")[split])
    groups += [g for g in dict.fromkeys(frame[split]) if g not in groups]
    columns = max(1, min(columns, len(groups)))
    rows = math.ceil(len(groups) / columns)
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=[str(g).replace("_", " ") for g in groups],
                           vertical_spacing=min(0.3 / rows + 0.06, 0.2), horizontal_spacing=0.06)
    for index, group in enumerate(groups):
        part = frame[frame[split] == group].sort_values("stage_order")
        figure.add_trace(go.Bar(
            x=[STAGE_SHORT.get(s, s) for s in part["stage"]], y=part["people"],
            marker_color=[theme.FUNNEL_COLOURS[STAGE_ROLES.get(s, "sales")] for s in part["stage"]],
            hovertext=[_stage_hover(row) for row in part.itertuples()], hoverinfo="text", showlegend=False,
        ), row=index // columns + 1, col=index % columns + 1)
        figure.update_yaxes(range=[0, _top(part["people"])], row=index // columns + 1, col=index % columns + 1)
    _layout(figure, height=max(260, 230 * rows), legend=False)
    figure.update_yaxes(**AXIS_FORMATS["count"], nticks=4)
    figure.update_xaxes(tickfont=dict(size=11))
    figure.update_annotations(font=dict(size=13))
    figure.update_layout(margin=dict(t=30))
    if title:
        figure.update_layout(title=dict(text=title, x=0, font=dict(size=14)))
    return figure


# --- quarters ------------------------------------------------------------------------------------------------------

def trend_frame(comparisons: Iterable, *, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Catalog comparisons as one long frame (quarter, series, value) of their 8-quarter trends (for trend charts)."""
    rows = []
    for comparison in comparisons:
        series = (labels or {}).get(comparison.name, comparison.title)
        rows.extend({"quarter": p.quarter, "series": series, "value": p.value} for p in comparison.trend)
    return pd.DataFrame(rows, columns=["quarter", "series", "value"])


def trend_bars(frame: pd.DataFrame, *, unit: str, colours: dict[str, str], y_title: str,
               line: pd.DataFrame | None = None, line_unit: str | None = None, line_title: str | None = None,
               line_colour: str = "#1F4E79", height: int = 360) -> go.Figure:
    """Grouped bars by quarter (one colour per series), optionally a line on a second axis (e.g. a share)."""
    figure = make_subplots(specs=[[{"secondary_y": line is not None}]])
    for series, part in frame.groupby("series", sort=False):
        figure.add_trace(go.Bar(
            x=part["quarter"], y=part["value"], name=str(series), marker_color=colours.get(series, theme.NEUTRAL),
            hovertemplate="%{x}: %{customdata}<extra>" + str(series) + "</extra>",
            customdata=[formatter(unit)(v) for v in part["value"]],
        ), secondary_y=False)
    if line is not None:
        for series, part in line.groupby("series", sort=False):
            figure.add_trace(go.Scatter(
                x=part["quarter"], y=part["value"], name=str(series), mode="lines+markers",
                line=dict(color=line_colour, width=2.5), marker=dict(size=7),
                customdata=[formatter(line_unit)(v) for v in part["value"]],
                hovertemplate="%{x}: %{customdata}<extra>" + str(series) + "</extra>",
            ), secondary_y=True)
    _layout(figure, height=height, y_title=y_title)
    _quarter_axis(figure, frame["quarter"])
    figure.update_yaxes(**AXIS_FORMATS[unit], range=[0, _top(frame["value"])], secondary_y=False)
    if line is not None:
        top = 1.0 if line_unit == "percent" else _top(line["value"], 1.25)
        figure.update_yaxes(**AXIS_FORMATS[line_unit], title_text=line_title, range=[0, top], tickmode="auto",
                            nticks=6, showgrid=False, zeroline=False, secondary_y=True)
    return figure


def trend_lines(frame: pd.DataFrame, *, unit: str, colours: dict[str, str], y_title: str,
                target: float | None = None, target_label: str | None = None, height: int = 320) -> go.Figure:
    """One line per series by quarter, with an optional dashed target line."""
    figure = go.Figure()
    for series, part in frame.groupby("series", sort=False):
        figure.add_trace(go.Scatter(
            x=part["quarter"], y=part["value"], name=str(series), mode="lines+markers",
            line=dict(color=colours.get(series, theme.NEUTRAL), width=2.5), marker=dict(size=7),
            customdata=[formatter(unit)(v) for v in part["value"]],
            hovertemplate="%{x}: %{customdata}<extra>" + str(series) + "</extra>",
        ))
    _layout(figure, height=height, y_title=y_title)
    _quarter_axis(figure, frame["quarter"])
    _value_axis(figure, unit, range=[0, _top(frame["value"], 1.15)])
    if target is not None:
        figure.add_hline(y=target, line=dict(color="#5B6775", dash="dash", width=1.5),
                         annotation_text=target_label or f"target {formatter(unit)(target)}",
                         annotation_position="top left", annotation_font=dict(size=12, color="#5B6775"))
    return figure


def sparkline(values: Iterable[float | None], *, colour: str = theme.SALES, height: int = 60,
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
                   colour: str = theme.SALES, width: int = 72, height: int = 30) -> dict:
    """A bare 8-quarter line, no axes, the latest quarter dotted, each point's quarter and value on hover: a
    Vega-Lite spec for a Scorecard tile (st.vega_lite_chart), because a plotly chart on screen is never drawn narrower
    than 150 pixels and a tile has room for half that."""
    show = formatter(unit)
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

def _label_text(frame: pd.DataFrame, label: str | list[str]) -> list[str]:
    columns = [label] if isinstance(label, str) else label
    return [" · ".join(str(v).replace("_", " ") for v in values) for values in frame[columns].itertuples(index=False)]


def ranked_bars(frame: pd.DataFrame, *, label: str | list[str], value: str, unit: str, x_title: str,
                colour: str = theme.SALES, limit: int | None = None, keep_largest: str | None = None,
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
    names = _label_text(rows, label)
    show = formatter(unit)
    hover_lines = []
    for _, row in rows.iterrows():
        parts = [f"{x_title}: {show(row[value])}"]
        for column, (caption, column_unit) in (hover or {}).items():
            parts.append(f"{caption}: {formatter(column_unit)(row[column])}")
        hover_lines.append("<br>".join(parts))
    colours = [MISS if highlight_over is not None and not _missing(v) and v > highlight_over else colour
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
        figure.add_vline(x=reference, line=dict(color="#5B6775", dash="dash", width=1.5),
                         annotation_text=reference_label or formatter(unit)(reference),
                         annotation_position="top", annotation_font=dict(size=12, color="#5B6775"))
        figure.update_layout(margin=dict(t=40))
    return figure


def stacked_bars(frame: pd.DataFrame, *, category: str, measures: dict[str, str], unit: str,
                 colours: dict[str, str], x_title: str, height: int = 260) -> go.Figure:
    """One horizontal bar per measure (e.g. pipeline, bookings), stacked by category (e.g. source category)."""
    if frame.empty:
        return empty("No data for this quarter", height=height)
    show = formatter(unit)
    figure = go.Figure()
    names = list(measures.values())[::-1]  # the first measure on top
    widest = max(float(frame[column].sum()) for column in measures) or 1.0
    for row in frame.itertuples(index=False):
        name = getattr(row, category)
        values = [getattr(row, column) for column in list(measures)[::-1]]
        figure.add_trace(go.Bar(
            y=names, x=values, orientation="h", name=str(name).capitalize(),
            marker_color=colours.get(name, theme.NEUTRAL),
            text=[show(v) if not _missing(v) and v >= 0.07 * widest else "" for v in values],
            customdata=[show(v) for v in values], textposition="inside", insidetextanchor="middle", textangle=0,
            textfont=dict(color=ink(colours.get(name, theme.NEUTRAL))),
            hovertemplate="%{y} · " + str(name) + ": %{customdata}<extra></extra>",
        ))
    figure.update_layout(barmode="stack", legend_traceorder="normal")
    _layout(figure, height=height, x_title=x_title)
    _value_axis(figure, unit, axis="x", gridcolor=GRID, showgrid=True)
    figure.update_yaxes(showgrid=False, zeroline=False)
    return figure


WITHIN = ["#B86A12", theme.SALES, "#E8B26A", "#F2D3A6"]
BEYOND = ["#8D99AE", "#B8C1CC", "#D5DBE3"]


def band_colours(frame: pd.DataFrame, *, band: str = "band", order: str = "band_order", good: str = "within_sla",
                 never: str = "never") -> dict[str, str]:
    """Ordered bands → colours: bands meeting the goal in sales amber (darker is faster), the others grey, and the
    band `never` in the miss colour."""
    colours, within, beyond = {}, iter(WITHIN), iter(BEYOND)
    for row in frame.sort_values(order).drop_duplicates(band).itertuples(index=False):
        name = getattr(row, band)
        if name == never:
            colours[name] = MISS
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
        x=list(rows[band]), y=rows[value], marker_color=colours, text=[fmt.percent(s) for s in rows[share]],
        textposition="outside", cliponaxis=False,
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
            y=rows, x=part[share], orientation="h", name=str(name), marker_color=colours.get(name, theme.NEUTRAL),
            text=[fmt.percent(v) if not _missing(v) and v >= 0.08 else "" for v in part[share]],
            textposition="inside", insidetextanchor="middle", textangle=0,
            textfont=dict(color=ink(colours.get(name, theme.NEUTRAL)), size=12),
            customdata=[fmt.count(v) for v in part[value]],
            hovertemplate="%{y} · " + str(name) + ": %{x:.1%} (%{customdata} MQLs)<extra></extra>",
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
        x=rows[value], y=rows[label], orientation="h", marker_color=colours[::-1][: len(rows)],
        text=[fmt.count(v) for v in rows[value]], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>", showlegend=False,
    ))
    _layout(figure, height=height, x_title=x_title, legend=False)
    _value_axis(figure, "count", axis="x", range=[0, float(rows[value].max() or 1) * 1.15], gridcolor=GRID,
                showgrid=True)
    figure.update_yaxes(showgrid=False, zeroline=False)
    return figure
