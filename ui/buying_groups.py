"""Buying groups of open deals on screen: the risk list (no engaged person, only one) and each deal's persona gaps."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment import catalog, defaults, journey
from alignment.catalog import Definitions, Filters
from alignment.presentation import formats as fmt
from ui import cached, context, links, numbers, tables
from ui.text import literal

COLUMNS = {
    "account_name": ("Account", None), "deal_name": ("Deal", None), "owner_name": ("Owner", None),
    "amount": ("Amount", "currency"), "engaged_people": ("Engaged people", "count"),
    "engaged_on_deal": ("On the deal", "count"), "decision_maker": ("Decision maker", None),
    "influencer": ("Influencer", None), "user": ("User", None), "missing_personas": ("Missing", None),
    "risk": ("Risk", None),
}
RISK_COLUMNS = {
    "account_name": ("Account", None), "deal_name": ("Deal", None), "owner_name": ("Owner", None),
    "amount": ("Amount", "currency"), "risk": ("Risk", None), "engaged_personas": ("Engaged personas", None),
    "missing_personas": ("Missing", None),
}


@cached.data(max_entries=64)
def _groups(reader, view: Filters, in_force: Definitions) -> pd.DataFrame:
    return journey.buying_groups(reader, view, in_force)


def groups(view: Filters) -> pd.DataFrame:
    """The buying groups of the deals open at the view's quarter end (or the data's last day), cached."""
    return _groups(context.reader(), view, numbers.definitions(view))


def _explained(view: Filters) -> str:
    return (f"Deals open at the end of {view.quarter} (or on the data's last day). A person is engaged with a "
            f"responded campaign touch in the {numbers.definitions(view).engaged_window_days} days before (the charter's engagement window); 'on the deal' means a "
            "contact role or a lead converted into the deal, 'at the account' anyone else at its account. Expected "
            "personas: " + ", ".join(journey.EXPECTED_PERSONAS) + ".")


def _not_measured() -> str | None:
    return catalog.spec("buying_groups").not_measured(numbers.missing_inputs())


def _shown(frame: pd.DataFrame, columns: dict, key: str) -> None:
    table = links.with_journey_links(tables.readable(frame, columns), frame["account_id"].reset_index(drop=True))
    st.dataframe(table, hide_index=True, key=key, column_config=links.journey_column())


def render(view: Filters, *, account_id: str | None = None, key: str = "buying_groups") -> None:
    """The risk list and every open deal's buying group for the view; with `account_id`, that account's deals only
    (the journey page's header)."""
    reason = _not_measured()
    if reason:
        st.info(f"Buying groups are not measured: {reason}.", icon=":material/info:")
        return
    frame = groups(view)
    if account_id is not None:
        frame = frame[frame["account_id"] == account_id]
        if frame.empty:
            st.caption(f"No deal of this account was open at the end of {view.quarter}.")
            return
        st.caption(_explained(view))
        st.dataframe(tables.readable(frame, {k: v for k, v in COLUMNS.items() if k != "account_name"}),
                     hide_index=True, key=key)
        return
    st.caption(_explained(view))
    risky = journey.at_risk(frame)
    if risky.empty:
        st.caption("No open deal rests on one engaged person or none.")
    else:
        st.markdown(f"**Deals with only one engaged person, or none** · {fmt.count(len(risky))} deals, "
                    f"{literal(fmt.currency(risky['amount'].sum()))}")
        _shown(risky, RISK_COLUMNS, f"{key}_risk")
    with st.expander(f"Every open deal's buying group ({fmt.count(len(frame))})"):
        _shown(frame, COLUMNS, f"{key}_all")
