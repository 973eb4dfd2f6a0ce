"""A YAML mapping file that says how any other CRM's extract files fill the canonical tables."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import duckdb
import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, ValidationError
from pydantic import ValidationInfo, create_model, field_validator

from alignment import schema
from alignment.ingest.adapters import (
    AdapterRun, Progress, canonical_table_for, empty_stage, load_source, pass_through, run_steps, stage_canonical,
    stage_part,
)
from alignment.ingest.problems import Example, ImportRejected, Problem
from alignment.ingest import staging
from alignment.ingest.readers import SourceFile, normalize_header, read_through
from alignment.ingest.staging import FALSE_WORDS, TRUE_WORDS, Part, bad_date_format, date_layout

ANY_OTHER = "*"  # a value-map key meaning "every other non-empty value"
# Columns read in snake_case so "Decision Maker", "decision-maker" and "DECISION_MAKER" are one value.
SNAKE_CASE = {"people": ("persona", "kind"), "lifecycle_events": ("stage",), "campaigns": ("channel", "funnel_role"),
              "awareness_metrics": ("channel", "metric"), "stage_counts": ("stage",)}
# What a required column holds, for the message that asks for it.
HOLDS = {
    "account_id": "the company id", "person_id": "the person's id", "created_at": "when the record was created",
    "stage": "the stage", "occurred_at": "when it happened", "activity_id": "the activity id",
    "opportunity_id": "the deal id", "entered_at": "when the deal entered the stage", "campaign_id": "the campaign id",
    "name": "the name", "channel": "the channel (or give one under constants)", "period_start":
    "the first day of the period", "amount": "the amount", "metric": "the metric's name", "value": "the number",
    "user_id": "the user id", "count": "how many reached the stage in the period",
}
DEFAULTED = {"people": {"kind": "contact"}}  # a person whose kind is not mapped is a contact
NUMBER_FORMATS = {"decimal_comma": "decimal_comma", "comma": "decimal_comma", "decimal_point": "decimal_point",
                  "point": "decimal_point"}
TABLE_KEYS = ("file", "columns", "formats", "values", "constants", "date_format", "decimal", "keep_rows", "skip_rows",
              "row_ids", "prefixes", "lookups")
PEOPLE_KEYS = ("lifecycle_dates", "lifecycle_reasons")
TOP_KEYS = ("version", "date_format", "decimal", "tables")


def _as_text(value: Any) -> Any:
    """YAML scalars as the text a spreadsheet shows (true/false lower case, numbers and dates as written)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, dt.date)):
        return str(value)
    return value


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


Text = Annotated[str, BeforeValidator(_as_text)]


def _headers(value: Any) -> str | list[str]:
    """A source column's header, or a list of them read in order where the earlier ones are empty (a fallback)."""
    value = _as_text(value)
    if isinstance(value, list) and len(value) == 1:
        value = _as_text(value[0])
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("is empty — write the name here")
        return value
    if isinstance(value, list) and value and all(isinstance(_as_text(v), str) and _as_text(v).strip() for v in value):
        return [_as_text(v) for v in value]
    raise ValueError("write the header of the source column, or a list of headers read in that order where the "
                     "earlier ones are empty, e.g. [Create Date, Close Date]")


Headers = Annotated[str | list[str], PlainValidator(_headers)]


class EmptyTest(BaseModel):
    """A row filter on whether a cell is empty."""

    model_config = ConfigDict(extra="forbid")
    empty: bool


def _row_test(value: Any) -> list[str] | EmptyTest:
    """A row filter's test: a value or a list of values (case ignored), or {empty: true} / {empty: false}."""
    said = ("write a value, a list of values ([Deleted, Test]), or {empty: true} to match empty cells and "
            "{empty: false} to match filled ones")
    if isinstance(value, dict):
        if set(value) == {"empty"} and isinstance(value["empty"], bool):
            return EmptyTest(empty=value["empty"])
        raise ValueError(said)
    value = _as_text(value)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(_as_text(v), str) for v in value):
        return [_as_text(v) for v in value]
    raise ValueError(said)


RowTest = Annotated[list[str] | EmptyTest, PlainValidator(_row_test)]


