"""The DuckDB warehouse file: read-only snapshots for readers, import metadata, and derived views."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

DEFAULT_DB = Path("data/warehouse.duckdb")
FORMAT_VERSION = 5
"""Version of what an import writes beside the canonical tables (derived tables, metadata); bump on any change."""
DB_ENV = "ALIGNMENT_DB"


def default_db() -> Path:
    """The warehouse the app and CLI use: $ALIGNMENT_DB, else data/warehouse.duckdb."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)

META_DDL = [
    # demo_mark: set only by the demo builder (alignment.demo), an authentication of the data fingerprint under the
    # server key; every other import leaves it empty, whoever runs it.
    """CREATE TABLE _import (
         imported_at TIMESTAMP, imported_by VARCHAR, source_format VARCHAR, data_fingerprint VARCHAR,
         latest_record_at TIMESTAMP, warnings VARCHAR[], demo_mark VARCHAR)""",
    # The sign-off ledger's latest record per quarter when this warehouse was imported (alignment.signoff), carried
    # from one import to the next: a copy of the heads outside the ledger file.
    """CREATE TABLE _checkpoints (quarter VARCHAR, position BIGINT, head VARCHAR, checkpointed_at VARCHAR,
                                  mac VARCHAR)""",
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
    demo_mark: str | None = None

    @property
    def is_demo(self) -> bool:
        """Whether the loaded data is the demo company: only the demo builder marks it so, whoever imported it."""
        from alignment import demo

        return demo.is_marked(self)


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
               data_fingerprint: str, files: list[dict], warnings: list[str], demo_mark: str | None = None,
               checkpoints: list[tuple] = ()) -> None:
    for statement in META_DDL:
        con.execute(statement)
    latest = con.execute(LATEST_RECORD_SQL).fetchall()[0][0]
    con.execute("INSERT INTO _import VALUES ($at, $by, $format, $fingerprint, $latest, $warnings, $demo_mark)", {
        "at": imported_at, "by": imported_by, "format": source_format, "fingerprint": data_fingerprint,
        "latest": latest, "warnings": warnings, "demo_mark": demo_mark})
    if checkpoints:
        con.executemany("INSERT INTO _checkpoints VALUES (?, ?, ?, ?, ?)", list(checkpoints))
    rows = [(f["file"], f["rows"], f["fingerprint"], f.get("read_as", ""), list(f.get("assumptions", [])))
            for f in files]
    if rows:
        con.executemany("INSERT INTO _import_files VALUES (?, ?, ?, ?, ?)", rows)


def _has_table(cursor: duckdb.DuckDBPyConnection, name: str) -> bool:
    return cursor.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                          "AND table_name = $name", {"name": name}).fetchall()[0][0] > 0


def dataset_info(con: duckdb.DuckDBPyConnection) -> DatasetInfo:
    cursor = con.cursor()
    row = cursor.execute("SELECT * FROM _import").fetchall()[0]
    files = cursor.execute("SELECT * FROM _import_files ORDER BY file").fetchall()
    return DatasetInfo(
        imported_at=row[0], imported_by=row[1], source_format=row[2], data_fingerprint=row[3],
        latest_record_at=row[4], warnings=list(row[5] or []),
        demo_mark=row[6] if len(row) > 6 else None,  # warehouses written before the mark existed are not the demo
        files=[{"file": f[0], "rows": f[1], "fingerprint": f[2], "read_as": f[3], "assumptions": list(f[4] or [])}
               for f in files],
    )


