"""Scorecard speed: catalog scorecard vs a bare DuckDB scan vs straightforward pandas, measured in one run.

`python bench/scorecard.py --scale S|M|L` builds (or reuses) bench/out/demo-<scale>.duckdb. The scorecard measured is
every headline metric for the quarter with its comparisons: the quarter, the one before, the same quarter last year and
the 8-quarter trend (8 quarters per metric, which include the two comparison quarters; one query per metric, see
catalog.TREND_STRATEGIES).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from alignment import catalog, demo, warehouse  # noqa: E402
from alignment.periods import Quarter  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
# The derived tables and columns the headline metrics read (after the import-time precomputation).
SCANNED = {
    "person_stage_dates": ["person_id", "region", "segment", "is_target_account", "persona", "inquiry_at",
                           "mql_recorded_at", "mql_backfilled_at", "sal_backfilled_at", "sql_backfilled_at",
                           "opportunity_backfilled_at", "won_recorded_at", "rejected_at", "disqualified_at",
                           "followed_up_backfilled_at"],
    "opportunity_facts": ["region", "segment", "created_at", "closed_at", "amount", "is_closed", "is_won", "source"],
    "touches": ["person_id", "touch_at", "funnel_role"],
    "people": ["created_at", "account_id"],
    "campaigns": ["campaign_id", "channel", "funnel_role", "start_date", "end_date", "actual_cost", "budgeted_cost"],
    "campaign_spend": ["campaign_id", "period_start", "amount"],
    "awareness_metrics": ["period_start", "metric", "value"],
}
# The metrics the pandas version implements (waterfall volumes and the deal numbers), from the raw tables.
PANDAS_METRICS = ["inquiries", "mqls", "sals", "sqls", "opportunities", "won", "pipeline", "bookings",
                  "opportunities_created", "win_rate_count", "win_rate_value"]


def warehouse_for(scale: str) -> Path:
    path = OUT / f"demo-{scale}.duckdb"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        demo.build_demo(path, scale=scale, end_quarter="2026-Q2")
        print(f"built {path.name} in {time.perf_counter() - started:.0f} s")
    return path


# Other engineers' runs share the two cores: the process's CPU time (all its threads, DuckDB's included) is printed
# beside the wall time, as it moves much less with their load.
cpu_seconds: dict[str, float] = {}


def timed(action, repeats: int, label: str = "") -> tuple[float, object]:
    result = action()  # warm-up
    times, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = action()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    cpu_seconds[label] = statistics.median(cpu)
    return statistics.median(times), result


def bare_scan(reader: warehouse.Reader) -> None:
    cursor = reader.cursor()
    for table, columns in SCANNED.items():
        parts = ["count(*)"] + [f"min({c}), max({c})" for c in columns]
        cursor.execute("SELECT " + ", ".join(parts) + " FROM " + table).fetchall()  # constants of this file
    cursor.close()


def pandas_load(reader: warehouse.Reader) -> dict[str, pd.DataFrame]:
    cursor = reader.cursor()
    frames = {
        "people": cursor.execute("SELECT person_id, created_at, converted_opportunity_id FROM people").df(),
        "events": cursor.execute("SELECT person_id, stage, occurred_at FROM lifecycle_events").df(),
        "contacts": cursor.execute("SELECT opportunity_id, person_id FROM opportunity_contacts").df(),
        "deals": cursor.execute("SELECT opportunity_id, created_at, close_date, amount, is_closed, is_won "
                                "FROM opportunities").df(),
    }
    cursor.close()
    return frames


def pandas_compute(frames: dict[str, pd.DataFrame], quarters: list[Quarter]) -> dict[str, list]:
    people, events, contacts, deals = frames["people"], frames["events"], frames["contacts"], frames["deals"]
    deals = deals.assign(amount=deals["amount"].fillna(0), is_won=deals["is_won"].fillna(False).astype(bool),
                         is_closed=deals["is_closed"].fillna(False).astype(bool),
                         closed_at=pd.to_datetime(deals["close_date"]))
    firsts = (events[events["stage"].isin(["mql", "sal", "sql"])]
              .groupby(["person_id", "stage"])["occurred_at"].min().unstack())
    links = pd.concat([
        people.loc[people["converted_opportunity_id"].notna(), ["person_id", "converted_opportunity_id"]]
        .rename(columns={"converted_opportunity_id": "opportunity_id"}),
        contacts[["person_id", "opportunity_id"]]]).drop_duplicates()
    linked = links.merge(deals, on="opportunity_id")
    opp = linked.groupby("person_id")["created_at"].min()
    won = linked[linked["is_won"]].groupby("person_id")["closed_at"].min()
    stages = people[["person_id"]].set_index("person_id")
    for stage in ("mql", "sal", "sql"):
        stages[stage] = firsts[stage] if stage in firsts else pd.NaT
    stages["opportunity"], stages["won"] = opp, won
    stages["opportunity"] = stages["opportunity"].fillna(stages["won"])
    stages["sql"] = stages["sql"].fillna(stages["opportunity"])
    stages["sal"] = stages["sal"].fillna(stages["sql"])
    stages["mql"] = stages["mql"].fillna(stages["sal"])
    results: dict[str, list] = {name: [] for name in PANDAS_METRICS}
    for q in quarters:
        start, end = pd.Timestamp(q.start), pd.Timestamp(q.end)
        inside = lambda s: ((s >= start) & (s < end))  # noqa: E731
        results["inquiries"].append(int(inside(people["created_at"]).sum()))
        for stage, name in (("mql", "mqls"), ("sal", "sals"), ("sql", "sqls"), ("opportunity", "opportunities"),
                            ("won", "won")):
            results[name].append(int(inside(stages[stage]).sum()))
        created = deals[inside(deals["created_at"])]
        results["pipeline"].append(float(created["amount"].sum()))
        results["opportunities_created"].append(len(created))
        closing = deals[inside(deals["closed_at"])]
        won_deals, closed = closing[closing["is_won"]], closing[closing["is_closed"]]
        results["bookings"].append(float(won_deals["amount"].sum()))
        won_closed = closed[closed["is_won"]]
        results["win_rate_count"].append(len(won_closed) / len(closed) if len(closed) else None)
        total = closed["amount"].sum()
        results["win_rate_value"].append(float(won_closed["amount"].sum() / total) if total else None)
    return results


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["S", "M", "L"], default="S")
    parser.add_argument("--quarter", default="2026-Q2")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    reader = warehouse.Reader(warehouse_for(args.scale))
    quarters = [Quarter.parse(args.quarter).shift(-o) for o in range(7, -1, -1)]
    headline = [m.name for m in catalog.headline_metrics()]

    full, cards = timed(lambda: catalog.scorecard(reader, args.quarter), args.repeats, "scorecard")
    subset, subset_cards = timed(lambda: catalog.scorecard(reader, args.quarter, names=PANDAS_METRICS), args.repeats)
    scan, _ = timed(lambda: bare_scan(reader), args.repeats, "scan")
    load, frames = timed(lambda: pandas_load(reader), max(1, args.repeats // 2))
    compute, expected = timed(lambda: pandas_compute(frames, quarters), max(1, args.repeats // 2))
    for card in subset_cards:
        got = [point.value for point in card.trend]
        assert all(close(a, b) for a, b in zip(got, expected[card.name])), (card.name, got, expected[card.name])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    people = reader.cursor().execute("SELECT count(*) FROM people").fetchall()[0][0]
    print(f"scale {args.scale}: {people:,} people; quarter {args.quarter}; {len(headline)} headline metrics x 8 quarters")
    print(f"scorecard, all headline metrics (median of {args.repeats}, warm): {full:.3f} s")
    print(f"bare DuckDB scan of the columns read:            {scan:.3f} s  -> ratio {full / scan:.1f}x")
    print(f"CPU time (median): scorecard {cpu_seconds['scorecard']:.3f} s, bare scan {cpu_seconds['scan']:.3f} s "
          f"-> ratio {cpu_seconds['scorecard'] / cpu_seconds['scan']:.1f}x")
    print(f"scorecard, the {len(PANDAS_METRICS)} pandas-implemented metrics:     {subset:.3f} s")
    print(f"pandas, same {len(PANDAS_METRICS)} metrics: load {load:.3f} s + compute {compute:.3f} s = "
          f"{load + compute:.3f} s -> {(load + compute) / subset:.1f}x slower ({compute / subset:.1f}x compute only)")
    print(f"pandas numbers equal the catalog's: yes (asserted); peak RSS {peak_mb:.0f} MB")
    fallbacks = {name: how for name, how in catalog.trend_strategy.items() if how != catalog.TREND_STRATEGIES[0]}
    print(f"8-quarter trends: {len(headline) - len(fallbacks)} metrics in one LATERAL query each; fell back: "
          + (", ".join(f"{name} ({how})" for name, how in sorted(fallbacks.items())) or "none"))


if __name__ == "__main__":
    main()
