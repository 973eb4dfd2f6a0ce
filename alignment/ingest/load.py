"""The atomic import: build a new warehouse beside the current one, validate it whole, then swap it in."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import getpass
import hashlib
import os
import shutil
import sqlite3
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import duckdb

from alignment import currency, history, quality, schema, users, warehouse
from alignment.periods import FiscalCalendar
from alignment.ingest import roots as import_roots
from alignment.ingest.adapters import Adapter, AdapterRun, Progress, drop_source, finish_sources, pass_through
from alignment.ingest.problems import Example, ImportRejected, Problem
from alignment.ingest.readers import SUPPORTED, execute
from alignment.ingest.staging import (
    bad_date_format, built_relations, canonical_value_rules, date_layout, finding_rows, install_macros, key_repeats,
    materialise, recorded_headers, repeated_key_rows, rule_counts, rule_rows, unknown_references,
)

FORMATS = ("salesforce", "hubspot", "mapping")
BUILDING_SUFFIX = ".building"
VALIDATING_SUFFIX = ".validating-"
# A validation's folder younger than this may not hold its lock yet: the clean-up of an import leaves it alone.
VALIDATING_GRACE_SECONDS = 60
# What the operating system or DuckDB says when a write fails for lack of room (ENOSPC, EDQUOT, EFBIG).
FULL_DISK_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
FULL_DISK_WORDS = ("no space left", "disk quota", "file too large", "could not write", "not enough space")


@dataclass
class ImportReport:
    """What a successful import loaded, assumed and warned about."""

    db_path: Path
    format: str
    files: list[dict] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    data_fingerprint: str = ""
    seconds: float = 0.0


def collect_files(paths: list[Path], roots: Iterable[Path] | None = None) -> list[Path]:
    """Files named directly, plus the supported extracts inside any folder named (sorted, so runs repeat), each as
    its real path below one of the import `roots` (default: the configured ones); anything else is refused before a
    byte of it is read (see roots.checked)."""
    roots = import_roots.configured() if roots is None else tuple(roots)
    within = import_roots.real_roots(roots)
    found: list[Path] = []
    problems: list[Problem] = []
    for given in map(Path, paths):
        try:
            real = import_roots.checked(given, roots, within=within)
            if not real.is_dir():
                found.append(real)
                continue
            for entry in sorted(real.iterdir()):
                if entry.suffix.lower() in SUPPORTED and (entry.is_symlink() or entry.is_file()):
                    try:
                        checked = import_roots.checked(entry, roots, within=within)
                    except ImportRejected as rejected:
                        problems.extend(rejected.problems)
                        continue
                    if not checked.is_dir():
                        found.append(checked)
        except ImportRejected as rejected:
            problems.extend(rejected.problems)
    if problems:
        raise ImportRejected(problems)
    return found


def adapter_for(format: str, mapping: Path | None = None, date_format: str | None = None) -> Adapter:
    """The adapter of a source format; a mapping file and a date format are validated here, before any data is read.
    `date_format` (DD/MM/YYYY HH:mm, %d/%m/%Y …) reads every date column of an export whose dates no layout the
    import knows reads; a mapping file's own date_format comes first."""
    layout = None
    if date_format and date_format.strip():
        layout = date_layout(date_format)
        if layout is None:
            raise ImportRejected([Problem(file="(date format)", rule=bad_date_format(date_format))])
    if format == "salesforce":
        from alignment.ingest.salesforce import SalesforceAdapter

        return SalesforceAdapter(date_layout=layout)
    if format == "hubspot":
        from alignment.ingest.hubspot import HubSpotAdapter

        return HubSpotAdapter(date_layout=layout)
    if format == "mapping":
        from alignment.ingest.mapping import MappingAdapter

        if mapping is None:
            raise ImportRejected([Problem(file="(mapping)", rule="the mapping format needs a mapping file (--mapping)")])
        adapter = MappingAdapter.from_file(Path(mapping))
        if layout and adapter.mapping.date_format is None:
            adapter.mapping.date_format = date_format.strip()
        return adapter
    raise ImportRejected([Problem(file="(format)", rule=f"unknown format '{format}'; use one of {', '.join(FORMATS)}")])


def decide(run: AdapterRun, report: ImportReport, files: list[Path], format: str) -> None:
    """Every check has run: the report gets the warnings and the readings assumed, and any error refuses the import."""
    # The NUL bytes are checked last, where the files' hashes are wanted anyway: waiting for them sooner would stall.
    run.problems.extend(p for s in run.sources if not s.refused and (p := s.nul_problem()))
    report.warnings = [p for p in run.problems if p.severity == "warning"]
    report.assumptions = run.assumptions
    if run.has_errors:
        raise ImportRejected(run.problems + _wrong_format_hint(files, run, format))


