"""The awareness estimate and the campaign plan for the view, cached per warehouse version, and the Scorecard's
awareness tile."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from alignment import awareness, plan, warehouse
from alignment.catalog import Definitions, Filters
from alignment.presentation import formats as fmt
from ui import cached, context, numbers
from ui.text import literal

TARGET_UNITS = {"pipeline": "currency", "inquiries": "count"}
"""The catalog unit of each series the estimate can explain."""


@dataclass(frozen=True)
class Outcome:
    """The estimate for a quarter, or the plain reason it was refused."""

    estimate: awareness.Estimate | None
    refusal: str | None


@cached.data(max_entries=32)
def _outcome(reader: warehouse.Reader, in_force: Definitions, quarter: str, target: str) -> Outcome:
    try:
        return Outcome(awareness.for_quarter(reader, quarter, target=target, definitions=in_force), None)
    except awareness.NotEstimable as refusal:
        return Outcome(None, str(refusal))


def quarter_estimate(view: Filters, target: str = "pipeline") -> Outcome:
    """What awareness contributed to the quarter's pipeline created (or inquiries), with its interval; company-wide,
    so the region and segment filters do not change it. Cached per warehouse version, charter (its channel → role
    mapping), quarter and target."""
    return _outcome(context.reader(), numbers.definitions(view), str(view.quarter), target)


@cached.data(max_entries=32)
def _touch_credit(reader: warehouse.Reader, in_force: Definitions, quarter: str, target: str) -> pd.Series:
    return awareness.touch_credit(reader, quarter, target=target, definitions=in_force)


def touch_credit(view: Filters, target: str = "pipeline") -> pd.Series:
    """What touch-level attribution gives awareness channels in the quarter (awareness.touch_credit), cached."""
    return _touch_credit(context.reader(), numbers.definitions(view), str(view.quarter), target)


@cached.data(max_entries=32)
def _plan(reader: warehouse.Reader, in_force: Definitions, quarters: tuple[str, ...]) -> pd.DataFrame:
    return plan.campaign_plan(reader, quarters, in_force)


def campaign_plan(view: Filters, quarters: list[str]) -> pd.DataFrame:
    """Every campaign running in the quarters (alignment.plan.campaign_plan) under the view's definitions, cached."""
    return _plan(context.reader(), numbers.definitions(view), tuple(quarters))


def interval_text(low: float, high: float, unit: str) -> str:
    """90% interval 8.1% to 17.4%"""
    show = fmt.BY_UNIT[unit]
    return f"90% interval {show(low)} to {show(high)}"


def scorecard_tile(view: Filters) -> None:
    """The Scorecard's awareness estimate: the share of the quarter's pipeline created that awareness contributed,
    with its interval, or why there is none; the method one hover away and the detail on the Awareness page."""
    with st.spinner("Estimating what awareness contributed…"):
        outcome = quarter_estimate(view)
    help_text = ("The share of the pipeline created in the quarter's complete weeks that awareness spend "
                 "contributed, with its 90% interval. Estimated from weekly awareness spend against weekly pipeline "
                 "created over every week of history (carry-over, saturation, trend, season and demand-generation "
                 "spend taken into account). It is correlation over time, not touch-level proof; see the Awareness "
                 "page for how it is made.")
    with st.container(border=True, key="scorecard_awareness_estimate", gap="xxsmall"):
        with st.container(horizontal=True, vertical_alignment="center", gap="xsmall", wrap=False):
            st.markdown(":small[Pipeline from awareness (estimate)]", help=help_text, width="stretch")
            value = fmt.MISSING if outcome.estimate is None else fmt.percent(outcome.estimate.share)
            st.markdown(f"**{value}**", width="content", text_alignment="right")
        if outcome.estimate is None:
            # The reason can name channels from the data.
            st.caption("No estimate: " + literal(outcome.refusal.split(":")[0].lower()) + ".",
                       help=literal(outcome.refusal))
        else:
            result = outcome.estimate
            # One line, so the awareness column still ends above the fold.
            st.caption(f"{fmt.currency(result.contribution)} of {fmt.currency(result.target_total)} · "
                       f"{interval_text(result.share_low, result.share_high, 'percent')}")
