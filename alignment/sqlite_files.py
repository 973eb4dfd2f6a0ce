"""The SQLite files kept beside the warehouse (sign-off ledger, import history), readable by their owner alone."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

PRIVATE = 0o600
COMPANIONS = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database; it creates each with the database file's own mode."""


def open_private(path: Path, **options) -> sqlite3.Connection:
    """A connection to the SQLite file `path`, created owner-only (0600) if new and made so if an earlier version
    left it, or its write-ahead log or shared memory, readable by others."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # SQLite would create the file with the process's umask (often 0644); created here first, it and every file
    # SQLite later makes beside it are owner-only.
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE)
    try:
        if stat.S_IMODE(os.fstat(descriptor).st_mode) & ~PRIVATE:
            os.fchmod(descriptor, PRIVATE)
    finally:
        os.close(descriptor)
    for suffix in COMPANIONS:
        companion = path.with_name(path.name + suffix)
        try:
            if stat.S_IMODE(os.stat(companion).st_mode) & ~PRIVATE:
                os.chmod(companion, PRIVATE)
        except FileNotFoundError:
            continue
    return sqlite3.connect(path, **options)
