"""The Salesforce import on the hand-made extract (conftest.py): every canonical row worked out by hand."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from alignment import history, schema, warehouse
from alignment.ingest.adapters import camel_to_snake
from alignment.ingest.load import import_extracts
from alignment.ingest.problems import ImportRejected
from tests.conftest import crm_export, write_csv

FIVETRAN_SEEDS = crm_export("fivetran-salesforce-seeds")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


EXPECTED: dict[str, list[tuple]] = {
    "accounts": [
        # account_id, account_name, industry, segment, region, employees, annual_revenue, is_target_account,
        # owner_id, created_at — A3 has no revenue and no target flag, so both stay empty.
        ("A1", "Acme", "Manufacturing", "Enterprise", "EMEA", 1200, 5_000_000.0, True, "U1", at("2024-01-02 09:00")),
        ("A2", "Globex", "Software", "Mid-Market", "NA", 300, 750_000.5, False, "U3", at("2024-01-05 10:30")),
        ("A3", "Initech", "Finance", "SMB", "NA", 40, None, None, "U3", at("2024-02-01 00:00")),
    ],
    "people": [
        # person_id, kind, account_id, title, persona, lead_source, owner_id, created_at, converted_at,
        # converted_opportunity_id, country.
        # C1 is lead L1 + contact C1: the contact's id, account (A1, not L1's converted account A2), title, persona
        # ("Influencer" over the lead's "Decision Maker") and owner; lead source is the lead's because the contact
        # has none; created_at is the lead's 2024-01-10 08:00 (earlier than the contact's 2024-02-01 09:00);
        # converted_at and the converted opportunity are the lead's.
        ("C1", "contact", "A1", "VP Operations", "influencer", "Webinar", "U3", at("2024-01-10 08:00"),
         at("2024-02-01 00:00"), "O1", "Germany"),
        ("C2", "contact", "A2", "Engineer", "user", "Outbound", "U3", at("2024-01-20 14:00"), None, None, "USA"),
        # Unconverted leads have no account (no matching by company name).
        ("L2", "lead", None, "Analyst", "influencer", "Paid Search", "U2", at("2024-03-01 09:30"), None, None,
         "France"),
        ("L3", "lead", None, "Student", None, "Web", "U2", at("2024-03-10 00:00"), None, None, None),
    ],
    "lifecycle_events": [
        # person_id, stage, occurred_at, reason, actor_id — C1's dates are each the earlier of L1's and C1's:
        # mql min(L1 01-15 12:00, C1 01-18 00:00) = L1's; sal min(L1 01-20 12:00, C1 01-19 09:00) = C1's;
        # sql only C1 has one.
        ("C1", "mql", at("2024-01-15 12:00"), None, None),
        ("C1", "sal", at("2024-01-19 09:00"), None, None),
        ("C1", "sql", at("2024-02-03 10:00"), None, None),
        ("L2", "mql", at("2024-03-05 10:00"), None, None),
        ("L2", "rejected", at("2024-03-07 16:00"), "No budget", None),
    ],
    "sales_activities": [
        # activity_id, person_id, occurred_at, type, owner_id — the time is CompletedDateTime, else
        # ActivityDateTime, else CreatedDate, else ActivityDate; T3 has no WhoId and is ignored.
        ("E1", "C1", at("2024-01-22 15:00"), "Meeting", "U3"),   # ActivityDateTime (CreatedDate 01-18 is later rule)
        ("E2", "L3", at("2024-03-11 09:00"), "Event", "U1"),     # no ActivityDateTime: CreatedDate; type = subtype
        ("T1", "L2", at("2024-03-05 11:00"), "Call", "U3"),      # CompletedDateTime over CreatedDate 10:30
        ("T2", "C1", at("2024-01-16 08:00"), "Email", "U3"),     # WhoId is lead L1 → person C1; CreatedDate
        ("T4", "C2", at("2024-01-25 00:00"), "Task", "U3"),      # only ActivityDate: midnight UTC
    ],
    "opportunities": [
        # O2's "12,500.75" has a thousands comma; O3's empty amount loads as 0 (with a warning).
        ("O1", "A1", "Acme - Platform", "U3", at("2024-02-01 10:00"), dt.date(2024, 4, 30), 50_000.0, "Closed Won",
         True, True, "New Business", "Webinar", "CMP1", None, None),
        ("O2", "A2", "Globex - Expansion", "U3", at("2024-02-15 11:00"), dt.date(2024, 6, 30), 12_500.75,
         "Negotiation", False, False, "Upsell", "Outbound", None, None, None),
        ("O3", "A3", "Initech - Pilot", "U1", at("2024-03-01 12:00"), dt.date(2024, 5, 15), None, "Closed Lost",
         True, False, "New Business", None, "CMP2", None, None),
    ],
    "opportunity_stage_history": [
        # One row per stage entered, at its first entry: H3 (an amount change while still in Negotiation) adds none.
        ("O1", "Closed Won", at("2024-04-30 17:00"), 50_000.0),
        ("O1", "Negotiation", at("2024-03-10 09:00"), 50_000.0),
        ("O1", "Prospecting", at("2024-02-01 10:00"), 40_000.0),
        ("O2", "Negotiation", at("2024-03-01 08:00"), 12_500.75),
        ("O2", "Prospecting", at("2024-02-15 11:00"), 12_500.75),
    ],
    # Every OpportunityHistory row, as recorded (this extract's history carries no CloseDate column).
    "opportunity_changes": [
        ("O1", at("2024-02-01 10:00"), None, 40_000.0, "Prospecting"),
        ("O1", at("2024-03-10 09:00"), None, 50_000.0, "Negotiation"),
        ("O1", at("2024-03-20 09:00"), None, 52_000.0, "Negotiation"),
        ("O1", at("2024-04-30 17:00"), None, 50_000.0, "Closed Won"),
        ("O2", at("2024-02-15 11:00"), None, 12_500.75, "Prospecting"),
        ("O2", at("2024-03-01 08:00"), None, 12_500.75, "Negotiation"),
    ],
    "opportunity_contacts": [
        ("O1", "C1", "Decision Maker", True),
        ("O2", "C2", "Technical Buyer", False),
    ],
    "campaigns": [
        # campaign_id, name, channel, funnel_role, objective, content, targeting, start_date, end_date,
        # budgeted_cost, actual_cost, parent_campaign_id, owner_id, sales_sponsor_id, currency (empty: the
        # corporate currency).
        # CMP1 has no Channel__c: its Type "Webinar" is the channel. No funnel role is given (no Funnel_Role__c):
        # the charter's channel roles decide it when a number is asked for. Content falls back to the Description.
        ("CMP1", "Spring Webinar", "webinar", None, None, "Product webinar series", None,
         dt.date(2024, 1, 1), dt.date(2024, 3, 31), 5000.0, 4200.0, None, "U2", "U1", None),
        ("CMP2", "City Billboards", "billboard", None, None, None, None,
         dt.date(2024, 2, 1), dt.date(2024, 4, 30), 20_000.0, 18_000.5, None, "U2", None, None),
    ],
    "campaign_members": [
        # campaign_id, person_id, status, created_at, has_responded, first_responded_at.
        # CMP1/C1 = M1 (lead L1) + M2 (contact C1): created the earlier (01-11), responded the earlier (01-12).
        ("CMP1", "C1", "Responded", at("2024-01-11 09:00"), True, at("2024-01-12 00:00")),
        ("CMP1", "L2", "Sent", at("2024-03-02 09:00"), False, None),
        # CMP2/C1 = M5 (lead L1, not responded) + M6 (contact, responded): has_responded is true if either is.
        ("CMP2", "C1", "Responded", at("2024-01-15 00:00"), True, at("2024-02-20 00:00")),
        ("CMP2", "C2", "Responded", at("2024-02-10 09:00"), True, at("2024-02-11 00:00")),   # HasResponded "1"
    ],
    "campaign_spend": [
        ("CMP2", dt.date(2024, 2, 1), 9000.0, None),
        ("CMP2", dt.date(2024, 3, 1), 9000.5, None),
    ],
    "awareness_metrics": [],
    "stage_counts": [],
    "users": [
        ("U1", "Ana Alvarez", "Sales", "EMEA", None),
        ("U2", "Ben Brook", "Marketing", "EMEA", "U1"),
        ("U3", "Cy Chen", "Sales", "NA", "U1"),
    ],
    "currency_rates": [],
}


def canonical_rows(db_path: Path) -> dict[str, list[tuple]]:
    con = warehouse.open_reader(db_path)
    try:
        return {table: con.execute("SELECT * FROM " + table + " ORDER BY ALL").fetchall() for table in schema.TABLES}
    finally:
        con.close()


@pytest.fixture(scope="module")
def imported(tmp_path_factory, new_salesforce_extract):
    """The hand-made extract imported into a fresh warehouse, once for the module: (report, db_path)."""
    base = tmp_path_factory.mktemp("imported")
    db_path = base / "data" / "warehouse.duckdb"
    return import_extracts([new_salesforce_extract(base / "extract").folder], db_path=db_path, user="tester"), db_path


@pytest.mark.parametrize("table", list(EXPECTED))
def test_canonical_rows_are_exactly_the_hand_worked_ones(imported, table):
    _, db_path = imported
    assert canonical_rows(db_path)[table] == EXPECTED[table]


def test_report_counts_warnings_and_assumptions(imported):
    report, db_path = imported
    assert report.tables == {table: len(rows) for table, rows in EXPECTED.items()}
    assert [(w.file, w.column, w.message()) for w in report.warnings] == [
        ("Opportunity.csv", "Amount",
         "Opportunity.csv, row 4, column 'Amount': Opportunities with the amount empty (counted as 0)."),
    ]
    assert "Opportunity.csv: read as UTF-8, comma-delimited" in report.assumptions
    assert sorted(f["file"] for f in report.files) == sorted(
        ["Account.csv", "Campaign.csv", "CampaignMember.csv", "Contact.csv", "Event.csv", "Lead.csv",
         "Opportunity.csv", "OpportunityContactRole.csv", "OpportunityHistory.csv", "Task.csv", "User.csv",
         "campaign_spend.csv"])
    rows = {f["file"]: f["rows"] for f in report.files}
    assert (rows["Task.csv"], rows["CampaignMember.csv"]) == (4, 6)   # the file's rows, before T3 is dropped
    assert all(re.fullmatch("[0-9a-f]{64}", f["fingerprint"]) for f in report.files)
    con = warehouse.open_reader(db_path)
    info = warehouse.dataset_info(con)
    con.close()
    assert (info.imported_by, info.source_format, info.data_fingerprint) == ("tester", "salesforce",
                                                                             report.data_fingerprint)
    assert info.latest_record_at == at("2024-03-11 09:00")   # E2, the latest record of any kind


def test_latin1_found_past_the_sniffed_head_is_read_again_and_reported(salesforce_extract, tmp_path):
    # 6 000 more users make User.csv longer than the 256 KB sniffed; the last one's name has a Latin-1 "é", which
    # only the reading of the whole file meets. The file is read again as Latin-1, and the report says so for it.
    extract = salesforce_extract()
    rows = extract.rows("User.csv")
    rows += [[f"UX{n}"] + [f"Sales rep number {n} of the padding team"] + row[2:] for n, row in
             enumerate([rows[1]] * 6_000)]
    rows[-1][1] = "Renée"
    write_csv(extract.folder / "User.csv", rows, encoding="latin-1")
    assert (extract.folder / "User.csv").stat().st_size > 256 * 1024
    report = import_extracts([extract.folder], db_path=tmp_path / "w.duckdb", user="tester")
    assert "User.csv: read as Latin-1 (the file is not valid UTF-8), comma-delimited" in report.assumptions
    assert "User.csv: read as UTF-8, comma-delimited" not in report.assumptions
    assert {f["file"]: f["assumptions"] for f in report.files}["User.csv"][0].startswith("read as Latin-1")
    con = warehouse.open_reader(tmp_path / "w.duckdb")
    try:
        assert con.execute("SELECT name FROM users WHERE user_id = 'UX5999'").fetchall() == [("Renée",)]
    finally:
        con.close()


def test_converted_lead_and_its_contact_are_one_person(imported):
    _, db_path = imported
    rows = canonical_rows(db_path)
    people = {row[0]: row for row in rows["people"]}
    assert "L1" not in people
    assert people["C1"][1:3] == ("contact", "A1")
    assert people["C1"][7] == at("2024-01-10 08:00")
    # Whatever pointed at the lead id (memberships M1 and M5, task T2) now points at the person.
    assert all("L1" not in (row[1], row[0]) for table in ("campaign_members", "sales_activities")
               for row in rows[table])


def test_activities_without_a_person_are_ignored(imported):
    _, db_path = imported
    activities = [row[0] for row in canonical_rows(db_path)["sales_activities"]]
    assert "T3" not in activities and len(activities) == 5


def test_history_records_loaded_and_refused_imports(salesforce_extract, tmp_path):
    db_path = tmp_path / "data" / "warehouse.duckdb"
    report = import_extracts([salesforce_extract().folder], db_path=db_path, user="tester")
    broken = salesforce_extract("broken")
    broken.set_cell("Opportunity.csv", 3, "Amount", "lots")
    with pytest.raises(ImportRejected):
        import_extracts([broken.folder], db_path=db_path, user="someone else")
    refused, loaded = history.list_imports(db_path)
    assert (loaded["status"], loaded["user"], loaded["format"]) == ("loaded", "tester", "salesforce")
    assert loaded["tables"] == report.tables
    assert {f["file"]: f["rows"] for f in loaded["files"]}["Opportunity.csv"] == 3
    assert loaded["messages"] == [w.message() for w in report.warnings]
    assert (refused["status"], refused["user"], refused["tables"]) == ("refused", "someone else", {})
    assert "Opportunity.csv" in [f["file"] for f in refused["files"]]
    assert refused["messages"] == ["Opportunity.csv, row 3, column 'Amount': is not a number (value 'lots')."]
    assert refused["import_id"] > loaded["import_id"]


# Report-export column labels of every header the extract uses (Salesforce "Export Details" of a report).
REPORT_LABELS = {
    "User.csv": ["User ID", "Full Name", "Department", "Region", "Manager ID"],
    "Account.csv": ["Account ID", "Account Name", "Industry", "Segment", "Region", "Employees", "Annual Revenue",
                    "Target Account", "Account Owner ID", "Created Date"],
    "Lead.csv": ["Lead ID", "Title", "Persona", "Lead Source", "Lead Owner ID", "Created Date", "Country",
                 "Converted", "Converted Date", "Converted Contact ID", "Converted Account ID",
                 "Converted Opportunity ID", "MQL Date", "SAL Date", "SQL Date", "Rejected Date",
                 "Rejection Reason"],
    "Contact.csv": ["Contact ID", "Account ID", "Title", "Persona", "Lead Source", "Contact Owner ID",
                    "Created Date", "Mailing Country", "MQL Date", "SAL Date", "SQL Date"],
    "Opportunity.csv": ["Opportunity ID", "Account ID", "Opportunity Name", "Opportunity Owner ID", "Created Date",
                        "Close Date", "Amount", "Stage", "Closed", "Won", "Opportunity Type", "Lead Source",
                        "Primary Campaign Source ID"],
    "OpportunityContactRole.csv": ["Contact Role ID", "Opportunity ID", "Contact ID", "Contact Role", "Primary"],
    "OpportunityHistory.csv": ["History ID", "Opportunity ID", "Stage", "Amount", "Created Date"],
    "Campaign.csv": ["Campaign ID", "Campaign Name", "Campaign Type", "Channel", "Start Date", "End Date",
                     "Budgeted Cost in Campaign", "Actual Cost in Campaign", "Parent Campaign ID",
                     "Campaign Owner ID", "Sales Sponsor", "Description"],
    "CampaignMember.csv": ["Campaign Member ID", "Campaign ID", "Lead ID", "Contact ID", "Member Status",
                           "Member First Associated Date", "Responded", "First Responded Date"],
    "Task.csv": ["Task ID", "Name ID", "Task Type", "Task Subtype", "Assigned ID", "Completed Date/Time",
                 "Due Date", "Created Date"],
    "Event.csv": ["Event ID", "Name ID", "Event Type", "Event Subtype", "Assigned ID", "Start Date/Time", "Date",
                  "Created Date"],
}


def test_report_export_labels_give_the_same_rows(salesforce_extract, tmp_path):
    extract = salesforce_extract("report")
    for file, labels in REPORT_LABELS.items():
        rows = extract.rows(file)
        assert len(labels) == len(rows[0])
        extract.write(file, [labels] + rows[1:])
    import_extracts([extract.folder], db_path=tmp_path / "report.duckdb")
    assert canonical_rows(tmp_path / "report.duckdb") == EXPECTED


def test_warehouse_sync_snake_case_names_give_the_same_rows(salesforce_extract, tmp_path):
    # A warehouse sync (Fivetran) names files sf_<object>_data.csv and columns in snake_case (mql_date_c …).
    extract = salesforce_extract("sync")
    for path in sorted(extract.folder.glob("*.csv")):
        rows = extract.rows(path.name)
        name = path.name
        if path.stem != "campaign_spend":
            path.unlink()
            name = f"sf_{camel_to_snake(path.stem)}_data.csv"
        extract.write(name, [[camel_to_snake(h) for h in rows[0]]] + rows[1:])
    assert (extract.folder / "sf_opportunity_contact_role_data.csv").exists()
    assert "stage_name" in extract.rows("sf_opportunity_data.csv")[0]
    import_extracts([extract.folder], db_path=tmp_path / "sync.duckdb")
    assert canonical_rows(tmp_path / "sync.duckdb") == EXPECTED


def test_the_fivetran_seed_folder_imports(tmp_path):
    db_path = tmp_path / "seeds.duckdb"
    report = import_extracts([FIVETRAN_SEEDS], db_path=db_path)
    assert report.tables == {
        "accounts": 10, "people": 5, "lifecycle_events": 0, "sales_activities": 20, "opportunities": 10,
        "opportunity_stage_history": 10, "opportunity_changes": 10, "opportunity_contacts": 0, "campaigns": 4, "campaign_members": 5,
        "campaign_spend": 0, "awareness_metrics": 0, "stage_counts": 0, "users": 10, "currency_rates": 0,
    }
    skipped = sorted(w.file for w in report.warnings if w.rule == "not used by the dashboard; skipped")
    assert skipped == ["sf_account_history_data.csv", "sf_contact_history_data.csv",
                       "sf_opportunity_line_item_data.csv", "sf_order_data.csv", "sf_product_2_data.csv",
                       "sf_user_role_data.csv"]
    rows = canonical_rows(db_path)
    assert rows["campaigns"][0] == (
        "camp001AAA000001", "Q1 Webinar Campaign", "webinar", None, None,
        "Q1 webinar campaign for lead generation", None, dt.date(2024, 1, 1), dt.date(2024, 3, 31), 5000.0, 4200.0,
        None, None, None, None)
    assert rows["campaign_members"][0] == (
        "camp001AAA000001", "cont001AAAAAAA", "Responded", at("2024-01-10 00:00"), True, at("2024-01-12 00:00"))
    # The one lead was converted into contact 0031G00001QtDPlQAN (absent from the contact file): one person, a
    # contact, at the lead's converted account. The seeds write 18-character ids, loaded as their 15-character form
    # (their checksums hold), as a report export would write them.
    converted = [p for p in rows["people"] if p[0] == "0031G00001QtDPl"]
    assert converted == [("0031G00001QtDPl", "contact", "0011G00000tLWKn", None, None, None,
                          "00537000003tmTn", at("2019-11-11 17:23:34"), at("2019-11-11 17:23:34"), None, None)]
    # Won comes from is_won, never from the (obfuscated) stage names.
    with open(FIVETRAN_SEEDS / "sf_opportunity_data.csv", newline="", encoding="utf-8") as handle:
        seeds = list(csv.reader(handle))
    won_in_file = sorted(r[seeds[0].index("id")][:15] for r in seeds[1:]
                         if r[seeds[0].index("is_won")].lower() == "true")
    assert won_in_file
    assert sorted(o[0] for o in rows["opportunities"] if o[9]) == won_in_file


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_workbook_and_parquet_extracts_give_the_same_rows(salesforce_extract, tmp_path, suffix):
    # Every value written as text, empty cells left empty: the readers must not invent or drop any ("NA" is a region).
    extract = salesforce_extract("converted")
    folder = extract.folder
    for path in sorted(folder.glob("*.csv")):
        rows = extract.rows(path.name)
        frame = pd.DataFrame([[value or None for value in row] for row in rows[1:]], columns=rows[0], dtype=object)
        if suffix == ".xlsx":
            frame.to_excel(path.with_suffix(suffix), index=False)
        else:
            pq.write_table(pa.Table.from_pandas(frame.astype("string"), preserve_index=False),
                           path.with_suffix(suffix))
        path.unlink()
    report = import_extracts([folder], db_path=tmp_path / "converted.duckdb")
    assert {f["file"] for f in report.files} == {name.replace(".csv", suffix) for name in REPORT_LABELS} | {
        "campaign_spend" + suffix}
    assert canonical_rows(tmp_path / "converted.duckdb") == EXPECTED
