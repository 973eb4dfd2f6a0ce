"""Salesforce extracts (API names, report-export labels, snake_case warehouse syncs) into the canonical tables."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

import duckdb
from pydantic import BaseModel

from alignment import schema, sqlfiles
from alignment.ingest.adapters import (
    AdapterRun, LifecycleDates, Progress, canonical_table_for, check, date_formats, drop_source, empty_stage,
    id_columns, load_source, pass_through, resolve_columns, run_steps, run_transform, stage_canonical, stage_part,
    transforms,
)
from alignment.ingest.problems import Problem
from alignment.ingest.readers import SourceFile
from alignment.ingest.staging import Part

# Lifecycle custom fields; a mapping file may rename them (DESIGN §3.2).
LIFECYCLE_FIELDS = {
    "mql_at": ["MQL_Date__c", "MQL Date"],
    "sal_at": ["SAL_Date__c", "SAL Date"],
    "sql_at": ["SQL_Date__c", "SQL Date"],
    "rejected_at": ["Rejected_Date__c", "Rejected Date"],
    "rejection_reason": ["Rejection_Reason__c", "Rejection Reason"],
    "disqualified_at": ["Disqualified_Date__c", "Disqualified Date"],
    "disqualification_reason": ["Disqualification_Reason__c", "Disqualification Reason"],
    "recycled_at": ["Recycled_Date__c", "Recycled Date"],
}


class SalesforcePerson(LifecycleDates):
    """A Lead or Contact row with its lifecycle dates and conversion links."""

    person_id: str
    account_id: str | None = None
    title: str | None = None
    persona: Literal["decision_maker", "influencer", "user", "other"] | None = None
    lead_source: str | None = None
    owner_id: str | None = None
    created_at: dt.datetime
    country: str | None = None
    converted_at: dt.datetime | None = None
    converted_contact_id: str | None = None
    converted_account_id: str | None = None
    converted_opportunity_id: str | None = None


class SalesforceCampaign(BaseModel):
    """A Campaign row: channel from Channel__c, else the campaign Type."""

    campaign_id: str
    name: str
    channel: str | None = None
    type: str | None = None
    funnel_role: Literal["awareness", "demand_gen"] | None = None
    objective: str | None = None
    content: str | None = None
    description: str | None = None
    targeting: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budgeted_cost: float | None = None
    actual_cost: float | None = None
    parent_campaign_id: str | None = None
    owner_id: str | None = None
    sales_sponsor_id: str | None = None
    currency: str | None = None


class SalesforceDatedRate(BaseModel):
    """A DatedConversionRate row: a currency's rate from its start date until the next one's. Its NextStartDate is
    not read: the next row's StartDate says the same, and the last row's is 9999-12-31, no real date."""

    currency: str
    start_date: dt.date
    rate: float


class SalesforceCurrencyType(BaseModel):
    """A CurrencyType row: a currency's undated rate, and whether it is the corporate currency."""

    currency: str
    rate: float
    is_corporate: bool | None = None
    is_active: bool | None = None


class SalesforceMember(BaseModel):
    """A CampaignMember row, pointing at a lead, a contact, or both."""

    campaign_id: str
    lead_id: str | None = None
    contact_id: str | None = None
    status: str | None = None
    created_at: dt.datetime | None = None
    has_responded: bool = False
    first_responded_at: dt.datetime | None = None


class SalesforceActivity(BaseModel):
    """A Task or Event row; its time is the first of completed, activity, created, activity date (DESIGN §4.8)."""

    activity_id: str
    who_id: str
    type: str | None = None
    subtype: str | None = None
    owner_id: str | None = None
    completed_at: dt.datetime | None = None
    activity_at: dt.datetime | None = None
    created_at: dt.datetime | None = None
    activity_date: dt.date | None = None


