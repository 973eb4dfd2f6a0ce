"""Links to one account's journey page: only the account's id, URL-encoded, goes in a link; its name stays text."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
import streamlit as st

ACCOUNT_PATH = "account"
"""The journey page's URL path (app.py) and its query parameter."""
ACCOUNT_PARAMETER = "account"
JOURNEY_COLUMN = "Journey"
JOURNEY_LABEL = "Open journey"


def account_link(account_id: object, name: object = None) -> str | None:
    """The journey page's address for an account, relative to the current page (so a base path is kept), e.g.
    `account?account=001%2FA`; None without an id. The name is never part of it: it is shown beside, as text."""
    if account_id is None or (not isinstance(account_id, str) and pd.isna(account_id)) or not str(account_id).strip():
        return None
    return f"{ACCOUNT_PATH}?{ACCOUNT_PARAMETER}={quote(str(account_id).strip(), safe='')}"


def with_journey_links(table: pd.DataFrame, account_ids: pd.Series) -> pd.DataFrame:
    """`table` (shown rows) with a Journey column holding each row's account link (empty where it has no account)."""
    return table.assign(**{JOURNEY_COLUMN: pd.Series([account_link(value) for value in account_ids.to_list()],
                                                     index=table.index, dtype="object")})


def journey_column() -> dict[str, object]:
    """The column config that shows the Journey column as a link with a fixed label (never the data's text)."""
    return {JOURNEY_COLUMN: st.column_config.LinkColumn(
        JOURNEY_COLUMN, display_text=JOURNEY_LABEL, help="Open the account's journey: its touches, people and deals "
                                                         "in time order, and the credit its campaigns got")}


def linked_records(frame: pd.DataFrame, id_column: str = "Account id", name_column: str = "Account"
                   ) -> tuple[pd.DataFrame, dict[str, object]]:
    """A records table with a Journey link column after its account's name (only where it has an account id), and
    the column config that draws it; a table without the id column comes back as it is."""
    if id_column not in frame.columns:
        return frame, {}
    shown = with_journey_links(frame, frame[id_column])
    order = list(frame.columns)
    order.insert(order.index(name_column) + 1 if name_column in order else 0, JOURNEY_COLUMN)
    return shown[order], journey_column()
