"""The import's generated SQL, in one place: contracts compiled into DuckDB (text parsed into typed staging tables,
every rule checked in one pass) and the statements a file's layout, a mapping file and the canonical rules give."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import duckdb
from pydantic import BaseModel

from alignment import schema, sqlfiles
from alignment.ingest.problems import Example, Problem
from alignment.ingest.readers import SourceFile, execute, read_through

q = sqlfiles.quote

# Date-time layouts tried on every date column, in order of preference when several read every value.
DATE_LAYOUTS: dict[str, tuple[str, list[str]]] = {
    "iso": ("ISO 8601 (YYYY-MM-DD hh:mm:ss, with or without an offset such as Z or +02:00)", []),
    "us": ("MM/DD/YYYY", ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M",
                          "%m/%d/%Y"]),
    "eu": ("DD/MM/YYYY", ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"]),
    "dot": ("DD.MM.YYYY", ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y"]),
    "dash": ("DD-MM-YYYY", ["%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y"]),
    "day_month": ("DD Mon YYYY (15 Apr, 2021)", [
        "%d %b, %Y %H:%M:%S", "%d %b, %Y %H:%M", "%d %b, %Y", "%d %b %Y %H:%M:%S", "%d %b %Y %H:%M", "%d %b %Y",
        "%d %B, %Y %H:%M:%S", "%d %B, %Y", "%d %B %Y %H:%M:%S", "%d %B %Y"]),
    "month_day": ("Mon DD, YYYY (Apr 15, 2021)", [
        "%b %d, %Y %I:%M:%S %p", "%b %d, %Y %I:%M %p", "%b %d, %Y %H:%M:%S", "%b %d, %Y %H:%M", "%b %d, %Y",
        "%B %d, %Y %I:%M:%S %p", "%B %d, %Y %I:%M %p", "%B %d, %Y %H:%M:%S", "%B %d, %Y %H:%M", "%B %d, %Y"]),
    "epoch_ms": ("milliseconds since 1970 (epoch)", []),
}
DATE_SHAPES = {"us": r"^\d{1,2}/\d{1,2}/\d{4}", "eu": r"^\d{1,2}/\d{1,2}/\d{4}", "dot": r"^\d{1,2}\.\d{1,2}\.\d{4}",
               "dash": r"^\d{1,2}-\d{1,2}-\d{4}", "day_month": r"^\d{1,2} [A-Za-z]{3}",
               "month_day": r"^[A-Za-z]{3,9} \d{1,2}"}
# A date format as people write it (DD-MM-YYYY HH:mm), token by token; the longest token first.
HUMAN_DATE_TOKENS = {"YYYY": "%Y", "YY": "%y", "MMMM": "%B", "MMM": "%b", "MM": "%m", "DD": "%d", "HH": "%H",
                     "hh": "%I", "mm": "%M", "ss": "%S", "A": "%p"}
STRPTIME_CODES = set("aAbBdHIjmMpSyYzZfeT%")
ISO_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")


def date_layout(text: str) -> str | None:
    """A date format as staging reads it: a built-in layout key, or a strptime pattern; None if unreadable."""
    text = text.strip()
    if text in ("iso", "epoch_ms"):
        return text
    pattern = text if "%" in text else re.sub("|".join(HUMAN_DATE_TOKENS), lambda m: HUMAN_DATE_TOKENS[m.group()],
                                              text)
    if "%I" in pattern and "%p" not in pattern:
        pattern = pattern.replace("%I", "%H")  # hh without AM/PM is the 24-hour clock
    codes = re.findall(r"%(.)", pattern)
    if not codes or any(code not in STRPTIME_CODES for code in codes) or re.search(r"[A-SU-Za-z]",
                                                                                   re.sub(r"%.", "", pattern)):
        return None
    if pattern in ISO_FORMATS:
        return "iso"
    # A day-first or month-first date also reads the same date followed by a time.
    return next((key for key, (_, layouts) in DATE_LAYOUTS.items() if pattern in layouts), pattern)


def with_date_alone(pattern: str) -> list[str]:
    """A strptime pattern, and its date alone when it has a time too: one format given for a whole export reads its
    date columns (28/02/23) as well as its date-time ones (28/02/23 10:30)."""
    time = re.search(r"[ T]%[HI]", pattern)
    return [pattern, pattern[:time.start()]] if time else [pattern]


def bad_date_format(value: str) -> str:
    return (f"'{value}' is not a date format — write it like DD/MM/YYYY or %d/%m/%Y (YYYY year, MM month, MMM month "
            "name, DD day, HH hour, hh hour of AM/PM with A, mm minute, ss second), or iso, or epoch_ms")


_NUMERIC_DATE = re.compile(r"(\d{1,4})([-/.])(\d{1,2})\2(\d{2,4})(?:([ T])(\d{1,2}):\d{2}(:\d{2})?(?:\.\d+)?"
                           r"\s*([AaPp][Mm])?)?")
_NAMED_DATE = re.compile(r"(?:(\d{1,2}) ([A-Za-z]{3,9})|([A-Za-z]{3,9})\.? (\d{1,2}))(,?) (\d{4})"
                         r"(?: (\d{1,2}):\d{2}(:\d{2})?\s*([AaPp][Mm])?)?")


def suggest_date_format(value: str | None) -> str | None:
    """The date format (as a mapping file writes it) that reads `value`, e.g. "DD-MM-YYYY HH:mm"; None when none of
    the shapes exports use fits."""
    text = (value or "").strip()

    def clock(hour: str | None, seconds: str | None, half: str | None) -> str:
        if not hour:
            return ""
        return ("hh" if half else "HH") + ":mm" + (":ss" if seconds else "") + (" A" if half else "")

    if match := _NUMERIC_DATE.fullmatch(text):
        first, sep, second, third, gap, hour, seconds, half = match.groups()
        if len(first) == 4:
            date = f"YYYY{sep}MM{sep}DD"
        else:
            year = "YYYY" if len(third) == 4 else "YY"
            # Month first only when the second number cannot be a month; otherwise day first, as most of the world.
            date = f"MM{sep}DD{sep}{year}" if int(second) > 12 >= int(first) else f"DD{sep}MM{sep}{year}"
        time = clock(hour, seconds, half)
        return date + ((gap or " ") + time if time else "")
    if match := _NAMED_DATE.fullmatch(text):
        day, month, month_first, day_second, comma, _, hour, seconds, half = match.groups()
        name = "MMM" if len(month or month_first) == 3 else "MMMM"
        date = f"DD {name}{comma} YYYY" if day else f"{name} DD{comma} YYYY"
        time = clock(hour, seconds, half)
        return date + (" " + time if time else "")
    return None


TYPE_WORDS = {"TIMESTAMP": "a date/time", "DATE": "a date", "DOUBLE": "a number", "BIGINT": "a whole number",
              "BOOLEAN": "true/false"}
TRUE_WORDS = ("true", "t", "1", "yes", "y", "x", "checked")
FALSE_WORDS = ("false", "f", "0", "no", "n", "unchecked")

MACROS = sqlfiles.IMPORT_SQL_DIR / "macros"
"""The parsing macros (money and number text, dates, trimmed and snake-case text, Salesforce ids), in the order they
build on each other."""


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Prepare a connection for staging: all times read as UTC, progress left to the caller's callback (not
    printed), the parsing macros defined, and the table where staging records which header fed each column."""
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    for macro in sqlfiles.folder(MACROS, "macro").values():
        con.execute(sqlfiles.create_macro(macro, temporary=True))
    con.execute("CREATE TEMP TABLE IF NOT EXISTS _staged_headers (file VARCHAR, column_name VARCHAR, header VARCHAR)")


