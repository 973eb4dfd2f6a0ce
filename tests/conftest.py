"""Shared fixtures: a tiny hand-made Salesforce extract and a whole-content fingerprint of a warehouse."""

from __future__ import annotations

import csv
import functools
import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from alignment import schema, warehouse

# The real CRM export layouts (hashed values) live in the project's shared folder beside the checkout;
# $ALIGNMENT_CRM_EXPORTS points elsewhere when the checkout sits somewhere else.
CRM_EXPORTS = Path(os.environ.get("ALIGNMENT_CRM_EXPORTS")
                   or Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "crm-exports")


@pytest.fixture(scope="session", autouse=True)
def server_secrets(tmp_path_factory) -> Path:
    """Every test run keeps the server key (ledger, sessions) in a secrets file of its own, never the checkout's."""
    from alignment import keys

    path = tmp_path_factory.mktemp("server-secrets") / "secrets.toml"
    os.environ[keys.SECRETS_ENV] = str(path)
    return path


@pytest.fixture(scope="session", autouse=True)
def no_checkout_warehouse(tmp_path_factory) -> Path:
    """A page run that names no warehouse reads one in this run's temporary folder, never the checkout's data/: a
    test whose app outlives the warehouse it set fails here instead of passing on whatever data/ holds."""
    path = tmp_path_factory.mktemp("no-warehouse-named") / "warehouse.duckdb"
    os.environ[warehouse.DB_ENV] = str(path)
    return path


@pytest.fixture(scope="session", autouse=True)
def import_roots(tmp_path_factory) -> tuple[Path, ...]:
    """The folders this run's imports may read, named as a server names its own: the run's temporary folders, the
    checkout's examples and bad-input corpus, and the CRM export layouts. Tests of the roots narrow them."""
    from alignment.ingest import roots

    checkout = Path(__file__).resolve().parents[1]
    allowed = (tmp_path_factory.getbasetemp(), checkout / "examples", checkout / "tests" / "bad_inputs", CRM_EXPORTS)
    os.environ[roots.ROOTS_ENV] = os.pathsep.join(map(str, allowed))
    return allowed


def crm_export(name: str) -> Path:
    """One folder of real export layouts, e.g. "fivetran-salesforce-seeds"; a clear failure when it is absent."""
    folder = CRM_EXPORTS / name
    assert folder.is_dir(), f"the CRM export fixtures are missing: {folder} (set ALIGNMENT_CRM_EXPORTS)"
    return folder

