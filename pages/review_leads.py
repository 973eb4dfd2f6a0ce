"""Leads & SLA: what sales does with the leads marketing sends, how fast, how good those leads are, and who engages."""

import pandas as pd
import streamlit as st

from alignment.board import csvs
from alignment.presentation import formats as fmt
from alignment.presentation import palette
from ui import charts, context, figures, filters, layout, links, numbers, tables, tiles
from ui.text import literal

TILES = ["acceptance_rate", "disqualified", "sla_met_share", "median_hours_to_follow_up",
         "never_followed_up", "lead_quality", "sales_ready_mqls"]
QUALITY_BY = {"campaign": ("lead_quality_by_campaign", "campaign_name"),
              "channel": ("lead_quality_by_channel", "channel"),
              "segment": ("lead_quality_by_segment", "segment"),
              "owner": ("lead_quality_by_owner", "owner_name")}
QUALITY_COLUMNS = {"mqls": ("MQLs", "count"), "sales_ready_mqls": ("Sales-ready MQLs", "count"),
                   "lead_quality": ("Lead quality", "percent")}
TOP = 15

snapshot = context.snapshot()
view = filters.current()
definitions = numbers.definitions(view)
sla = fmt.hours(definitions.sla_hours)
st.caption(f"{filters.describe(view)} · the MQLs of the quarter: people whose MQL date falls in {view.quarter} · "
           f"follow-up SLA {sla}, acceptance target {fmt.percent(definitions.acceptance_target)} (the "
           f"{view.quarter} charter's)")

with st.spinner(f"Computing {view.quarter} and the seven quarters before it…"):
    comparisons = numbers.comparisons(view, TILES)
empty = not numbers.has_data(view)
if empty:
    layout.no_data(view)

# --- acceptance ----------------------------------------------------------------------------------------------------
st.subheader("Sales acceptance", anchor=False, help=tiles.definition("acceptance_rate"))
rate_column, outcome_column = st.columns([1, 2], gap="large")
with rate_column:
    tiles.tile(comparisons["acceptance_rate"], quarter_empty=empty)
with outcome_column:
    outcomes = tables.acceptance_outcomes(numbers.rows("acceptance_rate", view), comparisons["disqualified"].value)
    st.caption(f"What sales did with the {view.quarter} MQLs it has decided on: rejection happens before contact, "
               "disqualification after it; they are reported apart.")
    figures.plotly_chart(charts.outcome_bars, outcomes, label="outcome", value="people", x_title="MQLs",
                         colours=[palette.SALES, palette.MISS, palette.NEUTRAL], key="leads_outcomes")

rejected_column, disqualified_column = st.columns(2, gap="large")
for column, name, verb in ((rejected_column, "rejection_reasons", "rejected"),
                           (disqualified_column, "disqualification_reasons", "disqualified")):
    with column:
        st.markdown(f"**Why sales {verb} MQLs**", help=tiles.definition(name))
        reasons = numbers.rows(name, view)
        if reasons.empty:
            st.caption(f"No MQL of {filters.describe(view)} was {verb}: nothing to explain.")
        else:
            figures.plotly_chart(charts.ranked_bars,
                reasons, label="reason", value="people", unit="count", x_title="MQLs (people)",
                colour=palette.SALES, hover={"share": ("Share", "percent")}, key=f"leads_{name}")

# --- follow-up -----------------------------------------------------------------------------------------------------
st.subheader(f"Follow-up against the {sla} SLA", anchor=False, help=tiles.definition("sla_met_share"))
for column, name in zip(st.columns(3), ["sla_met_share", "median_hours_to_follow_up", "never_followed_up"]):
    with column:
        tiles.tile(comparisons[name], quarter_empty=empty)

with st.spinner("Measuring follow-up times…"):
    distribution = numbers.rows("follow_up_distribution", view)
    regions = [view.region] if view.region else snapshot.regions
    by_region = pd.concat([distribution.iloc[:0]] + [
        numbers.rows("follow_up_distribution", view.model_copy(update={"region": region})).assign(region=region)
        for region in regions], ignore_index=True)
    by_owner = numbers.rows("follow_up_by_owner", view)

if distribution.empty:
    layout.no_data(view, "no MQL to follow up")
else:
    band_column, region_column = st.columns(2, gap="large")
    with band_column:
        st.markdown("**Time to first follow-up**", help=tiles.definition("follow_up_distribution"))
        figures.plotly_chart(charts.band_bars, distribution, key="leads_follow_up_bands")
    with region_column:
        st.markdown("**By region**", help=tiles.definition("follow_up_distribution"))
        figures.plotly_chart(charts.share_stacks,
            by_region, row="region", segment="band", order="band_order", share="share", value="people",
            colours=charts.band_colours(distribution), x_title="Share of the region's MQLs",
            key="leads_follow_up_regions")

    st.markdown("**By owner: median hours to first follow-up**", help=tiles.definition("follow_up_by_owner"))
    st.caption(f"Slowest first; red bars miss the {sla} SLA at the median. Hover a bar for the owner's MQLs, the share "
               "followed up within the SLA and the MQLs never followed up.")
    figures.plotly_chart(charts.ranked_bars,
        by_owner, label=["owner_name", "region"], value="median_hours", unit="hours",
        x_title="Median hours to first follow-up", colour=palette.SALES, reference=definitions.sla_hours,
        reference_label=f"SLA {sla}", highlight_over=definitions.sla_hours,
        hover={"mqls": ("MQLs", "count"), "sla_met_share": ("Within SLA", "percent"),
               "never_followed_up": ("Never followed up", "count")}, key="leads_follow_up_owners")

