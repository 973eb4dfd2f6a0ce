"""The Charter page's Plan section: a bookings target worked back through the funnel, rates overridden, applied to the charter's targets."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from alignment import signoff, users, waterfall
from alignment.catalog import Filters
from alignment.charter import Charter, with_plan
from alignment.presentation import formats as fmt
from alignment.users import User
from ui import charter_form, charts, context, figures, numbers
from ui.context import Snapshot
from ui.text import literal

DRAFT_KEY = "plan_draft"
"""Session key of the plan being worked out, per quarter, before it is applied to the charter."""


def _draft_key(quarter: str) -> str:
    return f"{DRAFT_KEY}_{quarter}"


def _scoped_frame(plan: waterfall.Plan | None) -> pd.DataFrame:
    rows = [] if plan is None else (
        [{"For": f"Region {name}", "Bookings target": target} for name, target in plan.region_targets.items()]
        + [{"For": f"Segment {name}", "Bookings target": target} for name, target in plan.segment_targets.items()])
    return pd.DataFrame(rows, columns=["For", "Bookings target"])


def _rate_label(stage: str) -> str:
    name = waterfall.RATE_NAMES[stage]
    return name[:1].upper() + name[1:]


def _overrides_frame(plan: waterfall.Plan | None) -> pd.DataFrame:
    """One row per rate; conversions in percent as people write them, the deal size in money."""
    overrides = plan.overrides if plan else {}
    rows = []
    for stage in waterfall.RATE_STAGES:
        value = overrides.get(stage)
        shown = value if value is None or stage == "won_deals" else value * 100
        rows.append({"Rate": _rate_label(stage), "Set by hand": shown})
    return pd.DataFrame(rows, columns=["Rate", "Set by hand"])


def _plan_from(quarter: str, company: float, window: int, scoped: pd.DataFrame,
               overrides: pd.DataFrame) -> waterfall.Plan:
    regions, segments = {}, {}
    for row in scoped.to_dict("records"):
        where, target = row.get("For"), row.get("Bookings target")
        if not where or target is None or pd.isna(target):
            continue
        if where.startswith("Region "):
            regions[where.removeprefix("Region ")] = float(target)
        else:
            segments[where.removeprefix("Segment ")] = float(target)
    by_name = {_rate_label(stage): stage for stage in waterfall.RATE_STAGES}
    hand = {}
    for row in overrides.to_dict("records"):
        value = row.get("Set by hand")
        if value is None or pd.isna(value):
            continue
        stage = by_name[row["Rate"]]
        hand[stage] = float(value) if stage == "won_deals" else float(value) / 100
    return waterfall.Plan(quarter=quarter, bookings_target=company or None, region_targets=regions,
                          segment_targets=segments, window=int(window), overrides=hand)


def _explain(error: ValidationError) -> None:
    for problem in error.errors():
        message = problem["msg"].removeprefix("Value error, ")
        st.error(literal(f"Plan: {message}" + (" (here in percent: 25 means 25 %)" if "share" in message else "")))


def _form(charter: Charter, plan: waterfall.Plan | None, snapshot: Snapshot) -> None:
    """The plan's inputs; working it out keeps it in the session until it is applied."""
    with st.form("charter_plan", border=True):
        left, right = st.columns([1, 1])
        with left:
            company = st.number_input(f"Company bookings target ({fmt.corporate()})", min_value=0.0, step=10_000.0,
                                      value=float(plan.bookings_target or 0) if plan else 0.0,
                                      key="plan_bookings_target", help="0 leaves the company without a target; a "
                                      "region's or segment's target below still gets its own waterfall.")
            window = st.number_input("Window (finished quarters before the plan's quarter)", min_value=1,
                                     max_value=12, step=1, value=plan.window if plan else waterfall.DEFAULT_WINDOW,
                                     key="plan_window")
            scopes = [*[f"Region {r}" for r in snapshot.regions], *[f"Segment {s}" for s in snapshot.segments]]
            st.caption("Bookings targets of regions or segments, each worked back at its own rates:")
            scoped = st.data_editor(
                _scoped_frame(plan), num_rows="dynamic", hide_index=True, key="plan_scoped_targets",
                column_config={"For": st.column_config.SelectboxColumn(options=scopes, required=True),
                               "Bookings target": st.column_config.NumberColumn(required=True, min_value=0)})
        with right:
            st.caption("Rates set by hand replace the measured ones: conversions in percent (25 means 25 %), the "
                       f"average deal size in {fmt.corporate()}. Leave blank to use the measured rate.")
            overrides = st.data_editor(
                _overrides_frame(plan), hide_index=True, key="plan_overrides", num_rows="fixed",
                column_config={"Rate": st.column_config.TextColumn(disabled=True),
                               "Set by hand": st.column_config.NumberColumn(min_value=0.0)})
        submitted = st.form_submit_button("Work out the plan", key="plan_work_out")
    if not submitted:
        return
    try:
        st.session_state[_draft_key(charter.quarter)] = _plan_from(charter.quarter, company, window, scoped,
                                                                   overrides)
    except ValidationError as error:
        _explain(error)


