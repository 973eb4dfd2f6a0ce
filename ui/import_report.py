"""How an import's outcome reads on screen: the validation report on refusal, the new counts on success."""

from __future__ import annotations

import streamlit as st

from alignment.presentation import formats as fmt
from ui import imports
from ui.context import Snapshot

PROBLEM_COLUMNS = {
    "File": st.column_config.TextColumn(width="medium"),
    "Column": st.column_config.TextColumn(width="small"),
    "Problem": st.column_config.TextColumn(width="medium"),
    "Rows": st.column_config.NumberColumn(format="localized", width="small"),
    "Example rows": st.column_config.TextColumn(width="small"),
    "Example values": st.column_config.TextColumn(width="large"),
}


def show(outcome: imports.Outcome, snapshot: Snapshot) -> None:
    """The outcome of the last Validate or Import press."""
    if outcome.refused:
        _refused(outcome, snapshot)
    elif outcome.action == "validate":
        _validated(outcome)
    else:
        _loaded(outcome, snapshot)


def _refused(outcome: imports.Outcome, snapshot: Snapshot) -> None:
    errors = outcome.errors
    files = len({p.file for p in errors})
    verb = "Validation failed" if outcome.action == "validate" else "Import refused"
    st.error(f"**{verb}: {len(errors)} {'problem' if len(errors) == 1 else 'problems'} in {files} "
             f"{'file' if files == 1 else 'files'}.** The loaded data is unchanged: every page still shows the data "
             f"imported on {fmt.moment(snapshot.info.imported_at)} (as of {fmt.day(snapshot.as_of)}).",
             icon=":material/block:")
    st.markdown("**What to fix** — one row per rule broken in one column of one file; row numbers are as a "
                "spreadsheet shows them.")
    st.dataframe(imports.problems_frame(outcome.problems), hide_index=True, column_config=PROBLEM_COLUMNS,
                 height="content")
    with st.expander("The same, in sentences", expanded=True, icon=":material/notes:"):
        for problem in errors:
            st.text("• " + problem.message())  # file names and cell values are shown as text, never as Markdown


def _validated(outcome: imports.Outcome) -> None:
    report = outcome.report
    st.success(f"**Valid.** These {len(report.files)} files can be imported as they are ({report.seconds:.1f} s). "
               "Nothing was changed; press Import to load them.", icon=":material/check_circle:")
    st.dataframe(imports.counts_frame(outcome.counts_before, report.tables), hide_index=True,
                 column_config={"Now": st.column_config.NumberColumn("Would load", format="localized"),
                                "Before": st.column_config.NumberColumn("Loaded now", format="localized"),
                                "Change": st.column_config.NumberColumn(format="localized")}, height="content")
    _warnings_and_assumptions(outcome)


def _loaded(outcome: imports.Outcome, snapshot: Snapshot) -> None:
    report = outcome.report
    st.success(f"**Import complete:** data loaded from {len(report.files)} {imports.FORMAT_LABELS[outcome.format]} "
               f"files in {report.seconds:.1f} s. Every page now shows the new data, as of {fmt.day(snapshot.as_of)}.",
               icon=":material/check_circle:")
    st.dataframe(imports.counts_frame(outcome.counts_before, report.tables), hide_index=True,
                 column_config={column: st.column_config.NumberColumn(format="localized")
                                for column in ("Before", "Now", "Change")}, height="content")
    _warnings_and_assumptions(outcome)


def _warnings_and_assumptions(outcome: imports.Outcome) -> None:
    report = outcome.report
    warnings = [p for p in outcome.problems if p.severity != "error"]
    if warnings:
        with st.expander(f"{len(warnings)} warnings (loaded anyway)", icon=":material/warning:"):
            st.dataframe(imports.problems_frame(warnings), hide_index=True, column_config=PROBLEM_COLUMNS,
                         height="content")
    if report.assumptions:
        with st.expander(f"What the reader assumed ({len(report.assumptions)})", icon=":material/rule:"):
            st.text("\n".join("• " + assumption for assumption in report.assumptions))
