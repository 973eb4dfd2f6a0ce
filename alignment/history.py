"""The import history: every attempt, loaded or refused, in an append-only SQLite file beside the warehouse."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing
from pathlib import Path

from alignment import sqlfiles
from alignment.sqlite_files import open_private

def path_for(db_path: Path) -> Path:
    """data/warehouse.duckdb → data/warehouse.history.sqlite (kept apart from the file imports replace)."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ".history.sqlite")


def _connect(db_path: Path) -> sqlite3.Connection:
    con = open_private(path_for(db_path), timeout=30)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(sqlfiles.sqlite("import_history_table"))
    return con


def record(db_path: Path, *, started_at: dt.datetime, user: str, format: str, status: str, files: list[dict],
           tables: dict[str, int], warnings: list[str]) -> None:
    """Append one import attempt."""
    finished = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with closing(_connect(db_path)) as con, con:
        con.execute(sqlfiles.sqlite("record_import_attempt"), {
            "started_at": started_at.isoformat(timespec="seconds"),
            "finished_at": finished.isoformat(timespec="seconds"), "user": user, "format": format, "status": status,
            "files": json.dumps(files), "tables": json.dumps(tables), "messages": json.dumps(warnings)})


def list_imports(db_path: Path, limit: int = 200) -> list[dict]:
    """Newest first."""
    if not path_for(db_path).exists():
        return []
    with closing(_connect(db_path)) as con:
        con.row_factory = sqlite3.Row
        rows = con.execute(sqlfiles.sqlite("import_attempts"), {"limit": limit}).fetchall()
    return [
        {**dict(row), "files": json.loads(row["files"]), "tables": json.loads(row["tables"]),
         "messages": json.loads(row["messages"])}
        for row in rows
    ]