def recorded_headers(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """(file, canonical column) → the header that fed it, as staging recorded it."""
    return {(file, column): header for file, column, header in con.execute(
        "SELECT file, column_name, header FROM _staged_headers").fetchall()}


@dataclass
class Part:
    """How one source file fills (part of) one staging table: which header feeds which contract column, and how."""

    target: str
    contract: type[BaseModel]
    source: SourceFile
    columns: dict[str, str]
    constants: dict[str, Any] = field(default_factory=dict)
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    snake_case: tuple[str, ...] = ()
    unknown_to: dict[str, str] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)
    skip_if_empty: tuple[str, ...] = ()
    expected_headers: dict[str, list[str]] = field(default_factory=dict)
    salesforce_ids: tuple[str, ...] = ()  # columns whose 18-character Salesforce ids are read as 15 (salesforce_id)
    # What to write so a date column is read in the format `fits` (column, fits → advice); None: the import's
    # date-format option, as the Salesforce and HubSpot imports take it.
    date_advice: Callable[[str, str], str] | None = None
    # A mapping file's row filter: a condition on the file's text (rows where it is not true are skipped), its
    # parameters, and how the report names it.
    keep_when: str = ""
    filter_params: dict[str, Any] = field(default_factory=dict)
    filter_note: str = ""
    fallbacks: dict[str, list[str]] = field(default_factory=dict)  # column → headers read where the first is empty
    row_ids: dict[str, str] = field(default_factory=dict)  # column → prefix of the row number that becomes its id
    # column → the prefix of every id it holds, or (header, {value of that column: prefix}) choosing it per row
    prefixes: dict[str, str | tuple[str, dict[str, str]]] = field(default_factory=dict)

    def header_of(self, column: str) -> str:
        return self.columns.get(column, column)


@dataclass
class StageResult:
    problems: list[Problem] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    rows: int = 0


def staging_ddl(target: str, contract: type[BaseModel]) -> str:
    """A typed staging table: the contract's columns with no constraints, plus where each row came from."""
    body = ", ".join(q(c.name) + " " + c.sql_type for c in schema.columns(contract))
    return "CREATE TEMP TABLE IF NOT EXISTS " + q("stage_" + target) + " (_file VARCHAR, _row BIGINT, " + body + ")"


def stage(con: duckdb.DuckDBPyConnection, part: Part) -> StageResult:
    """Parse `part` into stage_<target>, returning every rule it breaks, grouped per column and rule."""
    result = StageResult()
    specs = schema.columns(part.contract)
    file = part.source.name
    missing = [
        s for s in specs
        if s.required and s.name not in part.columns and s.name not in part.constants and s.name not in part.row_ids
    ]
    if missing:
        rule = "required column is missing (the file has no column by that name)"
        if len(part.source.headers) == 1:
            rule += f"; the header was read as one column '{part.source.headers[0][:60]}', so the file is " \
                    "probably separated by something other than a comma, semicolon or tab"
        for spec in missing:
            names = part.expected_headers.get(spec.name, [spec.name])
            result.problems.append(Problem(file=file, column=" / ".join(dict.fromkeys(names)), rule=rule,
                                           examples=[Example(row=1)]))
        return result
    # Which header fed which column, so later checks (keys, references) can name the column as the file does.
    if part.columns:
        con.executemany("INSERT INTO _staged_headers VALUES (?, ?, ?)", [(file, c, h) for c, h in part.columns.items()])

    import_day = dt.datetime.now(dt.UTC).date()
    params: dict[str, Any] = {"file": file, **_window_params(import_day)}
    text: dict[str, str] = {}
    for spec in specs:
        text[spec.name] = _text_expression(part, spec, params)
    filters = [text[c] + " IS NOT NULL" for c in part.skip_if_empty]
    if part.keep_when:
        filters.append("coalesce(" + part.keep_when + ", false)")
        params.update(part.filter_params)
    where = (" WHERE " + " AND ".join(filters)) if filters else ""

    try:
        # Dates are first read as ISO 8601 (what most exports write) without a probe; only a column where that leaves
        # values unread is probed for its layout and parsed again (the probe of every layout costs a pass of its own).
        formats = _sniff_formats(con, part, specs, text, params, where, result, dates=False)
        assumed_iso = [s.name for s in specs
                       if s.sql_type in ("TIMESTAMP", "DATE") and s.name in part.columns and s.name not in formats]
        checks = _checks(part, specs, import_day)
        read_as = _read_as_dates(part, specs, text, formats, where)
        parsed = _parse_dates_read(con, part, specs, text, formats, params, where, checks, read_as)
        rows, found = parsed or _parse(con, part, specs, text, formats, params, where, checks)
        unread = [c for c in assumed_iso if found[_type_check_index(checks, c)][0]]
        if unread:
            sniffed = _sniff_formats(con, part, [s for s in specs if s.name in unread], text, params, where, result)
            if any(sniffed[c] != "iso" for c in unread):
                formats.update(sniffed)
                rows, found = _parse(con, part, specs, text, formats, params, where, checks)
        if part.filter_note and part.source.rows is not None and part.source.rows > rows:
            result.assumptions.append(f"{file}: {part.source.rows - rows:,} of {part.source.rows:,} rows skipped "
                                      f"({part.filter_note})")
        result.assumptions.extend(_fallbacks_read(con, part, params, where))
        for index, (column, rule, _, _, severity) in enumerate(checks):
            count, examples = found[index]
            if count and index == _date_check(checks, specs, column):
                rule += _date_advice(part, column, formats.get(column), examples)
            if count:
                result.problems.append(Problem(
                    file=file, column=part.header_of(column), canonical=column, rule=rule, count=count,
                    severity=severity,
                    examples=[Example(row=e["row"], value=e["value"]) for e in examples or []],
                ))
        con.execute(staging_ddl(part.target, part.contract))
        if any(p.severity == "error" for p in result.problems):
            return result  # the import is refused; nothing more to stage
        # parsed_part already holds the staging table's columns, typed: it becomes the table (or is appended to it).
        for word in range(_words(checks)):
            con.execute("ALTER TABLE parsed_part DROP COLUMN " + _word(word))
        staged = q("stage_" + part.target)
        if not con.execute(sqlfiles.has_rows(staged)).fetchall()[0][0]:
            con.execute(sqlfiles.drop_table("stage_" + part.target))
            con.execute(sqlfiles.rename_table("parsed_part", "stage_" + part.target))
        else:
            con.execute("INSERT INTO " + staged + " BY NAME SELECT * FROM parsed_part")
        result.rows = rows
    finally:
        con.execute(sqlfiles.drop_table("parsed_part"))
    return result