class SalesforceStageChange(BaseModel):
    """An OpportunityHistory, OpportunityFieldHistory or history-sync row."""

    opportunity_id: str
    stage: str | None = None
    field: str | None = None
    new_value: str | None = None
    old_value: str | None = None
    entered_at: dt.datetime
    amount: float | None = None
    close_date: dt.date | None = None


def _std(api: str, *labels: str) -> list[str]:
    """An API field name, its snake_case sync name, and report labels."""
    return [api, *labels]


PERSON_FIELDS = {
    "person_id": _std("Id", "Lead ID", "Contact ID"),
    "account_id": _std("AccountId", "Account ID"),
    "title": _std("Title"),
    "persona": ["Persona__c", "Persona"],
    "lead_source": _std("LeadSource", "Lead Source"),
    "owner_id": _std("OwnerId", "Owner ID", "Lead Owner ID", "Contact Owner ID"),
    "created_at": _std("CreatedDate", "Created Date"),
    "country": _std("Country", "MailingCountry", "Mailing Country"),
    "converted_at": _std("ConvertedDate", "Converted Date"),
    "converted_contact_id": _std("ConvertedContactId", "Converted Contact ID"),
    "converted_account_id": _std("ConvertedAccountId", "Converted Account ID"),
    "converted_opportunity_id": _std("ConvertedOpportunityId", "Converted Opportunity ID"),
    **LIFECYCLE_FIELDS,
}

