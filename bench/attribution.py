"""Attribution speed (issue 4 "Speed", DESIGN §10): the seven rule-based models vs a bare DuckDB scan, in one run.

`python bench/attribution.py --scale S|M|L` reuses (or builds) bench/out/demo-<scale>.duckdb, like bench/scorecard.py.
Over all opportunities (no quarter filter), on the pipeline and on the bookings basis, it times
- the seven rule-based models as seven separate `attribute` calls, and
- the same seven as one `attribute_models` pass,
- the same seven added up per campaign in one pass (`credited_by_campaign_models`, what the campaign pages read),
against a bare scan of the touches the models read (`count(*)`, min/max of the columns), and checks, per model and
basis, that the credited total equals the CRM's pipeline / bookings to the cent (asserted; a sanity check, not a test).

Memory: a sampler thread reads the process's resident set (VmRSS) every 20 ms, so each phase gets its own peak; the
process peak is `ru_maxrss`. DuckDB's own view (`duckdb_memory()`, `memory_limit`, `threads`) is printed too.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Self

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from alignment import attribution, warehouse  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from verdict import load_snapshot  # noqa: E402
from scorecard import add_warehouse_options, read_what, reader_for  # noqa: E402

MODELS = attribution.RULE_BASED_MODELS
BASES = attribution.BASES
# The columns the models read from touches (the big table); the rest (deals, links, MQL dates) is ≤ 2 M rows.
TOUCH_COLUMNS = ("person_id", "campaign_id", "touch_at", "channel")


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class PeakRss:
    """Peak resident set while the block runs, sampled every 20 ms."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb())
            self._stop.wait(0.02)

    def __enter__(self) -> Self:
        self.peak = rss_mb()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def timed(action, repeats: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds (the process, DuckDB's threads included) of `repeats` runs."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - started_cpu)
    return statistics.median(walls), statistics.median(cpus), result


def bare_scan(reader: warehouse.Reader) -> None:
    cursor = reader.cursor()
    parts = ["count(*)"] + [f"min({c}), max({c})" for c in TOUCH_COLUMNS]
    cursor.execute("SELECT " + ", ".join(parts) + " FROM touches").fetchall()  # constants of this file
    cursor.close()


def crm_totals(reader: warehouse.Reader) -> dict[str, float]:
    cursor = reader.cursor()
    pipeline, bookings = cursor.execute(
        "SELECT sum(amount), sum(amount) FILTER (WHERE is_won AND closed_at IS NOT NULL) FROM opportunity_facts"
    ).fetchall()[0]
    cursor.close()
    return {"pipeline": float(pipeline or 0), "bookings": float(bookings or 0)}


def check_totals(credited: dict[str, float], expected: float, label: str) -> None:
    for model, total in credited.items():
        assert round(total * 100) == round(expected * 100), (label, model, total, expected)
    missing = set(MODELS) - set(credited)
    assert not missing, (label, missing)


def separate(reader: warehouse.Reader, basis: str) -> dict[str, float]:
    credited = {}
    for model in MODELS:
        frame = attribution.attribute(reader, {"model": model, "basis": basis})
        credited[model] = float(frame["credited_amount"].sum())
    return credited


def combined(reader: warehouse.Reader, basis: str) -> dict[str, float]:
    frame = attribution.attribute_models(reader, {"basis": basis}, MODELS)
    return {model: float(total) for model, total in frame.groupby("model")["credited_amount"].sum().items()}


def per_campaign(reader: warehouse.Reader, basis: str) -> dict[str, float]:
    frame = attribution.credited_by_campaign_models(reader, {"basis": basis}, MODELS)
    return {model: float(total) for model, total in frame.groupby("model")["credited_amount"].sum().items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["S", "M", "L", "XL"], default="S")
    parser.add_argument("--repeats", type=int, default=1, help="timed runs of each phase (median); default 1")
    parser.add_argument("--skip-separate", action="store_true", help="time only the one-pass attribute_models")
    add_warehouse_options(parser)
    args = parser.parse_args()
    print(f"{load_snapshot()} at the start (CPU time is the figure to read when it is above the cores)")
    reader = reader_for(args)
    cursor = reader.cursor()
    touches, members, deals, people = cursor.execute(
        "SELECT (SELECT count(*) FROM touches), (SELECT count(*) FROM campaign_members), "
        "(SELECT count(*) FROM opportunity_facts), (SELECT count(*) FROM people)").fetchall()[0]
    limit, threads = cursor.execute("SELECT current_setting('memory_limit'), current_setting('threads')").fetchall()[0]
    cursor.close()
    totals = crm_totals(reader)
    print(f"{read_what(args)}: {people:,} people, {members:,} campaign members, {touches:,} touches "
          f"(responded), {deals:,} opportunities; DuckDB memory_limit {limit}, threads {threads}")
    print(f"CRM pipeline {totals['pipeline']:,.2f}, bookings {totals['bookings']:,.2f}")

    bare_scan(reader)  # warm the file's pages like the models' first read does
    with PeakRss() as scan_rss:
        scan_wall, scan_cpu, _ = timed(lambda: bare_scan(reader), max(3, args.repeats))
    print(f"bare scan of touches ({', '.join(TOUCH_COLUMNS)}): {scan_wall:.3f} s wall, {scan_cpu:.3f} s CPU; "
          f"peak RSS {scan_rss.peak:.0f} MB")

    rows = []
    phases = [("one pass (attribute_models)", combined), ("per campaign (one pass)", per_campaign)]
    if not args.skip_separate:
        phases.insert(0, ("7 separate attribute calls", separate))
    for label, action in phases:
        for basis in BASES:
            with PeakRss() as rss:
                wall, cpu, credited = timed(lambda action=action, basis=basis: action(reader, basis), args.repeats)
            check_totals(credited, totals[basis], f"{label}, {basis}")
            rows.append((label, basis, wall, cpu, rss.peak))
            print(f"{label:28s} {basis:8s}: {wall:7.2f} s wall ({wall / scan_wall:6.0f}x scan), "
                  f"{cpu:7.2f} s CPU ({cpu / scan_cpu:6.0f}x); peak RSS {rss.peak:6.0f} MB; "
                  f"totals equal the CRM's to the cent (asserted)")
        both = [r for r in rows if r[0] == label]
        wall, cpu = sum(r[2] for r in both), sum(r[3] for r in both)
        print(f"{label:28s} both    : {wall:7.2f} s wall ({wall / scan_wall:6.0f}x scan), {cpu:7.2f} s CPU")
    cursor = reader.cursor()
    duck = cursor.execute("SELECT sum(memory_usage_bytes), sum(temporary_storage_bytes) FROM duckdb_memory()"
                          ).fetchall()[0]
    cursor.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (ru_maxrss) {peak_mb:.0f} MB; DuckDB buffer memory now {(duck[0] or 0) / 2**20:.0f} MB, "
          f"temporary storage {(duck[1] or 0) / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
