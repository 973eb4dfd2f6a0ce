"""The mapping-file adapter: validation messages a user can act on, and exact canonical rows from any CRM."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import duckdb
import pytest

from alignment import schema
from alignment.ingest.adapters import AdapterRun
from alignment.ingest.load import collect_files, import_extracts
from alignment.ingest.mapping import MappingAdapter, MappingFile, TableMapping, date_layout, parse_mapping
from alignment.ingest.problems import ImportRejected
from alignment.ingest.staging import install_macros
from tests.conftest import write_csv

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
T = dt.datetime
D = dt.date


def rows_of(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {table: sorted(con.execute("SELECT * FROM " + table).fetchall(), key=repr) for table in schema.TABLES}
    finally:
        con.close()


def mapping_file(tmp_path: Path, text: str, name: str = "mapping.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- the worked example in examples/ ---------------------------------------------------------------------------

def test_example_folder_imports_into_exact_canonical_rows(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    report = import_extracts([EXAMPLES / "other-crm"], db_path=db, format="mapping",
                             mapping=EXAMPLES / "mapping-example.yaml", user="test")
    rows = rows_of(db)
    assert rows["users"] == [
        ("U1", "Anna Weber", "Sales", "DACH", None), ("U2", "Ben Koch", "Marketing", "DACH", "U1"),
        ("U3", "Clara Roth", "Sales", "Benelux", "U1")]
    # decimal comma: "1.200" employees = 1200, "750.000,50" = 750000.5; "15/01/2024" is day first.
    assert rows["accounts"] == [
        ("O-1", "Acme GmbH", "Manufacturing", None, None, 1200, 5000000.0, True, "U1", T(2024, 1, 2)),
        ("O-2", "Globex BV", "Software", None, None, 300, 750000.5, False, "U3", T(2024, 1, 15)),
    ]
    assert rows["people"] == [
        ("P-1", "contact", "O-1", "Head of Operations", "decision_maker", "Webinar", "U2", T(2024, 1, 10, 8), None,
         None, "Germany"),
        ("P-2", "contact", "O-2", "Analyst", "influencer", "Paid Search", "U2", T(2024, 3, 1, 9, 30), None, None,
         "Netherlands"),
        ("P-3", "lead", None, "Student", None, "Web", "U2", T(2024, 3, 10), None, None, None),
    ]
    assert rows["lifecycle_events"] == [
        ("P-1", "mql", T(2024, 1, 15, 12), None, None),
        ("P-1", "sal", T(2024, 1, 20, 12), None, None),
        ("P-1", "sql", T(2024, 2, 3, 10), None, None),
        ("P-2", "mql", T(2024, 3, 5, 10), None, None),
        ("P-2", "rejected", T(2024, 3, 7, 16), "Kein Budget", None),
    ]
    # "$1,117.10K" = 1117.10 × 1000; "$12,500.75" read with a decimal point although the file default is a comma.
    assert rows["opportunities"] == [
        ("D-1", "O-1", "Acme - Platform", "U3", T(2024, 2, 1), D(2024, 4, 30), 1117100.0, "Closed Won", True, True,
         "New Business", "Webinar", "C-1", None, None),
        ("D-2", "O-2", "Globex - Expansion", "U3", T(2024, 2, 15), D(2024, 6, 30), 12500.75, "Negotiation", False,
         False, "Existing Business", "Outbound", None, None, None),
        ("D-3", "O-1", "Acme - Pilot", "U1", T(2024, 3, 1), D(2024, 5, 15), None, "Closed Lost", True, False,
         "New Business", None, "C-2", None, None),
    ]
    assert rows["opportunity_stage_history"] == [
        ("D-1", "Closed Won", T(2024, 4, 30), 1117100.0),
        ("D-1", "Proposal", T(2024, 3, 10), 1117100.0),
        ("D-1", "Prospecting", T(2024, 2, 1), 1000000.0),
        ("D-2", "Negotiation", T(2024, 3, 1), 12500.75),
        ("D-2", "Prospecting", T(2024, 2, 15), 12500.75),
    ]
    assert rows["opportunity_contacts"] == [("D-1", "P-1", "Decision Maker", True), ("D-2", "P-2", "Evaluator", False)]
    # The mapping gives no funnel_role: the charter's channel roles decide it when a number is asked for.
    assert rows["campaigns"] == [
        ("C-1", "Spring Webinar", "webinar", None, None, None, None, D(2024, 1, 1), D(2024, 3, 31), 5000.0,
         4200.0, None, "U2", None, None),
        ("C-2", "City Billboards", "billboard", None, None, None, None, D(2024, 2, 1), D(2024, 4, 30),
         20000.0, 18000.5, None, "U2", None, None),
    ]
    assert rows["campaign_members"] == [
        ("C-1", "P-1", "Responded", T(2024, 1, 11), True, T(2024, 1, 12)),
        ("C-1", "P-2", "Sent", T(2024, 3, 2), False, None),
        ("C-2", "P-1", "Responded", T(2024, 2, 18), True, T(2024, 2, 20)),
    ]
    assert rows["sales_activities"] == [
        ("A-1", "P-2", T(2024, 3, 5, 11), "Call", "U3"), ("A-2", "P-1", T(2024, 1, 16, 8), "Email", "U3")]
    # The file calls the amount 'Value': the message names the canonical column beside it.
    assert [w.message() for w in report.warnings] == [
        "deals.csv, row 4, column 'Value' (amount): Opportunities with the amount empty (counted as 0)."]
    assert {f["file"]: f["read_as"] for f in report.files}["deals.csv"] == "opportunities"


def test_every_example_file_is_named_in_the_example_mapping():
    mapping = MappingAdapter.from_file(EXAMPLES / "mapping-example.yaml").mapping
    assert sorted(entry.file for _, entry in mapping.entries()) == sorted(
        p.name for p in (EXAMPLES / "other-crm").glob("*.csv"))


def test_every_mapping_setting_is_documented_in_the_examples():
    text = "".join((EXAMPLES / name).read_text(encoding="utf-8") for name in ("mapping-example.yaml",
                                                                              "mapping-lookups.yaml"))
    assert [key for key in [*MappingFile.model_fields, *TableMapping.model_fields] if key + ":" not in text] == []


# --- invalid mapping files: refused before any data is read, each message naming its key path ------------------

OPPORTUNITIES = """\
version: 1
tables:
  opportunities:
    file: deals.csv
    columns: {opportunity_id: Deal No, created_at: Created, stage: Phase, amount: Value, is_won: 'Won?'}