OBJECTS: dict[str, tuple[str, type[BaseModel], dict[str, list[str]]]] = {
    "account": ("accounts", schema.Account, {
        "account_id": _std("Id", "Account ID"),
        "account_name": _std("Name", "Account Name"),
        "industry": _std("Industry"),
        "segment": ["Segment__c", "Segment", "Customer Segment"],
        "region": ["Region__c", "Region", "Sales Region"],
        "employees": _std("NumberOfEmployees", "Employees"),
        "annual_revenue": _std("AnnualRevenue", "Annual Revenue"),
        "is_target_account": ["Is_Target_Account__c", "Target Account", "Is Target Account"],
        "owner_id": _std("OwnerId", "Account Owner ID", "Owner ID"),
        "created_at": _std("CreatedDate", "Created Date"),
    }),
    "contact": ("sf_contacts", SalesforcePerson, PERSON_FIELDS),
    "lead": ("sf_leads", SalesforcePerson, PERSON_FIELDS),
    "opportunity": ("opportunities", schema.Opportunity, {
        "opportunity_id": _std("Id", "Opportunity ID"),
        "account_id": _std("AccountId", "Account ID"),
        "name": _std("Name", "Opportunity Name"),
        "owner_id": _std("OwnerId", "Opportunity Owner ID", "Owner ID"),
        "created_at": _std("CreatedDate", "Created Date"),
        "close_date": _std("CloseDate", "Close Date"),
        "amount": _std("Amount"),
        "stage": _std("StageName", "Stage"),
        "forecast_category": _std("ForecastCategoryName", "ForecastCategory", "Forecast Category"),
        "is_closed": _std("IsClosed", "Closed"),
        "is_won": _std("IsWon", "Won"),
        "type": _std("Type", "Opportunity Type"),
        "lead_source": _std("LeadSource", "Lead Source"),
        "primary_campaign_id": _std("CampaignId", "Primary Campaign Source ID", "Campaign ID"),
        "currency": _std("CurrencyIsoCode", "Opportunity Currency", "Currency"),
    }),
    "opportunityhistory": ("sf_stage_changes", SalesforceStageChange, {
        "opportunity_id": ["OpportunityId", "Opportunity ID", "Id"],
        "stage": _std("StageName", "Stage"),
        "entered_at": ["_fivetran_start", "CreatedDate", "Created Date", "Last Modified"],
        "amount": _std("Amount"),
        "close_date": _std("CloseDate", "Close Date"),
    }),
    "opportunityfieldhistory": ("sf_stage_changes", SalesforceStageChange, {
        "opportunity_id": ["OpportunityId", "Opportunity ID"],
        "field": _std("Field"),
        "new_value": ["NewValue", "New Value"],
        "old_value": ["OldValue", "Old Value"],
        "entered_at": _std("CreatedDate", "Created Date", "Edit Date"),
    }),
    "opportunitycontactrole": ("opportunity_contacts", schema.OpportunityContact, {
        "opportunity_id": _std("OpportunityId", "Opportunity ID"),
        "person_id": _std("ContactId", "Contact ID"),
        "role": _std("Role", "Contact Role"),
        "is_primary": _std("IsPrimary", "Primary"),
    }),
    "campaign": ("sf_campaigns", SalesforceCampaign, {
        "campaign_id": _std("Id", "Campaign ID"),
        "name": _std("Name", "Campaign Name"),
        "channel": ["Channel__c", "Channel"],
        "type": _std("Type", "Campaign Type"),
        "funnel_role": ["Funnel_Role__c", "Funnel Role"],
        "objective": ["Objective__c", "Objective"],
        "content": ["Content__c", "Content"],
        "description": _std("Description"),
        "targeting": ["Targeting__c", "Targeting", "Target Audience"],
        "start_date": _std("StartDate", "Start Date"),
        "end_date": _std("EndDate", "End Date"),
        "budgeted_cost": _std("BudgetedCost", "Budgeted Cost", "Budgeted Cost in Campaign"),
        "actual_cost": _std("ActualCost", "Actual Cost", "Actual Cost in Campaign"),
        "parent_campaign_id": _std("ParentId", "Parent Campaign ID"),
        "owner_id": _std("OwnerId", "Campaign Owner ID", "Owner ID"),
        "sales_sponsor_id": ["Sales_Sponsor__c", "Sales Sponsor", "Sales Sponsor ID"],
        "currency": _std("CurrencyIsoCode", "Campaign Currency", "Currency"),
    }),
    "datedconversionrate": ("sf_dated_rates", SalesforceDatedRate, {
        "currency": _std("IsoCode", "ISO Code", "Currency ISO Code"),
        "start_date": _std("StartDate", "Start Date"),
        "rate": _std("ConversionRate", "Conversion Rate"),
    }),
    "currencytype": ("sf_currency_types", SalesforceCurrencyType, {
        "currency": _std("IsoCode", "ISO Code", "Currency ISO Code"),
        "rate": _std("ConversionRate", "Conversion Rate"),
        "is_corporate": _std("IsCorporate", "Corporate", "Is Corporate"),
        "is_active": _std("IsActive", "Active"),
    }),
    "campaignmember": ("sf_members", SalesforceMember, {
        "campaign_id": _std("CampaignId", "Campaign ID"),
        "lead_id": _std("LeadId", "Lead ID"),
        "contact_id": _std("ContactId", "Contact ID", "LeadOrContactId"),
        "status": _std("Status", "Member Status"),
        "created_at": _std("CreatedDate", "Created Date", "Member First Associated Date"),
        "has_responded": _std("HasResponded", "Responded"),
        "first_responded_at": _std("FirstRespondedDate", "First Responded Date", "First Responded"),
    }),
    "task": ("sf_activities", SalesforceActivity, {
        "activity_id": _std("Id", "Activity ID", "Task ID"),
        "who_id": _std("WhoId", "Name ID", "Who ID"),
        "type": _std("Type", "Task Type"),
        "subtype": _std("TaskSubtype", "Task Subtype"),
        "owner_id": _std("OwnerId", "Assigned ID", "Owner ID"),
        "completed_at": _std("CompletedDateTime", "Completed Date/Time"),
        "activity_at": _std("ActivityDateTime", "Activity Date/Time"),
        "created_at": _std("CreatedDate", "Created Date"),
        "activity_date": _std("ActivityDate", "Date", "Due Date"),
    }),
    "event": ("sf_activities", SalesforceActivity, {
        "activity_id": _std("Id", "Activity ID", "Event ID"),
        "who_id": _std("WhoId", "Name ID", "Who ID"),
        "type": _std("Type", "Event Type"),
        "subtype": _std("EventSubtype", "Event Subtype"),
        "owner_id": _std("OwnerId", "Assigned ID", "Owner ID"),
        "completed_at": _std("CompletedDateTime", "Completed Date/Time"),
        "activity_at": _std("ActivityDateTime", "StartDateTime", "Start Date/Time"),
        "created_at": _std("CreatedDate", "Created Date"),
        "activity_date": _std("ActivityDate", "Date"),
    }),
    "user": ("users", schema.User, {
        "user_id": _std("Id", "User ID"),
        "name": _std("Name", "Full Name"),
        "team": ["Team__c", "Team", "Department"],
        "region": ["Region__c", "Region"],
        "manager_id": _std("ManagerId", "Manager ID"),
    }),
}
# Extra spellings of object names seen in export file names (Data Loader, reports, warehouse syncs).
OBJECT_SYNONYMS = {
    "accounts": "account", "contacts": "contact", "leads": "lead", "opportunities": "opportunity",
    "campaigns": "campaign", "campaignmembers": "campaignmember", "tasks": "task", "events": "event",
    "users": "user", "opportunitycontactroles": "opportunitycontactrole", "contactroles": "opportunitycontactrole",
    "opportunitystagehistory": "opportunityhistory",
    "datedconversionrates": "datedconversionrate", "currencytypes": "currencytype",
}
IGNORED_OBJECTS = ("accounthistory", "contacthistory", "opportunitylineitem", "order", "product2", "userrole",
                   "leadhistory", "campaignhistory")


