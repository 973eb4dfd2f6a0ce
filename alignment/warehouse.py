"""The DuckDB warehouse file: read-only snapshots for readers, import metadata, and derived views."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Callable

import duckdb
from pydantic import StringConstraints, TypeAdapter, ValidationError

from alignment import sqlfiles
from alignment.periods import CALENDAR_YEAR, FiscalCalendar

DEFAULT_DB = Path("data/warehouse.duckdb")
FORMAT_VERSION = 11
"""Version of what an import writes beside the canonical tables (derived tables, metadata); bump on any change. 6: the
person↔deal links stored (person_deals), a campaign's role stored only when the CRM gives one, touches without it.
7: the fiscal calendar stored (_calendar), close dates' first instants taken in its time zone. 8: currencies: the
corporate currency (_currency), the rates (currency_rates), each deal's amount in corporate money. 9: a deal's
forecast category (opportunities.forecast_category). 10: deals' close date, amount and stage history
(opportunity_changes). 11: each touch's account and persona (touches)."""
DB_ENV = "ALIGNMENT_DB"


def default_db() -> Path:
    """The warehouse the app and CLI use: $ALIGNMENT_DB, else data/warehouse.duckdb."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)

MEMORY_LIMIT_ENV = "ALIGNMENT_MEMORY_LIMIT"
"""DuckDB's memory limit while a warehouse is built (an import, an upgrade), e.g. 4GB; past it DuckDB spills to a
folder beside the file being built. Unset: a quarter of the machine's memory, at most BUILD_MEMORY_CAP_MB."""
BUILD_MEMORY_CAP_MB = 3 * 1024
SPILL_SUFFIX = ".tmp"
_MEMORY_SIZE = TypeAdapter(Annotated[str, StringConstraints(
    strip_whitespace=True, pattern=r"^[0-9]+(\.[0-9]+)?\s*([KMGT]i?B)$")])


def build_memory_limit() -> str:
    """The memory limit of a connection building a warehouse: $ALIGNMENT_MEMORY_LIMIT, else a quarter of the
    machine's memory up to BUILD_MEMORY_CAP_MB (the rest is left to the dashboard and to the other processes)."""
    given = os.environ.get(MEMORY_LIMIT_ENV, "")
    if given.strip():
        try:
            return _MEMORY_SIZE.validate_python(given.upper().replace("IB", "iB")).replace(" ", "")
        except ValidationError:
            raise ValueError(f"{MEMORY_LIMIT_ENV}={given!r} is not a memory size: write a number and a unit, e.g. "
                             f"{MEMORY_LIMIT_ENV}=4GB or 2500MB") from None
    total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 20
    return f"{int(min(total_mb / 4, BUILD_MEMORY_CAP_MB))}MB"


