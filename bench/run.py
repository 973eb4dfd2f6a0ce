"""Every benchmark of DESIGN §10 in one run, each against its baseline measured in the same run, with peak memory.

Usage: python bench/run.py --scale S|M|L|XL [--only import,scorecard,attribution,page,board_pack] [--repeats N]

Each bench runs in a process of its own, so each peak resident set (sampled every 20 ms while the timed work runs)
is that bench's alone. The result is a markdown table (the form of bench/RESULTS.md) on standard output: wall and CPU
time (the process, all threads, DuckDB's included) of each measurement and of its baseline, both ratios, and the load
average at the start. Ratio targets are judged on CPU time; when the 1-minute load average at the start is above the
core count the figures are printed with "noisy" and no verdict.
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

from verdict import Load, load_snapshot, verdict  # noqa: E402

END_QUARTER = "2026-Q2"  # the bench warehouses' last quarter (bench/scorecard.py builds them so)
BENCHES = ("import", "scorecard", "attribution", "page", "board_pack")
SCALES = ("S", "M", "L", "XL")
# DESIGN §10's targets for the scale they are set for; a run at S or M is judged against none of them.
TARGETS = {
    "L": {"import_ratio": 1.5, "import_gb": 4, "scorecard_seconds": 1.0, "scorecard_ratio": 3,
          "attribution_seconds": 15, "attribution_gb": 4},
    "XL": {"import_ratio": 1.5, "import_gb": 24, "scorecard_seconds": 3.0, "scorecard_ratio": 3,
           "attribution_seconds": 60, "attribution_gb": 24},
}


def targets(scale: str) -> tuple[str, dict]:
    """The scale whose targets apply to a run at `scale` (XL its own, every other L's), and those targets."""
    judged = scale if scale in TARGETS else "L"
    return judged, TARGETS[judged]


def measurement(name: str, seconds: float | None, baseline: str = "", baseline_seconds: float | None = None,
                target: str = "", met: bool | None = None, peak_mb: float | None = None, note: str = "",
                target_scale: str | None = None, cpu: float | None = None,
                baseline_cpu: float | None = None) -> dict:
    """One row of the results table: wall and CPU seconds (the process, all threads) of the work and of its baseline,
    with both ratios; `target_scale` is the scale a target is set for (None: every scale)."""
    ratio = seconds / baseline_seconds if seconds and baseline_seconds else None
    cpu_ratio = cpu / baseline_cpu if cpu and baseline_cpu else None
    return {"name": name, "seconds": seconds, "baseline": baseline, "baseline_seconds": baseline_seconds,
            "ratio": ratio, "cpu": cpu, "baseline_cpu": baseline_cpu, "cpu_ratio": cpu_ratio,
            "target": target + (f" (at {target_scale})" if target_scale else ""), "met": met,
            "peak_mb": peak_mb, "note": note, "target_scale": target_scale}


def median_time(action: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall and median CPU seconds of `repeats` runs."""
    from attribution import timed

    wall, cpu, _ = timed(action, repeats)
    return wall, cpu


def ratio_met(work: tuple[float, float], baseline: tuple[float, float], most: float) -> bool:
    """A ratio target judged on CPU time, which other jobs on the cores move far less than wall time."""
    return work[1] / baseline[1] <= most


# --- the benches (each runs in its own process) -------------------------------------------------------------------

def bench_import(scale: str, repeats: int) -> list[dict]:
    """Import of the demo company's extracts vs DuckDB's bare read_csv of the same files (target ≤ 1.5× at L)."""
    from attribution import PeakRss
    from import_ratio import bare_read_csv_times

    from alignment import demo
    from alignment.ingest.load import import_extracts

    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp) / "extracts"
        counts = demo.write_extracts(folder, scale=scale, end_quarter=END_QUARTER, currencies=("USD",))
        size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        bare, ours = [], []
        with PeakRss() as bare_rss:
            for attempt in range(repeats):
                bare.append(bare_read_csv_times(folder, Path(tmp) / f"bare{attempt}.duckdb"))
        with PeakRss() as import_rss:
            for _ in range(repeats):
                started, cpu = time.perf_counter(), time.process_time()
                import_extracts([folder], db_path=Path(tmp) / "data" / "warehouse.duckdb", user="bench",
                                roots=[folder])
                ours.append((time.perf_counter() - started, time.process_time() - cpu))
    best, best_bare = min(ours, key=lambda t: t[1]), min(bare, key=lambda t: t[1])
    judged, target = targets(scale)
    return [
        measurement(f"import ({sum(counts.values()):,} rows, {len(counts)} files, {size_mb:.0f} MB)", best[0],
                    "bare read_csv", best_bare[0],
                    f"≤ {target['import_ratio']}× bare read_csv (CPU), ≤ {target['import_gb']} GB",
                    ratio_met(best, best_bare, target["import_ratio"])
                    and import_rss.peak <= target["import_gb"] * 1024,
                    import_rss.peak, f"least CPU of {repeats}; bare read_csv peak {bare_rss.peak:.0f} MB",
                    target_scale=judged,
                    cpu=best[1], baseline_cpu=best_bare[1]),
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
    judged, target = targets(scale)
    return [
        measurement(f"scorecard, {len(headline)} metrics × 8 quarters (warm)", full[0], "bare scan of its columns",
                    scan[0],
                    f"≤ {target['scorecard_seconds']:g} s and ≤ {target['scorecard_ratio']}× bare scan (CPU)",
                    full[0] <= target["scorecard_seconds"] and ratio_met(full, scan, target["scorecard_ratio"]),
                    rss.peak, f"median of {repeats}", target_scale=judged, cpu=full[1], baseline_cpu=scan[1]),
        measurement(f"pandas version of {len(in_pandas)} of them (compute only, loaded frames)", pandas[0],
                    "the catalog's scorecard of the same metrics", subset[0], "", None, pandas_rss.peak,
                    "ratio: how many times slower pandas is", cpu=pandas[1], baseline_cpu=subset[1]),
    ]


def bench_attribution(scale: str, repeats: int) -> list[dict]:
    """All seven rule-based models, in one pass (every deal's rows, and added up per campaign as the campaign pages
    read them) and as seven calls, vs a bare scan of the touches they read."""
    from attribution import MODELS, PeakRss, bare_scan, check_totals, combined, crm_totals, per_campaign, separate
    from scorecard import warehouse_for

    from alignment import warehouse

    reader = warehouse.Reader(warehouse_for(scale))
    totals = crm_totals(reader)
    bare_scan(reader)
    scan = median_time(lambda: bare_scan(reader), max(3, repeats))
    rows = []
    for label, action, bases in (("one pass", combined, ("pipeline", "bookings")),
                                 ("per campaign, one pass", per_campaign, ("pipeline", "bookings")),
                                 ("7 separate calls", separate, ("pipeline",))):
        seconds, cpu, peak = 0.0, 0.0, 0.0
        for basis in bases:
            credited: dict = {}

            def run(basis=basis, credited=credited) -> None:
                credited.update(action(reader, basis))
            with PeakRss() as rss:
                wall_once, cpu_once = median_time(run, 1)
            seconds, cpu = seconds + wall_once, cpu + cpu_once
            check_totals(credited, totals[basis], f"{label}, {basis}")  # every model credits exactly the CRM total
            peak = max(peak, rss.peak)
        judged, target = targets(scale)
        rows.append(measurement(f"attribution, {len(MODELS)} models, {label} ({' + '.join(bases)})", seconds,
                                "bare scan of touches",
                                scan[0], f"≤ {target['attribution_seconds']} s, ≤ {target['attribution_gb']} GB",
                                seconds <= target["attribution_seconds"] and peak <= target["attribution_gb"] * 1024,
                                peak, "totals equal the CRM's (asserted)", target_scale=judged,
                                cpu=cpu, baseline_cpu=scan[1]))
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
        # Signed in as the log-in form signs a viewer in: an account of the app's secrets, its password checked.
        accounts = {users.USERS_SECTION: {"bench": {"role": "viewer",
                                                    "password_hash": users.hash_password("bench password")}}}
        at.secrets[users.USERS_SECTION] = accounts[users.USERS_SECTION]
        at.session_state[auth.USER_KEY] = users.authenticate("bench", "bench password", secrets=accounts, demo=False)
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
    return [measurement("scorecard page re-run (cached, AppTest)", rerun[0], "AppTest re-running a one-line script",
                        harness_seconds[0], "≤ 150 ms", rerun[0] <= 0.150, rss.peak,
                        f"median of {repeats}; first run {cold:.1f} s", cpu=rerun[1],
                        baseline_cpu=harness_seconds[1])]


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
    return [measurement("board pack: content + PPTX + PDF + XLSX (warm)", total[0], "bare scan of the scorecard's "
                        "columns", scan[0], "≤ 10 s", total[0] <= 10, rss.peak, f"median of {repeats}",
                        target_scale="M", cpu=total[1], baseline_cpu=scan[1])]


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
    import duckdb

    return (f"{os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}, DuckDB {duckdb.__version__}")


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def table(scale: str, rows: list[dict], load: Load) -> str:
    """The results in the form of bench/RESULTS.md: wall and CPU beside each other, both ratios, and a verdict per
    row only when the load at the start allowed one."""
    lines = ["| scale | measured | wall | CPU | baseline (same run) | baseline wall | baseline CPU | ratio wall | "
             "ratio CPU | target | met | peak RSS | note |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(" | ".join([
            f"| {scale}", row["name"], _seconds(row["seconds"]), _seconds(row.get("cpu")), row["baseline"] or "—",
            _seconds(row["baseline_seconds"]), _seconds(row.get("baseline_cpu")), _ratio(row["ratio"]),
            _ratio(row.get("cpu_ratio")), row["target"] or "—", row_verdict(row, scale, load),
            f"{row['peak_mb'] / 1024:.2f} GB" if row["peak_mb"] else "—", row["note"]]) + " |")
    return "\n".join(lines)


def _ratio(value: float | None) -> str:
    return f"{value:.2f}×" if value else "—"


def row_verdict(row: dict, scale: str, load: Load) -> str:
    """met / missed; n/a for a target set at another scale; "noisy" when the load forbids a verdict."""
    if row["met"] is None:
        return "—"
    if row.get("target_scale") not in (None, scale):
        return f"n/a at {scale}"
    if load.noisy:
        return "noisy"
    return "**met**" if row["met"] else "**missed**"


def checks(scale: str, rows: list[dict]) -> list[tuple[str, bool | None]]:
    """The targets this run can judge: those set for its scale (or for every scale)."""
    return [(f"{row['name']}: {row['target']}", row["met"]) for row in rows
            if row["met"] is not None and row.get("target_scale") in (None, scale)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=SCALES, default="S")
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
    load = load_snapshot()
    print(f"Machine: {machine()}; {load} at the start", flush=True)
    rows = []
    for name in chosen:
        started = time.perf_counter()
        found = run_bench(name, args.scale, args.repeats)
        rows.extend(found)
        print(f"{name}: done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print(table(args.scale, rows, load))
    print(verdict(load, checks(args.scale, rows)))


if __name__ == "__main__":
    main()