class PrefixBy(BaseModel):
    """An id prefix chosen per row by another column's value (Lead → L-, Contact → C-)."""

    model_config = ConfigDict(extra="forbid")
    column: Annotated[Text, Field(min_length=1)]
    values: dict[Text, Text]


class Lookup(BaseModel):
    """A column holding names, resolved to ids through the rows of another canonical table."""

    model_config = ConfigDict(extra="forbid")
    table: Literal[tuple(schema.TABLES)]  # type: ignore[valid-type]
    by: Annotated[Text, Field(min_length=1)]

    @field_validator("table")
    @classmethod
    def _one_key(cls, table: str) -> str:
        if len(schema.TABLES[table].key) != 1:
            keyed = [t for t, model in schema.TABLES.items() if len(model.key) == 1]
            raise ValueError(f"{table} has no id of its own to look up — use one of {', '.join(keyed)}")
        return table


def _readable_date_format(value: str) -> str:
    """A date format the readers understand (DD/MM/YYYY or %d/%m/%Y style), else a message saying what works."""
    if date_layout(value) is None:
        raise ValueError(bad_date_format(value))
    return value


DateFormat = Annotated[Text, AfterValidator(_readable_date_format)]


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _kind_of(table: str, column: str) -> str:
    """'date', 'number', 'boolean' or 'text': how a canonical column (or a lifecycle stage date) is parsed."""
    if table == "people" and column in schema.STAGES:
        return "date"
    spec = {c.name: c for c in schema.columns(schema.TABLES[table])}[column]
    return {"TIMESTAMP": "date", "DATE": "date", "DOUBLE": "number", "BIGINT": "number",
            "BOOLEAN": "boolean"}.get(spec.sql_type, "text")


