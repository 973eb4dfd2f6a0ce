"""Pipeline & revenue: the pipeline and bookings marketing sources and influences, against the total."""

import streamlit as st

from ui import context, filters, layout

snapshot = context.snapshot()
view = filters.current()

layout.planned(
    "This page will set marketing-sourced and marketing-influenced pipeline and bookings against the total, show "
    "their trend by quarter, and the win rates (by count and by value), average deal size and sales cycle length."
)
st.caption(filters.describe(view))
layout.count_tiles(snapshot, ["opportunities", "opportunity_stage_history", "opportunity_contacts"])
layout.records_note()
layout.quality_notes(["opportunities_without_amount", "opportunities_without_contact_roles",
                      "won_without_close_date", "won_but_not_closed", "opportunities_without_account"])
