"""Spark against DuckDB in one run: the import (Spark into a lake vs DuckDB into a file), the scorecard read from the
lake vs from the warehouse file, and the catalog on Spark vs DuckDB, each a ratio; Spark's session start apart.

`python bench/spark.py --scale S|M [--spark local[2]]` writes the demo company's extracts to bench/out/extracts-<scale>
(once), imports them both ways into bench/out/spark-<scale>/, and prints wall and CPU seconds (this process's; a
local Spark's JVM is another process, so its CPU is not counted) with the load average, since other runs share the
cores. Run outside the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alignment import catalog, demo, lake, warehouse
from alignment.ingest import load, spark_import

OUT = Path(__file__).resolve().parent / "out"


def timed(label: str, action, results: dict):
    started, started_cpu = time.perf_counter(), time.process_time()
    value = action()
    results[label] = (time.perf_counter() - started, time.process_time() - started_cpu)
    wall, cpu = results[label]
    print(f"  {label:<44} {wall:8.2f} s wall {cpu:8.2f} s CPU   load {os.getloadavg()[0]:.1f}", flush=True)
    return value


def ratio(results: dict, slow: str, fast: str) -> str:
    if slow not in results or not results.get(fast, (0,))[0]:
        return "not measured"
    return f"{results[slow][0] / results[fast][0]:.1f}×"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["S", "M", "L"], default="S")
    parser.add_argument("--spark", default="local[2]")
    parser.add_argument("--quarter", default="2026-Q2")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    extracts = OUT / f"extracts-{args.scale}"
    work = OUT / f"spark-{args.scale}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if not extracts.exists():
        demo.write_extracts(extracts, scale=args.scale, end_quarter=args.quarter, currencies=("USD",))
    os.environ.setdefault("ALIGNMENT_IMPORT_ROOTS", str(OUT))
    print(f"scale {args.scale}, {os.cpu_count()} cores, load average {os.getloadavg()}")
    results: dict[str, tuple[float, float]] = {}

    from alignment import spark_engine

    spark = timed("Spark session start", lambda: spark_engine.session(args.spark), results)
    db_path = work / "warehouse.duckdb"
    lake_dir = work / "lake"
    timed("import on DuckDB (warehouse file)", lambda: load.import_extracts([extracts], db_path=db_path,
                                                                          user="bench"), results)
    timed("import on Spark (lake snapshot)", lambda: spark_import.import_to_lake(
        [extracts], lake_dir=lake_dir, spark=spark, user="bench"), results)
    timed("export-lake of the DuckDB warehouse", lambda: lake.export(db_path, work / "exported-lake"), results)

    filters = {"quarter": args.quarter}
    on_file, on_lake = warehouse.Reader(db_path), warehouse.Reader(lake_dir)
    for name, reader in (("warehouse file", on_file), ("lake (Spark's Parquet)", on_lake)):
        catalog.scorecard(reader, filters)  # warm: macros installed, files cached
        best = []
        for _ in range(args.repeats):
            timed(f"scorecard on the {name}", lambda: catalog.scorecard(reader, filters), results)
            best.append(results[f"scorecard on the {name}"])
        results[f"scorecard on the {name}"] = min(best)
    timed("headline metrics on DuckDB (warehouse file)", lambda: catalog.metrics_for_quarter(on_file, filters),
          results)
    source = spark_engine.SparkSource(spark)
    cursor = on_file.cursor()
    spark_engine.write_tables(cursor, work / "tables")  # the warehouse's tables as the catalog on Spark reads them
    cursor.close()
    spark_engine.register_tables(spark, work / "tables")
    names = [metric.name for metric in catalog.headline_metrics()]
    base = catalog._filters(filters)

    def headline_on_spark() -> int:
        failed = 0
        for name in names:
            metric = catalog.spec(name)
            try:
                source.run_file(metric.sql, f"metrics/{name}.sql", catalog.bind(metric, base, catalog.Definitions()))
            except Exception:  # noqa: BLE001 - counted and reported: a file Spark cannot run yet
                failed += 1
        return failed

    headline_on_spark()  # warm: every file compiled once
    failed = timed("headline metrics on Spark", headline_on_spark, results)
    print(f"  ({len(names) - failed} of {len(names)} headline metric files ran on Spark)")

    print("ratios (wall):")
    pairs = (("import Spark / DuckDB", "import on Spark (lake snapshot)", "import on DuckDB (warehouse file)"),
             ("scorecard lake / warehouse file", "scorecard on the lake (Spark's Parquet)",
              "scorecard on the warehouse file"),
             ("headline metrics Spark / DuckDB", "headline metrics on Spark",
              "headline metrics on DuckDB (warehouse file)"))
    for label, slow, fast in pairs:
        print(f"  {label:<36} {ratio(results, slow, fast)}")
    print(f"  (Spark's session start, apart: {results['Spark session start'][0]:.1f} s)")
    on_file.close()
    on_lake.close()


if __name__ == "__main__":
    main()
