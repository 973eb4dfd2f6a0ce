"""Readers: open a CSV, XLSX or Parquet extract for DuckDB as text, sniffing what a person would not want to specify."""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import hashlib
import io
import re
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from alignment import sqlfiles
from alignment.ingest.problems import Example, ImportRejected, Problem

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
MAX_LINE_BYTES = 8 * 1024 * 1024
SNIFF_BYTES = 256 * 1024
SUPPORTED = (".csv", ".txt", ".tsv", ".xlsx", ".parquet")
# A workbook is a zip of XML: what its parts declare they unpack to is checked before any of it is read (a few KB
# can declare gigabytes), and the first sheet is read no further than Excel's own limits allow.
XLSX_MAX_UNPACKED_BYTES = 512 * 1024 * 1024
XLSX_MAX_ROWS = 1_048_576  # Excel's own maximum, header included
XLSX_MAX_COLUMNS = 16_384  # column XFD, Excel's own maximum
XLSX_MAX_CELLS = 50_000_000  # rows × the widest row, as held in memory while the sheet is read


@dataclass
class SourceFile:
    """One extract as read: where it came from, what was assumed, and the relation staging reads it from.

    A CSV file is not copied into the database: `relation` is DuckDB's `read_csv` of the file with every column as
    text (parameters in `params`), which staging reads in the pass that parses it. A workbook or Parquet file is
    loaded into the temporary text table `table`, and `relation` names that table.
    """

    path: Path
    table: str
    rows: int | None = None  # data rows, once counted (staging counts a CSV file's as it parses it)
    headers: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    relation: str = ""
    params: dict = field(default_factory=dict)
    refused: bool = False  # found malformed while staged: refused once, not again by each part reading it
    reread_from: str = ""  # how the file was first said to be read, when it was then read in another encoding
    is_csv: bool = False  # read straight from the file (`relation` is a read_csv), not from a text table
    warnings: list[Problem] = field(default_factory=list)  # what the reader noticed and the import should report
    _hashing: "_Background | None" = None
    _fingerprint: str = ""
    _nul_at: int | None = None  # offset of the first NUL byte in a text file, found while hashing it

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the file's bytes (taken in a thread of its own while the file is staged)."""
        if self._hashing is not None:
            (self._fingerprint, self._nul_at), self._hashing = self._hashing.result(), None
        return self._fingerprint

    def nul_problem(self) -> Problem | None:
        """The refusal of a text file holding a NUL byte past the head `_sniff_text` checks (a copy cut short and
        padded with zeros, a damaged disk): found by the pass that hashes the file, so it costs no read of its own."""
        _ = self.fingerprint
        if self._nul_at is None:
            return None
        return Problem(file=self.name, examples=[Example(row=_line_at(self.path, self._nul_at))], rule=(
            "the file holds NUL (zero) bytes from this row, as a damaged copy or one padded with zeros does; "
            "export it from the CRM again"))

    def column_sql(self, header: str) -> str:
        """The relation's column holding `header` (text columns are named c0, c1, … by position), quoted."""
        return sqlfiles.quote(f"c{self.headers.index(header)}")


def _digest(path: Path, *, find_nul: bool) -> tuple[str, int | None]:
    """SHA-256 of the file's bytes and, when asked, the offset of its first NUL byte (None when it has none)."""
    digest, offset, nul_at = hashlib.sha256(), 0, None
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            if find_nul and nul_at is None and (found := block.find(b"\0")) >= 0:
                nul_at = offset + found
            offset += len(block)
    return digest.hexdigest(), nul_at


def _line_at(path: Path, offset: int) -> int:
    """The 1-based line holding the byte at `offset`."""
    lines, done = 1, 0
    with open(path, "rb") as handle:
        while done < offset:
            block = handle.read(min(1 << 20, offset - done))
            if not block:
                break
            lines += block.count(b"\n")
            done += len(block)
    return lines


