"""Whether a bench run may give a verdict: the load at its start against the cores, and wall beside CPU time."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Callable, Iterable


@dataclass(frozen=True)
class Load:
    """The load averages (1, 5 and 15 minutes) at a run's start and the cores they share."""

    one: float
    five: float
    fifteen: float
    cores: int

    @property
    def noisy(self) -> bool:
        """More runnable work than cores: every timing then waits for the CPU, so no verdict is given."""
        return self.one > self.cores

    def __str__(self) -> str:
        return f"load average {self.one:.1f} {self.five:.1f} {self.fifteen:.1f} on {self.cores} cores"


def load_snapshot() -> Load:
    return Load(*os.getloadavg(), cores=os.cpu_count() or 1)


def verdict(load: Load, checks: Iterable[tuple[str, bool | None]]) -> str:
    """One line per target: met or missed on a quiet machine; on a loaded one the figures stand without a verdict."""
    checks = [(label, met) for label, met in checks if met is not None]
    if load.noisy:
        return f"noisy: load {load.one:.1f} > {load.cores} cores, no verdict ({len(checks)} targets not judged)"
    return "\n".join(f"{'met' if met else 'MISSED'}: {label}" for label, met in checks) or "no targets in this run"


@dataclass(frozen=True)
class Timing:
    """Wall and CPU seconds of one measurement; CPU is the process's, all threads (DuckDB's included)."""

    wall: float
    cpu: float


def timed(action: Callable[[], object]) -> Timing:
    started, cpu = time.perf_counter(), time.process_time()
    action()
    return Timing(time.perf_counter() - started, time.process_time() - cpu)


def median_timing(action: Callable[[], object], repeats: int) -> Timing:
    """The median wall and the median CPU of `repeats` runs (each its own median)."""
    runs = [timed(action) for _ in range(max(1, repeats))]
    walls, cpus = sorted(run.wall for run in runs), sorted(run.cpu for run in runs)
    middle = len(runs) // 2
    if len(runs) % 2:
        return Timing(walls[middle], cpus[middle])
    return Timing((walls[middle - 1] + walls[middle]) / 2, (cpus[middle - 1] + cpus[middle]) / 2)


def best_timing(action: Callable[[], object], repeats: int) -> Timing:
    """The run with the least CPU of `repeats` runs (CPU is the figure that holds under load)."""
    return min((timed(action) for _ in range(max(1, repeats))), key=lambda run: run.cpu)
