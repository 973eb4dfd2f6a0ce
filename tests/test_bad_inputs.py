"""The bad-input corpus in tests/bad_inputs/ (broken extracts and mapping files), bad URL parameters and oversized
uploads: each refused with a message naming what to fix, and the stored data left exactly as it was."""

from __future__ import annotations

import os
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from alignment import warehouse
from alignment.ingest.load import import_extracts
from alignment.ingest.problems import ImportRejected
from tests.conftest import sign_in
from tests.test_broken_files import loaded, loaded_template  # noqa: F401 - fixtures: a loaded data folder
from ui import imports

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "bad_inputs"
APP = str(ROOT / "app.py")
OTHER_CRM_USERS = ROOT / "examples" / "other-crm" / "users.csv"


@dataclass(frozen=True)
class Expected:
    """The one problem a corpus entry must be refused with."""

    file: str
    row: int | None
    column: str | None
    rule: str  # words of the rule, as the user reads them


# tests/bad_inputs/extracts/<case>/: files that replace the same object's file in the valid hand-made extract.
EXTRACTS = {
    "utf16-unicode-text": Expected("Account.csv", None, None, 'the file is saved as UTF-16 ("Unicode text"); '
                                                              'save it again as "CSV UTF-8"'),
    "gzip-named-csv": Expected("Account.csv", None, None, "the file is compressed (gzip); unpack it"),
    "truncated-parquet": Expected("Account.parquet", None, None, "the Parquet file could not be read"),
    "html-page-named-xlsx": Expected("Account.xlsx", None, None, "the workbook could not be opened"),
    "login-page-saved-as-csv": Expected("Account.csv", 1, "Id / Account ID",
                                        "required column is missing (the file has no column by that name); the "
                                        "header was read as one column '<!DOCTYPE html>'"),
    "blank-lines-only": Expected("Account.csv", 1, None, "the first row must be a header row naming the columns"),
    "amount-nan": Expected("Opportunity.csv", 2, "Amount", "is not a plausible number: NaN, infinity and anything "
                                                           "larger than 1,000,000,000,000,000 in size cannot be real"),
    "amount-overflows": Expected("Opportunity.csv", 3, "Amount", "is not a plausible number"),
    "amount-beyond-ceiling": Expected("Opportunity.csv", 3, "Amount", "is not a plausible number"),
    "year-99999": Expected("Opportunity.csv", 4, "CloseDate", "is not a plausible date: a calendar date must be from "
                                                               "1900-01-01 to "),
    "year-9999": Expected("Opportunity.csv", 3, "CreatedDate", "is not a plausible date: a recorded date must be from "
                                                                "1900-01-01 to "),
    "year-1066": Expected("Lead.csv", 3, "CreatedDate", "is not a plausible date: a recorded date must be from "
                                                         "1900-01-01 to "),
    "won-but-open": Expected("Opportunity.csv", 2, "IsWon", "is true but 'IsClosed' is false: a won deal is always "
                                                             "a closed one"),
    "fractional-employees": Expected("Account.csv", 3, "NumberOfEmployees", "is not a whole number"),
}
# tests/bad_inputs/alone/<case>/: a folder imported on its own.
ALONE = {
    # Named as given: the folder, not a file in it.
    "no-extract-files": Expected(str(CORPUS / "alone" / "no-extract-files"), None, None,
                                 "no CSV, XLSX or Parquet files were found"),
    "unrecognised-names": Expected("export_2026-07-01.csv", None, None,
                                   "none of the files was recognised as a salesforce extract, so there is nothing to "
                                   "load; if they were exported from another system, import them as hubspot or "
                                   "mapping"),
}
# tests/bad_inputs/mappings/<case>.yaml: a mapping file imported with the other CRM's users.csv.
MAPPINGS = {
    "unknown-table": Expected("unknown-table.yaml", None, "tables",
                              "'usres' is not a canonical table — use one of accounts, "),
    "unknown-column": Expected("unknown-column.yaml", None, "tables.users.columns",
                               "'teem' is not a column of users — use one of user_id, name, team, region, manager_id "
                               "(did you mean 'team'?)"),
    "missing-required-column": Expected("missing-required-column.yaml", None, "tables.users.columns",
                                        "'user_id' is required — name the source column that holds the user id"),
    "misspelt-date-format": Expected("misspelt-date-format.yaml", None, "date_format",
                                     "'DD/MM/YYY' is not a date format — write it like DD/MM/YYYY"),
    "value-map-to-unknown-persona": Expected("value-map-to-unknown-persona.yaml", None, "tables.people.values",
                                             "persona: 'Entscheider' maps to 'boss', which is not one of "
                                             "decision_maker, influencer, user, other"),
    "not-yaml": Expected("not-yaml.yaml", None, None, "not valid YAML at line 4, column 1"),
    "file-not-imported": Expected("file-not-imported.yaml", None, "tables.users.file",
                                  "names 'staff.csv', which is not among the imported files (users.csv); import it "
                                  "too or correct the name"),
    "header-not-in-file": Expected("users.csv", None, "Full Name of User",
                                   "header-not-in-file.yaml names this column (tables.users.columns.name) but the "
                                   "file has no such column; its columns are: User No, Full name, Team"),
    "empty": Expected("empty.yaml", None, None,
                      "the mapping file must be key: value lines starting with 'version: 1' and 'tables:'"),
    "version-2": Expected("version-2.yaml", None, "version", "must be 1"),
    "spreadsheet-named-yaml": Expected("spreadsheet-named-yaml.yaml", None, None,
                                       "the mapping file could not be read"),
}


