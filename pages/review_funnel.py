"""Funnel: how people move from inquiry to deal, by period and by cohort."""

import streamlit as st

from ui import context, filters, layout

snapshot = context.snapshot()
view = filters.current()

layout.planned(
    "The funnel will show the waterfall — inquiries, MQLs, SALs, SQLs, opportunities and wins — in a period view "
    "(what happened in the quarter) and a cohort view (what became of the quarter's inquiries), the velocity "
    "between stages, and the split by source category, channel, segment and region."
)
st.caption(filters.describe(view))
layout.count_tiles(snapshot, ["people", "lifecycle_events", "opportunities"])
layout.records_note()
st.caption(f"The data covers {len(snapshot.quarters)} quarters, {snapshot.quarters[-1]} to {snapshot.quarters[0]}."
           if snapshot.quarters else "The data covers no dated records yet.")
layout.quality_notes(["skipped_stages", "people_without_account"])
