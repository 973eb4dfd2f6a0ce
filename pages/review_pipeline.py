"""Pipeline & revenue: the pipeline and bookings marketing sources, against the total, over eight quarters."""

import streamlit as st

from alignment import pipeline_walk
from alignment.presentation import formats, palette
from ui import charts, figures, filters, layout, numbers, tables, text, tiles
from ui import walk as walks

HEADLINES = ["pipeline", "marketing_sourced_pipeline", "share_sourced_by_marketing", "bookings"]
DEALS = ["win_rate_count", "win_rate_value", "average_deal_size", "sales_cycle_days"]
TRENDS = ["marketing_sourced_bookings"]  # charted by quarter beside bookings
SERIES = {"pipeline": "All pipeline", "marketing_sourced_pipeline": "Marketing-sourced",
          "bookings": "All bookings", "marketing_sourced_bookings": "Marketing-sourced",
          "share_sourced_by_marketing": "Share sourced by marketing",
          "win_rate_count": "By deals", "win_rate_value": "By value",
          "average_deal_size": "Average deal size", "sales_cycle_days": "Sales cycle (days)"}
TOTAL_VS_MARKETING = {"All pipeline": palette.SALES, "All bookings": palette.SALES,
                      "Marketing-sourced": palette.DEMAND_GEN}

view = filters.current()
st.caption(filters.describe(view))

with st.spinner(f"Computing {view.quarter} and the seven quarters before it…"):
    comparisons = numbers.comparisons(view, HEADLINES + DEALS + TRENDS)
empty = not numbers.has_data(view)
if empty:
    layout.no_data(view)

for names in (HEADLINES, DEALS):
    for column, name in zip(st.columns(len(names)), names):
        with column:
            tiles.tile(comparisons[name], quarter_empty=empty)


def trend(names: list[str]):
    return charts.trend_frame([comparisons[n] for n in names], labels=SERIES)


pipeline_column, bookings_column = st.columns(2, gap="large")
with pipeline_column:
    st.subheader("Pipeline by quarter", anchor=False, help=tiles.definition("marketing_sourced_pipeline"))
    figures.plotly_chart(charts.trend_bars,
        trend(["pipeline", "marketing_sourced_pipeline"]), unit="currency", colours=TOTAL_VS_MARKETING,
        y_title="Pipeline created", line=trend(["share_sourced_by_marketing"]), line_unit="percent",
        line_title="Share sourced by marketing", key="pipeline_trend")
with bookings_column:
    st.subheader("Bookings by quarter", anchor=False, help=tiles.definition("marketing_sourced_bookings"))
    figures.plotly_chart(charts.trend_bars,
        trend(["bookings", "marketing_sourced_bookings"]), unit="currency", colours=TOTAL_VS_MARKETING,
        y_title="Bookings (won deals)", key="bookings_trend")
st.caption("Marketing-sourced: the deal's lead source (or its converted lead's, or its primary contact's) maps to "
           "the marketing source category. Marketing-influenced pipeline (any campaign touch on the deal) comes with "
           "the attribution models on the Campaigns page.")

win_column, size_column = st.columns(2, gap="large")
with win_column:
    st.subheader("Win rate by quarter", anchor=False,
                 help=f"{tiles.definition('win_rate_count')}\n\n{tiles.definition('win_rate_value')}")
    figures.plotly_chart(charts.trend_lines,
        trend(["win_rate_count", "win_rate_value"]), unit="percent", y_title="Won / (won + lost)",
        colours={"By deals": palette.SALES, "By value": palette.NAVY}, key="win_rate_trend")
with size_column:
    st.subheader("Deal size and sales cycle", anchor=False,
                 help=f"{tiles.definition('average_deal_size')}\n\n{tiles.definition('sales_cycle_days')}")
    figures.plotly_chart(charts.trend_bars,
        trend(["average_deal_size"]), unit="currency", colours={"Average deal size": palette.SALES},
        y_title="Average deal size", line=trend(["sales_cycle_days"]), line_unit="days",
        line_title="Sales cycle (days)", key="deal_size_trend")

st.subheader("Pipeline and bookings by source category", anchor=False, help=tiles.definition("pipeline_by_source"))
with st.spinner("Splitting by source…"):
    by_source = numbers.rows("pipeline_by_source", view)
if by_source.empty:
    layout.no_data(view, "no deal was created or won")
