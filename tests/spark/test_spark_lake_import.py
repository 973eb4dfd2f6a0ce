"""The import on Spark writes a lake snapshot equal, table by table, to the DuckDB import of the same extract, and
refuses a bad file in the same words, keeping the snapshot in force."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from alignment import lake, sqlfiles, warehouse
from alignment.ingest import load, spark_import
from alignment.ingest.problems import ImportRejected

pytestmark = pytest.mark.spark

CHANGES_EVERY_RUN = {"_import": ("imported_at",)}
"""Columns that differ between any two imports of the same files: when each ran."""


@pytest.fixture(scope="module")
def spark():
    from alignment import spark_engine

    return spark_engine.session("local[2]")  # the test run's one session (getOrCreate)


@pytest.fixture(scope="module")
def both(spark, new_salesforce_extract, tmp_path_factory):
    """The hand-made extract imported on DuckDB into a warehouse file and on Spark into a lake."""
    folder = tmp_path_factory.mktemp("spark-import")
    extract = new_salesforce_extract(folder / "extract")
    db_path = folder / "warehouse.duckdb"
    on_duckdb = load.import_extracts([extract.folder], db_path=db_path, user="tester")
    on_spark = spark_import.import_to_lake([extract.folder], lake_dir=folder / "lake", spark=spark, user="tester")
    return db_path, folder / "lake", on_duckdb, on_spark, extract


def _content(con: duckdb.DuckDBPyConnection, relation: str, columns: list[tuple[str, str]], skip: tuple[str, ...]):
    """(rows, hash sum) of a relation over the columns kept; a list is compared sorted (each is a set: the moments of
    a person's touches), since neither engine promises an order inside one."""
    kept = [("list_sort(" + sqlfiles.quote(c) + ")" if kind.endswith("[]") else sqlfiles.quote(c))
            for c, kind in columns if c not in skip]
    return con.execute("SELECT count(*), sum(hash(" + ", ".join(kept) + ")::HUGEINT) FROM " + relation).fetchone()


def test_the_spark_import_equals_the_duckdb_import_table_by_table(both):
    db_path, lake_dir, on_duckdb, on_spark, _ = both
    assert on_spark.tables == on_duckdb.tables
    assert [p.message() for p in on_spark.warnings] == [p.message() for p in on_duckdb.warnings]
    assert on_spark.data_fingerprint == on_duckdb.data_fingerprint
    manifest = lake.read_manifest(str(lake_dir))
    assert manifest.written_by == "spark"
    folder = Path(lake.snapshot_location(str(lake_dir), manifest))
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(sqlfiles.query("attach_warehouse"), {"path": str(db_path)})
    con.execute(sqlfiles.use("warehouse"))
    tables = [row[0] for row in con.execute(sqlfiles.query("warehouse_tables")).fetchall()]
    assert sorted(manifest.tables) == sorted(tables)
    for table in tables:
        columns = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'warehouse' "
                              "AND table_name = $t ORDER BY column_index", {"t": table}).fetchall()
        on_lake = [tuple(row[:2]) for row in con.execute("DESCRIBE SELECT * FROM read_parquet($p)",
                                                         {"p": str(folder / f"{table}.parquet")}).fetchall()]
        assert on_lake == columns, f"{table}: the lake's columns and types are the warehouse's"
        skip = CHANGES_EVERY_RUN.get(table, ())
        con.execute("SET VARIABLE lake_table = $p", {"p": str(folder / f"{table}.parquet")})
        parquet = "read_parquet(getvariable('lake_table'))"
        assert _content(con, parquet, columns, skip) == _content(con, sqlfiles.quote(table), columns, skip), table
    con.close()


def test_the_lake_reads_like_the_warehouse(both):
    db_path, lake_dir, *_ = both
    on_file, on_lake = warehouse.Reader(db_path), warehouse.Reader(lake_dir)
    try:
        assert warehouse.table_counts(on_lake) == warehouse.table_counts(on_file)
        assert warehouse.dataset_info(on_lake).data_fingerprint == warehouse.dataset_info(on_file).data_fingerprint
    finally:
        on_file.close()
        on_lake.close()


def test_a_bad_file_is_refused_on_spark_in_the_same_words_and_the_snapshot_is_kept(both, spark, tmp_path):
    db_path, lake_dir, _, _, extract = both
    before = (lake_dir / lake.MANIFEST).read_bytes()
    snapshots = sorted(p.name for p in (lake_dir / lake.SNAPSHOTS).iterdir())
    bad = type(extract)(tmp_path / "bad")
    bad.folder.mkdir()
    for file in extract.folder.iterdir():
        bad.write(file.name, extract.rows(file.name))
    bad.write("Account.csv", bad.rows("Account.csv") + [bad.rows("Account.csv")[1]])  # A1 twice

    with pytest.raises(ImportRejected) as on_duckdb:
        load.import_extracts([bad.folder], db_path=tmp_path / "refused.duckdb", user="tester")
    with pytest.raises(ImportRejected) as on_spark:
        spark_import.import_to_lake([bad.folder], lake_dir=lake_dir, spark=spark, user="tester")
    assert str(on_spark.value) == str(on_duckdb.value)
    assert "Account.csv, column 'Id': duplicate account_id: each must appear once" in str(on_spark.value)
    assert "row 2 'A1', row 5 'A1'" in str(on_spark.value)
    assert (lake_dir / lake.MANIFEST).read_bytes() == before
    assert sorted(p.name for p in (lake_dir / lake.SNAPSHOTS).iterdir()) == snapshots
    assert not list(lake_dir.glob("staging-*"))
