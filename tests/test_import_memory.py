"""An import within DuckDB's memory limit: configurable, spilling changes no row and leaves nothing behind."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import duckdb
import pytest

from alignment import demo, warehouse
from alignment.ingest.load import BUILDING_SUFFIX, import_extracts, remove_leftovers
from alignment.ingest.problems import ImportRejected

SPEC = importlib.util.spec_from_file_location("bench_import_ratio",
                                              Path(__file__).resolve().parents[1] / "bench" / "import_ratio.py")
import_ratio = importlib.util.module_from_spec(SPEC)
_path = list(sys.path)
SPEC.loader.exec_module(import_ratio)
sys.path[:] = _path  # the bench puts the checkout first; the tests' imports stay as they were


def test_the_build_memory_limit_is_configurable_and_a_bad_value_says_what_to_write(monkeypatch, tmp_path):
    monkeypatch.delenv(warehouse.MEMORY_LIMIT_ENV, raising=False)
    default = warehouse.build_memory_limit()
    assert default.endswith("MB") and 0 < int(default[:-2]) <= warehouse.BUILD_MEMORY_CAP_MB
    monkeypatch.setenv(warehouse.MEMORY_LIMIT_ENV, " 2.5gb ")
    assert warehouse.build_memory_limit() == "2.5GB"
    con = warehouse.build_connection(tmp_path / "building.duckdb")
    try:
        limit, spill = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')").fetchone()
    finally:
        con.close()
    assert limit in ("2.5 GiB", "2.3 GiB", "2.5 GB", "2.3 GB") and spill == str(tmp_path / "building.duckdb.tmp")
    for wrong in ("lots", "4", "4 GBs", "-1GB"):
        monkeypatch.setenv(warehouse.MEMORY_LIMIT_ENV, wrong)
        with pytest.raises(ValueError, match="write a number and a unit, e.g. ALIGNMENT_MEMORY_LIMIT=4GB"):
            warehouse.build_memory_limit()


def test_a_killed_builds_spill_folder_is_cleared_by_the_next_import(tmp_path):
    db_path = tmp_path / "warehouse.duckdb"
    spill = tmp_path / f".{db_path.name}.0badf00d{BUILDING_SUFFIX}{warehouse.SPILL_SUFFIX}"
    (spill / "duckdb_temp_storage-0.tmp").parent.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"spilled")
    kept = tmp_path / "my-notes.tmp"
    kept.mkdir()
    assert spill in remove_leftovers(db_path)
    assert not spill.exists() and kept.exists()


def test_an_import_that_spills_writes_the_same_warehouse_table_by_table(demo_db, tmp_path, monkeypatch):
    """The session's demo company (built within the default limit) against the same extracts imported within 128 MB,
    where DuckDB must spill its staged tables: every table's columns, types and rows (as multisets) are equal."""
    folder = tmp_path / "extracts"
    demo.write_extracts(folder, end_quarter="2026-Q3", currencies=demo.REFERENCE_COMPANY["currencies"],
                        running=demo.REFERENCE_COMPANY["running"])
    monkeypatch.setenv(warehouse.MEMORY_LIMIT_ENV, "128MB")
    spilled = tmp_path / "data" / "warehouse.duckdb"
    demo.import_as_demo([folder], spilled, roots=[folder], calendar=demo.REFERENCE_COMPANY["calendar"])
    assert import_ratio.compare(demo_db, spilled) == []
    assert len(import_ratio.table_digests(spilled)) >= 20
    assert not list(spilled.parent.glob("*" + warehouse.SPILL_SUFFIX))  # the spill folder went with the connection
    with duckdb.connect(str(spilled), read_only=True) as con:  # and the file is whole
        assert con.execute("SELECT count(*) FROM touches").fetchone()[0] > 100_000


def test_an_import_beyond_its_memory_limit_is_refused_saying_which_setting_to_raise(salesforce_extract, tmp_path,
                                                                                   monkeypatch):
    extract = salesforce_extract()
    monkeypatch.setenv(warehouse.MEMORY_LIMIT_ENV, "1MB")
    db_path = tmp_path / "data" / "warehouse.duckdb"
    with pytest.raises(ImportRejected) as refused:
        import_extracts([extract.folder], db_path=db_path, user="test", roots=[tmp_path])
    message = refused.value.problems[0].message()
    assert "the import needed more memory than its limit of 1MB allows" in message
    assert "set ALIGNMENT_MEMORY_LIMIT higher (e.g. ALIGNMENT_MEMORY_LIMIT=6GB)" in message
    assert not db_path.exists() and not list(db_path.parent.glob(".*"))  # nothing built, nothing spilled is left
