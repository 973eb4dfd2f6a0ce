"""HubSpot extracts (Fivetran connector tables or HubSpot's own UI exports) into the canonical tables."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal

import duckdb
from pydantic import BaseModel, Field

from alignment import schema
from alignment.ingest.adapters import (
    AdapterRun, LifecycleDates, Progress, canonical_table_for, date_formats, empty_stage, load_source, pass_through,
    resolve_columns, stage_canonical, stage_part,
)
from alignment.ingest.problems import Example, Problem
from alignment.ingest.readers import SourceFile, execute, normalize_header
from alignment.ingest.staging import Part


def _hs(*properties: str) -> list[str]:
    """HubSpot internal property names as exported bare (UI, API) and with Fivetran's `property_` prefix."""
    return [spelling for name in properties for spelling in (name, "property_" + name)]


# Lifecycle dates of a contact. HubSpot has no "sales accepted" stage: SAL, rejection, disqualification and
# recycling come only from custom date properties with these names; without them no such event is made (the
# metrics back-fill SAL from the next stage reached, DESIGN §4.8). "Became a Lead" is the canonical inquiry.
# Opportunity and customer dates are left out: opportunities and wins come from the deals themselves.
LIFECYCLE_PROPERTIES: dict[str, list[str]] = {
    "inquiry_at": _hs("hs_lifecyclestage_lead_date", "hs_v2_date_entered_lead") + [
        "Became a Lead Date", "Date entered Lead (Lifecycle Stage Pipeline)"],
    "mql_at": _hs("hs_lifecyclestage_marketingqualifiedlead_date", "hs_v2_date_entered_marketingqualifiedlead") + [
        "Became a Marketing Qualified Lead Date", "Date entered Marketing Qualified Lead (Lifecycle Stage Pipeline)"],
    "sal_at": _hs("sal_date", "sales_accepted_date", "date_sales_accepted") + [
        "SAL Date", "Sales Accepted Date", "Became a Sales Accepted Lead Date"],
    "sql_at": _hs("hs_lifecyclestage_salesqualifiedlead_date", "hs_v2_date_entered_salesqualifiedlead") + [
        "Became a Sales Qualified Lead Date", "Date entered Sales Qualified Lead (Lifecycle Stage Pipeline)"],
    "rejected_at": _hs("rejected_date", "rejection_date") + ["Rejected Date", "Rejection Date"],
    "rejection_reason": _hs("rejection_reason") + ["Rejection Reason"],
    "disqualified_at": _hs("disqualified_date", "disqualification_date") + ["Disqualified Date"],
    "disqualification_reason": _hs("disqualification_reason") + ["Disqualification Reason"],
    "recycled_at": _hs("recycled_date") + ["Recycled Date"],
}
# Values of HubSpot's lifecyclestage property (in property history) that are canonical stages.
LIFECYCLE_STAGE_VALUES = {"lead": "inquiry", "marketingqualifiedlead": "mql", "salesqualifiedlead": "sql"}

# HubSpot's "Original Source" codes as its UI labels them, so Fivetran and UI exports read alike.
ORIGINAL_SOURCES = {
    "ORGANIC_SEARCH": "Organic Search", "PAID_SEARCH": "Paid Search", "EMAIL_MARKETING": "Email Marketing",
    "SOCIAL_MEDIA": "Organic Social", "PAID_SOCIAL": "Paid Social", "REFERRALS": "Referrals",
    "OTHER_CAMPAIGNS": "Other Campaigns", "DIRECT_TRAFFIC": "Direct Traffic", "OFFLINE": "Offline Sources",
    "AI_REFERRALS": "AI Referrals",
}
# The stages of HubSpot's default sales pipeline, whose internal ids are fixed; closed/won as HubSpot sets them.
DEFAULT_STAGES = {
    "appointmentscheduled": ("Appointment Scheduled", False, False),
    "qualifiedtobuy": ("Qualified To Buy", False, False),
    "presentationscheduled": ("Presentation Scheduled", False, False),
    "decisionmakerboughtin": ("Decision Maker Bought-In", False, False),
    "contractsent": ("Contract Sent", False, False),
    "closedwon": ("Closed Won", True, True),
    "closedlost": ("Closed Lost", True, False),
}
# Email events that make a recipient a campaign member, and those that count as a response.
MEMBER_EVENTS = ("SENT", "DELIVERED", "OPEN", "CLICK")
RESPONSE_EVENTS = ("OPEN", "CLICK")


class HubSpotContact(LifecycleDates):
    """A contact with its lifecycle dates and the contact ids merged into it."""

    person_id: str
    email: str | None = None
    account_id: str | None = None
    title: str | None = None
    persona: Literal["decision_maker", "influencer", "user", "other"] | None = None
    lead_source: str | None = None
    owner_id: str | None = None
    created_at: dt.datetime
    country: str | None = None
    merged_ids: str | None = None
    is_deleted: bool | None = None
    inquiry_at: dt.datetime | None = None


class HubSpotCompany(schema.Account):
    """A company row (HubSpot calls accounts companies), which may be flagged deleted."""

    is_deleted: bool | None = None


