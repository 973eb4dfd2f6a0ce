"""One local Spark session per test run, reading the session's demo company from Parquet as temporary views."""

from __future__ import annotations

import shutil

import pytest

from alignment import spark_engine, warehouse


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/spark/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.spark)


@pytest.fixture(scope="session")
def spark():
    """The test run's one Spark session: local[2], two shuffle partitions, no UI, UTC, ANSI as default, a 2 GB
    driver. pyspark and Java are installed by the README's test command: missing, the tests fail, never skip."""
    if shutil.which("java") is None:
        pytest.fail("Java 17 is not installed; the README's test command (scripts/test.sh) installs it")
    session = spark_engine.session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_tables(spark, demo_db, tmp_path_factory):
    """The demo company's tables written to Parquet (a folder per table) and registered as views of the session."""
    folder = tmp_path_factory.mktemp("spark-tables")
    reader = warehouse.open_reader(demo_db)
    cursor = reader.cursor()
    try:
        spark_engine.write_tables(cursor, folder)
    finally:
        cursor.close()
        reader.close()
    spark_engine.register_tables(spark, folder)
    return folder


@pytest.fixture(scope="session")
def spark_source(spark, spark_tables):
    """What the catalog reads on Spark."""
    return spark_engine.SparkSource(spark)
