"""The demo company's background build: one build at a time, its progress readable, a failure kept until retried."""

from __future__ import annotations

import threading
import time

from alignment.demo import BackgroundBuild


def _wait(build: BackgroundBuild) -> None:
    deadline = time.monotonic() + 5
    while build.state.running:
        assert time.monotonic() < deadline, "the build did not end"
        time.sleep(0.01)


def test_many_callers_starting_together_build_once_and_see_its_progress(tmp_path):
    calls, release, seen = [], threading.Event(), []

    def build(path, progress):
        calls.append(path)
        progress(0.5, "Halfway")
        release.wait(5)

    target = BackgroundBuild(tmp_path / "warehouse.duckdb", build=build)
    callers = [threading.Thread(target=lambda: seen.append(target.start())) for _ in range(8)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    deadline = time.monotonic() + 5
    while target.state.message != "Halfway":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert target.state.running and target.state.fraction == 0.5
    assert all(state.running for state in seen)
    release.set()
    _wait(target)
    assert calls == [tmp_path / "warehouse.duckdb"]
    assert target.state.fraction == 1.0 and target.state.error is None


def test_a_failed_build_says_why_and_runs_again_only_when_retried(tmp_path):
    attempts = []

    def build(path, progress):
        attempts.append(path)
        if len(attempts) == 1:
            raise OSError("the data folder is read-only")

    target = BackgroundBuild(tmp_path / "warehouse.duckdb", build=build)
    target.start()
    _wait(target)
    assert target.state.error == "the data folder is read-only" and not target.state.running
    target.start()  # a page re-running does not start it over by itself
    _wait(target)
    assert len(attempts) == 1 and target.state.error
    target.retry()
    _wait(target)
    assert len(attempts) == 2 and target.state.error is None and target.state.fraction == 1.0
