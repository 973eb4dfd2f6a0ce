"""A real Chromium (Debian's) against `streamlit run app.py` started on a free port with a fresh, empty data folder."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real Chromium against a running dashboard")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as response:
            return response.read() == b"ok"
    except OSError:
        return False


@contextlib.contextmanager
def serve(db_path: Path, *, secrets: Path | None = None, root: Path = ROOT) -> Iterator[str]:
    """`streamlit run app.py` on a free port against the warehouse `db_path` (and the accounts of a `secrets` file,
    when given), from the checkout at `root` (this one unless another is given); yields its URL, then stops it."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = db_path.parent / "streamlit.log"
    log = open(log_path, "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         *(["--secrets.files", str(secrets)] if secrets else [])],
        cwd=root, env={**os.environ, "ALIGNMENT_DB": str(db_path)}, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture(scope="session")
def streamlit_server():
    """serve(db_path): a dashboard server on a given warehouse, as a context manager."""
    return serve


@pytest.fixture(scope="session")
def fresh_server(tmp_path_factory) -> Iterator[str]:
    """The dashboard as a first-time user starts it: no warehouse yet (so it builds the demo company)."""
    with serve(tmp_path_factory.mktemp("fresh-data") / "warehouse.duckdb") as url:
        yield url


def _sign_in(page, url: str, role: str = "analyst") -> None:
    """Open the dashboard at `url` and sign in with the demo company's account for `role` (cmo, vp_sales, analyst,
    viewer); the server's warehouse must be the demo company, whose accounts are listed on the log-in screen."""
    from playwright.sync_api import expect

    from alignment import users

    name = next(account for account, its_role in users.DEMO_ACCOUNTS.items() if its_role == role)
    page.goto(url)
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible(timeout=60_000)
    # On a fresh install the screen shows at once and the demo accounts once the demo company is built.
    expect(page.get_by_text("Demo accounts")).to_be_visible(timeout=120_000)
    page.get_by_role("textbox", name="User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(users.DEMO_PASSWORD)
    page.get_by_test_id("stBaseButton-secondaryFormSubmit").or_(
        page.get_by_test_id("stBaseButton-primaryFormSubmit")).click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_have_count(0, timeout=60_000)


@pytest.fixture(scope="session")
def sign_in():
    """sign_in(page, url, role="analyst"): open the dashboard and sign in as the demo account of that role."""
    return _sign_in