# A small company, small enough to work every canonical row out by hand (test_import_salesforce.py does).
# L1 is a lead converted into contact C1; L2 and L3 stay leads; C2 is a contact who never was a lead.
SALESFORCE_EXTRACT: dict[str, list[list[str]]] = {
    "User.csv": [
        ["Id", "Name", "Department", "Region__c", "ManagerId"],
        ["U1", "Ana Alvarez", "Sales", "EMEA", ""],
        ["U2", "Ben Brook", "Marketing", "EMEA", "U1"],
        ["U3", "Cy Chen", "Sales", "NA", "U1"],
    ],
    "Account.csv": [
        ["Id", "Name", "Industry", "Segment__c", "Region__c", "NumberOfEmployees", "AnnualRevenue",
         "Is_Target_Account__c", "OwnerId", "CreatedDate"],
        ["A1", "Acme", "Manufacturing", "Enterprise", "EMEA", "1200", "5000000", "true", "U1",
         "2024-01-02T09:00:00.000+0000"],
        ["A2", "Globex", "Software", "Mid-Market", "NA", "300", "750000.50", "false", "U3",
         "2024-01-05T10:30:00.000+0000"],
        ["A3", "Initech", "Finance", "SMB", "NA", "40", "", "", "U3", "2024-02-01T00:00:00.000+0000"],
    ],
    "Lead.csv": [
        ["Id", "Title", "Persona__c", "LeadSource", "OwnerId", "CreatedDate", "Country", "IsConverted",
         "ConvertedDate", "ConvertedContactId", "ConvertedAccountId", "ConvertedOpportunityId", "MQL_Date__c",
         "SAL_Date__c", "SQL_Date__c", "Rejected_Date__c", "Rejection_Reason__c"],
        # Converted into C1; its converted account (A2) differs from the contact's (A1) so the rule shows.
        ["L1", "Head of Ops", "Decision Maker", "Webinar", "U2", "2024-01-10T08:00:00.000+0000", "Germany", "true",
         "2024-02-01", "C1", "A2", "O1", "2024-01-15T12:00:00.000+0000", "2024-01-20T12:00:00.000+0000", "", "",
         ""],
        ["L2", "Analyst", "influencer", "Paid Search", "U2", "2024-03-01T09:30:00.000+0000", "France", "false",
         "", "", "", "", "2024-03-05T10:00:00.000+0000", "", "", "2024-03-07T16:00:00.000+0000", "No budget"],
        ["L3", "Student", "", "Web", "U2", "2024-03-10T00:00:00.000+0000", "", "false",
         "", "", "", "", "", "", "", "", ""],
    ],
    "Contact.csv": [
        ["Id", "AccountId", "Title", "Persona__c", "LeadSource", "OwnerId", "CreatedDate", "MailingCountry",
         "MQL_Date__c", "SAL_Date__c", "SQL_Date__c"],
        ["C1", "A1", "VP Operations", "Influencer", "", "U3", "2024-02-01T09:00:00.000+0000", "Germany",
         "2024-01-18T00:00:00.000+0000", "2024-01-19T09:00:00.000+0000", "2024-02-03T10:00:00.000+0000"],
        ["C2", "A2", "Engineer", "User", "Outbound", "U3", "2024-01-20T14:00:00.000+0000", "USA", "", "", ""],
    ],
    "Opportunity.csv": [
        ["Id", "AccountId", "Name", "OwnerId", "CreatedDate", "CloseDate", "Amount", "StageName", "IsClosed",
         "IsWon", "Type", "LeadSource", "CampaignId"],
        ["O1", "A1", "Acme - Platform", "U3", "2024-02-01T10:00:00.000+0000", "2024-04-30", "50000", "Closed Won",
         "true", "true", "New Business", "Webinar", "CMP1"],
        ["O2", "A2", "Globex - Expansion", "U3", "2024-02-15T11:00:00.000+0000", "2024-06-30", "12,500.75",
         "Negotiation", "false", "false", "Upsell", "Outbound", ""],
        ["O3", "A3", "Initech - Pilot", "U1", "2024-03-01T12:00:00.000+0000", "2024-05-15", "", "Closed Lost",
         "true", "false", "New Business", "", "CMP2"],
    ],
    "OpportunityContactRole.csv": [
        ["Id", "OpportunityId", "ContactId", "Role", "IsPrimary"],
        ["OCR1", "O1", "C1", "Decision Maker", "true"],
        ["OCR2", "O2", "C2", "Technical Buyer", "false"],
    ],
    "OpportunityHistory.csv": [
        ["Id", "OpportunityId", "StageName", "Amount", "CreatedDate"],
        ["H1", "O1", "Prospecting", "40000", "2024-02-01T10:00:00.000+0000"],
        ["H2", "O1", "Negotiation", "50000", "2024-03-10T09:00:00.000+0000"],
        ["H3", "O1", "Negotiation", "52000", "2024-03-20T09:00:00.000+0000"],
        ["H4", "O1", "Closed Won", "50000", "2024-04-30T17:00:00.000+0000"],
        ["H5", "O2", "Prospecting", "12500.75", "2024-02-15T11:00:00.000+0000"],
        ["H6", "O2", "Negotiation", "12500.75", "2024-03-01T08:00:00.000+0000"],
    ],
    "Campaign.csv": [
        ["Id", "Name", "Type", "Channel__c", "StartDate", "EndDate", "BudgetedCost", "ActualCost", "ParentId",
         "OwnerId", "Sales_Sponsor__c", "Description"],
        ["CMP1", "Spring Webinar", "Webinar", "", "2024-01-01", "2024-03-31", "5000", "4200", "", "U2", "U1",
         "Product webinar series"],
        ["CMP2", "City Billboards", "Advertisement", "Billboard", "2024-02-01", "2024-04-30", "20000", "18000.5",
         "", "U2", "", ""],
    ],
    "CampaignMember.csv": [
        ["Id", "CampaignId", "LeadId", "ContactId", "Status", "CreatedDate", "HasResponded", "FirstRespondedDate"],
        ["M1", "CMP1", "L1", "", "Responded", "2024-01-11T09:00:00.000+0000", "true", "2024-01-12"],
        ["M2", "CMP1", "", "C1", "Responded", "2024-02-05T09:00:00.000+0000", "true", "2024-02-06"],
        ["M3", "CMP1", "L2", "", "Sent", "2024-03-02T09:00:00.000+0000", "false", ""],
        ["M4", "CMP2", "", "C2", "Responded", "2024-02-10T09:00:00.000+0000", "1", "2024-02-11"],
        ["M5", "CMP2", "L1", "", "Sent", "2024-01-15T00:00:00.000+0000", "false", ""],
        ["M6", "CMP2", "", "C1", "Responded", "2024-02-18T09:00:00.000+0000", "true", "2024-02-20"],
    ],
    "Task.csv": [
        ["Id", "WhoId", "Type", "TaskSubtype", "OwnerId", "CompletedDateTime", "ActivityDate", "CreatedDate"],
        ["T1", "L2", "Call", "Call", "U3", "2024-03-05T11:00:00.000+0000", "2024-03-05",
         "2024-03-05T10:30:00.000+0000"],
        ["T2", "L1", "Email", "Email", "U3", "", "2024-01-16", "2024-01-16T08:00:00.000+0000"],
        ["T3", "", "Call", "Call", "U3", "2024-03-06T09:00:00.000+0000", "", "2024-03-06T09:00:00.000+0000"],
        ["T4", "C2", "", "Task", "U3", "", "2024-01-25", ""],
    ],
    "Event.csv": [
        ["Id", "WhoId", "Type", "EventSubtype", "OwnerId", "ActivityDateTime", "ActivityDate", "CreatedDate"],
        ["E1", "C1", "Meeting", "Event", "U3", "2024-01-22T15:00:00.000+0000", "2024-01-22",
         "2024-01-18T10:00:00.000+0000"],
        ["E2", "L3", "", "Event", "U1", "", "2024-03-12", "2024-03-11T09:00:00.000+0000"],
    ],
    "campaign_spend.csv": [
        ["campaign_id", "period_start", "amount"],
        ["CMP2", "2024-02-01", "9000"],
        ["CMP2", "2024-03-01", "9000.5"],
    ],
}