def test_the_corpus_holds_what_the_tables_name():
    # Every file in the corpus is exercised, and every case names a file that exists.
    assert sorted(p.name for p in (CORPUS / "extracts").iterdir()) == sorted(EXTRACTS)
    assert sorted(p.name for p in (CORPUS / "alone").iterdir()) == sorted(ALONE)
    assert sorted(p.stem for p in (CORPUS / "mappings").glob("*.yaml")) == sorted([*MAPPINGS, "valid"])


@pytest.fixture
def refuse(warehouse_fingerprint):
    """refuse(db_path, paths, **options): an import that must be refused and leave the data folder untouched."""
    def refuse(db_path: Path, paths: list[Path], **options) -> ImportRejected:
        before, listing = warehouse_fingerprint(db_path), sorted(os.listdir(db_path.parent))
        with pytest.raises(ImportRejected) as caught:
            import_extracts(paths, db_path=db_path, user="test", **options)
        assert warehouse_fingerprint(db_path) == before
        assert sorted(os.listdir(db_path.parent)) == listing  # no half-built file left behind
        return caught.value
    return refuse


def assert_one_problem(rejection: ImportRejected, expected: Expected) -> None:
    [problem] = rejection.errors
    assert (problem.file, problem.first_row, problem.column) == (expected.file, expected.row, expected.column)
    assert expected.rule in problem.rule
    assert problem.message().startswith(expected.file) and expected.rule in problem.message()
    assert "the loaded data is unchanged" in str(rejection)


@pytest.mark.parametrize("case", EXTRACTS)
def test_a_broken_extract_from_the_corpus_is_refused(case, loaded, refuse, salesforce_extract):  # noqa: F811
    extract = salesforce_extract("broken")
    for broken in (CORPUS / "extracts" / case).iterdir():
        (extract.folder / (broken.stem + ".csv")).unlink()  # the object's valid file, whatever its format now
        shutil.copy(broken, extract.folder / broken.name)
    assert_one_problem(refuse(loaded, [extract.folder]), EXTRACTS[case])


@pytest.mark.parametrize("case", ALONE)
def test_a_folder_with_nothing_to_import_is_refused(case, loaded, refuse):  # noqa: F811
    assert_one_problem(refuse(loaded, [CORPUS / "alone" / case]), ALONE[case])


@pytest.mark.parametrize("case", MAPPINGS)
def test_a_broken_mapping_file_from_the_corpus_is_refused(case, loaded, refuse):  # noqa: F811
    rejection = refuse(loaded, [OTHER_CRM_USERS], format="mapping", mapping=CORPUS / "mappings" / f"{case}.yaml")
    assert_one_problem(rejection, MAPPINGS[case])


def test_the_valid_mapping_the_corpus_breaks_does_import(loaded):  # noqa: F811
    # The control: the unbroken mapping loads, so each refusal above is the breakage's doing.
    report = import_extracts([OTHER_CRM_USERS], db_path=loaded, user="test", format="mapping",
                             mapping=CORPUS / "mappings" / "valid.yaml")
    assert report.tables["users"] == 3 and report.tables["people"] == 0


def test_extracts_imported_as_the_wrong_format_say_so(loaded, refuse, salesforce_extract):  # noqa: F811
    rejection = refuse(loaded, [salesforce_extract("valid").folder], format="hubspot")
    hints = [p for p in rejection.errors if "were not recognised as hubspot extracts" in p.rule]
    # The hand-made extract: 12 files; campaign_spend.csv is a canonical table any format reads, and HubSpot too
    # exports a Contact file, so 10 were not recognised.
    assert [p.rule for p in hints] == ["10 of 12 files were not recognised as hubspot extracts; if they were "
                                       "exported from another system, import them as salesforce or mapping"]


