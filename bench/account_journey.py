"""One account's journey speed: what the journey page computes for one account, warm, vs a bare scan, in one run.

`python bench/account_journey.py --scale S|M|L` reads bench/out/demo-<scale>.duckdb (built when missing, as
bench/scorecard.py does). The account measured is the one with the most people (the longest journey). Measured warm
(median of --repeats): its header, its ordered timeline, its deals and its campaigns' credit read from the
whole-warehouse attribution the page caches once per warehouse and charter. That whole-warehouse attribution and the
quarter's buying groups are timed once too, cold: what the first visitor after an import waits for. The bare scan
reads, once each, the columns DuckDB's plans of the account's queries read, from every row (no account filter).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from scorecard import bare_scan, columns_read, cpu_seconds, timed, warehouse_for

from alignment import catalog, journey, sqlfiles, warehouse

QUERIES = ("account_header", "account_timeline", "account_deals")


def busiest_account(reader: warehouse.Reader) -> tuple[str, int]:
    cursor = reader.cursor()
    try:
        return cursor.execute("SELECT account_id, count(*) AS n FROM people WHERE account_id IS NOT NULL "
                              "GROUP BY account_id ORDER BY n DESC, account_id LIMIT 1").fetchall()[0]
    finally:
        cursor.close()


def scanned_columns(reader: warehouse.Reader, parameters: dict) -> dict[str, list[str]]:
    """The tables and columns the account's queries read, from DuckDB's plans of them."""
    queries = []
    for name in QUERIES:
        sql = sqlfiles.query(name)
        queries.append((sql, {k: v for k, v in parameters.items() if "$" + k in sql}))
    return {table: found for table, found in columns_read(reader, queries).items() if found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["S", "M", "L"], default="S")
    parser.add_argument("--quarter", default="2026-Q2")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    reader = warehouse.Reader(warehouse_for(args.scale))
    account, people = busiest_account(reader)
    as_of = warehouse.dataset_info(reader).latest_record_at
    definitions = catalog.Definitions()

    started, started_cpu = time.perf_counter(), time.process_time()
    credited = journey.attribute_all(reader, definitions)
    attribution_wall, attribution_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    started, started_cpu = time.perf_counter(), time.process_time()
    groups = journey.buying_groups(reader, {"quarter": args.quarter}, definitions)
    groups_wall, groups_cpu = time.perf_counter() - started, time.process_time() - started_cpu

    def one_journey():
        head = journey.header(reader, account, as_of)
        events = journey.timeline(reader, account)
        credit = journey.credit(reader, account, definitions, credited)
        mine = groups[groups["account_id"] == account]
        return head, events, credit, mine

    wall, (head, events, credit, mine) = timed(one_journey, args.repeats, "journey")
    scanned = scanned_columns(reader, {"account_id": account, "as_of": as_of, "window_days": journey.RECENT_DAYS})
    scan, _ = timed(lambda: bare_scan(reader, scanned), args.repeats, "scan")
    load = os.getloadavg()
    print(f"scale {args.scale}: account {account} ({people:,} people, {len(events):,} journey events, "
          f"{credit.attrs['deals']} deals, {len(mine)} open at the end of {args.quarter}); "
          f"{warehouse.FORMAT_VERSION=}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on "
          f"{os.cpu_count()} cores")
    print(f"one account's journey (median of {args.repeats}, warm): {wall * 1000:.0f} ms wall, "
          f"{cpu_seconds['journey'] * 1000:.0f} ms CPU; bare scan of the {sum(len(c) for c in scanned.values())} "
          f"columns its queries read: {scan * 1000:.0f} ms wall, {cpu_seconds['scan'] * 1000:.0f} ms CPU -> "
          f"{wall / scan:.1f}x wall, {cpu_seconds['journey'] / cpu_seconds['scan']:.1f}x CPU; "
          f"budget 300 ms: {'met' if wall <= 0.3 else 'MISSED'}")
    print(f"once per warehouse and charter (cold, cached by the page): every deal's attribution "
          f"{attribution_wall:.2f} s wall, {attribution_cpu:.2f} s CPU ({len(credited):,} rows); the quarter's buying "
          f"groups {groups_wall:.2f} s wall, {groups_cpu:.2f} s CPU ({len(groups):,} open deals)")
    print("columns scanned: " + "; ".join(f"{t}({', '.join(c)})" for t, c in scanned.items()))


if __name__ == "__main__":
    main()
