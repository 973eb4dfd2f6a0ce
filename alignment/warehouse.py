"""The DuckDB warehouse file: read-only snapshots for readers, import metadata, and derived views."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

DEFAULT_DB = Path("data/warehouse.duckdb")
DB_ENV = "ALIGNMENT_DB"


def default_db() -> Path:
    """The warehouse the app and CLI use: $ALIGNMENT_DB, else data/warehouse.duckdb."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)

META_DDL = [
    """CREATE TABLE _import (
         imported_at TIMESTAMP, imported_by VARCHAR, source_format VARCHAR, data_fingerprint VARCHAR,
         latest_record_at TIMESTAMP, warnings VARCHAR[])""",
    """CREATE TABLE _import_files (file VARCHAR, rows BIGINT, fingerprint VARCHAR, read_as VARCHAR,
                                   assumptions VARCHAR[])""",
]

# The latest moment any record describes: the data's "as of" for cohorts and freshness.
LATEST_RECORD_SQL = """
SELECT max(t) FROM (
  SELECT max(created_at) AS t FROM people UNION ALL SELECT max(occurred_at) FROM lifecycle_events
  UNION ALL SELECT max(created_at) FROM opportunities UNION ALL SELECT max(occurred_at) FROM sales_activities
  UNION ALL SELECT max(first_responded_at) FROM campaign_members)
"""


@dataclass(frozen=True)
class DatasetInfo:
    """Where the loaded data came from and how fresh it is (shown on every page)."""

    imported_at: dt.datetime
    imported_by: str
    source_format: str
    data_fingerprint: str
    latest_record_at: dt.datetime | None
    files: list[dict]
    warnings: list[str]


def identity(db_path: Path) -> tuple[int, int, int] | None:
    """(inode, modification time, size) of the warehouse file: changes whenever an import swaps a new one in."""
    try:
        stat = os.stat(db_path)
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


class Reader:
    """A read-only view of the warehouse file as it was when opened; safe to share, one cursor per query.

    The file is attached to a fresh in-memory database rather than opened directly: DuckDB keeps one instance per
    path inside a process, so opening the path again after an import swapped the file would return the old data.
    """

    def __init__(self, db_path: Path = DEFAULT_DB):
        self.path = Path(db_path)
        if not self.path.exists():
            raise FileNotFoundError(f"no warehouse at {self.path}; import data or build the demo company first")
        self.identity = identity(self.path)
        self._con = duckdb.connect(":memory:")
        self._con.execute("SET TimeZone = 'UTC'")
        self._con.execute("ATTACH $path AS warehouse (READ_ONLY)", {"path": str(self.path)})

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own (DuckDB connections must not be shared across threads) reading the warehouse."""
        cursor = self._con.cursor()
        cursor.execute("SET TimeZone = 'UTC'")
        cursor.execute("USE warehouse")
        return cursor

    def execute(self, sql: str, params: dict | list | None = None) -> duckdb.DuckDBPyConnection:
        """Run one statement on a fresh cursor."""
        return self.cursor().execute(sql, params)

    def close(self) -> None:
        self._con.close()


def open_reader(db_path: Path = DEFAULT_DB) -> Reader:
    """A read-only view of the warehouse as it is now."""
    return Reader(db_path)


def write_meta(con: duckdb.DuckDBPyConnection, *, imported_at: dt.datetime, imported_by: str, source_format: str,
               data_fingerprint: str, files: list[dict], warnings: list[str]) -> None:
    for statement in META_DDL:
        con.execute(statement)
    latest = con.execute(LATEST_RECORD_SQL).fetchall()[0][0]
    con.execute("INSERT INTO _import VALUES ($at, $by, $format, $fingerprint, $latest, $warnings)", {
        "at": imported_at, "by": imported_by, "format": source_format, "fingerprint": data_fingerprint,
        "latest": latest, "warnings": warnings})
    con.executemany("INSERT INTO _import_files VALUES (?, ?, ?, ?, ?)", [
        (f["file"], f["rows"], f["fingerprint"], f.get("read_as", ""), list(f.get("assumptions", []))) for f in files
    ])


def dataset_info(con: duckdb.DuckDBPyConnection) -> DatasetInfo:
    cursor = con.cursor()
    row = cursor.execute("SELECT * FROM _import").fetchall()[0]
    files = cursor.execute("SELECT * FROM _import_files ORDER BY file").fetchall()
    return DatasetInfo(
        imported_at=row[0], imported_by=row[1], source_format=row[2], data_fingerprint=row[3],
        latest_record_at=row[4], warnings=list(row[5] or []),
        files=[{"file": f[0], "rows": f[1], "fingerprint": f[2], "read_as": f[3], "assumptions": list(f[4] or [])}
               for f in files],
    )


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    from alignment import schema

    cursor = con.cursor()
    return {t: cursor.execute("SELECT count(*) FROM " + t).fetchall()[0][0] for t in schema.TABLES}


def distinct_values(con: duckdb.DuckDBPyConnection, dimension: str) -> list[str]:
    """Values offered by the filter bar (whitelisted dimensions only)."""
    sql = FILTER_DIMENSIONS[dimension]
    return [r[0] for r in con.cursor().execute(sql).fetchall() if r[0] is not None]


FILTER_DIMENSIONS = {
    "region": "SELECT DISTINCT region FROM accounts WHERE region IS NOT NULL ORDER BY 1",
    "segment": "SELECT DISTINCT segment FROM accounts WHERE segment IS NOT NULL ORDER BY 1",
}


def data_span(con: duckdb.DuckDBPyConnection) -> tuple[dt.datetime | None, dt.datetime | None]:
    """First and last moment the data covers (people created, deals created)."""
    row = con.cursor().execute(
        "SELECT least(min(p.first), min(o.first)), greatest(max(p.last), max(o.last)) FROM "
        "(SELECT min(created_at) AS first, max(created_at) AS last FROM people) p, "
        "(SELECT min(created_at) AS first, max(created_at) AS last FROM opportunities) o"
    ).fetchall()[0]
    return row[0], row[1]


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Derived views stored in the warehouse (the metric catalog reads these)."""
    for statement in VIEWS:
        con.execute(statement)


VIEWS: list[str] = [
    # A responded campaign membership is a touch, at its first response (else when the person was added).
    """CREATE OR REPLACE VIEW touches AS
       SELECT m.campaign_id, m.person_id, coalesce(m.first_responded_at, m.created_at) AS touch_at,
              c.channel, c.funnel_role
       FROM campaign_members m JOIN campaigns c USING (campaign_id)
       WHERE m.has_responded""",
]