# --- URL parameters: every value the filter bar did not offer is dropped for the default, never shown or used ----

BAD_URLS = {
    "sql in the quarter": {"quarter": "2024-Q1' OR 1=1 --"},
    "markup in the region": {"region": "<script>alert('x')</script>"},
    "a 5000-character segment": {"segment": "S" * 5000},
    "a quarter that does not exist": {"quarter": "2024-Q5"},
}


@pytest.fixture
def app(loaded, monkeypatch) -> AppTest:  # noqa: F811
    monkeypatch.setenv(warehouse.DB_ENV, str(loaded))
    return sign_in(AppTest.from_file(APP, default_timeout=60))


def _everything_shown(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "text", "error", "warning", "success", "info",
                                               "title", "subheader") for e in getattr(at, kind))


def test_bad_url_parameters_fall_back_to_the_defaults_and_change_nothing(app, loaded, warehouse_fingerprint):  # noqa: F811
    before = warehouse_fingerprint(loaded)
    defaults = app.run()
    assert not defaults.exception
    default_view = {key: defaults.selectbox(key=f"filter_{key}").value for key in ("quarter", "region", "segment")}
    assert default_view == {"quarter": "2024-Q1", "region": "All", "segment": "All"}  # the extract ends in March 2024
    for name, query in BAD_URLS.items():
        at = sign_in(AppTest.from_file(APP, default_timeout=60))
        at.query_params.update(query)
        at.run()
        assert not at.exception, name
        view = {key: at.selectbox(key=f"filter_{key}").value for key in ("quarter", "region", "segment")}
        assert view == default_view, name
        assert at.query_params == {}, name  # the bad value is dropped from the URL, not carried to the next link
        parameter = next(iter(query))
        assert any(f"The link's {parameter}" in str(toast.value) and "is not in the loaded data" in str(toast.value)
                   for toast in at.toast), name  # and the user is told what was ignored
        assert all(value not in _everything_shown(at) for value in query.values()), name
    assert warehouse_fingerprint(loaded) == before


# --- Upload size ----------------------------------------------------------------------------------------------

def test_the_upload_limit_is_the_committed_configuration():
    with open(ROOT / ".streamlit" / "config.toml", "rb") as handle:
        committed = tomllib.load(handle)["server"]["maxUploadSize"]
    assert committed == 500
    assert imports.upload_limit_mb() == committed


@pytest.fixture
def one_megabyte_limit():
    saved = streamlit_config.get_option("server.maxUploadSize")
    streamlit_config.set_option("server.maxUploadSize", 1)
    yield
    streamlit_config.set_option("server.maxUploadSize", saved)


def test_an_upload_over_the_limit_is_refused_with_a_message_and_changes_nothing(app, loaded, one_megabyte_limit,  # noqa: F811
                                                                                 warehouse_fingerprint):
    before = warehouse_fingerprint(loaded)
    at = app.run()
    at.switch_page("pages/analyse_data.py").run()
    small = b"Id,Name\nU9,Dee Dunn\n"
    big = b"Id,AccountId,Name\n" + b"O9,A1,Big deals\n" * 98_304  # 16 bytes a row: 1.5 MiB and a header
    at.file_uploader(key="data_uploads_0").set_value(
        [("User.csv", small, "text/csv"), ("Opportunity.csv", big, "text/csv")])
    at.run()
    at.button(key="data_import").click().run()
    assert not at.exception, at.exception
    assert "Import refused: 1 problem in 1 file." in at.error[0].value
    assert "• Opportunity.csv: the file is 1.5 MB, over the 1 MB upload limit; copy it to a folder on the server " \
           "and import it from there (Files: A folder on the server)." in [t.value for t in at.text]
    assert warehouse_fingerprint(loaded) == before


