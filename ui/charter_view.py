"""A quarter's charter and its sign-off as tables and badges a CMO and a VP of Sales can read."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from alignment import catalog, currency, signoff
from alignment.board.pack import definition_rows
from alignment.catalog import Comparison
from alignment.charter import Charter
from alignment.periods import Quarter
from alignment.presentation import formats as fmt
from alignment.presentation import palette
from alignment.users import ROLE_TITLES
from ui.text import literal

POLICIES = {"backfill": "back-filled", "strict": "left empty"}
"""How the form names the stage policies."""
STATE_BADGES = {"draft": ("gray", ":material/edit_note:"), "proposed": ("orange", ":material/pending:"),
                "signed_by_one": ("blue", ":material/how_to_reg:"), "signed_by_both": ("green", ":material/verified:")}
KIND_TITLES = {"charter": "Charter saved", "propose": "Proposed", "sign": "Signed", "reopen": "Reopened"}


def calendar_note(quarter: Quarter) -> str:
    """Which days the quarter is and how they are cut, under the definitions: "FY27-Q1 is 1 Feb – 30 Apr 2026. …"."""
    return (f"{quarter} is {quarter.dates}. {quarter.calendar.describe()} Pipeline is dated by when a deal was "
            "created (an instant, in UTC) and bookings by its close date (a day of the company's own calendar), "
            "so a deal won on the quarter's last day counts in it wherever the time zone lies.")


def definitions_table(charter: Charter, money: currency.CurrencySettings | None = None) -> pd.DataFrame:
    """One row per definition option of the charter: its name, its value in force and what it means (the same
    rows as the board pack's definitions appendix), for st.table, which reads each cell as Markdown: the values in
    force hold names from the data (lead sources, channels, personas), shown as written. With the warehouse's
    currency settings (`money`), a last row says the currency and the rates amounts are converted at."""
    rows = [[literal(cell) for cell in row] for row in definition_rows(charter.definitions, money)]
    return pd.DataFrame(rows, columns=["Definition", "In force", "Meaning"])


def _target(name: str, value: float | None) -> str:
    return fmt.by_unit(value, catalog.spec(name).unit)


def targets_table(charter: Charter) -> pd.DataFrame:
    """Every target of the charter: whole company (explicit and built-in), then per region and per segment."""
    rows = [("Whole company", catalog.spec(name).title, _target(name, charter.target(name)))
            for name in charter.metrics if charter.target(name) is not None]
    for scope, scoped in (("Region", charter.region_targets), ("Segment", charter.segment_targets)):
        for where, targets in sorted(scoped.items()):
            rows += [(f"{scope} {where}", catalog.spec(name).title, _target(name, value))
                     for name, value in sorted(targets.items())]
    return pd.DataFrame(rows, columns=["For", "Metric", "Target"])


def _met(met: bool | None) -> str:
    return "" if met is None else "met" if met else "missed"


def signed_values_table(content: signoff.Content, missing: dict[str, str]) -> pd.DataFrame:
    """The numbers a signature covers: each chosen metric's whole-company value beside its target, or why it is not
    measured (`missing`: the inputs the data lacks, catalog.missing_inputs)."""
    rows = []
    for name in content.charter.metrics:
        metric = catalog.spec(name)
        value, target = content.values.get(name), content.charter.target(name)
        not_measured = metric.not_measured(missing)
        rows.append({"Metric": metric.title, "Role": palette.FUNNEL_LABELS[metric.funnel_role],
                     "Actual": "Not measured" if not_measured else fmt.by_unit(value, metric.unit),
                     "Target": fmt.by_unit(target, metric.unit),
                     "Target met": f"not measured: {not_measured}" if not_measured
                     else _met(catalog.meets(value, target, metric.direction))})
    return pd.DataFrame(rows)


def targets_vs_actuals(comparisons: dict[str, Comparison], names: list[str]) -> pd.DataFrame:
    """The Scorecard's targets beside its actuals, for the region and segment chosen."""
    rows = []
    for name in names:
        comparison = comparisons[name]
        metric = catalog.spec(name)
        rows.append({"Metric": metric.title, "Actual": fmt.by_unit(comparison.value, metric.unit),
                     "Target": fmt.by_unit(comparison.target, metric.unit),
                     "Target met": f"not measured: {comparison.not_measured}" if comparison.not_measured
                     else f"under way: to {fmt.day(comparison.to_date)}, see Pace" if comparison.to_date
                     else _met(comparison.target_met)})
    return pd.DataFrame(rows)


def _shown(change: signoff.Change, value: Any) -> str:
    if change.kind == "metric":
        return fmt.by_unit(value, catalog.spec(change.name).unit)
    if change.kind == "data":
        return f"extracts {str(value)[:12]}…"
    return "—" if value is None else str(value)


def changes_table(status: signoff.Status) -> pd.DataFrame:
    """What moved since the signature compared with: metric by metric, option by option, and the data."""
    rows = []
    for change in status.changes:
        if change.kind == "metric":
            what = catalog.spec(change.name).title
        elif change.kind == "data":
            what = "Data (a new import)"
        else:
            what = "Option " + change.name.removeprefix("definitions.").replace("_", " ")
        rows.append({"What": what, "Signed": _shown(change, change.signed), "Now": _shown(change, change.now)})
    return pd.DataFrame(rows, columns=["What", "Signed", "Now"])


def history_table(records: list[signoff.Record]) -> pd.DataFrame:
    """Every version, proposal, signature and reopening of the quarter, newest first."""
    rows = []
    for record in reversed(records):
        what = KIND_TITLES.get(record.kind, record.kind)
        if record.kind == "charter":
            what += f" (version {record.payload.get('version')})"
        elif record.kind == "sign":
            what += f" as {ROLE_TITLES.get(record.role, record.role)}"
        rows.append({"#": record.position, "When (UTC)": record.recorded_at[:19].replace("T", " "), "What": what,
                     "Who": record.user, "Role": ROLE_TITLES.get(record.role, record.role),
                     "Comment": record.comment, "Record hash": record.hash[:16] + "…"})
    return pd.DataFrame(rows, columns=["#", "When (UTC)", "What", "Who", "Role", "Comment", "Record hash"])


def checklist_table(checks: list) -> pd.DataFrame:
    """The data-quality checklist shown before signing: each audit, how many records it finds, why it matters."""
    return pd.DataFrame([{"Check": c.title, "Records": fmt.count(c.count),
                          "Severity": c.severity, "Why it matters": c.description}
                         for c in sorted(checks, key=lambda c: (c.count == 0, c.severity != "warning"))])


def problems_sentence(status: signoff.Status) -> str:
    """What `charter verify` finds wrong with the quarter's ledger, as one sentence starting with a capital."""
    text = "; ".join(status.problems)
    return text[:1].upper() + text[1:] + ("." if text and not text.endswith(".") else "")


def status_badges(status: signoff.Status) -> None:
    """The sign-off state as a badge, and a red one when the numbers changed since a signature; a ledger that does not
    check out is one red badge, *not verified* or *ledger damaged*, never *signed*."""
    if not status.verified:
        st.badge(status.title, icon=":material/gpp_bad:", color="red",
                 help="The sign-off ledger does not check out, so no signature in it counts until it is restored "
                      "from a backup; the Charter & sign-off page's History says what is wrong.")
        return
    colour, icon = STATE_BADGES[status.state]
    st.badge(status.title, icon=icon, color=colour)
    if status.changed_since_signoff:
        st.badge("Changed since sign-off", icon=":material/warning:", color="red",
                 help="The numbers, the charter or the data differ from what was signed; see what moved on the "
                      "Charter & sign-off page. Signatures are never carried over.")
