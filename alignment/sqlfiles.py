"""The product's SQL files outside the metric catalog, read with their validated headers; SQL text is composed here."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
"""sql/derived (tables an import computes), sql/macros (rules every query shares), sql/audits (data-quality queries
that should return no rows), sql/records (what Explore shows behind a bar), sql/queries (the statements the core runs
itself: warehouse metadata, look-ups), sql/sqlite (the import history's and the sign-off ledger's statements),
sql/demo (the demo company's extracts), sql/inputs.sql; the import's transforms live beside the adapters, in
alignment/ingest/sql/<format>/."""
IMPORT_SQL_DIR = ROOT / "alignment" / "ingest" / "sql"
"""The import's own files, beside the adapters: <format>/NN_step.sql, an adapter's steps run in file-name order (files
sharing a step number are alternatives the adapter chooses between; a file with no number is a check it runs by
name), <format>/audits/ (rows an import left out or read another way, reported with it), and macros/, the parsing
macros staging installs."""

Kind = Literal["derived", "macro", "audit", "records", "transform", "query"]
FIELDS: dict[str, tuple[str, ...]] = {
    # every header field a kind of file writes out, in this order
    "derived": ("name", "title", "grain", "reads", "columns"),
    "macro": ("name", "title", "arguments", "returns", "reads", "columns"),
    "audit": ("name", "title", "description", "severity", "reads", "import_warning", "columns"),
    "records": ("name", "title", "grain", "anchors", "reads", "parameters", "columns"),
    "transform": ("name", "title", "reads", "writes", "parameters", "columns"),
    "query": ("name", "title", "reads", "writes", "parameters", "columns"),
}
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def quote(identifier: str) -> str:
    """An identifier (table, column, macro, schema name) as SQL text, double-quoted: the one quoting helper. Values are
    never quoted into SQL; they are bound."""
    return '"' + str(identifier).replace('"', '""') + '"'


CONSTANT = re.compile(r"^[A-Za-z0-9_() ]+$")


def constant(text: str) -> str:
    """A fixed word of the product's own (a slot, a dimension, the "(none)" label) as an SQL string literal, for the
    one place a value cannot be bound: the text of a view. Anything else is refused, never escaped."""
    if not CONSTANT.match(text):
        raise ValueError(f"{text!r} is not one of the product's own words; bind it as a parameter")
    return "'" + text + "'"


def scoped_view(table: str, database: str, conditions: list[str]) -> str:
    """`CREATE OR REPLACE TEMP VIEW table` over the same table of `database` (quoted), keeping the rows that meet
    every condition (Explore's shadows of the measured tables)."""
    return ("CREATE OR REPLACE TEMP VIEW " + quote(table) + " AS SELECT * FROM " + database + ".main." + quote(table)
            + " t WHERE " + (" AND ".join(conditions) or "true"))


SNAPSHOT_VARIABLE = "alignment_snapshot"
"""The DuckDB variable holding where a lake reader's snapshot is (bound per cursor, never pasted into a view)."""


def lake_view(table: str) -> str:
    """`CREATE VIEW table` over the Parquet file (or Spark's folder of them) `<table>.parquet` of the snapshot the
    cursor's SNAPSHOT_VARIABLE names: the one place a lake's location meets SQL, and only as a bound variable."""
    return ("CREATE OR REPLACE VIEW " + quote(table) + " AS SELECT * FROM read_parquet(getvariable("
            + constant(SNAPSHOT_VARIABLE) + ") || '/' || " + constant(table) + " || '.parquet')")


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
    # the one header reader, the metric catalog's, imported late: the catalog reaches its macros through this module
    from alignment.catalog import parse_header

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


def query(name: str) -> str:
    """The SQL of one of the statements the core runs itself (sql/queries/<name>.sql); values are bound by name."""
    return folder(SQL_DIR / "queries", "query")[name].sql


def sqlite(name: str) -> str:
    """The SQL of one statement on the SQLite files beside the warehouse (sql/sqlite/<name>.sql: the import history
    and the sign-off ledger), in SQLite's dialect; values are bound by name."""
    return folder(SQL_DIR / "sqlite", "query")[name].sql


def create_table(file: SqlFile) -> str:
    """`CREATE OR REPLACE TABLE name AS` the file's query (a derived table)."""
    return "CREATE OR REPLACE TABLE " + quote(file.name) + " AS\n" + file.sql


def create_transform(file: SqlFile) -> str:
    """`CREATE OR REPLACE TEMP TABLE writes AS` the file's query (a step of an import)."""
    (table,) = file.writes
    return "CREATE OR REPLACE TEMP TABLE " + quote(table) + " AS\n" + file.sql


def create_macro(file: SqlFile, *, temporary: bool = False) -> str:
    """The file's expression (scalar) or query (table) as a macro taking its declared arguments."""
    return macro_statement(file.name, file.arguments, file.sql, table=file.returns == "table", temporary=temporary)


def macro_statement(name: str, arguments: tuple[str, ...], body: str, *, table: bool, temporary: bool = False) -> str:
    """`CREATE OR REPLACE [TEMP] MACRO name(arguments) AS [TABLE] body` (the catalog's per-metric macros are made so
    from the metric files)."""
    head = "CREATE OR REPLACE " + ("TEMP " if temporary else "") + "MACRO " + quote(name)
    return head + "(" + ", ".join(arguments) + ")" + (" AS TABLE\n" if table else " AS\n") + body


QUARTER_BOUNDS = ("quarter_start", "quarter_end", "quarter_first_day", "quarter_end_day")
"""The parameters that differ from one quarter of a trend to the next; each is bound as a list under its name + "s"
for the LATERAL strategy, and as name_i for the union."""


def trend_lateral(macro: str, parameters: tuple[str, ...]) -> str:
    """(quarter_index, value) rows of a metric's table macro for every quarter of the bound lists ($quarter_starts,
    $quarter_ends, $quarter_first_days, $quarter_end_days), in one query joining the quarters LATERALly; its other
    parameters are bound under their names."""
    arguments = ", ".join("q." + p if p in QUARTER_BOUNDS else "$" + p for p in parameters)
    columns = ", ".join("unnest($" + bound + "s) AS " + bound for bound in QUARTER_BOUNDS)
    return ("WITH quarters AS (SELECT unnest(range(len($quarter_starts))) AS quarter_index, " + columns + ") "
            "SELECT q.quarter_index, m.value FROM quarters q, LATERAL " + quote(macro) + "(" + arguments + ") m")


def trend_union(macro: str, parameters: tuple[str, ...], quarters: int) -> str:
    """The same rows from one expansion of the macro per quarter, UNION ALL BY NAME (for a metric DuckDB cannot
    decorrelate); quarter i's bounds are bound as $quarter_start_i, $quarter_end_i, $quarter_first_day_i and
    $quarter_end_day_i (those its macro takes)."""
    expansions = []
    for index in range(quarters):
        arguments = ", ".join("$" + p + ("_" + str(index) if p in QUARTER_BOUNDS else "") for p in parameters)
        expansions.append("SELECT " + str(index) + " AS quarter_index, value FROM " + quote(macro) + "(" + arguments
                          + ")")
    return " UNION ALL BY NAME ".join(expansions)


def in_dependency_order(files: dict[str, SqlFile]) -> list[SqlFile]:
    """The files, each after the ones of the same set it reads (its header's `reads:`), otherwise in name order: the
    order to create derived tables and macros in. A cycle is refused, naming it."""
    ordered: list[SqlFile] = []
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in path:
            cycle = " → ".join(path[path.index(name):] + (name,))
            raise ValueError(f"{cycle} read each other in a cycle; one of them must stop reading the next")
        for read in files[name].reads:
            if read in files and read != name:
                visit(read, path + (name,))
        done.add(name)
        ordered.append(files[name])

    for name in sorted(files):
        visit(name, ())
    return ordered


def call(file: SqlFile) -> str:
    """A query of a table macro's rows, each of its declared arguments bound as the parameter of the same name."""
    if file.returns != "table":
        raise ValueError(f"{file.name} is not a table macro")
    return "SELECT * FROM " + quote(file.name) + "(" + ", ".join("$" + argument for argument in file.arguments) + ")"


def create_empty_table(table: str, columns: list[tuple[str, str, bool]]) -> str:
    """An empty table of (name, SQL type, whether NOT NULL) columns: the DDL of a contract."""
    body = ",\n  ".join(quote(name) + " " + sql_type + (" NOT NULL" if not_null else "")
                        for name, sql_type, not_null in columns)
    return "CREATE TABLE " + quote(table) + " (\n  " + body + "\n)"


def attach_in_memory(database: str) -> str:
    """A new in-memory database attached under a name."""
    return "ATTACH ':memory:' AS " + quote(database)


def detach(database: str) -> str:
    return "DETACH " + quote(database)


def use(database: str) -> str:
    """Make a database the default one of a connection."""
    return "USE " + quote(database)


def drop_view(view: str) -> str:
    return "DROP VIEW " + quote(view)


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


def add_column(table: str, column: str, sql_type: str) -> str:
    """A column added to a table written by an earlier version (names from the contracts, never from user input)."""
    return "ALTER TABLE " + quote(table) + " ADD COLUMN " + quote(column) + " " + sql_type


def rename_table(table: str, new_name: str) -> str:
    return "ALTER TABLE " + quote(table) + " RENAME TO " + quote(new_name)
