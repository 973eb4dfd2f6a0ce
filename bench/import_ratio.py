"""Import speed as a ratio to DuckDB's own bare read_csv of the same files, measured in one run (wall and CPU time).

Usage: python bench/import_ratio.py [--scale S|M|L|XL] [--seed N] [--repeat K] [--extracts DIR] [--phases]
                                   [--statements N] [--keep FILE]
       python bench/import_ratio.py --compare BEFORE.duckdb AFTER.duckdb

The bare read is what DuckDB does alone: every CSV once into a table of a fresh database file, types auto-detected,
nothing checked. The import sniffs, parses every value under the contracts, checks every rule, joins converted leads
to their contacts, checks keys and references, writes the canonical tables, derives the metric tables and swaps the
file in. Both run in this process one after the other, alternately, so they share the machine's load; CPU time is the
process's (every thread, DuckDB's and the fingerprint's included), which other jobs on the cores change less than
wall time.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alignment import demo, warehouse  # noqa: E402
from alignment.ingest.load import import_extracts  # noqa: E402


def bare_read_csv_times(folder: Path, db_path: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of DuckDB alone: every CSV into a table of a fresh database file, types auto-detected,
    on a connection like the import's (warehouse.build_connection: the same memory limit and spill folder), so the
    two read in the same memory and the bare read cannot take the machine's."""
    started, cpu = time.perf_counter(), time.process_time()
    con = warehouse.build_connection(db_path)
    for index, path in enumerate(sorted(folder.glob("*.csv"))):
        con.execute("CREATE TABLE t" + str(index) + " AS SELECT * FROM read_csv($path)", {"path": str(path)})
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - started, time.process_time() - cpu


def bare_read_csv(folder: Path, db_path: Path) -> float:
    """Wall seconds of the bare read (bench/run.py's baseline)."""
    return bare_read_csv_times(folder, db_path)[0]


def import_times(folder: Path, db_path: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of `import_extracts` of the folder into `db_path`."""
    started, cpu = time.perf_counter(), time.process_time()
    import_extracts([folder], db_path=db_path, user="bench", roots=[folder])
    return time.perf_counter() - started, time.process_time() - cpu


def table_digests(db_path: Path) -> dict[str, tuple]:
    """Each table of a warehouse: its columns and types, its row count and an order-independent digest of its rows
    (the sum of every row's hash; a list column's elements sorted first, as a list may follow the storage order),
    so two imports compare table by table whatever order they wrote rows in. The import's own record (its time, its
    duration) is left out: it differs between any two imports."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        columns: dict[str, list[tuple[str, str]]] = {}
        for table, column, kind in con.execute(
                "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE NOT internal "
                "ORDER BY table_name, column_index").fetchall():
            columns.setdefault(table, []).append((column, kind))
        digests = {}
        for table, its_columns in columns.items():
            if table == "_import":
                continue
            # Names come from the file's own catalog, quoted as identifiers.
            parts = [("list_sort(" + _quoted(column) + ")") if kind.endswith("[]") else _quoted(column)
                     for column, kind in its_columns]
            count, digest = con.execute("SELECT count(*), coalesce(sum(hash(" + ", ".join(parts)
                                        + ")::HUGEINT), 0)::VARCHAR FROM " + _quoted(table)).fetchone()
            digests[table] = (tuple(its_columns), count, digest)
        return digests
    finally:
        con.close()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def compare(before: Path, after: Path) -> list[str]:
    """The tables that differ between two warehouses (missing on one side, or other rows), one line each."""
    first, second = table_digests(before), table_digests(after)
    return [f"{table}: {(first.get(table) or ('', 'missing'))[1:]} vs {(second.get(table) or ('', 'missing'))[1:]}"
            for table in sorted(set(first) | set(second)) if first.get(table) != second.get(table)]


# The import's phases, by the function doing each (module, function name): timed when --phases is given.
PHASES = [
    ("alignment.ingest.readers", "read_source", "open: sniff, header, first row (SHA-256 starts)"),
    ("alignment.ingest.staging", "stage", "stage: read_csv, parse every value, check every rule"),
    ("alignment.ingest.salesforce", "lead_people", "Salesforce: leads to people"),
    ("alignment.ingest.salesforce", "campaign_members", "Salesforce: memberships to people (merge)"),
    ("alignment.ingest.load", "check_canonical", "check derived values, keys, references"),
    ("alignment.ingest.load", "_materialise", "write the constrained canonical tables"),
    ("alignment.warehouse", "create_views", "derive the metric tables"),
    ("alignment.history", "record", "import history"),
]


@contextlib.contextmanager
def timed_phases() -> Iterator[dict[str, list[float]]]:
    """Wrap each phase's function so its wall and CPU seconds add up in the dict yielded: {phase: [wall, cpu]}."""
    import importlib

    totals: dict[str, list[float]] = {}
    undo = []
    for module_name, function_name, label in PHASES:
        module = importlib.import_module(module_name)
        original = getattr(module, function_name, None)
        if original is None:  # a phase an older version of the import does not have
            continue

        @functools.wraps(original)
        def wrapper(*args, _original=original, _label=label, **kwargs):
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                total = totals.setdefault(_label, [0.0, 0.0])
                total[0] += time.perf_counter() - started
                total[1] += time.process_time() - cpu
        # Modules that imported the function by name hold it too.
        for name, holder in list(sys.modules.items()):
            if name.startswith("alignment") and getattr(holder, function_name, None) is original:
                setattr(holder, function_name, wrapper)
                undo.append((holder, function_name, original))
    try:
        yield totals
    finally:
        for holder, name, original in reversed(undo):
            setattr(holder, name, original)


