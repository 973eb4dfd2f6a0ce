"""The product's SQL files outside the metric catalog, read with their validated headers; SQL text is composed here."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from alignment.catalog import parse_header

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
"""sql/derived (tables an import computes), sql/macros (rules every query shares), sql/audits (data-quality queries
that should return no rows), sql/records (what Explore shows behind a bar), sql/inputs.sql; the import's transforms
live beside the adapters, in alignment/ingest/sql/<format>/."""
IMPORT_SQL_DIR = ROOT / "alignment" / "ingest" / "sql"
"""The import's own files, beside the adapters: <format>/NN_step.sql, an adapter's steps run in file-name order (files
sharing a step number are alternatives the adapter chooses between; a file with no number is a check it runs by
name), <format>/audits/ (rows an import left out or read another way, reported with it), and macros/, the parsing
macros staging installs."""

Kind = Literal["derived", "macro", "audit", "records", "transform"]
FIELDS: dict[str, tuple[str, ...]] = {
    # every header field a kind of file writes out, in this order
    "derived": ("name", "title", "grain", "reads", "columns"),
    "macro": ("name", "title", "arguments", "returns", "reads", "columns"),
    "audit": ("name", "title", "description", "severity", "reads", "import_warning", "columns"),
    "records": ("name", "title", "grain", "anchors", "reads", "parameters", "columns"),
    "transform": ("name", "title", "reads", "writes", "parameters", "columns"),
}
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def quote(identifier: str) -> str:
    """An identifier (table, column, macro, schema name) as SQL text, double-quoted: the one quoting helper. Values are
    never quoted into SQL; they are bound."""
    return '"' + str(identifier).replace('"', '""') + '"'


def _names(text: str | None) -> tuple[str, ...]:
    return tuple(item.strip().lstrip("$") for item in (text or "").split(",") if item.strip())


def _anchors(text: str, where: str) -> dict[str, str]:
    anchors = {}
    for item in (part.strip() for part in text.split(";")):
        name, equals, phrase = (piece.strip() for piece in item.partition("="))
        if not (equals and IDENTIFIER.match(name) and phrase):
            raise ValueError(f"{where}anchors: '{item}' is not 'name = what its records are called' (e.g. "
                             "'mql = people who became MQLs'), items separated by ';'")
        anchors[name] = phrase
    return anchors


class SqlFile(BaseModel):
    """One headed SQL file: what it is called and computes (grain), what it reads, one comment per output column."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=3)
    grain: str | None = None
    description: str | None = None
    severity: Literal["warning", "info"] | None = None
    # An audit of rows the import warns about too: the column the warning names (of the first table it reads).
    import_warning: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    arguments: tuple[str, ...] = ()
    returns: Literal["scalar", "table"] | None = None
    anchors: dict[str, str] = Field(default_factory=dict, description="records: each event that puts a record in "
                                    "the period ($anchor), with what its records are called (`mql = people who became "
                                    "MQLs; …`)")
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()
    columns: dict[str, str] = Field(default_factory=dict)
    sql: str = Field(min_length=1)
    path: Path | None = None

    @field_validator("arguments", "reads", "writes", "parameters")
    @classmethod
    def _identifiers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [name for name in value if not IDENTIFIER.match(name)]
        if bad:
            raise ValueError(f"{bad} are not names: write letters, digits and underscores, separated by commas")
        return value

    @model_validator(mode="after")
    def _complete(self) -> "SqlFile":
        if self.kind == "records" and not self.anchors:
            raise ValueError(f"{self.name}: name the event that puts a record in the period and what its records are "
                             "called (anchors: name = phrase; …)")
        if self.returns != "scalar" and not self.columns:
            raise ValueError(f"{self.name}: describe every output column under columns (`--   name: what it holds`)")
        used = set(PARAMETER.findall("\n".join(line for line in self.sql.splitlines()
                                               if not line.lstrip().startswith("--"))))
        if used != set(self.parameters):
            raise ValueError(f"{self.name}: the SQL uses {sorted(used)} but the header declares "
                             f"{sorted(self.parameters)}; list exactly the parameters the SQL uses")
        if len(self.writes) > 1:
            raise ValueError(f"{self.name}: a transform writes one table; split it into one file per table")
        return self


