"""First start in a real browser: server start to a usable sign-in form, and to the first page with numbers.

Usage: python bench/first_start.py [--repeats N]

Each run starts `streamlit run app.py` on a fresh, empty data folder (so the demo company is built, as on a fresh
clone after installs), opens Chromium on it and times, from the moment the server process is started:
- the sign-in form usable (its user-name box editable),
- the demo accounts listed (the demo company built),
- the first page with numbers (signed in as the demo analyst: the scorecard's tiles show values).
CPU is the server's (all its threads, the demo build's and DuckDB's included) at each moment; the load average is
printed at the start, and the verdict (≤ 10 s to the usable sign-in form) is withheld when the load is above the
core count.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH), str(ROOT / "tests" / "browser")]

from load import Server  # noqa: E402  (the server's CPU time from /proc)
from verdict import load_snapshot, verdict  # noqa: E402

TARGET_SECONDS = 10.0


def one_run(playwright, headless: bool = True) -> dict:
    from conftest import CHROMIUM, CHROMIUM_ARGS, serve
    from playwright.sync_api import expect

    from alignment import users

    with tempfile.TemporaryDirectory(prefix="bench-first-start-") as tmp:
        secrets = Path(tmp) / "secrets.toml"
        os.environ["ALIGNMENT_SECRETS"] = str(secrets)  # the server makes its key here, not in the checkout
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=headless)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        started = time.perf_counter()
        times: dict[str, tuple[float, float]] = {}
        with serve(Path(tmp) / "warehouse.duckdb") as url:
            server = Server("first start", url, _server_pid(url))

            def mark(name: str) -> None:
                times[name] = (time.perf_counter() - started, server.cpu_seconds())

            mark("server healthy")
            page.goto(url)
            expect(page.get_by_role("textbox", name="User name")).to_be_editable(timeout=120_000)
            mark("sign-in form usable")
            expect(page.get_by_text("Demo accounts")).to_be_visible(timeout=300_000)
            mark("demo company built")
            name = next(account for account, role in users.DEMO_ACCOUNTS.items() if role == "analyst")
            page.get_by_role("textbox", name="User name").fill(name)
            page.get_by_role("textbox", name="Password").fill(users.DEMO_PASSWORD)
            page.get_by_test_id("stBaseButton-primaryFormSubmit").or_(
                page.get_by_test_id("stBaseButton-secondaryFormSubmit")).click()
            expect(page.get_by_role("heading", name="Scorecard", exact=True)).to_be_visible(timeout=120_000)
            # The scorecard's first tile showing its value.
            tile = page.locator('[class*="st-key-scorecard_tile_"]').first.locator("strong").first
            expect(tile).to_have_text(re.compile(r"\d"), timeout=120_000)
            mark("first page with numbers")
            memory = server.memory_mb()
        browser.close()
    return {"times": times, "peak_mb": memory["peak"]}


def _server_pid(url: str) -> int:
    """The pid of the streamlit process listening on `url`'s port (the newest child of this process)."""
    port = int(url.rsplit(":", 1)[1])
    for entry in sorted(Path("/proc").iterdir(), key=lambda p: -int(p.name) if p.name.isdigit() else 0):
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
        if parent == os.getpid() and b"streamlit" in cmdline and str(port).encode() in cmdline:
            return int(entry.name)
    raise RuntimeError(f"no streamlit server on port {port}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    load = load_snapshot()
    print(f"{load} at the start")
    runs = []
    with sync_playwright() as playwright:
        for _ in range(args.repeats):
            runs.append(one_run(playwright))
    print("| run | moment | wall from server start | server CPU |")
    print("|---|---|---|---|")
    for number, run in enumerate(runs, 1):
        for moment, (wall, cpu) in run["times"].items():
            print(f"| {number} | {moment} | {wall:.1f} s | {cpu:.1f} s |")
        print(f"| {number} | server peak RSS | {run['peak_mb']:.0f} MB | |")
    usable = min(run["times"]["sign-in form usable"][0] for run in runs)
    print(verdict(load, [("first start to a usable sign-in form ≤ 10 s", usable <= TARGET_SECONDS)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
