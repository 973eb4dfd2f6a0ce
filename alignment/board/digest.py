"""The per-rep (or per-region) sales digest: what marketing did for that pipeline this quarter, on one page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from alignment import accounts as target_accounts
from alignment import attribution, catalog, currency, warehouse
from alignment.board import layout
from alignment.board.spec import BoardPack, Section, SignoffStatus
from alignment.catalog import Definitions
from alignment.periods import Quarter, QuarterField
from alignment.presentation import formats, palette
from alignment.presentation.specs import ChartSpec, Column, Series, TableSpec

ROWS = 6
"""Rows per digest table: a page a rep reads in a minute."""


class DigestRequest(BaseModel):
    """Who a digest is for: one sales rep (the owner id on their deals and leads) or one region, and the quarter."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    quarter: QuarterField
    owner_id: str | None = None
    region: str | None = None

    @field_validator("owner_id", "region", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _one(self) -> "DigestRequest":
        if (self.owner_id is None) == (self.region is None):
            raise ValueError("choose either a sales rep or a region for the digest, not both and not neither")
        return self


class Totals(BaseModel):
    """The digest's headline: pipeline and bookings, and how much of each marketing sourced or influenced."""

    deals_created: int
    pipeline: float
    marketing_sourced_pipeline: float
    marketing_influenced_pipeline: float
    marketing_sourced_deals: int
    marketing_influenced_deals: int
    bookings: float
    marketing_sourced_bookings: float


def reps(source: Any, quarter: Quarter | str, definitions: Definitions | None = None) -> pd.DataFrame:
    """The people a digest can be for: owners of the quarter's deals, then of its MQLs (owner_id, owner_name,
    owner_region)."""
    filters = catalog.Filters(quarter=quarter)
    deals = catalog.run(source, "deals_by_owner", filters, definitions)[["owner_id", "owner_name", "owner_region"]]
    mqls = catalog.run(source, "follow_up_by_owner", filters, definitions)
    mqls = mqls.assign(owner_name=mqls["owner_name"].fillna(mqls["owner_id"]), owner_region=mqls["region"])
    # Deal owners first (their pipeline is the digest's headline), then those who only own MQLs; a person's region is
    # their user record's, else the region of most of their MQLs' accounts.
    deals = deals.assign(owns_deals=True)
    mqls = mqls.sort_values("mqls", ascending=False).assign(owns_deals=False)
    people = pd.concat([deals, mqls[["owner_id", "owner_name", "owner_region", "owns_deals"]]], ignore_index=True)
    people = people[people["owner_id"] != "(none)"].drop_duplicates("owner_id")
    people = people.sort_values(["owns_deals", "owner_name", "owner_id"], ascending=[False, True, True],
                                ignore_index=True)
    return people.drop(columns="owns_deals")


def totals(deals: pd.DataFrame, influenced_ids: set[str]) -> Totals:
    """Sums over one rep's (or region's) rows of the deals_by_owner metric, influence from attribution.influenced."""
    created = deals[deals["is_created_in_quarter"]]
    won = deals[deals["is_won_in_quarter"]]
    sourced = created["source_category"].eq("marketing")
    touched = created["opportunity_id"].isin(influenced_ids)
    return Totals(
        deals_created=len(created), pipeline=float(created["amount"].sum()),
        marketing_sourced_pipeline=float(created.loc[sourced, "amount"].sum()),
        marketing_influenced_pipeline=float(created.loc[touched, "amount"].sum()),
        marketing_sourced_deals=int(sourced.sum()), marketing_influenced_deals=int(touched.sum()),
        bookings=float(won["closed_amount"].sum()),
        marketing_sourced_bookings=float(won.loc[won["source_category"].eq("marketing"), "closed_amount"].sum()))


def _words(who: str, quarter: Quarter, numbers: Totals, follow_up: str) -> list[str]:
    if numbers.deals_created == 0:
        opened = f"{who[0].upper() + who[1:]} opened no deal in {quarter}."
    else:
        opened = (f"Marketing sourced {numbers.marketing_sourced_deals} of the {numbers.deals_created} deals {who} "
                  f"opened in {quarter} ({formats.currency(numbers.marketing_sourced_pipeline)} of "
                  f"{formats.currency(numbers.pipeline)}) and reached {numbers.marketing_influenced_deals} of them "
                  f"before they were opened ({formats.currency(numbers.marketing_influenced_pipeline)}).")
    won = (f"Of {formats.currency(numbers.bookings)} won in the quarter, "
           f"{formats.currency(numbers.marketing_sourced_bookings)} came from marketing-sourced deals."
           if numbers.bookings else f"No deal was won in {quarter}.")
    call = "Call the people and accounts below first: they answered our campaigns most often this quarter."
    return [opened, won, follow_up, call]


def _chart(numbers: Totals, quarter: Quarter) -> ChartSpec:
    labels = ["Pipeline opened", "Marketing-sourced", "Marketing-influenced", "Bookings", "Marketing-sourced bookings"]
    values = [numbers.pipeline, numbers.marketing_sourced_pipeline, numbers.marketing_influenced_pipeline,
              numbers.bookings, numbers.marketing_sourced_bookings]
    return ChartSpec(
        kind="bar", title=f"What marketing brought, {quarter}", categories=labels, unit="currency",
        definition=("Sourced: the deal's source is a marketing source. Influenced: a campaign response by the deal's "
                    "people came before the deal was opened."),
        series=[Series(name="Amount", values=values, colour=palette.SALES,
                       point_colours=[palette.SALES, palette.DEMAND_GEN, palette.NAVY, palette.SALES,
                                      palette.DEMAND_GEN])], sheet="Digest chart")


def _deals_table(deals: pd.DataFrame, influenced_ids: set[str]) -> TableSpec:
    marked = deals.assign(is_influenced=deals["opportunity_id"].isin(influenced_ids))
    marked = marked[marked["source_category"].eq("marketing") | marked["is_influenced"]].head(ROWS)
    return TableSpec(
        title="Deals marketing brought or touched", sheet="Deals",
        columns=[Column(header="Deal"), Column(header="Amount", unit="currency"), Column(header="Source"),
                 Column(header="Influenced")],
        rows=[[r.name, r.amount, r.source_category, r.is_influenced] for r in marked.itertuples()])


def _people_table(people: pd.DataFrame) -> TableSpec:
    return TableSpec(
        title="Most engaged people", sheet="People",
        columns=[Column(header="Title"), Column(header="Account"), Column(header="Touches", unit="count"),
                 Column(header="Last touch", unit="date")],
        rows=[[r.title, r.account_name, r.responded_touches, r.last_touch_at] for r in people.head(ROWS).itertuples()])


def _accounts_table(accounts: pd.DataFrame) -> TableSpec:
    # A digest is a file that travels without the dashboard's address, so it prints each account's id: the key that
    # opens the account's journey in the dashboard (Analyse → Account journey), never a link built from its name.
    return TableSpec(
        title="Most engaged accounts", sheet="Accounts",
        definition="Open an account's journey in the dashboard (Analyse → Account journey) by its id.",
        columns=[Column(header="Account"), Column(header="Account id"), Column(header="Target"),
                 Column(header="Touches", unit="count"), Column(header="People", unit="count")],
        rows=[[r.account_name, r.account_id, bool(r.is_target_account), r.responded_touches, r.people_engaged]
              for r in accounts.head(ROWS).itertuples()])


def _to_call_table(rows: pd.DataFrame) -> TableSpec:
    return TableSpec(
        title="Engaged target accounts without a deal", sheet="Accounts to call",
        definition=("Target accounts engaged up to the quarter's end with no open deal, highest engagement score "
                    "first (recent responses, weighted by persona and channel)."),
        columns=[Column(header="Account"), Column(header="Score"), Column(header="Top persona"),
                 Column(header="Last touch", unit="date"), Column(header="Owner", detail=True)],
        rows=[[r.account_name, round(float(r.score), 1), str(r.top_persona).replace("_", " "), r.last_touch_at,
               r.owner_name] for r in rows.head(target_accounts.DIGEST_ROWS).itertuples()])


def _follow_up_table(rows: pd.DataFrame, label: str) -> TableSpec:
    return TableSpec(
        title="Follow-up of the quarter's MQLs", sheet="Follow-up",
        columns=[Column(header=label), Column(header="MQLs", unit="count"),
                 Column(header="Never followed up", unit="count"), Column(header="Median", unit="hours"),
                 Column(header="Within SLA", unit="percent")],
        rows=[[r.owner_name if label == "Owner" else r.region, r.mqls, r.never_followed_up, r.median_hours,
               r.sla_met_share] for r in rows.head(ROWS).itertuples()])


def build_digest(source: Any, request: DigestRequest, definitions: Definitions | None = None, *,
                 signoff: SignoffStatus | None = None, now: dt.datetime | None = None) -> BoardPack:
    """The digest as a one-section pack (so every renderer and the page's preview can draw it)."""
    definitions = definitions or Definitions()
    quarter = request.quarter
    everyone = catalog.Filters(quarter=quarter)
    scope = catalog.Filters(quarter=quarter, region=request.region)
    influenced_ids = set(attribution.influenced(source, quarter, lookback_days=definitions.lookback_days,
                                                linking=definitions.linking)["opportunity_id"])
    sla = formats.hours(definitions.sla_hours)
    if request.owner_id is not None:
        deals = catalog.run(source, "deals_by_owner", everyone, definitions)
        deals = deals[deals["owner_id"] == request.owner_id]
        known = reps(source, quarter, definitions)
        match = known[known["owner_id"] == request.owner_id]
        if match.empty:
            raise ValueError(f"no deal or MQL of {quarter} is owned by '{request.owner_id}'; pick a rep from the list")
        name, region = match.iloc[0]["owner_name"], match.iloc[0]["owner_region"]
        shown = layout.shortened(str(name), layout.NAME_CHARACTERS)  # the page's title must fit the page
        in_region = catalog.Filters(quarter=quarter, region=None if region in (None, "(none)", "Global") else region)
        people = catalog.run(source, "engaged_people", in_region, definitions)
        people = people[people["owner_id"] == request.owner_id]
        accounts = catalog.run(source, "engaged_accounts", in_region, definitions)
        accounts = accounts[accounts["account_id"].isin(set(deals["account_id"]) | set(people["account_id"]))]
        follow_up = catalog.run(source, "follow_up_by_owner", everyone, definitions)
        follow_up = follow_up[follow_up["owner_id"] == request.owner_id]
        to_call = target_accounts.to_call(target_accounts.ranked(source, everyone, definitions), request.owner_id,
                                          target_accounts.DIGEST_ROWS)
        region_share = catalog.value(source, "sla_met_share", in_region, definitions)
        if len(follow_up) == 1:
            mine = follow_up.iloc[0]
            record = (f"You followed up {formats.percent(mine['sla_met_share'])} of your {int(mine['mqls'])} MQLs "
                      f"within the {sla} SLA (your region: {formats.percent(region_share)}).")
        elif len(follow_up) > 1:
            record = f"Your follow-up record against the {sla} SLA, region by region, is below."
        else:
            record = f"No MQL of {quarter} was yours to follow up."
        who, title, label = "you", f"What marketing did for {shown}", "Region"
    else:
        deals = catalog.run(source, "deals_by_owner", scope, definitions)
        people = catalog.run(source, "engaged_people", scope, definitions)
        accounts = catalog.run(source, "engaged_accounts", scope, definitions)
        follow_up = catalog.run(source, "follow_up_by_owner", scope, definitions)
        to_call = target_accounts.to_call(target_accounts.ranked(source, scope, definitions),
                                          limit=target_accounts.DIGEST_ROWS)
        share = catalog.value(source, "sla_met_share", scope, definitions)
        shown = layout.shortened(request.region, layout.NAME_CHARACTERS)
        record = (f"{formats.percent(share)} of {shown}'s MQLs were followed up within the {sla} SLA; the owners "
                  "with the most MQLs are below.")
        who, title, label = shown, f"What marketing did for {shown}", "Owner"
    numbers = totals(deals, influenced_ids)
    info = warehouse.dataset_info(source)
    section = Section(
        key="digest", title=f"{title}, {quarter}", role="sales", layout="grid",
        words=_words(who, quarter, numbers, record), charts=[_chart(numbers, quarter)],
        tables=[_deals_table(deals, influenced_ids), _follow_up_table(follow_up, label), _people_table(people),
                _accounts_table(accounts), _to_call_table(to_call)])
    return BoardPack(
        quarter=str(quarter), title=f"{title}, {quarter}",
        generated_at=now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), data_as_of=info.latest_record_at,
        data_fingerprint=info.data_fingerprint, is_demo=info.is_demo, signoff=signoff or SignoffStatus(),
        definitions=definitions, sections=[section], currency=currency.settings(source).corporate)