def normalize_header(name: str) -> str:
    """A header as compared against known column names: lower case letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def read_source(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> SourceFile:
    """Open one file for staging as all-text columns c0, c1, … (see `SourceFile`); refuse what cannot be read."""
    path = Path(path)
    source = SourceFile(path=path, table=table)
    if not path.exists():
        raise ImportRejected([Problem(file=path.name, rule="file not found")])
    if path.stat().st_size == 0:
        raise ImportRejected([Problem(file=path.name, rule="the file is empty (0 bytes); export it again")])
    suffix = path.suffix.lower()
    # The file's hash is taken while DuckDB reads it: both mostly wait on other threads (hashlib and DuckDB release
    # the interpreter lock), so the second pass over the bytes costs little time.
    source._hashing = _Background(_digest, path, find_nul=suffix not in (".xlsx", ".parquet"))
    try:
        if suffix == ".xlsx":
            _read_xlsx(con, source)
        elif suffix == ".parquet":
            _read_parquet(con, source)
        else:
            _read_csv(con, source)
        if not read_through(con, source, sqlfiles.has_rows(source.relation)).fetchall()[0][0]:
            raise ImportRejected([Problem(file=path.name, rule="the file has a header but no data rows")])
        if not source.is_csv:
            source.rows = con.execute(sqlfiles.row_count(source.relation)).fetchall()[0][0]
    except BaseException:
        con.execute(sqlfiles.drop_table(table))  # the next file is read into the same name
        with contextlib.suppress(Exception):  # the hashing thread ends before the file is given up
            _ = source.fingerprint
        raise
    return source


def count_rows(con: duckdb.DuckDBPyConnection, source: SourceFile) -> int:
    """The file's data rows (a pass over a CSV file; staging counts them as it parses, so this is for files no part
    staged)."""
    if source.rows is None:
        source.rows = read_through(con, source, sqlfiles.row_count(source.relation)).fetchall()[0][0]
    return source.rows


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None):
    """Execute with only the named parameters the statement uses (DuckDB refuses extra ones)."""
    used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", sql))
    return con.execute(sql, {k: v for k, v in (params or {}).items() if k in used})


def read_through(con: duckdb.DuckDBPyConnection, source: SourceFile, sql: str, params: dict | None = None):
    """Execute `sql`, which reads `source.relation`, with its parameters; a CSV file that turns out not to be UTF-8
    past its sniffed head is read again as Latin-1, and a malformed one is refused naming the row."""
    while True:
        try:
            return execute(con, sql, {**(params or {}), **source.params})
        except duckdb.Error as error:
            if not source.is_csv or isinstance(error, duckdb.OutOfMemoryException):
                raise  # out of memory is the import's limit, not the file's fault
            if source.params.get(source.table + "_encoding") == "utf-8" and "invalid unicode" in str(error).lower():
                encoding, label = _not_utf8(source.path)
                source.params[source.table + "_encoding"] = encoding
                delimiter = source.params[source.table + "_delim"]
                source.reread_from = source.reread_from or source.assumptions[0]
                source.assumptions[0] = f"read as {label}, {DELIMITERS[delimiter]}-delimited"
                continue
            # A NUL byte past the sniffed head is the likelier cause, and the clearer message.
            raise ImportRejected([source.nul_problem() or _csv_problem(source.path.name, error)]) from None


class _Background:
    """A function run in a thread of its own; `result()` waits for it and re-raises what it raised."""

    def __init__(self, function, *args, **kwargs) -> None:
        self._outcome: list = []
        self._thread = threading.Thread(target=self._run, args=(function, *args), kwargs=kwargs, daemon=True)
        self._thread.start()

    def _run(self, function, *args, **kwargs) -> None:
        try:
            self._outcome.append((True, function(*args, **kwargs)))
        except BaseException as error:  # handed to the caller of result()
            self._outcome.append((False, error))

    def result(self):
        self._thread.join()
        succeeded, value = self._outcome[0]
        if not succeeded:
            raise value
        return value


def _sniff_text(path: Path) -> tuple[str, str, str]:
    """Return (duckdb encoding, delimiter, human description) or raise with a readable problem."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    name = path.name
    if head.startswith(b"PK\x03\x04"):  # before the binary check: a workbook is a zip full of NUL bytes
        raise ImportRejected([Problem(file=name, rule="this looks like an Excel/zip file with a .csv name; "
                                                      "save it with the .xlsx extension")])
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode Text" export
        raise ImportRejected([Problem(file=name, rule="the file is saved as UTF-16 (\"Unicode text\"); save it again "
                                                      "as \"CSV UTF-8\"")])
    if head.startswith(b"\x1f\x8b"):
        raise ImportRejected([Problem(file=name, rule="the file is compressed (gzip); unpack it and import the CSV "
                                                      "inside")])
    if b"\x00" in head:
        raise ImportRejected([Problem(
            file=name, rule="this is not a text file (it contains binary bytes); export it as CSV, XLSX or Parquet")])
    bom = head.startswith(codecs.BOM_UTF8)
    encoding, label = "utf-8", "UTF-8 with BOM" if bom else "UTF-8"
    # Only the head is checked here; DuckDB checks the rest as it reads, and `_read_csv` falls back to Latin-1 then.
    if not _is_utf8_start(head, whole=len(head) < SNIFF_BYTES):
        encoding, label = _not_utf8(path)
    text = head.decode("utf-8" if encoding == "utf-8" else "latin-1", errors="ignore").lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    if len(head) == SNIFF_BYTES and "\n" not in text:
        raise ImportRejected([Problem(
            file=name, examples=[Example(row=1)],
            rule=f"the first line is longer than {SNIFF_BYTES // 1024} KB; this is not a header row — check that "
                 "the file is a CSV export")])
    delimiter = _sniff_delimiter(text, first_line)
    return encoding, delimiter, f"{label}, {DELIMITERS[delimiter]}-delimited"