else:
    figures.plotly_chart(charts.stacked_bars,
        by_source, category="source_category", measures={"pipeline": "Pipeline created", "bookings": "Bookings"},
        unit="currency", colours=palette.SOURCE_COLOURS, x_title=f"Amount, {view.quarter}",
        key="pipeline_by_source")

# --- The quarter's pipeline walk: where the open pipeline due in the quarter went --------------------------------------
st.subheader(f"Pipeline walk, {view.quarter}", anchor=False,
             help="The open deals whose close date lies in the quarter, at its first day and at its end (at the data's "
                  "as-of day while the quarter runs), rebuilt from the close-date and amount history. Each deal is in "
                  "one step, by its state at the start against its state at the end: a deal pushed out and pulled "
                  "back in stayed; a deal created (or pulled in) and then won, lost or moved out inside the quarter "
                  "is in none, and is counted beneath.")
with st.spinner("Walking the quarter's pipeline…"):
    walk = walks.walk(view)
if walk.not_measured:
    st.info(f"The pipeline walk is not measured: {text.literal(walk.not_measured)}.", icon=":material/block:")
else:
    st.caption(text.literal(" ".join(pipeline_walk.notes(walk))))
    figures.plotly_chart(charts.walk_waterfall, pipeline_walk.waterfall(walk), key="pipeline_walk")
    steps = pipeline_walk.table(walk)
    tables.show(tables.readable(steps, {"label": ("Step", None), "deals": ("Deals", "count"),
                                        "amount": ("Amount", "currency")}),
                key="pipeline_walk_table", file_name=f"pipeline-walk-{view.quarter}.csv", raw=steps)

    slipped = pipeline_walk.slipped(walk)
    st.subheader("Slipped deals", anchor=False,
                 help="Deals whose close date moved out of the quarter while they were in its pipeline, largest "
                      "first: the amount when they were due in it, the close date then and now, the stage now.")
    by_region = pipeline_walk.slipped_by_region(walk)
    if slipped.empty:
        st.caption("No deal slipped out of the quarter.")
    else:
        region_column, deals_column = st.columns([1, 2], gap="large")
        with region_column:
            tables.show(tables.readable(by_region, {
                "region": ("Region", tables.CATEGORY), "slipped_deals": ("Slipped deals", "count"),
                "slipped_amount": ("Slipped", "currency"), "slipped_share": ("Share of its pipeline", "percent")}),
                key="slipped_by_region", file_name=f"slipped-by-region-{view.quarter}.csv", raw=by_region)
        with deals_column:
            shown = slipped.assign(start_close_date=slipped["start_close_date"].map(formats.day),
                                   end_close_date=slipped["end_close_date"].map(formats.day))
            tables.show(tables.readable(shown, {
                "name": ("Deal", None), "account_name": ("Account", None), "owner_name": ("Owner", None),
                "region": ("Region", tables.CATEGORY), "start_amount": ("Amount", "currency"),
                "start_close_date": ("Was due", None), "end_close_date": ("Now due", None),
                "end_stage": ("Stage", None)}),
                key="slipped_deals", file_name=f"slipped-deals-{view.quarter}.csv", raw=slipped)

    st.subheader("By opportunity type", anchor=False,
                 help="The walk split by the deals' type (new business, expansion, renewal, other), with the "
                      "quarter's bookings of each type; the types add up to the whole walk.")
    split = pipeline_walk.by_type(walk)
    tables.show(tables.readable(split, {"label": ("Type", None), "start": ("Start", "currency"),
                                        **{key: (label, "currency") for key, label in pipeline_walk.MOVEMENTS.items()},
                                        "end": ("End", "currency"), "bookings": ("Bookings", "currency")}),
                key="walk_by_type", file_name=f"pipeline-walk-by-type-{view.quarter}.csv", raw=split)

st.subheader("Stage to stage", anchor=False,
             help="Of the deals entering each open stage over the four quarters ending with this one, the share that "
                  "reached a later stage or were won, and the median days they spent in the stage.")
conversion, reason = walks.stages(view)
if reason:
    st.info(f"Stage to stage is not measured: {text.literal(reason)}.", icon=":material/block:")
elif conversion.empty:
    layout.no_data(view, "no deal entered a stage")
else:
    tables.show(tables.readable(conversion, {
        "stage": ("Stage", None), "next_stage": ("To", None), "entered": ("Deals entering", "count"),
        "reached_next": ("Reached it", "count"), "conversion": ("Conversion", "percent"),
        "median_days_in_stage": ("Median days in stage", "days")}),
        key="stage_conversion", file_name=f"stage-to-stage-{view.quarter}.csv", raw=conversion)
