"""The engine setting: DuckDB by default, and a wrong Spark setting said in one sentence, never a Java stack trace."""

from __future__ import annotations

import pytest

from alignment import cli, spark_engine


def test_duckdb_is_the_default_engine_and_the_reader_is_read_as_it_is(monkeypatch):
    monkeypatch.delenv(spark_engine.ENGINE_ENV, raising=False)
    reader = object()
    assert spark_engine.engine() == "duckdb" and spark_engine.source_for(reader) is reader


def test_an_unknown_engine_is_refused_saying_what_to_write(monkeypatch):
    monkeypatch.setenv(spark_engine.ENGINE_ENV, "oracle")
    with pytest.raises(spark_engine.SparkUnavailable, match="write duckdb .* or spark"):
        spark_engine.engine()


@pytest.mark.parametrize("url", ["", "spark://master:7077", "local[two]", "sc://", "http://host:15002"])
def test_a_setting_that_is_no_spark_address_is_refused_before_any_java_starts(url):
    with pytest.raises(spark_engine.SparkUnavailable, match=r"ALIGNMENT_SPARK=.* is neither a local session"):
        spark_engine.session(url)


def test_an_unreachable_spark_connect_server_is_one_sentence():
    with pytest.raises(spark_engine.SparkUnavailable) as raised:
        spark_engine.session("sc://127.0.0.1:1")
    message = str(raised.value)
    assert message.startswith("no Spark session at sc://127.0.0.1:1") and "\n" not in message
    assert "at org.apache" not in message and "Traceback" not in message


def test_the_command_line_says_a_wrong_spark_setting_and_exits_2(demo_db, monkeypatch, capsys):
    monkeypatch.setenv(spark_engine.ENGINE_ENV, "spark")
    monkeypatch.setenv(spark_engine.SPARK_ENV, "spark://master:7077")
    code = cli.main(["--db", str(demo_db), "metrics", "--quarter", "2026-Q2"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ALIGNMENT_SPARK='spark://master:7077' is neither a local session")
    assert "Traceback" not in err
