"""Twenty sessions reading while an import swaps the warehouse: no error, and each read sees one version whole."""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from alignment import catalog, warehouse
from alignment.ingest.load import import_extracts
from tests.conftest import write_salesforce_extract
from ui import context

SESSIONS = 20


def page_numbers(reader: warehouse.Reader) -> tuple:
    """What one run of a page reads, each query on its own cursor as the pages do: a catalog metric, raw totals and
    the import's fingerprint (which names the version the other numbers must come from)."""
    created = catalog.value(reader, "opportunities_created", {"quarter": "2024-Q1"})
    deals, amount, names = reader.cursor().execute(
        "SELECT count(*), sum(amount), (SELECT string_agg(account_name, ',' ORDER BY account_id) FROM accounts) "
        "FROM opportunities").fetchall()[0]
    members = reader.cursor().execute("SELECT count(*) FROM campaign_members").fetchall()[0][0]
    fingerprint = reader.cursor().execute("SELECT data_fingerprint FROM _import").fetchall()[0][0]
    return created, deals, amount, names, members, fingerprint


@pytest.fixture
def versions(tmp_path, monkeypatch) -> dict[str, Path]:
    """The loaded warehouse (the hand-made extract) the app serves, and a later extract of the same company."""
    old = write_salesforce_extract(tmp_path / "old")
    new = write_salesforce_extract(tmp_path / "new")
    # A fourth deal created in 2024-Q1, Acme renamed, one campaign member fewer: every number read moves.
    rows = new.rows("Opportunity.csv")
    new.write("Opportunity.csv", rows + [["O4"] + rows[1][1:4] + ["2024-03-15T10:00:00.000+0000"] + rows[1][5:]])
    new.set_cell("Account.csv", 2, "Name", "Acme Corporation")
    new.write("CampaignMember.csv", [row for row in new.rows("CampaignMember.csv") if row[0] != "M4"])
    db_path = tmp_path / "data" / "warehouse.duckdb"
    import_extracts([old.folder], db_path=db_path, user="test")
    monkeypatch.setenv(warehouse.DB_ENV, str(db_path))
    return {"db": db_path, "new": new.folder}


def test_twenty_sessions_read_while_an_import_swaps_the_file(versions, tmp_path):
    # The two versions' numbers, each read alone from its own file.
    expected_old = page_numbers(warehouse.Reader(versions["db"]))
    shutil.copytree(versions["db"].parent, tmp_path / "alone")
    import_extracts([versions["new"]], db_path=tmp_path / "alone" / "warehouse.duckdb", user="test")
    expected_new = page_numbers(warehouse.Reader(tmp_path / "alone" / "warehouse.duckdb"))
    # Worked by hand from conftest.SALESFORCE_EXTRACT: O1-O3 were created in Feb/Mar 2024, O4 too; O3 has no amount
    # (0); lead L1 became contact C1, so members M1+M2 and M5+M6 are one membership each: 6 rows, 4 members.
    assert expected_old[:5] == (3, 3, 62500.75, "Acme,Globex,Initech", 4)
    assert expected_new[:5] == (4, 4, 112500.75, "Acme Corporation,Globex,Initech", 3)

    seen: list[tuple] = []
    errors: list[BaseException] = []
    swapped, stop = threading.Event(), threading.Event()
    lock = threading.Lock()

    def session() -> None:
        # Until the import has swapped the file and this session has read the new one.
        while not stop.is_set():
            try:
                numbers = page_numbers(context.reader())  # the app's cached reader, keyed on the file's identity
            except BaseException as error:  # noqa: BLE001 - any error at all fails the test
                with lock:
                    errors.append(error)
                return
            with lock:
                seen.append(numbers)
            if swapped.is_set() and numbers == expected_new:
                return
            stop.wait(0.05)  # a person reading the page before the next click

    threads = [threading.Thread(target=session) for _ in range(SESSIONS)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    import_extracts([versions["new"]], db_path=versions["db"], user="test")
    swapped.set()
    for thread in threads:
        thread.join(timeout=60)
    stop.set()

    assert errors == []
    counts = Counter("old" if numbers == expected_old else "new" if numbers == expected_new else "mixed"
                     for numbers in seen)
    assert counts["mixed"] == 0, [n for n in seen if n not in (expected_old, expected_new)][:3]
    assert counts["old"] >= SESSIONS and counts["new"] >= SESSIONS, counts  # reads on both sides of the swap
    assert page_numbers(context.reader()) == expected_new  # and after it, every session is on the new data
