"""Campaigns: every campaign shown plainly, its results, attribution under any model, and the alignment quadrant."""

import streamlit as st

from alignment.board import csvs
from alignment.presentation import formats as fmt
from alignment.presentation import palette
from ui import campaigns, charts, figures, filters, layout, numbers, tables, tiles
from ui.text import literal

TILES = ["marketing_influenced_pipeline", "marketing_influenced_bookings", "cost_per_sales_ready_lead",
         "pipeline_roi", "bookings_roi"]
TOP = 15
CAMPAIGN_COLUMNS = {
    "campaign_name": ("Campaign", None), "channel": ("Channel", tables.CATEGORY), "content": ("Content", None),
    "targeting": ("Targeting", None), "start_date": ("Start", None), "end_date": ("End", None),
    "sales_sponsor": ("Sales sponsor", None), "cost": ("Cost in the quarter", "currency"),
    "cost_basis": ("Cost from", None), "members": ("Members added", "count"), "responses": ("Responses", "count"),
    "mqls": ("MQLs touched", "count"), "sales_ready_mqls": ("Sales-ready MQLs", "count"),
    "lead_quality": ("Lead quality", "percent"), "cost_per_sales_ready_lead": ("Cost per sales-ready lead", "currency"),
    "influenced_pipeline": ("Influenced pipeline", "currency"),
    "attributed_pipeline": ("Attributed pipeline", "currency"),
    "attributed_bookings": ("Attributed bookings", "currency"), "pipeline_roi": ("Pipeline ROI", "ratio"),
    "bookings_roi": ("Bookings ROI", "ratio"),
}

view = filters.current()
definitions = numbers.definitions(view)
st.caption(f"{filters.describe(view)} · campaign cost, attribution and the quadrant are company-wide: cost carries no "
           "region or segment, so those filters apply to lead quality only")

with st.spinner(f"Computing {view.quarter} and the seven quarters before it…"):
    comparisons = numbers.comparisons(view, TILES)
empty = not numbers.has_data(view)
if empty:
    layout.no_data(view)

# --- what marketing influenced -------------------------------------------------------------------------------------
st.subheader("What campaigns touched", anchor=False, help=tiles.definition("marketing_influenced_pipeline"))
for column, name in zip(st.columns(len(TILES)), TILES):
    with column:
        tiles.tile(comparisons[name], quarter_empty=empty)
st.caption(f"Bought-lead benchmark: {fmt.currency(definitions.bought_lead_price)} a lead (the quarter's charter "
           "sets it). Influenced and ROI totals are the same under every attribution model: the "
           "models only share each deal out differently between campaigns.")

# --- the model of record and the switcher --------------------------------------------------------------------------
st.subheader("Campaigns of the quarter", anchor=False, help=tiles.definition("campaign_results"))
model = st.segmented_control(
    "Attribution model", list(campaigns.MODEL_LABELS), format_func=campaigns.MODEL_LABELS.get,
    default=definitions.model_of_record, required=True, key="campaigns_model",
    help=f"The model of record is {campaigns.MODEL_LABELS[definitions.model_of_record]}; switch to see how another "
         "model shares each deal out.")
chosen = definitions.model_copy(update={"model_of_record": model})
with st.spinner("Crediting campaigns…"):
    results = campaigns.results("campaign_results", view, chosen)
    channels = campaigns.results("channel_results", view, chosen)
st.caption(f"Model card: **{results.attrs['model_card']}**"
           + (" · the model of record" if model == definitions.model_of_record else " · not the model of record"))
if "caveat" in results.attrs:
    st.caption(f"Caveat: {results.attrs['caveat']}.")

demand = results[results["funnel_role"] == "demand_gen"]
awareness = results[results["funnel_role"] == "awareness"]
running = demand[demand["runs_in_quarter"]]
earlier = demand[~demand["runs_in_quarter"]]
st.markdown(f"**Attributed pipeline by campaign** · {results.attrs['model_card']}"
            + (f" · the {TOP} largest of {fmt.count(len(demand))}" if len(demand) > TOP else ""))
if demand.empty:
    layout.no_data(view, "no demand-generation campaign was credited with a deal")
else:
    figures.plotly_chart(charts.ranked_bars,
        demand, label="campaign_name", value="attributed_pipeline", unit="currency",
        x_title=f"Pipeline created in {view.quarter} credited to the campaign", colour=palette.DEMAND_GEN, limit=TOP,
        hover={"cost": ("Cost in the quarter", "currency"), "pipeline_roi": ("Pipeline ROI", "ratio"),
               "attributed_bookings": ("Attributed bookings", "currency")}, key="campaigns_pipeline_bars")
