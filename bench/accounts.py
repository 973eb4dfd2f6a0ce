"""Accounts speed: target-account coverage and the ranked accounts to call for a quarter, vs a bare scan, in one run.

`python bench/accounts.py --quarter 2026-Q2` times, warm, what the Accounts page asks the catalog for one quarter
(account_coverage and engaged_target_accounts, each on its own cursor as the page's cached calls do) at scale S (built
when missing, like bench/scorecard.py) and at M and L when bench/out already holds their warehouses (or only in the
warehouse named by --warehouse, e.g. an import of the L extracts kept elsewhere), against a bare scan of the columns
DuckDB's plans of those two queries read. Wall and CPU time (the process, DuckDB's threads included) are printed side
by side, with the load average, since the machine may be shared. Target: at L within 1 s.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from alignment import catalog, warehouse  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scorecard import (OUT, add_warehouse_options, bare_scan, columns_read, cpu_seconds, read_what,  # noqa: E402
                       reader_for, timed)

METRICS = ("account_coverage", "engaged_target_accounts")
TARGET_SECONDS = 1.0


def page_queries(reader: warehouse.Reader, quarter: str) -> list[int]:
    """The Accounts page's two catalog calls; their row counts."""
    filters = catalog.Filters(quarter=quarter)
    return [len(catalog.run(reader, name, filters)) for name in METRICS]


def one_scale(args: argparse.Namespace, quarter: str, repeats: int) -> None:
    scale = read_what(args)
    reader = reader_for(args)
    try:
        cursor = reader.cursor()
        accounts, people, touches = cursor.execute(
            "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM people), "
            "(SELECT count(*) FROM touches)").fetchall()[0]
        cursor.close()
        filters = catalog.Filters(quarter=quarter)
        queries = [(catalog.spec(name).sql, catalog.bind(catalog.spec(name), filters, catalog.Definitions()))
                   for name in METRICS]
        scanned = columns_read(reader, queries)
        wall, rows = timed(lambda: page_queries(reader, quarter), repeats, f"{scale} page")
        scan, _ = timed(lambda: bare_scan(reader, scanned), repeats, f"{scale} scan")
        parts = {name: timed(lambda name=name: catalog.run(reader, name, filters), repeats, f"{scale} {name}")[0]
                 for name in METRICS}
    finally:
        reader.close()
    page_cpu, scan_cpu = cpu_seconds[f"{scale} page"], cpu_seconds[f"{scale} scan"]
    print(f"{scale}: {accounts:,} accounts, {people:,} people, {touches:,} touches; quarter {quarter}; "
          f"rows {dict(zip(METRICS, rows))}")
    print("  " + ", ".join(f"{name} {seconds:.3f} s" for name, seconds in parts.items()))
    print(f"  coverage + ranked list: {wall:.3f} s wall, {page_cpu:.3f} s CPU (target <= {TARGET_SECONDS:.0f} s: "
          f"{'met' if wall <= TARGET_SECONDS else 'missed'})")
    print(f"  bare scan of the {sum(len(c) for c in scanned.values())} columns read "
          f"({', '.join(t.rsplit('.', 1)[-1] for t in scanned)}): {scan:.3f} s wall, {scan_cpu:.3f} s CPU "
          f"-> ratio {wall / scan:.1f}x wall, {page_cpu / scan_cpu:.1f}x CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quarter", default="2026-Q2")
    parser.add_argument("--repeats", type=int, default=5, help="timed warm runs (median); default 5")
    add_warehouse_options(parser)
    args = parser.parse_args()
    scales = [None] if args.warehouse else ["S"] + [s for s in ("M", "L") if (OUT / f"demo-{s}.duckdb").exists()]
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs; "
          + (f"warehouse {args.warehouse}" if args.warehouse
             else f"scales {', '.join(scales)} (M and L only when bench/out holds them)"))
    for scale in scales:
        one_scale(argparse.Namespace(warehouse=args.warehouse, scale=scale), args.quarter, args.repeats)
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} at the end")


if __name__ == "__main__":
    main()
