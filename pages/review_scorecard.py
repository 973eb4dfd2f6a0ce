"""Scorecard: the quarter on one screen, awareness beside demand generation beside sales."""

import streamlit as st

from alignment import catalog
from ui import context, filters, layout, numbers, tiles
from ui import format as fmt

snapshot = context.snapshot()
view = filters.current()

with st.container(horizontal=True, vertical_alignment="center", gap="small", key="scorecard_status"):
    st.badge("Not signed off", icon=":material/pending:", color="orange",
             help="The CMO and the VP of Sales sign each quarter off together on the Charter & sign-off page, "
                  "once the quarter's charter is in place.")
    st.caption(f"{filters.describe(view)} · data as of {fmt.day(snapshot.as_of)} · default definitions (no charter "
               "for this quarter yet)")

with st.spinner(f"Computing {view.quarter} and the seven quarters before it…"):
    comparisons = numbers.comparisons(view, tiles.scorecard_names())
empty = not numbers.has_data(view)
if empty:
    st.info(f"No data for this quarter: nothing was recorded in {view.quarter} for "
            "these filters. Pick another quarter or widen the filters.",
            icon=":material/event_busy:")

columns = st.columns(3, gap="small")
for column, role in zip(columns, tiles.SCORECARD_METRICS):
    with column:
        layout.role_heading(role)
        tiles.scorecard_column(role, comparisons, quarter_empty=empty)

if st.toggle("Show every catalog metric for the quarter", key="scorecard_all"):
    with st.spinner("Computing every catalog metric…"):
        everything = numbers.comparisons(view, [m.name for m in catalog.headline_metrics()])
    st.dataframe(tiles.comparison_table(list(everything.values())), hide_index=True,
                 column_config={"Definition": st.column_config.TextColumn(width="large")})
