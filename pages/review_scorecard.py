"""Scorecard: the quarter's charter metrics on one screen, awareness beside demand generation beside sales."""

import streamlit as st

from alignment import catalog
from alignment.presentation import formats as fmt
from ui import awareness as awareness_estimates
from ui import charter_view, context, filters, layout, numbers, pace, tiles
from ui import explore as explore_links

snapshot = context.snapshot()
view = filters.current()
charter = numbers.charter(view)
status = numbers.signoff_status(view)

with st.container(horizontal=True, vertical_alignment="center", gap="small", key="scorecard_status"):
    charter_view.status_badges(status)
    version = f"charter version {charter.version}" if charter.version else "draft charter, not yet saved"
    st.caption(f"{filters.describe(view)} · data as of {fmt.day(snapshot.as_of)} · {view.quarter} {version}")

if pace.is_running(view):
    with st.spinner(f"Pacing {view.quarter} to date…"):
        pace.section(view)

with st.spinner(f"Computing {view.quarter} and the seven quarters before it…"):
    comparisons = numbers.comparisons(view, charter.metrics_and_pairs())
empty = not numbers.has_data(view)
if empty:
    layout.no_data(view)

st.html(explore_links.TILE_LINK_STYLE)
columns = st.columns(3, gap="small")
for column, (role, names) in zip(columns, charter.by_funnel_role().items()):
    # Tiles close together, so the three columns (and the awareness estimate) read as one screen.
    with column, st.container(gap="xsmall", key=f"scorecard_column_{role}"):
        layout.role_heading(role)
        for name in names:
            feeds = catalog.spec(name).pairs_with
            tiles.compact_tile(comparisons[name], role=role, view=view, quarter_empty=empty,
                               paired=comparisons.get(feeds) if role != "sales" else None)
        if role == "awareness":
            awareness_estimates.scorecard_tile(view)

with st.expander("Targets vs actuals", icon=":material/flag:"):
    st.dataframe(charter_view.targets_vs_actuals(comparisons, list(charter.metrics)), hide_index=True)
    st.caption("Targets come from the quarter's charter; under a region or segment filter, totals are judged "
               "against that region's or segment's own target, rates against the company's.")

if st.toggle("Show every catalog metric for the quarter", key="scorecard_all"):
    with st.spinner("Computing every catalog metric…"):
        everything = numbers.comparisons(view, [m.name for m in catalog.headline_metrics()])
    st.dataframe(tiles.comparison_table(list(everything.values())), hide_index=True,
                 column_config={"Definition": st.column_config.TextColumn(width="large")})