class HubSpotDeal(BaseModel):
    """A deal with its own closed/won flags when the export has them, and its associations when inlined."""

    opportunity_id: str
    name: str | None = None
    owner_id: str | None = None
    created_at: dt.datetime
    close_date: dt.date | None = None
    amount: Annotated[float | None, Field(ge=0)] = None
    stage: str | None = None
    pipeline: str | None = None
    is_closed: bool | None = None
    is_won: bool | None = None
    is_lost: bool | None = None
    type: str | None = None
    lead_source: str | None = None
    primary_campaign_id: str | None = None
    account_ids: str | None = None
    contact_ids: str | None = None
    is_deleted: bool | None = None


class HubSpotPipelineStage(BaseModel):
    """A deal pipeline stage: its label and whether a deal in it is closed, and won."""

    stage_id: str
    label: str | None = None
    pipeline_id: str | None = None
    is_closed: bool | None = None
    is_won: bool | None = None
    is_deleted: bool | None = None


class HubSpotStageEntry(BaseModel):
    """A deal entering a stage (stage history, a property-history row, or a wide "Date entered" column)."""

    opportunity_id: str
    stage: str | None = None
    entered_at: dt.datetime
    property: str | None = None


class HubSpotLink(BaseModel):
    """An association row: deal↔contact, deal↔company or contact↔company."""

    from_id: str
    to_id: str
    type_id: str | None = None
    label: str | None = None


class HubSpotOwner(BaseModel):
    """An owner (a HubSpot user who can own records)."""

    user_id: str
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    team: str | None = None


class HubSpotMergedDeal(BaseModel):
    """A deal that was merged into another one."""

    opportunity_id: str
    merged_id: str


class HubSpotEmailCampaign(BaseModel):
    """A marketing email."""

    campaign_id: str
    name: str | None = None
    subject: str | None = None


class HubSpotEmailEvent(BaseModel):
    """One email event (sent, delivered, open, click, …) for one recipient address."""

    campaign_id: str | None = None
    recipient: str | None = None
    type: str | None = None
    occurred_at: dt.datetime | None = None
    is_filtered: bool | None = None


class HubSpotPropertyChange(BaseModel):
    """A property-history row: a record's property set to a value at a time."""

    object_id: str
    property: str | None = None
    value: str | None = None
    changed_at: dt.datetime | None = None


DELETED = ["is_deleted", "_fivetran_deleted"]
OWNER = ["owner_id", *_hs("hubspot_owner_id"), "HubSpot Owner ID", "HubSpot Owner"]

