"""bench/run.py's verdict under load: CPU beside wall, both ratios, and no pass/fail above the core count."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    path = list(sys.path)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = path  # the bench puts its own folder first; the tests' imports stay as they were
    return module


verdict = _module("verdict")
run = _module("run")

QUIET = verdict.Load(one=1.2, five=1.0, fifteen=0.8, cores=2)
BUSY = verdict.Load(one=7.5, five=5.0, fifteen=3.1, cores=2)


def _rows():
    return [
        run.measurement("import", 60.0, "bare read_csv", 30.0, "≤ 1.5× bare read_csv (CPU)", True, 3000.0,
                        target_scale="L", cpu=90.0, baseline_cpu=65.0),
        run.measurement("scorecard", 0.9, "bare scan", 0.25, "≤ 1 s", False, 900.0, target_scale="L",
                        cpu=1.5, baseline_cpu=0.45),
        run.measurement("board pack", 4.0, "bare scan", 0.5, "≤ 10 s", True, 800.0, target_scale="M",
                        cpu=3.0, baseline_cpu=0.5),
    ]


def test_a_load_above_the_cores_gives_the_figures_and_no_verdict():
    assert BUSY.noisy and not QUIET.noisy
    assert not verdict.Load(one=2.0, five=0, fifteen=0, cores=2).noisy  # at the core count, every job has a core
    printed = verdict.verdict(BUSY, run.checks("L", _rows()))
    assert printed == "noisy: load 7.5 > 2 cores, no verdict (2 targets not judged)"
    table = run.table("L", _rows(), BUSY)
    assert "**met**" not in table and "**missed**" not in table
    assert table.count("| noisy |") == 2 and "n/a at L" in table  # the board pack's target is set at M
    assert "1.0 min" not in table and "60.00 s" in table and "1.50 s" in table  # wall and CPU both shown


def test_a_quiet_machine_gets_a_verdict_per_target_of_its_scale():
    printed = verdict.verdict(QUIET, run.checks("L", _rows()))
    assert printed.splitlines() == ["met: import: ≤ 1.5× bare read_csv (CPU) (at L)",
                                    "MISSED: scorecard: ≤ 1 s (at L)"]
    table = run.table("L", _rows(), QUIET)
    assert "| **met** |" in table and "| **missed** |" in table and "noisy" not in table
    assert verdict.verdict(QUIET, run.checks("S", _rows())) == "no targets in this run"


def test_ratios_are_given_for_wall_and_for_cpu_and_ratio_targets_are_judged_on_cpu():
    row = _rows()[0]
    assert row["ratio"] == 2.0 and abs(row["cpu_ratio"] - 90 / 65) < 1e-12
    assert "| 2.00× | 1.38× |" in run.table("L", [row], QUIET)
    assert run.ratio_met((60.0, 90.0), (30.0, 65.0), 1.5)  # 2.0× wall under load, 1.38× CPU: met
    assert not run.ratio_met((40.0, 100.0), (30.0, 65.0), 1.5)
    assert run.targets("XL")[0] == "XL" and run.targets("M")[0] == "L"
    assert run.targets("XL")[1]["scorecard_seconds"] == 3.0 and run.targets("XL")[1]["attribution_seconds"] == 60