def _is_utf8_start(head: bytes, whole: bool) -> bool:
    """Whether the first bytes are UTF-8 (unless they are the `whole` file, a character cut off at their end does
    not count against it)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=whole)
    except UnicodeDecodeError:
        return False
    return True


def _not_utf8(path: Path) -> tuple[str, str]:
    """(encoding, label) of a file that is not UTF-8 throughout: Latin-1, unless UTF-8 rows elsewhere say mixed."""
    mixed_row = _mixed_encoding_row(path)
    if mixed_row:
        raise ImportRejected([Problem(file=path.name, examples=[Example(row=mixed_row)], rule=(
            "the file mixes text encodings: some rows are UTF-8 and this one is not (Latin-1/Windows?); "
            "save the whole file again as UTF-8"))])
    return "latin-1", "Latin-1 (the file is not valid UTF-8)"


def _mixed_encoding_row(path: Path) -> int | None:
    """The first line that is not UTF-8 in a file where other lines hold UTF-8 characters, else None."""
    first_invalid, has_utf8 = None, False
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                first_invalid = first_invalid or number
                continue
            has_utf8 = has_utf8 or not line.isascii()
            if has_utf8 and first_invalid:
                break
    return first_invalid if has_utf8 else None


def _sniff_delimiter(text: str, first_line: str) -> str:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t")
        if dialect.delimiter in DELIMITERS and first_line.count(dialect.delimiter) > 0:
            return dialect.delimiter
    except csv.Error:
        pass
    counts = {d: first_line.count(d) for d in DELIMITERS}
    return max(counts, key=lambda d: counts[d]) if max(counts.values()) > 0 else ","


def _read_csv(con: duckdb.DuckDBPyConnection, source: SourceFile) -> None:
    encoding, delimiter, description = _sniff_text(source.path)
    try:
        source.headers = _csv_header(source.path, encoding, delimiter)
    except _NotUtf8:
        encoding, label = _not_utf8(source.path)
        description = f"{label}, {DELIMITERS[delimiter]}-delimited"
        source.headers = _csv_header(source.path, encoding, delimiter)
    source.assumptions.append(f"read as {description}")  # first: `read_through` rewrites it if the encoding changes
    from alignment.ingest.staging import text_csv

    # Parameters are named after the source, so that a statement reading two sources binds both.
    key = source.table + "_"
    source.relation, source.is_csv = text_csv(key), True
    source.params = {
        key + "path": str(source.path), key + "delim": delimiter, key + "encoding": encoding,
        key + "max_line": MAX_LINE_BYTES, key + "columns": {f"c{i}": "VARCHAR" for i in range(len(source.headers))},
    }


class _NotUtf8(Exception):
    """A header that is not UTF-8 in a file sniffed as UTF-8."""


def _csv_header(path: Path, encoding: str, delimiter: str) -> list[str]:
    """The header row, parsed by Python's csv module so duplicate or empty names get a readable error."""
    try:
        with open(path, encoding="utf-8-sig" if encoding == "utf-8" else "latin-1", newline="") as handle:
            header = next(csv.reader(io.StringIO(handle.readline()), delimiter=delimiter), [])
    except UnicodeDecodeError:
        raise _NotUtf8() from None
    return _checked_header(path, header)


