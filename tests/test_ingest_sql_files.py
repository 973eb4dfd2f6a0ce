"""The import's SQL files and the data-quality audits say what they are: each header names the tables its SQL reads
and the table it writes, one comment per column it gives, and the canonical tables come out with their contract's
columns; the adapters run every step they hold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from alignment import quality, schema, sqlfiles, warehouse
from alignment.ingest import adapters, salesforce
from alignment.ingest.adapters import AdapterRun, transforms
from alignment.ingest.load import adapter_for, collect_files, import_extracts
from alignment.ingest.staging import MACROS, install_macros
from tests.conftest import crm_export, write_csv

FORMATS = ("salesforce", "hubspot", "mapping")
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def every_file() -> list[sqlfiles.SqlFile]:
    """Every headed file of the import and every audit (loading them validates their headers)."""
    files = [file for format in FORMATS for file in transforms(format).values()]
    files += sqlfiles.folder(sqlfiles.IMPORT_SQL_DIR / "hubspot" / "audits", "audit").values()
    files += sqlfiles.folder(MACROS, "macro").values()
    files += transforms("currency").values()  # the import's rate checks, the same for every format
    return files + list(quality.AUDITS)


def tables_read(sql: str) -> set[str]:
    """The tables a query reads, as DuckDB's parser sees them (common table expressions left out)."""
    with duckdb.connect() as con:
        tree = json.loads(con.execute("SELECT json_serialize_sql($sql)", {"sql": sql}).fetchall()[0][0])
    assert not tree.get("error"), tree
    found, named = set(), set()

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE":
                found.add(node["table_name"])
            named.update(entry["key"] for entry in (node.get("cte_map") or {}).get("map", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return found - named


@pytest.mark.parametrize("file", every_file(), ids=lambda file: f"{file.path.parent.name}/{file.path.name}")
def test_a_header_names_exactly_the_tables_its_sql_reads(file):
    if file.kind == "macro":
        assert file.reads == () and file.returns == "scalar"  # an expression of its arguments, reading no table
        return
    assert set(file.reads) == tables_read(file.sql)
    assert len(file.reads) == len(set(file.reads))


def test_a_step_writes_one_table_and_a_check_writes_none():
    for format in FORMATS:
        for file in transforms(format).values():
            numbered = re.match(r"^\d+_", file.path.name) is not None
            assert len(file.writes) == (1 if numbered else 0), file.path.name
            if not numbered:  # a check gives one value
                assert list(file.columns) == ["repeated"], file.path.name


@pytest.fixture(scope="module")
def salesforce_run(tmp_path_factory, new_salesforce_extract) -> tuple[duckdb.DuckDBPyConnection,
                                                                       dict[str, set[str]]]:
    """The small Salesforce extract, with a canonical campaign_members file beside it, built on a connection of its
    own; the columns of each table a transform wrote."""
    folder = new_salesforce_extract(tmp_path_factory.mktemp("salesforce") / "extract").folder
    write_csv(folder / "campaign_members.csv", [["campaign_id", "person_id", "has_responded"], ["CMP2", "C2", "true"]])
    return built("salesforce", folder)


@pytest.fixture(scope="module")
def hubspot_run() -> tuple[duckdb.DuckDBPyConnection, dict[str, set[str]]]:
    return built("hubspot", crm_export("fivetran-hubspot-seeds"))


@pytest.fixture(scope="module")
def mapping_run() -> tuple[duckdb.DuckDBPyConnection, dict[str, set[str]]]:
    return built("mapping", EXAMPLES / "other-crm", EXAMPLES / "mapping-example.yaml")


def built(format: str, folder: Path, mapping: Path | None = None) -> tuple[duckdb.DuckDBPyConnection,
                                                                          dict[str, set[str]]]:
    """An adapter's build of `folder` on a connection of its own, and the columns of each table a transform wrote,
    taken as the transform ran."""
    con = duckdb.connect()
    install_macros(con)
    written: dict[str, set[str]] = {}
    run_transform = adapters.run_transform

    def recording(con, file, params=None):
        run_transform(con, file, params)
        written[file.name] = columns_of(con, "SELECT * FROM " + sqlfiles.quote(file.writes[0]))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(adapters, "run_transform", recording)
        patch.setattr(salesforce, "run_transform", recording)
        run = AdapterRun()
        adapter_for(format, mapping).build(con, collect_files([folder]), run)
    assert not run.has_errors, [p.message() for p in run.problems]
    return con, written


def columns_of(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> set[str]:
    return {column[0] for column in con.execute(sql, params).description}


@pytest.mark.parametrize("format", FORMATS)
def test_every_column_a_transform_gives_is_described_and_nothing_more(format, request):
    con, written = request.getfixturevalue(f"{format}_run")
    steps = transforms(format)
    for file in steps.values():
        if file.name not in written:  # an alternative this build did not choose, or a check: its query alone
            for table in file.reads:  # a table the build took as it was (renamed) or dropped, made again
                if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = $t", {"t": table}
                                   ).fetchall()[0][0]:
                    adapters.run_transform(con, next(step for step in steps.values() if step.writes == (table,)))
            written[file.name] = columns_of(con, file.sql)
        assert written[file.name] == set(file.columns), file.path.name


def test_the_salesforce_build_ran_each_step_that_writes_a_canonical_table(salesforce_run):
    _, written = salesforce_run
    assert {name for name in written if name.startswith("canon_")} == {
        file.name for file in transforms("salesforce").values() if file.name.startswith("canon_")}


@pytest.mark.parametrize("format", FORMATS)
def test_a_canonical_table_a_transform_writes_has_its_contract_s_columns_and_lineage(format):
    for file in transforms(format).values():
        if file.writes and file.writes[0].startswith("canon_"):
            contract = schema.TABLES[file.writes[0].removeprefix("canon_")]
            assert set(file.columns) == {"_file", "_row", *schema.column_names(contract)}, file.path.name


def test_the_mapping_files_lifecycle_dates_become_events_of_every_stage():
    sql = transforms("mapping")["canon_lifecycle_events"].sql
    for stage in schema.STAGES:
        assert f"'{stage}' AS stage, {stage}_at AS occurred_at" in sql
        assert f"{stage}_reason AS reason" in sql


def test_hubspot_s_reports_give_the_rows_they_describe(hubspot_run):
    con, _ = hubspot_run
    for audit in sqlfiles.folder(sqlfiles.IMPORT_SQL_DIR / "hubspot" / "audits", "audit").values():
        assert columns_of(con, audit.sql) == set(audit.columns), audit.path.name
        # a row left out is named by its file and row, then the value the warning shows
        assert list(audit.columns)[:2] == ["_file", "_row"] and len(audit.columns) == 3, audit.path.name


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory, new_salesforce_extract) -> Path:
    folder = new_salesforce_extract(tmp_path_factory.mktemp("audits") / "extract").folder
    db = folder.parent / "warehouse.duckdb"
    import_extracts([folder], db_path=db, user="test")
    return db


def test_every_audit_gives_the_columns_it_describes(small_warehouse):
    reader = warehouse.open_reader(small_warehouse)
    try:
        for audit in quality.AUDITS:
            assert columns_of(reader.cursor(), audit.sql) == set(audit.columns), audit.path.name
    finally:
        reader.close()


def test_an_audit_the_import_warns_about_finds_rows_by_the_key_of_the_table_it_reads_first():
    assert quality.IMPORT_FINDINGS
    for audit in quality.IMPORT_FINDINGS:
        table = schema.TABLES[audit.reads[0]]
        assert audit.import_warning in schema.column_names(table)
        assert set(table.key) <= set(audit.columns), audit.path.name
