"""The import's speed-ups proposed for the 1.5× target, each measured against what it would save, in one run.

Usage: python bench/import_ideas.py --extracts DIR [--repeats N] [--warehouse FILE]

One import of the folder (its statements captured) gives the import's CPU time and the statements the ideas replace:
1. typing inside read_csv: each date column of the largest file read by DuckDB's CSV reader as TIMESTAMPTZ, against
   the import's way (every value read as text, trimmed, checked to be ISO 8601, cast), with a check that the two
   read the same instant on every row (the "proof per column" such a change would need);
2. the derived tables' sorts: `touches` and `person_stage_dates` rebuilt with and without their final ORDER BY, and
   the scorecard and the seven attribution models (one pass) timed on both warehouses, alternately;
3. where the largest file's parse spends its CPU, operator by operator, on one thread (DuckDB's own profile): how
   much is left for any change to the parse to save.
CPU time is the process's (every thread); the machine's load is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import duckdb

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from import_ratio import _quoted  # noqa: E402

from alignment import attribution, catalog, macros, sqlfiles, warehouse  # noqa: E402
from alignment.ingest import staging  # noqa: E402
from alignment.ingest.load import import_extracts  # noqa: E402

MODELS = ["first_touch", "last_touch", "linear", "u_shaped", "w_shaped", "time_decay", "full_path"]
SORTED_DERIVED = ("touches", "person_stage_dates")


class _Recording:
    """A connection that keeps every statement it executes with its parameters."""

    def __init__(self, con: duckdb.DuckDBPyConnection, statements: list) -> None:
        self._con, self._statements = con, statements

    def execute(self, sql: str, *args, **kwargs):
        self._statements.append((sql, args[0] if args else kwargs.get("parameters")))
        return self._con.execute(sql, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


@contextlib.contextmanager
def recorded() -> Iterator[list]:
    statements: list = []
    real = warehouse.build_connection
    warehouse.build_connection = lambda *args, **kwargs: _Recording(real(*args, **kwargs), statements)
    try:
        yield statements
    finally:
        warehouse.build_connection = real


def cpu_of(action) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - started, time.process_time() - cpu


def largest_parse(statements: list, folder: Path) -> tuple[str, dict, Path]:
    """The staging statement that parses the largest CSV file of the folder, its parameters and the file."""
    largest = max(folder.glob("*.csv"), key=lambda p: p.stat().st_size)
    for sql, params in statements:
        if "TEMP TABLE parsed_part AS" in sql and params and params.get("file") == largest.name:
            return sql, params, largest
    raise SystemExit(f"no parse of {largest.name} among the import's statements")


def typed_read(sql: str, params: dict, repeats: int) -> list[str]:
    """Idea 1, for each date column of the parse: the text path against DuckDB's typed CSV read, and their equality."""
    relation = re.search(r"read_csv\(\$(\w+)path,.*?columns = \$\1columns\)", sql)
    key = relation.group(1)
    dated = re.findall(r'TRY_CAST\(iso_text\("(t_\w+)"\) AS TIMESTAMPTZ\)', sql)
    sources = dict(re.findall(r'trimmed_text\("(c\d+)"\) AS "(t_\w+)"', sql))
    columns = {text: source for source, text in sources.items()}
    con = duckdb.connect()
    staging.install_macros(con)
    lines = []
    for text in dated:
        source = columns[text]
        typed = dict(params[key + "columns"], **{source: "TIMESTAMPTZ"})
        bound = {name: value for name, value in params.items() if name.startswith(key)}
        as_text = ("SELECT count(TRY_CAST(iso_text(trimmed_text(" + _quoted(source) + ")) AS TIMESTAMPTZ)) FROM "
                   + relation.group(0))
        as_typed = "SELECT count(" + _quoted(source) + ") FROM " + relation.group(0)
        text_runs, typed_runs = [], []
        for _ in range(repeats):
            text_runs.append(cpu_of(lambda: con.execute(as_text, bound).fetchall()))
            typed_runs.append(cpu_of(lambda: con.execute(as_typed, dict(bound, **{key + "columns": typed})).fetchall()))
        differ = con.execute(
            "SELECT count(*) FROM (SELECT ordinality, TRY_CAST(iso_text(trimmed_text(" + _quoted(source)
            + ")) AS TIMESTAMPTZ) AS v FROM " + relation.group(0) + " WITH ORDINALITY) a FULL JOIN (SELECT ordinality, "
            + _quoted(source) + " AS v FROM " + relation.group(0).replace("$" + key + "columns", "$typed")
            + " WITH ORDINALITY) b USING (ordinality) WHERE a.v IS DISTINCT FROM b.v",
            dict(bound, typed=typed)).fetchall()[0][0]
        lines.append(f"  {text[2:]}: text path {statistics.median(c for _, c in text_runs):.2f} s CPU, typed read "
                     f"{statistics.median(c for _, c in typed_runs):.2f} s CPU; rows reading another instant: "
                     f"{differ:,}")
    con.close()
    return lines


