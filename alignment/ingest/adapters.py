"""What every CRM adapter shares: recognising files, resolving column aliases, staging parts, canonical pass-through."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

import duckdb
from pydantic import BaseModel

from alignment import schema, sqlfiles
from alignment.ingest.problems import ImportRejected, Problem
from alignment.ingest.readers import SourceFile, count_rows, normalize_header, read_source
from alignment.ingest.staging import Part, canonical_view, stage, staging_ddl

Progress = Callable[[float, str], None]


class LifecycleDates(BaseModel):
    """The lifecycle dates (and reasons) a CRM person row carries; each becomes a lifecycle event."""

    mql_at: dt.datetime | None = None
    sal_at: dt.datetime | None = None
    sql_at: dt.datetime | None = None
    rejected_at: dt.datetime | None = None
    rejection_reason: str | None = None
    disqualified_at: dt.datetime | None = None
    disqualification_reason: str | None = None
    recycled_at: dt.datetime | None = None


@dataclass
class AdapterRun:
    """What an adapter did: files read, problems and assumptions, and which canon_<table> tables it built."""

    sources: list[SourceFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    recognised: dict[str, str] = field(default_factory=dict)  # file name -> what it was read as
    # Canonical tables whose key the adapter built unique (a grouping on it), so checking it again is not needed.
    unique_keys: set[str] = field(default_factory=set)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


class Adapter(Protocol):
    """Turns a set of extract files into canon_<table> tables (with _file, _row lineage) on `con`."""

    name: str

    def build(self, con: duckdb.DuckDBPyConnection, paths: list[Path], run: AdapterRun,
              progress: Progress | None = None) -> None: ...


def camel_to_snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def resolve_columns(source: SourceFile, aliases: dict[str, list[str]]) -> dict[str, str]:
    """Map each wanted column to the first alias present in the file (headers compared letters-and-digits only)."""
    present = {normalize_header(h): h for h in reversed(source.headers)}
    found = {}
    for column, names in aliases.items():
        for name in names:
            key = normalize_header(name)
            if key in present:
                found[column] = present[key]
                break
    return found


def canonical_aliases(contract: type[BaseModel]) -> dict[str, list[str]]:
    """A canonical table's own column names accepted as headers."""
    return {name: [name] for name in schema.column_names(contract)}


def load_source(con: duckdb.DuckDBPyConnection, path: Path, run: AdapterRun) -> SourceFile | None:
    """Open one file for staging (see readers.SourceFile), recording its problem instead of raising."""
    try:
        source = read_source(con, path, f"raw_{len(run.sources)}")
    except ImportRejected as rejected:
        run.problems.extend(rejected.problems)
        return None
    run.sources.append(source)
    run.assumptions.extend(f"{source.name}: {a}" for a in source.assumptions)
    run.problems.extend(source.warnings)
    return source


def drop_source(con: duckdb.DuckDBPyConnection, source: SourceFile) -> None:
    """Free a workbook's or Parquet file's text table once everything read from it is staged (a CSV file has none)."""
    con.execute(sqlfiles.drop_table(source.table))


def stage_part(con: duckdb.DuckDBPyConnection, part: Part, run: AdapterRun) -> None:
    """Stage one part, recording its problems and assumptions; a file found malformed while it is read is refused
    once, however many parts read it."""
    if part.source.refused:
        return
    try:
        result = stage(con, part)
    except ImportRejected as rejected:
        part.source.refused = True
        run.problems.extend(rejected.problems)
        return
    run.problems.extend(result.problems)
    run.assumptions.extend(result.assumptions)


def finish_sources(con: duckdb.DuckDBPyConnection, run: AdapterRun) -> None:
    """Once every part is staged: count the rows of a file no part read, and say how a file read again in another
    encoding was read instead of how it was first opened."""
    for source in run.sources:
        if source.rows is None and not source.refused and not run.has_errors:
            try:
                count_rows(con, source)
            except ImportRejected as rejected:
                source.refused = True
                run.problems.extend(rejected.problems)
        if source.reread_from:
            first = f"{source.name}: {source.reread_from}"
            run.assumptions = [f"{source.name}: {source.assumptions[0]}" if a == first else a
                               for a in run.assumptions]


