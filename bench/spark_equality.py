"""The catalog on Spark (issue 22): every file's numbers on Spark against DuckDB's, and the time each engine takes.

`python bench/spark_equality.py --scale S|M` reuses (or builds) bench/out/demo-<scale>.duckdb, like
bench/scorecard.py, writes its tables to Parquet and starts one local Spark session (local[2], the session the tests
use). It then
- checks every metric file for several definition sets, the funnel views and the seven attribution models on Spark
  equal to DuckDB (counts exactly, money to the cent, rates to 1e-9), listing every file that differs, and
- times the headline catalog for one quarter on DuckDB and on Spark (warm, the session's start timed apart), as a
  ratio in one run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from alignment import attribution, catalog, spark_engine, warehouse  # noqa: E402
from alignment.catalog import Definitions, Filters  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scorecard import warehouse_for  # noqa: E402

QUARTER = "2026-Q2"
DEFINITION_SETS = {
    "default": Definitions(),
    "strict": Definitions(stage_policy="strict", sla_hours=4, interest_touches=1, interest_window_days=30,
                          lookback_days=90, linking="account", primary_campaign_credit=False,
                          model_of_record="w_shaped", awareness_channels=("webinar", "event"),
                          lead_source_categories={"web": "marketing", "partner": "partner"}),
    "time_decay": Definitions(model_of_record="time_decay", half_life_days=3, lookback_days=30,
                              sales_ready_personas=("decision_maker",), bought_lead_price=50),
}


def differs(got: pd.DataFrame, expected: pd.DataFrame) -> str | None:
    try:
        pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True),
                                      check_dtype=False, rtol=1e-9, atol=0.005)
    except AssertionError as error:
        return " ".join(str(error).split())[:200]
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="S", choices=["S", "M"])
    parser.add_argument("--timing-runs", type=int, default=3)
    args = parser.parse_args()
    reader = warehouse.open_reader(warehouse_for(args.scale))
    folder = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    cursor = reader.cursor()
    started = time.perf_counter()
    spark_engine.write_tables(cursor, folder)
    cursor.close()
    print(f"tables written to Parquet in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    spark = spark_engine.session("local[2]")
    print(f"Spark session started in {time.perf_counter() - started:.1f} s")
    spark_engine.register_tables(spark, folder)
    source = spark_engine.SparkSource(spark)

    failures, checked = [], 0
    for label, definitions in DEFINITION_SETS.items():
        filters = Filters(quarter=QUARTER)
        for name in catalog.load_catalog():
            expected = catalog.run(reader, name, filters, definitions)
            try:
                problem = differs(catalog.run(source, name, filters, definitions), expected)
            except Exception as error:  # noqa: BLE001 — a refusal is listed like a difference
                problem = " ".join(str(error).split())[:200]
            checked += 1
            if problem:
                failures.append(f"{label} metrics/{name}.sql: {problem}")
        for view in ("period", "cohort", "deals"):
            scoped = Filters(quarter=QUARTER, split="source_category")
            problem = differs(catalog.funnel(source, scoped, view, definitions),
                              catalog.funnel(reader, scoped, view, definitions))
            checked += 1
            if problem:
                failures.append(f"{label} funnel {view}: {problem}")
    for basis in attribution.BASES:
        options = attribution.AttributionOptions(quarter=QUARTER, basis=basis)
        problem = differs(attribution.attribute_models(source, options), attribution.attribute_models(reader, options))
        checked += 1
        if problem:
            failures.append(f"attribution {basis}: {problem}")
    print(f"equality: {checked - len(failures)} of {checked} checks equal")
    for failure in failures:
        print("  DIFFERS", failure)

    headline = [metric.name for metric in catalog.headline_metrics()]
    timings = {}
    for engine_name, engine_source in (("duckdb", reader), ("spark", source)):
        best = float("inf")
        for _ in range(args.timing_runs):
            started = time.perf_counter()
            catalog.metrics_for_quarter(engine_source, Filters(quarter=QUARTER))
            best = min(best, time.perf_counter() - started)
        timings[engine_name] = best
    print(f"{len(headline)} headline metrics, one quarter, warm (best of {args.timing_runs}): "
          f"DuckDB {timings['duckdb']:.2f} s, Spark {timings['spark']:.2f} s, "
          f"ratio {timings['spark'] / timings['duckdb']:.1f}x")
    spark.stop()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
