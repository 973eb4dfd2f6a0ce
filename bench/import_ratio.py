"""Import speed as a ratio to DuckDB's own bare read_csv of the same files, measured in one run.

Usage: python bench/import_ratio.py [--scale S|M|L] [--seed N] [--repeat K]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alignment import demo  # noqa: E402
from alignment.ingest.load import import_extracts  # noqa: E402


def bare_read_csv(folder: Path, db_path: Path) -> float:
    """DuckDB alone: every CSV into a table of a fresh database file, types auto-detected, nothing else."""
    started = time.perf_counter()
    con = duckdb.connect(str(db_path))
    for index, path in enumerate(sorted(folder.glob("*.csv"))):
        con.execute("CREATE TABLE t" + str(index) + " AS SELECT * FROM read_csv($path)", {"path": str(path)})
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="S", choices=["S", "M", "L"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "extracts"
        started = time.perf_counter()
        counts = demo.write_extracts(folder, scale=args.scale, seed=args.seed, end_quarter="2026-Q3")
        generate = time.perf_counter() - started
        size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        bare, ours = [], []
        for attempt in range(args.repeat):
            bare.append(bare_read_csv(folder, Path(tmp) / f"bare{attempt}.duckdb"))
            started = time.perf_counter()
            import_extracts([folder], db_path=Path(tmp) / "warehouse.duckdb", user="bench")
            ours.append(time.perf_counter() - started)
        print(f"scale {args.scale}: {sum(counts.values()):,} rows in {len(counts)} files ({size:.0f} MB); "
              f"generated in {generate:.1f} s")
        print(f"bare DuckDB read_csv (best of {args.repeat}): {min(bare):.2f} s")
        print(f"import (validate + transform + load, best of {args.repeat}): {min(ours):.2f} s")
        print(f"ratio import / bare read_csv: {min(ours) / min(bare):.2f}x")
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