def _show(result: waterfall.Waterfall) -> None:
    scopes = list(dict.fromkeys(row.scope for row in result.rows))
    scope = scopes[0] if len(scopes) == 1 else st.segmented_control(
        "Plan for", scopes, default=scopes[0], key="plan_scope", required=True,
        format_func=lambda scope: literal(scope[:1].upper() + scope[1:])) or scopes[0]
    table = waterfall.table(result, scope)
    st.dataframe(pd.DataFrame(table.formatted(), columns=table.headers_shown()), hide_index=True, key="plan_table")
    chart, _ = st.columns([3, 2])
    with chart:
        figures.plotly_chart(charts.figure, waterfall.chart(result, scope), key="plan_chart")
    st.caption(literal(f"Rates over {', '.join(result.window)} ({result.window_dates}). {result.cohorts} "
                       f"{result.due_dates} Needed numbers are rounded up to whole records."))
    unset = result.hand_set_needed()
    if unset:
        st.warning("Not measured, so set by hand before the plan can be applied: "
                   + ", ".join(waterfall.RATE_NAMES[stage] for stage in unset) + ".", icon=":material/edit:")


def plan_section(charter: Charter, user: User, status: signoff.Status, view: Filters, snapshot: Snapshot) -> None:
    """The quarter's plan: its inputs (analysts, on a draft), its waterfall, and applying it to the targets."""
    st.subheader("Plan", anchor=False)
    st.caption("From the bookings target back to the won deals, opportunities, SQLs, SALs, MQLs and inquiries it "
               "needs, at the rates of past quarters; applied, the needed numbers become the charter's targets and "
               "are signed with it.")
    editable = users.can(user, "edit_charter") and not status.locked
    if editable:
        _form(charter, st.session_state.get(_draft_key(charter.quarter)) or charter.plan, snapshot)
    plan = (st.session_state.get(_draft_key(charter.quarter)) if editable else None) or charter.plan
    if plan is None:
        st.caption(f"No plan for {charter.quarter} yet." + (" Enter a bookings target above and work it out."
                                                               if editable else ""))
        return
    if plan == charter.plan and charter.version:
        st.caption(f"The plan in the {charter.quarter} charter (version {charter.version}).")
    elif plan == charter.plan:
        st.caption(f"The plan carried forward from the {charter.carried_from} charter, its rates measured afresh; "
                   "not saved yet.")
    else:
        st.caption("A draft plan, not in the charter until it is applied.")
    result = numbers.plan(plan, view)
    _show(result)
    if editable and not result.hand_set_needed():
        _apply_form(charter, result, user)


def _apply_form(charter: Charter, result: waterfall.Waterfall, user: User) -> None:
    with st.form("charter_plan_apply", border=True):
        st.markdown("**Apply the plan to the charter's targets**")
        st.caption("Saves a new version of the charter with the plan and its needed numbers as targets (company, "
                   "and each region or segment with a bookings target); the CMO and the VP of Sales then sign it.")
        comment = st.text_input("Why this plan (kept in the history)", key="plan_apply_comment", max_chars=2000)
        submitted = st.form_submit_button("Apply the plan", type="primary", key="plan_apply")
    if not submitted:
        return
    try:
        planned = with_plan(charter, result)
    except ValidationError as error:
        _explain(error)
        return

    def save() -> None:
        context.ledger().save(user, planned, comment)
        st.session_state.pop(_draft_key(charter.quarter), None)  # the charter holds it now

    charter_form.record(save, "Applied the plan to the charter's targets.")
