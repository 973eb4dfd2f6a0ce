"""The lake: a warehouse exported as a Parquet snapshot reads the same numbers, and the manifest is swapped last."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from alignment import attribution, catalog, charter, cli, lake, schema, signoff, sqlfiles, warehouse
from alignment.periods import FiscalCalendar
from tests.conftest import sign_in

APP = str(Path(__file__).resolve().parents[1] / "app.py")
QUARTER = "2026-Q3"  # the session demo company's last full quarter


@pytest.fixture(scope="module")
def lake_dir(demo_db, tmp_path_factory) -> Path:
    """The session's demo company exported once as a lake."""
    out = tmp_path_factory.mktemp("lake") / "lake"
    lake.export(demo_db, out)
    return out


@pytest.fixture(scope="module")
def both(demo_db, lake_dir):
    """A reader of the warehouse file and one of the lake exported from it."""
    on_file, on_lake = warehouse.Reader(demo_db), warehouse.Reader(lake_dir)
    yield on_file, on_lake
    on_file.close()
    on_lake.close()


def _equal(left: pd.DataFrame, right: pd.DataFrame) -> None:
    """Counts and text exactly; amounts and rates to 1e-9 relative (the same sums added in another order)."""
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True), check_exact=False,
                                  rtol=1e-9, atol=1e-9, check_dtype=False)


def test_every_table_of_the_snapshot_holds_the_warehouses_rows(demo_db, lake_dir):
    manifest = lake.read_manifest(str(lake_dir))
    con = duckdb.connect()
    con.execute(sqlfiles.query("attach_warehouse"), {"path": str(demo_db)})
    tables = [row[0] for row in con.execute(sqlfiles.use("warehouse")).execute(
        sqlfiles.query("warehouse_tables")).fetchall()]
    assert list(manifest.tables) == sorted(tables)
    assert set(schema.TABLES) <= set(tables)
    folder = Path(lake.snapshot_location(str(lake_dir), manifest))
    for table in tables:
        parquet = str(folder / f"{table}.parquet")
        file_types = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = "
                                 "'warehouse' AND table_name = $t ORDER BY column_index", {"t": table}).fetchall()
        lake_types = con.execute("DESCRIBE SELECT * FROM read_parquet($p)", {"p": parquet}).fetchall()
        assert [(name, kind) for name, kind, *_ in lake_types] == file_types, table
        # The same multiset of rows: as many, and the same sum of their hashes.
        content = "SELECT count(*), sum(hash(t)::HUGEINT) FROM {} t"
        assert (con.execute(content.format(sqlfiles.quote(table))).fetchone()
                == con.execute(content.format("read_parquet($p)"), {"p": parquet}).fetchone()), table
    con.close()


def test_the_data_fingerprint_and_the_signed_content_are_the_warehouses(both):
    on_file, on_lake = both
    assert signoff.data_fingerprint(on_lake) == signoff.data_fingerprint(on_file)
    assert warehouse.dataset_info(on_lake) == warehouse.dataset_info(on_file)
    assert warehouse.calendar(on_lake) == warehouse.calendar(on_file)
    assert warehouse.table_counts(on_lake) == warehouse.table_counts(on_file)
    assert warehouse.format_version(on_lake) == warehouse.FORMAT_VERSION
    quarter_charter = charter.Charter(quarter=QUARTER)
    signed = [signoff.current_content(source, quarter_charter).signature() for source in (on_lake, on_file)]
    assert signed[0] == signed[1]


def test_the_scorecard_funnel_and_attribution_on_the_lake_equal_the_warehouse(both):
    on_file, on_lake = both
    filters = {"quarter": QUARTER}
    _equal(pd.DataFrame(catalog.metrics_for_quarter(on_lake, filters)),
           pd.DataFrame(catalog.metrics_for_quarter(on_file, filters)))
    for view in ("period", "cohort"):
        _equal(catalog.funnel(on_lake, filters, view), catalog.funnel(on_file, filters, view))
    options = {"model": "w_shaped", "quarter": QUARTER}
    key = ["opportunity_id", "campaign_id"]
    _equal(attribution.attribute(on_lake, options).sort_values(key),
           attribution.attribute(on_file, options).sort_values(key))


def test_export_lake_from_the_command_line_and_metrics_read_through_alignment_lake(demo_db, tmp_path, monkeypatch,
                                                                                   capsys):
    out = tmp_path / "cli-lake"
    assert cli.main(["--db", str(demo_db), "export-lake", "--out", str(out)]) == 0
    assert "is current" in capsys.readouterr().out
    assert cli.main(["--db", str(demo_db), "metrics", "--quarter", QUARTER, "--format", "json"]) == 0
    on_file = json.loads(capsys.readouterr().out)
    monkeypatch.setenv(lake.LAKE_ENV, str(out))
    # The warehouse file named is not read at all: the lake is.
    assert cli.main(["--db", str(tmp_path / "none.duckdb"), "metrics", "--quarter", QUARTER, "--format", "json"]) == 0
    on_lake = json.loads(capsys.readouterr().out)
    assert [row["name"] for row in on_lake] == [row["name"] for row in on_file]
    for mine, theirs in zip(on_lake, on_file):
        assert mine["value"] == pytest.approx(theirs["value"], rel=1e-9, nan_ok=True), mine["name"]


