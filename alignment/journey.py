"""One account's journey (its header, its touches and stage changes in order, the credit its campaigns got) and the
buying groups of open deals (DESIGN §5), read from the warehouse."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from alignment import attribution, campaigns, catalog, defaults, sqlfiles, warehouse

RECENT_DAYS = defaults.ENGAGED_WINDOW_DAYS
"""The header counts the account's responded touches in this many days (90) before the data's last record: the
engagement window buying groups use."""
EXPECTED_PERSONAS = ("decision maker", "influencer", "user")
"""The personas a buying group is expected to hold; 'other' is engaged but never missing."""
RISKS = ("no engaged person", "one engaged person")


class AccountRequest(BaseModel):
    """The account a journey page is opened for, as the URL (`?account=…`) or a link gives it."""

    model_config = ConfigDict(frozen=True)

    account: str = Field(min_length=1, max_length=255)

    @field_validator("account", mode="before")
    @classmethod
    def _plain_id(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError("write the account's id as text, like ?account=001A000001")
        value = value.strip()
        if not value:
            raise ValueError("the account id is empty: write ?account= followed by an account's id, or choose one "
                             "by name")
        if any(ord(character) < 32 or ord(character) == 127 for character in value):
            raise ValueError("the account id holds control characters: copy the id from the CRM or the dashboard")
        return value


def _frame(source: catalog.Source, name: str, parameters: dict[str, Any] | None = None) -> pd.DataFrame:
    cursor = catalog.cursor(source)
    try:
        return cursor.execute(sqlfiles.query(name), parameters or {}).df()
    finally:
        cursor.close()


def account_names(source: catalog.Source) -> pd.DataFrame:
    """Every account's id and name, by name: what the journey page's picker offers."""
    return _frame(source, "account_names")


def header(source: catalog.Source, account_id: str, as_of: dt.datetime | None = None) -> dict[str, Any] | None:
    """Who the account is and its recent engagement (touches in the RECENT_DAYS before `as_of`, by default the data's
    latest record); None when no account has that id."""
    if as_of is None:
        as_of = warehouse.dataset_info(source).latest_record_at or dt.datetime(1900, 1, 1)
    rows = _frame(source, "account_header", {"account_id": account_id, "as_of": as_of, "window_days": RECENT_DAYS})
    if rows.empty:
        return None
    row = {key: None if pd.isna(value) else catalog._plain(value) for key, value in rows.iloc[0].items()}
    row.update(as_of=as_of, window_days=RECENT_DAYS)
    return row


def timeline(source: catalog.Source, account_id: str) -> pd.DataFrame:
    """Every touch of its people, stage they reached and stage its deals entered (opening included), in time order;
    ties broken by kind (touch, person stage, deal opened, deal stage entered), then person or deal id, then
    campaign or stage name, then campaign id."""
    return _frame(source, "account_timeline", {"account_id": account_id})


def deals(source: catalog.Source, account_id: str) -> pd.DataFrame:
    """The account's deals with their pipeline amounts (corporate currency, empty = 0)."""
    return _frame(source, "account_deals", {"account_id": account_id})


def credit(source: catalog.Source, account_id: str, definitions: catalog.Definitions | None = None,
           credited: pd.DataFrame | None = None) -> pd.DataFrame:
    """The credit each campaign got for the account's deals under the charter's model, linking and lookback (pipeline
    basis: every deal, whenever opened), one row per campaign (`(unattributed)` for deals with no eligible touch).
    The credit adds up to the deals' amount (asserted). `credited` is `attribution.attribute`'s frame for every deal,
    when the caller holds it already. `attrs` carries the model card and the deals' total."""
    definitions = definitions or catalog.Definitions()
    options = campaigns.options(definitions, basis="pipeline")
    if credited is None:
        credited = attribute_all(source, definitions)
    account_deals = deals(source, account_id)
    mine = credited[credited["opportunity_id"].isin(account_deals["opportunity_id"])]
    total = float(account_deals["amount"].sum())
    by_campaign = (mine.assign(campaign_id=mine["campaign_id"].astype("object").where(mine["campaign_id"].notna(),
                                                                                      "(unattributed)"))
                   .groupby("campaign_id", as_index=False)
                   .agg(credited_amount=("credited_amount", "sum"), deals=("opportunity_id", "nunique")))
    by_campaign = by_campaign.sort_values(["credited_amount", "campaign_id"], ascending=[False, True],
                                          ignore_index=True)
    credited_total = float(by_campaign["credited_amount"].sum())
    assert math.isclose(credited_total, total, rel_tol=1e-9, abs_tol=1e-6), (
        f"the credit of account {account_id}'s campaigns ({credited_total}) differs from its deals' amount ({total})")
    by_campaign = by_campaign.merge(campaigns.campaign_names(source), on="campaign_id", how="left")
    by_campaign["campaign_name"] = by_campaign["campaign_name"].where(by_campaign["campaign_name"].notna(),
                                                                      by_campaign["campaign_id"])
    by_campaign.attrs.update(model_card=options.card(), total=total, deals=len(account_deals))
    return by_campaign


def attribute_all(source: catalog.Source, definitions: catalog.Definitions | None = None) -> pd.DataFrame:
    """Every deal's credit per campaign under the definitions' model of record, pipeline basis, no quarter."""
    definitions = definitions or catalog.Definitions()
    return attribution.attribute(source, campaigns.options(definitions, basis="pipeline"))


def buying_groups(source: catalog.Source, filters: catalog.Filters | dict,
                  definitions: catalog.Definitions | None = None) -> pd.DataFrame:
    """Every deal open at the quarter's end (or the data's last day) with its engaged personas and gaps
    (metrics/buying_groups.sql)."""
    return catalog.run(source, "buying_groups", filters, definitions)


def at_risk(groups: pd.DataFrame) -> pd.DataFrame:
    """The deals with no engaged person or only one, largest first: the risk list for sales."""
    risky = groups[groups["risk"].isin(RISKS)]
    return risky.sort_values(["amount", "opportunity_id"], ascending=[False, True], ignore_index=True)