def parse(text: str, kind: Kind, path: Path | None = None) -> SqlFile:
    """A headed SQL file of `kind`: every field of FIELDS[kind] written out in its order, then the SQL."""
    fields, columns, sql = parse_header(text)
    where = f"{path.name}: " if path else ""
    written = [key for key in re.findall(r"^-- (\w+):", text, flags=re.MULTILINE) if key in fields or key == "columns"]
    if written != list(FIELDS[kind]):
        raise ValueError(f"{where}a {kind} file's header writes {list(FIELDS[kind])}, in this order (found {written})")
    for listed in ("arguments", "reads", "writes", "parameters"):
        if listed in fields:
            fields[listed] = _names(fields[listed])
    if "anchors" in fields:
        fields["anchors"] = _anchors(fields["anchors"], where)
    fields = {key: value for key, value in fields.items() if value != ""}
    return SqlFile(kind=kind, **fields, columns=columns, sql=sql, path=path)


@functools.cache
def folder(directory: Path, kind: Kind) -> dict[str, SqlFile]:
    """Every SQL file of a folder, by name, in file-name order (an NN_ prefix orders steps); the name is the file's."""
    files = {}
    for path in sorted(Path(directory).glob("*.sql")):
        parsed = parse(path.read_text(encoding="utf-8"), kind, path)
        if parsed.name != re.sub(r"^\d+_", "", path.stem):
            raise ValueError(f"{path.name}: the header names '{parsed.name}'; name the file [NN_]{parsed.name}.sql")
        files[parsed.name] = parsed
    return files


def create_table(file: SqlFile) -> str:
    """`CREATE OR REPLACE TABLE name AS` the file's query (a derived table)."""
    return "CREATE OR REPLACE TABLE " + quote(file.name) + " AS\n" + file.sql


def create_transform(file: SqlFile) -> str:
    """`CREATE OR REPLACE TEMP TABLE writes AS` the file's query (a step of an import)."""
    (table,) = file.writes
    return "CREATE OR REPLACE TEMP TABLE " + quote(table) + " AS\n" + file.sql


def create_macro(file: SqlFile, *, temporary: bool = False) -> str:
    """The file's expression (scalar) or query (table) as a macro taking its declared arguments."""
    head = "CREATE OR REPLACE " + ("TEMP " if temporary else "") + "MACRO " + quote(file.name)
    arguments = "(" + ", ".join(file.arguments) + ")"
    return head + arguments + (" AS TABLE\n" if file.returns == "table" else " AS\n") + file.sql


def bound(file: SqlFile, params: dict | None) -> dict | None:
    """The parameters a file's SQL uses, taken from `params` (DuckDB refuses any it does not use)."""
    return {name: (params or {})[name] for name in file.parameters} or None


def count_of(query: str) -> str:
    """How many rows a query (a file's SQL) returns."""
    return "SELECT count(*) FROM (" + query + ")"


def first_rows(query: str) -> str:
    """A query's first `$limit` rows."""
    return "SELECT * FROM (" + query + ") LIMIT $limit"


def has_rows(relation: str) -> str:
    """Whether a relation (a table's quoted name, a table function) holds any row, reading at most one."""
    return "SELECT count(*) FROM (SELECT 1 FROM " + relation + " LIMIT 1)"


def row_count(relation: str) -> str:
    """How many rows a relation (a table's quoted name, a table function) holds."""
    return "SELECT count(*) FROM " + relation


def drop_table(table: str) -> str:
    return "DROP TABLE IF EXISTS " + quote(table)


def rename_table(table: str, new_name: str) -> str:
    return "ALTER TABLE " + quote(table) + " RENAME TO " + quote(new_name)
