"""The Scorecard's Pace section for a running quarter: planned numbers to date, coverage and the forecast."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment import forecast as forecasts
from alignment import pacing, warehouse
from alignment.catalog import Filters
from alignment.charter import Charter
from alignment.presentation import formats as fmt
from ui import cached, charts, context, figures, numbers
from ui.text import literal

STATUS_MARKS = {"on track": "● on track", "behind": "▼ behind", "ahead": "▲ ahead"}


@cached.data(max_entries=16)
def _running(reader: warehouse.Reader, quarter: str) -> bool:
    return pacing.is_running(reader, quarter)


def is_running(view: Filters) -> bool:
    """Whether the view's quarter is under way on the data's as-of day (then the Scorecard shows its pace)."""
    return _running(context.reader(), str(view.quarter))


@cached.data(max_entries=32)
def _pace(reader: warehouse.Reader, charter: Charter, region: str | None, segment: str | None) -> pacing.Pace:
    return pacing.pace(reader, charter, region=region, segment=segment)


@cached.data(max_entries=32)
def _forecast(reader: warehouse.Reader, charter: Charter, region: str | None,
              segment: str | None) -> forecasts.Forecast:
    return forecasts.forecast(reader, charter, region=region, segment=segment)


def _value(value, unit: str) -> str:
    return fmt.MISSING if value is None else fmt.by_unit(value, unit)


def shared_curve(paced: pacing.Pace) -> list[str] | None:
    """The past quarters every paced total's curve was learnt from, when they are the same for all (the caption
    names them once); None when they differ (each row's note names its own)."""
    curves = {tuple(row.curve_from) for row in paced.rows if row.paced_as == "total" and row.curve_from}
    return list(curves.pop()) if len(curves) == 1 else None


def table(paced: pacing.Pace) -> pd.DataFrame:
    """One row per planned number as the screen shows it (a number not measured says why, never a status)."""
    shared = shared_curve(paced)
    rows = []
    for row in paced.rows:
        rows.append({
            "Metric": row.title, "Actual to date": _value(row.actual, row.unit),
            "Expected to date": _value(row.expected, row.unit), "Target": _value(row.target, row.unit),
            "Status": STATUS_MARKS[row.status] if row.status else "not measured",
            "Gap": fmt.change(row.gap, row.unit),
            "Needed per week": _value(pacing.needed_shown(row), row.unit),
            "Note": row.not_measured or ("rate to date vs target" if row.paced_as == "rate"
                                         else "" if row.curve_from == shared else
                                         "curve from " + ", ".join(row.curve_from)),
        })
    frame = pd.DataFrame(rows)
    return frame.drop(columns="Note") if (frame["Note"] == "").all() else frame


def section(view: Filters) -> None:
    """The Pace section: nothing planned says how to plan; else the table, coverage and forecast, and the chart."""
    charter = numbers.charter(view)
    reader = context.reader()
    with st.container(border=True, key="scorecard_pace"):
        paced = _pace(reader, charter, view.region, view.segment)
        st.subheader(f"Pace · week {paced.week} of {paced.weeks}", anchor=False)
        if paced.not_planned:
            st.caption(f"Data as of {fmt.day(paced.as_of)}: {paced.weeks_left:.1f} weeks left.")
            st.info("No targets signed for this quarter, so nothing is paced. Set the quarter's targets on the "
                    "Charter & sign-off page, then sign the charter.", icon=":material/flag:")
        else:
            shared = shared_curve(paced)
            past = ", ".join(shared) if shared else f"the past {paced.history_quarters} quarters"
            st.caption(f"Data as of {fmt.day(paced.as_of)}: {paced.weeks_left:.1f} weeks left. Expected to date is "
                       f"the target × the share of the quarter's total reached by the same day in {past}; on track "
                       f"within ±{paced.tolerance:.0%} of it.")
            shown = table(paced)
            widths = {"Metric": "medium", "Note": "large"}
            st.dataframe(shown, hide_index=True, key="pace_table", column_config={
                column: st.column_config.TextColumn(width=width) for column, width in widths.items()
                if column in shown})
        _coverage(reader, charter, view)
        totals = [row for row in paced.rows if row.paced_as == "total"]
        if totals:
            names = {row.title: row for row in totals}
            chosen = st.selectbox("Weekly line", list(names), key="pace_chart_metric")
            spec = pacing.chart(names[chosen], paced)
            figures.plotly_chart(charts.pace_line, spec, key="pace_chart")
            st.caption(literal(spec.definition))


def _coverage(reader: warehouse.Reader, charter: Charter, view: Filters) -> None:
    result = _forecast(reader, charter, view.region, view.segment)
    needed = "" if result.coverage_needed is None else f" (enough: {fmt.ratio(result.coverage_needed)})"
    range_text = (fmt.MISSING if result.low is None
                  else f"{fmt.currency(result.low)} – {fmt.currency(result.high)}")
    columns = st.columns(4)
    columns[0].metric("Open pipeline", fmt.currency(result.open_pipeline),
                      help=f"{result.open_deals} open deals with a close date in the quarter, summed")
    columns[1].metric("Coverage", fmt.MISSING if result.coverage is None else fmt.ratio(result.coverage),
                      help="open pipeline ÷ bookings still to win" + needed)
    columns[2].metric("Forecast", fmt.MISSING if result.expected is None else fmt.currency(result.expected),
                      help=result.range_method)
    columns[3].metric("Commit", fmt.MISSING if result.commit is None else fmt.currency(result.commit),
                      help="bookings to date + open deals the owner called Commit")
    notes = [f"Coverage {literal(fmt.ratio(result.coverage))}{literal(needed)}" if result.coverage is not None
             else f"Coverage: {literal(result.coverage_note or 'not measured')}"]
    notes.append(f"Forecast range (10–90 %): {literal(range_text)}" if result.low is not None
                 else f"Forecast: {literal(result.not_measured or 'not measured')}")
    if result.unmeasured_deals:
        notes.append(f"{result.unmeasured_deals} open deals ({literal(fmt.currency(result.unmeasured_amount))}) "
                     "are older in their stage than any past deal: left out of the forecast")
    if result.commit is None:
        notes.append(f"Commit: {literal(result.commit_note or 'not measured')}")
    shares = result.source_shares()
    if shares:
        notes.append("Open pipeline by source: " + ", ".join(
            f"{literal(category)} {fmt.percent(share)}" for category, share in shares.items()))
    forecast_shares = result.source_shares("forecast")
    if forecast_shares:
        notes.append("Forecast (open deals) by source: " + ", ".join(
            f"{literal(category)} {fmt.percent(share)}" for category, share in forecast_shares.items()))
    st.caption(" · ".join(notes))