OBJECTS: dict[str, tuple[str, type[BaseModel], dict[str, list[str]]]] = {
    "contact": ("hs_contacts", HubSpotContact, {
        "person_id": ["id", "Record ID", "Contact ID", "vid", *_hs("hs_object_id")],
        "email": _hs("email") + ["Email"],
        "account_id": _hs("associatedcompanyid") + [
            "Associated Company ID", "Primary Associated Company ID", "Associated Company IDs (Primary)",
            "Company ID", "Associated Company IDs"],
        "title": _hs("jobtitle") + ["Job Title"],
        "persona": _hs("hs_persona") + ["Persona"],
        "lead_source": _hs("hs_analytics_source") + ["Original Source", "Original Source Type"],
        "owner_id": ["Contact owner", *OWNER],
        "created_at": _hs("createdate", "created_at") + ["Create Date", "Created Date"],
        "country": _hs("country") + ["Country/Region", "Country"],
        "merged_ids": _hs("hs_merged_object_ids", "hs_calculated_merged_vids") + ["Merged Contact IDs"],
        "is_deleted": DELETED,
        **LIFECYCLE_PROPERTIES,
    }),
    "company": ("hs_companies", HubSpotCompany, {
        "account_id": ["id", "company_id", "Record ID", "Company ID", *_hs("hs_object_id")],
        "account_name": _hs("name") + ["Company name", "Name"],
        "industry": _hs("industry") + ["Industry"],
        "segment": _hs("segment") + ["Segment"],
        "region": _hs("region", "hs_region") + ["Region"],
        "employees": _hs("numberofemployees") + ["Number of Employees"],
        "annual_revenue": _hs("annualrevenue") + ["Annual Revenue"],
        "is_target_account": _hs("hs_is_target_account") + ["Target Account", "Is Target Account"],
        "owner_id": ["Company owner", *OWNER],
        "created_at": _hs("createdate") + ["Create Date", "Created Date"],
        "is_deleted": DELETED,
    }),
    "deal": ("hs_deals", HubSpotDeal, {
        "opportunity_id": ["deal_id", "Record ID", "Deal ID", "id", *_hs("hs_object_id")],
        "name": _hs("dealname") + ["Deal Name"],
        "owner_id": ["Deal owner", *OWNER],
        "created_at": _hs("createdate") + ["Create Date", "Created Date"],
        "close_date": _hs("closedate") + ["Close Date"],
        "amount": _hs("amount") + ["Amount"],
        "stage": ["deal_pipeline_stage_id", *_hs("dealstage"), "Deal Stage"],
        "pipeline": ["deal_pipeline_id", *_hs("pipeline"), "Pipeline"],
        "is_closed": _hs("hs_is_closed") + ["Is Deal Closed?", "Is Closed"],
        "is_won": _hs("hs_is_closed_won") + ["Is Closed Won"],
        "is_lost": _hs("hs_is_closed_lost") + ["Is Closed Lost"],
        "type": _hs("dealtype") + ["Deal Type", "Type"],
        "lead_source": _hs("hs_analytics_source") + ["Original Source Type", "Original Source"],
        "primary_campaign_id": _hs("hs_campaign") + ["HubSpot Campaign", "Campaign ID"],
        "account_ids": _hs("associatedcompanyid") + [
            "Associated Company IDs (Primary)", "Associated Company ID", "Associated Company IDs", "Company ID"],
        "contact_ids": ["Associated Contact IDs", "Associated Contact ID", "Contact IDs"],
        "is_deleted": DELETED,
    }),
    "pipeline_stage": ("hs_stages", HubSpotPipelineStage, {
        "stage_id": ["stage_id", "Stage ID", "id"],
        "label": ["label", "Stage name", "Label"],
        "pipeline_id": ["pipeline_id", "Pipeline ID"],
        "is_closed": ["is_closed", "Is Closed", "closed"],
        "is_won": ["closed_won", "is_won", "Closed Won", "Is Won"],
        "is_deleted": DELETED,
    }),
    "deal_stage": ("hs_stage_entries", HubSpotStageEntry, {
        "opportunity_id": ["deal_id", "Deal ID"],
        "stage": ["value", "stage", "Deal Stage", "dealstage"],
        "entered_at": ["date_entered", "Date entered", "_fivetran_start", "timestamp"],
    }),
    "deal_property_history": ("hs_deal_changes", HubSpotPropertyChange, {
        "object_id": ["deal_id", "Deal ID"],
        "property": ["name", "property"],
        "value": ["value"],
        "changed_at": ["timestamp", "_fivetran_start"],
    }),
    "contact_property_history": ("hs_contact_changes", HubSpotPropertyChange, {
        "object_id": ["contact_id", "Contact ID"],
        "property": ["name", "property"],
        "value": ["value"],
        "changed_at": ["timestamp", "_fivetran_start"],
    }),
    "deal_contact": ("hs_deal_contacts", HubSpotLink, {
        "from_id": ["deal_id", "Deal ID"], "to_id": ["contact_id", "Contact ID"],
        "type_id": ["type_id"], "label": ["label", "Association label"],
    }),
    "deal_company": ("hs_deal_companies", HubSpotLink, {
        "from_id": ["deal_id", "Deal ID"], "to_id": ["company_id", "Company ID"],
        "type_id": ["type_id"], "label": ["label", "Association label"],
    }),
    "contact_company": ("hs_contact_companies", HubSpotLink, {
        "from_id": ["contact_id", "Contact ID"], "to_id": ["company_id", "Company ID"],
        "type_id": ["type_id"], "label": ["label", "Association label"],
    }),
    "owner": ("hs_owners", HubSpotOwner, {
        "user_id": ["owner_id", "Owner ID", "id", "User ID"],
        "name": ["name", "Name", "Full Name"],
        "first_name": ["first_name", "First Name", "firstName"],
        "last_name": ["last_name", "Last Name", "lastName"],
        "email": ["email", "Email"],
        "team": ["team", "Team", "Primary Team", "team_name"],
    }),
    "merged_deal": ("hs_merged_deals", HubSpotMergedDeal, {
        "opportunity_id": ["deal_id", "Deal ID"], "merged_id": ["merged_deal_id", "Merged Deal ID"],
    }),
    "email_campaign": ("hs_email_campaigns", HubSpotEmailCampaign, {
        "campaign_id": ["id", "email_campaign_id", "Email campaign ID", "Campaign ID"],
        "name": ["name", "Name", "Email name"],
        "subject": ["subject", "Subject"],
    }),
    "email_event": ("hs_email_events", HubSpotEmailEvent, {
        "campaign_id": ["email_campaign_id", "Email campaign ID", "Campaign ID"],
        "recipient": ["recipient", "Recipient", "Email", "Email address"],
        "type": ["type", "Event type", "Type"],
        "occurred_at": ["created", "Created", "timestamp", "Event time", "Date"],
        "is_filtered": ["filtered_event", "Filtered event", "Filtered"],
    }),
}

