"""Every headed file the catalog, the funnel, Explore and attribution run compiles for Spark, and its macro-expanded
DuckDB text gives the catalog's numbers on DuckDB (fast, no Spark)."""

from __future__ import annotations

import pandas as pd
import pytest

from alignment import catalog, explore, macros, spark_engine, spark_sql, sqlfiles, warehouse
from alignment.catalog import Definitions, Filters

# The table macros Python calls by name (attribution, Explore's campaigns), as `SELECT * FROM macro($arguments)`.
CALLED_MACROS = ("attribution_shares", "attribution_campaigns", "attribution_touches", "markov_transitions",
                 "campaign_costs")


def compiled_files() -> dict[str, str]:
    """Every file to compile, by where it lives, with its SQL."""
    files = {f"metrics/{name}.sql": metric.sql for name, metric in catalog.load_catalog().items()}
    files.update({f"sql/derived/{name}.sql": file.sql
                  for name, file in sqlfiles.folder(warehouse.DERIVED_DIR, "derived").items()})
    files.update({f"sql/records/{name}.sql": file.sql for name, file in explore.record_sets().items()})
    files.update({f"sql/macros/{name}.sql": sqlfiles.call(macros.file(name)) for name in CALLED_MACROS})
    files["sql/inputs.sql"] = catalog._inputs()[1]
    for name in ("has_data", "campaign_channels", "influenced_deal_touches"):
        files[f"sql/queries/{name}.sql"] = sqlfiles.query(name)
    return files


def test_every_file_compiles_for_spark():
    schema = spark_engine.canonical_schema()
    failures = []
    for where, sql in compiled_files().items():
        try:
            spark_sql.to_spark(sql, where, schema)
        except spark_sql.CompileError as error:
            failures.append(str(error))
    assert failures == []


def test_a_construct_the_compiler_does_not_know_is_refused_naming_the_file_and_it():
    with pytest.raises(spark_sql.CompileError, match=r"metrics/odd\.sql: list_reverse\(\) has no Spark counterpart"):
        spark_sql.to_spark("SELECT list_reverse([1, 2]) AS value", "metrics/odd.sql", {})


def test_an_unknown_parameter_is_refused_naming_it():
    with pytest.raises(spark_sql.CompileError, match=r"metrics/odd\.sql: the parameter \$mystery"):
        spark_sql.to_spark("SELECT $mystery AS value", "metrics/odd.sql", {})


def test_parameters_stay_bound_by_name_never_pasted():
    text = spark_sql.to_spark(catalog.spec("bookings").sql, "metrics/bookings.sql", spark_engine.canonical_schema())
    assert ":quarter_start" in text and ":region" in text and "$" not in text


def test_a_table_macros_ctes_are_renamed_apart_per_expansion():
    # attribution_shares expands attribution_units, which expands attribution_deals twice (in its own CTE and
    # in eligible_touches): each expansion's CTE `deals` gets its own name
    tree = spark_sql.expand(sqlfiles.call(macros.file("attribution_shares")), "attribution_shares")
    names = [cte.alias for cte in tree.find_all(spark_sql.exp.CTE)]
    assert len(names) == len(set(names)) and sum(name.startswith("deals__") for name in names) == 2


@pytest.mark.parametrize("source, expected", [
    ("SELECT d1 - d2 AS days FROM t", "DATEDIFF"),                      # an interval on Spark, whole days on DuckDB
    ("SELECT (epoch(ts) - epoch(ts)) / 3600.0 AS h FROM t", "UNIX_MICROS"),  # a rounded decimal on Spark
    ("SELECT len(list_distinct(l)) AS n FROM t", "ARRAY_COMPACT"),       # Spark keeps one NULL
    ("SELECT l[i + 1] AS x FROM t", "TRY_ELEMENT_AT"),                  # 1-based from an expression
    ("SELECT list_position(l, 'a') AS p FROM t", "NULLIF(ARRAY_POSITION"),  # 0, not NULL, when absent
])
def test_the_rewrites_that_would_silently_differ_are_made_from_types(source, expected):
    schema = {"t": {"d1": "DATE", "d2": "DATE", "ts": "TIMESTAMP", "l": "VARCHAR[]", "i": "BIGINT"}}
    assert expected in spark_sql.to_spark(source, "metrics/t.sql", schema).upper()


def test_a_date_minus_a_day_count_is_left_a_date():
    schema = {"t": {"d1": "DATE", "n": "BIGINT"}}
    assert "DATEDIFF" not in spark_sql.to_spark("SELECT d1 - n AS d FROM t", "metrics/t.sql", schema).upper()


def _equal(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False,
                                  rtol=1e-9, atol=1e-9)


def test_every_metrics_expanded_sql_gives_the_catalogs_numbers_on_duckdb(reader):
    filters, definitions = Filters(quarter="2026-Q2"), Definitions()
    failures = []
    for name, metric in catalog.load_catalog().items():
        expected = catalog.run(reader, name, filters, definitions)
        cursor = reader.cursor()
        try:
            got = cursor.execute(spark_sql.expanded_duckdb(metric.sql, name),
                                 catalog.bind(metric, filters, definitions)).df()
            _equal(got, expected)
        except (AssertionError, Exception) as error:  # noqa: BLE001 — collect every file that differs
            failures.append(f"metrics/{name}.sql: {str(error).splitlines()[0]}")
        finally:
            cursor.close()
    assert failures == []


@pytest.mark.parametrize("macro", ["attribution_shares", "attribution_touches", "markov_transitions"])
def test_the_attribution_queries_expanded_give_the_same_rows_on_duckdb(reader, macro):
    from alignment import attribution

    options = attribution.AttributionOptions(quarter="2026-Q2")
    models = attribution.RULE_BASED_MODELS if macro == "attribution_shares" else (options.model,)
    params = attribution._parameters(options, models)
    call = sqlfiles.call(macros.file(macro))
    used = spark_sql.parameters(call)
    params = {name: value for name, value in params.items() if name in used}
    cursor = catalog.cursor(reader)
    try:
        expected = cursor.execute(call, params).df()
        got = cursor.execute(spark_sql.expanded_duckdb(call, macro), params).df()
    finally:
        cursor.close()
    assert len(expected) > 0
    _equal(got, expected)


def test_every_derived_tables_expanded_sql_gives_the_stored_rows_on_duckdb(reader):
    failures = []
    for name, file in sqlfiles.folder(warehouse.DERIVED_DIR, "derived").items():
        cursor = reader.cursor()
        try:
            rebuilt, stored = cursor.sql(spark_sql.expanded_duckdb(file.sql, name)), cursor.table(name)
            counts = (len(rebuilt.fetchall()), len(stored.fetchall()))
            apart = (len(rebuilt.except_(stored).fetchall()), len(stored.except_(rebuilt).fetchall()))
        finally:
            cursor.close()
        if counts[1] == 0 or counts[0] != counts[1] or apart != (0, 0):
            failures.append(f"sql/derived/{name}.sql: {counts[0]} rows rebuilt, {counts[1]} stored, {apart} apart")
    assert failures == []
