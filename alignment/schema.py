"""Pydantic contracts of the canonical tables: the one source of their names, types and rules."""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Annotated, ClassVar, Literal

import annotated_types
from pydantic import BaseModel, ConfigDict, Field

from alignment import sqlfiles

STAGES = ("inquiry", "mql", "sal", "sql", "rejected", "disqualified", "recycled")
WATERFALL_STAGES = ("inquiry", "mql", "sal", "sql", "opportunity", "won")
"""The waterfall's stages in order (DESIGN §4.1): what a stage count may count."""
PERSONAS = ("decision_maker", "influencer", "user", "other")
FUNNEL_ROLES = ("awareness", "demand_gen")
PERSON_KINDS = ("lead", "contact")

Id = Annotated[str, Field(min_length=1, description="identifier")]
Money = Annotated[float, Field(ge=0)]
CURRENCY_PATTERN = r"^[A-Za-z]{3}$"
Currency = Annotated[str | None, Field(
    default=None, pattern=CURRENCY_PATTERN,
    description="ISO 4217 code of the currency its amounts are in (EUR, GBP …); empty: the corporate currency")]
DEFAULT_CORPORATE_CURRENCY = "USD"
"""The currency every amount is shown in when the data names no corporate currency."""

# Values that cannot be real are refused at import (DESIGN §11), so nothing a page computes from them can break.
EARLIEST_DAY = dt.date(1900, 1, 1)
"""No date of the data is earlier: an earlier year is a slip of the keyboard ("1024" for "2024")."""
RECORDED_YEARS_AHEAD = 1
"""A recorded moment (every timestamp: a record created, a stage reached, a response, an activity) is at most a year
after the day of the import: a CRM's clock or time zone may run ahead and a meeting may be booked for the coming
months, but a moment later than that has not happened."""
PLANNED_YEARS_AHEAD = 5
"""A calendar date (a deal's close date, a campaign's start and end, a spend or awareness period, a task's due day) may
be planned ahead, and is at most five years after the day of the import."""
NUMBER_CEILING = 1e15
"""No amount or count is larger than this in size (a thousand trillion: over a thousand times the yearly revenue of the
largest company); NaN and infinity are not numbers a CRM holds either."""