def write_csv(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    """Write rows as a spreadsheet would (quoting only where needed)."""
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return path


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@dataclass(frozen=True)
class Extract:
    """A folder of extract files, with the few edits a test makes to break or relabel one of them."""

    folder: Path

    def rows(self, file: str) -> list[list[str]]:
        return read_csv(self.folder / file)

    def write(self, file: str, rows: list[list[str]], *, delimiter: str = ",") -> Path:
        return write_csv(self.folder / file, rows, delimiter=delimiter)

    def set_cell(self, file: str, row: int, column: str, value: str) -> None:
        """Change one cell, addressed as a spreadsheet shows it (header = row 1) and by its header."""
        rows = self.rows(file)
        rows[row - 1][rows[0].index(column)] = value
        self.write(file, rows)


def write_salesforce_extract(folder: Path) -> Extract:
    """Write the hand-made extract's files into the new folder `folder`."""
    folder.mkdir(parents=True)
    extract = Extract(folder)
    for file, rows in SALESFORCE_EXTRACT.items():
        extract.write(file, rows)
    return extract


@pytest.fixture(scope="session")
def new_salesforce_extract() -> Callable[[Path], Extract]:
    """Write the hand-made extract into a given new folder (for module-scoped fixtures)."""
    return write_salesforce_extract


@pytest.fixture(scope="session")
def small_db(tmp_path_factory) -> Path:
    """The hand-made extract imported once for the test run (not the demo company); copy it before changing it."""
    folder = tmp_path_factory.mktemp("small-warehouse")
    from alignment.ingest.load import import_extracts

    extract = write_salesforce_extract(folder / "extract")
    import_extracts([extract.folder], db_path=folder / "warehouse.duckdb", user="ops", roots=[folder])
    return folder / "warehouse.duckdb"


@pytest.fixture
def db(small_db, tmp_path, monkeypatch) -> Path:
    """A copy of the small warehouse with an empty sign-off ledger of its own, which the app opens."""
    db_path = tmp_path / "warehouse.duckdb"
    shutil.copy(small_db, db_path)
    monkeypatch.setenv(warehouse.DB_ENV, str(db_path))
    return db_path


@pytest.fixture
def salesforce_extract(tmp_path: Path) -> Callable[..., Extract]:
    """Factory: write the hand-made extract into tmp_path/<name>; `.folder` is what to import."""
    return lambda name="extract": write_salesforce_extract(tmp_path / name)


def fingerprint_warehouse(db_path: Path) -> dict[str, object]:
    """Every canonical table's full content (sorted), plus the file's bytes hash and inode, for before/after checks."""
    db_path = Path(db_path)
    con = warehouse.open_reader(db_path)
    try:
        tables = {
            table: sorted(con.execute("SELECT * FROM " + table).fetchall(), key=repr) for table in schema.TABLES
        }
        tables["_import"] = con.execute("SELECT * FROM _import").fetchall()
    finally:
        con.close()
    return {
        "tables": tables,
        "sha256": hashlib.sha256(db_path.read_bytes()).hexdigest(),
        "inode": os.stat(db_path).st_ino,
    }


@pytest.fixture(scope="session")
def warehouse_fingerprint() -> Callable[[Path], dict[str, object]]:
    """warehouse_fingerprint(db_path): the warehouse's whole content, file hash and inode."""
    return fingerprint_warehouse


# --- signing in to the dashboard (its log-in gate) ---------------------------------------------------------------------

TEST_PASSWORD = "test password"
"""The password of the test accounts `test-cmo`, `test-vp_sales`, `test-analyst` and `test-viewer`."""


@functools.cache
def _test_password_hash() -> str:
    from alignment import users

    return users.hash_password(TEST_PASSWORD)


def dashboard_accounts() -> dict[str, dict[str, str]]:
    """secrets.toml's [users] section holding one test account per role (`test-<role>`)."""
    from alignment import users

    return {f"test-{role}": {"role": role, "password_hash": _test_password_hash()} for role in users.ROLES}


def sign_in(at, role: str = "analyst"):
    """Sign an AppTest in as `test-<role>` before it runs, on any warehouse (demo or not); returns it, not yet run.

    The account is given to the app through `at.secrets` and checked by the core's `users.authenticate`, as the
    log-in form does; the form itself is driven in tests/test_pages_charter.py and the browser tests.
    """
    from alignment import users
    from ui import auth

    at.secrets[users.USERS_SECTION] = dashboard_accounts()
    user = users.authenticate(f"test-{role}", TEST_PASSWORD, secrets={users.USERS_SECTION: dashboard_accounts()},
                              demo=False)
    assert user is not None and user.role == role, f"no test account for role {role!r}"
    at.session_state[auth.USER_KEY] = user
    return at


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo company ending in 2026-Q3, built once per test session for the modules that only read it (nothing
    may be written beside it: no import, no charter, no signature). A module that needs another ends its own."""
    from alignment import demo

    db_path = tmp_path_factory.mktemp("demo-company") / "warehouse.duckdb"
    demo.build_demo(db_path, end_quarter="2026-Q3", **demo.REFERENCE_COMPANY)
    return db_path


@pytest.fixture(scope="session")
def reader(demo_db) -> warehouse.Reader:
    """A read-only snapshot of the shared demo company."""
    return warehouse.open_reader(demo_db)