def _checked_header(path: Path, header: list[str]) -> list[str]:
    """Header names trimmed, empty ones named column_<n>; a header naming a column twice is refused, in any mix of
    upper and lower case (columns are found whatever their case, so `Amount` and `amount` would be one column)."""
    names = [h.strip() for h in header]
    if not any(names):
        raise ImportRejected([Problem(file=path.name, examples=[Example(row=1)],
                                      rule="the first row must be a header row naming the columns")])
    seen: dict[str, str] = {}
    duplicates, case_only = [], []
    for index, name in enumerate(names):
        if not name:
            names[index] = name = f"column_{index + 1}"
        first = seen.setdefault(name.casefold(), name)
        if first == name and names.index(name) != index:
            duplicates.append(name)
        elif first != name:
            case_only.append(f"{first} / {name}")
    problems = []
    if duplicates:
        problems.append(Problem(file=path.name, column=", ".join(sorted(set(duplicates))), examples=[Example(row=1)],
                                rule="the header names this column more than once; rename one of them"))
    if case_only:
        problems.append(Problem(file=path.name, column=", ".join(sorted(set(case_only))), examples=[Example(row=1)],
                                rule="the header names one column twice, differing only in upper and lower case; "
                                     "column names are matched whatever their case, so rename or remove one of them"))
    if problems:
        raise ImportRejected(problems)
    return names


def _csv_problem(file: str, error: duckdb.Error) -> Problem:
    text = str(error)
    line = re.search(r"line:? (\d+)", text, re.IGNORECASE)  # DuckDB says "CSV Error on Line: 3"
    row = int(line.group(1)) if line else None
    if "Maximum line size" in text or "maximum line size" in text:
        rule = f"a row is longer than {MAX_LINE_BYTES // (1024 * 1024)} MB; the file is probably not a CSV export " \
               "or a quote is never closed"
    elif "Expected Number of Columns" in text or "columns" in text.lower() and "expected" in text.lower():
        rule = "this row has a different number of fields than the header (a stray delimiter or an unclosed quote?)"
    elif "unterminated quote" in text.lower() or "quote" in text.lower():
        rule = "a quoted field is never closed"
    elif "unicode" in text.lower() or "encoding" in text.lower():
        rule = "the file's text encoding could not be read; save it as UTF-8"
    else:
        rule = "the file could not be read as CSV: " + text.split("\n", 1)[0][:200]
    return Problem(file=file, rule=rule, examples=[Example(row=row)] if row else [])


