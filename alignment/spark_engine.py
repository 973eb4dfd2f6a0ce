"""The catalog, the funnel and attribution on a Spark session (ALIGNMENT_ENGINE=spark), reading the tables as views."""

from __future__ import annotations

import atexit
import datetime as dt
import decimal
import functools
import logging
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import pandas as pd

from alignment import spark_sql

ENGINE_ENV = "ALIGNMENT_ENGINE"
SPARK_ENV = "ALIGNMENT_SPARK"
ENGINES = ("duckdb", "spark")
LOCAL_MASTER = re.compile(r"^local(\[(\d+|\*)\])?$")
CONNECT_URL = re.compile(r"^sc://[A-Za-z0-9.\-]+(:\d{1,5})?(/.*)?$")
# What a session is given, here and in the tests: a small driver, two shuffle partitions (the data is one machine's),
# no UI, instants in UTC as the warehouse holds them, and Parquet timestamps read as instants.
SESSION_CONF = {
    "spark.sql.shuffle.partitions": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.memory": "2g",
    "spark.sql.parquet.inferTimestampNTZ.enabled": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


class SparkUnavailable(RuntimeError):
    """No Spark session could be had from the setting; the message says what to write instead."""


def engine() -> str:
    """The engine the catalog runs on: duckdb (the default, and always the dashboard's) or spark."""
    chosen = (os.environ.get(ENGINE_ENV) or "duckdb").strip().lower()
    if chosen not in ENGINES:
        raise SparkUnavailable(f"{ENGINE_ENV}={chosen!r} is not an engine; write duckdb (the default) or spark")
    return chosen


def session(url: str | None = None):
    """A Spark session for `url` (else $ALIGNMENT_SPARK): `local[N]` starts one in this process (Java 17 needed),
    `sc://host:port` connects to a Spark Connect server. A wrong setting or an unreachable server is a
    SparkUnavailable saying so, never Java's stack trace."""
    url = (url if url is not None else os.environ.get(SPARK_ENV, "")).strip()
    if not (LOCAL_MASTER.match(url) or CONNECT_URL.match(url)):
        raise SparkUnavailable(f"{SPARK_ENV}={url!r} is neither a local session (local[2]) nor a Spark Connect URL "
                               "(sc://host:15002); write one of them")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailable("pyspark is not installed; install the pinned requirements (pip install -r "
                               "requirements.txt)") from None
    try:
        if url.startswith("sc://"):
            builder = SparkSession.builder.remote(url)
        else:
            builder = SparkSession.builder.master(url).appName("alignment")
            for key, value in SESSION_CONF.items():
                builder = builder.config(key, value)
        spark = builder.getOrCreate()
        if not url.startswith("sc://"):
            spark.sparkContext.setLogLevel("OFF")  # a refused query is raised to the caller, not logged beside it
        logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
        if url.startswith("sc://"):
            for key, value in SESSION_CONF.items():
                if key.startswith("spark.sql."):
                    spark.conf.set(key, value)
        spark.range(1).collect()  # a Connect session only dials out on its first query
        return spark
    except Exception as error:  # noqa: BLE001 — whatever Java, gRPC or pyspark raise, the user gets one sentence
        first = (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
        raise SparkUnavailable(f"no Spark session at {url} ({first}); check {SPARK_ENV}, that the server is up "
                               "(Spark Connect) or that Java 17 is installed (local)") from None


def table_paths(folder: Path) -> dict[str, Path]:
    """The tables of a folder of Parquet: <table>.parquet files, or <table> folders of Parquet parts."""
    folder = Path(folder)
    paths = {path.stem: path for path in folder.glob("*.parquet")}
    paths.update({path.name: path for path in folder.iterdir()
                  if path.is_dir() and any(path.glob("*.parquet")) and path.name not in paths})
    return dict(sorted(paths.items()))


def register_tables(spark, folder: Path) -> list[str]:
    """Every table of a Parquet folder (table_paths) as a temporary view of its name; the names registered."""
    paths = table_paths(folder)
    if not paths:
        raise FileNotFoundError(f"no tables in {folder}: it holds no <table>.parquet file nor <table>/ folder")
    for table, path in paths.items():
        spark.read.parquet(str(_visible(path))).createOrReplaceTempView(table)
    return list(paths)


def _visible(path: Path) -> Path:
    """A path Spark reads: Spark (like Hadoop) passes over a file whose name starts with '_', as a lake snapshot's
    metadata tables' do (_calendar.parquet), so such a file is read through a link of another name made for this
    process."""
    if not (path.is_file() and path.name.startswith("_")):
        return path
    folder = Path(tempfile.mkdtemp(prefix="alignment-spark-links-"))
    atexit.register(shutil.rmtree, folder, True)
    link = folder / ("t" + path.name)
    link.symlink_to(path.resolve())
    return link


def write_tables(cursor: Any, folder: Path) -> list[str]:
    """Every table of a DuckDB connection's database written to <folder>/<table>/part-0.parquet (what
    register_tables reads: a folder per table, since Spark skips a file whose name starts with '_', as _currency's
    does); the names written."""
    folder = Path(folder)
    tables = list(spark_sql.schema_of(cursor))
    for table in tables:
        (folder / table).mkdir(parents=True, exist_ok=True)
        cursor.table(table).write_parquet(str(folder / table / "part-0.parquet"))
    return tables


@functools.cache
def canonical_schema() -> dict[str, dict[str, str]]:
    """The columns and types every warehouse holds: the canonical tables (alignment/schema.py) and the derived ones
    (sql/derived), read from an empty warehouse built in memory."""
    import duckdb

    from alignment import warehouse

    con = duckdb.connect(":memory:")
    try:
        warehouse._add_missing_tables(con)
        warehouse.create_views(con)
        return spark_sql.schema_of(con)
    finally:
        con.close()


def _argument(value: Any):
    """A bound value as Spark takes it: a list as an array, a row of a list as a struct; instants and days as their
    ISO text (the compiled SQL casts each parameter to its type, in the session's UTC)."""
    from pyspark.sql import functions as F

    if isinstance(value, (list, tuple)):
        return F.array(*[_argument(item) for item in value])
    if isinstance(value, dict):
        return F.struct(*[_argument(item).alias(key) for key, item in value.items()])
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return F.lit(value)


def _plain_frame(frame: pd.DataFrame, dates: list[str]) -> pd.DataFrame:
    """Decimals as floats, days and instants as datetime64[us], as DuckDB hands them over."""
    for column in dates:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
    for column in frame.columns:
        if frame[column].dtype == object and frame[column].map(lambda v: isinstance(v, decimal.Decimal)).any():
            frame[column] = frame[column].map(lambda v: None if v is None else float(v)).astype("float64")
    return frame


class SparkSource:
    """What the catalog reads when it runs on Spark: a session whose tables (or temporary views) are the warehouse's.

    Each headed file's query is compiled once (spark_sql) and run with its parameters bound by name.
    """

    def __init__(self, spark, schema: dict[str, dict[str, str]] | None = None):
        self.spark = spark
        self.schema = schema or canonical_schema()
        self._compiled: dict[str, str] = {}
        self._lock = threading.Lock()

    def compiled(self, sql: str, where: str) -> str:
        with self._lock:
            if sql not in self._compiled:
                self._compiled[sql] = spark_sql.to_spark(sql, where, self.schema)
            return self._compiled[sql]

    def run_file(self, sql: str, where: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """A headed file's query (DuckDB's dialect, $parameters) run on Spark, as a pandas frame."""
        text = self.compiled(sql, where)
        used = spark_sql.parameters(sql)
        args = {name: _argument(value) for name, value in (params or {}).items() if name in used}
        result = self.spark.sql(text, args=args)
        dates = [field.name for field in result.schema.fields
                 if field.dataType.typeName() in ("date", "timestamp", "timestamp_ntz")]
        return _plain_frame(result.toPandas(), dates)


LAKE_ENV = "ALIGNMENT_LAKE"
_SOURCES: dict[str, SparkSource] = {}
_SOURCES_LOCK = threading.Lock()


def source_for(reader: Any, url: str | None = None) -> Any:
    """What the catalog should read for a warehouse Reader: the reader itself on DuckDB (the default); on Spark, a
    source whose views are the tables of $ALIGNMENT_LAKE's current snapshot when it is set (a local lake), else the
    warehouse's own tables written to a temporary Parquet folder for this process."""
    if engine() == "duckdb":
        return reader
    spark = session(url)
    lake = os.environ.get(LAKE_ENV, "").strip()
    key = lake or str(getattr(reader, "path", id(reader)))
    with _SOURCES_LOCK:
        if key not in _SOURCES:
            if lake:
                from alignment import lake as lakes

                register_tables(spark, Path(lakes.snapshot_location(lake, lakes.read_manifest(lake))))
            else:
                folder = Path(tempfile.mkdtemp(prefix="alignment-spark-"))
                atexit.register(shutil.rmtree, folder, True)
                cursor = reader.cursor()
                try:
                    write_tables(cursor, folder)
                finally:
                    cursor.close()
                register_tables(spark, folder)
            _SOURCES[key] = SparkSource(spark)
        return _SOURCES[key]
