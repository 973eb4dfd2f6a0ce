"""Leads & SLA: what sales does with the leads marketing sends, and how good those leads are."""

import streamlit as st

from alignment import defaults
from ui import context, filters, layout

snapshot = context.snapshot()
view = filters.current()

layout.planned(
    "This page will show how many leads sales accepts, rejects and disqualifies and why, how fast sales follows "
    "up against the SLA, the share of sales-ready leads (lead quality), and the most engaged accounts and people."
)
st.caption(filters.describe(view))
layout.count_tiles(snapshot, ["people", "lifecycle_events", "sales_activities"])
layout.records_note()
st.caption(f"The follow-up SLA is {defaults.SLA_HOURS:g} hours by default; the quarter's charter can change it.")
layout.quality_notes(["activities_without_person", "skipped_stages", "duplicate_people"])