def _read_xlsx(con: duckdb.DuckDBPyConnection, source: SourceFile) -> None:
    import pandas as pd  # only workbooks need it; importing it costs a command-line import most of its start-up
    from openpyxl import load_workbook

    _check_unpacked_size(source.path)
    try:
        workbook = load_workbook(source.path, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        raise ImportRejected([Problem(file=source.path.name, rule=f"the workbook could not be opened ({error})")]) \
            from None
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise ImportRejected([Problem(file=source.path.name, rule="the workbook has no worksheet; put the data "
                                                                     "on its first sheet")])
        rows = _sheet_rows(sheets[0], source)
        others = [sheet.title for sheet in sheets[1:] if _holds_data(sheet)]
    except ImportRejected:
        raise
    except Exception as error:  # a part of the workbook that does not parse
        raise ImportRejected([Problem(file=source.path.name, rule=f"the workbook could not be read ({error})")]) \
            from None
    finally:
        workbook.close()
    source.assumptions.append("read the first sheet of the workbook")
    if others:
        named = ", ".join(f"'{title}'" for title in others)
        source.warnings.append(Problem(file=source.path.name, severity="warning", rule=(
            f"only the first sheet ('{sheets[0].title}') is read; "
            + (f"the sheet {named} also holds data and was" if len(others) == 1
               else f"the sheets {named} also hold data and were")
            + " not imported — put each object in a file of its own")))
    width = max(len(row) for row in rows) if rows else 0
    source.headers = _checked_header(source.path, [value or "" for value in rows[0]] + [""] * (width - len(rows[0]))
                                     if rows else [])
    frame = pd.DataFrame([row + [None] * (width - len(row)) for row in rows[1:]],
                         columns=[f"c{i}" for i in range(width)], dtype=object)
    from alignment.ingest.staging import text_table

    con.register("_xlsx_frame", frame)
    # Typed as text even where a column holds no value at all (DuckDB would type it NULL).
    con.execute(text_table(source.table, width, "_xlsx_frame"))
    con.unregister("_xlsx_frame")
    source.relation = sqlfiles.quote(source.table)


def _check_unpacked_size(path: Path) -> None:
    """Refuse a workbook whose parts declare more than XLSX_MAX_UNPACKED_BYTES unpacked, before any is unpacked.

    What a part declares is also all it may unpack to: Python's zip reader stops there and fails on the checksum,
    so a part that lies about its size is refused as a broken workbook.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            declared = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportRejected([Problem(file=path.name, rule=f"the workbook could not be opened ({error})")]) from None
    if declared > XLSX_MAX_UNPACKED_BYTES:
        raise ImportRejected([Problem(file=path.name, rule=(
            f"the workbook unpacks to {declared / 2 ** 20:,.0f} MB, more than the "
            f"{XLSX_MAX_UNPACKED_BYTES // 2 ** 20:,} MB a workbook may; save the sheet as CSV (UTF-8) and import that"))])


@functools.cache
def _sheet_parser():
    """openpyxl's sheet parser, also keeping each cell the values it reads would leave empty: formula cells with no
    saved result (openpyxl reads those as empty) and cells showing an Excel error."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class SheetParser(WorkSheetParser):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.unread: list[tuple[int, int, str, str]] = []  # (row, column, kind, what the cell holds)

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None:  # only an empty reading is looked at again: most cells cost nothing more
                formula, saved = element.find(FORMULA_TAG), element.find(VALUE_TAG)
                # A saved empty text result is typed "str"; programs that do not calculate write no result or an
                # empty one under the default numeric type.
                if formula is not None and (saved is None or not saved.text and element.get("t", "n") != "str"):
                    self.unread.append((cell["row"], cell["column"], "formula", "=" + (formula.text or "")))
            elif cell["data_type"] == "e":
                self.unread.append((cell["row"], cell["column"], "error", str(cell["value"])))
            return cell

    return SheetParser


def _sheet_rows(sheet, source: SourceFile) -> list[list[str | None]]:
    """The sheet's rows as text (None for an empty cell), as a spreadsheet numbers them from 1; refused past Excel's
    limits, or when a cell's value could not be read (a formula never calculated, an error)."""
    name = source.path.name
    rows: list[list[str | None]] = []
    width = 0
    workbook = sheet.parent
    with sheet._get_source() as xml:
        parser = _sheet_parser()(xml, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        for number, cells in parser.parse():
            if number > XLSX_MAX_ROWS:
                raise ImportRejected([Problem(file=name, examples=[Example(row=number)], rule=(
                    f"the first sheet goes on past row {XLSX_MAX_ROWS:,}, Excel's last row; export the data as CSV "
                    "(UTF-8) and import that"))])
            if number <= len(rows):
                raise ImportRejected([Problem(file=name, examples=[Example(row=number)], rule=(
                    "the sheet lists this row twice or out of order; open the workbook in Excel and save it again"))])
            row: list[str | None] = []
            for cell in cells:
                column = cell["column"]
                if column > XLSX_MAX_COLUMNS:
                    raise ImportRejected([Problem(file=name, examples=[Example(row=number)], rule=(
                        f"this row has a cell past column {XLSX_MAX_COLUMNS:,} (XFD), Excel's last column; save the "
                        "sheet again in Excel, or export it as CSV"))])
                text = _cell_text(cell["value"])
                if text is not None:
                    row.extend([None] * (column - len(row)))
                    row[column - 1] = text
            rows.extend([] for _ in range(number - 1 - len(rows)))  # rows the sheet leaves out are empty
            rows.append(row)
            width = max(width, len(row))
            if number * width > XLSX_MAX_CELLS:
                raise ImportRejected([Problem(file=name, examples=[Example(row=number)], rule=(
                    f"the first sheet holds more than {XLSX_MAX_CELLS:,} cells (rows × columns) by this row; export "
                    "the data as CSV (UTF-8) and import that"))])
    while rows and not rows[-1]:
        rows.pop()
    if parser.unread:
        raise ImportRejected(_unread_problems(name, rows[0] if rows else [], parser.unread))
    return rows


def _cell_text(value) -> str | None:
    """A cell's value as text, the way the sheet shows it unformatted: whole numbers without '.0', dates as
    'YYYY-MM-DD HH:MM:SS', TRUE/FALSE as 'True'/'False'."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unread_problems(name: str, header: list[str | None], unread: list[tuple[int, int, str, str]]) -> list[Problem]:
    """One problem per column and kind of cell whose value could not be read, with up to three examples."""
    rules = {
        "formula": "holds a formula with no saved result (the program that wrote the workbook did not calculate "
                   "it), which would be read as empty; open the workbook in Excel and save it, or paste the values "
                   "as values",
        "error": "shows an Excel error instead of a value; fix the formula or clear the cell in the workbook",
    }
    grouped: dict[tuple[int, str], list[tuple[int, str]]] = {}
    for row, column, kind, held in unread:
        grouped.setdefault((column, kind), []).append((row, held))
    problems = []
    for (column, kind), cells in sorted(grouped.items()):
        named = header[column - 1] if column <= len(header) and header[column - 1] else f"column_{column}"
        problems.append(Problem(file=name, column=str(named).strip(), rule=rules[kind], count=len(cells),
                                examples=[Example(row=row, value=held) for row, held in cells[:3]]))
    return problems


_SHEET_VALUE = re.compile(rb"<(?:\w+:)?(?:v>[^<]|is>)")


def _holds_data(sheet) -> bool:
    """Whether a sheet holds any value (a cell's <v> or inline string), scanning its XML without parsing it."""
    tail = b""
    with sheet._get_source() as xml:
        for block in iter(lambda: xml.read(1 << 20), b""):
            if _SHEET_VALUE.search(tail + block):
                return True
            tail = block[-16:]  # a tag cut between two blocks
    return False


def _read_parquet(con: duckdb.DuckDBPyConnection, source: SourceFile) -> None:
    from alignment.ingest.staging import text_table

    try:
        source.headers = list(con.read_parquet(str(source.path)).columns)
        con.execute(text_table(source.table, len(source.headers)), {"path": str(source.path)})
        source.relation = sqlfiles.quote(source.table)
    except duckdb.Error as error:
        raise ImportRejected([Problem(file=source.path.name, rule=f"the Parquet file could not be read ({error})")]) \
            from None
    source.assumptions.append("read as Parquet")
