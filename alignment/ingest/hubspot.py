"""HubSpot extracts (Fivetran connector tables or HubSpot's own UI exports) into the canonical tables."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal

import duckdb
from pydantic import BaseModel, Field

from alignment import schema, sqlfiles
from alignment.ingest.adapters import (
    AdapterRun, LifecycleDates, Progress, canonical_table_for, date_formats, empty_stage, load_source,
    pass_through, resolve_columns, run_steps, stage_canonical, stage_part,
)
from alignment.ingest.problems import Example, Problem
from alignment.ingest.readers import SourceFile, normalize_header
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
    forecast_category: str | None = None
    lead_source: str | None = None
    primary_campaign_id: str | None = None
    account_ids: str | None = None
    contact_ids: str | None = None
    is_deleted: bool | None = None
    currency: str | None = None


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
        "forecast_category": _hs("hs_manual_forecast_category") + ["Forecast category", "Forecast Category"],
        "lead_source": _hs("hs_analytics_source") + ["Original Source Type", "Original Source"],
        "primary_campaign_id": _hs("hs_campaign") + ["HubSpot Campaign", "Campaign ID"],
        "account_ids": _hs("associatedcompanyid") + [
            "Associated Company IDs (Primary)", "Associated Company ID", "Associated Company IDs", "Company ID"],
        "contact_ids": ["Associated Contact IDs", "Associated Contact ID", "Contact IDs"],
        "is_deleted": DELETED,
        "currency": _hs("deal_currency_code") + ["Currency"],
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
        run_steps(con, "hubspot", params)
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
        """Say what was left out (the rows, as warnings) or read another way (counted, as assumptions), so nothing
        disappears silently."""
        for audit in sqlfiles.folder(sqlfiles.IMPORT_SQL_DIR / "hubspot" / "audits", "audit").values():
            if audit.severity == "info":
                count = con.execute(sqlfiles.count_of(audit.sql)).fetchall()[0][0]
                if count:
                    run.assumptions.append(f"{count} {audit.title}")
                continue
            column = list(audit.columns)[2]  # after _file and _row: the value shown, named as the export names it
            by_file: dict[str, list[tuple]] = {}
            for file, row, value in con.execute(audit.sql).fetchall():
                by_file.setdefault(file, []).append((row, value))
            for file, found in by_file.items():
                run.problems.append(Problem(
                    file=file, column=column, rule=audit.title, count=len(found), severity="warning",
                    examples=[Example(row=r, value=None if v is None else str(v)) for r, v in found[:3]]))
