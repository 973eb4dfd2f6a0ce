"""The board pack and the sales digest for the pages: built from the core once per warehouse version, and drawn."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment import warehouse
from alignment.board import csvs, digest, export, pdf, pptx, xlsx
from alignment.board import pack as packs
from alignment.board.spec import BoardPack, Section, SignoffStatus
from alignment.catalog import Definitions, Filters
from alignment.charter import Charter
from ui import cached, charts, context, figures, numbers, tables
from ui.text import literal

RENDERERS = {"pptx": pptx.render, "pdf": pdf.render, "xlsx": xlsx.render, "csv": csvs.bundle}
MIME = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "application/zip"}


def _governance(quarter: str) -> tuple[Charter, SignoffStatus]:
    """The quarter's charter in force and its sign-off status as the pack prints it."""
    view = Filters(quarter=quarter)
    return numbers.charter(view), export.pack_status(numbers.signoff_status(view))


# Keyed on the warehouse's version (an import is never served a stale pack), the quarter, the parts, the charter in
# force and the sign-off status (a charter edit or a signature is never served the old pack).
@cached.data(max_entries=8)
def _pack(reader: warehouse.Reader, quarter: str, parts: tuple[str, ...], in_force: Charter,
          status: SignoffStatus) -> BoardPack:
    return packs.build_pack(reader, quarter, parts=list(parts), charter=in_force, signoff=status)


def pack(quarter: str, parts: list[str]) -> BoardPack:
    """The quarter's pack with the chosen parts, under its charter and with its sign-off status."""
    return _pack(context.reader(), quarter, tuple(parts), *_governance(quarter))


@cached.data(max_entries=16)
def _file(reader: warehouse.Reader, quarter: str, parts: tuple[str, ...], in_force: Charter, status: SignoffStatus,
          kind: str) -> bytes:
    return RENDERERS[kind](_pack(reader, quarter, parts, in_force, status))


def file(quarter: str, parts: list[str], kind: str) -> bytes:
    """The pack rendered as pptx, pdf, xlsx or a zip of CSVs (cached like the pack)."""
    return _file(context.reader(), quarter, tuple(parts), *_governance(quarter), kind)


@cached.data(max_entries=8)
def _reps(reader: warehouse.Reader, quarter: str) -> pd.DataFrame:
    return digest.reps(reader, quarter)


def reps(quarter: str) -> pd.DataFrame:
    """Who a digest can be for in the quarter: owners of its deals or MQLs."""
    return _reps(context.reader(), quarter)


@cached.data(max_entries=32)
def _digest(reader: warehouse.Reader, request: digest.DigestRequest, in_force: Definitions,
            status: SignoffStatus) -> BoardPack:
    return digest.build_digest(reader, request, in_force, signoff=status)


def digest_pack(quarter: str, *, owner_id: str | None = None, region: str | None = None) -> BoardPack:
    """The digest for one rep or one region, under the quarter's charter, with the quarter's sign-off status."""
    return _digest(context.reader(), digest.DigestRequest(quarter=quarter, owner_id=owner_id, region=region),
                   numbers.definitions(Filters(quarter=quarter)), _governance(quarter)[1])


@cached.data(max_entries=32)
def _digest_pdf(reader: warehouse.Reader, request: digest.DigestRequest, in_force: Definitions,
                status: SignoffStatus) -> bytes:
    return pdf.render_page(_digest(reader, request, in_force, status))


def digest_pdf(quarter: str, *, owner_id: str | None = None, region: str | None = None) -> bytes:
    """The digest as a one-page PDF."""
    return _digest_pdf(context.reader(), digest.DigestRequest(quarter=quarter, owner_id=owner_id, region=region),
                       numbers.definitions(Filters(quarter=quarter)), _governance(quarter)[1])


def section(section: Section, *, key: str, quarter: str) -> None:
    """A pack section on screen: its words, its charts (the same descriptions the exports draw), its tables."""
    st.subheader(literal(section.title), anchor=False)
    if section.words:
        st.markdown("\n".join("- " + literal(line) for line in section.words))
    if section.charts:
        for column, (index, chart) in zip(st.columns(min(len(section.charts), 3)), enumerate(section.charts)):
            with column:
                figures.plotly_chart(charts.figure, chart, key=f"{key}_chart_{index}")
                if chart.definition:
                    st.caption(literal(chart.definition))
    for index, table in enumerate(section.tables):
        st.markdown(f"**{literal(table.title)}**")
        tables.spec_table(table, key=f"{key}_table_{index}", quarter=quarter)
