"""Faults during an import: a killed process, a full disk or an unwritable folder never damage the loaded warehouse."""

from __future__ import annotations

import errno
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from alignment import history, warehouse
from alignment.ingest import load
from alignment.ingest.load import BUILDING_SUFFIX, import_extracts
from alignment.ingest.problems import ImportRejected
from tests.conftest import write_salesforce_extract
from tests.test_broken_files import read_only

ROOT = Path(__file__).resolve().parents[1]
KILLS = 20
SEED = 20261123


def cli_import(db_path: Path, folder: Path, **popen) -> subprocess.Popen:
    """`python -m alignment import` as an operator or a scheduler runs it."""
    return subprocess.Popen([sys.executable, "-m", "alignment", "--db", str(db_path), "import", str(folder),
                             "--quiet"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if BUILDING_SUFFIX in name)


def deal_totals(reader: warehouse.Reader) -> tuple:
    """What a page would show from the warehouse: deals, their total amount and the accounts' names."""
    return reader.execute("SELECT count(*), sum(amount), (SELECT string_agg(account_name, ',' ORDER BY account_id) "
                          "FROM accounts) FROM opportunities").fetchall()[0]


@pytest.fixture(scope="module")
def extracts(tmp_path_factory) -> dict[str, Path]:
    """The hand-made extract as first loaded ("old"), and the same company a month later ("new": Acme renamed)."""
    base = tmp_path_factory.mktemp("extracts")
    old = write_salesforce_extract(base / "old")
    new = write_salesforce_extract(base / "new")
    new.set_cell("Account.csv", 2, "Name", "Acme Corporation")
    return {"old": old.folder, "new": new.folder}


@pytest.fixture(scope="module")
def loaded_template(extracts, tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("loaded") / "data"
    import_extracts([extracts["old"]], db_path=data / "warehouse.duckdb", user="test")
    return data


@pytest.fixture
def loaded(loaded_template, tmp_path) -> Path:
    """This test's own data folder holding the old warehouse and its history; returns the warehouse path."""
    shutil.copytree(loaded_template, tmp_path / "data")
    return tmp_path / "data" / "warehouse.duckdb"


def test_sigkill_at_20_random_moments_never_damages_the_warehouse(extracts, loaded, tmp_path, warehouse_fingerprint):
    # The reference: the same command run to its end, timed, gives the run's length and the new data.
    shutil.copytree(loaded.parent, tmp_path / "reference")
    reference = tmp_path / "reference" / "warehouse.duckdb"
    started = time.perf_counter()
    finished = cli_import(reference, extracts["new"])
    assert finished.wait(timeout=120) == 0, finished.stderr.read()
    run_seconds = time.perf_counter() - started
    new_tables = warehouse_fingerprint(reference)["tables"]
    new_import = new_tables.pop("_import")[0]  # when it was imported differs between runs; its data must not
    after = warehouse_fingerprint(loaded)
    assert new_tables["accounts"] != after["tables"]["accounts"]  # the two versions can be told apart

    serving = warehouse.Reader(loaded)  # the app's cached reader, opened before any import
    served = deal_totals(serving)
    # One moment in each twentieth of the run (seeded), so the kills cover start-up, reading, checks and the swap.
    rng = random.Random(SEED)
    moments = [run_seconds * (slot + rng.random()) / KILLS for slot in range(KILLS)]
    outcomes = {"old kept": 0, "new whole": 0}
    killed_mid_build = 0
    for moment in moments:
        before, left_before = after, set(leftovers(loaded.parent))
        process = cli_import(loaded, extracts["new"])
        time.sleep(moment)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        process.stdout.close()
        process.stderr.close()
        killed_mid_build += bool(set(leftovers(loaded.parent)) - left_before)  # its own half-built file
        after = warehouse_fingerprint(loaded)  # opens a fresh reader: the file is whole and queryable
        if after["sha256"] == before["sha256"]:
            assert after == before  # byte for byte the previous warehouse, same file
            outcomes["old kept"] += 1
        else:
            # The kill came after the swap: the new data, whole.
            assert {t: rows for t, rows in after["tables"].items() if t != "_import"} == new_tables
            assert after["tables"]["_import"][0][2:] == new_import[2:]  # format, fingerprint, as-of, warnings
            outcomes["new whole"] += 1
        assert deal_totals(serving) == served  # the reader opened before keeps serving its version
    assert sum(outcomes.values()) == KILLS
    assert outcomes["old kept"] >= KILLS // 2, outcomes
    assert killed_mid_build >= 3, f"only {killed_mid_build} kills landed while the new warehouse was being built"

    # The next import clears what the killed ones left and loads normally.
    import_extracts([extracts["new"]], db_path=loaded, user="test")
    assert leftovers(loaded.parent) == []
    assert warehouse_fingerprint(loaded)["tables"]["accounts"] == new_tables["accounts"]
    assert deal_totals(warehouse.Reader(loaded))[2] == "Acme Corporation,Globex,Initech"
    serving.close()


def test_leftovers_of_a_killed_import_are_removed_by_the_next_one(extracts, loaded):
    stale = [loaded.parent / f".warehouse.duckdb.0badf00d{BUILDING_SUFFIX}",
             loaded.parent / f".warehouse.duckdb.0badf00d{BUILDING_SUFFIX}.wal"]
    for path in stale:
        path.write_bytes(b"half a warehouse")
    other = loaded.parent / f".other.duckdb.0badf00d{BUILDING_SUFFIX}"  # another warehouse's: not ours to remove
    other.write_bytes(b"")
    import_extracts([extracts["new"]], db_path=loaded, user="test")
    assert leftovers(loaded.parent) == [other.name]


def test_a_second_import_into_the_folder_waits_for_the_first(extracts, loaded):
    messages: list[str] = []
    with load.import_lock(loaded):  # an import holding the folder
        worker = threading.Thread(target=lambda: import_extracts(
            [extracts["new"]], db_path=loaded, user="test", progress=lambda _, message: messages.append(message)))
        worker.start()
        worker.join(timeout=1.0)
        assert worker.is_alive()  # waiting, not building beside the first
        assert messages == ["Waiting for another import into this folder to finish"]
        assert leftovers(loaded.parent) == []
    worker.join(timeout=60)
    assert messages[-1] == "Done"
    assert deal_totals(warehouse.Reader(loaded))[2] == "Acme Corporation,Globex,Initech"


def _file_size_limit(limit_bytes: int):
    """In the child: writes beyond `limit_bytes` fail with EFBIG (as on a full disk) instead of killing it."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return apply


def test_a_full_disk_refuses_the_import_clearly_and_changes_nothing(extracts, loaded, warehouse_fingerprint):
    before, listing = warehouse_fingerprint(loaded), sorted(os.listdir(loaded.parent))
    # 200 KB: the history file (12 KB) can still grow, the new warehouse (≈ 3 MB) cannot be written.
    process = cli_import(loaded, extracts["new"], preexec_fn=_file_size_limit(200_000))
    out, err = process.communicate(timeout=120)
    assert process.returncode == 2, err
    assert "Import refused: 1 problem(s); the loaded data is unchanged." in err
    assert (f"{loaded.parent}: the new warehouse could not be written in {loaded.parent}: the disk is full or a "
            "file-size limit was reached (File too large); free disk space and import again — nothing was changed."
            ) in err
    assert "Traceback" not in err
    assert warehouse_fingerprint(loaded) == before
    assert sorted(os.listdir(loaded.parent)) == listing
    assert history.list_imports(loaded)[0]["status"] == "refused"


def test_no_space_left_at_the_swap_is_refused_clearly(extracts, loaded, warehouse_fingerprint, monkeypatch):
    before = warehouse_fingerprint(loaded)

    def full(source, target):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
    monkeypatch.setattr(load.os, "replace", full)
    with pytest.raises(ImportRejected) as refused:
        import_extracts([extracts["new"]], db_path=loaded, user="test")
    [problem] = refused.value.errors
    assert problem.rule == (f"the new warehouse could not be written in {loaded.parent}: the disk is full or a "
                            "file-size limit was reached (No space left on device); free disk space and import "
                            "again — nothing was changed")
    monkeypatch.undo()
    assert warehouse_fingerprint(loaded) == before
    assert leftovers(loaded.parent) == []


def test_an_unwritable_data_folder_from_the_command_line(extracts, loaded, warehouse_fingerprint):
    before = warehouse_fingerprint(loaded)
    with read_only(loaded.parent):
        process = cli_import(loaded, extracts["new"])
        out, err = process.communicate(timeout=120)
    assert process.returncode == 2
    assert f"the folder {loaded.parent} is not writable" in err and "nothing was changed" in err
    assert "Traceback" not in err
    assert warehouse_fingerprint(loaded) == before


def test_a_history_that_cannot_be_written_after_the_swap_is_a_warning_not_a_refusal(extracts, loaded, monkeypatch):
    # Once the new warehouse is swapped in, saying "nothing was changed" would be false.
    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")
    monkeypatch.setattr(history, "record", broken)
    report = import_extracts([extracts["new"]], db_path=loaded, user="test")
    assert report.warnings[-1].rule == ("the data was loaded, but the import history could not record it "
                                        "(disk I/O error)")
    assert deal_totals(warehouse.Reader(loaded))[2] == "Acme Corporation,Globex,Initech"


def test_a_failure_that_is_not_about_writing_is_not_passed_off_as_a_full_disk(extracts, loaded, monkeypatch):
    import duckdb

    def broken(con):
        raise duckdb.BinderException("Binder Error: column x not found")
    monkeypatch.setattr(load, "_complete_canon", broken)
    with pytest.raises(duckdb.BinderException):
        import_extracts([extracts["new"]], db_path=loaded, user="test")
    assert leftovers(loaded.parent) == []
