"""Fixture factory for metric tests: a tiny company written row by row into a DuckDB database built from schema.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

from alignment import catalog, currency, schema, warehouse


def at(text: str) -> dt.datetime:
    """'2026-07-01' or '2026-07-01 09:30' → a naive UTC datetime."""
    return dt.datetime.fromisoformat(text)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Company:
    """Rows of the canonical tables, added with the few columns a test cares about (the rest take their defaults)."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {table: [] for table in schema.TABLES}

    def add(self, table: str, **row: Any) -> "Company":
        self.rows[table].append(row)
        return self

    def account(self, account_id: str, *, region: str | None = None, segment: str | None = None,
                is_target_account: bool | None = None, name: str | None = None) -> "Company":
        return self.add("accounts", account_id=account_id, region=region, segment=segment,
                        is_target_account=is_target_account, account_name=name or account_id)

    def user(self, user_id: str, name: str, region: str | None = None) -> "Company":
        return self.add("users", user_id=user_id, name=name, region=region)

    def person(self, person_id: str, created: str, *, kind: str = "lead", account_id: str | None = None,
               persona: str | None = None, lead_source: str | None = None, owner_id: str | None = None,
               converted_opportunity_id: str | None = None, title: str | None = None) -> "Company":
        return self.add("people", person_id=person_id, kind=kind, created_at=at(created), account_id=account_id,
                        persona=persona, lead_source=lead_source, owner_id=owner_id,
                        converted_opportunity_id=converted_opportunity_id, title=title)

    def event(self, person_id: str, stage: str, occurred: str, reason: str | None = None) -> "Company":
        return self.add("lifecycle_events", person_id=person_id, stage=stage, occurred_at=at(occurred), reason=reason)

    def activity(self, activity_id: str, person_id: str, occurred: str, owner_id: str | None = None) -> "Company":
        return self.add("sales_activities", activity_id=activity_id, person_id=person_id, occurred_at=at(occurred),
                        owner_id=owner_id)

    def opportunity(self, opportunity_id: str, created: str, *, account_id: str | None = None,
                    amount: float = 0.0, close_date: str | None = None, is_closed: bool = False,
                    is_won: bool = False, lead_source: str | None = None,
                    primary_campaign_id: str | None = None, stage: str | None = None,
                    currency: str | None = None) -> "Company":
        return self.add("opportunities", opportunity_id=opportunity_id, created_at=at(created), account_id=account_id,
                        amount=amount, close_date=day(close_date) if close_date else None, is_closed=is_closed,
                        is_won=is_won, lead_source=lead_source, primary_campaign_id=primary_campaign_id, stage=stage,
                        currency=currency)

    def stage_entered(self, opportunity_id: str, stage: str, entered: str) -> "Company":
        return self.add("opportunity_stage_history", opportunity_id=opportunity_id, stage=stage, entered_at=at(entered))

    def contact_role(self, opportunity_id: str, person_id: str, *, is_primary: bool = False) -> "Company":
        return self.add("opportunity_contacts", opportunity_id=opportunity_id, person_id=person_id,
                        is_primary=is_primary)

    def campaign(self, campaign_id: str, channel: str, *, start: str | None = None, end: str | None = None,
                 actual_cost: float | None = None, budgeted_cost: float | None = None,
                 funnel_role: str | None = None, currency: str | None = None) -> "Company":
        return self.add("campaigns", campaign_id=campaign_id, name=f"Campaign {campaign_id}", channel=channel,
                        start_date=day(start) if start else None, end_date=day(end) if end else None,
                        actual_cost=actual_cost, budgeted_cost=budgeted_cost, funnel_role=funnel_role,
                        currency=currency)

    def member(self, campaign_id: str, person_id: str, responded: str | None = None, *, added: str | None = None,
               has_responded: bool = True) -> "Company":
        return self.add("campaign_members", campaign_id=campaign_id, person_id=person_id,
                        first_responded_at=at(responded) if responded else None,
                        created_at=at(added) if added else None, has_responded=has_responded)

    def spend(self, campaign_id: str, period_start: str, amount: float, currency: str | None = None) -> "Company":
        return self.add("campaign_spend", campaign_id=campaign_id, period_start=day(period_start), amount=amount,
                        currency=currency)

    def rate(self, currency: str, start: str, rate: float) -> "Company":
        """How many units of `currency` one unit of the corporate currency buys, from `start` on."""
        return self.add("currency_rates", currency=currency, start_date=day(start), rate=rate)

    def awareness(self, period_start: str, channel: str, metric: str, value: float,
                  region: str | None = None) -> "Company":
        return self.add("awareness_metrics", period_start=day(period_start), channel=channel, metric=metric,
                        value=value, region=region)

    def stage_count(self, period_start: str, stage: str, count: int, *, lead_source: str | None = None,
                    region: str | None = None, segment: str | None = None) -> "Company":
        return self.add("stage_counts", period_start=day(period_start), stage=stage, count=count,
                        lead_source=lead_source, region=region, segment=segment)

    def connect(self, path: Path | str = ":memory:", *, conversion_date: str | None = None,
                corporate: str | None = None) -> duckdb.DuckDBPyConnection:
        """A database holding exactly these rows (plus the warehouse's views), in `corporate` money (default USD),
        deals converted at `conversion_date` (default: the close date for bookings)."""
        con = duckdb.connect(str(path))
        con.execute("SET TimeZone = 'UTC'")
        for model in schema.CANONICAL:
            con.execute(schema.create_table_sql(model))
            table = con.table(model.table)
            for row in self.rows[model.table]:
                table.insert([row.get(c.name, c.default) for c in schema.columns(model)])
        if conversion_date or corporate:
            currency.record(con, currency.CurrencySettings(**{k: v for k, v in (
                ("corporate", corporate), ("conversion_date", conversion_date)) if v}))
        warehouse.create_views(con)
        return con


def run(con: duckdb.DuckDBPyConnection, name: str, quarter: str = "2026-Q3", **options: Any) -> list[dict]:
    """A metric's rows as dicts; options are filters (region, segment, split) or definitions."""
    filter_names = set(catalog.Filters.model_fields) - {"quarter"}
    filters = catalog.Filters(quarter=quarter, **{k: v for k, v in options.items() if k in filter_names})
    definitions = catalog.Definitions(**{k: v for k, v in options.items() if k not in filter_names})
    frame = catalog.run(con, name, filters, definitions)
    return [{k: catalog._plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def value(con: duckdb.DuckDBPyConnection, name: str, quarter: str = "2026-Q3", **options: Any) -> Any:
    rows = run(con, name, quarter, **options)
    assert len(rows) == 1, f"{name} is a headline metric and returns one row"
    return rows[0]["value"]
