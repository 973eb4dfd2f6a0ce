"""Pipeline & revenue: the pipeline and bookings marketing sources, against the total, over eight quarters."""

import streamlit as st

from alignment.presentation import palette
from ui import charts, figures, filters, layout, numbers, tiles

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