# Fivetran table names (and plain plurals) → the object they hold.
FILE_NAMES = {
    "contact": "contact", "contacts": "contact", "company": "company", "companies": "company",
    "deal": "deal", "deals": "deal", "dealpipelinestage": "pipeline_stage", "pipelinestages": "pipeline_stage",
    "dealstage": "deal_stage", "dealstagehistory": "deal_stage", "dealpropertyhistory": "deal_property_history",
    "contactpropertyhistory": "contact_property_history", "dealcontact": "deal_contact",
    "dealcompany": "deal_company", "contactcompany": "contact_company", "owner": "owner", "owners": "owner",
    "mergeddeal": "merged_deal", "emailcampaign": "email_campaign", "emailcampaigns": "email_campaign",
    "emailevent": "email_event", "emailevents": "email_event",
}
# Files recognised but not used, and why (said in the warning so nobody wonders where they went).
IGNORED_FILES = {
    "contactformsubmission": "form submissions name no campaign, so they cannot become campaign touches",
    "form": "forms name no campaign, so their submissions cannot become campaign touches",
    "dealpipeline": "pipeline names are not used (stages come from the pipeline stage file)",
    "companypropertyhistory": "company property history is not used",
    "contactlist": "contact lists are not campaigns", "contactlistmember": "contact lists are not campaigns",
}
IGNORED_PREFIXES = {
    "emailevent": "the per-type email event details add nothing to email_event_data (type, recipient, time)",
    "engagement": "HubSpot engagements are not read yet (sales activities)",
    "ticket": "tickets are not used by the dashboard",
    "conversation": "conversations are not used by the dashboard",
    "marketingevent": "marketing events are not read yet",
}
# Header signatures for files whose names say nothing (HubSpot UI exports are named "hubspot-crm-exports-…"):
# the first object whose every header of one signature is present. Specific shapes come before broad ones.
SIGNATURES: list[tuple[str, list[set[str]]]] = [
    ("email_event", [{"recipient", "emailcampaignid"}]),
    ("merged_deal", [{"dealid", "mergeddealid"}]),
    ("deal_stage", [{"dealid", "dateentered", "value"}]),
    ("pipeline_stage", [{"stageid", "label"}, {"stageid", "isclosed"}]),
    ("deal_contact", [{"dealid", "contactid", "typeid"}]),
    ("deal_company", [{"dealid", "companyid", "typeid"}]),
    ("contact_company", [{"contactid", "companyid", "typeid"}]),
    ("deal", [{"dealname"}, {"propertydealname"}, {"dealstage"}, {"propertydealstage"},
              {"dealpipelinestageid"}]),
    ("email_campaign", [{"id", "appid", "subject"}]),
    ("owner", [{"ownerid", "email", "firstname"}]),
    ("contact", [{"email", "firstname"}, {"email", "lastname"}, {"lifecyclestage"}, {"propertyemail"}]),
    ("company", [{"companyname"}, {"companydomainname"}, {"propertyname", "propertydomain"}]),
]
# Wide stage-date columns of a deal export: hs_date_entered_<stage id> or `Date entered "<label> (<pipeline>)"`.
STAGE_DATE_PROPERTY = re.compile(r"^(?:property_)?hs_(?:v2_)?date_entered_(.+)$")
NOT_DEAL_STAGES = ("lead", "marketingqualifiedlead", "salesqualifiedlead", "currentstage")
STAGE_DATE_LABEL = re.compile(r"""^date entered\s*["'“]?(.+?)["'”]?$""", re.IGNORECASE)


def file_object(path: Path) -> str | None:
    """The HubSpot object a file holds, from its name (Fivetran tables: contact_data.csv, deal_stage_data.csv …)."""
    stem = re.sub(r"[^a-z0-9]", "", path.stem.lower())
    stem = re.sub(r"^(hubspot|hs)", "", stem)
    stem = re.sub(r"(data|export|extract)$", "", stem)
    if stem in FILE_NAMES:
        return FILE_NAMES[stem]
    if stem in IGNORED_FILES or any(stem.startswith(prefix) for prefix in IGNORED_PREFIXES):
        return "ignored:" + stem
    return None


def ignored_reason(label: str) -> str:
    stem = label.removeprefix("ignored:")
    if stem in IGNORED_FILES:
        return IGNORED_FILES[stem]
    return next(reason for prefix, reason in IGNORED_PREFIXES.items() if stem.startswith(prefix))


def header_object(source: SourceFile) -> str | None:
    """The HubSpot object a file holds, from its headers (for UI exports with uninformative names)."""
    present = {normalize_header(h) for h in source.headers}
    for name, signatures in SIGNATURES:
        if any(signature <= present for signature in signatures):
            return name
    return None


def stage_date_columns(source: SourceFile) -> dict[str, str]:
    """Header → stage (id or label) for each wide "date entered" column of a deal export."""
    found = {}
    for header in source.headers:
        if (match := STAGE_DATE_PROPERTY.match(header)) and normalize_header(match.group(1)) not in NOT_DEAL_STAGES:
            found[header] = match.group(1)
        elif match := STAGE_DATE_LABEL.match(header):
            label = re.sub(r"\s*\([^()]*\)$", "", match.group(1)).strip()
            if label and normalize_header(label) not in NOT_DEAL_STAGES:
                found[header] = label
    return found


