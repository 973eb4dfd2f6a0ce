"""Campaigns: every campaign shown plainly, its results, attribution and the alignment quadrant."""

import streamlit as st

from ui import context, filters, layout

snapshot = context.snapshot()
view = filters.current()

layout.planned(
    "Every campaign will be shown plainly — content, targeting, start and end dates, channel, sales sponsor and "
    "cost — with its results, an attribution model switcher with the model's card, and the alignment quadrant "
    "(delivers value × demonstrates value)."
)
st.caption(filters.describe(view))
layout.count_tiles(snapshot, ["campaigns", "campaign_members", "campaign_spend"])
layout.records_note()
layout.quality_notes(["campaigns_without_cost", "campaigns_budget_only", "campaigns_without_sponsor",
                      "campaign_dates_reversed", "responses_without_date"])
