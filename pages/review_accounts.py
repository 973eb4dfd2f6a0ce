"""Accounts: how far marketing and sales got with the target accounts beside the others, and whom to call next."""

import pandas as pd
import streamlit as st

from alignment import accounts
from alignment.presentation import formats as fmt
from ui import buying_groups, charts, figures, filters, layout, links, numbers, tables, tiles
from ui.text import literal

ALL_OWNERS = "__all__"
STAGE_COLUMNS = {"reached": "Reached", "reached_by_awareness": "Reached by awareness", "engaged": "Engaged",
                 "with_mql": "With an MQL", "with_open_deal": "Open deal", "won": "Won"}
GROUP_LABELS = {**accounts.GROUPS, "not_measured": "No target flag (not measured)"}

view = filters.current()
definitions = numbers.definitions(view)
st.caption(f"{filters.describe(view)} · engaged: at least {definitions.engaged_touches} responded touches of the "
           f"account's people in the {definitions.engaged_window_days} days up to the quarter's end · an open deal: "
           "open at the quarter's end (the charter's)")

with st.spinner(f"Following every account through {view.quarter}…"):
    everything = numbers.rows("account_coverage", view)
    ranked = numbers.rows("engaged_target_accounts", view)

per_owner = accounts.by_owner(everything)
owners = dict(zip(per_owner["owner_id"], per_owner["owner_name"]))
owner = st.selectbox("Account owner", [ALL_OWNERS, *sorted(owners, key=lambda o: (str(owners[o]), o))],
                     format_func=lambda o: "All owners" if o == ALL_OWNERS else str(owners[o]),
                     key="accounts_owner")
owner_id = None if owner == ALL_OWNERS else owner
shown_owner = "all owners" if owner_id is None else literal(owners[owner_id])

# --- coverage ------------------------------------------------------------------------------------------------------
st.subheader("Target-account coverage", anchor=False, help=tiles.definition("account_coverage"))
rows = accounts.for_owner(everything, owner_id)
if rows.empty:
    layout.no_data(view, "no account was reached, engaged, had an MQL or won a deal")
else:
    flagless = accounts.not_measured(rows)
    measured = rows["target_group"].isin(list(accounts.GROUPS)).any()
    if not measured:
        st.warning(f"Target split not measured for {shown_owner}: {accounts.NOT_MEASURED} (the accounts' target flag "
                   "is empty), so no account is counted as a target or as another account.")
    elif flagless:
        st.info(f"{fmt.count(flagless)} accounts of {shown_owner} are left out of the split, not measured: "
                f"{accounts.NOT_MEASURED} (their target flag is empty). They are not counted among the other "
                "accounts.")
    if measured:
        chart_column, table_column = st.columns([5, 4], gap="large")
        with chart_column:
            spec = accounts.coverage_chart(rows, f"Share of accounts reaching each stage, {view.quarter}")
            figures.plotly_chart(charts.figure, spec, key="accounts_coverage_chart")
            st.caption(spec.definition)
        with table_column:
            table = accounts.funnel_table(rows)
            shown = {"stage": ("Stage", None)}
            for label in accounts.GROUPS.values():
                short = label.split()[0]  # "Target", "Other": four columns fit beside the chart
                shown |= {label: (short, "count"), label + " share": (short + " share", "percent")}
            tables.show(tables.readable(table, shown), raw=table, key="accounts_coverage_table",
                        file_name=f"account-coverage-{view.quarter}.csv")
        reached = rows.set_index("target_group")
        awareness = ", ".join(f"{fmt.count(reached.loc[g, 'reached_by_awareness'])} of the "
                              f"{fmt.count(reached.loc[g, 'reached'])} {label.lower()} reached"
                              for g, label in accounts.GROUPS.items() if g in reached.index)
        st.caption(f"Reached: a person of the account was added to or responded to a campaign in {view.quarter}; by "
                   f"an awareness campaign: {awareness}.")

# --- by owner ------------------------------------------------------------------------------------------------------
st.subheader("By account owner", anchor=False, help=tiles.definition("account_coverage"))
if per_owner.empty:
    layout.no_data(view, "no account has an owner with anything to show")
else:
    mine = per_owner if owner_id is None else per_owner[per_owner["owner_id"].eq(owner_id)]
    mine = mine.assign(target_group=mine["target_group"].map(GROUP_LABELS))
    columns = {"owner_name": ("Owner", None), "target_group": ("Accounts", None), "accounts": ("Total", "count"),
               **{c: (label, "count") for c, label in STAGE_COLUMNS.items()},
               "engaged_share": ("Engaged share", "percent")}
    tables.show(tables.readable(mine, columns), raw=mine, key="accounts_by_owner",
                file_name=f"account-coverage-by-owner-{view.quarter}.csv")

# --- whom to call --------------------------------------------------------------------------------------------------
st.subheader("Engaged target accounts without an open deal", anchor=False,
             help=tiles.definition("engaged_target_accounts"))
weights = ", ".join(f"{literal(p.replace('_', ' '))} {w:g}" for p, w in definitions.persona_weights.items())
st.caption(f"Highest engagement score first: every responded touch of the account's people in the "
           f"{definitions.engaged_window_days} days up to the quarter's end, weighted by persona ({weights}) and "
           f"channel, and halved every {fmt.days(definitions.engagement_half_life_days)}. For sales to call.")
to_call = accounts.to_call(ranked, owner_id)
if to_call.empty:
    st.caption(f"No engaged target account of {shown_owner} is without an open deal in {view.quarter}.")
else:
    shown = to_call.assign(score=to_call["score"].map(lambda v: f"{v:,.1f}"),
                           last_touch_at=pd.to_datetime(to_call["last_touch_at"]).map(fmt.day))
    readable = tables.readable(shown, {
        "account_name": ("Account", None), "owner_name": ("Owner", None), "score": ("Score", None),
        "responded_touches": ("Responded touches", "count"), "people_engaged": ("People", "count"),
        "top_persona": ("Top persona engaged", tables.CATEGORY), "last_touch_at": ("Last touch", None),
        "region": ("Region", None), "segment": ("Segment", None)})
    linked = links.with_journey_links(readable, to_call["account_id"].reset_index(drop=True))
    order = list(readable.columns)
    order.insert(1, links.JOURNEY_COLUMN)
    tables.show(linked[order], raw=to_call, key="accounts_to_call", file_name=f"accounts-to-call-{view.quarter}.csv",
                column_config=links.journey_column())

# --- buying groups -------------------------------------------------------------------------------------------------
st.subheader("Buying groups of the open deals", anchor=False, help=tiles.definition("buying_groups"))
buying_groups.render(view, key="accounts_buying_groups")
