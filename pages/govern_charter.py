"""Charter & sign-off: the quarter's definitions, targets and mappings, and the joint sign-off."""

import streamlit as st

from ui import charter_view, filters, layout

view = filters.current()

layout.planned(
    "The charter will hold, for each quarter, the definitions, targets and mappings the CMO and the VP of Sales "
    "agree on; both sign the quarter off here, and every sign-off is kept in an append-only, tamper-evident history."
)
st.subheader(f"Default definitions (until the {view.quarter} charter is agreed)", anchor=False)
st.table(charter_view.default_definitions(), hide_index=True, border="horizontal")
st.caption("Channels not listed as awareness count as demand generation.")