class HubSpotAdapter:
    """Reads HubSpot extracts; contacts are people of kind "contact" (HubSpot keeps no separate leads)."""

    name = "hubspot"

    def __init__(self, date_layout: str | None = None):
        self.date_layout = date_layout  # every date read in this layout (the import's date-format option)

    def build(self, con: duckdb.DuckDBPyConnection, paths: list[Path], run: AdapterRun,
              progress: Progress | None = None) -> None:
        for index, path in enumerate(paths):
            if progress:
                progress(0.05 + 0.55 * index / max(len(paths), 1), f"Reading {path.name}")
            self._read(con, path, run)
        if run.has_errors:
            return
        if progress:
            progress(0.65, "Joining deals, contacts and email events")
        for target, contract, _ in OBJECTS.values():
            empty_stage(con, target, contract)
        for table, contract in schema.TABLES.items():
            empty_stage(con, table, contract)
        params = {
            "default_stage_ids": list(DEFAULT_STAGES),
            "default_stage_labels": [label for label, _, _ in DEFAULT_STAGES.values()],
            "default_stage_closed": [closed for _, closed, _ in DEFAULT_STAGES.values()],
            "default_stage_won": [won for _, _, won in DEFAULT_STAGES.values()],
            "member_events": list(MEMBER_EVENTS), "response_events": list(RESPONSE_EVENTS),
            "lifecycle_values": list(LIFECYCLE_STAGE_VALUES), "lifecycle_stages": list(LIFECYCLE_STAGE_VALUES.values()),
        }
        for statement in TRANSFORMS:
            execute(con, statement, params)
        for table in ("campaign_spend", "awareness_metrics", "sales_activities"):
            pass_through(con, table)
        self._report(con, run)

    def _read(self, con: duckdb.DuckDBPyConnection, path: Path, run: AdapterRun) -> None:
        table = canonical_table_for(path)
        hubspot_object = None if table else file_object(path)
        if hubspot_object and hubspot_object.startswith("ignored:"):
            run.problems.append(Problem(file=path.name, severity="warning",
                                        rule=f"not used: {ignored_reason(hubspot_object)}; skipped"))
            return
        source = load_source(con, path, run)
        if source is None:
            return
        if table is not None:
            run.recognised[path.name] = f"canonical table {table}"
            stage_canonical(con, source, table, run, date_layout=self.date_layout)
            return
        hubspot_object = hubspot_object or header_object(source)
        if hubspot_object is None:
            run.problems.append(Problem(
                file=path.name, severity="warning",
                rule="not recognised as a HubSpot export (name it after the object, e.g. deals.csv, or export it "
                     "with its Record ID and name columns); skipped"))
            return
        target, contract, aliases = OBJECTS[hubspot_object]
        run.recognised[path.name] = f"HubSpot {hubspot_object.replace('_', ' ')}"
        columns = resolve_columns(source, aliases)
        stage_part(con, Part(
            target=target, contract=contract, source=source, columns=columns, expected_headers=aliases,
            snake_case=("persona",) if contract is HubSpotContact else (),
            unknown_to={"persona": "other"} if contract is HubSpotContact else {},
            value_maps={"lead_source": ORIGINAL_SOURCES} if "lead_source" in columns else {},
            formats={c: f for c, f in date_formats(contract, self.date_layout).items() if c in columns},
        ), run)
        if hubspot_object == "deal" and "opportunity_id" in columns:
            for header, stage in stage_date_columns(source).items():
                stage_part(con, Part(
                    target="hs_stage_entries", contract=HubSpotStageEntry, source=source,
                    columns={"opportunity_id": columns["opportunity_id"], "entered_at": header},
                    constants={"stage": stage}, skip_if_empty=("entered_at",),
                    formats=date_formats(HubSpotStageEntry, self.date_layout)), run)

    def _report(self, con: duckdb.DuckDBPyConnection, run: AdapterRun) -> None:
        """Say what was left out or read by a fallback, so nothing disappears silently."""
        for sql, column, rule in LEFT_OUT:
            rows = con.execute(sql).fetchall()
            by_file: dict[str, list[tuple]] = {}
            for file, row, value in rows:
                by_file.setdefault(file, []).append((row, value))
            for file, found in by_file.items():
                run.problems.append(Problem(
                    file=file, column=column, rule=rule, count=len(found), severity="warning",
                    examples=[Example(row=r, value=None if v is None else str(v)) for r, v in found[:3]]))
        for sql, note in NOTES:
            count = con.execute(sql).fetchall()[0][0]
            if count:
                run.assumptions.append(note.format(count=count))