def object_of(path: Path) -> str | None:
    """The Salesforce object a file holds, from its name: Account.csv, sf_account_data.csv, Opportunities.xlsx …"""
    stem = re.sub(r"[^a-z0-9]", "", path.stem.lower())
    stem = re.sub(r"^(sf|salesforce)", "", stem)
    stem = re.sub(r"(data|export|extract)$", "", stem)
    stem = OBJECT_SYNONYMS.get(stem, stem)
    if stem in OBJECTS or stem in IGNORED_OBJECTS:
        return stem
    return None


def in_canonical_layout(source: SourceFile, table: str) -> bool:
    """Whether a file named both after a canonical table and a Salesforce object (Accounts.csv, Opportunities.csv,
    Users.csv, Campaigns.csv, Campaign_Members.csv) is in the canonical layout: its header names the table's key
    columns exactly (account_id; campaign_id and person_id). Otherwise it is the object's Salesforce export, whose key
    is `Id` or a label such as "Opportunity ID"."""
    names = {header.strip().lower() for header in source.headers}
    return all(column in names for column in schema.TABLES[table].key)


class SalesforceAdapter:
    """Reads Salesforce object extracts; converted leads and their contacts become one person (DESIGN §4.8)."""

    name = "salesforce"

    def __init__(self, field_overrides: dict[str, dict[str, list[str]]] | None = None,
                 date_layout: str | None = None):
        # object → {column: [header names]} placed ahead of the defaults (renamed custom fields)
        self.field_overrides = field_overrides or {}
        self.date_layout = date_layout  # every date read in this layout (the import's date-format option)

    def build(self, con: duckdb.DuckDBPyConnection, paths: list[Path], run: AdapterRun,
              progress: Progress | None = None) -> None:
        for index, path in enumerate(paths):
            if progress:
                progress(0.05 + 0.55 * index / max(len(paths), 1), f"Reading {path.name}")
            table = canonical_table_for(path)
            salesforce_object = object_of(path)
            if salesforce_object in IGNORED_OBJECTS:
                run.problems.append(Problem(file=path.name, rule="not used by the dashboard; skipped",
                                            severity="warning"))
                continue
            if table is None and salesforce_object is None:
                run.problems.append(Problem(
                    file=path.name, severity="warning",
                    rule="not recognised as a Salesforce object (name the file after it, e.g. Opportunity.csv); "
                         "skipped"))
                continue
            source = load_source(con, path, run)
            if source is None:
                continue
            if table is not None and (salesforce_object is None or in_canonical_layout(source, table)):
                run.recognised[path.name] = f"canonical table {table}"
                stage_canonical(con, source, table, run, salesforce_ids=True, date_layout=self.date_layout)
                drop_source(con, source)
                continue
            target, contract, aliases = OBJECTS[salesforce_object]
            aliases = {c: self.field_overrides.get(salesforce_object, {}).get(c, []) + names
                       for c, names in aliases.items()}
            run.recognised[path.name] = f"Salesforce {salesforce_object}"
            part = Part(
                target=target, contract=contract, source=source, columns=resolve_columns(source, aliases),
                expected_headers=aliases, snake_case=("persona",) if contract is SalesforcePerson else (),
                unknown_to={"persona": "other"} if contract is SalesforcePerson else {},
                skip_if_empty=("who_id",) if contract is SalesforceActivity else (),
                # A report export writes 15-character ids, the API and warehouse syncs 18: one record, one id.
                salesforce_ids=id_columns(contract), formats=date_formats(contract, self.date_layout),
            )
            stage_part(con, part, run)
            drop_source(con, source)  # each file feeds one staging table: its text is not needed again
        if run.has_errors:
            return
        if progress:
            progress(0.65, "Joining converted leads to their contacts")
        for target, contract in (("sf_leads", SalesforcePerson), ("sf_contacts", SalesforcePerson),
                                 ("sf_campaigns", SalesforceCampaign), ("sf_members", SalesforceMember),
                                 ("sf_activities", SalesforceActivity), ("sf_stage_changes", SalesforceStageChange),
                                 ("sf_dated_rates", SalesforceDatedRate),
                                 ("sf_currency_types", SalesforceCurrencyType)):
            empty_stage(con, target, contract)
        for table in schema.TABLES:
            empty_stage(con, table, schema.TABLES[table])

        def members(con: duckdb.DuckDBPyConnection) -> None:
            if campaign_members(con):
                run.unique_keys.add("campaign_members")

        # Functions looked up when the import runs, so that a bench can time them.
        run_steps(con, "salesforce", chosen={"lead_people": lead_people, "canon_campaign_members": members})
        for table in ("accounts", "opportunities", "opportunity_contacts", "users", "campaign_spend",
                      "awareness_metrics"):
            pass_through(con, table)


