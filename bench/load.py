"""Concurrent sessions against a running dashboard, each signing in and walking the pages over Streamlit's websocket."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import random
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
sys.path[:0] = [str(ROOT), str(BENCH)]

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402
from streamlit.util import calc_hash  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

PAGES = ("scorecard", "funnel", "pipeline", "campaigns", "leads", "charter", "board-pack", "explore", "data")
"""The pages each session walks, by URL path, in this order (each session starts at a different one)."""
SIGN_IN_KEYS = ("auth_name", "auth_password", "auth_submit")
"""The sign-in form's widget keys: a widget's id ends with '-' and its key, whatever else the form holds."""
ACCOUNT = "bench-load"
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY: "ok", ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "ok",
        ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile error"}
"""script_finished statuses that end a run; FINISHED_EARLY_FOR_RERUN does not (st.rerun starts the next one)."""


class SessionError(RuntimeError):
    """A session cannot go on: its connection dropped, a run timed out, or sign-in did not open the dashboard."""


@dataclass
class PageRun:
    """One script run as the browser sees it: sent the rerun, received its script_finished."""

    page: str
    started: float  # time.monotonic() when the rerun was sent
    seconds: float
    errors: list[str] = field(default_factory=list)
    cold: bool = False  # no run of this page had finished on the server when this one started
    widgets: dict[str, str] = field(default_factory=dict, repr=False)  # widget id → element type
    alerts: list[str] = field(default_factory=list, repr=False)


class Session:
    """One browser tab: a websocket to /_stcore/stream, one script run at a time, the browser's message cache."""

    def __init__(self, url: str, *, timeout: float):
        self.stream = "ws" + url.removeprefix("http") + "/_stcore/stream"
        self.timeout = timeout
        self.cache: dict[str, ForwardMsg] = {}  # cacheable messages by hash; their hashes go with every rerun
        self.pages: dict[str, tuple[str, str]] = {}  # URL path → (page script hash, title), from the navigation
        self.socket = None

    async def __aenter__(self) -> "Session":
        # The subprotocol list is how the frontend connects too: "streamlit", then the XSRF token (none here).
        self.socket = await connect(self.stream, subprotocols=["streamlit"], max_size=None,
                                    open_timeout=self.timeout, ping_interval=None)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.socket.close()

    async def run(self, page: str = "", *, page_hash: str = "", widgets: list[WidgetState] = ()) -> PageRun:
        """Rerun the script on `page` (a URL path, or a page script hash when known) with these widget states, and
        read until its script_finished; exceptions shown, compile errors and "page not found" are its errors."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = ""
        state.page_script_hash = page_hash
        state.page_name = "" if page_hash else page
        state.widget_states.widgets.extend(widgets)
        state.cached_message_hashes.extend(self.cache)
        started, clock = time.monotonic(), time.perf_counter()
        run = PageRun(page=page, started=started, seconds=0.0)
        await self.socket.send(message.SerializeToString())
        while True:
            try:
                data = await asyncio.wait_for(self.socket.recv(), timeout=max(0.0, started + self.timeout
                                                                              - time.monotonic()))
            except TimeoutError:
                raise SessionError(f"{page or 'first run'}: no script_finished within {self.timeout:.0f} s") from None
            except Exception as error:  # the websocket library's own closing errors
                raise SessionError(f"{page or 'first run'}: connection dropped ({error})") from None
            if (status := self._read(data, run)) is not None:
                run.seconds = time.perf_counter() - clock
                if status != "ok":
                    run.errors.append(status)
                return run

    def _read(self, data: bytes, run: PageRun) -> str | None:
        """Note what one ForwardMsg says about the run; the run's outcome when it ends it, else None."""
        message = ForwardMsg()
        message.ParseFromString(data)
        kind = message.WhichOneof("type")
        if kind == "ref_hash":  # the server sent only the hash of a message this tab said it has
            message = self.cache.get(message.ref_hash, message)
            kind = message.WhichOneof("type")
        elif message.metadata.cacheable and message.hash:
            self.cache[message.hash] = message
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            element_type = element.WhichOneof("type")
            inner = getattr(element, element_type) if element_type else None
            if element_type == "exception":
                run.errors.append(f"exception shown: {inner.type}: {inner.message[:200]}")
            elif element_type == "alert":
                run.alerts.append(inner.body)
            if getattr(inner, "id", ""):
                run.widgets[inner.id] = element_type
        elif kind == "navigation":
            self.pages = {page.url_pathname: (page.page_script_hash, page.page_name)
                          for page in message.navigation.app_pages}
        elif kind == "page_not_found":
            run.errors.append(f"page not found: {message.page_not_found.page_name!r}")
        elif kind == "session_event" and message.session_event.WhichOneof("type") == "script_compilation_exception":
            run.errors.append(f"compile error: {message.session_event.script_compilation_exception.message[:200]}")
        elif kind == "script_finished":
            return DONE.get(message.script_finished)
        return None

    async def sign_in(self, name: str, password: str) -> tuple[PageRun, PageRun]:
        """Open the dashboard, fill the sign-in form (its widgets found by key) and submit it, as a person does."""
        form = await self.run()
        ids = {key: next((wid for wid in form.widgets if wid.endswith("-" + key)), None) for key in SIGN_IN_KEYS}
        if None in ids.values() or form.errors:
            missing = ", ".join(key for key, wid in ids.items() if wid is None)
            raise SessionError(f"the sign-in form: {'; '.join(form.errors) or 'no widget with key ' + missing}")
        submitted = await self.run(widgets=[
            WidgetState(id=ids["auth_name"], string_value=name),
            WidgetState(id=ids["auth_password"], string_value=password),
            WidgetState(id=ids["auth_submit"], trigger_value=True),
        ])
        if not {"funnel", "data"} <= set(self.pages) or self.pages["funnel"][1] == "Sign in":
            raise SessionError("signing in did not open the dashboard: "
                               + ("; ".join(submitted.errors + submitted.alerts) or "the sign-in form came back"))
        return form, submitted

    async def open(self, page: str) -> PageRun:
        """Open a page of the dashboard's navigation (by URL path) as a click in the sidebar does: by its script hash,
        which is the hash of its path (the default page's link is the bare address, so only the hash names it)."""
        wanted = calc_hash(page)
        if not any(page_hash == wanted for page_hash, _ in self.pages.values()):
            raise SessionError(f"no page at /{page}; the dashboard has {', '.join(self.pages)}")
        return await self.run(page, page_hash=wanted)