TRANSFORMS = [
    # --- ids: deleted rows are out; a merged contact or deal is the record it was merged into -------------------
    """CREATE TEMP TABLE hs_live_contacts AS SELECT * FROM stage_hs_contacts WHERE NOT coalesce(is_deleted, false)""",
    """CREATE TEMP TABLE hs_merged_contacts AS
       SELECT trim(m.id) AS source_id, min(c.person_id) AS person_id
       FROM hs_live_contacts c, unnest(regexp_split_to_array(c.merged_ids, '[;,]')) AS m(id)
       WHERE trim(m.id) <> '' AND trim(m.id) <> c.person_id GROUP BY 1""",
    """CREATE TEMP TABLE hs_contact_ids AS
       SELECT person_id AS source_id, person_id FROM hs_live_contacts
       WHERE person_id NOT IN (SELECT source_id FROM hs_merged_contacts)
       UNION ALL SELECT source_id, person_id FROM hs_merged_contacts""",
    """CREATE TEMP TABLE hs_live_deals AS SELECT * FROM stage_hs_deals WHERE NOT coalesce(is_deleted, false)""",
    """CREATE TEMP TABLE hs_merged_deals AS
       SELECT merged_id AS source_id, min(opportunity_id) AS opportunity_id FROM stage_hs_merged_deals
       WHERE merged_id <> opportunity_id AND opportunity_id IN (SELECT opportunity_id FROM hs_live_deals)
       GROUP BY merged_id""",
    """CREATE TEMP TABLE hs_deal_ids AS
       SELECT opportunity_id AS source_id, opportunity_id FROM hs_live_deals
       WHERE opportunity_id NOT IN (SELECT source_id FROM hs_merged_deals)
       UNION ALL SELECT source_id, opportunity_id FROM hs_merged_deals""",
    # --- owners: UI exports name owners; an owners file turns names and emails back into owner ids ------------
    """CREATE TEMP TABLE hs_users AS
       SELECT _file, _row, user_id,
              coalesce(name, NULLIF(trim(concat_ws(' ', first_name, last_name)), '')) AS name, team, email
       FROM stage_hs_owners""",
    """CREATE TEMP TABLE hs_owner_keys AS
       SELECT key, min(user_id) AS user_id FROM (
         SELECT lower(user_id) AS key, user_id FROM hs_users
         UNION ALL SELECT lower(name), user_id FROM hs_users WHERE name IS NOT NULL
         UNION ALL SELECT lower(email), user_id FROM hs_users WHERE email IS NOT NULL)
       GROUP BY key""",
    """CREATE TEMP MACRO hs_owner(v) AS
       coalesce((SELECT user_id FROM hs_owner_keys WHERE key = lower(trim(v))), v)""",
    # --- stages: the pipeline stage file's labels and flags, else HubSpot's default pipeline ------------------
    """CREATE TEMP TABLE hs_stage_keys AS
       WITH stages AS (SELECT * FROM stage_hs_stages WHERE NOT coalesce(is_deleted, false)),
       by_id AS (SELECT lower(stage_id) AS key, arg_min(coalesce(label, stage_id), _row) AS label,
                        arg_min(is_closed, _row) AS is_closed, arg_min(is_won, _row) AS is_won
                 FROM stages GROUP BY 1),
       by_label AS (SELECT lower(label) AS key, min(label) AS label,
                           CASE WHEN count(DISTINCT is_closed) = 1 THEN min(is_closed) END AS is_closed,
                           CASE WHEN count(DISTINCT is_won) = 1 THEN min(is_won) END AS is_won
                    FROM stages WHERE label IS NOT NULL AND lower(label) NOT IN (SELECT key FROM by_id) GROUP BY 1),
       defaults AS (SELECT unnest($default_stage_ids::VARCHAR[]) AS key,
                           unnest($default_stage_labels::VARCHAR[]) AS label,
                           unnest($default_stage_closed::BOOLEAN[]) AS is_closed,
                           unnest($default_stage_won::BOOLEAN[]) AS is_won)
       SELECT * FROM by_id UNION ALL SELECT * FROM by_label
       UNION ALL SELECT * FROM defaults
       WHERE key NOT IN (SELECT key FROM by_id UNION ALL SELECT key FROM by_label)""",
    # --- accounts -----------------------------------------------------------------------------------------------
    """CREATE TEMP TABLE canon_accounts AS
       SELECT * FROM stage_accounts
       UNION ALL BY NAME
       SELECT _file, _row, account_id, account_name, industry, segment, region, employees, annual_revenue,
              is_target_account, hs_owner(owner_id) AS owner_id, created_at
       FROM stage_hs_companies WHERE NOT coalesce(is_deleted, false)""",
    # --- people: one per surviving contact; the account is its own column, else its primary association ---------
    """CREATE TEMP TABLE hs_contact_company AS
       SELECT i.person_id, first(l.to_id ORDER BY (l.type_id = '1') DESC, l._row) AS account_id
       FROM stage_hs_contact_companies l JOIN hs_contact_ids i ON i.source_id = l.from_id GROUP BY 1""",
    """CREATE TEMP TABLE canon_people AS
       SELECT * FROM stage_people
       UNION ALL BY NAME
       SELECT c._file, c._row, c.person_id, 'contact' AS kind,
              coalesce(NULLIF(trim(regexp_split_to_array(c.account_id, '[;,]')[1]), ''), cc.account_id) AS account_id,
              c.title, c.persona, c.lead_source, hs_owner(c.owner_id) AS owner_id, c.created_at,
              NULL::TIMESTAMP AS converted_at, NULL::VARCHAR AS converted_opportunity_id, c.country
       FROM hs_live_contacts c LEFT JOIN hs_contact_company cc USING (person_id)
       WHERE c.person_id NOT IN (SELECT source_id FROM hs_merged_contacts)""",
    # --- lifecycle events: the contact's stage date properties and lifecyclestage history, earliest wins -------
    """CREATE TEMP TABLE hs_stage_dates AS
       SELECT _file, _row, person_id, stage, occurred_at,
              CASE stage WHEN 'rejected' THEN rejection_reason
                         WHEN 'disqualified' THEN disqualification_reason END AS reason
       FROM (SELECT _file, _row, person_id, rejection_reason, disqualification_reason,
                    inquiry_at AS inquiry, mql_at AS mql, sal_at AS sal, sql_at AS sql, rejected_at AS rejected,
                    disqualified_at AS disqualified, recycled_at AS recycled
             FROM hs_live_contacts WHERE person_id NOT IN (SELECT source_id FROM hs_merged_contacts))
       UNPIVOT (occurred_at FOR stage IN (inquiry, mql, sal, sql, rejected, disqualified, recycled))
       UNION ALL
       SELECT h._file, h._row, i.person_id, s.stage, h.changed_at, NULL
       FROM stage_hs_contact_changes h
       JOIN (SELECT unnest($lifecycle_values::VARCHAR[]) AS value, unnest($lifecycle_stages::VARCHAR[]) AS stage) s
         ON s.value = lower(h.value)
       JOIN hs_contact_ids i ON i.source_id = h.object_id
       WHERE lower(h.property) = 'lifecyclestage' AND h.changed_at IS NOT NULL""",
    """CREATE TEMP TABLE canon_lifecycle_events AS
       SELECT * FROM stage_lifecycle_events
       UNION ALL BY NAME
       SELECT arg_min(_file, occurred_at) AS _file, arg_min(_row, occurred_at) AS _row, person_id, stage,
              min(occurred_at) AS occurred_at, arg_min(reason, occurred_at) AS reason, NULL::VARCHAR AS actor_id
       FROM hs_stage_dates GROUP BY person_id, stage""",
    # --- opportunities: won/lost from the deal's own flags, else its pipeline stage's, else the stage name ------
    """CREATE TEMP TABLE hs_deal_company AS
       SELECT i.opportunity_id, first(l.to_id ORDER BY (l.type_id = '5') DESC, l._row) AS account_id
       FROM stage_hs_deal_companies l JOIN hs_deal_ids i ON i.source_id = l.from_id GROUP BY 1""",
    """CREATE TEMP TABLE hs_deals_read AS
       SELECT d.*, coalesce(st.label, d.stage) AS stage_label,
              coalesce(d.is_closed, CASE WHEN d.is_won OR d.is_lost THEN true
                                         WHEN NOT d.is_won AND NOT d.is_lost THEN false END,
                       st.is_closed) AS flag_closed,
              coalesce(d.is_won, st.is_won, CASE WHEN d.is_lost THEN false END) AS flag_won,
              regexp_replace(lower(coalesce(st.label, d.stage)), '[^a-z]', '', 'g') AS stage_word
       FROM stage_hs_deals d LEFT JOIN hs_stage_keys st ON st.key = lower(d.stage)
       WHERE d.opportunity_id IN (SELECT source_id FROM hs_deal_ids WHERE source_id = opportunity_id)""",
    """CREATE TEMP TABLE canon_opportunities AS
       SELECT * FROM stage_opportunities
       UNION ALL BY NAME
       SELECT d._file, d._row, d.opportunity_id,
              coalesce(NULLIF(trim(regexp_split_to_array(d.account_ids, '[;,]')[1]), ''), dc.account_id) AS account_id,
              d.name, hs_owner(d.owner_id) AS owner_id, d.created_at, d.close_date, d.amount, d.stage_label AS stage,
              coalesce(d.flag_closed, d.stage_word IN ('closedwon', 'closedlost'), false) AS is_closed,
              coalesce(d.flag_won, CASE WHEN coalesce(d.flag_closed, true) THEN d.stage_word = 'closedwon' END,
                       false) AS is_won,
              d.type, d.lead_source, d.primary_campaign_id
       FROM hs_deals_read d LEFT JOIN hs_deal_company dc USING (opportunity_id)""",
    # --- stage history: one row per (deal, stage), at the first time the deal entered it ----------------------
    """CREATE TEMP TABLE hs_stage_rows AS
       SELECT _file, _row, opportunity_id, stage, entered_at FROM stage_hs_stage_entries
       UNION ALL
       SELECT _file, _row, object_id, value, changed_at FROM stage_hs_deal_changes
       WHERE lower(property) = 'dealstage' AND value IS NOT NULL AND changed_at IS NOT NULL""",
    """CREATE TEMP TABLE canon_opportunity_stage_history AS
       SELECT * FROM stage_opportunity_stage_history
       UNION ALL BY NAME
       SELECT arg_min(h._file, h.entered_at) AS _file, arg_min(h._row, h.entered_at) AS _row,
              i.opportunity_id, coalesce(st.label, h.stage) AS stage, min(h.entered_at) AS entered_at,
              NULL::DOUBLE AS amount
       FROM hs_stage_rows h JOIN hs_deal_ids i ON i.source_id = h.opportunity_id
       LEFT JOIN hs_stage_keys st ON st.key = lower(h.stage)
       WHERE h.stage IS NOT NULL
       GROUP BY i.opportunity_id, coalesce(st.label, h.stage)""",
    # --- opportunity contacts: association rows plus ids listed on the deal, one row per (deal, contact) --------
    """CREATE TEMP TABLE hs_deal_contact_rows AS
       SELECT _file, _row, from_id AS deal_id, to_id AS contact_id, label FROM stage_hs_deal_contacts
       UNION ALL
       SELECT d._file, d._row, d.opportunity_id, trim(c.id), NULL
       FROM stage_hs_deals d, unnest(regexp_split_to_array(d.contact_ids, '[;,]')) AS c(id)
       WHERE trim(c.id) <> ''""",
    """CREATE TEMP TABLE canon_opportunity_contacts AS
       SELECT * FROM stage_opportunity_contacts
       UNION ALL BY NAME
       SELECT min(r._file) AS _file, min(r._row) AS _row, i.opportunity_id, coalesce(p.person_id, r.contact_id)
                AS person_id, min(r.label) AS role, false AS is_primary
       FROM hs_deal_contact_rows r JOIN hs_deal_ids i ON i.source_id = r.deal_id
       LEFT JOIN hs_contact_ids p ON p.source_id = r.contact_id
       GROUP BY i.opportunity_id, coalesce(p.person_id, r.contact_id)""",
    # --- users: the owners file; without one, each owner named in the exports becomes a user -------------------
    """CREATE TEMP TABLE canon_users AS
       SELECT * FROM stage_users
       UNION ALL BY NAME
       SELECT _file, _row, user_id, name, team, NULL::VARCHAR AS region, NULL::VARCHAR AS manager_id FROM hs_users
       UNION ALL BY NAME
       SELECT min(_file) AS _file, min(_row) AS _row, owner_id AS user_id,
              CASE WHEN NOT regexp_full_match(owner_id, '\\d+') THEN owner_id END AS name
       FROM (SELECT _file, _row, owner_id FROM stage_hs_contacts UNION ALL SELECT _file, _row, owner_id
             FROM stage_hs_companies UNION ALL SELECT _file, _row, owner_id FROM stage_hs_deals)
       WHERE owner_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stage_hs_owners)
         AND NOT EXISTS (SELECT 1 FROM stage_users)
       GROUP BY owner_id""",
    # --- campaigns: marketing emails (channel email); an email with no name is called by its subject ----------
    """CREATE TEMP TABLE canon_campaigns AS
       SELECT * FROM stage_campaigns
       UNION ALL BY NAME
       SELECT _file, _row, campaign_id, coalesce(name, subject, 'HubSpot email ' || campaign_id) AS name,
              'email' AS channel, CAST(NULL AS VARCHAR) AS funnel_role,
              subject AS content
       FROM stage_hs_email_campaigns""",
    # --- members: one per contact per email; an unfiltered open or click is the response ----------------------
    """CREATE TEMP TABLE hs_email_contacts AS
       SELECT lower(trim(email)) AS email, min(i.person_id) AS person_id
       FROM hs_live_contacts c JOIN hs_contact_ids i ON i.source_id = c.person_id
       WHERE email IS NOT NULL GROUP BY 1""",
    """CREATE TEMP TABLE hs_member_events AS
       SELECT e.*, upper(e.type) AS event, ec.person_id
       FROM stage_hs_email_events e LEFT JOIN hs_email_contacts ec ON ec.email = lower(trim(e.recipient))
       WHERE upper(e.type) IN (SELECT unnest($member_events::VARCHAR[]))""",
    """CREATE TEMP TABLE canon_campaign_members AS
       SELECT * FROM stage_campaign_members
       UNION ALL BY NAME
       SELECT min(_file) AS _file, min(_row) AS _row, campaign_id, person_id,
              CASE WHEN bool_or(event = 'CLICK' AND NOT coalesce(is_filtered, false)) THEN 'Clicked'
                   WHEN bool_or(event = 'OPEN' AND NOT coalesce(is_filtered, false)) THEN 'Opened'
                   ELSE 'Sent' END AS status,
              min(occurred_at) AS created_at,
              bool_or(event IN (SELECT unnest($response_events::VARCHAR[])) AND NOT coalesce(is_filtered, false))
                AS has_responded,
              min(occurred_at) FILTER (WHERE event IN (SELECT unnest($response_events::VARCHAR[]))
                                       AND NOT coalesce(is_filtered, false)) AS first_responded_at
       FROM hs_member_events
       WHERE person_id IS NOT NULL AND campaign_id IN (SELECT campaign_id FROM stage_hs_email_campaigns)
       GROUP BY campaign_id, person_id""",
]

