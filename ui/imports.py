"""The Data page's work: stage uploaded files, run an import with progress, and shape its outcome into tables."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from alignment import currency, schema, users
from alignment.ingest import roots as import_roots
from alignment.ingest.load import ImportReport, import_extracts
from alignment.ingest.problems import ImportRejected, Problem
from ui import auth
from ui.layout import TABLE_LABELS
from ui.text import literal

FORMAT_LABELS = {"salesforce": "Salesforce", "hubspot": "HubSpot", "mapping": "Other CRM (mapping file)"}
UPLOAD_TYPES = ["csv", "txt", "tsv", "xlsx", "parquet"]


@dataclass
class Outcome:
    """What one press of "Validate only" or "Import" did, kept so the page can show it after a rerun."""

    action: str  # "import" or "validate"
    format: str
    files: list[str]
    counts_before: dict[str, int]
    report: ImportReport | None = None
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def refused(self) -> bool:
        return self.report is None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def upload_limit_mb() -> int:
    """The largest file the Data page accepts, in megabytes (server.maxUploadSize in .streamlit/config.toml)."""
    return int(st.get_option("server.maxUploadSize"))


def oversized_uploads(uploads) -> list[Problem]:
    """A problem for each upload over the limit. The browser refuses those already; this holds for any other client."""
    limit = upload_limit_mb()
    return [
        Problem(file=Path(upload.name).name or "upload", rule=(
            f"the file is {upload.size / 2 ** 20:,.1f} MB, over the {limit:,} MB upload limit; copy it to a folder "
            "on the server and import it from there (Files: A folder on the server)"))
        for upload in uploads if upload is not None and upload.size > limit * 2 ** 20
    ]


def stage_uploads(uploads, folder: Path) -> list[Path]:
    """Write uploaded files into `folder` under their own base names (never a path the browser chose)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for upload in uploads:
        name = Path(upload.name).name or "upload"
        target = folder / name
        number = 2
        while target.exists():  # two uploads with one name keep both
            target = folder / f"{Path(name).stem} ({number}){Path(name).suffix}"
            number += 1
        target.write_bytes(upload.getbuffer())
        paths.append(target)
    return paths


def run(*, db_path: Path, format: str, uploads=None, folder: str | None = None, mapping_upload=None,
        validate_only: bool, counts_before: dict[str, int], date_format: str | None = None,
        corporate: str | None = None, conversion_date: str | None = None) -> Outcome:
    """Validate or import the chosen files as the signed-in user, showing progress while it runs; never raises for
    bad input. Files come from the uploads (staged in a folder made for this run) or from a folder below the
    server's import roots; `corporate` and `conversion_date` are the currency settings (empty: the defaults)."""
    started = time.perf_counter()
    action = "validate" if validate_only else "import"
    outcome = Outcome(action=action, format=format, files=[Path(u.name).name for u in uploads or []],
                      counts_before=counts_before)
    user = auth.current_user()
    try:  # the core refuses too, whatever the page shows; validating reads the same files and does the same work
        users.require(user, "import")
    except users.NotAllowed as refused:
        outcome.problems = [Problem(file=f"({action})", rule=f"not {'validated' if validate_only else 'imported'}: "
                                                             f"{refused}")]
        outcome.seconds = time.perf_counter() - started
        return outcome
    try:
        given = {k: v for k, v in (("corporate", corporate), ("conversion_date", conversion_date)) if v}
        settings = currency.CurrencySettings(**given) if given else None
    except ValidationError as wrong:
        outcome.problems = [Problem(file="(settings)", column="Corporate currency",
                                    rule=wrong.errors()[0]["msg"].removeprefix("Value error, "))]
        outcome.seconds = time.perf_counter() - started
        return outcome
    too_large = oversized_uploads([*(uploads or []), mapping_upload])
    if too_large:  # refused before a byte is written to disk
        outcome.problems, outcome.seconds = too_large, time.perf_counter() - started
        return outcome
    with tempfile.TemporaryDirectory(prefix="alignment-upload-") as staging:
        staging = Path(staging)
        paths = stage_uploads(uploads or [], staging / "extracts")
        if folder:
            paths.append(Path(folder))
        mapping = stage_uploads([mapping_upload], staging / "mapping")[0] if mapping_upload is not None else None
        outcome.files = [p.name for p in paths]
        verb = "Validating" if validate_only else "Importing"
        with st.status(f"{verb} {FORMAT_LABELS[format]} extracts…", expanded=True) as status:
            bar = st.progress(0.0, text="Reading the files")

            def progress(fraction: float, message: str) -> None:
                bar.progress(min(max(fraction, 0.0), 1.0), text=literal(message))  # messages name files

            try:
                # The uploads' own folder is a root of this run only; a folder typed in must be below the server's.
                outcome.report = import_extracts(paths, db_path=db_path, format=format, mapping=mapping, user=user,
                                                 progress=progress, validate_only=validate_only,
                                                 roots=(*import_roots.configured(), staging),
                                                 date_format=date_format or None, currency_settings=settings)
                outcome.problems = list(outcome.report.warnings)
                status.update(label=f"{verb} finished", state="complete", expanded=False)
            except ImportRejected as rejected:
                outcome.problems = list(rejected.problems)
                status.update(label="Refused: nothing was changed", state="error", expanded=False)
    outcome.seconds = time.perf_counter() - started
    return outcome


