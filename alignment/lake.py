"""The lake: snapshots of a warehouse's tables as Parquet files, the current one named by a manifest swapped in last."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Literal

import duckdb
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from alignment import sqlfiles

LAKE_ENV = "ALIGNMENT_LAKE"
MANIFEST = "current.json"
SNAPSHOTS = "snapshots"
SNAPSHOT_ID = r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$"
TABLE_NAME = r"^[a-z_][a-z0-9_]*$"
REQUIRED_META = ("_import", "_import_files", "_format", "_calendar", "_currency", "_checkpoints")
"""What a reader needs beside the canonical and derived tables: the import record (with the data fingerprint), its
files, the format version, the fiscal calendar, the corporate currency and the ledger heads."""


class LakeUnreadable(ValueError):
    """The lake's manifest or current snapshot cannot be used as it is."""


class Manifest(BaseModel):
    """current.json: the snapshot readers open, what it holds and who wrote it; a reader trusts nothing else in it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    snapshot: str = Field(pattern=SNAPSHOT_ID, description="the folder snapshots/<snapshot>/ holding the tables")
    format_version: int = Field(ge=1)
    tables: tuple[str, ...] = Field(min_length=1)
    written_at: str
    written_by: Literal["duckdb", "spark"]
    previous: str | None = Field(default=None, pattern=SNAPSHOT_ID)

    def model_post_init(self, context) -> None:
        import re

        bad = [t for t in self.tables if not re.match(TABLE_NAME, t)]
        if bad:
            raise ValueError(f"tables {bad} are not table names (lower-case letters, digits, underscores)")


def configured() -> str | None:
    """The lake every reader opens instead of the warehouse file: $ALIGNMENT_LAKE (a folder or a URL), if set."""
    return os.environ.get(LAKE_ENV) or None


def is_url(location: str) -> bool:
    return "://" in str(location)


def is_lake(location: str | Path) -> bool:
    """Whether `location` is a lake: a URL, or a folder holding a manifest."""
    return is_url(str(location)) or (Path(location) / MANIFEST).is_file()


def _join(location: str, *parts: str) -> str:
    if is_url(location):
        return "/".join([str(location).rstrip("/"), *parts])
    return str(Path(location).resolve().joinpath(*parts))


def manifest_location(location: str) -> str:
    return _join(location, MANIFEST)


def snapshot_location(location: str, manifest: Manifest) -> str:
    """Where the current snapshot's Parquet files are: <lake>/snapshots/<id> (read through DuckDB)."""
    return _join(location, SNAPSHOTS, manifest.snapshot)


def read_manifest(location: str) -> Manifest:
    """The lake's manifest, read through DuckDB (so a local folder and an object-store URL take the same path);
    FileNotFoundError when there is none, LakeUnreadable when it is not one."""
    con = duckdb.connect(":memory:")
    try:
        try:
            rows = con.execute(sqlfiles.query("read_text"), {"path": manifest_location(location)}).fetchall()
        except duckdb.IOException:
            rows = []
    finally:
        con.close()
    if not rows:
        raise FileNotFoundError(f"no lake at {location}: it holds no {MANIFEST}; write one with `python -m alignment "
                                f"export-lake --out {location}` or an import with --lake {location}")
    try:
        return Manifest.model_validate(json.loads(rows[0][0]))
    except (ValueError, ValidationError) as error:
        raise LakeUnreadable(f"the lake's {MANIFEST} at {location} is not a manifest this version writes "
                             f"({str(error).splitlines()[0]}); export the warehouse to it again") from None


def new_snapshot_id(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def _fsync(path: Path) -> None:
    """Flush a file or a folder's entries to disk, so the manifest never names what a crash could lose."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sync_tree(folder: Path) -> None:
    """Flush every file and folder below `folder` (a snapshot written by DuckDB or Spark), then the folder itself."""
    for root, _, names in os.walk(folder):
        for name in names:
            _fsync(Path(root) / name)
        _fsync(Path(root))


def current(lake_dir: Path) -> Manifest | None:
    """The manifest in force, or None for a new lake."""
    try:
        return read_manifest(str(lake_dir))
    except FileNotFoundError:
        return None


def commit(lake_dir: Path, snapshot: str, tables: list[str], *, format_version: int,
           written_by: Literal["duckdb", "spark"]) -> Manifest:
    """Make a fully written snapshot the current one: the manifest is written to a temporary file, flushed, and
    swapped in with one rename, so a reader sees the previous snapshot or this one, never a mix."""
    lake_dir = Path(lake_dir)
    folder = lake_dir / SNAPSHOTS / snapshot
    missing = [t for t in tables if not (folder / f"{t}.parquet").exists()]
    if missing:
        raise LakeUnreadable(f"snapshot {snapshot} lacks {missing}; it is not made current")
    try:
        previous = current(lake_dir)
    except LakeUnreadable:
        previous = None  # a damaged manifest is replaced whole
    manifest = Manifest(snapshot=snapshot, format_version=format_version, tables=tuple(sorted(tables)),
                        written_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), written_by=written_by,
                        previous=previous.snapshot if previous else None)
    sync_tree(folder)
    temporary = lake_dir / f".{MANIFEST}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(manifest.model_dump_json(indent=2))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, lake_dir / MANIFEST)
    finally:
        temporary.unlink(missing_ok=True)
    _fsync(lake_dir)
    return manifest


def new_snapshot_folder(lake_dir: Path) -> tuple[str, Path]:
    """A new, empty snapshot folder of the lake (created with the lake itself if need be)."""
    snapshot = new_snapshot_id()
    folder = Path(lake_dir) / SNAPSHOTS / snapshot
    folder.mkdir(parents=True)
    return snapshot, folder


def abandon(folder: Path) -> None:
    """Remove a snapshot that was never made current (a refused or failed write)."""
    shutil.rmtree(folder, ignore_errors=True)


def export(db_path: Path, lake_dir: Path) -> Manifest:
    """Write the warehouse file's every table as a new snapshot of the lake and make it current; a failure leaves the
    snapshot in force as it was (and no half-written folder)."""
    from alignment import warehouse

    db_path, lake_dir = Path(db_path), Path(lake_dir)
    if warehouse.identity(db_path) is None:
        raise FileNotFoundError(f"no warehouse at {db_path} to export; import data or build the demo company first")
    if is_url(str(lake_dir)):
        raise ValueError("export-lake writes to a folder; copy the folder to object storage after")
    warehouse.upgrade(db_path)  # a file from an earlier version gets its derived tables first
    con = duckdb.connect(":memory:")
    snapshot, folder = new_snapshot_folder(lake_dir)
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(sqlfiles.query("attach_warehouse"), {"path": str(db_path)})
        con.execute(sqlfiles.use("warehouse"))
        version = con.execute(sqlfiles.query("format_version")).fetchall()[0][0]
        tables = [row[0] for row in con.execute(sqlfiles.query("warehouse_tables")).fetchall()]
        for table in tables:
            write_table(con.table(sqlfiles.quote(table)), folder / f"{table}.parquet")
        return commit(lake_dir, snapshot, tables, format_version=version, written_by="duckdb")
    except BaseException:
        abandon(folder)
        raise
    finally:
        con.close()


def write_table(relation: duckdb.DuckDBPyRelation, path: Path) -> None:
    """One table as one Parquet file of the snapshot."""
    relation.write_parquet(str(path), compression="zstd")
