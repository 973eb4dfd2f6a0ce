"""Write the quarter's board pack to files: the deck, the PDF and the workbook, built from one pack."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from alignment import signoff as ledgers
from alignment.board import pack as packs
from alignment.board import pdf, pptx, xlsx
from alignment.board.spec import BoardPack, Signature, SignoffStatus
from alignment.catalog import Source
from alignment.charter import Charter
from alignment.periods import Quarter, QuarterField

RENDERERS = {"pptx": pptx.render, "pdf": pdf.render, "xlsx": xlsx.render}
Kind = Literal["pptx", "pdf", "xlsx"]


class ExportRequest(BaseModel):
    """What to export: the quarter, the folder, which files (all three when none is named) and which parts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    quarter: QuarterField
    out: Path
    kinds: tuple[Kind, ...] = Field(("pptx", "pdf", "xlsx"), min_length=1)
    parts: tuple[str, ...] | None = None

    @field_validator("out")
    @classmethod
    def _folder(cls, value: Path) -> Path:
        if value.exists() and not value.is_dir():
            raise ValueError(f"{value} is a file; name a folder to write the pack into")
        return value

    @field_validator("parts")
    @classmethod
    def _parts(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        unknown = sorted(set(value or ()) - set(packs.PARTS))
        if unknown:
            raise ValueError(f"unknown parts {unknown}; choose from {', '.join(packs.PARTS)}")
        return value


def file_name(quarter: str, kind: str) -> str:
    """board-pack-2026-Q3.pptx"""
    return f"board-pack-{quarter}.{kind}"


def write(pack: BoardPack, out: Path, kinds: tuple[str, ...]) -> list[Path]:
    """Render the pack in each format and write each file atomically (a reader never sees half a file)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in kinds:
        target = out / file_name(pack.quarter, kind)
        handle, temporary = tempfile.mkstemp(prefix=".board-pack-", suffix="." + kind, dir=out)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(RENDERERS[kind](pack))
            os.replace(temporary, target)
        finally:
            Path(temporary).unlink(missing_ok=True)
        written.append(target)
    return written


PACK_STATES = {"draft": "not signed", "proposed": "proposed", "signed_by_one": "signed by one",
               "signed_by_both": "signed"}
"""The ledger's workflow states as the pack words them."""


def pack_status(status: ledgers.Status) -> SignoffStatus:
    """The ledger's status as the pack prints it: valid signatures, or, once anything moved, the ones it voided;
    no signature at all when the ledger does not check out. Every pack carries the quarter's ledger head."""
    head = {"ledger_head": "" if status.head == ledgers.GENESIS else status.head, "ledger_records": status.records}
    if not status.verified:
        return SignoffStatus(state="not verified", problems=status.problems, **head)
    if not status.changed_since_signoff:
        return SignoffStatus(state=PACK_STATES[status.state], signatures=[
            Signature(name=s.user, role=s.role, signed_at=s.signed_at, hash=s.signature)
            for s in sorted(status.signatures.values(), key=lambda s: s.position)], **head)
    latest = {s.role: s for s in sorted([*status.void, status.compared_with], key=lambda s: s.position)}
    return SignoffStatus(
        state="changed since sign-off",
        signatures=[Signature(name=s.user, role=s.role, signed_at=s.signed_at, hash=s.signature)
                    for s in sorted(latest.values(), key=lambda s: s.position)],
        changes=[f"{c.name} ({c.kind}): signed {c.signed}, now {c.now}" for c in status.changes], **head)


def governance(db_path: Path, source: Source, quarter: Quarter | str) -> tuple[Charter, SignoffStatus]:
    """The charter in force for the quarter and its sign-off status, from the ledger beside the warehouse."""
    ledger = ledgers.Ledger.beside(db_path)
    charter = ledger.charter_in_force(quarter)
    return charter, pack_status(ledger.status(quarter, ledgers.current_content(source, charter)))


def export(source: Source, request: ExportRequest, *, db_path: Path) -> list[Path]:
    """Build the quarter's pack once, under its charter and with its sign-off status, and write the files."""
    charter, status = governance(db_path, source, request.quarter)
    pack = packs.build_pack(source, request.quarter, signoff=status, charter=charter,
                            parts=list(request.parts) if request.parts else None)
    return write(pack, request.out, request.kinds)