# (query giving _file, _row, value of every row left out; the column named; why) — reported as warnings.
LEFT_OUT = [
    ("""SELECT _file, _row, from_id FROM stage_hs_deal_contacts
        WHERE from_id NOT IN (SELECT source_id FROM hs_deal_ids) ORDER BY _file, _row""",
     "deal_id", "no deal in the deals file has this id (or it is deleted); the association was left out"),
    ("""SELECT _file, _row, from_id FROM stage_hs_deal_companies
        WHERE from_id NOT IN (SELECT source_id FROM hs_deal_ids) ORDER BY _file, _row""",
     "deal_id", "no deal in the deals file has this id (or it is deleted); the association was left out"),
    ("""SELECT _file, _row, from_id FROM stage_hs_contact_companies
        WHERE from_id NOT IN (SELECT source_id FROM hs_contact_ids) ORDER BY _file, _row""",
     "contact_id", "no contact in the contacts file has this id (or it is deleted); the association was left out"),
    ("""SELECT _file, _row, opportunity_id FROM hs_stage_rows
        WHERE opportunity_id NOT IN (SELECT source_id FROM hs_deal_ids) ORDER BY _file, _row""",
     "deal_id", "no deal in the deals file has this id (or it is deleted); the stage change was left out"),
    ("""SELECT _file, _row, recipient FROM hs_member_events WHERE person_id IS NULL ORDER BY _file, _row""",
     "recipient", "no contact has this email address; the email event was left out"),
    ("""SELECT _file, _row, campaign_id FROM hs_member_events
        WHERE person_id IS NOT NULL
          AND (campaign_id IS NULL OR campaign_id NOT IN (SELECT campaign_id FROM stage_hs_email_campaigns))
        ORDER BY _file, _row""",
     "email_campaign_id", "no email campaign has this id; the email event was left out"),
]
NOTES = [
    ("SELECT count(*) FROM stage_hs_contacts WHERE is_deleted",
     "{count} contact(s) marked deleted were left out"),
    ("SELECT count(*) FROM stage_hs_deals WHERE is_deleted", "{count} deal(s) marked deleted were left out"),
    ("SELECT count(*) FROM stage_hs_companies WHERE is_deleted",
     "{count} company row(s) marked deleted were left out"),
    ("SELECT count(*) FROM hs_live_contacts WHERE person_id IN (SELECT source_id FROM hs_merged_contacts)",
     "{count} contact(s) merged into another contact in HubSpot were read as that contact"),
    ("SELECT count(*) FROM hs_live_deals WHERE opportunity_id IN (SELECT source_id FROM hs_merged_deals)",
     "{count} deal(s) merged into another deal in HubSpot were read as that deal"),
    ("""SELECT count(*) FROM hs_deals_read
        WHERE (flag_closed IS NULL OR flag_won IS NULL) AND stage_word IN ('closedwon', 'closedlost')""",
     "{count} deal(s) had no closed/won flags (no Is Closed Won column, no pipeline stage file row): "
     "closed and won were read from a stage named Closed Won / Closed Lost"),
    ("SELECT count(*) FROM hs_member_events WHERE is_filtered",
     "{count} email event(s) HubSpot filtered as machine opens or clicks did not count as responses"),
]