# --- the ramp ------------------------------------------------------------------------------------------------------

@dataclass
class Level:
    """One step of the ramp: every session's runs and what the server and this client spent meanwhile."""

    sessions: int
    server: str
    load_average: tuple[float, float, float]
    wall: float = 0.0
    server_cpu: float = 0.0
    server_memory: dict[str, float] = field(default_factory=dict)  # resident and peak resident MB at the level's end
    client_cpu: float = 0.0
    runs: list[PageRun] = field(default_factory=list)
    sign_ins: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # sessions that stopped: dropped, timed out, sign-in failed


class Server:
    """A dashboard server to drive: its URL, its process (for CPU time), and which pages have finished a run once."""

    def __init__(self, label: str, url: str, pid: int):
        self.label, self.url, self.pid = label, url, pid
        self.warm: set[str] = set()

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process, all its threads (DuckDB's included)."""
        with open(f"/proc/{self.pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mb(self) -> dict[str, float]:
        """The server process's resident memory now and its peak so far, in MB."""
        with open(f"/proc/{self.pid}/status") as handle:
            fields = dict(line.split(":", 1) for line in handle if ":" in line)
        return {"rss": int(fields["VmRSS"].split()[0]) / 1024, "peak": int(fields["VmHWM"].split()[0]) / 1024}


async def session_walk(server: Server, level: Level, number: int, args: argparse.Namespace, password: str,
                       deadline: float) -> None:
    """One simulated person: sign in, then open the pages in turn until `args.runs` page runs or the deadline."""
    await asyncio.sleep(random.uniform(0, args.stagger))  # people do not click in the same millisecond
    try:
        async with Session(server.url, timeout=args.timeout) as session:
            _, submitted = await session.sign_in(args.account, password)
            level.sign_ins.append(submitted.seconds)
            pages = args.pages[number % len(args.pages):] + args.pages[:number % len(args.pages)]
            for count in range(args.runs):
                if time.monotonic() >= deadline:
                    break
                page = pages[count % len(pages)]
                cold = page not in server.warm
                run = await session.open(page)
                run.cold = cold
                server.warm.add(page)
                level.runs.append(run)
                if args.think:
                    await asyncio.sleep(random.uniform(0.5, 1.5) * args.think)
    except SessionError as error:
        level.failures.append(f"session {number + 1}: {error}")
    except OSError as error:
        level.failures.append(f"session {number + 1}: cannot connect ({error})")


async def run_level(server: Server, sessions: int, args: argparse.Namespace, password: str) -> Level:
    level = Level(sessions=sessions, server=server.label, load_average=os.getloadavg())
    started, cpu, client_cpu = time.monotonic(), server.cpu_seconds(), time.process_time()
    deadline = started + args.seconds
    await asyncio.gather(*(session_walk(server, level, number, args, password, deadline)
                           for number in range(sessions)))
    level.wall = time.monotonic() - started
    level.server_cpu = server.cpu_seconds() - cpu
    level.client_cpu = time.process_time() - client_cpu
    level.server_memory = server.memory_mb()
    return level


# --- figures -------------------------------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100), interpolated between the two nearest values; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(level: Level) -> dict:
    cached = [run.seconds for run in level.runs if not run.cold]
    cold = [run.seconds for run in level.runs if run.cold]
    errors = [f"{run.page}: {error}" for run in level.runs for error in run.errors] + level.failures
    pages = {}
    for page in dict.fromkeys(run.page for run in level.runs):
        times = [run.seconds for run in level.runs if run.page == page and not run.cold]
        pages[page] = {"runs": len(times), "p50": percentile(times, 50), "p90": percentile(times, 90)}
    return {
        "server": level.server, "sessions": level.sessions, "load_average_at_start": level.load_average,
        "wall_seconds": level.wall, "page_runs": len(level.runs), "cached_runs": len(cached), "cold_runs": len(cold),
        "errors": len(errors), "error_examples": errors[:10],
        "p50": percentile(cached, 50), "p90": percentile(cached, 90), "p99": percentile(cached, 99),
        "cold_p50": percentile(cold, 50), "cold_max": max(cold, default=None),
        "sign_in_p50": percentile(level.sign_ins, 50),
        "runs_per_second": len(level.runs) / level.wall if level.wall else None,
        "server_cpu_seconds": level.server_cpu, "server_cores_busy": level.server_cpu / level.wall if level.wall else 0,
        "server_cpu_per_run": level.server_cpu / len(level.runs) if level.runs else None,
        "client_cpu_seconds": level.client_cpu, "server_rss_mb": level.server_memory.get("rss"),
        "server_peak_rss_mb": level.server_memory.get("peak"), "pages": pages,
        "cold_pages": {run.page: run.seconds for run in level.runs if run.cold},
    }


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def table(rows: list[dict]) -> str:
    """The levels as a markdown table (the form of bench/RESULTS.md)."""
    lines = ["| server | sessions | page runs (cached + cold) | errors | p50 | p90 | p99 | runs/s | server CPU / wall "
             "| CPU per run | server RSS (peak) | sign-in p50 | bench client CPU | load avg at start |", "|" + "---|" * 14]
    for row in rows:
        lines.append(
            f"| {row['server']} | {row['sessions']} | {row['cached_runs']} + {row['cold_runs']} | {row['errors']} "
            f"| {_s(row['p50'])} | {_s(row['p90'])} | {_s(row['p99'])} | {row['runs_per_second']:.1f} "
            f"| {row['server_cpu_seconds']:.1f} s / {row['wall_seconds']:.1f} s ({row['server_cores_busy']:.2f} cores) "
            f"| {_s(row['server_cpu_per_run'])} | {row['server_rss_mb']:.0f} MB ({row['server_peak_rss_mb']:.0f} MB) "
            f"| {_s(row['sign_in_p50'])} | {row['client_cpu_seconds']:.1f} s "
            f"| {' '.join(f'{x:.1f}' for x in row['load_average_at_start'])} |")
    return "\n".join(lines)


def page_table(row: dict) -> str:
    """Per page at one level: cached p50 / p90, and the cold first run when this level had it."""
    lines = [f"{row['server']}, {row['sessions']} sessions, per page (cached p50 / p90; first run):"]
    for page, figures in row["pages"].items():
        cold = row["cold_pages"].get(page)
        lines.append(f"  {page:<11} {figures['runs']:>4} runs  p50 {_s(figures['p50']):>8}  p90 {_s(figures['p90']):>8}"
                     + (f"  first run {_s(cold)}" if cold is not None else ""))
    return "\n".join(lines)


# --- the server ----------------------------------------------------------------------------------------------------

def _children() -> set[int]:
    found = set()
    for task in Path("/proc/self/task").iterdir():
        found |= {int(pid) for pid in (task / "children").read_text().split()}
    return found


@contextlib.contextmanager
def started_server(label: str, checkout: Path, db_path: Path, secrets_file: Path) -> Iterator[Server]:
    """`streamlit run app.py` of `checkout` on a free loopback port (the browser tests' way of starting it)."""
    from tests.browser.conftest import serve

    before = _children()
    with serve(db_path, secrets=secrets_file, root=checkout) as url:
        (pid,) = _children() - before
        yield Server(label, url, pid)


def prepare(out: Path, scale: str, role: str, account: str, labels: list[str]) -> tuple[dict[str, Path], Path, str]:
    """The demo warehouse (built once under bench/out), a folder per server linking to it (each server keeps its
    ledger beside its warehouse), and a secrets file with the bench account under a fresh password."""
    from scorecard import warehouse_for

    from alignment import users

    out.mkdir(parents=True, exist_ok=True)
    secrets_file = out / "secrets.toml"
    os.environ["ALIGNMENT_SECRETS"] = str(secrets_file)  # the server's key lives here too (inherited by servers)
    password = secrets.token_urlsafe(18)
    users.add_account(users.NewAccount(name=account, role=role, password=password), secrets_file, replace=True)
    source = warehouse_for(scale)
    folders = {}
    for label in labels:
        folder = out / label.replace(" ", "-")
        folder.mkdir(exist_ok=True)
        link = folder / "warehouse.duckdb"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(source)
        folders[label] = link
    return folders, secrets_file, password


def commit_of(checkout: Path) -> str:
    result = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True)
    dirty = subprocess.run(["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return (result.stdout.strip() or "unknown") + (" + uncommitted changes" if dirty else "")


# --- main ----------------------------------------------------------------------------------------------------------

def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Start the dashboard (`streamlit run app.py` on a free loopback port, on the demo company at "
                    "bench/out/demo-<scale>.duckdb, built when missing), then ramp up simulated sessions. Each session "
                    "opens a websocket as a browser tab does, signs in through the form with a bench account "
                    "(written to bench/out/load/secrets.toml with a fresh password) and opens the pages one after "
                    "the other. A page run is timed from the rerun request to its script_finished message; an error "
                    "is an exception shown on the page, a run that did not finish, or a dropped connection. Per "
                    "level it prints page runs, errors, p50/p90/p99 of cached page runs (a page's first runs on the "
                    "server, cold cache, are counted apart), throughput, the server process's CPU time beside the "
                    "wall time, its memory, and the load average at the start; the figures also go to "
                    "bench/out/load-<time>.json.",
        epilog="Examples: `python bench/load.py` (1, 5, 10, 20 sessions, 60 s or 27 page runs each); "
               "`python bench/load.py --sessions 20 --seconds 30`; A/B against an earlier commit in one run: "
               "`git worktree add ../before <commit>` then `python bench/load.py --before ../before` (levels "
               "alternate between the two servers, so both see the same machine load).")
    parser.add_argument("--sessions", default="1,5,10,20",
                        help="the ramp: comma-separated session counts, one level each (default 1,5,10,20)")
    parser.add_argument("--seconds", type=float, default=60,
                        help="a level stops starting page runs after this many seconds (default 60)")
    parser.add_argument("--runs", type=int, default=27,
                        help="page runs per session and level, at most (default 27: three walks of 9 pages)")
    parser.add_argument("--pages", default=",".join(PAGES),
                        help=f"URL paths of the pages walked, in order (default {','.join(PAGES)})")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a session waits between page runs, ±50%% at random (default 0: back to back)")
    parser.add_argument("--stagger", type=float, default=1.0,
                        help="sessions of a level start within this many seconds of each other (default 1)")
    parser.add_argument("--timeout", type=float, default=120,
                        help="a page run that has not finished after this many seconds ends its session (default 120)")
    parser.add_argument("--scale", choices=["S", "M", "L"], default="S", help="demo company size (default S)")
    parser.add_argument("--role", default="analyst", choices=["cmo", "vp_sales", "analyst", "viewer"],
                        help="the bench account's role (default analyst: sees every page's controls)")
    parser.add_argument("--before", type=Path,
                        help="another checkout of the dashboard to run the same ramp against, level by level "
                             "alternating with this one")
    parser.add_argument("--seed", type=int, default=17, help="random seed for the stagger and think times")
    args = parser.parse_args(argv)
    args.sessions = [int(n) for n in args.sessions.split(",") if n.strip()]
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    args.account = ACCOUNT
    return args


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    random.seed(args.seed)
    checkouts = {"before": args.before.resolve()} if args.before else {}
    checkouts["current"] = ROOT
    dbs, secrets_file, password = prepare(OUT / "load", args.scale, args.role, args.account, list(checkouts))
    started_at = dt.datetime.now().astimezone()
    print(f"{started_at:%Y-%m-%d %H:%M} · load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} · "
          f"{os.cpu_count()} cores · scale {args.scale} · pages {','.join(args.pages)} · think {args.think} s")
    rows: list[dict] = []
    with contextlib.ExitStack() as stack:
        servers = {}
        for label, checkout in checkouts.items():
            servers[label] = stack.enter_context(started_server(label, checkout, dbs[label], secrets_file))
            print(f"{label}: {checkout} at {commit_of(checkout)}, server pid {servers[label].pid}, "
                  f"{servers[label].url}")
        for sessions in args.sessions:
            for label, server in servers.items():
                level = asyncio.run(run_level(server, sessions, args, password))
                row = summary(level)
                rows.append(row)
                print(table([row]).splitlines()[-1], flush=True)
                for example in row["error_examples"][:3]:
                    print(f"    error: {example}")
    print()
    print(table(rows))
    for row in rows:
        if row["sessions"] == max(args.sessions) or row["cold_runs"]:
            print(page_table(row))
    result = OUT / f"load-{started_at:%Y%m%d-%H%M%S}.json"
    result.write_text(json.dumps({
        "started": started_at.isoformat(), "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "settings": {key: (str(value) if isinstance(value, Path) else value) for key, value in vars(args).items()},
        "servers": {label: {"checkout": str(path), "commit": commit_of(path)} for label, path in checkouts.items()},
        "levels": rows}, indent=2))
    print(f"figures written to {result.relative_to(ROOT)}")
    return 0 if all(row["errors"] == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
