"""Awareness: what awareness work contributed, estimated over time, set beside what touch-level attribution sees."""

import streamlit as st

from alignment import awareness
from alignment.presentation import formats as fmt
from ui import awareness as estimates
from ui import charts, figures, filters, numbers, tables
from ui.text import literal

TARGETS = {"pipeline": "Pipeline created", "inquiries": "Inquiries"}

view = filters.current()
definitions = numbers.definitions(view)
scope = "" if view.region is None and view.segment is None else (
    " · the estimate is company-wide: awareness cost carries no region or segment, so those filters do not change it")
st.caption(filters.describe(view) + scope)

target = st.segmented_control("Explain", list(TARGETS), format_func=TARGETS.get, default="pipeline",
                              key="awareness_target",
                              help="The weekly series the estimate explains with awareness spend.") or "pipeline"
unit = estimates.TARGET_UNITS[target]
noun = TARGETS[target].lower()
show = fmt.BY_UNIT[unit]

with st.spinner(f"Estimating over every week up to the end of {view.quarter}…"):
    outcome = estimates.quarter_estimate(view, target)
    credit = estimates.touch_credit(view, target)
touch_card = awareness.touch_card(view.quarter, target=target, definitions=definitions)

if outcome.estimate is None:
    st.warning(f"**No estimate for {view.quarter}.** {literal(outcome.refusal)}", icon=":material/block:")
    st.caption(f"What touch-level attribution gives awareness channels in {view.quarter} ({touch_card}): "
               f"{show(credit.get(awareness.ALL_CHANNELS))}.")
else:
    result = outcome.estimate
    card = result.card
    estimate_column, amount_column, touch_column = st.columns(3)
    estimate_column.metric(
        "Awareness share (estimate)", fmt.percent(result.share), border=True,
        help=f"Of the {fmt.count(result.quarter_weeks)} complete weeks starting in {view.quarter}: the part of "
             f"{noun} the model gives to awareness spend, the median over {card['draws']} refits to resampled "
             "histories.")
    estimate_column.caption(estimates.interval_text(result.share_low, result.share_high, "percent"))
    amount_column.metric("From awareness (estimate)", show(result.contribution), border=True,
                         help=f"Out of {show(result.target_total)} in those weeks.")
    amount_column.caption(estimates.interval_text(result.contribution_low, result.contribution_high, unit)
                          + f" · of {show(result.target_total)}")
    beside = awareness.beside_touches(result, credit)
    together = beside[beside["channel"] == awareness.ALL_CHANNELS].iloc[0]
    touch_column.metric("Credited to awareness by touches", show(together["touch_credit"]), border=True,
                        help=f"Touch-level attribution, for comparison: {touch_card}.")
    touch_column.caption(f"{fmt.percent(together['touch_share'])} of {noun} · {touch_card}")

    st.subheader("The estimate beside touch-level attribution", anchor=False,
                 help="Touches credit the channels people click (display, organic social); TV, billboards, "
                      "podcasts and PR leave no touch, so attribution gives them nothing even when they work.")
    figures.plotly_chart(charts.estimate_beside_attribution,
        beside, unit=unit, x_title=f"{TARGETS[target]}, {view.quarter}",
        touch_label="Credited by touches", key="awareness_beside_touches")

    st.subheader(f"Week by week: {noun} and the part from awareness", anchor=False)
    figures.plotly_chart(charts.awareness_weekly, result.weekly, unit=unit, y_title=f"{TARGETS[target]} a week",
                         key="awareness_weekly")

    st.subheader("Response curves and marginal return", anchor=False,
                 help="How much a channel returns each week for a lasting weekly spend, once its carry-over has built "
                      "up; the dot is the channel's spend in the quarter. Flat at the dot: more spend there buys "
                      "little.")
    figures.plotly_chart(charts.response_curves, result.curves, unit=unit, y_title=f"{TARGETS[target]} a week",
                         key="awareness_curves")
    marginal, marginal_unit, marginal_header = (
        ("marginal_return", "ratio", f"Return on an extra {fmt.symbol()}1 a week") if target == "pipeline" else
        ("marginal_return_per_thousand", "count", f"Inquiries per extra {fmt.currency(1000)} a week"))
    st.dataframe(tables.readable(result.channels, {
        "channel": ("Channel", tables.CATEGORY), "spend_in_quarter": (f"Spend in {view.quarter}", "currency"),
        "weekly_spend": ("A week", "currency"), "contribution": ("Contribution (estimate)", unit),
        "contribution_low": ("Contribution, low (90%)", unit), "contribution_high": ("Contribution, high (90%)", unit),
        marginal: (marginal_header, marginal_unit), marginal + "_low": ("Return, low (90%)", marginal_unit),
        marginal + "_high": ("Return, high (90%)", marginal_unit)}), hide_index=True, key="awareness_channels")
    st.caption(f"Return on an extra amount a week: how much more {noun} each week one more dollar (or thousand) of "
               f"weekly spend would bring at the channel's {view.quarter} spend, once its carry-over has built up; "
               "the slope of its curve at the dot.")
    if card["too_small_channels"]:
        st.caption("Too small to estimate on their own (under "
                   f"{fmt.percent(card['min_channel_share'])} of awareness spend): "
                   + ", ".join(literal(charts.channel_label(c)) for c in card["too_small_channels"])
                   + ". Their effect, if any, stays in the baseline.")

    with st.expander("How this estimate is made"):
        st.markdown(
            f"- **Data**: {fmt.count(card['weeks'])} complete weeks, {fmt.day(card['first_week'])} to "
            f"{fmt.day(card['last_week'])} (after {card['warm_up_weeks']} weeks used only to build up carry-over), "
            f"from the catalog's weekly campaign spend and weekly {noun}.\n"
            "- **Carry-over**: each channel's weekly spend keeps working in the weeks after (geometric adstock); "
            f"chosen carry-over {card['decay']:.2f} a week.\n"
            "- **Saturation**: returns flatten as spend grows (a Hill curve); chosen shape "
            f"{card['shape']:g}, half the most a channel can do reached at {card['half_saturation_multiple']:g}× its "
            "average weekly spend.\n"
            f"- **Controls**: a level, a straight trend, the season ({card['harmonics']} yearly waves) and "
            "demand-generation spend, so that awareness is not credited with what they explain.\n"
            f"- **Fit**: least squares with channel effects kept at zero or above and gently shrunk (ridge "
            f"{card['ridge']:g}); carry-over and saturation chosen from {card['grid_points']} combinations; "
            f"R² {card['r_squared']:.2f}.\n"
            f"- **Interval**: the fit repeated on {card['draws']} histories rebuilt from runs of "
            f"{card['block_weeks']} weeks of its own misfit; the middle {fmt.percent(card['level'])} of the answers.")

st.info(
    "**What this is, and what it is not.** The estimate reads awareness spend against "
    f"{noun} week by week over the whole history: it is correlation over time, not proof at the level of a touch "
    "or a deal. It can mistake for awareness anything else that rose and fell with awareness spend (a price change, "
    "a new sales team, a competitor's stumble), and it cannot see effects longer than its carry-over. The split "
    "between channels that ran at the same time is much less certain than the total.\n\n"
    "**What would make it stronger:** a geo holdout (pause awareness in one region for a quarter and compare), "
    "flighted spend (weeks on and off, rather than steady), and a longer history — two years or more.",
    icon=":material/lightbulb:")