def _refuse_replacing_a_company(db_path: Path) -> None:
    """The demo company replaces only itself or nothing: checked under the import lock, so an import of a company's
    own data that lands while the first start builds the demo is never overwritten by it."""
    from alignment import demo

    if warehouse.identity(db_path) is not None and not demo.holds_demo(db_path):
        raise ImportRejected([Problem(
            file=db_path.name, rule="the warehouse holds a company's own data, and the demo company never replaces "
                                    "it; build the demo into another file (--db), or move this one away first")])


def import_extracts(paths: list[Path], *, db_path: Path = warehouse.DEFAULT_DB, format: str = "salesforce",
                    mapping: Path | None = None, user: users.User | str | None = None,
                    progress: Progress | None = None, validate_only: bool = False,
                    roots: Iterable[Path] | None = None, demo_marker: Callable[[str], str] | None = None,
                    date_format: str | None = None, calendar: FiscalCalendar | None = None,
                    currency_settings: currency.CurrencySettings | None = None) -> ImportReport:
    """Validate and load extracts; on any problem raise ImportRejected and leave `db_path` exactly as it was.

    `user` is a dashboard account, which must be allowed to import (to validate as well: it reads the same files
    and does the same work), or the name of a caller on the server itself (the command line, the demo builder),
    which the import history records. Files (and the mapping file) are read only below `roots`, the configured
    import roots unless the caller names others, such as the folder it staged uploads in. `demo_marker` is the demo
    builder's (alignment.demo.import_as_demo): every other import leaves the new warehouse unmarked, so it is never
    the demo company, whoever imports it. `date_format` reads the dates of an export in a layout the import does
    not recognise by itself (see `adapter_for`). `calendar` sets the warehouse's fiscal calendar (refused while a
    quarter is signed on another); without it the calendar of the warehouse replaced is carried over.
    `currency_settings` gives the corporate currency when the rates do not name one (default USD) and the date deals
    are converted at (default: close date for bookings).
    """
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    db_path = Path(db_path)
    if isinstance(user, users.User):
        users.require(user, "import")  # before a path is looked at
        from alignment import demo

        if user.is_demo and not demo.holds_demo(db_path):
            raise users.NotAllowed("demo accounts work only on the demo company; sign in with your own account")
        user = user.name
    user = user or _default_user()
    roots = import_roots.configured() if roots is None else tuple(roots)
    report = ImportReport(db_path=db_path, format=format)
    new_path = db_path.with_name(f".{db_path.name}.{uuid.uuid4().hex[:8]}{BUILDING_SUFFIX}")
    files: list[Path] = []
    run = AdapterRun()
    swapped = False
    try:
        files = collect_files(paths, roots)
        if mapping is not None:
            mapping = import_roots.checked(Path(mapping), roots, missing="the mapping file was not found")
        if not files:
            raise ImportRejected([Problem(file=", ".join(map(str, paths)) or "(nothing)",
                                          rule="no CSV, XLSX or Parquet files were found to import")])
        adapter = adapter_for(format, mapping, date_format)
        _ensure_writable(db_path)
        # A validation builds in a folder of its own and holds no lock an import waits for.
        with (_validation_scratch(db_path) if validate_only else import_lock(db_path, progress)) as scratch:
            if validate_only:
                new_path = scratch
            else:
                remove_leftovers(db_path)
                if demo_marker is not None:
                    _refuse_replacing_a_company(db_path)
            calendar = warehouse.calendar_of(db_path) if calendar is None else calendar
            warehouse.check_calendar_change(db_path, calendar)
            con = warehouse.build_connection(new_path)
            try:
                install_macros(con)
                adapter.build(con, files, run, progress)
                finish_sources(con, run)
                for source in run.sources:
                    drop_source(con, source)  # the files' text is staged: free it before the checks and writes
                if not run.has_errors and not run.sources:
                    run.problems.append(Problem(
                        file=", ".join(Path(f).name for f in files[:5]) + (" …" if len(files) > 5 else ""),
                        rule=f"none of the files was recognised as a {format} extract, so there is nothing to load; "
                             f"if they were exported from another system, import them as {_other_formats(format)}"))
                if not run.has_errors:
                    _complete_canon(con)
                    if progress:
                        progress(0.75, "Checking keys and references")
                    run.problems.extend(check_canonical(con, unique_keys=run.unique_keys))
                    chosen, refused = currency.import_problems(con, currency_settings)
                    run.problems.extend(refused)
                decide(run, report, files, format)
                if progress:
                    progress(0.85, "Writing the warehouse")
                report.tables = _materialise(con)
                report.warnings += findings(con)
                report.files = [
                    {"file": s.name, "rows": s.rows, "fingerprint": s.fingerprint,
                     "read_as": run.recognised.get(s.name, ""), "assumptions": s.assumptions}
                    for s in run.sources
                ]
                report.data_fingerprint = hashlib.sha256(
                    "".join(sorted(f["fingerprint"] for f in report.files)).encode()).hexdigest()
                warehouse.write_meta(con, imported_at=started_at, imported_by=user, source_format=format,
                                     data_fingerprint=report.data_fingerprint, files=report.files,
                                     warnings=[p.message() for p in report.warnings],
                                     demo_mark=demo_marker(report.data_fingerprint) if demo_marker else None,
                                     checkpoints=_checkpoints(db_path), calendar=calendar)
                currency.record(con, chosen)
                warehouse.create_views(con)
                con.checkpoint()
            finally:
                con.close()
            if validate_only:
                _discard(new_path)
            else:
                if progress:
                    progress(0.97, "Swapping in the new warehouse")
                os.replace(new_path, db_path)
                swapped = True
        report.seconds = time.perf_counter() - started
        if swapped:
            _record_load(report, started_at, user)
        if progress:
            progress(1.0, "Done")
        return report
    except ImportRejected as rejected:
        _discard(new_path)
        _record_refusal(db_path, started_at, user, format, files or list(map(Path, paths)), rejected.problems,
                        validate_only)
        raise
    except (OSError, duckdb.Error) as error:
        _discard(new_path)
        out_of_memory = isinstance(error, duckdb.OutOfMemoryException)
        if swapped or not (out_of_memory or isinstance(error, OSError) or _is_write_failure(error)):
            raise  # not a refusal: the new warehouse is in place, or DuckDB failed for a reason of its own
        problem = _memory_failure(db_path) if out_of_memory else _write_failure(db_path, error)
        _record_refusal(db_path, started_at, user, format, files, [problem], validate_only)
        raise ImportRejected([problem]) from None
    except BaseException:
        _discard(new_path)
        raise


