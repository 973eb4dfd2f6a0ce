"""The import on Spark: each extract parsed and checked as the DuckDB import does, then the reference checks, the
canonical and the derived tables run on Spark from the same SQL, written as a new lake snapshot made current last."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterable

import duckdb
import sqlglot
from sqlglot import exp

from alignment import currency, lake, schema, spark_engine, spark_sql, sqlfiles, warehouse
from alignment.ingest import load
from alignment.ingest.adapters import AdapterRun, Progress, drop_source, finish_sources
from alignment.ingest.problems import ImportRejected, Problem
from alignment.ingest.staging import install_macros, materialise
from alignment.periods import CALENDAR_YEAR, FiscalCalendar

META = ("_import", "_import_files", "_checkpoints", "_calendar", "_currency", "_format")
"""What the import writes beside the canonical and derived tables; small, written by DuckDB into the snapshot."""
STAGED_HEADERS = "_staged_headers"


def spark_type(duckdb_type: str) -> str:
    """The Spark type holding a DuckDB type's values as DuckDB reads them back from Parquet: a TIMESTAMP stays a
    wall clock (TIMESTAMP_NTZ), not an instant."""
    built = exp.DataType.build(duckdb_type, dialect="duckdb")
    for node in built.walk():
        if isinstance(node, exp.DataType) and node.this == exp.DType.TIMESTAMP:
            node.set("this", exp.DType.TIMESTAMPNTZ)
    return built.sql(dialect="spark")


def conform(frame, table: str, *, by_position: bool = False):
    """A Spark frame with exactly the contract's columns, in its order and types (`by_position`: the frame's columns
    are the contract's in order, as an INSERT takes them)."""
    from pyspark.sql import functions as F

    if by_position:
        frame = frame.toDF(*spark_engine.canonical_schema()[table])
    return frame.select([F.col(column).cast(spark_type(kind)).alias(column)
                         for column, kind in spark_engine.canonical_schema()[table].items()])


class SparkChecks:
    """What the import's checks take as a connection (execute, then fetchall), running each statement on Spark: the
    DuckDB text with the shared macros expanded, transpiled, its $parameters bound as Spark named parameters, and
    its ORDER BY kept outermost so the first rows named are the same."""

    def __init__(self, spark):
        self.spark = spark
        self._rows: list[tuple] = []

    @staticmethod
    @functools.cache
    def compiled(sql: str) -> str:
        tree = spark_sql.expand(sql, "the import's checks")
        order = tree.args.get("order")
        if order is None:
            return tree.sql(dialect="spark")
        tree.set("order", None)
        keys = []
        for ordered in order.expressions:
            ordered = ordered.copy()
            for column in ordered.find_all(exp.Column):
                column.set("table", None)
            keys.append(ordered)
        outer = exp.select(exp.Star()).from_(exp.Subquery(this=tree, alias=exp.TableAlias(
            this=exp.to_identifier("checked")))).order_by(*keys)
        return outer.sql(dialect="spark")

    def execute(self, sql: str, params: dict | None = None) -> "SparkChecks":
        used = spark_sql.parameters(sql)
        args = {name: spark_engine._argument(value) for name, value in (params or {}).items() if name in used}
        self._rows = [tuple(row) for row in self.spark.sql(self.compiled(sql), args=args).collect()]
        return self

    def fetchall(self) -> list[tuple]:
        return self._rows

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None


def _stage(spark, con: duckdb.DuckDBPyConnection, folder: Path, relations: Iterable[str]) -> None:
    """DuckDB's staged tables handed to Spark as Parquet (a folder the cluster reads), each a temporary view."""
    for name in relations:
        path = folder / (name.lstrip("_") + ".parquet")  # Spark skips files whose names start with _
        lake.write_table(con.table(sqlfiles.quote(name)), path)
        spark.read.parquet(str(path)).createOrReplaceTempView(name)


def _write(frame, table: str, snapshot: Path) -> None:
    frame.write.mode("errorifexists").parquet(str(snapshot / f"{table}.parquet"))