# Charter edits (the form's fields, applied over the quarter's charter by the core): each refused naming the option
# and what to write instead, and nothing recorded in the ledger.
CHARTER_EDITS = {
    "negative SLA": ({"definitions": {"sla_hours": -4}}, "definitions.sla_hours", "greater than 0"),
    "SLA in words": ({"definitions": {"sla_hours": "a day"}}, "definitions.sla_hours", "valid number"),
    "SLA not a number": ({"definitions": {"sla_hours": float("nan")}}, "definitions.sla_hours", "finite number"),
    "unknown stage policy": ({"definitions": {"stage_policy": "loose"}}, "definitions.stage_policy",
                             "'backfill' or 'strict'"),
    "ten-year-plus lookback": ({"definitions": {"lookback_days": 5000}}, "definitions.lookback_days",
                               "less than or equal to 3650"),
    "fractional lookback": ({"definitions": {"lookback_days": 1.5}}, "definitions.lookback_days", "fractional part"),
    "zero half-life": ({"definitions": {"half_life_days": 0}}, "definitions.half_life_days", "greater than 0"),
    "unknown model": ({"definitions": {"model_of_record": "last_click"}}, "definitions.model_of_record",
                      "'first_touch', 'last_touch'"),
    "negative bought-lead price": ({"definitions": {"bought_lead_price": -1}}, "definitions.bought_lead_price",
                                   "greater than or equal to 0"),
    "no metrics": ({"metrics": []}, "metrics", "choose at least one metric"),
    "SQL as a metric": ({"metrics": ["pipeline", "pipeline; DROP TABLE people"]}, "metrics",
                        "is not a headline metric"),
    "target for an unknown metric": ({"definitions": {"targets": {"bookingz": 1}}}, "",  # the message names it
                                     "target is set for bookingz"),
    "target in words": ({"definitions": {"targets": {"pipeline": "lots"}}}, "definitions.targets.pipeline",
                        "valid number"),
    "infinite target": ({"definitions": {"targets": {"pipeline": float("inf")}}}, "definitions.targets.pipeline",
                        "finite number"),
    "unnamed region target": ({"region_targets": {" ": {"pipeline": 1}}}, "region_targets",
                              "name the region or segment"),
    "unknown linking": ({"definitions": {"linking": "everyone"}}, "definitions.linking", "'contacts' or 'account'"),
    "acceptance over 100 %": ({"definitions": {"acceptance_target": 1.5}}, "definitions.acceptance_target",
                              "less than or equal to 1"),
    "unknown source category": ({"definitions": {"lead_source_categories": {"web": "brand"}}},
                                "definitions.lead_source_categories.web", "'marketing', 'sales', 'partner'"),
    "a trillion-day interest window": ({"definitions": {"interest_window_days": 10**12}},
                                       "definitions.interest_window_days", "less than or equal to 3650"),
}


@pytest.mark.parametrize("case", CHARTER_EDITS)
def test_a_bad_charter_edit_is_refused_naming_the_option_and_nothing_is_recorded(case, loaded):  # noqa: F811
    from pydantic import ValidationError

    from alignment import charter as charters
    from alignment import signoff

    edit, where, words = CHARTER_EDITS[case]
    ledger = signoff.Ledger.beside(loaded)
    before = ledger.records()
    with pytest.raises(ValidationError) as refused:
        charters.edited(ledger.charter_in_force("2026-Q3"), edit)
    [problem] = refused.value.errors()
    assert ".".join(str(part) for part in problem["loc"]) == where
    assert words in problem["msg"]
    assert ledger.records() == before


# Log-in attempts on the sign-in form: each refused with a message saying what to do, nobody signed in, no account
# name confirmed or denied, and nothing written.
LOG_INS = {
    "nothing typed": ("", "", "Enter your user name and your password."),
    "no password": ("test-cmo", "", "Enter your user name and your password."),
    "wrong password": ("test-cmo", "not the password", "do not match an account"),
    "unknown user": ("nobody", "whatever", "do not match an account"),
    "SQL in both": ("' OR '1'='1' --", "' OR '1'='1' --", "do not match an account"),
    "a 10 000-character name": ("x" * 10_000, "whatever", "Enter your user name and your password."),
    "a 100 000-character password": ("test-cmo", "p" * 100_000, "Enter your user name and your password."),
    "demo account on real data": ("demo-cmo", "demo", "do not match an account"),
    "name in other case": ("TEST-CMO", "wrong", "do not match an account"),
    "markup as the name": ("<img src=x onerror=alert(1)>", "x", "do not match an account"),
}


@pytest.mark.parametrize("case", LOG_INS)
def test_a_bad_log_in_is_refused_with_a_message_and_signs_nobody_in(case, loaded, monkeypatch,  # noqa: F811
                                                                    warehouse_fingerprint):
    from alignment import users
    from tests.conftest import dashboard_accounts

    name, password, message = LOG_INS[case]
    monkeypatch.setenv(warehouse.DB_ENV, str(loaded))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets[users.USERS_SECTION] = dashboard_accounts()
    before = warehouse_fingerprint(loaded)
    at.run()
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    at.button(key="auth_submit").click().run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert len(at.error) == 1 and message in at.error[0].value
    assert name[:40] not in at.error[0].value or name == ""  # the form never echoes who exists
    assert warehouse_fingerprint(loaded) == before