st.markdown(f"**Pipeline ROI by channel** · {results.attrs['model_card']}", help=tiles.definition("channel_results"))
returning = channels[(channels["funnel_role"] == "demand_gen") & channels["pipeline_roi"].notna()]
if returning.empty:
    st.caption(f"No demand-generation channel had cost in {view.quarter}, so none has a return to show.")
else:
    figures.plotly_chart(charts.ranked_bars,
        returning, label="channel", value="pipeline_roi", unit="ratio",
        x_title=f"Attributed pipeline per {fmt.symbol()}1 of the channel's cost in the quarter", colour=palette.DEMAND_GEN,
        hover={"cost": ("Cost", "currency"), "attributed_pipeline": ("Attributed pipeline", "currency"),
               "attributed_bookings": ("Attributed bookings", "currency"),
               "cost_per_sales_ready_lead": ("Cost per sales-ready lead", "currency")},
        key="campaigns_channel_roi")

st.markdown(f"**Every demand-generation campaign running in {view.quarter}, plainly**")
st.caption("Cost from 'budgeted cost' means no actual cost was recorded: the budget stands in. Influenced pipeline "
           "counts a deal whole for every campaign that touched it; attributed pipeline and bookings share it out "
           f"({results.attrs['model_card']}).")
st.dataframe(tables.readable(running, CAMPAIGN_COLUMNS), hide_index=True, key="campaigns_table")
if len(earlier):
    with st.expander(f"{fmt.count(len(earlier))} earlier campaigns credited with {view.quarter}'s deals"):
        st.caption("They ran before the quarter; people they touched are on deals opened or won in it.")
        st.dataframe(tables.readable(earlier, CAMPAIGN_COLUMNS), hide_index=True, key="campaigns_earlier_table")
st.download_button("Download campaigns (CSV)", csvs.to_csv(results).encode("utf-8"),
                   file_name=f"campaigns-{view.quarter}.csv", mime="text/csv", icon=":material/download:",
                   key="campaigns_download", on_click="ignore")

# --- every model side by side --------------------------------------------------------------------------------------
st.subheader("Every attribution model, side by side", anchor=False)
names = dict(zip(running["campaign_id"], running["campaign_name"]))
picked = st.multiselect("Campaigns to compare", list(names), default=list(names)[:5], format_func=names.get,
                        key="campaigns_compare")
basis = st.segmented_control("Basis", ["pipeline", "bookings"], format_func=str.capitalize, default="pipeline",
                             required=True, key="campaigns_basis")
if picked:
    with st.spinner("Running all eight models…"):
        compared = campaigns.side_by_side(view, picked, definitions, basis)
    st.caption(f"Model card: **{compared.attrs['model_card']}** · {compared.attrs['caveat']}.")
    st.dataframe(tables.readable(compared.assign(campaign=compared["campaign_id"].map(names)), {
        "campaign": ("Campaign", None),
        **{m: (label + (" (of record)" if m == definitions.model_of_record else ""), "currency")
           for m, label in campaigns.MODEL_LABELS.items()}}), hide_index=True, key="campaigns_models_table")

# --- contact level and account level ------------------------------------------------------------------------------
st.subheader("Contact level and account level, side by side", anchor=False)
linking_basis = st.segmented_control("Basis", ["pipeline", "bookings"], format_func=str.capitalize,
                                     default="pipeline", required=True, key="campaigns_linking_basis")
with st.spinner("Crediting campaigns both ways…"):
    linked = campaigns.by_linking(view, chosen, linking_basis)
LINKING_LABELS = {"contacts": "Contact level", "account": "Account level"}
charter_choice = {name: label + (" (the charter's)" if name == definitions.linking else "")
                  for name, label in LINKING_LABELS.items()}
counted = "opened" if linking_basis == "pipeline" else "won"
st.caption(f"The same model ({campaigns.MODEL_LABELS[model]}) credits each deal {counted} in {view.quarter} once "
           "through its contacts (contact roles and converted leads) and once through everyone at its account; the "
           "difference is account level − contact level. Both add up to the same total: linking "
           "only moves credit between campaigns. The charter's choice is marked. Model cards: "
           + " · ".join(f"**{literal(card)}**" for card in linked.attrs["model_cards"].values()) + ".")
for caveat in linked.attrs["caveats"]:
    st.caption(f"Caveat, {literal(caveat)}.")
if linked.empty:
    layout.no_data(view, "no deal was credited")
else:
    st.dataframe(tables.readable(linked, {
        "campaign_name": ("Campaign", None), "contacts": (charter_choice["contacts"], "currency"),
        "account": (charter_choice["account"], "currency"), "difference": ("Difference", "currency")}),
        hide_index=True, key="campaigns_linking_table")

