"""Campaign plan: the chosen quarters' campaigns on one timeline, shared with sales, each with its sales sponsor."""

import streamlit as st

from alignment import plan
from alignment.periods import Quarter
from alignment.presentation import formats as fmt
from alignment.presentation import palette
from ui import awareness as estimates
from ui import charts, context, figures, filters, tables
from ui.text import literal


snapshot = context.snapshot()
view = filters.current()
quarters = list(reversed(snapshot.quarters)) or [str(view.quarter)]  # oldest first, as a timeline reads
if st.session_state.get("plan_quarters") and not set(st.session_state["plan_quarters"]) <= set(quarters):
    del st.session_state["plan_quarters"]  # after an import the old choice may no longer exist
first, last = st.select_slider(
    "Quarters", options=quarters, value=(str(view.quarter), str(view.quarter)), key="plan_quarters",
    help="The plan shows every campaign whose dates overlap these quarters (the filter bar's quarter to start).")
chosen = quarters[quarters.index(first): quarters.index(last) + 1]

with st.spinner("Reading the plan…"):
    campaigns = estimates.campaign_plan(view, chosen)
period = first if first == last else f"{first} to {last}"
st.caption(f"{period} · every campaign whose dates overlap the quarters; campaign dates carry no region or segment, "
           "so the region and segment filters do not apply here (a campaign's targeting says whom it reaches)")

with st.container(horizontal=True, vertical_alignment="bottom", gap="small", key="plan_filters"):
    channels = st.multiselect("Channel", sorted(campaigns["channel"].dropna().unique()), key="plan_channels",
                              format_func=lambda c: c.replace("_", " "), placeholder="All channels", width=260)
    roles = st.multiselect("Funnel role", list(palette.FUNNEL_LABELS)[:2], key="plan_roles",
                           format_func=palette.FUNNEL_LABELS.get, placeholder="Both roles", width=260)
    statuses = st.multiselect("Status", list(plan.STATUSES), key="plan_statuses", placeholder="Any status",
                              width=220)
    unsponsored = st.toggle("Only campaigns without a sales sponsor", key="plan_unsponsored")
shown = plan.select(campaigns, channels=channels, roles=roles, statuses=statuses,
                    without_sponsor_only=unsponsored)
facts = plan.summary(shown)

count_column, sponsor_column, budget_column, actual_column, period_column = st.columns(5)
count_column.metric("Campaigns", fmt.count(facts["campaigns"]), border=True)
sponsor_column.metric("No sales sponsor", fmt.count(facts["without_sponsor"]), border=True,
                      help="Every initiative should have a sales sponsor: someone in sales who helped shape it and "
                           "carries its results back to the team.")
budget_column.metric("Budget", fmt.currency(facts["budget"]), border=True,
                     help="The whole budget of the campaigns shown, across all their dates.")
actual_column.metric("Actual cost", fmt.currency(facts["actual_cost"]), border=True,
                     help="What the campaigns shown actually cost, across all their dates (where recorded).")
period_column.metric(f"Cost in {period}", fmt.currency(facts["cost_in_period"]), border=True,
                     help="The part of their cost that falls in the chosen quarters, as the spend metrics count it.")

if facts["without_sponsor"]:
    missing = shown[~shown["has_sales_sponsor"].astype(bool)]
    st.warning(f"**{fmt.count(facts['without_sponsor'])} of these campaigns name no sales sponsor** (outlined in red, "
               "⚠): " + "; ".join(literal(name) for name in missing["campaign_name"]) + ".",
               icon=":material/person_alert:")

figures.plotly_chart(charts.plan_gantt, shown, period=(Quarter.parse(first).first_day, Quarter.parse(last).end_day),
                     key="plan_gantt")

st.subheader("The plan in full", anchor=False)
st.dataframe(tables.readable(shown.assign(channel=shown["channel"].map(charts.channel_label)), {
    "campaign_name": ("Campaign", None), "channel": ("Channel", None), "funnel_role": ("Funnel role", tables.CATEGORY),
    "status": ("Status", None), "start_date": ("Start", None), "end_date": ("End", None),
    "content": ("Content", None), "targeting": ("Targeting", None), "objective": ("Objective", None),
    "owner_name": ("Owner", None), "sales_sponsor_name": ("Sales sponsor", None),
    "budgeted_cost": ("Budget", "currency"), "actual_cost": ("Actual cost", "currency"),
    "cost_over_budget": ("Over budget", "currency"), "cost_in_period": (f"Cost in {period}", "currency")}),
    hide_index=True, key="plan_table")
