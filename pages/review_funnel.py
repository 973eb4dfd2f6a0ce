"""Funnel: how people move from inquiry to deal and deals through their stages, by period and by cohort, with
Forrester's four measures per stage."""

import streamlit as st

from alignment.presentation import formats as fmt
from alignment.presentation import palette
from ui import charts, context, explore, figures, filters, layout, numbers, tables, tiles

VIEWS = {"period": "Period", "cohort": "Cohort"}
STAGE_METRICS = {"inquiry": "inquiries", "mql": "mqls", "sal": "sals", "sql": "sqls", "opportunity": "opportunities",
                 "won": "won"}
SPLITS = {"none": "No split", "source_category": "Source category", "lead_source": "Lead source",
          "channel": "Channel", "segment": "Segment", "region": "Region"}
POLICIES = {
    "backfill": "skipped stages are **back-filled**: someone who reached a later stage without an earlier one counts "
                "as having reached the earlier one on the later stage's date",
    "strict": "skipped stages are **not back-filled**: a stage counts only when it was recorded",
}
DEAL_POLICIES = {
    "backfill": "A deal that skipped a stage counts as having passed it on the date of the next stage it reached, "
                "and a won deal as having passed every open stage.",
    "strict": "A deal counts at a stage only when its history records it.",
}

snapshot = context.snapshot()
view = filters.current()
definitions = numbers.definitions(view)
missing = numbers.missing_inputs()
people_loaded, counts_loaded = "people" not in missing, "stage_counts" not in missing

with st.container(horizontal=True, vertical_alignment="bottom", gap="medium", key="funnel_controls"):
    kind = st.segmented_control("View", list(VIEWS), format_func=VIEWS.get, default="period", required=True,
                                key="funnel_view",
                                help="Period: people (and deals) reaching each stage inside the quarter. Cohort: the "
                                     "quarter's inquiries (and deals created), followed through the funnel to the "
                                     "data's as-of date.")
    split = st.segmented_control("Split by", list(SPLITS), format_func=SPLITS.get, default="none", required=True,
                                 key="funnel_split")

st.caption(f"{filters.describe(view)} · stage policy in force: {POLICIES[definitions.stage_policy]} (the "
           f"{view.quarter} charter's).")
by = SPLITS[split].lower()

if kind == "period":
    ratio_label, explanation = "Flow ratio", (
        f"How many people reached each stage inside {view.quarter}. Most people reaching two stages in one quarter "
        "are different people, so the ratio between stages is a **flow ratio**, not a conversion rate.")
else:
    ratio_label, explanation = "Conversion", (
        f"The people whose inquiry falls in {view.quarter}, and how many of them have reached each stage by "
        f"{fmt.day(snapshot.as_of)}. The ratio between stages is the **conversion**; velocity is the median days "
        "from one stage to the next.")

