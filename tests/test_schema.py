"""The canonical contracts: valid and invalid rows, the DDL they compile to, grains, keys and references."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest
from pydantic import ValidationError

from alignment import schema

VALID_ROWS = [
    (schema.Account, {"account_id": "A1"}),
    (schema.Account, {"account_id": "A1", "employees": 0, "annual_revenue": 0.0, "is_target_account": True}),
    (schema.Person, {"person_id": "P1", "kind": "lead", "created_at": "2024-01-10T08:00:00"}),
    (schema.Person, {"person_id": "P1", "kind": "contact", "persona": "decision_maker",
                     "created_at": dt.datetime(2024, 1, 10), "converted_at": dt.datetime(2024, 2, 1)}),
    (schema.LifecycleEvent, {"person_id": "P1", "stage": "mql", "occurred_at": "2024-01-15T12:00:00"}),
    (schema.LifecycleEvent, {"person_id": "P1", "stage": "rejected", "occurred_at": dt.datetime(2024, 1, 15),
                             "reason": "No budget"}),
    (schema.SalesActivity, {"activity_id": "T1", "person_id": "P1", "occurred_at": "2024-01-16T08:00:00"}),
    (schema.Opportunity, {"opportunity_id": "O1", "created_at": "2024-02-01T10:00:00"}),
    (schema.Opportunity, {"opportunity_id": "O1", "created_at": "2024-02-01T10:00:00", "amount": 0,
                          "close_date": "2024-04-30", "is_won": True, "is_closed": True}),
    (schema.OpportunityStage, {"opportunity_id": "O1", "stage": "Prospecting", "entered_at": "2024-02-01"}),
    (schema.OpportunityContact, {"opportunity_id": "O1", "person_id": "C1"}),
    (schema.Campaign, {"campaign_id": "CMP1", "name": "Spring Webinar", "channel": "webinar"}),
    (schema.Campaign, {"campaign_id": "CMP1", "name": "Spring Webinar", "channel": "webinar",
                       "funnel_role": "demand_gen", "budgeted_cost": 0, "actual_cost": 4200.0}),
    (schema.CampaignMember, {"campaign_id": "CMP1", "person_id": "C1", "has_responded": True}),
    (schema.CampaignSpend, {"campaign_id": "CMP1", "period_start": "2024-02-01", "amount": 0}),
    (schema.AwarenessMetric, {"period_start": "2024-02-01", "channel": "tv", "metric": "impressions", "value": 1e6}),
    (schema.User, {"user_id": "U1"}),
]


@pytest.mark.parametrize(("model", "row"), VALID_ROWS, ids=lambda v: getattr(v, "__name__", ""))
def test_valid_rows_are_accepted_by_the_contract_and_its_table(model, row):
    loaded = model(**row).model_dump()
    con = duckdb.connect()
    con.execute(schema.create_table_sql(model))
    names = list(loaded)
    con.execute("INSERT INTO " + model.table + " (" + ", ".join(names) + ") VALUES ("
                + ", ".join("$" + name for name in names) + ")", loaded)
    assert con.execute("SELECT * FROM " + model.table).fetchall() == [tuple(loaded.values())]


INVALID_ROWS = [
    (schema.Account, {}, r"account_id\s+Field required"),
    (schema.Account, {"account_id": ""}, r"account_id\s+String should have at least 1 character"),
    (schema.Account, {"account_id": "A1", "employees": -1}, r"employees\s+Input should be greater than or equal to 0"),
    (schema.Account, {"account_id": "A1", "annual_revenue": -0.5}, r"annual_revenue\s+Input should be greater"),
    (schema.Account, {"account_id": "A1", "region_code": "EU"}, r"region_code\s+Extra inputs are not permitted"),
    (schema.Person, {"person_id": "P1", "kind": "prospect", "created_at": "2024-01-10"},
     r"kind\s+Input should be 'lead' or 'contact'"),
    (schema.Person, {"person_id": "P1", "kind": "lead", "persona": "wizard", "created_at": "2024-01-10"},
     r"persona\s+Input should be 'decision_maker', 'influencer', 'user' or 'other'"),
    (schema.Person, {"person_id": "P1", "kind": "lead"}, r"created_at\s+Field required"),
    (schema.Person, {"person_id": "P1", "kind": "lead", "created_at": "2024-02-30"},
     r"created_at\s+Input should be a valid datetime"),
    (schema.LifecycleEvent, {"person_id": "P1", "stage": "lead", "occurred_at": "2024-01-15"},
     r"stage\s+Input should be 'inquiry', 'mql', 'sal', 'sql', 'rejected', 'disqualified' or 'recycled'"),
    (schema.LifecycleEvent, {"person_id": "", "stage": "mql", "occurred_at": "2024-01-15"},
     r"person_id\s+String should have at least 1 character"),
    (schema.SalesActivity, {"activity_id": "T1", "person_id": "P1"}, r"occurred_at\s+Field required"),
    (schema.Opportunity, {"opportunity_id": "O1", "created_at": "2024-02-01", "amount": -1},
     r"amount\s+Input should be greater than or equal to 0"),
    (schema.Opportunity, {"opportunity_id": "O1", "created_at": "2024-02-01", "is_won": "maybe"},
     r"is_won\s+Input should be a valid boolean"),
    (schema.OpportunityStage, {"opportunity_id": "O1", "stage": "", "entered_at": "2024-02-01"},
     r"stage\s+String should have at least 1 character"),
    (schema.OpportunityStage, {"opportunity_id": "O1", "stage": "Won", "entered_at": "2024-02-01", "amount": -3},
     r"amount\s+Input should be greater than or equal to 0"),
    (schema.OpportunityContact, {"opportunity_id": "O1"}, r"person_id\s+Field required"),
    (schema.Campaign, {"campaign_id": "CMP1", "name": "Spring Webinar"}, r"channel\s+Field required"),
    (schema.Campaign, {"campaign_id": "CMP1", "name": "X", "channel": "tv", "funnel_role": "mid_funnel"},
     r"funnel_role\s+Input should be 'awareness' or 'demand_gen'"),
    (schema.Campaign, {"campaign_id": "CMP1", "name": "X", "channel": "tv", "actual_cost": -5},
     r"actual_cost\s+Input should be greater than or equal to 0"),
    (schema.CampaignMember, {"person_id": "C1"}, r"campaign_id\s+Field required"),
    (schema.CampaignSpend, {"campaign_id": "CMP1", "period_start": "2024-02-01", "amount": -10},
     r"amount\s+Input should be greater than or equal to 0"),
    (schema.AwarenessMetric, {"period_start": "2024-02-01", "channel": "tv", "metric": "", "value": 1},
     r"metric\s+String should have at least 1 character"),
    (schema.User, {"user_id": None}, r"user_id\s+Input should be a valid string"),
]


@pytest.mark.parametrize(("model", "row", "message"), INVALID_ROWS, ids=lambda v: getattr(v, "__name__", None))
def test_invalid_rows_are_refused_with_the_field_named(model, row, message):
    with pytest.raises(ValidationError, match=message):
        model(**row)


def test_rows_are_immutable():
    user = schema.User(user_id="U1")
    with pytest.raises(ValidationError, match="Instance is frozen"):
        user.user_id = "U2"


def _ddl_columns(model) -> dict[str, str]:
    """column → 'TYPE' or 'TYPE NOT NULL', read back from the compiled DDL."""
    body = re.search(r"\((.*)\)", schema.create_table_sql(model), re.S).group(1)
    return {line.split(" ", 1)[0].strip('"'): line.split(" ", 1)[1]
            for line in (part.strip() for part in body.split(","))}


def test_compiled_ddl_of_opportunities():
    # Required non-null columns, and columns with a default (is_won false), are NOT NULL; the rest may be empty (an
    # empty amount stays empty: numbers count it as 0, data quality lists it apart from an amount of 0).
    assert schema.create_table_sql(schema.Opportunity).startswith('CREATE TABLE "opportunities" (')
    assert _ddl_columns(schema.Opportunity) == {
        "opportunity_id": "VARCHAR NOT NULL",
        "account_id": "VARCHAR",
        "name": "VARCHAR",
        "owner_id": "VARCHAR",
        "created_at": "TIMESTAMP NOT NULL",
        "close_date": "DATE",
        "amount": "DOUBLE",
        "stage": "VARCHAR",
        "is_closed": "BOOLEAN NOT NULL",
        "is_won": "BOOLEAN NOT NULL",
        "type": "VARCHAR",
        "lead_source": "VARCHAR",
        "primary_campaign_id": "VARCHAR",
        "currency": "VARCHAR",
        "forecast_category": "VARCHAR",
    }


@pytest.mark.parametrize(("model", "expected"), [
    (schema.Account, {"account_id": "VARCHAR NOT NULL", "employees": "BIGINT", "annual_revenue": "DOUBLE",
                      "is_target_account": "BOOLEAN", "created_at": "TIMESTAMP"}),
    (schema.Person, {"person_id": "VARCHAR NOT NULL", "kind": "VARCHAR NOT NULL", "persona": "VARCHAR",
                     "created_at": "TIMESTAMP NOT NULL", "converted_at": "TIMESTAMP"}),
    (schema.CampaignMember, {"campaign_id": "VARCHAR NOT NULL", "person_id": "VARCHAR NOT NULL",
                             "has_responded": "BOOLEAN NOT NULL", "first_responded_at": "TIMESTAMP"}),
    (schema.Campaign, {"name": "VARCHAR NOT NULL", "channel": "VARCHAR NOT NULL", "start_date": "DATE",
                       "budgeted_cost": "DOUBLE"}),
    (schema.CampaignSpend, {"period_start": "DATE NOT NULL", "amount": "DOUBLE NOT NULL"}),
    (schema.AwarenessMetric, {"value": "DOUBLE NOT NULL", "region": "VARCHAR"}),
])
def test_compiled_ddl_types_and_not_nulls(model, expected):
    columns = _ddl_columns(model)
    assert {name: columns[name] for name in expected} == expected


@pytest.mark.parametrize("model", schema.CANONICAL, ids=lambda m: m.table)
def test_compiled_ddl_runs_and_refuses_what_the_contract_refuses(model):
    con = duckdb.connect()
    con.execute(schema.create_table_sql(model))
    described = con.execute("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                            "WHERE table_name = $table ORDER BY ordinal_position", {"table": model.table}).fetchall()
    specs = schema.columns(model)
    assert [(c.name, c.sql_type) for c in specs] == [(name, sql_type) for name, sql_type, _ in described]
    required = [c.name for c in specs if c.required and not c.nullable]
    assert required, f"{model.table} has no required column"
    for name, _, nullable in described:
        assert (nullable == "NO") == (name in required or next(c for c in specs if c.name == name).default
                                      is not None)
    # An all-NULL row breaks the NOT NULL of every required column.
    with pytest.raises(duckdb.ConstraintException, match="NOT NULL constraint failed"):
        con.execute("INSERT INTO " + model.table + " DEFAULT VALUES")


def test_column_specs_carry_ranges_literals_and_references():
    specs = {c.name: c for c in schema.columns(schema.Campaign)}
    assert specs["funnel_role"].allowed == ("awareness", "demand_gen")
    assert specs["funnel_role"].nullable and not specs["funnel_role"].required
    assert specs["actual_cost"].minimum == 0.0 and specs["actual_cost"].maximum is None
    assert specs["name"].min_length == 1 and specs["name"].required
    assert (specs["owner_id"].references, specs["owner_id"].strict_reference) == ("users.user_id", False)
    member = {c.name: c for c in schema.columns(schema.CampaignMember)}
    assert (member["campaign_id"].references, member["campaign_id"].strict_reference) == (
        "campaigns.campaign_id", True)
    assert member["has_responded"].default is False


@pytest.mark.parametrize("model", schema.CANONICAL, ids=lambda m: m.table)
def test_every_table_states_its_grain(model):
    assert model.grain.startswith("one row per ")
    assert model.__doc__ and model.__doc__.strip()


def test_tables_match_the_design():
    assert list(schema.TABLES) == [
        "accounts", "people", "lifecycle_events", "sales_activities", "opportunities", "opportunity_stage_history",
        "opportunity_changes", "opportunity_contacts", "campaigns", "campaign_members", "campaign_spend", "awareness_metrics",
        "stage_counts", "users", "currency_rates",
    ]
    # stage_counts: counts per stage and period from exports without ids (a marketing report, a marketplace).
    assert [m.table for m in schema.CANONICAL if m.optional_table] == ["campaign_spend", "awareness_metrics",
                                                                       "stage_counts", "currency_rates"]


@pytest.mark.parametrize("model", [m for m in schema.CANONICAL if m.key], ids=lambda m: m.table)
def test_keys_are_required_columns(model):
    specs = {c.name: c for c in schema.columns(model)}
    for column in model.key:
        assert column in specs, f"{model.table}.{column} is not a column"
        assert specs[column].required and not specs[column].nullable


REFERENCES = [(m, c) for m in schema.CANONICAL for c in schema.columns(m) if c.references]


@pytest.mark.parametrize(("model", "column"), REFERENCES, ids=lambda v: getattr(v, "table", getattr(v, "name", "")))
def test_references_point_at_a_real_key_of_the_same_type(model, column):
    target_table, target_column = column.references.split(".")
    assert target_table in schema.TABLES
    target = schema.TABLES[target_table]
    target_specs = {c.name: c for c in schema.columns(target)}
    assert target_column in target_specs
    assert target.key == (target_column,), "a reference must point at the whole key of its table"
    assert target_specs[target_column].sql_type == column.sql_type == "VARCHAR"
    assert column.name.endswith("_id")


def test_strict_references_are_the_ones_a_row_cannot_live_without():
    strict = sorted(f"{m.table}.{c.name}" for m, c in REFERENCES if c.strict_reference)
    assert strict == [
        "campaign_members.campaign_id", "campaign_spend.campaign_id", "lifecycle_events.person_id",
        "opportunity_changes.opportunity_id", "opportunity_contacts.opportunity_id",
        "opportunity_stage_history.opportunity_id",
    ]


@pytest.mark.parametrize("model", schema.CANONICAL, ids=lambda m: m.table)
def test_column_names_follow_the_naming_rules(model):
    for column in schema.columns(model):
        if column.sql_type == "TIMESTAMP":
            assert column.name.endswith("_at"), column.name
        if column.sql_type == "DATE":
            assert column.name.endswith(("_date", "_start")), column.name
        if column.sql_type == "BOOLEAN":
            assert column.name.startswith(("is_", "has_")), column.name