def stage_canonical(con: duckdb.DuckDBPyConnection, source: SourceFile, table: str, run: AdapterRun, *,
                    salesforce_ids: bool = False, date_layout: str | None = None) -> None:
    """Stage a file that already uses the canonical column names of `table` (e.g. campaign_spend.csv); its ids are
    read as the Salesforce adapter reads them when `salesforce_ids`, its dates in `date_layout` when one is given."""
    contract = schema.TABLES[table]
    aliases = canonical_aliases(contract)
    stage_part(con, Part(target=table, contract=contract, source=source,
                         columns=resolve_columns(source, aliases), expected_headers=aliases,
                         salesforce_ids=id_columns(contract) if salesforce_ids else (),
                         formats=date_formats(contract, date_layout)), run)


def date_formats(contract: type[BaseModel], layout: str | None) -> dict[str, str]:
    """Every date column of a contract read in `layout` (the import's date-format option); none when not given."""
    if not layout:
        return {}
    return {spec.name: layout for spec in schema.columns(contract) if spec.sql_type in ("TIMESTAMP", "DATE")}


def id_columns(contract: type[BaseModel]) -> tuple[str, ...]:
    """The columns of a contract that hold ids: every id is named `*_id` (DESIGN §3.1)."""
    return tuple(name for name in schema.column_names(contract) if name.endswith("_id"))


def canonical_table_for(path: Path) -> str | None:
    """The canonical table a file is named after (campaign_spend.csv → campaign_spend), if any."""
    stem = re.sub(r"[^a-z0-9]+", "_", path.stem.lower()).strip("_")
    return stem if stem in schema.TABLES else None


def empty_stage(con: duckdb.DuckDBPyConnection, target: str, contract: type[BaseModel]) -> None:
    """stage_<target>, empty, unless a file was staged into it."""
    con.execute(staging_ddl(target, contract))


def pass_through(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """canon_<table> from stage_<table> unchanged (the file was already in canonical form): a view, not a copy."""
    empty_stage(con, table, schema.TABLES[table])
    con.execute(canonical_view(table))


def transforms(format: str) -> dict[str, sqlfiles.SqlFile]:
    """The transforms of a source format, by name, in file-name order."""
    return sqlfiles.folder(sqlfiles.IMPORT_SQL_DIR / format, "transform")


def run_transform(con: duckdb.DuckDBPyConnection, file: sqlfiles.SqlFile, params: dict | None = None) -> None:
    """One transform into the temporary table it writes, bound to the parameters it declares."""
    con.execute(sqlfiles.create_transform(file), sqlfiles.bound(file, params))


def check(con: duckdb.DuckDBPyConnection, file: sqlfiles.SqlFile):
    """The one value a check (a transform that writes nothing) returns."""
    return con.execute(file.sql).fetchall()[0][0]


def run_steps(con: duckdb.DuckDBPyConnection, format: str, params: dict | None = None,
              chosen: dict[str, Callable[[duckdb.DuckDBPyConnection], None]] | None = None) -> None:
    """Every numbered transform of a format in file-name order. A step of several files (alternatives) is run by
    the function `chosen` gives for one of their names, which runs the files it needs."""
    steps: dict[str, list[sqlfiles.SqlFile]] = {}
    for file in transforms(format).values():
        if number := re.match(r"^(\d+)_", file.path.name):
            steps.setdefault(number.group(1), []).append(file)
    for files in steps.values():
        runner = next((chosen[file.name] for file in files if file.name in (chosen or {})), None)
        if runner:
            runner(con)
        else:
            (file,) = files  # alternatives without a function to choose between them are a mistake of the adapter
            run_transform(con, file, params)
