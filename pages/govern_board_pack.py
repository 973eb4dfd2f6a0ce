"""Board pack: preview and download the quarter's exports, and the per-rep digest of what marketing did for them."""

import streamlit as st

from alignment.board import export
from alignment.board import pack as packs
from alignment.presentation import formats as fmt
from ui import board, context, filters
from ui.text import literal

DOWNLOADS = [("pptx", "PowerPoint", ":material/slideshow:"), ("pdf", "PDF", ":material/picture_as_pdf:"),
             ("xlsx", "Excel", ":material/table_view:"), ("csv", "Every table (CSV, zip)", ":material/folder_zip:")]

snapshot = context.snapshot()
view = filters.current()
quarter = str(view.quarter)

st.caption(f"{quarter} · the whole company (the region and segment filters do not apply to the board pack) · data "
           f"as of {fmt.day(snapshot.as_of)} · data fingerprint {snapshot.info.data_fingerprint[:12]}, printed on "
           "every page of every export")

pack_tab, digest_tab = st.tabs(["Board pack", "Sales digest"])

with pack_tab:
    parts = st.pills("Parts of the pack", list(packs.PARTS), format_func=packs.PARTS.get, selection_mode="multi",
                     default=list(packs.PARTS), key="board_parts",
                     help="The title page always comes first; the parts follow in this order. The pace of the "
                          "running quarter is in the pack only while the quarter runs on the data's as-of day.")
    if not parts:
        st.info("Choose at least one part of the pack.", icon=":material/checklist:")
        st.stop()
    with st.spinner(f"Building the {quarter} board pack from the metric catalog…"):
        chosen = board.pack(quarter, parts)
    st.markdown(f"**{literal(chosen.title)}** · sign-off: **{chosen.signoff.label}**")
    if "pace" in parts and not any(section.key == "pace" for section in chosen.sections):
        st.caption(f"{packs.PARTS['pace']}: not in this pack, {quarter} is not under way on the data's as-of day "
                   f"({fmt.day(snapshot.as_of)}).")
    with st.container(horizontal=True, gap="small", key="board_downloads"):
        for kind, label, icon in DOWNLOADS:
            name = export.file_name(quarter, kind) if kind != "csv" else f"board-pack-{quarter}-csv.zip"
            st.download_button(label, data=lambda kind=kind: board.file(quarter, parts, kind), file_name=name,
                               mime=board.MIME[kind], icon=icon, key=f"board_download_{kind}", on_click="ignore")
    st.caption("Board members never log in: these files are what they see. Each chart below is the one the deck, the "
               "PDF and the workbook draw, from the same numbers.")
    for section in chosen.sections:
        with st.container(border=True, key=f"board_section_{section.key}"):
            board.section(section, key=f"board_{section.key}", quarter=quarter)

with digest_tab:
    st.caption("What marketing sourced and influenced in one rep's (or one region's) pipeline this quarter, who "
               "engages most, and the follow-up record: the answer to \"what's in it for me?\".")
    scope = st.segmented_control("Digest for", ["Sales rep", "Region"], default="Sales rep", required=True,
                                 key="board_digest_scope")
    owner_id = region = None
    if scope == "Sales rep":
        people = board.reps(quarter)
        if people.empty:
            st.info(f"No deal or MQL of {quarter} has an owner, so there is no one to write a digest for.",
                    icon=":material/event_busy:")
            st.stop()
        names = {row.owner_id: row.owner_name if row.owner_region in ("(none)", None) else
                 f"{row.owner_name} · {row.owner_region}" for row in people.itertuples()}
        owner_id = st.selectbox("Sales rep", list(names), format_func=names.get, key="board_digest_rep")
        who = people.set_index("owner_id").loc[owner_id, "owner_name"]
    else:
        region = st.selectbox("Region", snapshot.regions, key="board_digest_region")
        who = region
    with st.spinner(f"Writing {literal(who)}'s digest…"):
        page = board.digest_pack(quarter, owner_id=owner_id, region=region)
    st.download_button("Download the digest (one-page PDF)",
                       data=lambda: board.digest_pdf(quarter, owner_id=owner_id, region=region),
                       file_name=f"digest-{quarter}-{owner_id or region}.pdf", mime="application/pdf",
                       icon=":material/picture_as_pdf:", key="board_digest_pdf", on_click="ignore")
    with st.container(border=True, key="board_digest"):
        board.section(page.sections[0], key="board_digest", quarter=quarter)