def lead_people(con: duckdb.DuckDBPyConnection) -> None:
    """lead_people: one row per person the leads belong to; merged only when two leads share a person (a hash
    repeats), since the grouping of every lead costs far more than the check."""
    steps = transforms("salesforce")
    run_transform(con, steps["lead_people" if check(con, steps["leads_share_a_person"]) else "lead_people_one_each"])


def campaign_members(con: duckdb.DuckDBPyConnection) -> bool:
    """canon_campaign_members: the canonical file's rows, then one row per person and campaign of CampaignMember;
    True when its key is unique by construction (no canonical file's rows were added).

    Usually no person is in a campaign twice, and the merge (a grouping of every membership, the costliest step of
    an import) would return the rows as they are; it runs only when a (campaign, person) pair repeats. Equal pairs
    have equal hashes, so no repeated hash proves no repeated pair.
    """
    steps = transforms("salesforce")
    run_transform(con, steps["member_people" if check(con, steps["ids_name_two_people"])
                             else "member_people_ids_unique"])
    if check(con, steps["members_repeat"]):
        run_transform(con, steps["member_people_merged"])
    if con.execute(sqlfiles.has_rows(sqlfiles.quote("stage_campaign_members"))).fetchall()[0][0]:
        run_transform(con, steps["canon_campaign_members"])
        con.execute(sqlfiles.drop_table("sf_member_people"))
        return False
    # The same columns in the same order as the union's: take the table as it is.
    con.execute(sqlfiles.rename_table("sf_member_people", "canon_campaign_members"))
    return True