# Each row's broken rules are kept as bits of a few integers (60 rules to an integer), so counting them is a scan of
# those integers and only the rows that break a rule are read again for examples.
RULES_PER_WORD = 60


def _words(checks: list) -> int:
    return (len(checks) + RULES_PER_WORD - 1) // RULES_PER_WORD


def _word(word: int) -> str:
    """The column holding the bits of the rules of `word`, quoted."""
    return q("_broken" + str(word))


def _bit(index: int) -> tuple[str, str]:
    """(column, mask) holding check `index`."""
    return _word(index // RULES_PER_WORD), str(1 << (index % RULES_PER_WORD))


class _Unproven(Exception):
    """A date column read as instants by the CSV reader broke a rule: the file is parsed again as text."""


def _read_as_dates(part: Part, specs, text: dict[str, str], formats: dict[str, str], where: str) -> dict[str, str]:
    """The date columns of a CSV part that DuckDB's CSV reader may read as instants itself (column → the file's
    column): those assumed ISO 8601, read from one column of the file that nothing else of the part reads, as text
    trimmed and nothing more."""
    if not part.source.is_csv:
        return {}
    read = " ".join(list(text.values()) + [where])
    chosen = {}
    for spec in specs:
        if spec.sql_type not in ("TIMESTAMP", "DATE") or spec.name not in part.columns or formats.get(spec.name):
            continue
        column = part.source.column_sql(part.columns[spec.name])
        if text[spec.name] == "trimmed_text(" + column + ")" and read.count(column) == 1:
            chosen[spec.name] = column.strip('"')
    return chosen


def _parse_dates_read(con, part: Part, specs, text, formats, params, where, checks,
                      read_as: dict[str, str]) -> tuple[int, list[tuple[int, list | None]]] | None:
    """The parse with the ISO 8601 date columns read as instants by DuckDB's CSV reader rather than as text cast
    afterwards (most of their cost); None when there are none, or when the reader refused a value or a value broke
    a rule of its column, and then the text path (_parse) parses the file as before.

    The two read the same instant from every value that reads: the same cast (DuckDB's, in the connection's time
    zone, UTC) of the same text. Text that only the reader's cast reads has a first number of one or two digits
    (23-01-23, which the text path leaves to the other layouts), so its year is before 100 and breaks the range
    rule; a space the reader cannot skip (after the date, or a no-break one) it refuses. Either way the file is
    parsed again as text, and the messages are the text path's (tests/test_import_dates_read.py holds the proof,
    value by value).
    """
    if not read_as:
        return None
    try:
        return _parse(con, part, specs, text, formats, params, where, checks, read_as)
    except _Unproven:
        return None
    except duckdb.OutOfMemoryException:
        raise  # the import's limit, not the file's
    except duckdb.Error:
        return None  # a value the reader did not read as an instant, or a file the text path refuses by name


def _parse(con, part: Part, specs, text, formats, params, where, checks,
           read_as: dict[str, str] | None = None) -> tuple[int, list[tuple[int, list | None]]]:
    """Parse every row once into parsed_part, laid out as the staging table plus the bits of the rules each row
    breaks; (rows, [(count, first examples) per check]).

    The rows come straight from the file's relation, in the file's order, so a row's place in parsed_part gives its
    spreadsheet row number. Rows the part skips (`where`) are parsed too and deleted afterwards, so that the places
    still count every row of the file.

    `read_as` (column → the file's column): date columns DuckDB's CSV reader reads as instants itself, the relation
    then being the file read with those columns typed (see _parse_dates_read).
    """
    read_as = read_as or {}
    t = {spec.name: q("t_" + spec.name) for spec in specs}
    typed = {spec.name: _typed_expression(spec, t[spec.name], formats.get(spec.name), params,
                                          salesforce_id=spec.name in part.salesforce_ids,
                                          read_as_instant=spec.name in read_as) for spec in specs}
    # Whether the part keeps a row (`_kept`) is a column only when it skips some.
    kept = ", " + where.removeprefix(" WHERE ") + " AS _kept" if where else ""
    carried = "_kept, " if where else ""
    texts = ", ".join(text[s.name] + " AS " + t[s.name] for s in specs) + kept
    read = ", ".join((q(read_as[s.name]) if s.name in read_as else text[s.name]) + " AS " + t[s.name]
                     for s in specs) + kept
    inner = "SELECT " + read + " FROM "
    values = "SELECT " + carried + ", ".join(
        [t[s.name] for s in specs] + [typed[s.name][0] + " AS " + q("v_" + s.name) for s in specs]
    ) + " FROM (" + inner + part.source.relation + ")"
    # A number's value as written stays beside its typed value, for the rule that refuses implausible numbers.
    parsed = "SELECT " + carried + ", ".join(
        [t[s.name] for s in specs] + [typed[s.name][1] + " AS " + q(s.name) for s in specs]
        + [q("v_" + s.name) for s in specs if s.sql_type in NUMBER_TYPES]
    ) + " FROM (" + values + ")"
    words: list[list[str]] = [[] for _ in range(_words(checks))]
    for index, (_, _, condition, _, _) in enumerate(checks):
        words[index // RULES_PER_WORD].append("CASE WHEN " + condition + " THEN " + _bit(index)[1] + " ELSE 0 END")
    rules = _row_rules(part, specs)
    staged = "SELECT CAST($file AS VARCHAR) AS _file, CAST(NULL AS BIGINT) AS _row, " + ", ".join(
        ["CAST(" + _staged_value(part, s, params, rules) + " AS " + s.sql_type + ") AS " + q(s.name) for s in specs]
        + ["CAST(" + " + ".join(terms) + " AS BIGINT) AS " + _word(word) for word, terms in enumerate(words)]
        + (["_kept"] if where else [])
    ) + " FROM (" + parsed + ")"
    if read_as:
        key = part.source.table + "_"
        relation = text_csv(key, typed=True)
        types = dict(part.source.params[key + "columns"], **{read_as[c]: "TIMESTAMPTZ" for c in read_as})
        execute(con, "CREATE OR REPLACE TEMP TABLE parsed_part AS " + staged.replace(part.source.relation, relation),
                {**params, **part.source.params, key + "typed_columns": types})
    else:
        read_through(con, part.source, "CREATE OR REPLACE TEMP TABLE parsed_part AS " + staged, params)
    # Insertion order is kept, so a row's place is its line in the file: number them (one cheap pass of an integer).
    # A generated id is the row's number with its prefix (a constant until now, so the required rule held).
    con.execute("UPDATE parsed_part SET _row = rowid + 2" + "".join(
        ", " + q(column) + " = $rowid_" + column + " || CAST(rowid + 2 AS VARCHAR)" for column in part.row_ids),
        {"rowid_" + column: prefix for column, prefix in part.row_ids.items()})
    total = con.execute(sqlfiles.row_count("parsed_part")).fetchall()[0][0]
    part.source.rows = total
    if where:
        con.execute("DELETE FROM parsed_part WHERE NOT _kept")
        con.execute("ALTER TABLE parsed_part DROP COLUMN _kept")
    if not checks:
        return con.execute(sqlfiles.row_count("parsed_part")).fetchall()[0][0] if where else total, []
    counts = con.execute("SELECT count(*), " + ", ".join(
        "count(*) FILTER (WHERE " + _bit(index)[0] + " & " + _bit(index)[1] + " <> 0)" for index in range(len(checks))
    ) + " FROM parsed_part").fetchall()[0]
    rows, counts = counts[0], counts[1:]
    found: list[tuple[int, list | None]] = [(count, None) for count in counts]
    failing = [index for index, count in enumerate(counts) if count]
    if any(checks[index][0] in read_as for index in failing):
        raise _Unproven  # a rule broken in a column read as instants: the text path says exactly how
    if failing:
        # The first rows breaking each rule, with the text they hold (read again from the source, for those rows).
        broken = " OR ".join(_word(word) + " <> 0" for word in range(len(words)))
        examples = read_through(con, part.source, "SELECT " + ", ".join(
            "min_by({'row': _row, 'value': " + checks[index][3] + "}, _row, 3) FILTER (WHERE " + _bit(index)[0]
            + " & " + _bit(index)[1] + " <> 0)" for index in failing
        ) + " FROM (SELECT _row, " + texts + " FROM " + numbered(part.source) + ") JOIN (SELECT _row, "
            + ", ".join(_word(w) for w in range(len(words))) + " FROM parsed_part WHERE " + broken
            + ") USING (_row)", params).fetchall()[0]
        for index, listed in zip(failing, examples):
            found[index] = (counts[index], listed)
    return rows, found


def _type_check_index(checks, column: str) -> int:
    """Where the "is not <type>" check of `column` is in `checks` (it is the first check of a typed column)."""
    return next(index for index, check in enumerate(checks) if check[0] == column and check[4] == "error"
                and check[1].startswith("is not "))


def _date_check(checks, specs, column: str) -> int | None:
    """Where the "is not a date" check of `column` is in `checks`, if it is a date column."""
    if next(s for s in specs if s.name == column).sql_type not in ("TIMESTAMP", "DATE"):
        return None
    return _type_check_index(checks, column)


def _layout_words(layout: str | None) -> str:
    return DATE_LAYOUTS[layout or "iso"][0] if (layout or "iso") in DATE_LAYOUTS else f"'{layout}'"


def _date_advice(part: Part, column: str, layout: str | None, examples: list | None) -> str:
    """What was tried on a date column whose values did not read, and the format that reads them, as the line to
    write."""
    if column in part.formats:
        tried = f" in the format given ({_layout_words(layout)})"
    else:
        tried = " in any layout tried (" + "; ".join(words for words, _ in DATE_LAYOUTS.values()) + ")"
    value = next((e["value"] for e in examples or [] if e["value"]), None)
    fits = suggest_date_format(value)
    if fits is None:
        return tried + "; write the format the file uses: " + _advice(part, column, "DD/MM/YYYY HH:mm")
    if not _reads(value, fits) or date_layout(fits) == (layout or "iso"):
        return tried + f"; it has the layout {fits} but is not a real date: correct it in the file"
    return tried + f"; it reads as {fits}: " + _advice(part, column, fits)


def _reads(value: str, fits: str) -> bool:
    """Whether the date format `fits` reads `value` (as DuckDB's strptime would: the same codes)."""
    layout = date_layout(fits)
    patterns = DATE_LAYOUTS[layout][1] if layout in DATE_LAYOUTS else [layout]
    for pattern in patterns:
        try:
            dt.datetime.strptime(value.strip(), pattern)
            return True
        except ValueError:
            continue
    return False


def _advice(part: Part, column: str, fits: str) -> str:
    if part.date_advice:
        return part.date_advice(column, fits)
    return f'import with the date format "{fits}" (--date-format "{fits}" on the command line, or Date format on ' \
           "the Data page)"


def _text_expression(part: Part, spec: schema.ColumnSpec, params: dict[str, Any]) -> str:
    """The column's trimmed text (NULL when empty), after the part's case rules and value map."""
    name = spec.name
    if name in part.constants:
        params["const_" + name] = None if part.constants[name] is None else str(part.constants[name])
        return "$const_" + name + "::VARCHAR"
    if name in part.row_ids:
        params["rowid_" + name] = part.row_ids[name]
        return "$rowid_" + name + "::VARCHAR"
    if name not in part.columns:
        return "NULL::VARCHAR"
    expression = _trimmed(part.source, part.columns[name])
    if name in part.fallbacks:  # the first non-empty of the columns, in the order given
        expression = "coalesce(" + ", ".join(
            [expression] + [_trimmed(part.source, header) for header in part.fallbacks[name]]) + ")"
    if name in part.snake_case:
        expression = "snake_text(" + expression + ")"
    if name in part.value_maps:
        # Keys are compared the way the text is before the lookup: lower case, and snake case where the part says so.
        normalise = (lambda k: re.sub(r"[\s\-]+", "_", k.strip().lower())) if name in part.snake_case \
            else (lambda k: k.strip().lower())
        mapping = {normalise(str(k)): str(v) for k, v in part.value_maps[name].items()}
        params["vk_" + name] = list(mapping)
        params["vv_" + name] = list(mapping.values())
        expression = ("coalesce(map_extract_value(map($vk_" + name + "::VARCHAR[], $vv_" + name + "::VARCHAR[]), "
                      "lower(" + expression + ")), " + expression + ")")
    if name in part.prefixes:
        prefix = part.prefixes[name]
        if isinstance(prefix, str):
            params["pfx_" + name] = prefix
            chosen = "$pfx_" + name + "::VARCHAR"
        else:  # chosen per row by another column's value (Lead → L-, Contact → C-)
            header, by_value = prefix
            params["pk_" + name] = [key.strip().lower() for key in by_value]
            params["pv_" + name] = list(by_value.values())
            chosen = ("coalesce(map_extract_value(map($pk_" + name + "::VARCHAR[], $pv_" + name + "::VARCHAR[]), "
                      "lower(" + _trimmed(part.source, header) + ")), '')")
        expression = "(" + chosen + " || " + expression + ")"  # NULL stays NULL: an empty reference is no id
    return expression


def _trimmed(source: SourceFile, header: str) -> str:
    """A column's trimmed text, NULL when empty."""
    return "trimmed_text(" + source.column_sql(header) + ")"


def _fallbacks_read(con, part: Part, params: dict[str, Any], where: str) -> list[str]:
    """For each column read from the first non-empty of several, how many rows each later column filled."""
    if not part.fallbacks:
        return []
    counted, said = [], []
    for column, later in part.fallbacks.items():
        earlier = [part.columns[column]]
        for header in later:
            empty = " AND ".join(_trimmed(part.source, h) + " IS NULL" for h in earlier)
            counted.append("count(*) FILTER (WHERE " + empty + " AND " + _trimmed(part.source, header)
                           + " IS NOT NULL)")
            said.append((column, header, list(earlier)))
            earlier.append(header)
    counts = read_through(con, part.source, "SELECT " + ", ".join(counted) + " FROM " + part.source.relation + where,
                          params).fetchall()[0]
    return [f"{part.source.name}: {column} read from '{header}' where {' and '.join(repr(h) for h in earlier)} "
            f"{'is' if len(earlier) == 1 else 'are'} empty ({count:,} row{'' if count == 1 else 's'})"
            for (column, header, earlier), count in zip(said, counts) if count]


def _sniff_formats(con, part, specs, text, params, where, result, dates: bool = True) -> dict[str, str]:
    """Choose, per date (unless not `dates`) or number column, the layout that reads the most values; report what
    was assumed."""
    formats: dict[str, str] = {}
    probes: list[tuple[str, str, str]] = []
    for spec in specs:
        if spec.name not in part.columns:
            continue
        given = part.formats.get(spec.name)
        if given:
            formats[spec.name] = given
            continue
        t = text[spec.name]
        if spec.sql_type in ("TIMESTAMP", "DATE") and dates:
            probes.append((spec.name, "iso", "count(parse_iso_timestamp(" + t + "))"))
            for key in DATE_SHAPES:
                params["layout_" + key] = DATE_LAYOUTS[key][1]
                params["shape_" + key] = DATE_SHAPES[key]
                # try_strptime is slow on values it cannot read: only try values of the layout's shape.
                probes.append((spec.name, key, "count(CASE WHEN regexp_matches(" + t + ", $shape_" + key + ") "
                                               "THEN try_strptime(" + t + ", $layout_" + key + ") END)"))
            probes.append((spec.name, "epoch_ms", "count(parse_epoch_ms(" + t + "))"))
        elif spec.sql_type in ("DOUBLE", "BIGINT"):
            # A decimal mark is a mark before one or two final digits, or the other mark after groups of three;
            # "1,200" (one group of three) votes for neither.
            # The patterns are the code's constants, written in as literals so the regular expressions compile once.
            for key, votes in (("comma_votes", COMMA_VOTES), ("point_votes", POINT_VOTES)):
                probes.append((spec.name, key, "count(*) FILTER (WHERE regexp_matches(money_digits(" + t + "), "
                               + _constant(votes) + "))"))
    if not probes:
        return formats
    counts = read_through(
        con, part.source, "SELECT " + ", ".join(p[2] for p in probes) + " FROM " + part.source.relation + where, params
    ).fetchall()[0]
    by_column: dict[str, dict[str, int]] = {}
    for (column, key, _), count in zip(probes, counts):
        by_column.setdefault(column, {})[key] = count
    for column, found in by_column.items():
        header = part.header_of(column)
        if "comma_votes" in found:
            if found["comma_votes"] > found["point_votes"]:
                formats[column] = "decimal_comma"
                result.assumptions.append(f"{part.source.name}: '{header}' read with a decimal comma (1.234,56)")
            else:
                formats[column] = "decimal_point"
            continue
        best = max(DATE_LAYOUTS, key=lambda key: (found[key], -list(DATE_LAYOUTS).index(key)))
        formats[column] = best
        if found[best] and best != "iso":
            note = f"{part.source.name}: '{header}' dates read as {DATE_LAYOUTS[best][0]}"
            if best == "us" and found["eu"] == found["us"]:
                note += " (no day above 12 was seen, so DD/MM/YYYY would also fit; set date_format in a mapping " \
                        "file if that is wrong)"
            result.assumptions.append(note)
    return formats


COMMA_VOTES = r",\d{1,2}$|\.\d{3},|^-?\d+,(\d{1,2}|\d{4,})$|^-?\d{1,3}(\.\d{3}){2,}$"
POINT_VOTES = r"\.\d{1,2}$|,\d{3}\.|^-?\d+\.(\d{1,2}|\d{4,})$|^-?\d{1,3}(,\d{3}){2,}$"


def _typed_expression(spec: schema.ColumnSpec, t: str, layout: str | None, params: dict[str, Any], *,
                      salesforce_id: bool = False, read_as_instant: bool = False) -> tuple[str, str]:
    """(value, typed): the column's parsed value, computed from its text `t` on every row, and its typed value,
    from that value (named `v_<column>`) and `t`; with `salesforce_id`, a text's value is the id's 15-character form.

    Two steps, so that a parse (money text takes several passes of a pattern) is never inside the branch of a CASE:
    DuckDB computes a repeated expression once only outside of branches.
    """
    sql_type, value = spec.sql_type, q("v_" + spec.name)
    typed = value
    if sql_type in ("TIMESTAMP", "DATE"):
        if layout in (None, "iso"):
            # parse_iso_timestamp, in its two steps
            expression, typed = "TRY_CAST(iso_text(" + t + ") AS TIMESTAMPTZ)", "utc_timestamp(" + value + ")"
            if read_as_instant:  # the reader read it: `t` is the instant
                expression = t
            if sql_type == "DATE":
                typed = "CAST(" + typed + " AS DATE)"
        elif layout == "epoch_ms":
            expression = "parse_epoch_ms(" + t + ")"
        elif layout in DATE_LAYOUTS:
            expression = "try_strptime(" + t + ", $layout_" + layout + ")"
            params["layout_" + layout] = DATE_LAYOUTS[layout][1]
        else:  # a layout given in a mapping file or the import's date-format option
            params["fmt_" + spec.name] = with_date_alone(layout)
            expression = "try_strptime(" + t + ", $fmt_" + spec.name + ")"
        if sql_type == "DATE" and layout not in (None, "iso"):
            expression = "CAST(" + expression + " AS DATE)"
    elif sql_type in ("DOUBLE", "BIGINT"):
        comma = "true" if layout == "decimal_comma" else "false"
        # The number as written, NaN and infinities included, so that a rule of its own can name them; the typed
        # value holds plausible numbers only (a cast of 1e300 to BIGINT would fail the whole statement).
        expression = "read_number(" + t + ", " + comma + ")"
        typed = "CASE WHEN abs(" + value + ") <= " + CEILING + " THEN " + value + " END"
        if sql_type == "BIGINT":
            typed = ("CASE WHEN abs(" + value + ") <= " + CEILING + " AND " + value + " = floor(" + value + ") "
                     "THEN CAST(" + value + " AS BIGINT) END")
    elif sql_type == "BOOLEAN":
        expression = "lower(" + t + ")"
        typed = ("CASE WHEN " + value + " IN " + _constants(TRUE_WORDS) + " THEN true WHEN " + value + " IN "
                 + _constants(FALSE_WORDS) + " THEN false END")
    else:
        # An id is read from the column of its text, which the checksum reads fifteen times.
        expression = "salesforce_id(" + t + ")" if salesforce_id else t
    if spec.default is not None:
        default = {"BOOLEAN": str(spec.default).lower(), "DOUBLE": repr(float(spec.default))}.get(
            sql_type, _constant(spec.default))
        typed = "CASE WHEN " + t + " IS NULL THEN " + default + " ELSE " + typed + " END"
    return expression, typed


def _constant(value: str | int | float) -> str:
    """A constant of the contract or of this module (never input) as a SQL literal: written into the statement, so
    that DuckDB folds it (a regular expression compiles once)."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def _constants(values: tuple | list) -> str:
    """Constants as a parenthesised list of literals (the right side of IN)."""
    return "(" + ", ".join(map(_constant, values)) + ")"


def _window_params(import_day: dt.date) -> dict[str, Any]:
    """The bounds of plausible dates (schema.date_window) for an import made on `import_day`, as bound parameters."""
    first, last_recorded = schema.date_window("TIMESTAMP", import_day)
    _, last_planned = schema.date_window("DATE", import_day)
    return {"first_day": first, "last_planned_day": last_planned,
            "first_moment": dt.datetime.combine(first, dt.time()),
            "after_last_recorded": dt.datetime.combine(last_recorded + dt.timedelta(days=1), dt.time())}


NUMBER_TYPES = ("DOUBLE", "BIGINT")
CEILING = repr(schema.NUMBER_CEILING)  # a constant of the contract, written into the statement as its minimums are
DATE_WINDOWS = {
    # (what a date of the kind is, how far ahead it may be, what to write); the window itself: `_outside_window`
    "TIMESTAMP": ("a recorded date", f"{schema.RECORDED_YEARS_AHEAD} year", "write the date it happened"),
    "DATE": ("a calendar date", f"{schema.PLANNED_YEARS_AHEAD} years", "write the real date"),
}


def _outside_window(sql_type: str, column: str) -> str:
    """Whether a typed date is outside the window of plausible dates (from the first moment up to, not including,
    the day after the last recorded one; a calendar date from the first day to the last planned one)."""
    c = q(column)
    if sql_type == "TIMESTAMP":
        return "NOT (" + c + " >= $first_moment::TIMESTAMP AND " + c + " < $after_last_recorded::TIMESTAMP)"
    return "NOT (" + c + " BETWEEN $first_day::DATE AND $last_planned_day::DATE)"


def _or_empty(spec: schema.ColumnSpec) -> str:
    return "" if spec.required and not spec.nullable else ", or leave the cell empty"


def _checks(part: Part, specs: list[schema.ColumnSpec],
            import_day: dt.date) -> list[tuple[str, str, str, str, str]]:
    """(column, rule, failing condition, shown value, severity) for every rule of the contract."""
    checks = []
    for spec in specs:
        name = spec.name
        c, t, v = q(name), q("t_" + name), q("v_" + name)
        if spec.sql_type in NUMBER_TYPES:
            # Text that reads as no number; a number beyond belief has a rule of its own, below.
            checks.append((name, f"is not {TYPE_WORDS[spec.sql_type]}",
                           t + " IS NOT NULL AND " + c + " IS NULL AND NOT coalesce(abs(" + v + ") > " + CEILING
                           + ", false)", t, "error"))
            checks.append((name, f"is not a plausible number: NaN, infinity and anything larger than "
                                 f"{schema.NUMBER_CEILING:,.0f} in size cannot be real; write the real figure in "
                                 f"plain digits (like 125000.50){_or_empty(spec)}",
                           "abs(" + v + ") > " + CEILING, t, "error"))
        elif spec.sql_type != "VARCHAR":
            checks.append((name, f"is not {TYPE_WORDS[spec.sql_type]}", t + " IS NOT NULL AND " + c + " IS NULL", t,
                           "error"))
        if spec.sql_type in DATE_WINDOWS:
            kind, ahead, fix = DATE_WINDOWS[spec.sql_type]
            first, last = schema.date_window(spec.sql_type, import_day)
            checks.append((name, f"is not a plausible date: {kind} must be from {first:%Y-%m-%d} to {last:%Y-%m-%d} "
                                 f"({ahead} after the day of the import); {fix}{_or_empty(spec)}",
                           _outside_window(spec.sql_type, name), t, "error"))
        if spec.required and not spec.nullable:
            checks.append((name, "is empty but required", t + " IS NULL", t, "error"))
        if spec.allowed:
            outside = c + " IS NOT NULL AND " + c + " NOT IN " + _constants(spec.allowed)
            if name in part.unknown_to:
                checks.append((name, f"is not one of {', '.join(spec.allowed)}; read as '{part.unknown_to[name]}'",
                               outside, t, "warning"))
            else:
                checks.append((name, f"must be one of {', '.join(spec.allowed)}", outside, t, "error"))
        if spec.minimum is not None:
            rule = f"must be at least {spec.minimum:g}"
            if spec.minimum == 0:
                rule += ("; it reads as a negative number (a minus sign, or brackets as accountants write one): "
                         "write the figure without them" + _or_empty(spec))
            checks.append((name, rule, c + " < " + _constant(spec.minimum), t, "error"))
        if spec.maximum is not None:
            checks.append((name, f"must be at most {spec.maximum:g}", c + " > " + _constant(spec.maximum), t,
                           "error"))
    for rule in _row_rules(part, specs):
        headers = {name: part.columns.get(column) or part.expected_headers.get(column, [column])[0]
                   for name, column in (("column", rule.column), ("implied", rule.implied))}
        said, shown = q("t_" + rule.implied), q("t_" + rule.column)
        checks.append((rule.column, f"is true but '{headers['implied']}' is false: {rule.reason}; "
                                    + rule.fix.format(**headers),
                       q(rule.column) + " AND " + said + " IS NOT NULL AND NOT " + q(rule.implied), shown, "error"))
        unsaid = "is empty" if rule.implied in part.columns else "is not a column of the file"
        checks.append((rule.column, f"is true and '{headers['implied']}' {unsaid}: {rule.reason}, so {rule.reading}",
                       q(rule.column) + " AND " + said + " IS NULL", shown, "warning"))
    return checks


def _row_rules(part: Part, specs: list[schema.ColumnSpec]) -> list[schema.Implies]:
    """The contract's rules between columns of a row, where the part has both columns."""
    named = {spec.name for spec in specs}
    return [rule for rule in getattr(part.contract, "row_rules", ()) if {rule.column, rule.implied} <= named]


def _staged_value(part: Part, spec: schema.ColumnSpec, params: dict[str, Any], rules: list[schema.Implies]) -> str:
    """The value staged for a column: its typed value, with unknown values mapped and implied values read in."""
    value = _with_unknown(part, spec, params)
    for rule in rules:
        if rule.implied == spec.name:  # left unsaid where the rule's column is true: true (see schema.Implies)
            value = ("CASE WHEN " + q("t_" + spec.name) + " IS NULL AND " + q(rule.column) + " THEN true ELSE "
                     + value + " END")
    return value


def _with_unknown(part: Part, spec: schema.ColumnSpec, params: dict[str, Any]) -> str:
    c = q(spec.name)
    if spec.allowed and spec.name in part.unknown_to:
        params["unknown_" + spec.name] = part.unknown_to[spec.name]
        return ("CASE WHEN " + c + " IS NOT NULL AND " + c + " NOT IN " + _constants(spec.allowed) + " THEN $unknown_"
                + spec.name + " ELSE " + c + " END")
    return c


# --- how a file is read: every column as text ---------------------------------------------------------------

def text_csv(key: str, typed: bool = False) -> str:
    """A CSV file as a relation of text columns c0, c1, … as its header has them, its parameters named `key`…
    (path, delim, encoding, max_line, columns); nothing is sniffed by DuckDB, everything was sniffed before. With
    `typed`, the columns have the types of $`key`typed_columns (some read as instants: _parse_dates_read)."""
    return ("read_csv($" + key + "path, header = true, all_varchar = " + ("false" if typed else "true") + ", delim = $"
            + key + "delim, quote = '\"', escape = '\"', encoding = $" + key + "encoding, max_line_size = $" + key
            + "max_line, null_padding = false, auto_detect = false, columns = $" + key
            + ("typed_columns" if typed else "columns") + ")")


def text_table(table: str, width: int, frame: str | None = None) -> str:
    """A temporary table of text columns c0, c1, … from a registered data frame's columns c0, c1, …, else from the
    Parquet file at $path (its columns by position)."""
    names = [q("c" + str(i)) for i in range(width)]
    if frame:
        return ("CREATE TEMP TABLE " + q(table) + " AS SELECT "
                + ", ".join("CAST(" + name + " AS VARCHAR) AS " + name for name in names) + " FROM " + q(frame))
    return ("CREATE TEMP TABLE " + q(table) + " AS SELECT "
            + ", ".join("CAST(#" + str(i + 1) + " AS VARCHAR) AS " + name for i, name in enumerate(names))
            + " FROM read_parquet($path)")


def numbered(source: SourceFile) -> str:
    """A subquery of the file's relation with each row's spreadsheet row number as `_row` (the header is row 1).

    Reading the rows in order takes one thread, so it is meant for the few rows an error message quotes.
    """
    if source.is_csv:
        return "(SELECT ordinality + 1 AS _row, * FROM " + source.relation + " WITH ORDINALITY)"
    return "(SELECT rowid + 2 AS _row, * FROM " + source.relation + ")"


# --- a mapping file's choices: value-map keys, row filters, names looked up as ids -----------------------------

def key_text(source: SourceFile, header: str, snake: bool) -> str:
    """A column's text as a value map's keys are compared: lower case, and snake case where the column is read so."""
    text = "trimmed_text(" + source.column_sql(header) + ")"
    return "lower(snake_text(" + text + "))" if snake else "lower(" + text + ")"


def keys_held(source: SourceFile, header: str, snake: bool) -> str:
    """Every key the column's values give (see `key_text`)."""
    text = key_text(source, header, snake)
    return "SELECT DISTINCT " + text + " FROM " + source.relation + " WHERE " + text + " IS NOT NULL"


def keys_not_held(source: SourceFile, header: str, snake: bool) -> str:
    """The keys of $keys that no value of the column gives, in order."""
    text = key_text(source, header, snake)
    return ("SELECT k FROM unnest($keys::VARCHAR[]) AS t(k) WHERE k NOT IN (SELECT " + text + " FROM "
            + source.relation + " WHERE " + text + " IS NOT NULL) ORDER BY k")


def some_values(source: SourceFile, header: str) -> str:
    """The column's first $limit distinct values, trimmed, in order."""
    return ("SELECT DISTINCT trimmed_text(" + source.column_sql(header) + ") AS v FROM " + source.relation
            + " WHERE v IS NOT NULL ORDER BY v LIMIT $limit")


def empty_test(source: SourceFile, header: str, empty: bool) -> str:
    """Whether a row's cell is empty (or, not `empty`, filled), never NULL."""
    return "coalesce(trimmed_text(" + source.column_sql(header) + ")" + (" IS NULL" if empty else " IS NOT NULL") \
        + ", false)"


def values_test(source: SourceFile, header: str, parameter: str) -> str:
    """Whether a row's cell holds one of the values of the list parameter (lower case), never NULL."""
    return ("coalesce(list_contains($" + parameter + "::VARCHAR[], lower(trimmed_text(" + source.column_sql(header)
            + "))), false)")


def row_filter(kept: list[str], skipped: list[str]) -> str:
    """The rows where every test of `kept` holds and none of `skipped` does."""
    return " AND ".join(kept + ["NOT (" + " OR ".join(skipped) + ")"] if skipped else kept)


def named_rows_table(names: str) -> str:
    """<names>_all: (name, id, file, row) of every staged row a lookup may name."""
    return ("CREATE OR REPLACE TEMP TABLE " + q(names + "_all") + " (name VARCHAR, id VARCHAR, _file VARCHAR, "
            "_row BIGINT)")


def named_rows(names: str, source: SourceFile, header: str, target: str, key: str) -> str:
    """Add to <names>_all each row of `target` that `source` ($lookup_file) staged: the name its `header` holds
    (trimmed, lower case) and the id `key` it was staged with (prefixed, numbered)."""
    return ("INSERT INTO " + q(names + "_all") + " SELECT lower(trimmed_text(f." + source.column_sql(header)
            + ")), s." + q(key) + ", s._file, s._row FROM " + numbered(source) + " f JOIN " + q(target)
            + " s ON s._file = $lookup_file AND s._row = f._row")


def names_table(names: str) -> str:
    """<names>: each name, the id of the first row holding it, and how many ids hold it."""
    return ("CREATE OR REPLACE TEMP TABLE " + q(names) + " AS SELECT name, arg_min(id, (_file, _row)) AS id, "
            "count(DISTINCT id) AS ids, list(DISTINCT id ORDER BY id)[1:3] AS some FROM " + q(names + "_all")
            + " WHERE name IS NOT NULL GROUP BY name")


def names_not_one(column: str, names: str, *, several: bool) -> str:
    """Whether a staged row's `column` names no row of <names> (or, `several`, more than one)."""
    if several:
        return "lower(" + q(column) + ") IN (SELECT name FROM " + q(names) + " WHERE ids > 1)"
    return "lower(" + q(column) + ") NOT IN (SELECT name FROM " + q(names) + ")"


def staged_rows_where(target: str, column: str, condition: str) -> str:
    """How many rows of `target` from $file hold a `column` meeting `condition`, and the first three (row, value)."""
    return ("SELECT count(*), (list({'row': _row, 'value': " + q(column) + "} ORDER BY _row))[1:3] FROM " + q(target)
            + " WHERE _file = $file AND " + q(column) + " IS NOT NULL AND " + condition)


def empty_staged_where(target: str, column: str, condition: str) -> str:
    """Empty `column` in the rows of `target` from $file meeting `condition`."""
    return "UPDATE " + q(target) + " SET " + q(column) + " = NULL WHERE _file = $file AND " + condition


def ids_for_names(target: str, column: str, names: str) -> str:
    """Replace the names in `column` of the rows of `target` from $file by the ids <names> gives them."""
    return ("UPDATE " + q(target) + " SET " + q(column) + " = n.id FROM " + q(names) + " n WHERE " + q(target)
            + "._file = $file AND lower(" + q(target) + "." + q(column) + ") = n.name")


# --- the canonical tables an adapter built: their rules checked again, then written ------------------------------

def canon(table: str) -> str:
    """The temporary table (or view) an adapter builds a canonical table in, quoted."""
    return q("canon_" + table)


def canonical_view(table: str) -> str:
    """canon_<table> as stage_<table> unchanged (the file was already in canonical form): a view, not a copy."""
    return "CREATE OR REPLACE TEMP VIEW " + canon(table) + " AS SELECT * FROM " + q("stage_" + table)


def built_relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The temporary tables and views on the connection."""
    return {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary UNION ALL "
                                            "SELECT view_name FROM duckdb_views() WHERE temporary").fetchall()}


def canonical_value_rules(spec: schema.ColumnSpec, prefix: str) -> list[tuple[str, str, dict]]:
    """(failing condition, rule, parameters named `prefix`_…) of the contract's value rules on one column."""
    c, rules = q(spec.name), []
    if spec.required and not spec.nullable:
        rules.append((c + " IS NULL", "is empty but required", {}))
    if spec.allowed:
        rules.append(("NOT list_contains($" + prefix + "_allowed::VARCHAR[], " + c + ")",
                      f"must be one of {', '.join(spec.allowed)}", {prefix + "_allowed": list(spec.allowed)}))
    if spec.minimum is not None:
        rules.append((c + " < $" + prefix + "_minimum", f"must be at least {spec.minimum:g}",
                      {prefix + "_minimum": spec.minimum}))
    if spec.maximum is not None:
        rules.append((c + " > $" + prefix + "_maximum", f"must be at most {spec.maximum:g}",
                      {prefix + "_maximum": spec.maximum}))
    return rules


def rule_counts(table: str, conditions: list[str]) -> str:
    """How many rows of canon_<table> fail each condition, in one pass."""
    return "SELECT " + ", ".join("count(*) FILTER (WHERE " + condition + ")" for condition in conditions) \
        + " FROM " + canon(table)


def rule_rows(table: str, failing: list[tuple[int, str, str]]) -> str:
    """(rule's index, file, row, value) of every row of canon_<table> failing one of the (index, column, condition)
    rules."""
    return " UNION ALL ".join(
        "SELECT " + str(index) + " AS rule, _file, _row, CAST(" + q(column) + " AS VARCHAR) AS value FROM "
        + canon(table) + " WHERE " + condition for index, column, condition in failing
    ) + " ORDER BY rule, _file, _row"


def key_repeats(table: str, key: tuple[str, ...]) -> str:
    """Whether any key of canon_<table> repeats (a grouping, stopped at the first)."""
    return "SELECT count(*) FROM (SELECT 1 FROM " + canon(table) + " GROUP BY " + ", ".join(map(q, key)) \
        + " HAVING count(*) > 1 LIMIT 1)"


def repeated_key_rows(table: str, key: tuple[str, ...]) -> str:
    """(file, times its key appears, row, the key) of every row of canon_<table> whose key repeats."""
    columns = ", ".join(map(q, key))
    return ("SELECT _file, count(*) OVER (PARTITION BY " + columns + ") AS n, _row, concat_ws(' / ', " + columns
            + ") FROM " + canon(table) + " QUALIFY n > 1 ORDER BY _file, _row")


def unknown_references(table: str, column: str, target_table: str, target_column: str) -> str:
    """(file, 0, row, value) of every row of canon_<table> whose `column` names no row of the target table."""
    return ("SELECT s._file, 0, s._row, s." + q(column) + " FROM " + canon(table) + " s ANTI JOIN "
            + canon(target_table) + " t ON t." + q(target_column) + " = s." + q(column) + " WHERE s." + q(column)
            + " IS NOT NULL ORDER BY s._file, s._row")


def finding_rows(audit: sqlfiles.SqlFile, key: tuple[str, ...]) -> str:
    """(file, 0, row, value of the column its warning names) of the canon_ rows an audit finds in the canonical
    table it reads first, once written: the same rows, found by their key."""
    columns = ", ".join(map(q, key))
    return ("SELECT _file, 0, _row, CAST(" + q(audit.import_warning) + " AS VARCHAR) FROM " + canon(audit.reads[0])
            + " WHERE (" + columns + ") IN (SELECT " + columns + " FROM (" + audit.sql + ")) ORDER BY _file, _row")


def materialise(model: type[schema.CanonicalTable]) -> str:
    """Insert canon_<table>'s rows into the canonical table, without their lineage columns; a currency code is
    stored upper-cased, an empty one as empty (the corporate currency)."""
    return ("INSERT INTO " + q(model.table) + " SELECT " + ", ".join(
        "upper(nullif(trim(" + q(c) + "), ''))" if c == "currency" else q(c) for c in schema.column_names(model))
        + " FROM " + canon(model.table))