def date_window(sql_type: str, import_day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last plausible day of a TIMESTAMP (recorded) or DATE (calendar) column, for an import made
    on `import_day`."""
    years = RECORDED_YEARS_AHEAD if sql_type == "TIMESTAMP" else PLANNED_YEARS_AHEAD
    try:
        return EARLIEST_DAY, import_day.replace(year=import_day.year + years)
    except ValueError:  # 29 February, in a year that has none: the day before
        return EARLIEST_DAY, import_day.replace(year=import_day.year + years, day=28)


class Implies(BaseModel):
    """A rule between two true/false columns of one row: where `column` is true, `implied` is true too. A row that
    says `implied` is false is refused; one that leaves it empty, or a file without it, reads it as true."""

    model_config = ConfigDict(frozen=True)
    column: str
    implied: str
    reason: str
    fix: str  # what to write instead; {column} and {implied} become the two columns as the file names them
    reading: str  # what an empty `implied` is read as


def refers_to(target: str, *, strict: bool = False, required: bool = False, description: str = "") -> typing.Any:
    """A column that points at `table.column`; strict references reject the import, others are data-quality findings."""
    extra = {"references": target, "strict": strict}
    if required:
        return Field(min_length=1, description=description, json_schema_extra=extra)
    return Field(default=None, description=description, json_schema_extra=extra)


class CanonicalTable(BaseModel):
    """Base of every canonical row contract."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    table: ClassVar[str]
    grain: ClassVar[str]
    key: ClassVar[tuple[str, ...]] = ()
    optional_table: ClassVar[bool] = False
    row_rules: ClassVar[tuple[Implies, ...]] = ()


class Account(CanonicalTable):
    """A company that marketing targets and sales sells to."""

    table: ClassVar[str] = "accounts"
    grain: ClassVar[str] = "one row per company"
    key: ClassVar[tuple[str, ...]] = ("account_id",)
    account_id: Id
    account_name: str | None = None
    industry: str | None = None
    segment: str | None = None
    region: str | None = None
    employees: Annotated[int | None, Field(ge=0)] = None
    annual_revenue: Annotated[float | None, Field(ge=0)] = None
    is_target_account: bool | None = None
    owner_id: str | None = refers_to("users.user_id", description="account owner")
    created_at: dt.datetime | None = None


class Person(CanonicalTable):
    """A lead or a contact; a converted lead and its contact are one person."""

    table: ClassVar[str] = "people"
    grain: ClassVar[str] = "one row per lead or contact"
    key: ClassVar[tuple[str, ...]] = ("person_id",)
    person_id: Id
    kind: Literal[PERSON_KINDS]
    account_id: str | None = refers_to("accounts.account_id")
    title: str | None = None
    persona: Literal[PERSONAS] | None = None
    lead_source: str | None = None
    owner_id: str | None = refers_to("users.user_id")
    created_at: dt.datetime
    converted_at: dt.datetime | None = None
    converted_opportunity_id: str | None = refers_to("opportunities.opportunity_id")
    country: str | None = None


class LifecycleEvent(CanonicalTable):
    """The moment a person reached a lifecycle stage."""

    table: ClassVar[str] = "lifecycle_events"
    grain: ClassVar[str] = "one row per stage reached"
    person_id: str = refers_to("people.person_id", strict=True, required=True)
    stage: Literal[STAGES]
    occurred_at: dt.datetime
    reason: str | None = None
    actor_id: str | None = None


class SalesActivity(CanonicalTable):
    """A call, email or meeting by sales with a person."""

    table: ClassVar[str] = "sales_activities"
    grain: ClassVar[str] = "one row per sales touch on a person"
    key: ClassVar[tuple[str, ...]] = ("activity_id",)
    activity_id: Id
    person_id: str = refers_to("people.person_id", required=True)
    occurred_at: dt.datetime
    type: str | None = None
    owner_id: str | None = refers_to("users.user_id")


class Opportunity(CanonicalTable):
    """A deal."""

    table: ClassVar[str] = "opportunities"
    grain: ClassVar[str] = "one row per deal"
    key: ClassVar[tuple[str, ...]] = ("opportunity_id",)
    # Won and lost come from these two flags (DESIGN §4.8). Salesforce only sets IsWon on a closed stage, so a deal
    # marked won and not closed was edited or damaged, and which flag is wrong cannot be told: counting it as won or
    # as open would move bookings or pipeline in the numbers signed off, so the row is refused. A CRM that exports
    # only a won flag says nothing against it: there a won deal is read as closed.
    row_rules: ClassVar[tuple[Implies, ...]] = (Implies(
        column="is_won", implied="is_closed", reason="a won deal is always a closed one",
        fix="set '{implied}' to true if the deal was won, or '{column}' to false if it is still open",
        reading="the deal is read as closed"),)
    opportunity_id: Id
    account_id: str | None = refers_to("accounts.account_id")
    name: str | None = None
    owner_id: str | None = refers_to("users.user_id")
    created_at: dt.datetime
    close_date: dt.date | None = None
    # Empty stays empty (NULL): every number reads it as 0 (DESIGN §4.8), and data quality tells it apart from a 0.
    amount: Annotated[float | None, Field(ge=0)] = None
    stage: str | None = None
    is_closed: bool = False
    is_won: bool = False
    type: str | None = None
    lead_source: str | None = None
    primary_campaign_id: str | None = refers_to("campaigns.campaign_id")
    currency: Currency = None
    # The owner's call on the deal (Pipeline, Best Case, Commit, Closed, Omitted), as the CRM wrote it: the VP's
    # commit sums the open deals called Commit.
    forecast_category: str | None = None


class OpportunityStage(CanonicalTable):
    """A stage a deal entered, and when."""

    table: ClassVar[str] = "opportunity_stage_history"
    grain: ClassVar[str] = "one row per stage entered"
    opportunity_id: str = refers_to("opportunities.opportunity_id", strict=True, required=True)
    stage: Annotated[str, Field(min_length=1)]
    entered_at: dt.datetime
    amount: Annotated[float | None, Field(ge=0)] = None


class OpportunityChange(CanonicalTable):
    """A deal's close date, amount and stage as recorded at a moment (an empty column: not recorded then)."""

    table: ClassVar[str] = "opportunity_changes"
    grain: ClassVar[str] = "one row per recorded moment of a deal's close date, amount or stage"
    opportunity_id: str = refers_to("opportunities.opportunity_id", strict=True, required=True)
    changed_at: dt.datetime
    close_date: dt.date | None = None
    amount: Annotated[float | None, Field(ge=0)] = None
    stage: str | None = None


class OpportunityContact(CanonicalTable):
    """A person's role on a deal."""

    table: ClassVar[str] = "opportunity_contacts"
    grain: ClassVar[str] = "one row per contact role"
    opportunity_id: str = refers_to("opportunities.opportunity_id", strict=True, required=True)
    person_id: str = refers_to("people.person_id", required=True)
    role: str | None = None
    is_primary: bool = False


class Campaign(CanonicalTable):
    """A marketing initiative, shown plainly: content, targeting, dates, channel, cost."""

    table: ClassVar[str] = "campaigns"
    grain: ClassVar[str] = "one row per campaign"
    key: ClassVar[tuple[str, ...]] = ("campaign_id",)
    campaign_id: Id
    name: Annotated[str, Field(min_length=1)]
    channel: Annotated[str, Field(min_length=1)]
    funnel_role: Literal[FUNNEL_ROLES] | None = Field(
        None, description="the role the CRM gives the campaign; empty: its channel's under the charter's awareness "
                          "channels, decided when the numbers are read")
    objective: str | None = None
    content: str | None = None
    targeting: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budgeted_cost: Annotated[float | None, Field(ge=0)] = None
    actual_cost: Annotated[float | None, Field(ge=0)] = None
    parent_campaign_id: str | None = refers_to("campaigns.campaign_id")
    owner_id: str | None = refers_to("users.user_id")
    sales_sponsor_id: str | None = refers_to("users.user_id")
    currency: Currency = None


class CampaignMember(CanonicalTable):
    """A person's membership of a campaign; a responded membership is a touch."""

    table: ClassVar[str] = "campaign_members"
    grain: ClassVar[str] = "one row per person per campaign"
    key: ClassVar[tuple[str, ...]] = ("campaign_id", "person_id")
    campaign_id: str = refers_to("campaigns.campaign_id", strict=True, required=True)
    person_id: str = refers_to("people.person_id", required=True)
    status: str | None = None
    created_at: dt.datetime | None = None
    has_responded: bool = False
    first_responded_at: dt.datetime | None = None


class CampaignSpend(CanonicalTable):
    """Cost of a campaign in a period."""

    table: ClassVar[str] = "campaign_spend"
    grain: ClassVar[str] = "one row per campaign per period"
    optional_table: ClassVar[bool] = True
    campaign_id: str = refers_to("campaigns.campaign_id", strict=True, required=True)
    period_start: dt.date
    amount: Money
    currency: Currency = None


class CurrencyRate(CanonicalTable):
    """How many units of a currency one unit of the corporate currency buys, from a day on (Salesforce's
    ConversionRate): a rate holds from its start date until the next one's start date."""

    table: ClassVar[str] = "currency_rates"
    grain: ClassVar[str] = "one row per currency and start date"
    key: ClassVar[tuple[str, ...]] = ("currency", "start_date")
    optional_table: ClassVar[bool] = True
    currency: Annotated[str, Field(min_length=3, max_length=3, pattern=CURRENCY_PATTERN,
                                   description="ISO 4217 code (EUR, GBP …)")]
    start_date: dt.date = Field(description="first day the rate holds (an undated rate, such as Salesforce's "
                                            "CurrencyType, holds from the earliest day, 1900-01-01)")
    rate: Annotated[float, Field(ge=0, description="units of the currency per 1 unit of the corporate currency")]
    is_corporate: bool | None = Field(default=None, description="true on the corporate currency's row (rate 1)")


class AwarenessMetric(CanonicalTable):
    """A reach-type number (impressions, reach, site visits, branded search) for a channel and period."""

    table: ClassVar[str] = "awareness_metrics"
    grain: ClassVar[str] = "one row per period, channel, metric and region"
    optional_table: ClassVar[bool] = True
    period_start: dt.date
    channel: Annotated[str, Field(min_length=1)]
    metric: Annotated[str, Field(min_length=1)]
    value: Annotated[float, Field(ge=0)]
    region: str | None = None


class StageCount(CanonicalTable):
    """How many reached a waterfall stage in a period, from an export that gives counts without ids (a marketing
    report, a marketplace's funnel); the period view of the funnel reads these when no people were loaded."""

    table: ClassVar[str] = "stage_counts"
    grain: ClassVar[str] = ("one row per period and stage (and lead source, region and segment, when given); rows "
                            "that repeat add up")
    optional_table: ClassVar[bool] = True
    period_start: dt.date
    stage: Literal[WATERFALL_STAGES]
    count: Annotated[int, Field(ge=0)]
    lead_source: str | None = None
    region: str | None = None
    segment: str | None = None


class User(CanonicalTable):
    """A rep, marketer or manager."""

    table: ClassVar[str] = "users"
    grain: ClassVar[str] = "one row per user"
    key: ClassVar[tuple[str, ...]] = ("user_id",)
    user_id: Id
    name: str | None = None
    team: str | None = None
    region: str | None = None
    manager_id: str | None = refers_to("users.user_id")


CANONICAL: tuple[type[CanonicalTable], ...] = (
    Account, Person, LifecycleEvent, SalesActivity, Opportunity, OpportunityStage, OpportunityChange,
    OpportunityContact,
    Campaign, CampaignMember, CampaignSpend, AwarenessMetric, StageCount, User, CurrencyRate,
)
TABLES: dict[str, type[CanonicalTable]] = {model.table: model for model in CANONICAL}


# ---------------------------------------------------------------------------------------------------------------
# Compiling a contract into column descriptions that the DuckDB side (DDL, casts, checks) works from.

SQL_TYPES = {str: "VARCHAR", dt.datetime: "TIMESTAMP", dt.date: "DATE", float: "DOUBLE", int: "BIGINT", bool: "BOOLEAN"}


class ColumnSpec(BaseModel):
    """One column of a contract, as the database sees it."""

    name: str
    sql_type: str
    required: bool
    nullable: bool
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    references: str | None = None
    strict_reference: bool = False
    default: typing.Any = None
    description: str = ""


def _unwrap(annotation: typing.Any) -> tuple[typing.Any, bool, tuple[str, ...] | None]:
    """Return (python type, nullable, allowed literal values) of a field annotation."""
    nullable = False
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        non_null = [a for a in args if a is not type(None)]
        nullable = len(non_null) < len(args)
        annotation = non_null[0]
    if typing.get_origin(annotation) is Literal:
        return str, nullable, tuple(typing.get_args(annotation))
    return annotation, nullable, None


def columns(model: type[BaseModel]) -> list[ColumnSpec]:
    """The contract's columns in declaration order."""
    specs = []
    for name, field in model.model_fields.items():
        py_type, nullable, allowed = _unwrap(field.annotation)
        spec = ColumnSpec(
            name=name,
            sql_type=SQL_TYPES[py_type],
            required=field.is_required(),
            nullable=nullable,
            allowed=allowed,
            default=None if field.is_required() else field.default,
            description=field.description or "",
        )
        for meta in field.metadata:
            if isinstance(meta, annotated_types.Ge):
                spec.minimum = float(meta.ge)
            elif isinstance(meta, annotated_types.Le):
                spec.maximum = float(meta.le)
            elif isinstance(meta, annotated_types.MinLen):
                spec.min_length = meta.min_length
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if "references" in extra:
            spec.references = str(extra["references"])
            spec.strict_reference = bool(extra.get("strict"))
        specs.append(spec)
    return specs


def column_names(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def create_table_sql(model: type[CanonicalTable]) -> str:
    """DDL of a canonical table (identifiers come from the contract, never from user input)."""
    return sqlfiles.create_empty_table(model.table, [
        (c.name, c.sql_type, not c.nullable and (c.required or c.default is not None)) for c in columns(model)])
