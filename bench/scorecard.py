"""Scorecard speed: catalog scorecard vs a bare DuckDB scan vs straightforward pandas, measured in one run.

`python bench/scorecard.py --scale S|M|L` reads bench/out/demo-<scale>.duckdb (built when missing, an upgraded copy
when an earlier version wrote it). The scorecard measured is every headline metric for the quarter with its
comparisons: the quarter, the one before, the same quarter last year and the 8-quarter trend (8 quarters per metric,
which include the two comparison quarters; one query per metric, see catalog.TREND_STRATEGIES). The bare scan reads
the columns DuckDB's plans of those queries read; the pandas version is bench/pandas_scorecard.py.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import pandas_scorecard
from verdict import load_snapshot

from alignment import catalog, demo, warehouse
from alignment.periods import Quarter

OUT = Path(__file__).resolve().parent / "out"


def warehouse_for(scale: str) -> Path:
    """bench/out/demo-<scale>.duckdb, built if missing; when an earlier version wrote it, an upgraded copy beside it
    (demo-<scale>.v<format>.duckdb), so that the original stays as other benchmarks and older checkouts read it."""
    path = OUT / f"demo-{scale}.duckdb"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        demo.build_demo(path, scale=scale, end_quarter="2026-Q2", **demo.REFERENCE_COMPANY)
        print(f"built {path.name} in {time.perf_counter() - started:.0f} s")
    reader = warehouse.Reader(path)
    try:
        current = warehouse.format_version(reader) >= warehouse.FORMAT_VERSION
    finally:
        reader.close()
    if current:
        return path
    upgraded = OUT / f"demo-{scale}.v{warehouse.FORMAT_VERSION}.duckdb"
    if not upgraded.exists():
        started = time.perf_counter()
        building = upgraded.with_name(upgraded.name + ".copying")
        shutil.copyfile(path, building)
        warehouse.upgrade(building)
        os.replace(building, upgraded)
        print(f"upgraded a copy of {path.name} to {upgraded.name} in {time.perf_counter() - started:.0f} s")
    return upgraded


def add_warehouse_options(parser: argparse.ArgumentParser) -> None:
    """--warehouse, for the benches reading a warehouse: one imported elsewhere (e.g. XL, too big to build twice)."""
    parser.add_argument("--warehouse", type=Path, help="read this warehouse instead of bench/out/demo-<scale>.duckdb "
                        f"(with ${warehouse.MEMORY_LIMIT_ENV} set, its queries run within that memory and spill)")


def read_what(args: argparse.Namespace) -> str:
    """What the bench reads, for its printout: the warehouse named by --warehouse, else the scale."""
    return f"warehouse {args.warehouse.name}" if args.warehouse else f"scale {args.scale}"


def reader_for(args: argparse.Namespace) -> warehouse.Reader:
    """The warehouse the bench reads: --warehouse, else the demo company at --scale (warehouse_for). With
    $ALIGNMENT_MEMORY_LIMIT set its queries are held to that limit, as an import is, spilling to a temporary folder:
    at XL DuckDB's default (most of the machine's memory) would not leave room for anything else."""
    reader = warehouse.Reader(args.warehouse or warehouse_for(args.scale))
    if os.environ.get(warehouse.MEMORY_LIMIT_ENV):
        spill = tempfile.mkdtemp(prefix="bench-spill-")
        atexit.register(shutil.rmtree, spill, True)
        # A memory size validated by build_memory_limit and a folder of our own: no outside text in these settings.
        reader._con.execute(f"SET memory_limit = '{warehouse.build_memory_limit()}'")
        reader._con.execute(f"SET temp_directory = '{spill}'")
    return reader


# Other engineers' runs share the two cores: the process's CPU time (all its threads, DuckDB's included) is printed
# beside the wall time, as it moves much less with their load.
cpu_seconds: dict[str, float] = {}


def timed(action, repeats: int, label: str, warm: bool = True) -> tuple[float, object]:
    result = action() if warm else None
    times, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = action()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    cpu_seconds[label] = statistics.median(cpu)
    return statistics.median(times), result


def _as_list(entry: str | list[str] | None) -> list[str]:
    return [] if entry is None else [entry] if isinstance(entry, str) else list(entry)


def _scanned(node: object, scans: list[tuple[str, list[str], str]]) -> None:
    """Every table scan in a JSON plan: (table, projected columns, the text of the filters pushed into it)."""
    if isinstance(node, list):
        for child in node:
            _scanned(child, scans)
        return
    info = node.get("extra_info", {})
    if "Table" in info:
        scans.append((info["Table"], _as_list(info.get("Projections")), " ".join(_as_list(info.get("Filters")))))
    _scanned(node.get("children", []), scans)


def scanned_columns(reader: warehouse.Reader, quarter: str, names: list[str]) -> dict[str, list[str]]:
    """The tables and columns the scorecard's queries for `names` read, from DuckDB's own plans of them."""
    base = catalog._filters({"quarter": quarter})
    quarters = catalog._trend_quarters(base)
    bounds = catalog._quarter_bounds(base, catalog.Definitions(), quarters)
    return columns_read(reader, [catalog._trend_query("lateral", catalog.spec(name), base, catalog.Definitions(),
                                                      bounds) for name in names])


def columns_read(reader: warehouse.Reader, queries: list[tuple[str, dict]]) -> dict[str, list[str]]:
    """The tables and columns the (sql, parameters) queries read, from DuckDB's own plans of them."""
    scans: list[tuple[str, list[str], str]] = []
    plan_cursor = catalog.cursor(reader)
    try:
        for sql, params in queries:
            for _, plan in plan_cursor.execute("EXPLAIN (FORMAT json) " + sql, params).fetchall():
                _scanned(json.loads(plan), scans)
        known = {}
        for database, table, column in plan_cursor.execute(
                "SELECT database_name, table_name, column_name FROM duckdb_columns()").fetchall():
            known.setdefault(f"{database}.main.{table}", []).append(column)
    finally:
        plan_cursor.close()
    columns: dict[str, set[str]] = {}
    for table, projected, filters in scans:
        # A column only filtered on (pushed into the scan) is read too; the filter text names it as a word.
        filtered = {c for c in known.get(table, []) if re.search(r"\b" + re.escape(c) + r"\b", filters)}
        columns.setdefault(table, set()).update(projected, filtered)
    return {table: sorted(found) for table, found in sorted(columns.items())}