# --- lead quality --------------------------------------------------------------------------------------------------
st.subheader("Lead quality", anchor=False, help=tiles.definition("lead_quality"))
criteria_column, quality_column, ready_column = st.columns([2, 1, 1], gap="medium")
with criteria_column:
    personas = " or ".join(literal(p.replace("_", " ")) for p in definitions.sales_ready_personas)
    st.markdown(
        "An MQL is **sales-ready** when all three hold:\n"
        "1. **Target account**: its account is one sales wants to penetrate;\n"
        f"2. **Role in the decision**: the person is a {personas};\n"
        f"3. **Interest shown**: at least {definitions.interest_touches} responded campaign touches in the "
        f"{definitions.interest_window_days} days before the MQL date.\n\n"
        "Lead quality is the share of the quarter's MQLs that are sales-ready.")
with quality_column:
    tiles.tile(comparisons["lead_quality"], quarter_empty=empty)
with ready_column:
    tiles.tile(comparisons["sales_ready_mqls"], quarter_empty=empty)

by = st.segmented_control("Lead quality by", list(QUALITY_BY), format_func=str.capitalize, default="campaign",
                          required=True, key="leads_quality_by")
name, label = QUALITY_BY[by]
with st.spinner(f"Judging the MQLs by {by}…"):
    quality = numbers.rows(name, view)
many = len(quality) > TOP
st.markdown(f"**Lead quality by {by}**" + (f" (the {TOP} with the most MQLs)" if many else ""),
            help=tiles.definition(name))
if quality.empty:
    layout.no_data(view, "no MQL")
else:
    figures.plotly_chart(charts.ranked_bars,
        quality, label=label, value="lead_quality", unit="percent", x_title="Sales-ready share of MQLs",
        colour=palette.DEMAND_GEN, limit=TOP, keep_largest="mqls",
        hover={"mqls": ("MQLs", "count"), "sales_ready_mqls": ("Sales-ready", "count")},
        key="leads_quality_chart")
if many:
    with st.expander(f"All {fmt.count(len(quality))} rows"):
        st.dataframe(tables.readable(quality, {label: (by.capitalize(), tables.CATEGORY), **QUALITY_COLUMNS}),
                     hide_index=True, key="leads_quality_table")

# --- engagement ----------------------------------------------------------------------------------------------------
st.subheader("Most engaged accounts and people", anchor=False, help=tiles.definition("engaged_accounts"))
st.caption(f"Responded campaign touches in {view.quarter}, most first: who sales should call now. Days since the last "
           "touch are counted to the quarter's end.")
TOUCH_COLUMNS = {
    "responded_touches": st.column_config.NumberColumn("Responded touches", format="%d"),
    "last_touch_at": st.column_config.DatetimeColumn("Last touch", format="D MMM YYYY"),
    "days_since_last_touch": st.column_config.NumberColumn("Days since last touch", format="%d"),
}
accounts_tab, people_tab = st.tabs(["Accounts", "People"])
with accounts_tab:
    accounts = numbers.rows("engaged_accounts", view)
    st.dataframe(links.with_journey_links(accounts, accounts["account_id"]), hide_index=True,
                 key="leads_engaged_accounts", placeholder="—", column_order=[
        "account_name", links.JOURNEY_COLUMN, "is_target_account", "responded_touches", "people_engaged",
        "last_touch_at", "days_since_last_touch", "account_id"], column_config={
        "account_id": "Account id", "account_name": "Account", "people_engaged": "People engaged",
        "is_target_account": st.column_config.CheckboxColumn("Target account"), **TOUCH_COLUMNS,
        **links.journey_column()})
    st.download_button("Download accounts (CSV)", csvs.to_csv(accounts).encode("utf-8"),
                       file_name=f"engaged-accounts-{view.quarter}.csv", mime="text/csv",
                       icon=":material/download:", key="leads_download_accounts", on_click="ignore")
with people_tab:
    people = numbers.rows("engaged_people", view)
    st.dataframe(links.with_journey_links(people, people["account_id"]), hide_index=True,
                 key="leads_engaged_people", placeholder="—", column_order=[
        "title", "persona", "account_name", links.JOURNEY_COLUMN, "owner_name", "responded_touches",
        "last_touch_at", "days_since_last_touch", "person_id"], column_config={
        "person_id": "Person id", "title": "Title", "persona": "Persona", "account_id": "Account id",
        "account_name": "Account", "owner_name": "Owner", **TOUCH_COLUMNS, **links.journey_column()})
    st.download_button("Download people (CSV)", csvs.to_csv(people).encode("utf-8"),
                       file_name=f"engaged-people-{view.quarter}.csv", mime="text/csv",
                       icon=":material/download:", key="leads_download_people", on_click="ignore")
