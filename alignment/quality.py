"""Data-quality checks: audit queries over the warehouse that should return no rows; reported, never blocking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb

from alignment import sqlfiles

if TYPE_CHECKING:  # the import reports findings too, and need not load pandas for that
    import pandas as pd


@dataclass(frozen=True)
class QualityCheck:
    name: str
    title: str
    description: str
    count: int
    severity: str


AUDITS: tuple[sqlfiles.SqlFile, ...] = tuple(sqlfiles.folder(sqlfiles.SQL_DIR / "audits", "audit").values())
"""The audits (sql/audits/), each a query of the rows that break a rule; "warning" skews numbers, "info" limits what
can be shown."""
BY_NAME = {audit.name: audit for audit in AUDITS}
# What the import warns about in the words and counts of data quality: rows of the first table an audit reads.
IMPORT_FINDINGS = tuple(audit for audit in AUDITS if audit.import_warning)


NOT_MEASURED_PREFIX = "not_measured_"


def _not_measured(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, list[str]]]:
    """Each input the data lacks that a headline metric needs → (why, the titles of the metrics it leaves not
    measured)."""
    from alignment import catalog

    missing = catalog.missing_inputs(con)
    needed = {name: [m.title for m in catalog.headline_metrics() if name in m.needs] for name in missing}
    # An input no headline metric needs (stage history, stage counts) leaves no number empty: not a finding.
    return {name: (reason, needed[name]) for name, reason in missing.items() if needed[name]}


def run_checks(con: duckdb.DuckDBPyConnection) -> list[QualityCheck]:
    """Every audit with the number of rows it finds, then one check per input the data lacks, counting the headline
    metrics it leaves not measured (the sign-off checklist shows them all)."""
    cursor = con.cursor()
    checks = [
        QualityCheck(a.name, a.title, a.description, cursor.execute(sqlfiles.count_of(a.sql)).fetchall()[0][0],
                     a.severity)
        for a in AUDITS
    ]
    for name, (reason, titles) in _not_measured(con).items():
        checks.append(QualityCheck(
            NOT_MEASURED_PREFIX + name, f"Not measured: {reason}",
            "These metrics show no number (never a zero) until it is loaded: " + ", ".join(titles) + ".",
            len(titles), "warning"))
    return checks


def check_rows(con: duckdb.DuckDBPyConnection, name: str, limit: int = 1000) -> pd.DataFrame:
    """The records an audit finds (at most `limit`); for an input the data lacks, the metrics it leaves unmeasured."""
    if name.startswith(NOT_MEASURED_PREFIX):
        import pandas as pd

        reason, titles = _not_measured(con).get(name.removeprefix(NOT_MEASURED_PREFIX), ("", []))
        return pd.DataFrame({"metric": titles, "not_measured_because": [reason] * len(titles)})
    audit = BY_NAME[name]
    return con.cursor().execute(sqlfiles.first_rows(audit.sql), {"limit": limit}).df()