def bare_scan(reader: warehouse.Reader, scanned: dict[str, list[str]]) -> None:
    """count(*) and min/max of every column read, one query per table."""
    cursor = reader.cursor()
    for table, columns in scanned.items():
        # Names from DuckDB's plans of the catalog's queries, quoted; no value is formatted into the SQL.
        parts = ["count(*)"] + [f'min("{c}"), max("{c}")' for c in columns]
        cursor.execute("SELECT " + ", ".join(parts) + " FROM " + table).fetchall()
    cursor.close()


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


def pandas_version(reader: warehouse.Reader, row: tuple, quarters: list[Quarter], repeats: int) -> None:
    """Times bench/pandas_scorecard.py on the metrics it has and checks its numbers equal the catalog's."""
    label, subset, _, cards, _ = row
    load, frames = timed(lambda: pandas_scorecard.load(reader), repeats, "pandas load", warm=False)
    compute, expected = timed(lambda: pandas_scorecard.compute(frames, quarters), repeats, "pandas compute",
                              warm=False)
    for card in cards:
        got = [point.value for point in card.trend]
        assert all(close(a, b) for a, b in zip(got, expected[card.name])), (card.name, got, expected[card.name])
    pandas_cpu = cpu_seconds["pandas load"] + cpu_seconds["pandas compute"]
    print(f"pandas, the same {len(cards)} metrics: load {load:.3f} s + compute {compute:.3f} s = "
          f"{load + compute:.3f} s -> {(load + compute) / subset:.1f}x the scorecard's time "
          f"({compute / subset:.1f}x compute only); CPU {pandas_cpu:.3f} s vs {cpu_seconds[label]:.3f} s "
          f"-> {pandas_cpu / cpu_seconds[label]:.1f}x; its numbers equal the catalog's (asserted, 8 quarters each)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["S", "M", "L", "XL"], default="S")
    parser.add_argument("--quarter", default="2026-Q2")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pandas-repeats", type=int, default=1, help="0 leaves the pandas version out (at XL it "
                        "would hold the touches in memory)")
    add_warehouse_options(parser)
    args = parser.parse_args()
    print(f"{load_snapshot()} at the start (CPU time is the figure to read when it is above the cores)")
    reader = reader_for(args)
    quarters = [Quarter.parse(args.quarter).shift(-o) for o in range(7, -1, -1)]
    headline = [m.name for m in catalog.headline_metrics()]
    in_pandas = [name for name in pandas_scorecard.METRICS if name in headline]
    people = reader.cursor().execute("SELECT count(*) FROM people").fetchall()[0][0]
    print(f"{read_what(args)}: {people:,} people; quarter {args.quarter}; 8 quarters per metric; "
          f"{warehouse.FORMAT_VERSION=}")

    rows = []
    for label, names in ((f"all {len(headline)} headline metrics", headline),
                         (f"the {len(in_pandas)} in the pandas version", in_pandas)):
        scanned = scanned_columns(reader, args.quarter, names)
        card, cards = timed(lambda names=names: catalog.scorecard(reader, {"quarter": args.quarter}, names=names),
                             args.repeats, label)
        scan, _ = timed(lambda scanned=scanned: bare_scan(reader, scanned), args.repeats, label + " scan")
        rows.append((label, card, scan, cards, scanned))
        print(f"scorecard, {label} (median of {args.repeats}, warm): {card:.3f} s; bare scan of the "
              f"{sum(len(c) for c in scanned.values())} columns they read: {scan:.3f} s -> {card / scan:.1f}x; "
              f"CPU {cpu_seconds[label]:.3f} s vs {cpu_seconds[label + ' scan']:.3f} s "
              f"-> {cpu_seconds[label] / cpu_seconds[label + ' scan']:.1f}x")
    if args.pandas_repeats > 0:
        pandas_version(reader, rows[1], quarters, args.pandas_repeats)
    left_out = sorted(set(headline) - set(in_pandas))
    if left_out:
        print("not in the pandas version: " + ", ".join(left_out))
    for label, _, _, _, scanned in rows:
        print(f"columns read by {label}: " + "; ".join(f"{t}({', '.join(c)})" for t, c in scanned.items()))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fallbacks = {name: how for name, how in catalog.trend_strategy.items() if how != catalog.TREND_STRATEGIES[0]}
    print(f"peak RSS {peak_mb:.0f} MB; 8-quarter trends: {len(headline) - len(fallbacks)} metrics in one LATERAL "
          "query each; fell back: " + (", ".join(f"{n} ({how})" for n, how in sorted(fallbacks.items())) or "none"))


if __name__ == "__main__":
    main()
