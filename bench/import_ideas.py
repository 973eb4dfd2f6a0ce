"""The import's speed-ups proposed for the 1.5× target, each measured against what it saves, in one run.

Usage: python bench/import_ideas.py --extracts DIR [--repeats N] [--warehouse FILE]

One import of the folder (its statements captured) gives the import's CPU time and the statements the ideas replace:
1. typing inside read_csv: each date column of the largest file that the import had DuckDB's CSV reader read as
   TIMESTAMPTZ, against the text path (every value read as text, trimmed, tested to be ISO 8601, cast), with the
   rows where the two would store another value (the proof per column on this data);
2. the derived tables' sorts: `touches` and `person_stage_dates` rebuilt with and without their final ORDER BY, and
   the scorecard and the seven attribution models (one pass) timed on both warehouses, alternately;
3. where the largest file's parse spends its CPU, operator by operator, on one thread (DuckDB's own profile): how
   much is left for any change to the parse to save.
CPU time is the process's (every thread); the machine's load is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from import_ratio import _quoted, timed_statements  # noqa: E402

from alignment import attribution, catalog, macros, sqlfiles, warehouse  # noqa: E402
from alignment.ingest import staging  # noqa: E402
from alignment.ingest.load import import_extracts  # noqa: E402
from alignment.ingest.readers import execute  # noqa: E402

MODELS = ["first_touch", "last_touch", "linear", "u_shaped", "w_shaped", "time_decay", "full_path"]
SORTED_DERIVED = ("touches", "person_stage_dates")


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


def typed_read(params: dict, repeats: int) -> list[str]:
    """Idea 1, for each date column the import read as instants: the text path (read as text, trimmed, tested for an
    ISO shape, cast) against DuckDB's CSV reader typing it, each a whole read of the file, and the rows where the two
    store another value."""
    key = next(name.removesuffix("typed_columns") for name in params if name.endswith("typed_columns"))
    dated = [column for column, kind in params[key + "typed_columns"].items() if kind == "TIMESTAMPTZ"]
    as_text_relation, as_read_relation = staging.text_csv(key), staging.text_csv(key, typed=True)
    con = duckdb.connect()
    staging.install_macros(con)
    lines = []
    for source in dated:
        column = _quoted(source)
        as_text_types = {name: "VARCHAR" for name in params[key + "typed_columns"]}
        bound = {name: value for name, value in params.items() if name.startswith(key)}
        bound.update({key + "columns": as_text_types,
                      key + "typed_columns": dict(as_text_types, **{source: "TIMESTAMPTZ"})})
        as_text = "utc_timestamp(TRY_CAST(iso_text(trimmed_text(" + column + ")) AS TIMESTAMPTZ))"
        as_read = "utc_timestamp(" + column + ")"
        runs: dict[str, list] = {"text": [], "read": []}
        for _ in range(repeats):
            runs["text"].append(cpu_of(lambda: execute(con, "SELECT count(" + as_text + ") FROM " + as_text_relation,
                                                       bound).fetchall()))
            runs["read"].append(cpu_of(lambda: execute(con, "SELECT count(" + as_read + ") FROM " + as_read_relation,
                                                       bound).fetchall()))
        differ = execute(con, "SELECT count(*) FROM (SELECT ordinality, " + as_text + " AS v FROM " + as_text_relation
                         + " WITH ORDINALITY) a FULL JOIN (SELECT ordinality, " + as_read + " AS v FROM "
                         + as_read_relation + " WITH ORDINALITY) b USING (ordinality) WHERE a.v IS DISTINCT FROM b.v",
                         bound).fetchall()[0][0]
        lines.append(f"  {source}: text path {statistics.median(c for _, c in runs['text']):.2f} s CPU, read by the "
                     f"reader {statistics.median(c for _, c in runs['read']):.2f} s CPU; rows stored otherwise: "
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
        statements: list = []
        with timed_statements(statements):
            wall, cpu = cpu_of(lambda: import_extracts([args.extracts], db_path=path, user="bench",
                                                       roots=[args.extracts]))
        print(f"import: {wall:.1f} s wall, {cpu:.1f} s CPU, {len(statements)} statements")
        sql, params, largest = largest_parse(statements, args.extracts)
        print(f"1. typing inside read_csv, {largest.name} ({largest.stat().st_size / 1e6:.0f} MB), median of "
              f"{args.repeats}:")
        print("\n".join(typed_read(params, args.repeats)))
        print(f"2. the derived tables' sorts, median of {args.repeats}, alternated:")
        print("\n".join(sorts(path, scratch, args.repeats)))
        print(f"3. the parse of {largest.name}, by operator:")
        print("\n".join(parse_profile(sql, params, scratch)))
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end")


if __name__ == "__main__":
    main()
