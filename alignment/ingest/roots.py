"""Import roots: the server folders extracts may be read from, and the check that a path stays below one of them."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable

from alignment.ingest.problems import ImportRejected, Problem

ROOTS_ENV = "ALIGNMENT_IMPORT_ROOTS"
"""Folders (separated by os.pathsep, ':' on Linux) below which imports may read files."""
DEFAULT_ROOT = Path("data/imports")


def configured() -> tuple[Path, ...]:
    """The import roots of this server: $ALIGNMENT_IMPORT_ROOTS, else data/imports (relative to the working folder)."""
    named = [Path(entry) for entry in os.environ.get(ROOTS_ENV, "").split(os.pathsep) if entry.strip()]
    return tuple(named) or (DEFAULT_ROOT,)


def describe(roots: Iterable[Path]) -> str:
    """The roots as a user reads them in a message: 'data/imports or /srv/crm'."""
    return " or ".join(str(root) for root in roots)


def _below(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def real_roots(roots: Iterable[Path]) -> tuple[Path, ...]:
    """Each root with its own links followed (a root the server's owner made a link is where it leads)."""
    return tuple(Path(os.path.realpath(root)) for root in roots)


def _outside(given: Path, roots: Iterable[Path], what: str) -> Problem:
    return Problem(file=str(given), rule=(
        f"{what} outside the import folders ({describe(roots)}); copy the extracts into one of them, or have the "
        f"server's administrator add their folder to {ROOTS_ENV}"))


def checked(given: Path, roots: Iterable[Path], *, within: tuple[Path, ...] | None = None,
            missing: str = "no such file or folder; check the path") -> Path:
    """The real path of `given` (every link followed, `..` applied) when it is a folder or a regular file below one
    of `roots`; otherwise ImportRejected, before anything of the file is read.

    The real path is what callers open, so a link cannot be pointed elsewhere between this check and the read.
    Whether a path outside the roots exists is never said.
    """
    roots = tuple(roots)
    within = within or real_roots(roots)
    real = Path(os.path.realpath(given))
    if not _below(real, within):
        lexical = Path(os.path.abspath(given))
        if _below(lexical, within) or _below(lexical, tuple(Path(os.path.abspath(r)) for r in roots)):
            raise ImportRejected([_outside(given, roots, "is a link that leads")])
        raise ImportRejected([_outside(given, roots, "is")])
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        raise ImportRejected([Problem(file=str(given), rule=missing)]) from None
    except OSError as error:
        raise ImportRejected([Problem(file=str(given), rule=f"could not be read ({error.strerror})")]) from None
    if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
        raise ImportRejected([Problem(file=str(given), rule=(
            "is not a regular file (a device, pipe or socket); copy the extract into the folder as a plain file"))])
    return real