def test_a_failed_export_leaves_the_previous_snapshot_current(demo_db, tmp_path, monkeypatch):
    out = tmp_path / "lake"
    first = lake.export(demo_db, out)
    before = (out / lake.MANIFEST).read_bytes()
    written = []

    def fail_on_the_fifth(relation, path):
        written.append(path)
        if len(written) == 5:
            raise OSError("disk full")
        relation.write_parquet(str(path))

    monkeypatch.setattr(lake, "write_table", fail_on_the_fifth)
    with pytest.raises(OSError, match="disk full"):
        lake.export(demo_db, out)
    assert (out / lake.MANIFEST).read_bytes() == before
    assert [p.name for p in (out / lake.SNAPSHOTS).iterdir()] == [first.snapshot]  # nothing half-written is left
    monkeypatch.undo()

    # Killed at the swap itself: the new snapshot is whole on disk, yet the manifest still names the old one.
    def killed(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(lake.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        lake.export(demo_db, out)
    monkeypatch.undo()
    assert (out / lake.MANIFEST).read_bytes() == before
    assert [p for p in out.iterdir() if p.name.endswith(".tmp")] == []
    reader = warehouse.Reader(out)
    try:
        assert reader.identity == ("lake", str(out), first.snapshot)
    finally:
        reader.close()

    second = lake.export(demo_db, out)
    assert second.previous == first.snapshot and second.snapshot != first.snapshot
    assert warehouse.version(out) == ("lake", str(out), second.snapshot)


def test_a_reader_keeps_its_snapshot_while_a_new_one_is_made_current(demo_db, tmp_path):
    out = tmp_path / "lake"
    lake.export(demo_db, out)
    reader = warehouse.Reader(out)
    try:
        counts = warehouse.table_counts(reader)
        lake.export(demo_db, out)
        assert warehouse.table_counts(reader) == counts
        assert warehouse.version(out) != reader.identity  # the app's cache opens the new snapshot on its next run
    finally:
        reader.close()


def _manifest(out: Path, **changes) -> None:
    path = out / lake.MANIFEST
    fields = json.loads(path.read_text())
    path.write_text(json.dumps(fields | changes))


@pytest.mark.parametrize("changes, says", [
    ({"snapshot": "../../elsewhere"}, "not a manifest"),
    ({"tables": ["accounts\" AS SELECT 1; --"]}, "not a manifest"),
    ({"format_version": 3}, "format 3"),
    ({"tables": ["accounts", "people"]}, "lacks the tables"),
])
def test_a_manifest_that_is_not_this_versions_is_refused_naming_why(demo_db, tmp_path, changes, says):
    out = tmp_path / "lake"
    lake.export(demo_db, out)
    _manifest(out, **changes)
    with pytest.raises(lake.LakeUnreadable, match=says):
        warehouse.Reader(out)


def test_no_lake_yet_is_named_and_the_calendar_is_set_where_the_lake_is_written(tmp_path, monkeypatch, demo_db):
    monkeypatch.setenv(lake.LAKE_ENV, str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError, match="export-lake"):
        warehouse.Reader(demo_db)
    with pytest.raises(warehouse.CalendarLocked, match="reads the lake"):
        warehouse.set_calendar(demo_db, FiscalCalendar(start_month=2))


def test_a_page_runs_on_the_lake(lake_dir, tmp_path, monkeypatch):
    monkeypatch.setenv(warehouse.DB_ENV, str(tmp_path / "no-warehouse-file.duckdb"))
    monkeypatch.setenv(lake.LAKE_ENV, str(lake_dir))
    at = sign_in(AppTest.from_file(APP, default_timeout=60)).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Scorecard"
    assert at.selectbox(key="filter_quarter").value == QUARTER
    assert not (tmp_path / "no-warehouse-file.duckdb").exists()  # no demo company was built beside it
    texts = "\n".join(str(e.value) for kind in ("markdown", "caption", "metric") for e in getattr(at, kind))
    assert "Data as of 30 Sep 2026" in texts


def test_an_import_into_a_lake_asks_for_spark(tmp_path, capsys):
    assert cli.main(["import", str(tmp_path), "--lake", str(tmp_path / "lake")]) == cli.EXIT_BAD_INPUT
    assert "give both --engine spark and --lake DIR" in capsys.readouterr().err
    assert not (tmp_path / "lake").exists()