def build_connection(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection that builds the warehouse file `path` within the build memory limit, spilling what does not fit
    to a folder beside it (removed when the connection closes; a killed build's is cleared by the next import)."""
    return duckdb.connect(str(path), config={"memory_limit": build_memory_limit(),
                                             "temp_directory": str(path) + SPILL_SUFFIX})


META_TABLES = ("import_record_table", "checkpoint_table", "import_files_table")
# The corporate currency (_currency) is written apart: alignment.currency.record, before the derived tables.
"""What an import writes beside the canonical and derived tables (sql/queries): who imported what, when, and the
ledger heads carried from one import to the next (and the fiscal calendar: record_calendar)."""


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
    """A read-only view of the warehouse as it was when opened; safe to share, one cursor per query.

    The file is attached to a fresh in-memory database rather than opened directly: DuckDB keeps one instance per
    path inside a process, so opening the path again after an import swapped the file would return the old data.
    With $ALIGNMENT_LAKE set (or given a lake folder) it reads the lake's current snapshot instead: the in-memory
    database `warehouse` holds one view per Parquet table of the snapshot, so every query reads it unchanged.
    """

    def __init__(self, db_path: Path = DEFAULT_DB, *, read_lake: bool = True):
        from alignment import lake

        self.path = Path(db_path)
        self.lake = (lake.configured() or (str(db_path) if lake.is_lake(db_path) else None)) if read_lake else None
        self._snapshot: str | None = None
        self._con = duckdb.connect(":memory:")
        try:
            self._con.execute("SET TimeZone = 'UTC'")
            if self.lake is not None:
                self._open_lake(self.lake)
            else:
                if not self.path.exists():
                    raise FileNotFoundError(f"no warehouse at {self.path}; import data or build the demo company "
                                            "first")
                self.identity = identity(self.path)
                self._con.execute(sqlfiles.query("attach_warehouse"), {"path": str(self.path)})
        except BaseException:
            self._con.close()
            raise

    def _open_lake(self, location: str) -> None:
        from alignment import lake, schema

        manifest = lake.read_manifest(location)
        if manifest.format_version != FORMAT_VERSION:
            raise lake.LakeUnreadable(
                f"the lake's current snapshot {manifest.snapshot} was written in warehouse format "
                f"{manifest.format_version}, this version reads {FORMAT_VERSION}; write it again (export-lake, or "
                "the import with --lake)")
        needed = set(schema.TABLES) | set(sqlfiles.folder(DERIVED_DIR, "derived")) | set(lake.REQUIRED_META)
        missing = sorted(needed - set(manifest.tables))
        if missing:
            raise lake.LakeUnreadable(f"the lake's current snapshot {manifest.snapshot} lacks the tables {missing}; "
                                      "write it again (export-lake, or the import with --lake)")
        self._snapshot = lake.snapshot_location(location, manifest)
        self.identity = ("lake", location, manifest.snapshot)
        self._con.execute("SET parquet_metadata_cache = true")
        self._con.execute(sqlfiles.attach_in_memory("warehouse"))
        self._con.execute(sqlfiles.use("warehouse"))
        self._con.execute("SET VARIABLE " + sqlfiles.SNAPSHOT_VARIABLE + " = $location", {"location": self._snapshot})
        for table in manifest.tables:
            self._con.execute(sqlfiles.lake_view(table))

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own (DuckDB connections must not be shared across threads) reading the warehouse."""
        cursor = self._con.cursor()
        cursor.execute("SET TimeZone = 'UTC'")
        if self._snapshot is not None:  # a variable is a connection's own: each cursor is told where the lake is
            cursor.execute("SET VARIABLE " + sqlfiles.SNAPSHOT_VARIABLE + " = $location", {"location": self._snapshot})
        cursor.execute(sqlfiles.use("warehouse"))
        return cursor

    def execute(self, sql: str, params: dict | list | None = None) -> duckdb.DuckDBPyConnection:
        """Run one statement on a fresh cursor."""
        return self.cursor().execute(sql, params)

    def close(self) -> None:
        self._con.close()


def version(db_path: Path) -> tuple | None:
    """What changes whenever the data readers see changes: the current snapshot of the lake when one is read (see
    Reader), else the warehouse file's identity; None when there is neither."""
    from alignment import lake

    location = lake.configured() or (str(db_path) if lake.is_lake(db_path) else None)
    if location is None:
        return identity(Path(db_path))
    return ("lake", location, lake.read_manifest(location).snapshot)


def open_reader(db_path: Path = DEFAULT_DB) -> Reader:
    """A read-only view of the warehouse as it is now."""
    return Reader(db_path)


def create_meta(con: duckdb.DuckDBPyConnection) -> None:
    """The empty tables of META_TABLES."""
    for name in META_TABLES:
        con.execute(sqlfiles.query(name))


def write_meta(con: duckdb.DuckDBPyConnection, *, imported_at: dt.datetime, imported_by: str, source_format: str,
               data_fingerprint: str, files: list[dict], warnings: list[str], demo_mark: str | None = None,
               checkpoints: list[tuple] = (), calendar: FiscalCalendar = CALENDAR_YEAR,
               latest_record_at: dt.datetime | None | bool = False) -> None:
    """The metadata tables; `latest_record_at` is read from `con`'s canonical tables unless given (the import on
    Spark finds it there)."""
    create_meta(con)
    record_calendar(con, calendar)
    latest = (con.execute(sqlfiles.query("latest_record_at")).fetchall()[0][0] if latest_record_at is False
              else latest_record_at)
    con.execute(sqlfiles.query("record_import"), {
        "at": imported_at, "by": imported_by, "format": source_format, "fingerprint": data_fingerprint,
        "latest": latest, "warnings": warnings, "demo_mark": demo_mark})
    fields = ("quarter", "position", "head", "checkpointed_at", "mac")
    if checkpoints:
        con.executemany(sqlfiles.query("record_checkpoint"), [dict(zip(fields, row)) for row in checkpoints])
    rows = [{"file": f["file"], "rows": f["rows"], "fingerprint": f["fingerprint"], "read_as": f.get("read_as", ""),
             "assumptions": list(f.get("assumptions", []))} for f in files]
    if rows:
        con.executemany(sqlfiles.query("record_import_file"), rows)


def _has_table(cursor: duckdb.DuckDBPyConnection, name: str) -> bool:
    return cursor.execute(sqlfiles.query("table_exists"), {"name": name}).fetchall()[0][0]


def dataset_info(con: duckdb.DuckDBPyConnection) -> DatasetInfo:
    cursor = con.cursor()
    row = cursor.execute(sqlfiles.query("import_record")).fetchall()[0]
    files = cursor.execute(sqlfiles.query("import_files")).fetchall()
    return DatasetInfo(
        imported_at=row[0], imported_by=row[1], source_format=row[2], data_fingerprint=row[3],
        latest_record_at=row[4], warnings=list(row[5] or []),
        demo_mark=row[6] if len(row) > 6 else None,  # warehouses written before the mark existed are not the demo
        files=[{"file": f[0], "rows": f[1], "fingerprint": f[2], "read_as": f[3], "assumptions": list(f[4] or [])}
               for f in files],
    )


def record_calendar(con: duckdb.DuckDBPyConnection, calendar: FiscalCalendar) -> None:
    """Make `calendar` the warehouse's (its derived tables must be rebuilt after: close dates' midnights depend on
    its time zone)."""
    con.execute(sqlfiles.query("record_calendar"), calendar.model_dump())


def calendar(con: duckdb.DuckDBPyConnection | Reader) -> FiscalCalendar:
    """The warehouse's fiscal calendar (the calendar year in UTC for a warehouse that never had one set)."""
    cursor = con.cursor()
    if not _has_table(cursor, "_calendar"):
        return CALENDAR_YEAR
    rows = cursor.execute(sqlfiles.query("calendar")).fetchall()
    if not rows:
        return CALENDAR_YEAR
    fields = dict(zip(("start_month", "year_named_by", "weeks", "year_end_weekday", "time_zone"), rows[0]))
    return FiscalCalendar(**{k: v for k, v in fields.items() if v is not None})


def calendar_of(db_path: Path) -> FiscalCalendar:
    """The calendar of the warehouse file at `db_path` (the calendar year when there is none yet)."""
    try:
        if version(Path(db_path)) is None:
            return CALENDAR_YEAR
    except FileNotFoundError:
        return CALENDAR_YEAR
    reader = Reader(Path(db_path))
    try:
        return calendar(reader)
    finally:
        reader.close()


def checkpoints(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The ledger heads this warehouse was imported with: (quarter, position, head, checkpointed_at, mac) rows."""
    cursor = con.cursor()
    if not _has_table(cursor, "_checkpoints"):
        return []
    return cursor.execute(sqlfiles.query("checkpoints")).fetchall()


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    from alignment import schema

    cursor = con.cursor()
    return {t: cursor.execute(sqlfiles.row_count(sqlfiles.quote(t))).fetchall()[0][0] for t in schema.TABLES}


FILTER_DIMENSIONS = ("region", "segment")


def distinct_values(con: duckdb.DuckDBPyConnection, dimension: str) -> list[str]:
    """Values offered by the filter bar (whitelisted dimensions only)."""
    if dimension not in FILTER_DIMENSIONS:
        raise KeyError(f"the filter bar filters by {' or '.join(FILTER_DIMENSIONS)}, not '{dimension}'")
    return [r[0] for r in con.cursor().execute(sqlfiles.query("filter_values"), {"dimension": dimension}).fetchall()]


def data_span(con: duckdb.DuckDBPyConnection) -> tuple[dt.datetime | None, dt.datetime | None]:
    """First and last moment the data covers (people created, deals created)."""
    row = con.cursor().execute(sqlfiles.query("data_span")).fetchall()[0]
    return row[0], row[1]


def format_version(reader: Reader) -> int:
    """The format a warehouse file was written in (0: before versions were recorded)."""
    cursor = reader.cursor()
    return cursor.execute(sqlfiles.query("format_version")).fetchall()[0][0] if _has_table(cursor, "_format") else 0


def upgrade(db_path: Path) -> bool:
    """Bring a warehouse written by an earlier version up to date, atomically; True when it had to.

    The canonical tables are kept as they are; the derived tables are rebuilt from them in a copy of the file,
    which is then swapped in like an import, so readers see the old or the new file whole.
    """
    db_path = Path(db_path)
    reader = Reader(db_path, read_lake=False)  # the file is what is upgraded, whatever the readers read
    try:
        version = format_version(reader)
        if version >= FORMAT_VERSION:
            return False
    finally:
        reader.close()

    def bring_up_to_date(con: duckdb.DuckDBPyConnection) -> None:
        # Earlier formats kept some derived tables as views of the same names.
        for (view,) in con.execute(sqlfiles.query("user_views")).fetchall():
            con.execute(sqlfiles.drop_view(view))
        _add_missing_tables(con)
        if version < 6:
            _forget_derived_campaign_roles(con)

    _rebuild(db_path, bring_up_to_date, ".upgrading")
    return True


def _rebuild(db_path: Path, change: Callable[[duckdb.DuckDBPyConnection], None], suffix: str) -> None:
    """Apply `change` to a copy of the warehouse, rebuild its derived tables, and swap the copy in atomically, so
    readers see the old or the new file whole."""
    import shutil
    import uuid

    building = db_path.with_name(f".{db_path.name}.{uuid.uuid4().hex[:8]}{suffix}")
    try:
        shutil.copyfile(db_path, building)
        con = build_connection(building)
        try:
            con.execute("SET enable_progress_bar = false")
            con.execute("SET TimeZone = 'UTC'")
            change(con)
            create_views(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(building, db_path)
    finally:
        building.unlink(missing_ok=True)


class CalendarLocked(ValueError):
    """The calendar cannot change: quarters cut by the current one are signed."""


def set_calendar(db_path: Path, new: FiscalCalendar, *, user=None) -> FiscalCalendar:
    """Make `new` the warehouse's fiscal calendar and rebuild what depends on it; the previous calendar is returned.

    `user` is a dashboard account, which must be allowed to import (the calendar cuts every number as the data does;
    a demo account only on the demo company), or None for the command line on the server itself. Refused
    (CalendarLocked) while the sign-off ledger beside the warehouse holds any signature: charters and signatures
    name quarters of the current calendar, and the same label on another calendar would be other days."""
    from alignment import users
    from alignment.ingest.load import BUILDING_SUFFIX, import_lock

    from alignment import lake

    db_path = Path(db_path)
    if lake.configured():
        raise CalendarLocked(f"the dashboard reads the lake at {lake.configured()}: set the calendar on the warehouse "
                             "it is exported from (or import again with --calendar), then write the lake again")
    if user is not None:
        users.require(user, "import")
        from alignment import demo

        if user.is_demo and not demo.holds_demo(db_path):
            raise users.NotAllowed("demo accounts work only on the demo company; sign in with your own account")
    upgrade(db_path)
    with import_lock(db_path):  # an import swapping its file in meanwhile would lose the change, or be lost
        old = check_calendar_change(db_path, new)
        if new != old:
            # Named as an import's file: killed half-way, the next import (holding the same lock) removes it.
            _rebuild(db_path, lambda con: record_calendar(con, new), BUILDING_SUFFIX)
    return old


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def check_calendar_change(db_path: Path, new: FiscalCalendar) -> FiscalCalendar:
    """The warehouse's calendar now; CalendarLocked when `new` differs from it and any quarter is signed."""
    from alignment import signoff

    old = calendar_of(db_path)
    if new == old:
        return old
    signed = signoff.Ledger.beside(db_path).signed_quarters()
    if signed:
        raise CalendarLocked(
            f"the fiscal calendar cannot change while quarters are signed ({', '.join(signed)}): their charters "
            f"and signatures were made on the current calendar ({_lower_first(old.describe()[:-1])}), and the same "
            "quarter on another calendar would hold other days; keep the calendar, or start a new warehouse "
            "and ledger for the new one")
    return old


def _add_missing_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Canonical tables and columns added in later versions (stage_counts, currency), empty, so every metric finds what
    it reads."""
    from alignment import schema

    cursor = con.cursor()
    for model in schema.CANONICAL:
        if not _has_table(cursor, model.table):
            con.execute(schema.create_table_sql(model))
            continue
        # Columns added in later versions (a deal's currency), empty: the corporate currency, as before.
        held = set(con.table(model.table).columns)
        for spec in schema.columns(model):
            if spec.name not in held and spec.nullable:
                con.execute(sqlfiles.add_column(model.table, spec.name, spec.sql_type))


def _forget_derived_campaign_roles(con: duckdb.DuckDBPyConnection) -> None:
    """Format 6 stores only the role a CRM gave a campaign: the charter's awareness channels decide the others."""
    from alignment import currency, defaults, macros, names

    if not _has_table(con.cursor(), "_currency"):
        currency.record(con, currency.CurrencySettings())
    for statement in macros.scalar_statements(temporary=True):
        con.execute(statement)
    con.execute(sqlfiles.query("forget_derived_campaign_roles"),
                {"default_awareness_channels": names.keys(defaults.AWARENESS_CHANNELS)})


DERIVED_DIR = sqlfiles.SQL_DIR / "derived"


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Derived tables stored in the warehouse, computed once per import (the metric catalog reads these), each after
    the derived tables its header reads (sql/derived).

    Only what no charter option changes is precomputed: the person↔deal links, recorded and back-filled stage dates
    side by side, the first follow-up after either possible mql date, each person's first touch and responded-touch
    times, each deal's resolved source text and latest touches. Maps, channel roles, SLA hours, the stage policy and
    the interest window stay bound parameters applied at query time (sql/macros).
    """
    from alignment import currency, macros

    if not _has_table(con.cursor(), "_currency"):  # written before currencies, or by hand: dollars as before
        currency.record(con, currency.CurrencySettings())
    for statement in macros.scalar_statements(temporary=True):
        con.execute(statement)
    if not _has_table(con.cursor(), "_calendar"):
        record_calendar(con, CALENDAR_YEAR)  # a file from before calendars: the calendar year, as its quarters were
    for derived in sqlfiles.in_dependency_order(sqlfiles.folder(DERIVED_DIR, "derived")):
        con.execute(sqlfiles.create_table(derived))
    con.execute(sqlfiles.query("record_format"), {"version": FORMAT_VERSION})
