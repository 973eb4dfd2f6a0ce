"""Whether a bench run may give a verdict: the load average at its start against the machine's cores."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable


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