class TableMapping(BaseModel):
    """How one extract file fills one canonical table."""

    model_config = ConfigDict(extra="forbid")
    table: ClassVar[str] = ""

    file: Annotated[Text, Field(min_length=1)]
    constants: dict[Text, Text | None] = Field(default_factory=dict)
    row_ids: dict[Text, Text] = Field(default_factory=dict)
    columns: dict[Text, Headers] = Field(default_factory=dict, validate_default=True)
    keep_rows: dict[Text, RowTest] = Field(default_factory=dict)
    skip_rows: dict[Text, RowTest] = Field(default_factory=dict)
    prefixes: dict[Text, Text | PrefixBy] = Field(default_factory=dict)
    lookups: dict[Text, Lookup] = Field(default_factory=dict)
    lifecycle_dates: dict[Text, Text] = Field(default_factory=dict)
    lifecycle_reasons: dict[Text, Text] = Field(default_factory=dict)
    date_format: DateFormat | None = None
    decimal: Literal["comma", "point"] | None = None
    formats: dict[Text, Text] = Field(default_factory=dict)
    values: dict[Text, dict[Text, Text]] = Field(default_factory=dict)

    @classmethod
    def canonical_columns(cls) -> list[str]:
        return schema.column_names(schema.TABLES[cls.table])

    @classmethod
    def _unknown(cls, names, what: str = "column") -> list[str]:
        known = cls.canonical_columns()
        return [f"'{name}' is not a {what} of {cls.table} — use one of {', '.join(known)}{_suggest(name, known)}"
                for name in names if name not in known]

    @field_validator("constants")
    @classmethod
    def _constants_fit(cls, constants: dict[str, str | None]) -> dict[str, str | None]:
        issues = cls._unknown(constants)
        specs = {c.name: c for c in schema.columns(schema.TABLES[cls.table])}
        for name, value in constants.items():
            if name in specs and value is not None:
                issues += _value_issues(cls.table, specs[name], value, f"constant for '{name}'")
        _raise(issues)
        return constants

    @field_validator("row_ids")
    @classmethod
    def _row_ids_fit(cls, row_ids: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        issues = cls._unknown(row_ids)
        constants = info.data.get("constants") or {}
        for column in row_ids:
            if column in cls.canonical_columns() and (_kind_of(cls.table, column) != "text"
                                                       or not column.endswith("_id")):
                issues.append(f"'{column}' is not an id; row_ids numbers the rows of a file with no id column "
                              "(e.g. row_ids: {activity_id: ACT-})")
            elif column in constants:
                issues.append(f"'{column}' is both a row id and a constant — keep one")
        _raise(issues)
        return row_ids

    @field_validator("columns")
    @classmethod
    def _columns_fit(cls, columns: dict[str, str | list[str]], info: ValidationInfo) -> dict[str, str | list[str]]:
        issues = cls._unknown(columns)
        constants = info.data.get("constants") or {}
        row_ids = info.data.get("row_ids") or {}
        for column in columns:
            if column in row_ids:
                issues.append(f"'{column}' is both a column and a row id — keep one")
        for spec in schema.columns(schema.TABLES[cls.table]):
            if spec.required and spec.name in columns and spec.name in constants:
                issues.append(f"'{spec.name}' is both a column and a constant — keep one")
            elif (spec.required and spec.name not in columns and spec.name not in constants
                  and spec.name not in row_ids and spec.name not in DEFAULTED.get(cls.table, {})):
                issues.append(f"'{spec.name}' is required — name the source column that holds "
                              f"{HOLDS.get(spec.name, 'it')}"
                              + (" (or number the rows: row_ids: {" + spec.name + ": PREFIX-})"
                                 if spec.name.endswith("_id") and spec.name in schema.TABLES[cls.table].key else ""))
        _raise(issues)
        return columns

    @field_validator("prefixes")
    @classmethod
    def _prefixes_fit(cls, prefixes: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        if "columns" not in info.data:
            return prefixes  # the columns are wrong already; say that first, not a consequence of it
        issues = cls._unknown(prefixes)
        for column in prefixes:
            if column in cls.canonical_columns() and not column.endswith("_id"):
                issues.append(f"'{column}' is not an id; prefixes keep the ids of two files apart (e.g. person_id: L-)")
            elif column in (info.data.get("row_ids") or {}):
                issues.append(f"'{column}' is numbered by row_ids, whose prefix already says it — remove it here")
            elif column in cls.canonical_columns() and column not in info.data["columns"]:
                issues.append(f"'{column}' is not read from the file — map it under columns first")
        _raise(issues)
        return prefixes

    @field_validator("lookups")
    @classmethod
    def _lookups_fit(cls, lookups: dict[str, Lookup], info: ValidationInfo) -> dict[str, Lookup]:
        if "columns" not in info.data:
            return lookups
        issues = cls._unknown(lookups)
        specs = {c.name: c for c in schema.columns(schema.TABLES[cls.table])}
        for column, lookup in lookups.items():
            if column not in specs:
                continue
            target = schema.TABLES[lookup.table].key[0]
            if column not in info.data["columns"]:
                issues.append(f"'{column}' is not read from the file — map it under columns to the column holding "
                              "the names first")
            elif not column.endswith("_id"):
                issues.append(f"'{column}' is not an id; a lookup turns names into ids")
            elif specs[column].references and specs[column].references != f"{lookup.table}.{target}":
                wanted = specs[column].references.split(".")[0]
                issues.append(f"'{column}' holds {wanted} ids — write table: {wanted}")
        _raise(issues)
        return lookups

    @field_validator("keep_rows", "skip_rows")
    @classmethod
    def _filters_named(cls, tests: dict[str, Any]) -> dict[str, Any]:
        _raise([f"'{header}' is given no value to match — write a value, a list, or {{empty: true}}"
                for header, test in tests.items() if isinstance(test, list) and not test])
        return tests

    @field_validator("lifecycle_dates", "lifecycle_reasons")
    @classmethod
    def _lifecycle_fit(cls, stages: dict[str, str]) -> dict[str, str]:
        if stages and cls.table != "people":
            raise ValueError("only the people table has lifecycle dates; move this under tables.people")
        _raise([f"'{stage}' is not a lifecycle stage — use one of {', '.join(schema.STAGES)}"
                f"{_suggest(stage, list(schema.STAGES))}" for stage in stages if stage not in schema.STAGES])
        return stages

    @field_validator("formats")
    @classmethod
    def _formats_fit(cls, formats: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        if "columns" not in info.data:
            return formats  # the columns are wrong already; say that first, not a consequence of it
        read = set(info.data["columns"]) | set(info.data.get("lifecycle_dates") or {})
        issues = []
        for column, value in formats.items():
            if column not in read:
                known = sorted(read)
                issues.append(f"'{column}' is not read from the file — map it under columns first"
                              f"{_suggest(column, known)}")
                continue
            kind = _kind_of(cls.table, column)
            if kind == "date" and date_layout(value) is None:
                issues.append(f"{column}: {bad_date_format(value)}")
            elif kind == "number" and value.strip().lower() not in NUMBER_FORMATS:
                issues.append(f"{column}: '{value}' is not a number format — use decimal_comma (1.234,56) or "
                              "decimal_point (1,234.56)")
            elif kind in ("text", "boolean"):
                issues.append(f"{column}: formats apply to dates and numbers; '{column}' is {kind} — remove it "
                              "(use values to translate words)")
        _raise(issues)
        return formats

    @field_validator("values")
    @classmethod
    def _values_fit(cls, values: dict[str, dict[str, str]], info: ValidationInfo) -> dict[str, dict[str, str]]:
        if "columns" not in info.data:
            return values  # the columns are wrong already; say that first, not a consequence of it
        columns = info.data["columns"]
        specs = {c.name: c for c in schema.columns(schema.TABLES[cls.table])}
        issues = cls._unknown(values)
        for column, mapping in values.items():
            if column not in specs:
                continue
            if column not in columns:
                issues.append(f"'{column}' is not read from the file — map it under columns first")
                continue
            for source, target in mapping.items():
                issues += _value_issues(cls.table, specs[column], target, f"{column}: '{source}' maps to")
        _raise(issues)
        return values


def _value_issues(table: str, spec: schema.ColumnSpec, value: str, said: str) -> list[str]:
    """Why `value` cannot be a value of canonical column `spec` (empty when it can)."""
    if spec.allowed and value not in spec.allowed:
        return [f"{said} '{value}', which is not one of {', '.join(spec.allowed)}{_suggest(value, list(spec.allowed))}"]
    if _kind_of(table, spec.name) == "boolean" and value.strip().lower() not in TRUE_WORDS + FALSE_WORDS:
        return [f"{said} '{value}', which is not true or false"]
    return []


def _raise(issues: list[str]) -> None:
    if issues:
        raise ValueError("; ".join(issues))


# One mapping model per canonical table, so each knows its contract; each table takes one entry or a list.
TABLE_MAPPINGS: dict[str, type[TableMapping]] = {
    table: type(model.__name__ + "Mapping", (TableMapping,), {"table": table, "__module__": __name__,
                                                              "__doc__": f"How a file fills {table}."})
    for table, model in schema.TABLES.items()
}
Tables = create_model(
    "Tables", __config__=ConfigDict(extra="forbid"),
    **{table: (Annotated[list[mapping], BeforeValidator(_as_list)] | None, None)  # type: ignore[valid-type]
       for table, mapping in TABLE_MAPPINGS.items()},
)


class MappingFile(BaseModel):
    """A whole mapping file: defaults for every table, then how each canonical table is filled."""

    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    date_format: DateFormat | None = None
    decimal: Literal["comma", "point"] | None = None
    tables: Tables  # type: ignore[valid-type]

    @field_validator("tables")
    @classmethod
    def _some_table(cls, tables: BaseModel) -> BaseModel:
        if not any(getattr(tables, table) for table in schema.TABLES):
            raise ValueError("name at least one canonical table to fill, e.g. opportunities:")
        return tables

    def entries(self) -> list[tuple[str, TableMapping]]:
        return [(table, entry) for table in schema.TABLES for entry in getattr(self.tables, table) or []]


# --- reading the YAML ------------------------------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false are booleans, so a value like Yes, No or On stays the text it is."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


def parse_mapping(text: str, name: str) -> MappingFile:
    """Validate mapping-file text; every problem is raised at once, each naming its key path."""
    try:
        raw = yaml.load(text, Loader=_Loader)  # noqa: S506 — a safe loader with YAML 1.2 booleans
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ImportRejected([Problem(file=name, rule=f"not valid YAML{where}: {problem}")]) from None
    if not isinstance(raw, dict):
        raise ImportRejected([Problem(file=name, rule="the mapping file must be key: value lines starting with "
                                                      "'version: 1' and 'tables:'")])
    try:
        return MappingFile.model_validate(raw)
    except ValidationError as error:
        raise ImportRejected([_problem(name, e, raw) for e in error.errors()]) from None


def _problem(name: str, error: dict, raw: dict) -> Problem:
    """One pydantic error as a message in the mapping file's own terms: its key path and what to do."""
    loc = list(error["loc"])
    if len(loc) > 2 and loc[0] == "tables" and isinstance(loc[2], int) and isinstance(
            (raw.get("tables") or {}).get(loc[1]), dict):
        del loc[2]  # the table was written as one entry, not a list: do not show an index
    kind, path = error["type"], ".".join(str(part) for part in loc)
    parent = ".".join(str(part) for part in loc[:-1])
    last = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        if loc[:-1] == ["tables"]:
            tables = list(schema.TABLES)
            rule = f"'{last}' is not a canonical table — use one of {', '.join(tables)}{_suggest(last, tables)}"
        elif len(loc) == 1:
            rule = f"'{last}' is not a setting of a mapping file — use {', '.join(TOP_KEYS)}{_suggest(last, TOP_KEYS)}"
        else:
            keys = TABLE_KEYS + (PEOPLE_KEYS if loc[1] == "people" else ())
            rule = f"'{last}' is not a setting of a table — use {', '.join(keys)}{_suggest(last, list(keys))}"
        return Problem(file=name, column=parent or None, rule=rule)
    if kind == "missing":
        hints = {"version": "add 'version: 1' as the first line",
                 "tables": "add 'tables:' with one entry per canonical table to fill",
                 "file": "name the extract file this table is read from, e.g. 'file: deals.csv'"}
        return Problem(file=name, column=parent or None,
                       rule=f"'{last}' is missing — {hints.get(last, 'add it')}")
    if kind == "value_error":
        rule = error["msg"].removeprefix("Value error, ")
    elif kind == "literal_error":
        choices = error["msg"].removeprefix("Input should be ").replace("'", "")
        rule = "must be 1 (the only version so far)" if last == "version" else \
            f"'{error['input']}' is not allowed — use {choices}"
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        rule = "must be a group of key: value lines"
    elif kind == "list_type":
        rule = "must be one table entry (file:, columns: …) or a list of them"
    elif kind in ("string_too_short", "too_short"):
        rule = "is empty — write the name here"
    elif kind == "string_type":
        rule = "must be text (a file or column name, or a value)"
    else:
        rule = error["msg"]
    return Problem(file=name, column=path or None, rule=rule)


# --- the adapter -----------------------------------------------------------------------------------------------

MappedPerson = create_model(
    "MappedPerson", __base__=schema.Person, __doc__="A person row with the wide lifecycle dates of the source.",
    **{f"{stage}_at": (dt.datetime | None, None) for stage in schema.STAGES},
    **{f"{stage}_reason": (str | None, None) for stage in schema.STAGES},
)
class MappingAdapter:
    """Reads the files a validated mapping file names, each into the canonical table it fills."""

    name = "mapping"

    def __init__(self, mapping: MappingFile, source: str = "mapping.yaml"):
        self.mapping = mapping
        self.source = source

    @classmethod
    def from_file(cls, path: Path) -> MappingAdapter:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ImportRejected([Problem(file=path.name, rule="the mapping file was not found")]) from None
        except (OSError, UnicodeDecodeError) as error:
            raise ImportRejected([Problem(file=path.name, rule=f"the mapping file could not be read ({error}); "
                                                               "save it as UTF-8 text")]) from None
        return cls(parse_mapping(text, path.name), path.name)

    def build(self, con: duckdb.DuckDBPyConnection, paths: list[Path], run: AdapterRun,
              progress: Progress | None = None) -> None:
        by_name = {path.name.lower(): path for path in paths}
        sources: dict[Path, SourceFile | None] = {}
        staged: list[tuple[str, TableMapping, SourceFile, dict[str, str]]] = []
        entries = self.mapping.entries()
        for index, (table, entry) in enumerate(entries):
            if progress:
                progress(0.05 + 0.55 * index / max(len(entries), 1), f"Reading {entry.file} into {table}")
            path = by_name.get(Path(entry.file).name.lower())
            if path is None:
                run.problems.append(Problem(
                    file=self.source, column=f"tables.{table}.file",
                    rule=f"names '{entry.file}', which is not among the imported files "
                         f"({', '.join(sorted(p.name for p in paths))}); import it too or correct the name"))
                continue
            if path not in sources:
                sources[path] = load_source(con, path, run)
            if sources[path] is not None:
                run.recognised[path.name] = ", ".join(filter(None, [run.recognised.get(path.name), table]))
                columns = self._stage(con, table, entry, sources[path], run)
                if columns is not None:
                    staged.append((table, entry, sources[path], columns))
        named = set(sources)
        for path in paths:
            if path in named:
                continue
            table = canonical_table_for(path)
            if table and not getattr(self.mapping.tables, table):
                if (source := load_source(con, path, run)) is not None:
                    run.recognised[path.name] = f"canonical table {table}"
                    stage_canonical(con, source, table, run)
            else:
                run.problems.append(Problem(file=path.name, severity="warning",
                                            rule=f"not named in the mapping file {self.source}; skipped"))
        if run.has_errors:
            return
        if progress:
            progress(0.65, "Building the canonical tables")
        empty_stage(con, "map_people", MappedPerson)
        for table, contract in schema.TABLES.items():
            empty_stage(con, table, contract)
        self._look_up(con, staged, run)
        if run.has_errors:
            return
        run_steps(con, "mapping")
        for table in schema.TABLES:
            if table not in ("people", "lifecycle_events"):
                pass_through(con, table)

    def _stage(self, con: duckdb.DuckDBPyConnection, table: str, entry: TableMapping, source: SourceFile,
               run: AdapterRun) -> dict[str, str] | None:
        """Stage one mapping entry: resolve its headers in the file, then parse it under the table's contract; the
        canonical columns and the headers that fill them, or None when the file lacks a header the entry names."""
        missing: list[Problem] = []

        def find(header: str, key: str) -> str:
            found = _find_header(source, header)
            if found is None:
                missing.append(Problem(
                    file=source.name, column=header,
                    rule=f"{self.source} names this column (tables.{table}.{key}) but the file has no such "
                         f"column; its columns are: {', '.join(source.headers)}"))
            return found or header

        columns, fallbacks = {}, {}
        for column, headers in entry.columns.items():
            first, *later = [headers] if isinstance(headers, str) else headers
            columns[column] = find(first, f"columns.{column}")
            if later:
                fallbacks[column] = [find(header, f"columns.{column}") for header in later]
        if table == "people":
            for stage, header in entry.lifecycle_dates.items():
                columns[f"{stage}_at"] = find(header, f"lifecycle_dates.{stage}")
            for stage, header in entry.lifecycle_reasons.items():
                columns[f"{stage}_reason"] = find(header, f"lifecycle_reasons.{stage}")
        tests = {(group, header): (find(header, f"{group}.{header}"), test)
                 for group, given in (("keep_rows", entry.keep_rows), ("skip_rows", entry.skip_rows))
                 for header, test in given.items()}
        prefixes = {column: prefix if isinstance(prefix, str) else (find(prefix.column, f"prefixes.{column}.column"),
                                                                    prefix.values)
                    for column, prefix in entry.prefixes.items()}
        if missing:
            run.problems.extend(missing)
            return None
        snake = SNAKE_CASE.get(table, ())
        contract = MappedPerson if table == "people" else schema.TABLES[table]
        keep_when, filter_params, filter_note = _row_filter(source, table, tests)
        value_maps = {column: _value_map(con, source, columns[column], mapping, column in snake)
                      for column, mapping in entry.values.items()}
        run.problems.extend(self._unused_values(con, table, entry, source, columns, snake))
        stage_part(con, Part(
            target="map_people" if table == "people" else table, contract=contract, source=source, columns=columns,
            constants={**{k: v for k, v in DEFAULTED.get(table, {}).items() if k not in columns},
                       **entry.constants},
            value_maps=value_maps,
            snake_case=tuple(c for c in snake if c in columns),
            unknown_to={"persona": "other"} if table == "people" else {},
            formats=self._formats(table, entry, columns),
            expected_headers={column: [header] for column, header in columns.items()},
            date_advice=lambda column, fits: (
                f"add this line under tables.{table} in {self.source}: formats: "
                f'{{{column.removesuffix("_at") if column not in entry.columns else column}: "{fits}"}}'),
            keep_when=keep_when, filter_params=filter_params, filter_note=filter_note, fallbacks=fallbacks,
            row_ids=dict(entry.row_ids), prefixes=prefixes,
        ), run)
        return columns

    def _look_up(self, con: duckdb.DuckDBPyConnection, staged: list[tuple[str, TableMapping, SourceFile, dict]],
                 run: AdapterRun) -> None:
        """Turn the names that lookups columns hold into the ids of the rows they name, once every file is staged
        (with its prefixes and row ids); a name found nowhere is reported, never dropped silently."""
        for index, (table, entry, source, columns) in enumerate(staged):
            for column, lookup in entry.lookups.items():
                where = f"tables.{table}.lookups.{column}"
                names = f"_names_{index}_{column}"
                found = self._names(con, staged, lookup, names)
                if not found:
                    files = sorted({s.name for t, _, s, _ in staged if t == lookup.table}) or ["none"]
                    run.problems.append(Problem(file=self.source, column=where, rule=(
                        f"no file that fills {lookup.table} has a column '{lookup.by}' (files: {', '.join(files)}); "
                        f"write by: as one of the columns of that file")))
                    continue
                self._resolve(con, table, source, columns[column], column, lookup, names, found, run)

    @staticmethod
    def _names(con: duckdb.DuckDBPyConnection, staged: list, lookup: Lookup, names: str) -> list[str]:
        """Build the temporary table `names` (name → the id of the first row holding it, and how many ids hold it)
        from every staged file that fills `lookup.table` and has the column `lookup.by`; the files used."""
        key = schema.TABLES[lookup.table].key[0]
        con.execute(staging.named_rows_table(names))
        used = []
        for table, _, source, _ in staged:
            header = _find_header(source, lookup.by) if table == lookup.table else None
            if header is None or source.name in used:
                continue
            used.append(source.name)
            # The staged row holds the id as loaded (prefixed, numbered); the file's row the name it goes by.
            read_through(con, source, staging.named_rows(names, source, header, _staged(lookup.table), key),
                         {"lookup_file": source.name})
        con.execute(staging.names_table(names))
        return used

    def _resolve(self, con: duckdb.DuckDBPyConnection, table: str, source: SourceFile, header: str, column: str,
                 lookup: Lookup, names: str, files: list[str], run: AdapterRun) -> None:
        """Replace the names in `column` of the rows `source` staged by the ids they name; report those that name
        no row (left empty where the column may be, refused where it is required) or several."""
        target = _staged(table)
        spec = {c.name: c for c in schema.columns(schema.TABLES[table])}[column]
        found_in = f"'{lookup.by}' of {', '.join(files)}"
        for several, severity, rule in (
                (False, "error" if spec.required else "warning",
                 f"names no {lookup.table} row (looked up in {found_in}); "
                 + ("add the missing row to that file, or skip these rows with skip_rows" if spec.required
                    else "the cell is left empty")),
                (True, "warning",
                 f"names more than one {lookup.table} row (looked up in {found_in}); the first of them is used")):
            condition = staging.names_not_one(column, names, several=several)
            count, examples = con.execute(staging.staged_rows_where(target, column, condition),
                                          {"file": source.name}).fetchall()[0]
            if count:
                run.problems.append(Problem(
                    file=source.name, column=header, canonical=column, rule=rule, count=count, severity=severity,
                    examples=[Example(row=e["row"], value=e["value"]) for e in examples]))
                if severity == "warning" and not several:  # a name of no row leaves the cell empty
                    con.execute(staging.empty_staged_where(target, column, condition), {"file": source.name})
        con.execute(staging.ids_for_names(target, column, names), {"file": source.name})

    def _unused_values(self, con: duckdb.DuckDBPyConnection, table: str, entry: TableMapping, source: SourceFile,
                       columns: dict[str, str], snake: tuple[str, ...]) -> list[Problem]:
        """A warning for each value-map key that matches no value of the file: a map that never applies is a
        mistake (a misspelt word, the wrong column)."""
        problems = []
        for column, mapping in entry.values.items():
            keys = {_map_key(key, column in snake): key for key in mapping if key != ANY_OTHER}
            if not keys:
                continue
            unused = [key for (key,) in read_through(
                con, source, staging.keys_not_held(source, columns[column], column in snake),
                {"keys": list(keys)}).fetchall()]
            if not unused:
                continue
            held = [value for (value,) in read_through(con, source, staging.some_values(source, columns[column]),
                                                       {"limit": 6}).fetchall()]
            said = ", ".join(f"'{keys[key]}'" for key in unused)
            problems.append(Problem(
                file=self.source, column=f"tables.{table}.values.{column}", severity="warning",
                rule=f"{said} {'matches' if len(unused) == 1 else 'match'} no value of column '{columns[column]}' in "
                     f"{source.name}, so {'it is' if len(unused) == 1 else 'they are'} never applied — check the "
                     f"spelling; the column holds e.g. {', '.join(repr(v) for v in held[:5])}"
                     + (" …" if len(held) > 5 else "")))
        return problems

    def _formats(self, table: str, entry: TableMapping, columns: dict[str, str]) -> dict[str, str]:
        """Per column: its own format, else the table's date format or decimal mark, else the file-wide one."""
        formats = {}
        for column in columns:
            if column not in entry.columns:  # a lifecycle date or reason: formats name it by its stage
                key, kind = column.rsplit("_", 1)[0], "date" if column.endswith("_at") else "text"
            else:
                key, kind = column, _kind_of(table, column)
            given = entry.formats.get(key)
            if kind == "date":
                given = given or entry.date_format or self.mapping.date_format
                if given:
                    formats[column] = date_layout(given)
            elif kind == "number":
                decimal = entry.decimal or self.mapping.decimal
                given = given or (decimal and "decimal_" + decimal)
                if given:
                    formats[column] = NUMBER_FORMATS[given.strip().lower()]
        return formats


def _staged(table: str) -> str:
    """The staging table a mapping entry of `table` fills (people with their wide lifecycle dates)."""
    return "stage_map_people" if table == "people" else "stage_" + table


def _find_header(source: SourceFile, header: str) -> str | None:
    """The file's header a mapping names: exactly, else compared letters and digits only."""
    if header in source.headers:
        return header
    return next((h for h in source.headers if normalize_header(h) == normalize_header(header)), None)


def _map_key(text: str, snake: bool) -> str:
    """A value-map key as staging compares it: lower case, and snake case where the column is read so (staging
    snake-cases such a column's value before the lookup)."""
    text = text.strip().lower()
    return re.sub(r"[\s\-]+", "_", text) if snake else text


def _row_filter(source: SourceFile, table: str, tests: dict) -> tuple[str, dict[str, Any], str]:
    """keep_rows and skip_rows as one condition on the file's text (a row is kept when every keep_rows test holds
    and no skip_rows test does), its parameters, and the words the report uses for it."""
    kept, skipped, params, said = [], [], {}, {}
    for index, ((group, _), (header, test)) in enumerate(tests.items()):
        if isinstance(test, EmptyTest):
            condition = staging.empty_test(source, header, test.empty)
            words = f"'{header}' is {'empty' if test.empty else 'not empty'}"
        else:
            params[f"rows_{index}"] = [value.strip().lower() for value in test]
            condition = staging.values_test(source, header, f"rows_{index}")
            words = f"'{header}' is " + " or ".join(test)
        (kept if group == "keep_rows" else skipped).append(condition)
        said.setdefault(group, []).append(words)
    if not kept and not skipped:
        return "", {}, ""
    condition = staging.row_filter(kept, skipped)
    note = "; ".join(f"tables.{table}.{group}: " + (" and " if group == "keep_rows" else " or ").join(words)
                     for group, words in said.items())
    return condition, params, note


def _value_map(con: duckdb.DuckDBPyConnection, source: SourceFile, header: str, mapping: dict[str, str],
               snake: bool) -> dict[str, str]:
    """A value map as staging applies it; '*' becomes an entry for every other value the file holds."""
    def key(text: str) -> str:
        return _map_key(text, snake)

    result = {key(source_value): target for source_value, target in mapping.items() if source_value != ANY_OTHER}
    if ANY_OTHER in mapping:
        present = read_through(con, source, staging.keys_held(source, header, snake)).fetchall()
        result |= {value: mapping[ANY_OTHER] for (value,) in present if value not in result}
    return result