def _checkpoints(db_path: Path) -> list[tuple]:
    """The sign-off ledger's heads to keep in the new warehouse (the ledger beside it, and what the one it replaces
    kept), so that cutting the ledger stays detectable after the import."""
    from alignment import signoff

    return signoff.Ledger.beside(db_path).checkpoints_to_keep()


def _wrong_format_hint(files: list[Path], run: AdapterRun, format: str) -> list[Problem]:
    """When most files were skipped as unknown, the likelier mistake is the source format chosen: say so."""
    skipped = [p.file for p in run.problems if p.severity == "warning" and "not recognised" in p.rule]
    if not run.sources or not skipped or len(skipped) * 2 < len(files):
        return []  # with no file recognised at all, the refusal already says so
    return [Problem(file=", ".join(skipped[:3]) + (" …" if len(skipped) > 3 else ""), rule=(
        f"{len(skipped)} of {len(files)} files were not recognised as {format} extracts; if they were exported "
        f"from another system, import them as {_other_formats(format)}"))]


def _other_formats(format: str) -> str:
    return " or ".join(f for f in FORMATS if f != format)


@contextlib.contextmanager
def import_lock(db_path: Path, progress: Progress | None = None) -> Iterator[None]:
    """One import at a time into a folder: a lock on the folder itself, which the system drops if the process dies.

    Holding it, an import knows that any half-built warehouse beside the current one was left by a killed import.
    A validation never takes it (see `_validation_scratch`), so however long one runs, an import does not wait.
    """
    handle = os.open(db_path.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if progress:
                progress(0.0, "Waiting for another import into this folder to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing the descriptor releases the lock


@contextlib.contextmanager
def _validation_scratch(db_path: Path) -> Iterator[Path]:
    """Where a validation builds its throw-away warehouse: a folder of its own beside the warehouse (the same disk
    an import would use), locked while the validation lives so that an import's clean-up can tell a killed
    validation's folder from a running one, and removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=f".{db_path.name}{VALIDATING_SUFFIX}", dir=db_path.parent))
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield folder / db_path.name
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(handle)


def remove_leftovers(db_path: Path) -> list[Path]:
    """Delete half-built warehouses (and their write-ahead logs) that a killed import left beside `db_path`, and
    the folders of killed validations (their lock is free).

    Only call this holding `import_lock`: then no other import is building one.
    """
    removed = []
    for leftover in db_path.parent.glob(f".{db_path.name}.*{BUILDING_SUFFIX}*"):
        if leftover.name.endswith((BUILDING_SUFFIX, BUILDING_SUFFIX + ".wal")):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
        elif leftover.name.endswith(BUILDING_SUFFIX + warehouse.SPILL_SUFFIX) and leftover.is_dir() \
                and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)  # what a killed build spilled
            removed.append(leftover)
    for folder in db_path.parent.glob(f".{db_path.name}{VALIDATING_SUFFIX}*"):
        if folder.is_dir() and not folder.is_symlink() and _abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _abandoned(folder: Path) -> bool:
    """Whether a validation's folder is old enough and unlocked: the validation that made it has ended."""
    try:
        if time.time() - folder.stat().st_mtime < VALIDATING_GRACE_SECONDS:
            return False
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(handle)


def _is_write_failure(error: BaseException) -> bool:
    if isinstance(error, OSError) and error.errno in FULL_DISK_ERRNOS:
        return True
    return any(words in str(error).lower() for words in FULL_DISK_WORDS)


def _write_failure(db_path: Path, error: BaseException) -> Problem:
    """The refusal for a warehouse that could not be written: a full disk, or a folder the app may not write."""
    detail = str(error).split("\n", 1)[0][:300]
    if _is_write_failure(error):
        # The system's own words ("No space left on device"), without the path the message already names.
        reason = error.strerror if isinstance(error, OSError) and error.strerror else detail.rsplit(": ", 1)[-1]
        rule = (f"the new warehouse could not be written in {db_path.parent}: the disk is full or a file-size limit "
                f"was reached ({reason}); free disk space and import again — nothing was changed")
    else:
        rule = (f"the new warehouse could not be written ({detail}); free disk space or fix folder permissions — "
                "nothing was changed")
    return Problem(file=str(db_path.parent), rule=rule)


def _memory_failure(db_path: Path) -> Problem:
    """The refusal for an import that needed more memory than the build limit allows, even spilling to disk."""
    env = warehouse.MEMORY_LIMIT_ENV
    return Problem(file=str(db_path.parent), rule=(
        f"the import needed more memory than its limit of {warehouse.build_memory_limit()} allows, even after "
        f"moving what it could to disk; have the server's administrator set {env} higher (e.g. {env}=6GB) and "
        "import again — nothing was changed"))


def _record_load(report: ImportReport, started_at: dt.datetime, user: str) -> None:
    """Add the load to the import history; the data is already in place, so a failure here is a warning."""
    try:
        history.record(report.db_path, started_at=started_at, user=user, format=report.format, status="loaded",
                       files=report.files, tables=report.tables, warnings=[p.message() for p in report.warnings])
    except (OSError, sqlite3.Error) as error:
        report.warnings.append(Problem(
            file=str(history.path_for(report.db_path)), severity="warning",
            rule=f"the data was loaded, but the import history could not record it ({error})"))


def check_canonical(con: duckdb.DuckDBPyConnection, unique_keys: set[str] | frozenset[str] = frozenset()) \
        -> list[Problem]:
    """Table rules the column checks cannot see: values of derived rows, unique keys (except of the tables in
    `unique_keys`, which the adapter built unique) and references between tables."""
    problems: list[Problem] = []
    headers = recorded_headers(con)
    for model in schema.CANONICAL:
        # Rows an adapter derived (people from leads and contacts, campaigns …) were parsed under looser contracts
        # than the canonical one: check the canonical rules again on what it produced, in one pass per table.
        rules = []
        for spec in schema.columns(model):
            rules.extend((spec.name, *rule) for rule in canonical_value_rules(spec, f"r{len(rules)}"))
        if rules:
            params = {k: v for _, _, _, given in rules for k, v in given.items()}
            # One pass counts every rule's failures; only a rule that fails is asked for its rows.
            counts = con.execute(rule_counts(model.table, [condition for _, condition, _, _ in rules]),
                                 params).fetchall()[0]
            failing = [(index, rule) for index, (rule, count) in enumerate(zip(rules, counts)) if count]
            if failing:
                found = execute(con, rule_rows(model.table, [(index, column, condition) for index, (
                    column, condition, _, _) in failing]), params).fetchall()
                for index, (column, _, rule, _) in failing:
                    rows = [(file, 0, row, value) for number, file, row, value in found if number == index]
                    _group(problems, rows, (column,), rule, "error", headers)
        if model.key and model.table not in unique_keys:
            # A grouping finds whether any key repeats far more cheaply than the window that then lists the rows.
            repeated = con.execute(key_repeats(model.table, model.key)).fetchall()[0][0]
            rows = con.execute(repeated_key_rows(model.table, model.key)).fetchall() if repeated else []
            _group(problems, rows, model.key,
                   f"duplicate {' + '.join(model.key)}: each must appear once ({model.grain})", "error", headers)
        for spec in schema.columns(model):
            if not spec.references or (model.table, spec.name) in REPORTED_AS_FINDINGS:
                continue
            target_table, target_column = spec.references.split(".")
            rows = con.execute(unknown_references(model.table, spec.name, target_table, target_column)).fetchall()
            severity = "error" if spec.strict_reference else "warning"
            rule = f"no {target_table} row has this {target_column}"
            rule += " (loaded; listed in data quality)" if not spec.strict_reference else " — import that file too"
            _group(problems, rows, (spec.name,), rule, severity, headers)
    # One row of a file can fill two tables (an OpportunityHistory row: the stage entered and the deal's change):
    # a problem in it is told once.
    told: set[str] = set()
    return [problem for problem in problems if not (problem.message() in told or told.add(problem.message()))]


def _references(table: str, column: str) -> str | None:
    """The table a canonical column refers to, if any."""
    spec = next(spec for spec in schema.columns(schema.TABLES[table]) if spec.name == column)
    return spec.references.split(".")[0] if spec.references else None


# References the import reports as data quality's own findings (an audit that reads the table referred to, see
# `findings`), not as a reference warning.
REPORTED_AS_FINDINGS = {(audit.reads[0], audit.import_warning) for audit in quality.IMPORT_FINDINGS
                        if _references(audit.reads[0], audit.import_warning) in audit.reads[1:]}


def findings(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """Data quality's findings that the import reports too (an empty amount, an account not given or not loaded),
    in its words, counted over the rows it will count: the canonical tables are written, and their rows are the
    canon_ tables' rows, which still say the file and row each came from."""
    problems: list[Problem] = []
    headers = recorded_headers(con)
    for audit in quality.IMPORT_FINDINGS:
        rows = con.execute(finding_rows(audit, schema.TABLES[audit.reads[0]].key)).fetchall()
        first = len(problems)
        _group(problems, rows, (audit.import_warning,), audit.title, "warning", headers)
        for problem in problems[first:]:
            problem.canonical = audit.import_warning
    return problems


def _group(problems: list[Problem], rows: list[tuple], columns: tuple[str, ...], rule: str, severity: str,
           headers: dict[tuple[str, str], str]) -> None:
    by_file: dict[str, list[tuple]] = {}
    for file, _, row, value in rows:
        by_file.setdefault(file or "(derived)", []).append((row, value))
    for file, found in by_file.items():
        column = " / ".join(headers.get((file, c), c) for c in columns)
        problems.append(Problem(file=file, column=column, rule=rule, count=len(found), severity=severity,
                                examples=[Example(row=r, value=None if v is None else str(v)) for r, v in found[:3]]))


def _complete_canon(con: duckdb.DuckDBPyConnection) -> None:
    """Every canonical table exists after an import, empty when no file provided it."""
    built = built_relations(con)
    for table in schema.TABLES:
        if "canon_" + table not in built:
            pass_through(con, table)


def _materialise(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The canonical tables, typed and constrained exactly as the contracts say, without lineage columns."""
    counts = {}
    for model in schema.CANONICAL:
        con.execute(schema.create_table_sql(model))
        counts[model.table] = con.execute(materialise(model)).fetchall()[0][0]
    return counts


def _ensure_writable(db_path: Path) -> None:
    folder = db_path.parent
    folder.mkdir(parents=True, exist_ok=True)
    if not os.access(folder, os.W_OK):
        raise OSError(f"the folder {folder} is not writable")
    # Swapping a new file in would succeed over a read-only one (only the folder is written); respect the lock.
    if db_path.exists() and not os.access(db_path, os.W_OK):
        raise OSError(f"the warehouse file {db_path} is read-only")


def _discard(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        try:
            leftover.unlink(missing_ok=True)
        except OSError:
            pass


def _record_refusal(db_path, started_at, user, format, files, problems, validate_only) -> None:
    if validate_only:
        return
    try:
        history.record(db_path, started_at=started_at, user=user, format=format, status="refused",
                       files=[{"file": Path(f).name} for f in files], tables={},
                       warnings=[p.message() for p in problems if p.severity == "error"][:50])
    except (OSError, sqlite3.Error):
        pass  # an unwritable folder already explains itself in the refusal


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"