def set_calendar(db_path: Path, fields: dict) -> str | None:
    """Make the fields the warehouse's fiscal calendar as the signed-in user; what was wrong, or None when it was
    set (never raises for bad input: the core refuses a user who may not, and a change while a quarter is signed)."""
    from pydantic import ValidationError

    from alignment import warehouse
    from alignment.periods import FiscalCalendar

    try:
        warehouse.set_calendar(db_path, FiscalCalendar(**fields), user=auth.current_user())
    except ValidationError as error:
        return "; ".join(problem["msg"].removeprefix("Value error, ") for problem in error.errors())
    except (warehouse.CalendarLocked, users.NotAllowed) as refused:
        return str(refused)
    return None


def may_import() -> bool:
    """Whether the signed-in user's role may validate and replace the loaded data (analysts only)."""
    return users.can(auth.current_user(), "import")


def import_roots_text() -> str:
    """The server folders a folder to import must be below, as the Data page names them."""
    return import_roots.describe(import_roots.configured())


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """One row per rule broken in one column of one file: the validation report as a table."""
    return pd.DataFrame(
        [{
            "File": p.file, "Column": p.column or "", "Problem": p.rule, "Rows": p.count,
            "Example rows": ", ".join(str(e.row) for e in p.examples if e.row is not None),
            "Example values": ", ".join(repr(e.value) for e in p.examples if e.value is not None),
            "Severity": "blocks the import" if p.severity == "error" else "warning (loaded)",
        } for p in problems],
        columns=["File", "Column", "Problem", "Rows", "Example rows", "Example values", "Severity"],
    )


def counts_frame(before: dict[str, int], after: dict[str, int]) -> pd.DataFrame:
    """Rows per table before and after an import."""
    return pd.DataFrame(
        [{"Table": table, "Holds": TABLE_LABELS[table], "Before": before.get(table, 0), "Now": after.get(table, 0),
          "Change": after.get(table, 0) - before.get(table, 0)} for table in schema.TABLES],
    )


def loaded_tables_frame(counts: dict[str, int]) -> pd.DataFrame:
    """Rows per canonical table, with what one row is."""
    return pd.DataFrame(
        [{"Table": table, "Holds": TABLE_LABELS[table], "Grain": model.grain, "Rows": counts.get(table, 0),
          "Required": "optional" if model.optional_table else "yes"} for table, model in schema.TABLES.items()],
    )


def files_frame(files: list[dict]) -> pd.DataFrame:
    """The files the loaded data came from, what each was read as, and what the reader assumed."""
    return pd.DataFrame(
        [{"File": f["file"], "Read as": f.get("read_as") or "", "Rows": f.get("rows"),
          "Assumed": "; ".join(f.get("assumptions") or [])} for f in files],
        columns=["File", "Read as", "Rows", "Assumed"],
    )


def history_frame(entries: list[dict]) -> pd.DataFrame:
    """Every import attempt, newest first: who, when, what, and whether it loaded."""
    rows = []
    for entry in entries:
        messages = entry.get("messages") or []
        rows.append({
            "Started": _parse(entry["started_at"]), "By": entry["user"],
            "Format": FORMAT_LABELS.get(entry["format"], entry["format"]),
            "Result": "Loaded" if entry["status"] == "loaded" else "Refused",
            "Files": len(entry.get("files") or []),
            "Rows loaded": sum((entry.get("tables") or {}).values()) if entry["status"] == "loaded" else None,
            "Seconds": (_parse(entry["finished_at"]) - _parse(entry["started_at"])).total_seconds(),
            "Messages": len(messages), "First message": messages[0] if messages else "",
        })
    return pd.DataFrame(rows, columns=["Started", "By", "Format", "Result", "Files", "Rows loaded", "Seconds",
                                       "Messages", "First message"])


def quality_frame(checks: list) -> pd.DataFrame:
    """The data-quality checks: what each looks for, how many records it finds, and why that matters."""
    return pd.DataFrame(
        [{"Check": c.title, "Records": c.count, "Severity": c.severity, "Why it matters": c.description,
          "Name": c.name} for c in checks],
        columns=["Check", "Records", "Severity", "Why it matters", "Name"],
    )


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)