# --- the alignment quadrant ----------------------------------------------------------------------------------------
st.subheader("The alignment quadrant", anchor=False)
by = st.segmented_control("Place", ["campaign", "channel"], format_func=lambda v: f"By {v}", default="campaign",
                          required=True, key="campaigns_quadrant_by")
with st.spinner("Placing campaigns…"):
    placed = campaigns.placed(view, chosen, by)
bars = placed.attrs
judged = placed[placed["funnel_role"] == "demand_gen"]
st.caption(
    f"Model card: **{results.attrs['model_card']}**. **Delivers value** (up): attributed pipeline per "
    f"{fmt.symbol()}1 of cost at or above "
    f"{fmt.currency(bars['delivery_threshold'])} — what {fmt.symbol()}1 of bought leads returns ("
    f"{fmt.currency(bars['attributed_pipeline'])} attributed pipeline ÷ {fmt.count(bars['inquiries'])} inquiries ÷ "
    f"{fmt.currency(bars['bought_lead_price'])} a bought lead) — and lead quality at or above the company's "
    f"{fmt.percent(bars['lead_quality_bar'])} (held against a campaign only from {bars['min_mqls']} MQLs on). "
    "**Demonstrates value** (right): "
    f"traceability of at least {fmt.percent(bars['traceability_threshold'])}, the mean of the share of members with a "
    "response date, the share of influenced deals with contact roles, and how much of content, targeting, dates, "
    "channel and cost is filled in. Hover a point for the reason in words; its colour is where it is placed.")
chart_column, count_column = st.columns([3, 1], gap="large")
with chart_column:
    figures.plotly_chart(charts.quadrant_scatter,
        judged, label="name" if by == "campaign" else "channel", x_threshold=bars["traceability_threshold"],
        y_threshold=bars["delivery_threshold"], key="campaigns_quadrant")
with count_column:
    for name in campaigns.QUADRANTS:
        st.metric(name, fmt.count((judged["quadrant"] == name).sum()), border=True)
unplotted = judged[~(judged["pipeline_per_cost"] > 0)]
if len(unplotted):
    st.caption(f"Not drawn (no cost or no attributed pipeline in the quarter, so no pipeline per {fmt.symbol()}1): "
               f"{fmt.count(len(unplotted))} — listed in the table below.")
if by == "campaign" and bars.get("programs_left_out"):
    st.caption(f"Left out: {len(bars['programs_left_out'])} programs (parents of other campaigns) with no cost and no "
               "members of their own — their campaigns are placed one by one: "
               + ", ".join(literal(name) for name in bars["programs_left_out"]) + ".")
label_column = {"name": ("Campaign", None)} if by == "campaign" else {"channel": ("Channel", tables.CATEGORY)}
st.dataframe(tables.readable(judged, {**label_column, "quadrant": ("Placed", None),
                                      "pipeline_per_cost": (f"Pipeline per {fmt.symbol()}1", "ratio"),
                                      "traceability": ("Traceability", "percent"),
                                      "explanation": ("Why", None)}),
             hide_index=True, key="campaigns_quadrant_table",
             column_config={"Why": st.column_config.TextColumn(width="large")})

# --- awareness, judged apart ---------------------------------------------------------------------------------------
st.subheader("Awareness campaigns, judged apart", anchor=False, help=tiles.definition("awareness_by_channel"))
st.caption("Awareness work (TV, billboards, display, social, PR, podcasts) is not meant to produce leads: it is "
           "judged by its own reach-type numbers, never called mis-aligned for producing none.")
st.dataframe(tables.readable(numbers.rows("awareness_by_channel", view), {
    "channel": ("Channel", tables.CATEGORY), "campaigns": ("Campaigns", "count"),
    "cost": ("Cost in the quarter", "currency"),
    "impressions": ("Impressions", "count"), "reach": ("Reach", "count"), "site_visits": ("Site visits", "count"),
    "cost_per_thousand_impressions": ("Cost per 1,000 impressions", "currency")}), hide_index=True,
    key="campaigns_awareness_reach")
st.dataframe(tables.readable(awareness[awareness["runs_in_quarter"]], {
    "campaign_name": ("Campaign", None), "channel": ("Channel", tables.CATEGORY), "content": ("Content", None),
    "targeting": ("Targeting", None), "start_date": ("Start", None), "end_date": ("End", None),
    "cost": ("Cost in the quarter", "currency"), "sales_sponsor": ("Sales sponsor", None)}), hide_index=True,
    key="campaigns_awareness")

layout.quality_notes(["campaigns_without_cost", "campaigns_budget_only", "campaigns_without_sponsor",
                      "campaign_dates_reversed", "responses_without_date"])