class _TimedConnection:
    """A DuckDB connection that adds each statement's wall and CPU seconds to `timings` (statement → [wall, cpu]) and,
    given `statements`, keeps each statement with its parameters there."""

    def __init__(self, con: duckdb.DuckDBPyConnection, timings: dict[str, list[float]],
                 statements: list | None = None) -> None:
        self._con, self._timings, self._statements = con, timings, statements

    def execute(self, sql: str, *args, **kwargs):
        if self._statements is not None:
            self._statements.append((sql, args[0] if args else kwargs.get("parameters")))
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return self._con.execute(sql, *args, **kwargs)
        finally:
            total = self._timings.setdefault(" ".join(sql.split()), [0.0, 0.0])
            total[0] += time.perf_counter() - started
            total[1] += time.process_time() - cpu

    def __getattr__(self, name: str):
        return getattr(self._con, name)


@contextlib.contextmanager
def timed_statements(statements: list | None = None) -> Iterator[dict[str, list[float]]]:
    """Time every statement the import executes on its connection: {statement: [wall, cpu]}; given `statements`,
    keep each one there with its parameters, in order."""
    timings: dict[str, list[float]] = {}
    real = warehouse.build_connection
    warehouse.build_connection = lambda *args, **kwargs: _TimedConnection(real(*args, **kwargs), timings, statements)
    try:
        yield timings
    finally:
        warehouse.build_connection = real


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="S", choices=["S", "M", "L", "XL"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--extracts", type=Path, help="import these extracts instead of writing the demo company's")
    parser.add_argument("--phases", action="store_true", help="also time the import's phases (one more import)")
    parser.add_argument("--statements", type=int, default=0, metavar="N",
                        help="also list the N statements of one more import that take the most CPU")
    parser.add_argument("--keep", type=Path, help="copy the last imported warehouse here")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"),
                        help="only compare two warehouses table by table (rows, order-independent) and stop")
    args = parser.parse_args()
    if args.compare:
        differ = compare(*args.compare)
        print("\n".join(differ) if differ else
              f"equal: {len(table_digests(args.compare[0]))} tables, the same rows in each (import record apart)")
        return
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores at the start; "
          f"build memory limit {warehouse.build_memory_limit()}")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = args.extracts
        if folder is None:
            folder = Path(tmp) / "extracts"
            started = time.perf_counter()
            demo.write_extracts(folder, scale=args.scale, seed=args.seed, end_quarter="2026-Q2",
                                currencies=("USD",))
            print(f"extracts generated in {time.perf_counter() - started:.1f} s")
        files = sorted(folder.glob("*.csv"))
        rows = sum(sum(1 for _ in open(path, "rb")) - 1 for path in files)
        size = sum(p.stat().st_size for p in files) / 1e6
        load_before = os.getloadavg()
        bare, ours = [], []
        for attempt in range(args.repeat):
            bare.append(bare_read_csv_times(folder, Path(tmp) / f"bare{attempt}.duckdb"))
            ours.append(import_times(folder, Path(tmp) / "data" / "warehouse.duckdb"))
        load_after = os.getloadavg()
        # The best wall and the best CPU time of each, each the least disturbed by other jobs.
        best_bare = (min(w for w, _ in bare), min(c for _, c in bare))
        best_ours = (min(w for w, _ in ours), min(c for _, c in ours))
        print(f"{folder.name}: {rows:,} rows in {len(files)} files ({size:.0f} MB); {os.cpu_count()} cores, "
              f"DuckDB {duckdb.__version__}, load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
        print(f"bare DuckDB read_csv (best of {args.repeat}): {best_bare[0]:.2f} s wall, {best_bare[1]:.2f} s CPU")
        print(f"import (best of {args.repeat}):               {best_ours[0]:.2f} s wall, {best_ours[1]:.2f} s CPU")
        print(f"ratio import / bare read_csv: {best_ours[0] / best_bare[0]:.2f}x wall, "
              f"{best_ours[1] / best_bare[1]:.2f}x CPU")
        print("every run (wall/CPU s): bare " + ", ".join(f"{w:.1f}/{c:.1f}" for w, c in bare)
              + "; import " + ", ".join(f"{w:.1f}/{c:.1f}" for w, c in ours))
        if args.phases:
            with timed_phases() as totals:
                wall, cpu = import_times(folder, Path(tmp) / "data" / "warehouse.duckdb")
            print(f"phases of one more import ({wall:.2f} s wall, {cpu:.2f} s CPU, load average "
                  f"{os.getloadavg()[0]:.1f}):")
            for label, (phase_wall, phase_cpu) in totals.items():
                print(f"  {label:55s} {phase_wall:7.2f} s wall {phase_cpu:7.2f} s CPU")
            rest = (wall - sum(t[0] for t in totals.values()), cpu - sum(t[1] for t in totals.values()))
            print(f"  {'the rest (Salesforce joins, lineage, metadata, CHECKPOINT)':55s} {rest[0]:7.2f} s wall "
                  f"{rest[1]:7.2f} s CPU")
        if args.statements:
            with timed_statements() as timings:
                wall, cpu = import_times(folder, Path(tmp) / "data" / "warehouse.duckdb")
            print(f"statements of one more import ({wall:.2f} s wall, {cpu:.2f} s CPU, of which the statements "
                  f"{sum(t[1] for t in timings.values()):.2f} s CPU; load average {os.getloadavg()[0]:.1f}):")
            for statement, (statement_wall, statement_cpu) in sorted(timings.items(), key=lambda item: -item[1][1])[
                    :args.statements]:
                print(f"  {statement_cpu:6.2f} s CPU {statement_wall:6.2f} s wall  {statement[:150]}")
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        if args.keep:
            shutil.copyfile(Path(tmp) / "data" / "warehouse.duckdb", args.keep)


if __name__ == "__main__":
    main()
