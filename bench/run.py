"""Every benchmark of DESIGN §10 in one run, each against its baseline measured in the same run, with peak memory.

Usage: python bench/run.py --scale S|M|L [--only import,scorecard,attribution,page,board_pack] [--repeats N]

Each bench runs in a process of its own, so each peak resident set (sampled every 20 ms while the timed work runs)
is that bench's alone. The result is a markdown table (the form of bench/RESULTS.md) on standard output.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

END_QUARTER = "2026-Q2"  # the bench warehouses' last quarter (bench/scorecard.py builds them so)
BENCHES = ("import", "scorecard", "attribution", "page", "board_pack")


def measurement(name: str, seconds: float | None, baseline: str = "", baseline_seconds: float | None = None,
                target: str = "", met: bool | None = None, peak_mb: float | None = None, note: str = "",
                target_scale: str | None = None) -> dict:
    """One row of the results table; `target_scale` is the scale a target is set for (None: every scale)."""
    ratio = seconds / baseline_seconds if seconds and baseline_seconds else None
    return {"name": name, "seconds": seconds, "baseline": baseline, "baseline_seconds": baseline_seconds,
            "ratio": ratio, "target": target + (f" (at {target_scale})" if target_scale else ""), "met": met,
            "peak_mb": peak_mb, "note": note, "target_scale": target_scale}


def median_time(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# --- the benches (each runs in its own process) -------------------------------------------------------------------

def bench_import(scale: str, repeats: int) -> list[dict]:
    """Import of the demo company's extracts vs DuckDB's bare read_csv of the same files (target ≤ 1.5× at L)."""
    from attribution import PeakRss
    from import_ratio import bare_read_csv

    from alignment import demo
    from alignment.ingest.load import import_extracts

    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp) / "extracts"
        counts = demo.write_extracts(folder, scale=scale, end_quarter=END_QUARTER, currencies=("USD",))
        size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        bare, ours = [], []
        with PeakRss() as bare_rss:
            for attempt in range(repeats):
                bare.append(bare_read_csv(folder, Path(tmp) / f"bare{attempt}.duckdb"))
        with PeakRss() as import_rss:
            for _ in range(repeats):
                started = time.perf_counter()
                import_extracts([folder], db_path=Path(tmp) / "data" / "warehouse.duckdb", user="bench",
                                roots=[folder])
                ours.append(time.perf_counter() - started)
    ratio = min(ours) / min(bare)
    return [
        measurement(f"import ({sum(counts.values()):,} rows, {len(counts)} files, {size_mb:.0f} MB)", min(ours),
                    "bare read_csv", min(bare), "≤ 1.5× bare read_csv", ratio <= 1.5, import_rss.peak,
                    f"best of {repeats}; bare read_csv peak {bare_rss.peak:.0f} MB", target_scale="L"),
    ]


def bench_scorecard(scale: str, repeats: int) -> list[dict]:
    """The scorecard of a quarter vs a bare scan of the columns it reads and vs a straightforward pandas version."""
    import pandas_scorecard
    from attribution import PeakRss
    from scorecard import bare_scan, scanned_columns, warehouse_for

    from alignment import catalog, warehouse
    from alignment.periods import Quarter

    reader = warehouse.Reader(warehouse_for(scale))
    quarters = [Quarter.parse(END_QUARTER).shift(-offset) for offset in range(7, -1, -1)]
    headline = [metric.name for metric in catalog.headline_metrics()]
    in_pandas = [name for name in pandas_scorecard.METRICS if name in headline]
    scanned = scanned_columns(reader, END_QUARTER, headline)
    catalog.scorecard(reader, {"quarter": END_QUARTER})  # warm: the targets are for a warm scorecard
    bare_scan(reader, scanned)
    with PeakRss() as rss:
        full = median_time(lambda: catalog.scorecard(reader, {"quarter": END_QUARTER}), repeats)
    scan = median_time(lambda: bare_scan(reader, scanned), repeats)
    subset = median_time(lambda: catalog.scorecard(reader, {"quarter": END_QUARTER}, names=in_pandas),
                         repeats)
    with PeakRss() as pandas_rss:
        frames = pandas_scorecard.load(reader)
        pandas = median_time(lambda: pandas_scorecard.compute(frames, quarters), max(1, repeats // 2))
    return [
        measurement(f"scorecard, {len(headline)} metrics × 8 quarters (warm)", full, "bare scan of its columns",
                    scan, "≤ 1 s and ≤ 3× bare scan", full <= 1.0 and full / scan <= 3, rss.peak,
                    f"median of {repeats}", target_scale="L"),
        measurement(f"pandas version of {len(in_pandas)} of them (compute only, loaded frames)", pandas,
                    "the catalog's scorecard of the same metrics", subset, "", None, pandas_rss.peak,
                    "ratio: how many times slower pandas is"),
    ]


def bench_attribution(scale: str, repeats: int) -> list[dict]:
    """All seven rule-based models, in one pass and as seven calls, vs a bare scan of the touches they read."""
    from attribution import MODELS, PeakRss, bare_scan, check_totals, combined, crm_totals, separate
    from scorecard import warehouse_for

    from alignment import warehouse

    reader = warehouse.Reader(warehouse_for(scale))
    totals = crm_totals(reader)
    bare_scan(reader)
    scan = median_time(lambda: bare_scan(reader), max(3, repeats))
    rows = []
    for label, action, bases in (("one pass", combined, ("pipeline", "bookings")),
                                 ("7 separate calls", separate, ("pipeline",))):
        seconds, peak = 0.0, 0.0
        for basis in bases:
            credited: dict = {}

            def run(basis=basis, credited=credited) -> None:
                credited.update(action(reader, basis))
            with PeakRss() as rss:
                seconds += median_time(run, 1)
            check_totals(credited, totals[basis], f"{label}, {basis}")  # every model credits exactly the CRM total
            peak = max(peak, rss.peak)
        rows.append(measurement(f"attribution, {len(MODELS)} models, {label} ({' + '.join(bases)})", seconds,
                                "bare scan of touches", scan, "≤ 15 s, ≤ 4 GB", seconds <= 15 and peak <= 4096,
                                peak, "totals equal the CRM's (asserted)", target_scale="L"))
    return rows


def bench_page(scale: str, repeats: int) -> list[dict]:
    """A cached page re-run (AppTest), against the same harness re-running a one-line script."""
    from attribution import PeakRss
    from scorecard import warehouse_for
    from streamlit.testing.v1 import AppTest

    from alignment import users, warehouse
    from ui import auth

    source = warehouse_for(scale)
    with tempfile.TemporaryDirectory(prefix="bench-page-") as tmp:
        # A link, so what the app keeps beside its warehouse lands here and the bench file is only read.
        db_path = Path(tmp) / "warehouse.duckdb"
        db_path.symlink_to(source)
        os.environ[warehouse.DB_ENV] = str(db_path)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.session_state[auth.USER_KEY] = users.User(name="bench", role="viewer")
        started = time.perf_counter()
        at.run()
        cold = time.perf_counter() - started
        assert not at.exception, at.exception
        assert at.title[0].value == "Scorecard"
        with PeakRss() as rss:
            rerun = median_time(at.run, repeats)
        assert not at.exception, at.exception
        empty = Path(tmp) / "one_line.py"
        empty.write_text("import streamlit as st\nst.write('x')\n")
        harness = AppTest.from_file(str(empty)).run()
        harness_seconds = median_time(harness.run, repeats)
    return [measurement("scorecard page re-run (cached, AppTest)", rerun, "AppTest re-running a one-line script",
                        harness_seconds, "≤ 150 ms", rerun <= 0.150, rss.peak,
                        f"median of {repeats}; first run {cold:.1f} s")]


def bench_board_pack(scale: str, repeats: int) -> list[dict]:
    """The whole board pack (content from the catalog, then PPTX, PDF and XLSX) vs a bare scan of the scorecard's
    columns (the issue's target: ≤ 10 s at M)."""
    from attribution import PeakRss
    from scorecard import bare_scan, scanned_columns, warehouse_for

    from alignment import catalog, warehouse
    from alignment.board import pack as packs
    from alignment.board import pdf, pptx, xlsx

    reader = warehouse.Reader(warehouse_for(scale))
    scanned = scanned_columns(reader, END_QUARTER, [metric.name for metric in catalog.headline_metrics()])

    def whole() -> None:
        built = packs.build_pack(reader, END_QUARTER)
        for render in (pptx.render, pdf.render, xlsx.render):
            render(built)
    whole()  # warm, like the scorecard
    with PeakRss() as rss:
        total = median_time(whole, repeats)
    bare_scan(reader, scanned)
    scan = median_time(lambda: bare_scan(reader, scanned), repeats)
    return [measurement("board pack: content + PPTX + PDF + XLSX (warm)", total, "bare scan of the scorecard's "
                        "columns", scan, "≤ 10 s", total <= 10, rss.peak, f"median of {repeats}", target_scale="M")]


# --- the run ------------------------------------------------------------------------------------------------------

def run_bench(name: str, scale: str, repeats: int) -> list[dict]:
    """Run one bench in a fresh process and return its rows."""
    completed = subprocess.run([sys.executable, __file__, "--scale", scale, "--repeats", str(repeats),
                                "--bench", name], capture_output=True, text=True, cwd=ROOT)
    if completed.returncode != 0:
        tail = (completed.stderr.strip().splitlines() or ["(no output)"])[-1]
        return [measurement(name, None, note=f"failed: {tail[:200]}")]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            memory = f", {int(meminfo.readline().split()[1]) / 2 ** 20:.0f} GB RAM"
    except OSError:
        pass
    try:
        load = ", load average %.1f" % os.getloadavg()[0]
    except OSError:
        load = ""
    import duckdb

    return (f"{os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}, DuckDB {duckdb.__version__}{load} at the start")


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def table(scale: str, rows: list[dict]) -> str:
    lines = ["| scale | measured | time | baseline (same run) | baseline time | ratio | target | met | peak RSS | note |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        met = {True: "**met**", False: "**missed**", None: "—"}[row["met"]]
        if row["met"] is not None and row.get("target_scale") not in (None, scale):
            met = f"n/a at {scale}"
        lines.append(" | ".join([
            f"| {scale}", row["name"], _seconds(row["seconds"]), row["baseline"] or "—",
            _seconds(row["baseline_seconds"]), f"{row['ratio']:.2f}×" if row["ratio"] else "—",
            row["target"] or "—", met, f"{row['peak_mb'] / 1024:.2f} GB" if row["peak_mb"] else "—",
            row["note"]]) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["S", "M", "L"], default="S")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per measurement (median or best)")
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated benches to run")
    parser.add_argument("--bench", choices=BENCHES, help=argparse.SUPPRESS)  # one bench, in this process
    args = parser.parse_args()
    if args.bench:
        print(json.dumps(globals()["bench_" + args.bench](args.scale, args.repeats)))
        return
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(BENCHES))
    if unknown:
        parser.error(f"unknown bench {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    print(f"Machine: {machine()}", flush=True)
    rows = []
    for name in chosen:
        started = time.perf_counter()
        found = run_bench(name, args.scale, args.repeats)
        rows.extend(found)
        print(f"{name}: done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print(table(args.scale, rows))


if __name__ == "__main__":
    main()