"""
PEOPLE = """\
version: 1
tables:
  people:
    file: persons.csv
    columns: {person_id: Person No, created_at: Created, persona: Role, kind: Type}
"""


@pytest.mark.parametrize("text, path, match", [
    (OPPORTUNITIES.replace("opportunities:", "oportunities:"), "tables",
     r"'oportunities' is not a canonical table — use one of accounts, .* \(did you mean 'opportunities'\?\)"),
    (OPPORTUNITIES.replace("amount:", "amout:"), "tables.opportunities.columns",
     r"'amout' is not a column of opportunities — use one of opportunity_id, .*\(did you mean 'amount'\?\)"),
    (OPPORTUNITIES.replace("opportunity_id: Deal No, ", ""), "tables.opportunities.columns",
     r"'opportunity_id' is required — name the source column that holds the deal id"),
    (OPPORTUNITIES + "    formats: {created_at: DD/MM/YYY}\n", "tables.opportunities.formats",
     r"created_at: 'DD/MM/YYY' is not a date format — write it like DD/MM/YYYY or %d/%m/%Y"),
    (OPPORTUNITIES + "    formats: {amount: european}\n", "tables.opportunities.formats",
     r"amount: 'european' is not a number format — use decimal_comma \(1.234,56\) or decimal_point"),
    (OPPORTUNITIES + "    formats: {stage: '%d'}\n", "tables.opportunities.formats",
     r"stage: formats apply to dates and numbers; 'stage' is text"),
    (OPPORTUNITIES + "    formats: {close_date: DD/MM/YYYY}\n", "tables.opportunities.formats",
     r"'close_date' is not read from the file — map it under columns first"),
    (OPPORTUNITIES + "    values: {is_won: {Ja: maybe}}\n", "tables.opportunities.values",
     r"is_won: 'Ja' maps to 'maybe', which is not true or false"),
    (OPPORTUNITIES + "    values: {type: {Neu: New Business}}\n", "tables.opportunities.values",
     r"'type' is not read from the file — map it under columns first"),
    (OPPORTUNITIES + "    colums: {name: Title}\n", "tables.opportunities",
     r"'colums' is not a setting of a table — use file, columns, formats, values, constants, date_format, decimal, "
     r"keep_rows, skip_rows, row_ids, prefixes, lookups \(did you mean 'columns'\?\)"),
    (OPPORTUNITIES + "    lifecycle_dates: {mql: MQL}\n", "tables.opportunities.lifecycle_dates",
     r"only the people table has lifecycle dates"),
    (OPPORTUNITIES.replace("    file: deals.csv\n", ""), "tables.opportunities",
     r"'file' is missing — name the extract file this table is read from"),
    (OPPORTUNITIES.replace("version: 1", "version: 2"), "version", r"must be 1"),
    (OPPORTUNITIES.replace("version: 1", "version: 1\ndecimal: dot"), "decimal", r"'dot' is not allowed — use comma or point"),
    (OPPORTUNITIES.replace("tables:", "table:"), None,
     r"'table' is not a setting of a mapping file — use version, date_format, decimal, tables"),
    ("version: 1\ntables: {}\n", "tables", r"name at least one canonical table to fill"),
    (PEOPLE + "    values: {persona: {Boss: boss}}\n", "tables.people.values",
     r"persona: 'Boss' maps to 'boss', which is not one of decision_maker, influencer, user, other"),
    (PEOPLE + "    values: {kind: {Kunde: customer}}\n", "tables.people.values",
     r"kind: 'Kunde' maps to 'customer', which is not one of lead, contact"),
    (PEOPLE + "    lifecycle_dates: {mq: MQL on}\n", "tables.people.lifecycle_dates",
     r"'mq' is not a lifecycle stage — use one of inquiry, mql, .* \(did you mean 'mql'\?\)"),
    (PEOPLE.replace("columns:", "constants: {kind: prospect}\n    columns:"), "tables.people.constants",
     r"constant for 'kind' 'prospect', which is not one of lead, contact"),
    ("version: 1\ntables:\n  campaigns:\n    file: c.csv\n    columns: {campaign_id: Id, name: Name}\n"
     "    constants: {channel: tv, funnel_role: brand}\n", "tables.campaigns.constants",
     r"constant for 'funnel_role' 'brand', which is not one of awareness, demand_gen"),
    ("version: 1\ntables:\n  lifecycle_events:\n    file: e.csv\n"
     "    columns: {person_id: Who, stage: Stage, occurred_at: When}\n    values: {stage: {MQL reached: MQL}}\n",
     "tables.lifecycle_events.values", r"stage: 'MQL reached' maps to 'MQL', which is not one of inquiry, mql"),
    # A list of entries keeps its index in the path.
    ("version: 1\ntables:\n  people:\n    - {file: leads.csv, columns: {person_id: Id, created_at: Created}}\n"
     "    - {file: contacts.csv, columns: {created_at: Created}}\n", "tables.people.1.columns",
     r"'person_id' is required — name the source column that holds the person's id"),
    ("version: 1\ntables:\n  opportunities: [file: deals.csv\n", None, r"not valid YAML at line \d+, column \d+"),
    ("- just\n- a list\n", None, r"must be key: value lines starting with 'version: 1'"),
])
def test_invalid_mapping_files_are_refused_with_the_key_path(tmp_path, text, path, match):
    with pytest.raises(ImportRejected, match=match) as refused:
        MappingAdapter.from_file(mapping_file(tmp_path, text))
    problem = refused.value.problems[0]
    assert (problem.file, problem.column) == ("mapping.yaml", path)


def test_every_problem_of_a_mapping_file_is_reported_at_once(tmp_path):
    text = OPPORTUNITIES.replace("amount:", "amout:") + "  peeple:\n    file: p.csv\n"
    with pytest.raises(ImportRejected) as refused:
        MappingAdapter.from_file(mapping_file(tmp_path, text))
    assert sorted((p.column, p.rule.split(" — ")[0]) for p in refused.value.problems) == [
        ("tables", "'peeple' is not a canonical table"),
        ("tables.opportunities.columns", "'amout' is not a column of opportunities"),
    ]


def test_a_missing_mapping_file_is_refused(tmp_path):
    with pytest.raises(ImportRejected, match=r"nowhere\.yaml: the mapping file was not found"):
        import_extracts([EXAMPLES / "other-crm"], db_path=tmp_path / "w.duckdb", format="mapping",
                        mapping=tmp_path / "nowhere.yaml")


# --- valid mapping files ----------------------------------------------------------------------------------------

DEALS = [["Deal No", "Created", "Phase", "Value", "Won?"],
         ["1", "03/02/2024", "Gewonnen", "€ 2,5M", "Yes"],
         ["2", "14/02/2024", "Angebot", "1.234,5", "No"],
         ["3", "29/02/2024", "Verloren", "", "No"]]


def write_extract(tmp_path: Path, files: dict[str, list[list[str]]] | None = None) -> Path:
    folder = tmp_path / "extract"
    folder.mkdir()
    for name, rows in (files or {"deals.csv": DEALS}).items():
        write_csv(folder / name, rows, delimiter=";")
    return folder


def import_deals(tmp_path: Path, text: str, files: dict[str, list[list[str]]] | None = None):
    """A whole import (validation, keys, atomic swap) into a warehouse file."""
    db = tmp_path / "w.duckdb"
    report = import_extracts([write_extract(tmp_path, files)], db_path=db, format="mapping",
                             mapping=mapping_file(tmp_path, text))
    return report, rows_of(db)


def build_deals(tmp_path: Path, text: str, files: dict[str, list[list[str]]] | None = None):
    """Only the adapter, in memory: its canon_<table> rows (in canonical column order) and what it reported."""
    adapter = MappingAdapter.from_file(mapping_file(tmp_path, text))
    run = AdapterRun()
    con = duckdb.connect()
    try:
        install_macros(con)
        adapter.build(con, collect_files([write_extract(tmp_path, files)]), run)
        assert not run.has_errors, [p.message() for p in run.problems]
        rows = {table: sorted(con.execute("SELECT " + ", ".join(schema.column_names(model)) + " FROM canon_"
                                          + table).fetchall(), key=repr) for table, model in schema.TABLES.items()}
    finally:
        con.close()
    return run, rows


@pytest.mark.parametrize("extra", [
    "    formats: {created_at: DD/MM/YYYY, amount: decimal_comma}\n",
    "    formats: {created_at: '%d/%m/%Y', amount: comma}\n",
    "    date_format: DD/MM/YYYY\n    decimal: comma\n",
])
def test_formats_said_three_ways_read_alike(tmp_path, extra):
    # "Yes"/"No" stay text in YAML here (not booleans), so they match the file's words; "*" is any other phase.
    text = OPPORTUNITIES.replace("amount: Value, ", "amount: Value, is_closed: Phase, ") + extra + \
        "    values: {is_won: {Yes: true, No: false}, is_closed: {Gewonnen: true, Verloren: true, '*': false}}\n"
    _, rows = build_deals(tmp_path, text)
    # With a decimal comma "€ 2,5M" = 2.5 × 1 000 000 and "1.234,5" = 1234.5; the empty value stays empty.
    assert [(r[0], r[4], r[6], r[7], r[8], r[9]) for r in rows["opportunities"]] == [
        ("1", T(2024, 2, 3), 2500000.0, "Gewonnen", True, True),
        ("2", T(2024, 2, 14), 1234.5, "Angebot", False, False),
        ("3", T(2024, 2, 29), None, "Verloren", True, False),
    ]


def test_people_are_contacts_unless_a_kind_is_mapped_and_files_can_share_a_table(tmp_path):
    text = """\
    version: 1
    date_format: YYYY-MM-DD
    tables:
      people:
        - file: leads.csv
          columns: {person_id: Id, created_at: Created}
          constants: {kind: lead}
          lifecycle_dates: {mql: MQL}
        - file: contacts.csv
          columns: {person_id: Id, created_at: Created, persona: Persona}
          values: {persona: {Economic Buyer: decision_maker}}
    """
    files = {"leads.csv": [["Id", "Created", "MQL"], ["L1", "2024-01-02", "2024-01-05"]],
             "contacts.csv": [["Id", "Created", "Persona"], ["C1", "2024-01-03", "economic-buyer"],
                              ["C2", "2024-01-04", "Champion"]]}
    run, rows = build_deals(tmp_path, text, files)
    # Persona values are snake-cased before the map, so "economic-buyer" matches the key "Economic Buyer";
    # "Champion" is no persona and reads as other, with a warning.
    assert rows["people"] == [
        ("C1", "contact", None, None, "decision_maker", None, None, T(2024, 1, 3), None, None, None),
        ("C2", "contact", None, None, "other", None, None, T(2024, 1, 4), None, None, None),
        ("L1", "lead", None, None, None, None, None, T(2024, 1, 2), None, None, None),
    ]
    assert rows["lifecycle_events"] == [("L1", "mql", T(2024, 1, 5), None, None)]
    assert [(w.file, w.column, w.count) for w in run.problems] == [("contacts.csv", "Persona", 1)]


def test_a_file_named_in_the_mapping_but_not_imported_is_named_in_the_refusal(tmp_path):
    text = OPPORTUNITIES + "  accounts:\n    file: companies.csv\n    columns: {account_id: Id}\n"
    with pytest.raises(ImportRejected, match=r"mapping\.yaml, column 'tables\.accounts\.file': names "
                                             r"'companies\.csv', which is not among the imported files \(deals\.csv\)"):
        import_deals(tmp_path, text)
    assert not (tmp_path / "w.duckdb").exists()


def test_a_header_named_in_the_mapping_but_not_in_the_file_is_refused(tmp_path):
    text = OPPORTUNITIES.replace("amount: Value", "amount: Amount")
    with pytest.raises(ImportRejected, match=r"deals\.csv, column 'Amount': mapping\.yaml names this column "
                                             r"\(tables\.opportunities\.columns\.amount\) but the file has no such "
                                             r"column; its columns are: Deal No, Created, Phase, Value, Won\?"):
        import_deals(tmp_path, text)


def test_headers_match_ignoring_case_and_punctuation(tmp_path):
    text = OPPORTUNITIES.replace("Deal No", "deal-no").replace("'Won?'", "WON") + \
        "    values: {is_won: {Yes: true, No: false}}\n    date_format: DD/MM/YYYY\n    decimal: comma\n"
    _, rows = build_deals(tmp_path, text)
    assert [(r[0], r[9]) for r in rows["opportunities"]] == [("1", True), ("2", False), ("3", False)]


def test_unnamed_files_are_skipped_unless_named_after_a_canonical_table(tmp_path):
    files = {"deals.csv": DEALS, "notes.csv": [["a", "b"], ["1", "2"]],
             "users.csv": [["user_id", "name"], ["U1", "Ana"]]}
    text = OPPORTUNITIES + "    values: {is_won: {Yes: true, No: false}}\n    date_format: DD/MM/YYYY\n" \
                           "    decimal: comma\n"
    run, rows = build_deals(tmp_path, text, files)
    assert rows["users"] == [("U1", "Ana", None, None, None)]
    assert [(w.file, w.rule) for w in run.problems if w.file == "notes.csv"] == [
        ("notes.csv", "not named in the mapping file mapping.yaml; skipped")]


@pytest.mark.parametrize("given, layout", [
    ("DD/MM/YYYY", "eu"), ("%d/%m/%Y", "eu"), ("MM/DD/YYYY", "us"), ("DD.MM.YYYY", "dot"), ("YYYY-MM-DD", "iso"),
    ("iso", "iso"), ("epoch_ms", "epoch_ms"), ("YYYYMMDD", "%Y%m%d"), ("DD/MM/YY HH:mm", "%d/%m/%y %H:%M"),
    ("DD/MM/YYY", None), ("european", None), ("%Q", None),
])
def test_date_formats(given, layout):
    assert date_layout(given) == layout


def test_yaml_yes_and_no_stay_text():
    # A plain YAML 1.1 loader would read the keys as booleans and match the words "true"/"false" instead.
    mapping = parse_mapping(OPPORTUNITIES + "    values: {is_won: {Yes: true, No: false}}\n", "m.yaml")
    assert mapping.tables.opportunities[0].values == {"is_won": {"Yes": "true", "No": "false"}}


@pytest.mark.parametrize(("text", "path"), [
    ('version: 1\ndate_format: "every tuesday"\ntables:\n  accounts:\n    file: a.csv\n'
     '    columns: {account_id: Id}\n', "date_format"),
    ('version: 1\ntables:\n  accounts:\n    file: a.csv\n    date_format: "nope"\n'
     '    columns: {account_id: Id}\n', "tables.accounts.date_format"),
])
def test_unreadable_date_format_is_refused_where_it_is_written(tmp_path, text, path):
    with pytest.raises(ImportRejected) as refused:
        MappingAdapter.from_file(mapping_file(tmp_path, text))
    problem = refused.value.errors[0]
    assert problem.column == path
    assert "is not a date format — write it like DD/MM/YYYY or %d/%m/%Y" in problem.rule