def import_to_lake(paths: list[Path], *, lake_dir: Path, spark_url: str = "local[2]", format: str = "salesforce",
                   mapping: Path | None = None, user: str | None = None, progress: Progress | None = None,
                   roots: Iterable[Path] | None = None, date_format: str | None = None,
                   calendar: FiscalCalendar | None = None,
                   currency_settings: currency.CurrencySettings | None = None,
                   demo_marker: Callable[[str], str] | None = None, spark: Any = None,
                   ledger_beside: Path | None = None) -> load.ImportReport:
    """Validate extracts and load them into a new snapshot of the lake at `lake_dir`, computed on Spark; on any
    problem raise ImportRejected (the same problems, in the same words, as the DuckDB import) and leave the lake's
    current snapshot in force. The snapshot keeps the heads of the sign-off ledger beside `ledger_beside` (the
    warehouse path the dashboard's ledger sits beside; default the lake folder)."""
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    lake_dir = Path(lake_dir)
    user = user or load._default_user()
    report = load.ImportReport(db_path=lake_dir, format=format)
    files = load.collect_files(paths, roots)
    if mapping is not None:
        from alignment.ingest import roots as import_roots

        mapping = import_roots.checked(Path(mapping), import_roots.configured() if roots is None else tuple(roots),
                                       missing="the mapping file was not found")
    if not files:
        raise ImportRejected([Problem(file=", ".join(map(str, paths)) or "(nothing)",
                                      rule="no CSV, XLSX or Parquet files were found to import")])
    adapter = load.adapter_for(format, mapping, date_format)
    previous = lake.current(lake_dir)
    if calendar is None:
        calendar = warehouse.calendar_of(lake_dir) if previous else CALENDAR_YEAR
    if spark is None:
        spark = spark_engine.session(spark_url)
    scratch = Path(tempfile.mkdtemp(prefix="alignment-spark-import-"))
    lake_dir.mkdir(parents=True, exist_ok=True)
    snapshot_id, snapshot = lake.new_snapshot_folder(lake_dir)
    staging = lake_dir / f"staging-{snapshot_id}"
    run = AdapterRun()
    con = duckdb.connect(str(scratch / "staging.duckdb"))
    try:
        # Per file, in Python and DuckDB: parse, check each value, and the adapter's own steps (memberships merged).
        install_macros(con)
        adapter.build(con, files, run, progress)
        finish_sources(con, run)
        for source in run.sources:
            drop_source(con, source)
        if not run.has_errors and not run.sources:
            run.problems.append(Problem(
                file=", ".join(Path(f).name for f in files[:5]) + (" …" if len(files) > 5 else ""),
                rule=f"none of the files was recognised as a {format} extract, so there is nothing to load; "
                     f"if they were exported from another system, import them as {load._other_formats(format)}"))
        checks = SparkChecks(spark)
        if not run.has_errors:
            load._complete_canon(con)
            if progress:
                progress(0.6, "Checking keys and references on Spark")
            staging.mkdir()
            _stage(spark, con, staging, [*("canon_" + t for t in schema.TABLES), STAGED_HEADERS])
            run.problems.extend(load.check_canonical(checks, unique_keys=run.unique_keys))
            if progress:
                progress(0.65, "Checked on Spark")
            chosen, refused = currency.import_problems(con, currency_settings)
            run.problems.extend(refused)
        load.decide(run, report, files, format)

        if progress:
            progress(0.7, "Writing the canonical tables on Spark")
        for model in schema.CANONICAL:
            select = sqlglot.parse_one(materialise(model), read="duckdb").expression
            frame = conform(spark.sql(select.sql(dialect="spark")), model.table, by_position=True)
            _write(frame, model.table, snapshot)
            # As many rows as staged: counted where they were staged rather than in another Spark job.
            report.tables[model.table] = con.execute(sqlfiles.row_count(sqlfiles.quote("canon_" + model.table))
                                                     ).fetchall()[0][0]
            spark.read.parquet(str(snapshot / f"{model.table}.parquet")).createOrReplaceTempView(model.table)
        if progress:
            progress(0.75, "Finding what data quality reports")
        report.warnings += load.findings(checks)
        report.files = [{"file": s.name, "rows": s.rows, "fingerprint": s.fingerprint,
                         "read_as": run.recognised.get(s.name, ""), "assumptions": s.assumptions}
                        for s in run.sources]
        report.data_fingerprint = hashlib.sha256(
            "".join(sorted(f["fingerprint"] for f in report.files)).encode()).hexdigest()
        latest = checks.execute(sqlfiles.query("latest_record_at")).fetchall()[0][0]
        warehouse.write_meta(con, imported_at=started_at, imported_by=user, source_format=format,
                             data_fingerprint=report.data_fingerprint, files=report.files,
                             warnings=[p.message() for p in report.warnings],
                             demo_mark=demo_marker(report.data_fingerprint) if demo_marker else None,
                             checkpoints=load._checkpoints(Path(ledger_beside or lake_dir)), calendar=calendar,
                             latest_record_at=latest)
        currency.record(con, chosen)
        con.execute(sqlfiles.query("record_format"), {"version": warehouse.FORMAT_VERSION})
        for table in META:
            lake.write_table(con.table(sqlfiles.quote(table)), snapshot / f"{table}.parquet")
        _stage(spark, con, staging, ("_currency", "_calendar"))

        if progress:
            progress(0.85, "Building the derived tables on Spark")
        for derived in sqlfiles.in_dependency_order(sqlfiles.folder(warehouse.DERIVED_DIR, "derived")):
            text = spark_sql.to_spark(derived.sql, f"sql/derived/{derived.name}.sql", spark_engine.canonical_schema())
            _write(conform(spark.sql(text), derived.name), derived.name, snapshot)
            spark.read.parquet(str(snapshot / f"{derived.name}.parquet")).createOrReplaceTempView(derived.name)
        manifest = lake.commit(lake_dir, snapshot_id, [*schema.TABLES, *sqlfiles.folder(
            warehouse.DERIVED_DIR, "derived"), *META], format_version=warehouse.FORMAT_VERSION, written_by="spark")
        report.seconds = time.perf_counter() - started
        if progress:
            progress(1.0, f"Snapshot {manifest.snapshot} is current")
        return report
    except BaseException:
        lake.abandon(snapshot)
        raise
    finally:
        con.close()
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)
