"""The one normal form of the names charters map (lead sources, channels, personas): `Paid Search` = `paid_search`."""

from __future__ import annotations

import re

SEPARATORS = re.compile(r"[ \t\n\r\f\v_-]+")
"""The same rule in SQL is the macro `name_key` (sql/macros/name_key.sql); tests/test_names.py holds the two to the same
answers."""


def key(name: object) -> str | None:
    """Lower case, runs of spaces, hyphens and underscores as one `_`, none at either end; None when nothing is left.

    Every comparison of a lead source, channel or persona with a charter's map goes through this rule (in SQL,
    `name_key`), so `Paid Search`, `paid-search` and ` PAID_SEARCH ` are one source.
    """
    if name is None:
        return None
    return SEPARATORS.sub("_", str(name).lower()).strip("_") or None


def keys(names) -> list[str]:
    """The keys of several names, in order, without the empty ones."""
    return [k for k in (key(n) for n in names) if k is not None]