if people_loaded or counts_loaded:
    unavailable = numbers.funnel_unavailable(kind)
    st.subheader(f"Waterfall, {VIEWS[kind].lower()} view", anchor=False, help=tiles.definition(f"funnel_{kind}"))
    st.markdown(explanation)
    if not people_loaded and not unavailable:
        st.caption("Counted from the stage counts per period that were loaded (counts without ids): a count belongs "
                   "to the quarter its period starts in, and velocity needs people with stage dates.")
    if unavailable:
        st.info(f"The {unavailable}.", icon=":material/info:")
    elif not numbers.has_data(view):
        layout.no_data(view)
    else:
        with st.spinner("Building the waterfall…"):
            waterfall = numbers.funnel(view, kind)
        if waterfall.empty:
            layout.no_data(view, "nobody reached any stage")
        else:
            figures.plotly_chart(charts.waterfall, waterfall, key="funnel_waterfall")
            if people_loaded:
                with st.container(horizontal=True, vertical_alignment="center", gap="small",
                                  key="funnel_explore_links"):
                    st.caption("Open a stage's people in Explore:", help="As the period view counts them: the people "
                               "who reached the stage in the quarter.")
                    for stage, metric in STAGE_METRICS.items():
                        explore.link(metric, view, label=palette.STAGE_LABELS[stage],
                                     by=None if split == "none" else split)

            st.subheader("Four measures per stage", anchor=False,
                         help="Forrester's waterfall measures: volume (people), conversion between stages, velocity "
                              "(median days from the stage before) and value (pipeline created at opportunity, "
                              "bookings at won).")
            st.dataframe(
                tables.four_measures(waterfall, ratio_label=ratio_label), hide_index=True, key="funnel_measures")

    if split != "none" and not unavailable:
        with st.spinner(f"Splitting the waterfall by {by}…"):
            parts = numbers.funnel(view.model_copy(update={"split": split}), kind)
        st.subheader(f"By {by}", anchor=False, help=tiles.definition(f"funnel_{kind}"))
        if parts.empty:
            layout.no_data(view, "nobody reached any stage")
        else:
            st.caption(f"One waterfall per {by}, each on its own scale so small groups stay readable; hover a bar "
                       f"for its {ratio_label.lower()}, velocity and value.")
            figures.plotly_chart(charts.waterfall_small_multiples, parts, dimension=split, key="funnel_split_chart")
            with st.expander(f"The four measures by {by}, as a table"):
                st.dataframe(
                    tables.four_measures(parts, ratio_label=ratio_label, split_header=SPLITS[split], split=split),
                    hide_index=True, key="funnel_split_measures")
elif "opportunities" not in missing:
    st.info(f"This page follows deals through their stages: the people waterfall needs people (leads or contacts), "
            f"and its {numbers.funnel_unavailable('cohort')}.", icon=":material/info:")

if "opportunities" not in missing:
    deal_ratio = f"{ratio_label} (at lost: the loss rate)"
    if kind == "period":
        deal_explanation = (f"How many deals entered each stage inside {view.quarter}, whenever they were created, "
                            "then how many were won and lost (by close date).")
    else:
        deal_explanation = (f"The deals created in {view.quarter}, and how many of them have reached each stage by "
                            f"{fmt.day(snapshot.as_of)}, then how many were won and lost.")
    st.subheader(f"Deal stages, {VIEWS[kind].lower()} view", anchor=False, help=tiles.definition("funnel_deals"))
    st.markdown(deal_explanation + " At lost, the ratio is the **loss rate**: lost of the deals won or lost.")
    if "stage_history" in missing:
        st.info(f"Velocity needs stage history: {missing['stage_history']}.", icon=":material/info:")
    else:
        st.caption(f"Open stages in the order the stage history shows. {DEAL_POLICIES[definitions.stage_policy]}")
    with st.spinner("Following the deals through their stages…"):
        deals = numbers.deal_funnel(view, kind)
    if deals.empty:
        layout.no_data(view, "no deal reached any stage")
    else:
        figures.plotly_chart(charts.waterfall, deals, volume="deals", volume_title="Deals", key="funnel_deals_chart")
        st.dataframe(tables.four_measures(deals, ratio_label=deal_ratio, volume="deals", volume_header="Deals"),
                     hide_index=True, key="funnel_deals_measures")
    if split != "none":
        with st.spinner(f"Splitting the deals by {by}…"):
            deal_parts = numbers.deal_funnel(view.model_copy(update={"split": split}), kind)
        if not deal_parts.empty:
            st.subheader(f"Deal stages by {by}", anchor=False, help=tiles.definition("funnel_deals"))
            figures.plotly_chart(charts.waterfall_small_multiples, deal_parts, dimension=split, volume="deals",
                                 volume_title="Deals", key="funnel_deals_split_chart")
            with st.expander(f"The deal stages by {by}, as a table"):
                st.dataframe(
                    tables.four_measures(deal_parts, ratio_label=deal_ratio, split_header=SPLITS[split], split=split,
                                         volume="deals", volume_header="Deals"),
                    hide_index=True, key="funnel_deals_split_measures")
elif not (people_loaded or counts_loaded):
    layout.no_data(view)
