"""The HubSpot adapter: Fivetran connector tables and HubSpot UI exports into exact canonical rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from alignment import schema
from alignment.ingest.hubspot import file_object, header_object, stage_date_columns
from alignment.ingest.load import import_extracts
from alignment.ingest.problems import ImportRejected
from alignment.ingest.readers import SourceFile
from tests.conftest import crm_export, write_csv

SEEDS = crm_export("fivetran-hubspot-seeds")
T = dt.datetime


def load(folder: Path, tmp_path: Path):
    """Import `folder` as HubSpot into a fresh warehouse; return the report and every table's rows, sorted."""
    db = tmp_path / "warehouse.duckdb"
    report = import_extracts([folder], db_path=db, format="hubspot", user="test")
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = {table: sorted(con.execute("SELECT * FROM " + table).fetchall(), key=repr) for table in schema.TABLES}
    finally:
        con.close()
    return report, rows


def write_files(folder: Path, files: dict[str, list[list[str]]]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, rows in files.items():
        write_csv(folder / name, rows)
    return folder


def warning_counts(report) -> dict[tuple[str, str | None], int]:
    return {(w.file, w.column): w.count for w in report.warnings}


# --- the Fivetran dbt_hubspot seeds ----------------------------------------------------------------------------

def test_fivetran_seeds_import_with_orphans_as_warnings(tmp_path):
    report, rows = load(SEEDS, tmp_path)
    # Counted by hand from the seed files: 24 companies; 22 contacts of which 3 (76340251, 46897301, 76226001) are
    # listed in contact 78971951's hs_merged_object_ids; 44 deals; 100 email campaigns; 100 owners. No deal in
    # deal_contact, deal_company or deal_stage exists in deal_data, and no email recipient matches a contact.
    assert report.tables == {
        "accounts": 24, "people": 19, "lifecycle_events": 0, "sales_activities": 0, "opportunities": 44,
        "opportunity_stage_history": 0, "opportunity_changes": 0, "opportunity_contacts": 0, "campaigns": 100,
        "campaign_members": 0, "campaign_spend": 0, "awareness_metrics": 0, "stage_counts": 0, "users": 100,
        "currency_rates": 0,
    }
    people = {row[0] for row in rows["people"]}
    assert "78971951" in people and not people & {"76340251", "46897301", "76226001"}
    counts = warning_counts(report)
    assert counts[("deal_contact_data.csv", "deal_id")] == 11
    assert counts[("deal_company_data.csv", "deal_id")] == 2
    assert counts[("deal_stage_data.csv", "deal_id")] == 14
    # 100 events: 4 SENT, 3 DELIVERED and 90 OPEN name an unknown recipient; 3 PROCESSED make no member.
    assert counts[("email_event_data.csv", "recipient")] == 97
    assert counts[("deal_data.csv", "property_amount")] == 44
    assert any("form submissions name no campaign" in w.rule for w in report.warnings
               if w.file == "contact_form_submission_data.csv")
    assert "3 contact(s) merged into another contact in HubSpot were read as that contact" in report.assumptions
    # Email campaign 2 has neither name nor subject; HubSpot gives an email no funnel role.
    assert ("2", "HubSpot email 2", "email", None) == next(r[:4] for r in rows["campaigns"] if r[0] == "2")
    # Deal 1521493450 is owned by 37790786, an owner whose first and last names are hashes.
    deal = next(r for r in rows["opportunities"] if r[0] == "1521493450")
    assert deal[3] == "37790786" and deal[4] == T(2020, 2, 6, 4, 12, 22)
    assert (deal[6], deal[8], deal[9]) == (None, False, False)  # no amount given: kept empty


# --- a hand-made Fivetran-style set: flags, merges, deletions, epoch milliseconds, property history ------------

FIVETRAN = {
    "deal_pipeline_stage_data.csv": [
        ["stage_id", "label", "pipeline_id", "is_closed", "closed_won", "_fivetran_deleted"],
        ["s1", "Discovery", "p1", "false", "false", "false"],
        ["s2", "Signed", "p1", "true", "true", "false"],
        # Named like a win but flagged a loss: the flags decide (DESIGN §4.8).
        ["s3", "Closed Won", "p1", "true", "false", "false"],
    ],
    "deal_data.csv": [
        ["deal_id", "is_deleted", "deal_pipeline_stage_id", "owner_id", "property_dealname", "property_amount",
         "property_closedate", "property_createdate", "property_hs_date_entered_s3"],
        ["11", "false", "s2", "7", "Deal A", "1000", "1714521600000", "1706745600000", ""],
        ["12", "false", "s3", "7", "Deal B", "", "", "1707955200000", "1709251200000"],
        ["13", "true", "s1", "8", "Deal C (deleted)", "5", "", "1707955200000", ""],
        ["14", "false", "s1", "8", "Deal D (merged into A)", "7", "", "1706745600000", ""],
    ],
    "deal_property_history_data.csv": [
        ["deal_id", "timestamp", "source", "name", "value"],
        ["12", "2024-02-15 00:00:00", "CRM_UI", "dealstage", "s1"],
        ["12", "2024-02-15 00:00:00", "CRM_UI", "dealname", "Deal B"],
    ],
    "contact_company_data.csv": [["contact_id", "company_id", "type_id"], ["24", "31", "1"]],
    "merged_deal_data.csv": [["deal_id", "merged_deal_id"], ["11", "14"]],
    "deal_stage_data.csv": [
        ["deal_id", "date_entered", "value"],
        ["11", "2024-02-01 00:00:00", "s1"],
        ["11", "2024-04-30 12:00:00", "s2"],
        ["14", "2024-01-20 00:00:00", "s1"],
        ["99", "2024-01-01 00:00:00", "s1"],
    ],
    "contact_data.csv": [
        ["id", "_fivetran_deleted", "property_email", "property_createdate", "property_hs_merged_object_ids",
         "property_hs_lifecyclestage_marketingqualifiedlead_date", "property_hubspot_owner_id",
         "property_hs_analytics_source"],
        ["21", "false", "a@x.com", "2024-01-01 00:00:00", "22", "2024-01-05 00:00:00", "7", "ORGANIC_SEARCH"],
        ["22", "false", "b@x.com", "2023-12-01 00:00:00", "", "", "8", ""],
        ["23", "true", "c@x.com", "2024-01-02 00:00:00", "", "", "", ""],
        ["24", "false", "d@x.com", "2024-02-01 00:00:00", "", "", "", "PAID_SOCIAL"],
    ],
    "contact_property_history_data.csv": [
        ["contact_id", "timestamp", "source", "name", "value"],
        ["22", "2024-01-10 00:00:00", "CRM_UI", "lifecyclestage", "salesqualifiedlead"],
        ["24", "2024-02-02 00:00:00", "CRM_UI", "lifecyclestage", "marketingqualifiedlead"],
        ["24", "2024-02-01 00:00:00", "CRM_UI", "lifecyclestage", "subscriber"],
        ["24", "2024-02-01 00:00:00", "CRM_UI", "email", "marketingqualifiedlead"],
    ],
    "deal_contact_data.csv": [
        ["contact_id", "deal_id", "type_id"], ["21", "11", "3"], ["22", "14", "3"], ["24", "12", "3"],
        ["24", "77", "3"],
    ],
    "deal_company_data.csv": [["company_id", "deal_id", "type_id"], ["31", "11", "341"], ["32", "11", "5"]],
    "company_data.csv": [
        ["id", "is_deleted", "property_name", "property_createdate"],
        ["31", "false", "Acme", "2023-06-01 00:00:00"], ["32", "false", "Beta", "2023-07-01 00:00:00"],
    ],
    "owner_data.csv": [
        ["owner_id", "email", "first_name", "last_name"], ["7", "ana@x.com", "Ana", "Alvarez"],
        ["8", "ben@x.com", "Ben", "Brook"],
    ],
}


def test_fivetran_flags_merges_and_history(tmp_path):
    report, rows = load(write_files(tmp_path / "fivetran", FIVETRAN), tmp_path)
    # Deal 14 is merged into 11 (its stage history joins 11's; its own row goes); deal 13 is deleted.
    # Deal 11's primary company association (type 5) is 32. Deal 12 sits in s3: closed, not won, by the flags.
    assert rows["opportunities"] == [
        ("11", "32", "Deal A", "7", T(2024, 2, 1), dt.date(2024, 5, 1), 1000.0, "Signed", True, True, None, None,
         None, None, None),
        ("12", None, "Deal B", "7", T(2024, 2, 15), None, None, "Closed Won", True, False, None, None, None, None,
         None),
    ]
    # Stage entries come from deal_stage, from dealstage property history and from hs_date_entered_<stage id>.
    assert rows["opportunity_stage_history"] == [
        ("11", "Discovery", T(2024, 1, 20), None),
        ("11", "Signed", T(2024, 4, 30, 12), None),
        ("12", "Closed Won", T(2024, 3, 1), None),
        ("12", "Discovery", T(2024, 2, 15), None),
    ]
    # Contact 22 is merged into 21 (its SQL history and deal association become 21's); 23 is deleted.
    assert rows["people"] == [
        ("21", "contact", None, None, None, "Organic Search", "7", T(2024, 1, 1), None, None, None),
        ("24", "contact", "31", None, None, "Paid Social", None, T(2024, 2, 1), None, None, None),
    ]
    assert rows["lifecycle_events"] == [
        ("21", "mql", T(2024, 1, 5), None, None),
        ("21", "sql", T(2024, 1, 10), None, None),
        ("24", "mql", T(2024, 2, 2), None, None),
    ]
    assert rows["opportunity_contacts"] == [("11", "21", None, False), ("12", "24", None, False)]
    assert rows["accounts"] == [
        ("31", "Acme", None, None, None, None, None, None, None, T(2023, 6, 1)),
        ("32", "Beta", None, None, None, None, None, None, None, T(2023, 7, 1)),
    ]
    assert rows["users"] == [("7", "Ana Alvarez", None, None, None), ("8", "Ben Brook", None, None, None)]
    counts = warning_counts(report)
    assert counts[("deal_stage_data.csv", "deal_id")] == 1
    assert counts[("deal_contact_data.csv", "deal_id")] == 1
    for note in ("1 contact(s) marked deleted were left out", "1 deal(s) marked deleted were left out",
                 "1 contact(s) merged into another contact in HubSpot were read as that contact",
                 "1 deal(s) merged into another deal in HubSpot were read as that deal"):
        assert note in report.assumptions
    assert not any("read from a stage named" in a for a in report.assumptions)


# --- HubSpot's own UI exports (labels as headers, owners by name, no pipeline stage file) ----------------------

UI_EXPORT = {
    "hubspot-crm-exports-all-companies-2024-05-01.csv": [
        ["Record ID", "Company name", "Industry", "Number of Employees", "Annual Revenue", "Create Date",
         "Company owner", "Target Account"],
        ["101", "Acme", "Manufacturing", "1200", "5000000", "2024-01-02 09:00", "Ana Alvarez", "true"],
        ["102", "Globex", "Software", "300", "750000.5", "2024-01-05 10:30", "Cy Chen", "false"],
    ],
    "hubspot-crm-exports-all-contacts-2024-05-01.csv": [
        ["Record ID", "First Name", "Last Name", "Email", "Job Title", "Lifecycle Stage", "Create Date",
         "Contact owner", "Original Source", "Persona", "Country/Region", "Associated Company ID",
         "Became a Lead Date", "Became a Marketing Qualified Lead Date", "Sales Accepted Date",
         "Became a Sales Qualified Lead Date", "Became an Opportunity Date"],
        ["201", "Dana", "Diaz", "dana@acme.com", "Head of Ops", "Opportunity", "2024-01-10 08:00", "Ben Brook",
         "Organic Search", "Decision Maker", "Germany", "101", "2024-01-10 08:00", "2024-01-15 12:00",
         "2024-01-20 12:00", "2024-02-03 10:00", "2024-02-05 09:00"],
        ["202", "Eli", "Ek", "eli@globex.com", "Analyst", "Marketing Qualified Lead", "2024-03-01 09:30",
         "Ben Brook", "Paid Search", "influencer", "France", "102", "", "2024-03-05 10:00", "", "", ""],
        ["203", "Fay", "Fox", "fay@example.org", "Student", "Lead", "2024-03-10 00:00", "", "Direct Traffic", "",
         "", "", "2024-03-10 00:00", "", "", "", ""],
    ],
    "hubspot-crm-exports-all-deals-2024-05-01.csv": [
        ["Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Close Date", "Create Date", "Deal owner",
         "Deal Type", "Is Closed Won", "Associated Company IDs (Primary)", "Associated Contact IDs",
         'Date entered "Appointment Scheduled (Sales Pipeline)"', 'Date entered "Closed Won (Sales Pipeline)"'],
        ["301", "Acme - Platform", "Closed Won", "Sales Pipeline", "50000", "2024-04-30", "2024-02-01 10:00",
         "Cy Chen", "New Business", "true", "101", "201", "2024-02-01 10:00", "2024-04-30 17:00"],
        ["302", "Globex - Expansion", "Contract Sent", "Sales Pipeline", "12500.75", "2024-06-30",
         "2024-02-15 11:00", "Cy Chen", "Existing Business", "false", "102", "202;201", "2024-02-15 11:00", ""],
        # No flag: closed and lost only because the stage is named Closed Lost.
        ["303", "Initech - Pilot", "Closed Lost", "Sales Pipeline", "", "2024-05-15", "2024-03-01 12:00",
         "Ana Alvarez", "", "", "", "", "", ""],
    ],
    "email_campaign_data.csv": [
        ["id", "app_id", "name", "subject", "type"],
        ["9001", "1", "March Newsletter", "News for March", "BATCH_EMAIL"],
        ["9002", "1", "", "Webinar invite", "BATCH_EMAIL"],
    ],
    "email_event_data.csv": [
        ["id", "created", "email_campaign_id", "type", "recipient", "filtered_event"],
        ["e1", "2024-03-01 09:00:00", "9001", "SENT", "Dana@Acme.com", "false"],
        ["e2", "2024-03-01 09:00:05", "9001", "DELIVERED", "dana@acme.com", "false"],
        ["e3", "2024-03-01 10:00:00", "9001", "OPEN", "dana@acme.com", "true"],  # a machine open: no response
        ["e4", "2024-03-02 11:00:00", "9001", "CLICK", "dana@acme.com", "false"],
        ["e5", "2024-03-03 08:00:00", "9001", "OPEN", "dana@acme.com", "false"],
        ["e6", "2024-03-01 09:00:00", "9001", "SENT", "eli@globex.com", "false"],
        ["e7", "2024-03-01 09:00:00", "9001", "BOUNCE", "fay@example.org", "false"],  # never received: no member
        ["e8", "2024-03-04 09:00:00", "9002", "SENT", "eli@globex.com", "false"],
        ["e9", "2024-03-04 12:00:00", "9002", "OPEN", "eli@globex.com", "false"],
        ["e10", "2024-03-04 12:00:00", "9002", "OPEN", "stranger@nowhere.com", "false"],
        ["e11", "2024-03-04 12:00:00", "9999", "OPEN", "eli@globex.com", "false"],
    ],
}


def test_ui_export_into_exact_canonical_rows(tmp_path):
    report, rows = load(write_files(tmp_path / "ui", UI_EXPORT), tmp_path)
    assert report.files[0]["read_as"] == "HubSpot email campaign"
    assert {f["file"]: f["read_as"] for f in report.files}["hubspot-crm-exports-all-deals-2024-05-01.csv"] == \
        "HubSpot deal"
    assert rows["accounts"] == [
        ("101", "Acme", "Manufacturing", None, None, 1200, 5000000.0, True, "Ana Alvarez", T(2024, 1, 2, 9)),
        ("102", "Globex", "Software", None, None, 300, 750000.5, False, "Cy Chen", T(2024, 1, 5, 10, 30)),
    ]
    assert rows["people"] == [
        ("201", "contact", "101", "Head of Ops", "decision_maker", "Organic Search", "Ben Brook",
         T(2024, 1, 10, 8), None, None, "Germany"),
        ("202", "contact", "102", "Analyst", "influencer", "Paid Search", "Ben Brook", T(2024, 3, 1, 9, 30), None,
         None, "France"),
        ("203", "contact", None, "Student", None, "Direct Traffic", None, T(2024, 3, 10), None, None, None),
    ]
    # "Became a Lead" is the inquiry; the opportunity date is not a lifecycle event (deals carry it).
    assert rows["lifecycle_events"] == [
        ("201", "inquiry", T(2024, 1, 10, 8), None, None),
        ("201", "mql", T(2024, 1, 15, 12), None, None),
        ("201", "sal", T(2024, 1, 20, 12), None, None),
        ("201", "sql", T(2024, 2, 3, 10), None, None),
        ("202", "mql", T(2024, 3, 5, 10), None, None),
        ("203", "inquiry", T(2024, 3, 10), None, None),
    ]
    assert rows["opportunities"] == [
        ("301", "101", "Acme - Platform", "Cy Chen", T(2024, 2, 1, 10), dt.date(2024, 4, 30), 50000.0, "Closed Won",
         True, True, "New Business", None, None, None, None),
        ("302", "102", "Globex - Expansion", "Cy Chen", T(2024, 2, 15, 11), dt.date(2024, 6, 30), 12500.75,
         "Contract Sent", False, False, "Existing Business", None, None, None, None),
        ("303", None, "Initech - Pilot", "Ana Alvarez", T(2024, 3, 1, 12), dt.date(2024, 5, 15), None, "Closed Lost",
         True, False, None, None, None, None, None),
    ]
    assert rows["opportunity_stage_history"] == [
        ("301", "Appointment Scheduled", T(2024, 2, 1, 10), None),
        ("301", "Closed Won", T(2024, 4, 30, 17), None),
        ("302", "Appointment Scheduled", T(2024, 2, 15, 11), None),
    ]
    assert rows["opportunity_contacts"] == [
        ("301", "201", None, False), ("302", "201", None, False), ("302", "202", None, False)]
    # No owners file: each owner named in the exports becomes a user.
    assert rows["users"] == [
        ("Ana Alvarez", "Ana Alvarez", None, None, None), ("Ben Brook", "Ben Brook", None, None, None),
        ("Cy Chen", "Cy Chen", None, None, None)]
    assert [r[:4] for r in rows["campaigns"]] == [
        ("9001", "March Newsletter", "email", None), ("9002", "Webinar invite", "email", None)]
    assert rows["campaign_members"] == [
        ("9001", "201", "Clicked", T(2024, 3, 1, 9), True, T(2024, 3, 2, 11)),
        ("9001", "202", "Sent", T(2024, 3, 1, 9), False, None),
        ("9002", "202", "Opened", T(2024, 3, 4, 9), True, T(2024, 3, 4, 12)),
    ]
    counts = warning_counts(report)
    assert counts[("email_event_data.csv", "recipient")] == 1
    assert counts[("email_event_data.csv", "email_campaign_id")] == 1
    assert any(a.startswith("1 deal(s) had no closed/won flags") for a in report.assumptions)
    assert "1 email event(s) HubSpot filtered as machine opens or clicks did not count as responses" in \
        report.assumptions


def test_owner_names_resolve_to_owner_ids_when_an_owners_file_is_there(tmp_path):
    files = {name: UI_EXPORT[name] for name in list(UI_EXPORT)[:3]}
    files["owners.csv"] = [["Owner ID", "First Name", "Last Name", "Email"], ["7", "Ana", "Alvarez", "ana@x.com"],
                           ["8", "Ben", "Brook", "ben@x.com"], ["9", "Cy", "Chen", "cy@x.com"]]
    _, rows = load(write_files(tmp_path / "ui", files), tmp_path)
    assert [(r[0], r[3]) for r in rows["opportunities"]] == [("301", "9"), ("302", "9"), ("303", "7")]
    assert {r[6] for r in rows["people"]} == {"8", None}
    assert [r[:2] for r in rows["users"]] == [("7", "Ana Alvarez"), ("8", "Ben Brook"), ("9", "Cy Chen")]


def test_a_deal_export_without_create_date_is_refused(tmp_path):
    deals = [row[:6] + row[7:] for row in UI_EXPORT["hubspot-crm-exports-all-deals-2024-05-01.csv"]]
    assert "Create Date" not in deals[0]
    folder = write_files(tmp_path / "ui", {"deals.csv": deals})
    with pytest.raises(ImportRejected, match=r"deals\.csv.* column 'createdate / property_createdate / Create Date / "
                                             r"Created Date': required column is missing"):
        import_extracts([folder], db_path=tmp_path / "w.duckdb", format="hubspot")
    assert not (tmp_path / "w.duckdb").exists()


def test_an_unrecognised_file_is_skipped_with_a_warning(tmp_path):
    files = {"notes.csv": [["when", "what"], ["today", "lunch"]],
             "deals.csv": UI_EXPORT["hubspot-crm-exports-all-deals-2024-05-01.csv"]}
    report, rows = load(write_files(tmp_path / "ui", files), tmp_path)
    assert len(rows["opportunities"]) == 3
    assert [w.rule for w in report.warnings if w.file == "notes.csv"] == [
        "not recognised as a HubSpot export (name it after the object, e.g. deals.csv, or export it with its "
        "Record ID and name columns); skipped"]
    # No part read the skipped file, but the report still gives its rows, as it gives every file's.
    assert {f["file"]: f["rows"] for f in report.files} == {"notes.csv": 1, "deals.csv": 3}


@pytest.mark.parametrize("name, expected", [
    ("contact_data.csv", "contact"), ("deal_pipeline_stage_data.csv", "pipeline_stage"),
    ("deal_stage_data.csv", "deal_stage"), ("Deals.xlsx", "deal"), ("hubspot_owner_data.csv", "owner"),
    ("email_event_data.csv", "email_event"), ("email_event_open_data.csv", "ignored:emaileventopen"),
    ("contact_form_submission_data.csv", "ignored:contactformsubmission"),
    ("hubspot-crm-exports-all-deals-2024.csv", None),
])
def test_file_names(name, expected):
    assert file_object(Path(name)) == expected


@pytest.mark.parametrize("headers, expected", [
    (["Record ID", "Deal Name", "Deal Stage", "Amount"], "deal"),
    (["Record ID", "First Name", "Last Name", "Email", "Company Name"], "contact"),
    (["Record ID", "Company name", "Company Domain Name", "Industry"], "company"),
    (["contact_id", "deal_id", "type_id", "category"], "deal_contact"),
    (["deal_id", "date_entered", "value", "source"], "deal_stage"),
    (["id", "created", "email_campaign_id", "type", "recipient"], "email_event"),
    (["when", "what"], None),
])
def test_header_signatures(headers, expected):
    assert header_object(SourceFile(path=Path("export.csv"), table="raw_0", headers=headers)) == expected


def test_wide_stage_date_columns():
    headers = ["Record ID", 'Date entered "Contract Sent (Sales Pipeline)"', "hs_date_entered_closedwon",
               "property_hs_date_entered_12345", 'Date exited "Contract Sent (Sales Pipeline)"',
               "Date entered current stage"]
    assert stage_date_columns(SourceFile(path=Path("d.csv"), table="raw_0", headers=headers)) == {
        'Date entered "Contract Sent (Sales Pipeline)"': "Contract Sent", "hs_date_entered_closedwon": "closedwon",
        "property_hs_date_entered_12345": "12345"}
