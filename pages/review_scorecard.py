"""Scorecard: the quarter on one screen, awareness beside demand generation beside sales."""

import streamlit as st

from ui import context, filters, layout
from ui import format as fmt

snapshot = context.snapshot()
view = filters.current()

layout.planned(
    "The scorecard will show the quarter on one screen: the charter's metrics as tiles with actual, target, change "
    "against last quarter and against the same quarter last year, in three columns — awareness, demand generation "
    "and sales — side by side, with the joint sign-off status and the data's freshness. The metrics arrive with "
    "the metric catalog; until then it shows what is loaded."
)
st.caption(f"{filters.describe(view)} · data as of {fmt.day(snapshot.as_of)}")

awareness, demand_gen, sales = st.columns(3, gap="medium", border=True)
with awareness:
    layout.role_heading("awareness")
    layout.count_tiles(snapshot, ["campaigns", "awareness_metrics", "campaign_spend"], stacked=True)
with demand_gen:
    layout.role_heading("demand_gen")
    layout.count_tiles(snapshot, ["people", "campaign_members", "lifecycle_events"], stacked=True)
with sales:
    layout.role_heading("sales")
    layout.count_tiles(snapshot, ["accounts", "opportunities", "sales_activities"], stacked=True)
layout.records_note()

st.subheader("Sign-off", anchor=False)
st.write(f"{view.quarter} has not been signed off: the joint sign-off opens on the Charter & sign-off page once "
         "the charter is in place.")
