"""Explore: any catalog metric by any dimension, down to the records."""

import streamlit as st

from ui import context, filters, layout

snapshot = context.snapshot()
view = filters.current()

layout.planned(
    "Explore will chart any metric of the catalog by any whitelisted dimension, let you click through to the "
    "records behind a number, download them as CSV, and keep its whole state in the URL so a link reopens it."
)
st.caption(filters.describe(view))
st.subheader("Dimensions in the loaded data", anchor=False)
regions, segments = st.columns(2, border=True)
with regions:
    st.metric("Regions", len(snapshot.regions))
    st.dataframe({"Region": snapshot.regions}, hide_index=True)
with segments:
    st.metric("Segments", len(snapshot.segments))
    st.dataframe({"Segment": snapshot.segments}, hide_index=True)
