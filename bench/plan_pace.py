"""Plan, pace and forecast speed for one quarter vs a bare DuckDB scan of the columns they read, in one run.

`python bench/plan_pace.py --scale S|M|L` reads bench/out/demo-<scale>.duckdb (built when missing, an upgraded copy
when an earlier version wrote it, as bench/scorecard.py makes). The demo's data ends on the last day of --quarter;
pace is measured on --as-of (a day inside it, week 8 by default) for a charter planning the funnel's numbers (each
target 10 % above the quarter before), the forecast on the data's as-of day. Target (issue 21): each within 1 s warm
and ≤ 3× a bare scan of the columns it reads (DuckDB's own plans of its queries say which), the ratio measured here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from scorecard import bare_scan, columns_read, cpu_seconds, timed, warehouse_for  # noqa: E402

from alignment import catalog, forecast, pacing, sqlfiles, warehouse, waterfall  # noqa: E402
from alignment.catalog import Filters  # noqa: E402
from alignment.charter import Charter  # noqa: E402
from alignment.periods import Quarter  # noqa: E402

TARGET_SECONDS = 1.0
TARGET_RATIO = 3.0
PLANNED = ("inquiries", "mqls", "sals", "sqls", "opportunities_created", "pipeline", "bookings", "marketing_spend",
           "win_rate_count", "sla_met_share")
"""The numbers the bench's charter plans: the funnel's stages, spend, and two rates (paced without a curve)."""


def bench_charter(reader: warehouse.Reader, quarter: Quarter) -> Charter:
    """The quarter's charter with every PLANNED number's target 10 % above its value in the quarter before."""
    before = Filters(quarter=quarter.shift(-1))
    targets = {name: round(float(catalog.value(reader, name, before) or 0) * 1.1, 4) for name in PLANNED}
    return Charter(quarter=str(quarter), definitions={"targets": targets})


def pace_queries(charter: Charter, quarter: Quarter, as_of: dt.date) -> list[tuple[str, dict]]:
    """The LATERAL query pacing runs for each planned number (its windows as pacing builds them)."""
    filters, definitions = Filters(quarter=quarter), charter.definitions
    # the same columns whatever the windows: the first past quarter and the quarter to date stand for all of them
    return [_window_query(name, filters, definitions, first, after) for name in PLANNED
            for first, after in ((quarter.shift(-4).first_day, quarter.shift(-4).end_day),
                                 (quarter.first_day, as_of + dt.timedelta(days=1)))]


def _window_query(name: str, filters: Filters, definitions, first: dt.date, after: dt.date) -> tuple[str, dict]:
    bounds = catalog.window_bounds(filters.quarter.calendar, [(first, after)])
    return catalog._trend_query("lateral", catalog.spec(name), filters, definitions, bounds)


def forecast_queries(charter: Charter, quarter: Quarter) -> list[tuple[str, dict]]:
    """The forecast's queries: its open deals, the window's stage history, bookings to date, the trailing win rate."""
    filters, definitions = Filters(quarter=quarter), charter.definitions
    sources = {name: catalog.PARAMETERS[name].value(filters, definitions)
               for name in ("source_names", "source_categories")}
    scope = {"region": None, "segment": None}
    return [(sqlfiles.query("forecast_open_deals"), {**scope, **sources, "quarter_start": quarter.start,
                                                      "quarter_end": quarter.end}),
            (sqlfiles.query("forecast_stage_history"), {**scope, "window_start": quarter.shift(-4).start,
                                                         "window_end": quarter.start}),
            _window_query("bookings", filters, definitions, quarter.first_day, quarter.end_day),
            _window_query("win_rate_value", filters, definitions, quarter.shift(-4).first_day, quarter.first_day)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["S", "M", "L"], default="S")
    parser.add_argument("--quarter", default="2026-Q2")
    parser.add_argument("--as-of", help="the day pace is measured on (default: the quarter's 56th day, week 8)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    reader = warehouse.Reader(warehouse_for(args.scale))
    quarter = Quarter.parse(args.quarter)
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else quarter.first_day + dt.timedelta(days=55)
    charter = bench_charter(reader, quarter)
    plan = waterfall.Plan(quarter=str(quarter), bookings_target=charter.definitions.targets["bookings"])
    people = reader.cursor().execute("SELECT count(*) FROM people").fetchall()[0][0]
    print(f"scale {args.scale}: {people:,} people; quarter {quarter}; pace as of {as_of}; "
          f"{len(PLANNED)} planned numbers; load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")

    # Each part: (name, what it runs, the queries whose columns its bare scan reads).
    parts = [
        ("pace", lambda: pacing.pace(reader, charter, as_of=as_of), pace_queries(charter, quarter, as_of)),
        ("forecast", lambda: forecast.forecast(reader, charter), forecast_queries(charter, quarter)),
        ("plan", lambda: waterfall.work_out(reader, plan, charter.definitions, as_of=as_of),
         [waterfall.rates_query(quarter, plan.window_quarters(as_of), definitions=charter.definitions)]),
    ]
    verdicts = []
    for name, action, queries in parts:
        scanned = columns_read(reader, queries)
        wall, result = timed(action, args.repeats, name)
        scan, _ = timed(lambda scanned=scanned: bare_scan(reader, scanned), args.repeats, name + " scan")
        ratio, cpu_ratio = wall / scan, cpu_seconds[name] / cpu_seconds[name + " scan"]
        met = wall <= TARGET_SECONDS and ratio <= TARGET_RATIO
        verdicts.append(met)
        print(f"{name} (median of {args.repeats}, warm): {wall:.3f} s wall, {cpu_seconds[name]:.3f} s CPU; bare "
              f"scan of the {sum(len(c) for c in scanned.values())} columns it reads: {scan:.3f} s wall, "
              f"{cpu_seconds[name + ' scan']:.3f} s CPU -> {ratio:.1f}x wall, {cpu_ratio:.1f}x CPU (target "
              f"<= {TARGET_SECONDS:.0f} s and <= {TARGET_RATIO:.0f}x: {'met' if met else 'missed'})")
        print(f"  columns read: " + "; ".join(f"{t}({', '.join(c)})" for t, c in scanned.items()))
        if name == "forecast":
            print(f"  {result.open_deals:,} open deals closing in the quarter; range: {result.range_method}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:.0f} MB; load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
