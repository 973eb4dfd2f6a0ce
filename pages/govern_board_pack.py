"""Board pack: the quarter's exports for board members, and the per-rep sales digest."""

import streamlit as st

from ui import context, filters, layout
from ui import format as fmt

snapshot = context.snapshot()
view = filters.current()

layout.planned(
    "The board pack will preview and download the quarter's exports — a PowerPoint deck with native charts, a PDF "
    "and an Excel workbook, plus CSVs — and the per-rep digest: what marketing did for each rep's pipeline."
)
st.subheader(f"What a {view.quarter} pack would be built from", anchor=False)
st.write(f"Data as of {fmt.day(snapshot.as_of)}, imported {fmt.moment(snapshot.info.imported_at)}.")
st.caption("Data fingerprint (printed on every export so a pack can be traced to its data):")
st.code(snapshot.info.data_fingerprint, language=None)