def derived_body(name: str, ordered: bool) -> str:
    body = sqlfiles.folder(warehouse.DERIVED_DIR, "derived")[name].sql
    return body if ordered else re.sub(r"\s*ORDER BY [\w.]+\s*$", "", body.strip())


def sorts(path: Path, scratch: Path, repeats: int) -> list[str]:
    """Idea 2: each sorted derived table rebuilt with and without its sort; the queries on both warehouses."""
    unsorted = scratch / "unsorted.duckdb"
    shutil.copyfile(path, unsorted)
    con = duckdb.connect(str(unsorted))
    con.execute("SET TimeZone = 'UTC'")
    for statement in macros.scalar_statements(temporary=True):
        con.execute(statement)
    lines = []
    for name in SORTED_DERIVED:
        runs = {True: [], False: []}
        for _ in range(repeats):
            for ordered in (True, False):
                runs[ordered].append(cpu_of(lambda: con.execute(
                    "CREATE OR REPLACE TEMP TABLE rebuilt AS " + derived_body(name, ordered))))
        lines.append(f"  build {name}: sorted {statistics.median(c for _, c in runs[True]):.2f} s CPU, unsorted "
                     f"{statistics.median(c for _, c in runs[False]):.2f} s CPU")
        con.execute("CREATE OR REPLACE TABLE " + _quoted(name) + " AS " + derived_body(name, False))
    con.execute("CHECKPOINT")
    con.close()
    readers = {"sorted": warehouse.Reader(path), "unsorted": warehouse.Reader(unsorted)}
    quarter = readers["sorted"].cursor().execute("SELECT max(created_at) FROM people").fetchall()[0][0]
    quarter = f"{quarter.year}-Q{(quarter.month - 1) // 3 + 1}"
    work = {"scorecard": lambda reader: catalog.scorecard(reader, {"quarter": quarter}),
            "attribution (7 models, one pass)": lambda reader: attribution.attribute_models(
                reader, {"basis": "bookings"}, MODELS)}
    for label, action in work.items():
        runs = {kind: [] for kind in readers}
        for kind, reader in readers.items():
            action(reader)  # warm
        for _ in range(repeats):
            for kind, reader in readers.items():
                runs[kind].append(cpu_of(lambda reader=reader: action(reader)))
        lines.append(f"  {label} ({quarter}): " + ", ".join(
            f"{kind} {statistics.median(c for _, c in found):.3f} s CPU" for kind, found in runs.items()))
    for reader in readers.values():
        reader.close()
    return lines


def parse_profile(sql: str, params: dict, scratch: Path) -> list[str]:
    """Idea 3: the parse of the largest file on one thread, each operator's share of its time."""
    con = duckdb.connect()
    staging.install_macros(con)
    con.execute("SET threads = 1")
    output = scratch / "profile.json"
    con.execute("PRAGMA enable_profiling = 'json'")
    con.execute("PRAGMA profiling_output = '" + str(output) + "'")  # a path this run chose, not data
    con.execute(sql, params)
    con.execute("PRAGMA disable_profiling")
    con.close()
    profile = json.loads(output.read_text())
    lines = [f"  whole statement: {profile['query']['cpu_time']:.2f} s CPU on one thread"]

    def walk(node: dict, depth: int) -> None:
        if node.get("timing", 0) >= 0.01:
            lines.append(f"  {'  ' * depth}{node['type']}: {node['timing']:.2f} s")
        for child in node.get("children", []):
            walk(child, depth + 1)
    for node in profile["operator"]:
        walk(node, 0)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--extracts", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores at the start; "
          f"DuckDB {duckdb.__version__}")
    with tempfile.TemporaryDirectory(prefix="bench-ideas-") as tmp:
        scratch = Path(tmp)
        path = scratch / "data" / "warehouse.duckdb"
        with recorded() as statements:
            wall, cpu = cpu_of(lambda: import_extracts([args.extracts], db_path=path, user="bench",
                                                       roots=[args.extracts]))
        print(f"import: {wall:.1f} s wall, {cpu:.1f} s CPU, {len(statements)} statements")
        sql, params, largest = largest_parse(statements, args.extracts)
        print(f"1. typing inside read_csv, {largest.name} ({largest.stat().st_size / 1e6:.0f} MB), median of "
              f"{args.repeats}:")
        print("\n".join(typed_read(sql, params, args.repeats)))
        print(f"2. the derived tables' sorts, median of {args.repeats}, alternated:")
        print("\n".join(sorts(path, scratch, args.repeats)))
        print(f"3. the parse of {largest.name}, by operator:")
        print("\n".join(parse_profile(sql, params, scratch)))
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end")


if __name__ == "__main__":
    main()
