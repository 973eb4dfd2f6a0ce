"""Salesforce extracts (API names, report-export labels, snake_case warehouse syncs) into the canonical tables."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

import duckdb
from pydantic import BaseModel

from alignment import schema
from alignment.ingest.adapters import (
    AdapterRun, LifecycleDates, Progress, canonical_table_for, date_formats, drop_source, empty_stage, id_columns,
    load_source,
    pass_through, resolve_columns, stage_canonical, stage_part,
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
    entered_at: dt.datetime
    amount: float | None = None


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
        "is_closed": _std("IsClosed", "Closed"),
        "is_won": _std("IsWon", "Won"),
        "type": _std("Type", "Opportunity Type"),
        "lead_source": _std("LeadSource", "Lead Source"),
        "primary_campaign_id": _std("CampaignId", "Primary Campaign Source ID", "Campaign ID"),
    }),
    "opportunityhistory": ("sf_stage_changes", SalesforceStageChange, {
        "opportunity_id": ["OpportunityId", "Opportunity ID", "Id"],
        "stage": _std("StageName", "Stage"),
        "entered_at": ["_fivetran_start", "CreatedDate", "Created Date", "Last Modified"],
        "amount": _std("Amount"),
    }),
    "opportunityfieldhistory": ("sf_stage_changes", SalesforceStageChange, {
        "opportunity_id": ["OpportunityId", "Opportunity ID"],
        "field": _std("Field"),
        "new_value": ["NewValue", "New Value"],
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
                                 ("sf_activities", SalesforceActivity), ("sf_stage_changes", SalesforceStageChange)):
            empty_stage(con, target, contract)
        for table in schema.TABLES:
            empty_stage(con, table, schema.TABLES[table])
        for statement in TRANSFORMS:
            if callable(statement):
                statement(con)
                continue
            con.execute(statement)
        if campaign_members(con):
            run.unique_keys.add("campaign_members")
        for table in ("accounts", "opportunities", "opportunity_contacts", "users", "campaign_spend",
                      "awareness_metrics"):
            pass_through(con, table)


# Each lead's person is the contact it was converted into, else the lead itself; leads of one person are merged.
MERGED_LEADS = """CREATE TEMP TABLE lead_people AS
       SELECT coalesce(converted_contact_id, person_id) AS person_id,
              bool_or(converted_contact_id IS NOT NULL) AS is_converted,
              arg_min(_file, _row) AS _file, min(_row) AS _row,
              arg_min(title, created_at) AS title, arg_min(persona, created_at) AS persona,
              arg_min(lead_source, created_at) AS lead_source, arg_min(owner_id, created_at) AS owner_id,
              min(created_at) AS created_at, arg_min(country, created_at) AS country,
              min(converted_at) AS converted_at, arg_min(converted_account_id, created_at) AS converted_account_id,
              arg_min(converted_opportunity_id, created_at) AS converted_opportunity_id,
              min(mql_at) AS mql_at, min(sal_at) AS sal_at, min(sql_at) AS sql_at,
              min(rejected_at) AS rejected_at, arg_min(rejection_reason, rejected_at) AS rejection_reason,
              min(disqualified_at) AS disqualified_at,
              arg_min(disqualification_reason, disqualified_at) AS disqualification_reason,
              min(recycled_at) AS recycled_at
       FROM stage_sf_leads GROUP BY ALL"""
# The merge when every lead is a person of its own: one row's aggregates are its values (arg_min ignores a row whose
# ordering value is empty).
ONE_PERSON_PER_LEAD = """CREATE TEMP TABLE lead_people AS
   SELECT coalesce(converted_contact_id, person_id) AS person_id,
          converted_contact_id IS NOT NULL AS is_converted, _file, _row,
          CASE WHEN created_at IS NOT NULL THEN title END AS title,
          CASE WHEN created_at IS NOT NULL THEN persona END AS persona,
          CASE WHEN created_at IS NOT NULL THEN lead_source END AS lead_source,
          CASE WHEN created_at IS NOT NULL THEN owner_id END AS owner_id,
          created_at, CASE WHEN created_at IS NOT NULL THEN country END AS country, converted_at,
          CASE WHEN created_at IS NOT NULL THEN converted_account_id END AS converted_account_id,
          CASE WHEN created_at IS NOT NULL THEN converted_opportunity_id END AS converted_opportunity_id,
          mql_at, sal_at, sql_at,
          rejected_at, CASE WHEN rejected_at IS NOT NULL THEN rejection_reason END AS rejection_reason,
          disqualified_at,
          CASE WHEN disqualified_at IS NOT NULL THEN disqualification_reason END AS disqualification_reason,
          recycled_at
   FROM stage_sf_leads"""


def lead_people(con: duckdb.DuckDBPyConnection) -> None:
    """lead_people: one row per person the leads belong to; merged only when two leads share a person (a hash
    repeats), since the grouping of every lead costs far more than the check."""
    repeated = hash_repeats(con, "stage_sf_leads", "coalesce(converted_contact_id, person_id)")
    con.execute(MERGED_LEADS if repeated else ONE_PERSON_PER_LEAD)


def hash_repeats(con: duckdb.DuckDBPyConnection, table: str, key: str) -> bool:
    """Whether two rows of `table` have equal hashes of `key` (both fixed SQL): when not, no `key` repeats.

    The hashes are sorted and neighbours compared, which costs half of grouping them at 20 M rows.
    """
    return bool(con.execute("SELECT count(*) FROM (SELECT h = lag(h) OVER (ORDER BY h) AS repeated FROM "
                            "(SELECT hash(" + key + ") AS h FROM " + table + ")) WHERE repeated").fetchall()[0][0])


TRANSFORMS: list = [
    # Every id a lead or contact is known by → the person it belongs to (a converted lead is its contact).
    """CREATE TEMP TABLE person_ids AS
       SELECT person_id AS source_id, person_id FROM stage_sf_contacts
       UNION ALL
       SELECT person_id, coalesce(converted_contact_id, person_id) FROM stage_sf_leads""",
    lead_people,
    # DESIGN §4.8: the contact's id, the earlier creation, the contact's account (else the lead's converted
    # account), persona and source the contact's else the lead's, each lifecycle date the earlier of the two.
    """CREATE TEMP TABLE person_dates AS
       SELECT coalesce(c.person_id, l.person_id) AS person_id,
              coalesce(c._file, l._file) AS _file, coalesce(c._row, l._row) AS _row,
              CASE WHEN c.person_id IS NOT NULL OR l.is_converted THEN 'contact' ELSE 'lead' END AS kind,
              coalesce(c.account_id, l.converted_account_id) AS account_id,
              coalesce(c.title, l.title) AS title, coalesce(c.persona, l.persona) AS persona,
              coalesce(c.lead_source, l.lead_source) AS lead_source, coalesce(c.owner_id, l.owner_id) AS owner_id,
              least(c.created_at, l.created_at) AS created_at,
              coalesce(l.converted_at, c.converted_at) AS converted_at,
              coalesce(l.converted_opportunity_id, c.converted_opportunity_id) AS converted_opportunity_id,
              coalesce(c.country, l.country) AS country,
              least(c.mql_at, l.mql_at) AS mql_at, least(c.sal_at, l.sal_at) AS sal_at,
              least(c.sql_at, l.sql_at) AS sql_at,
              least(c.rejected_at, l.rejected_at) AS rejected_at,
              CASE WHEN l.rejected_at IS NULL OR c.rejected_at <= l.rejected_at
                   THEN coalesce(c.rejection_reason, l.rejection_reason)
                   ELSE coalesce(l.rejection_reason, c.rejection_reason) END AS rejection_reason,
              least(c.disqualified_at, l.disqualified_at) AS disqualified_at,
              CASE WHEN l.disqualified_at IS NULL OR c.disqualified_at <= l.disqualified_at
                   THEN coalesce(c.disqualification_reason, l.disqualification_reason)
                   ELSE coalesce(l.disqualification_reason, c.disqualification_reason) END AS disqualification_reason,
              least(c.recycled_at, l.recycled_at) AS recycled_at
       FROM stage_sf_contacts c FULL OUTER JOIN lead_people l ON l.person_id = c.person_id""",
    """CREATE TEMP TABLE canon_people AS
       SELECT _file, _row, person_id, kind, account_id, title, persona, lead_source, owner_id, created_at,
              converted_at, converted_opportunity_id, country
       FROM person_dates
       UNION ALL BY NAME
       SELECT * FROM stage_people""",
    """CREATE TEMP TABLE canon_lifecycle_events AS
       SELECT * FROM stage_lifecycle_events
       UNION ALL BY NAME
       SELECT _file, _row, person_id, stage, occurred_at,
              CASE stage WHEN 'rejected' THEN rejection_reason
                         WHEN 'disqualified' THEN disqualification_reason END AS reason,
              NULL::VARCHAR AS actor_id
       FROM (SELECT _file, _row, person_id, rejection_reason, disqualification_reason,
                    mql_at AS mql, sal_at AS sal, sql_at AS sql, rejected_at AS rejected,
                    disqualified_at AS disqualified, recycled_at AS recycled FROM person_dates)
       UNPIVOT (occurred_at FOR stage IN (mql, sal, sql, rejected, disqualified, recycled))""",
    """CREATE TEMP TABLE canon_sales_activities AS
       SELECT * FROM stage_sales_activities
       UNION ALL BY NAME
       SELECT a._file, a._row, a.activity_id, coalesce(p.person_id, a.who_id) AS person_id,
              coalesce(a.completed_at, a.activity_at, a.created_at, CAST(a.activity_date AS TIMESTAMP))
                AS occurred_at,
              coalesce(a.type, a.subtype) AS type, a.owner_id
       FROM stage_sf_activities a LEFT JOIN person_ids p ON p.source_id = a.who_id""",
    """CREATE TEMP TABLE canon_campaigns AS
       SELECT * FROM stage_campaigns
       UNION ALL BY NAME
       SELECT _file, _row, campaign_id, name, channel, funnel_role,
              objective, coalesce(content, description) AS content, targeting, start_date, end_date,
              budgeted_cost, actual_cost, parent_campaign_id, owner_id, sales_sponsor_id
       FROM (SELECT * REPLACE (coalesce(snake_text(channel), snake_text(type), 'unspecified') AS channel)
             FROM stage_sf_campaigns)""",
    # History rows: one per (deal, stage), at the first time the deal was seen in it.
    """INSERT INTO stage_opportunity_stage_history (_file, _row, opportunity_id, stage, entered_at, amount)
       SELECT arg_min(_file, entered_at), arg_min(_row, entered_at), opportunity_id,
              coalesce(stage, new_value) AS stage, min(entered_at), arg_min(amount, entered_at)
       FROM stage_sf_stage_changes
       WHERE (field IS NULL OR lower(field) = 'stagename') AND coalesce(stage, new_value) IS NOT NULL
       GROUP BY opportunity_id, coalesce(stage, new_value)""",
    """CREATE TEMP TABLE canon_opportunity_stage_history AS SELECT * FROM stage_opportunity_stage_history""",
]


# A converted lead and its contact may both be members of one campaign: one person, one touch. Every membership row
# with the person it belongs to (a row twice when its id is known twice, as the grouping below would see it).
MEMBER_PEOPLE = """CREATE TEMP TABLE sf_member_people AS
   SELECT m._file, m._row, m.campaign_id, coalesce(pc.person_id, pl.person_id, m.contact_id, m.lead_id) AS person_id,
          m.status, m.created_at, m.has_responded, m.first_responded_at
   FROM stage_sf_members m
   LEFT JOIN person_ids pc ON pc.source_id = m.contact_id
   LEFT JOIN person_ids pl ON pl.source_id = m.lead_id
   WHERE coalesce(m.contact_id, m.lead_id) IS NOT NULL"""
# The same rows when every id is known once: a membership's person is that of its contact id when the contact id is
# known or the lead id is not (or either is empty), else that of its lead id; and only a converted lead's id names
# another person. The two lookups of ids are made only for rows holding both ids, and the one that changes an id
# reads the converted leads alone, not every id (three times less work than two joins with every id).
MEMBER_PEOPLE_IDS_UNIQUE = """CREATE TEMP TABLE sf_member_people AS
   WITH chosen AS (
     SELECT m._file, m._row, m.campaign_id,
            CASE WHEN m.lead_id IS NULL THEN m.contact_id WHEN m.contact_id IS NULL THEN m.lead_id
                 WHEN known_contact.source_id IS NOT NULL OR known_lead.source_id IS NULL THEN m.contact_id
                 ELSE m.lead_id END AS source_id,
            m.status, m.created_at, m.has_responded, m.first_responded_at
     FROM stage_sf_members m
     LEFT JOIN person_ids known_contact
       ON known_contact.source_id = CASE WHEN m.lead_id IS NOT NULL THEN m.contact_id END
     LEFT JOIN person_ids known_lead
       ON known_lead.source_id = CASE WHEN m.contact_id IS NOT NULL THEN m.lead_id END
     WHERE coalesce(m.contact_id, m.lead_id) IS NOT NULL)
   SELECT c._file, c._row, c.campaign_id, coalesce(converted.person_id, c.source_id) AS person_id,
          c.status, c.created_at, c.has_responded, c.first_responded_at
   FROM chosen c
   LEFT JOIN (SELECT source_id, person_id FROM person_ids WHERE source_id IS DISTINCT FROM person_id) converted
     ON converted.source_id = c.source_id"""
# Rows of one person in one campaign are merged into one membership.
MERGED_MEMBERS = """CREATE TEMP TABLE sf_member_people AS
   SELECT arg_min(m._file, m._row) AS _file, min(m._row) AS _row, m.campaign_id,
          coalesce(pc.person_id, pl.person_id, m.contact_id, m.lead_id) AS person_id,
          arg_max(m.status, m.has_responded) AS status, min(m.created_at) AS created_at,
          bool_or(m.has_responded) AS has_responded,
          min(m.first_responded_at) AS first_responded_at
   FROM stage_sf_members m
   LEFT JOIN person_ids pc ON pc.source_id = m.contact_id
   LEFT JOIN person_ids pl ON pl.source_id = m.lead_id
   WHERE coalesce(m.contact_id, m.lead_id) IS NOT NULL
   GROUP BY m.campaign_id, coalesce(pc.person_id, pl.person_id, m.contact_id, m.lead_id)"""


def campaign_members(con: duckdb.DuckDBPyConnection) -> bool:
    """canon_campaign_members: the canonical file's rows, then one row per person and campaign of CampaignMember;
    True when its key is unique by construction (no canonical file's rows were added).

    Usually no person is in a campaign twice, and the merge (a grouping of every membership, the costliest step of
    an import) would return the rows as they are; it runs only when a (campaign, person) pair repeats. Equal pairs
    have equal hashes, so no repeated hash proves no repeated pair.
    """
    con.execute(MEMBER_PEOPLE if hash_repeats(con, "person_ids", "source_id") else MEMBER_PEOPLE_IDS_UNIQUE)
    if hash_repeats(con, "sf_member_people", "campaign_id, person_id"):
        con.execute("DROP TABLE sf_member_people")
        con.execute(MERGED_MEMBERS)
    canonical_rows = con.execute("SELECT count(*) FROM (SELECT 1 FROM stage_campaign_members LIMIT 1)").fetchall()[0][0]
    if canonical_rows:
        con.execute("CREATE TEMP TABLE canon_campaign_members AS SELECT * FROM stage_campaign_members "
                    "UNION ALL BY NAME SELECT * FROM sf_member_people")
        con.execute("DROP TABLE sf_member_people")
        return False
    # The same columns in the same order as the union's: take the table as it is.
    con.execute("ALTER TABLE sf_member_people RENAME TO canon_campaign_members")
    return True
