"""Funnel: how people move from inquiry to deal, by period and by cohort, with Forrester's four measures per stage."""

import streamlit as st

from ui import charts, context, explore, figures, filters, layout, numbers, tables, tiles
from ui import format as fmt

VIEWS = {"period": "Period", "cohort": "Cohort"}
STAGE_METRICS = {"inquiry": "inquiries", "mql": "mqls", "sal": "sals", "sql": "sqls", "opportunity": "opportunities",
                 "won": "won"}
SPLITS = {"none": "No split", "source_category": "Source category", "channel": "Channel", "segment": "Segment",
          "region": "Region"}
POLICIES = {
    "backfill": "skipped stages are **back-filled**: someone who reached a later stage without an earlier one counts "
                "as having reached the earlier one on the later stage's date",
    "strict": "skipped stages are **not back-filled**: a stage counts only when it was recorded",
}

snapshot = context.snapshot()
view = filters.current()
definitions = numbers.definitions(view)

with st.container(horizontal=True, vertical_alignment="bottom", gap="medium", key="funnel_controls"):
    kind = st.segmented_control("View", list(VIEWS), format_func=VIEWS.get, default="period", required=True,
                                key="funnel_view",
                                help="Period: people reaching each stage inside the quarter. Cohort: the quarter's "
                                     "inquiries, followed through the funnel to the data's as-of date.")
    split = st.segmented_control("Split by", list(SPLITS), format_func=SPLITS.get, default="none", required=True,
                                 key="funnel_split")

st.caption(f"{filters.describe(view)} · stage policy in force: {POLICIES[definitions.stage_policy]} (the "
           f"{view.quarter} charter's).")

with st.spinner("Building the waterfall…"):
    waterfall = numbers.funnel(view, kind)

if kind == "period":
    ratio_label, explanation = "Flow ratio", (
        f"How many people reached each stage inside {view.quarter}. Most people reaching two stages in one quarter "
        "are different people, so the ratio between stages is a **flow ratio**, not a conversion rate.")
else:
    ratio_label, explanation = "Conversion", (
        f"The people whose inquiry falls in {view.quarter}, and how many of them have reached each stage by "
        f"{fmt.day(snapshot.as_of)}. The ratio between stages is the **conversion**; velocity is the median days "
        "from one stage to the next.")

st.subheader(f"Waterfall, {VIEWS[kind].lower()} view", anchor=False, help=tiles.definition(f"funnel_{kind}"))
st.markdown(explanation)
if not numbers.has_data(view):
    layout.no_data(view)
elif waterfall.empty:
    layout.no_data(view, "nobody reached any stage")
else:
    figures.plotly_chart(charts.waterfall, waterfall, key="funnel_waterfall")
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="funnel_explore_links"):
        st.caption("Open a stage's people in Explore:", help="As the period view counts them: the people who reached "
                   "the stage in the quarter.")
        for stage, metric in STAGE_METRICS.items():
            explore.link(metric, view, label=charts.STAGE_LABELS[stage], by=None if split == "none" else split)

    st.subheader("Four measures per stage", anchor=False,
                 help="Forrester's waterfall measures: volume (people), conversion between stages, velocity (median "
                      "days from the stage before) and value (pipeline created at opportunity, bookings at won).")
    st.dataframe(
        tables.four_measures(waterfall, ratio_label=ratio_label), hide_index=True, key="funnel_measures")

if split != "none":
    by = SPLITS[split].lower()
    with st.spinner(f"Splitting the waterfall by {by}…"):
        parts = numbers.funnel(view.model_copy(update={"split": split}), kind)
    st.subheader(f"By {by}", anchor=False, help=tiles.definition(f"funnel_{kind}"))
    if parts.empty:
        layout.no_data(view, "nobody reached any stage")
    else:
        st.caption(f"One waterfall per {by}, each on its own scale so small groups stay readable; hover a bar for "
                   f"its {ratio_label.lower()}, velocity and value.")
        figures.plotly_chart(charts.waterfall_small_multiples, parts, dimension=split, key="funnel_split_chart")
        with st.expander(f"The four measures by {by}, as a table"):
            st.dataframe(
                tables.four_measures(parts, ratio_label=ratio_label, split_header=SPLITS[split], split=split),
                hide_index=True, key="funnel_split_measures")
