"""ALIGNMENT_ENGINE=spark with ALIGNMENT_LAKE: the catalog on Spark reads the lake's current snapshot, its
metadata tables (whose file names start with '_', which Spark passes over) included, and gives DuckDB's numbers."""

from __future__ import annotations

import pytest

from alignment import catalog, lake, spark_engine, warehouse

QUARTER = "2026-Q2"
NAMES = ("mqls", "pipeline", "bookings", "marketing_spend", "win_rate_count")  # marketing_spend reads _currency


def test_the_catalog_on_spark_reads_the_lakes_current_snapshot(spark, demo_db, tmp_path, monkeypatch):
    lake_dir = tmp_path / "lake"
    lake.export(demo_db, lake_dir)
    monkeypatch.setenv(spark_engine.LAKE_ENV, str(lake_dir))
    monkeypatch.setenv(spark_engine.ENGINE_ENV, "spark")
    monkeypatch.setenv(spark_engine.SPARK_ENV, "local[2]")
    reader = warehouse.open_reader(demo_db)
    try:
        on_spark = spark_engine.source_for(reader)
        assert isinstance(on_spark, spark_engine.SparkSource)
        for name in NAMES:
            expected = catalog.value(reader, name, {"quarter": QUARTER})
            assert expected, name
            assert catalog.value(on_spark, name, {"quarter": QUARTER}) == pytest.approx(expected, rel=1e-9), name
        # the engagement score looks its weights up by position in a list (list_extract, rewritten for Spark)
        duck = catalog.run(reader, "account_engagement", {"quarter": QUARTER}).sort_values("account_id")
        spark_rows = catalog.run(on_spark, "account_engagement", {"quarter": QUARTER}).sort_values("account_id")
        assert len(duck) > 10 and list(spark_rows["account_id"]) == list(duck["account_id"])
        assert list(spark_rows["score"]) == pytest.approx(list(duck["score"]), rel=1e-9)
    finally:
        reader.close()
