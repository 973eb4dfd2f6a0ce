"""The headed SQL files outside the catalog say what they are: each header's `reads:` names exactly the tables and
macros its SQL reads (the order derived tables and macros are created in follows them), and its columns are the ones
the SQL returns, in order."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3

import pytest
from metric_fixtures import Company

from alignment import attribution, catalog, macros, schema, signoff, sqlfiles, warehouse

DERIVED = sqlfiles.folder(sqlfiles.SQL_DIR / "derived", "derived")
MACROS = macros.files()
QUERIES = sqlfiles.folder(sqlfiles.SQL_DIR / "queries", "query")
SQLITE = sqlfiles.folder(sqlfiles.SQL_DIR / "sqlite", "query")
# The demo's extracts, formatted from its generated rows (src); each run checks their columns against the header's.
DEMO = sqlfiles.folder(sqlfiles.SQL_DIR / "demo", "query")
DEMO_MACROS = sqlfiles.folder(sqlfiles.SQL_DIR / "demo" / "macros", "macro")
META = ("_import", "_checkpoints", "_import_files", "_format", "_currency", "_calendar")
TABLES = set(schema.TABLES) | set(DERIVED) | set(META) | {"imports", "ledger", "src"}
FUNCTIONS = set(MACROS) | set(DEMO_MACROS) | {"duckdb_tables", "duckdb_views", "duckdb_databases", "duckdb_columns"}
# A value for every argument and parameter name the files use, to ask DuckDB what each returns.
SAMPLES = {
    "path": __file__,  # any small text file (read_text: the lake's manifest)
    "use_backfill": True, "q_start": dt.datetime(2026, 4, 1), "q_end": dt.datetime(2026, 7, 1),
    "quarter_start": dt.datetime(2026, 4, 1), "quarter_end": dt.datetime(2026, 7, 1), "window_days": 90,
    "window_start": dt.datetime(2025, 4, 1), "window_end": dt.datetime(2026, 4, 1),
    "quarter_first_day": dt.date(2026, 4, 1), "quarter_end_day": dt.date(2026, 7, 1), "time_zone": "UTC",
    "min_touches": 2, "ready_personas": ["decision_maker"], "split_by": "source_category", "source_names": ["web"],
    "source_categories": ["marketing"], "wanted_region": None, "wanted_segment": None, "region": None,
    "segment": None, "by_account": False, "primary_credit": True, "lookback_hours": 8760, "is_bookings": False,
    "half_life_days": 7.0, "has_decay": True, "has_markov": False,
    "wanted_models": attribution.model_weights(("linear",)), "markov_channels": [""], "markov_effects": [0.0],
    "by_touch": True, "awareness_channels": ["tv"], "channels": ["tv"], "name": "people", "dimension": "region",
    "limit": 10, "quarter": "2026-Q3", "corporate": "USD", "conversion_date": "close_for_bookings", "amount": 10.0,
    "from_currency": "EUR", "on_day": dt.date(2026, 4, 1), "window_start": dt.datetime(2025, 7, 1),
    "window_end": dt.datetime(2026, 7, 1), "backfill": True, "account_id": "A1", "as_of": dt.datetime(2026, 7, 1),
    "walk_end": dt.datetime(2026, 7, 1),
}


def _body(file: sqlfiles.SqlFile) -> str:
    return re.sub(r"--[^\n]*", "", file.sql)


def _read(file: sqlfiles.SqlFile) -> set[str]:
    body = _body(file)
    tables = {name for name in re.findall(r"\b(?:FROM|JOIN)\s+(\w+)\b(?!\s*\()", body, re.IGNORECASE)
              if name in TABLES}
    functions = {name for name in re.findall(r"\b(\w+)\s*\(", body) if name in FUNCTIONS}
    return (tables | functions) - {file.name}


@pytest.mark.parametrize("file", [*DERIVED.values(), *MACROS.values(), *QUERIES.values(), *SQLITE.values(),
                                  *DEMO.values(), *DEMO_MACROS.values()], ids=lambda file: f"{file.kind} {file.name}")
def test_reads_names_exactly_what_the_sql_reads(file):
    written = set(re.findall(r"\b(?:INTO|UPDATE|TABLE)\s+(\w+)", _body(file), re.IGNORECASE))
    updated = set(re.findall(r"\bUPDATE\s+(\w+)", _body(file), re.IGNORECASE)) & TABLES  # an update reads it too
    assert set(file.reads) == (_read(file) - written) | updated
    assert set(file.writes) >= written & TABLES


def test_a_cycle_of_reads_is_refused():
    def macro(name: str, reads: str) -> sqlfiles.SqlFile:
        return sqlfiles.parse(f"-- name: {name}\n-- title: reads {reads}\n-- arguments:\n-- returns: scalar\n"
                              f"-- reads: {reads}\n-- columns:\n{reads}()\n", "macro")

    files = {"a": macro("a", "b"), "b": macro("b", "c"), "c": macro("c", "a")}
    with pytest.raises(ValueError, match="a → b → c → a read each other in a cycle"):
        sqlfiles.in_dependency_order(files)
    files["c"] = macro("c", "d")
    assert [f.name for f in sqlfiles.in_dependency_order(files)] == ["c", "b", "a"]


@pytest.fixture(scope="module")
def con():
    con = Company().connect()
    warehouse.create_meta(con)
    return con


def _columns(con, sql: str, parameters: list[str]) -> list[str]:
    missing = [name for name in parameters if name not in SAMPLES]
    assert not missing, f"add a sample value for {missing} to SAMPLES"
    cursor = catalog.cursor(con)
    try:
        cursor.execute("SELECT * FROM (" + sql + ") LIMIT 0", {name: SAMPLES[name] for name in parameters})
        return [column[0] for column in cursor.description]
    finally:
        cursor.close()


@pytest.mark.parametrize("file", DERIVED.values(), ids=lambda file: file.name)
def test_a_derived_tables_columns_are_its_headers(con, file):
    assert _columns(con, "SELECT * FROM " + sqlfiles.quote(file.name), []) == list(file.columns)


@pytest.mark.parametrize("file", [m for m in MACROS.values() if m.returns == "table"], ids=lambda file: file.name)
def test_a_table_macros_columns_are_its_headers(con, file):
    assert _columns(con, sqlfiles.call(file), list(file.arguments)) == list(file.columns)


@pytest.mark.parametrize("file", [q for q in QUERIES.values() if re.match(r"\s*(SELECT|WITH)\b", q.sql)],
                         ids=lambda file: file.name)
def test_a_querys_columns_are_its_headers(con, file):
    assert _columns(con, file.sql, list(file.parameters)) == list(file.columns)


@pytest.mark.parametrize("file", [q for q in SQLITE.values() if re.match(r"\s*SELECT\b", q.sql)],
                         ids=lambda file: file.name)
def test_a_sqlite_querys_columns_are_its_headers(file):
    con = sqlite3.connect(":memory:")
    for statement in (sqlfiles.sqlite("import_history_table"), *signoff.schema()):
        con.execute(statement)
    cursor = con.execute(file.sql, {name: SAMPLES[name] for name in file.parameters})
    assert [column[0] for column in cursor.description] == list(file.columns)


def test_a_view_takes_only_the_products_own_words_as_literals():
    # Explore's shadows are views, whose text cannot hold a bound value: only fixed words may be written into them.
    assert sqlfiles.constant("(none)") == "'(none)'" and sqlfiles.constant("lead_source") == "'lead_source'"
    for text in ("x' OR '1'='1", "a;b", "it's", ""):
        with pytest.raises(ValueError, match="bind it as a parameter"):
            sqlfiles.constant(text)
    assert sqlfiles.scoped_view("people", '"warehouse"', []) == (
        'CREATE OR REPLACE TEMP VIEW "people" AS SELECT * FROM "warehouse".main."people" t WHERE true')