def checkpoints(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The ledger heads this warehouse was imported with: (quarter, position, head, checkpointed_at, mac) rows."""
    cursor = con.cursor()
    if not _has_table(cursor, "_checkpoints"):
        return []
    return cursor.execute("SELECT quarter, position, head, checkpointed_at, mac FROM _checkpoints "
                          "ORDER BY quarter, position").fetchall()


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


def format_version(reader: Reader) -> int:
    """The format a warehouse file was written in (0: before versions were recorded)."""
    cursor = reader.cursor()
    found = cursor.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'warehouse' "
                           "AND table_name = '_format'").fetchall()[0][0]
    return cursor.execute("SELECT max(version) FROM _format").fetchall()[0][0] if found else 0


def upgrade(db_path: Path) -> bool:
    """Bring a warehouse written by an earlier version up to date, atomically; True when it had to.

    The canonical tables are kept as they are; the derived tables are rebuilt from them in a copy of the file,
    which is then swapped in like an import, so readers see the old or the new file whole.
    """
    import shutil
    import uuid

    db_path = Path(db_path)
    reader = Reader(db_path)
    try:
        if format_version(reader) >= FORMAT_VERSION:
            return False
    finally:
        reader.close()
    building = db_path.with_name(f".{db_path.name}.{uuid.uuid4().hex[:8]}.upgrading")
    try:
        shutil.copyfile(db_path, building)
        con = duckdb.connect(str(building))
        try:
            con.execute("SET enable_progress_bar = false")
            con.execute("SET TimeZone = 'UTC'")
            # Earlier formats kept some derived tables as views of the same names.
            for (view,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall():
                con.execute('DROP VIEW "' + view.replace('"', '""') + '"')
            _add_missing_tables(con)
            create_views(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(building, db_path)
    finally:
        building.unlink(missing_ok=True)
    return True


def _add_missing_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Canonical tables added in later versions (stage_counts), empty, so every metric finds what it reads."""
    from alignment import schema

    cursor = con.cursor()
    for model in schema.CANONICAL:
        if not _has_table(cursor, model.table):
            con.execute(schema.create_table_sql(model))


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Derived tables stored in the warehouse, computed once per import (the metric catalog reads these).

    Only what no charter option changes is precomputed: recorded and back-filled stage dates side by side, the first
    follow-up after either possible mql date, each person's first touch and responded-touch times, each deal's
    resolved source text. Maps, SLA hours, the stage policy and the interest window stay bound parameters applied at
    query time (alignment.macros).
    """
    from alignment import names, sqlfiles

    con.execute(names.sql_macro(temporary=True))
    for derived in sqlfiles.folder(sqlfiles.SQL_DIR / "derived", "derived").values():
        con.execute(sqlfiles.create_table(derived))
    for statement in VIEWS:
        con.execute(statement)
    con.execute("CREATE OR REPLACE TABLE _format AS SELECT $version AS version", {"version": FORMAT_VERSION})


VIEWS: list[str] = [
    # §4.1/§4.8: one row per person with the date each waterfall stage was recorded (`*_recorded_at`), the dates
    # back-filled from the next stage reached (whole chain, won included), and the first sales activity at or after
    # each of the two possible mql dates (§4.2); the stage policy picks a column at query time. Also the person's
    # touches (§4.4): the campaign of the first (ties by campaign id), whose role the charter's channel map decides
    # at query time, and all their times, so that the interest test (§4.5, window from the charter) is a lookup.
    """CREATE OR REPLACE TABLE person_stage_dates AS
       WITH lifecycle AS (
         SELECT person_id,
                min(occurred_at) FILTER (WHERE stage = 'mql') AS mql_recorded_at,
                min(occurred_at) FILTER (WHERE stage = 'sal') AS sal_recorded_at,
                min(occurred_at) FILTER (WHERE stage = 'sql') AS sql_recorded_at,
                min(occurred_at) FILTER (WHERE stage = 'rejected') AS rejected_at,
                arg_min(reason, occurred_at) FILTER (WHERE stage = 'rejected') AS rejection_reason,
                min(occurred_at) FILTER (WHERE stage = 'disqualified') AS disqualified_at,
                arg_min(reason, occurred_at) FILTER (WHERE stage = 'disqualified') AS disqualification_reason
         FROM lifecycle_events GROUP BY person_id),
       person_deals AS (
         SELECT person_id, converted_opportunity_id AS opportunity_id FROM people
         WHERE converted_opportunity_id IS NOT NULL
         UNION
         SELECT person_id, opportunity_id FROM opportunity_contacts),
       deal_dates AS (
         SELECT d.person_id, min(o.created_at) AS opportunity_recorded_at,
                min(CAST(o.close_date AS TIMESTAMP)) FILTER (WHERE o.is_won) AS won_recorded_at
         FROM person_deals d JOIN opportunities o USING (opportunity_id) GROUP BY d.person_id),
       recorded AS (
         SELECT p.person_id, p.kind, p.account_id, a.region, a.segment,
                coalesce(a.is_target_account, false) AS is_target_account, p.owner_id,
                name_key(p.persona) AS persona,
                p.lead_source, p.created_at AS inquiry_at,
                l.mql_recorded_at, l.sal_recorded_at, l.sql_recorded_at,
                d.opportunity_recorded_at, d.won_recorded_at,
                l.rejected_at, l.rejection_reason, l.disqualified_at, l.disqualification_reason
         FROM people p
         LEFT JOIN accounts a ON a.account_id = p.account_id
         LEFT JOIN lifecycle l ON l.person_id = p.person_id
         LEFT JOIN deal_dates d ON d.person_id = p.person_id),
       backfilled AS (
         SELECT *,
                coalesce(mql_recorded_at, sal_recorded_at, sql_recorded_at, opportunity_recorded_at,
                         won_recorded_at) AS mql_backfilled_at,
                coalesce(sal_recorded_at, sql_recorded_at, opportunity_recorded_at, won_recorded_at) AS sal_backfilled_at,
                coalesce(sql_recorded_at, opportunity_recorded_at, won_recorded_at) AS sql_backfilled_at,
                coalesce(opportunity_recorded_at, won_recorded_at) AS opportunity_backfilled_at
         FROM recorded),
       follow_up_recorded AS (
         SELECT b.person_id, min(a.occurred_at) AS followed_up_recorded_at
         FROM backfilled b JOIN sales_activities a ON a.person_id = b.person_id AND a.occurred_at >= b.mql_recorded_at
         GROUP BY b.person_id),
       follow_up_backfilled AS (
         SELECT b.person_id, min(a.occurred_at) AS followed_up_backfilled_at
         FROM backfilled b JOIN sales_activities a ON a.person_id = b.person_id AND a.occurred_at >= b.mql_backfilled_at
         GROUP BY b.person_id),
       person_touches AS (
         SELECT person_id, arg_min(campaign_id, (touch_at, campaign_id)) AS first_touch_campaign_id,
                list(touch_at) AS responded_touch_times
         FROM touches WHERE touch_at IS NOT NULL GROUP BY person_id)
       SELECT b.*, fr.followed_up_recorded_at, fb.followed_up_backfilled_at,
              t.first_touch_campaign_id, t.responded_touch_times
       FROM backfilled b
       LEFT JOIN follow_up_recorded fr ON fr.person_id = b.person_id
       LEFT JOIN follow_up_backfilled fb ON fb.person_id = b.person_id
       LEFT JOIN person_touches t ON t.person_id = b.person_id
       ORDER BY b.mql_backfilled_at""",
    # §4.3/§4.8: every deal with its amount (empty = 0), close moment (midnight UTC of close_date), its account's
    # region and segment, and its resolved source text (own lead source; else the earliest-created lead converted
    # into it that has one; else its primary contact's); the source → category map is applied at query time.
    # §4.4: the latest touch of the deal's linked people (its contacts and converted leads; or everyone at its
    # account) at or before it was opened, and before the end of its close date. A deal has an eligible touch in a
    # window [opened − lookback, end] exactly when that latest touch falls on or after opened − lookback, so the
    # charter's lookback and linking stay query-time choices (macros.influenced_deals).
    """CREATE OR REPLACE TABLE opportunity_facts AS
       WITH deals AS (
         SELECT o.opportunity_id, o.account_id, a.region, a.segment, o.owner_id, o.created_at,
                CAST(o.close_date AS TIMESTAMP) AS closed_at, coalesce(o.amount, 0) AS amount,
                coalesce(o.is_closed, false) AS is_closed, coalesce(o.is_won, false) AS is_won,
                o.lead_source, o.primary_campaign_id
         FROM opportunities o LEFT JOIN accounts a ON a.account_id = o.account_id),
       converted_lead AS (
         SELECT converted_opportunity_id AS opportunity_id,
                arg_min(lead_source, (created_at, person_id)) AS lead_source
         FROM people
         WHERE converted_opportunity_id IS NOT NULL AND nullif(trim(lead_source), '') IS NOT NULL
         GROUP BY converted_opportunity_id),
       primary_contact AS (
         SELECT oc.opportunity_id, arg_min(p.lead_source, (p.created_at, p.person_id)) AS lead_source
         FROM opportunity_contacts oc JOIN people p ON p.person_id = oc.person_id
         WHERE oc.is_primary AND nullif(trim(p.lead_source), '') IS NOT NULL
         GROUP BY oc.opportunity_id),
       contact_links AS (
         SELECT opportunity_id, person_id FROM opportunity_contacts
         UNION
         SELECT converted_opportunity_id, person_id FROM people WHERE converted_opportunity_id IS NOT NULL),
       contact_touch AS (
         SELECT d.opportunity_id,
                max(t.touch_at) FILTER (WHERE t.touch_at <= d.created_at) AS latest_contact_touch_at,
                max(t.touch_at) FILTER (WHERE t.touch_at < d.closed_at + INTERVAL 1 DAY)
                  AS latest_contact_touch_by_close_at
         FROM contact_links l JOIN deals d USING (opportunity_id) JOIN touches t ON t.person_id = l.person_id
         GROUP BY d.opportunity_id),
       -- Everyone's touches at each account, with each deal's two window ends as points among them; a running
       -- latest touch per account, read at each point, is the deal's latest account touch (touches at the moment
       -- a deal opened count; at the midnight after its close date, not). Cheaper than two ASOF joins at scale.
       -- Accounts are numbered and a point's moment and tie are one integer (microseconds × 4 + tie), so the window
       -- partitions and sorts integers, not text and pairs.
       account_keys AS (
         SELECT account_id, row_number() OVER () AS account_key
         FROM (SELECT account_id FROM people WHERE account_id IS NOT NULL
               UNION SELECT account_id FROM deals WHERE account_id IS NOT NULL)),
       account_points AS (
         SELECT k.account_key, epoch_us(t.touch_at) * 4 + 1 AS moment, NULL AS opportunity_id, 0 AS basis,
                t.touch_at
         FROM touches t JOIN people p ON p.person_id = t.person_id JOIN account_keys k ON k.account_id = p.account_id
         WHERE t.touch_at IS NOT NULL
         UNION ALL
         SELECT k.account_key, epoch_us(d.created_at) * 4 + 2, d.opportunity_id, 1, NULL
         FROM deals d JOIN account_keys k ON k.account_id = d.account_id
         UNION ALL
         SELECT k.account_key, epoch_us(d.closed_at + INTERVAL 1 DAY) * 4, d.opportunity_id, 2, NULL
         FROM deals d JOIN account_keys k ON k.account_id = d.account_id WHERE d.closed_at IS NOT NULL),
       account_running AS (
         SELECT opportunity_id, basis,
                max(touch_at) OVER (PARTITION BY account_key ORDER BY moment ROWS UNBOUNDED PRECEDING) AS latest
         FROM account_points),
       account_touch AS (
         SELECT opportunity_id, max(latest) FILTER (WHERE basis = 1) AS latest_account_touch_at,
                max(latest) FILTER (WHERE basis = 2) AS latest_account_touch_by_close_at
         FROM account_running WHERE basis > 0 GROUP BY opportunity_id)
       SELECT d.*, c.channel AS primary_campaign_channel,
              coalesce(nullif(trim(d.lead_source), ''), cl.lead_source, pc.lead_source) AS source,
              CASE WHEN nullif(trim(d.lead_source), '') IS NOT NULL THEN 'opportunity'
                   WHEN cl.lead_source IS NOT NULL THEN 'converted lead'
                   WHEN pc.lead_source IS NOT NULL THEN 'primary contact' END AS source_from,
              ct.latest_contact_touch_at, ct.latest_contact_touch_by_close_at,
              ato.latest_account_touch_at, ato.latest_account_touch_by_close_at
       FROM deals d
       LEFT JOIN campaigns c ON c.campaign_id = d.primary_campaign_id
       LEFT JOIN converted_lead cl ON cl.opportunity_id = d.opportunity_id
       LEFT JOIN primary_contact pc ON pc.opportunity_id = d.opportunity_id
       LEFT JOIN contact_touch ct ON ct.opportunity_id = d.opportunity_id
       LEFT JOIN account_touch ato ON ato.opportunity_id = d.opportunity_id
       ORDER BY d.created_at""",
]
