"""The pages' one cached-call helper: calls are keyed on the core's objects themselves (models by their JSON, the
warehouse by its file's identity), and no page module caches data any other way."""

from __future__ import annotations

import os
import re
from pathlib import Path

from alignment import warehouse
from alignment.catalog import Definitions, Filters
from metric_fixtures import Company
from ui import cached

ROOT = Path(__file__).resolve().parent.parent


def test_models_are_keyed_on_what_they_say_not_on_which_object_they_are():
    calls = []

    @cached.data(max_entries=8)
    def count(view: Filters, in_force: Definitions | None) -> int:
        calls.append(view.quarter)
        return len(calls)

    first = count(Filters(quarter="2026-Q3", region="EMEA"), Definitions())
    assert count(Filters(quarter="2026-Q3", region="EMEA"), Definitions()) == first  # equal, not the same object
    assert len(calls) == 1
    count(Filters(quarter="2026-Q3", region="EMEA"), Definitions(sla_hours=4))  # a charter edit: computed again
    count(Filters(quarter="2026-Q2", region="EMEA"), Definitions())
    assert len(calls) == 3


def test_the_warehouse_is_keyed_on_its_files_identity(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    Company().account("A1").connect(path).close()
    calls = []

    @cached.data(max_entries=8)
    def accounts(reader: warehouse.Reader) -> int:
        calls.append(reader.identity)
        return reader.execute("SELECT count(*) FROM accounts").fetchall()[0][0]

    readers = [warehouse.Reader(path), warehouse.Reader(path)]
    assert [accounts(r) for r in readers] == [1, 1] and len(calls) == 1  # two readers of one file version
    # An import swaps a new file in: another identity, read afresh.
    Company().account("A1").account("A2").connect(tmp_path / "next.duckdb").close()
    os.replace(tmp_path / "next.duckdb", path)
    swapped = warehouse.Reader(path)
    assert accounts(swapped) == 2 and len(calls) == 2
    for reader in [*readers, swapped]:
        reader.close()


def test_no_page_module_caches_data_but_through_the_helper():
    # Resources (the shared reader, the sign-in throttle, built figures) are objects, not data: cache_resource stays.
    modules = [path for folder in ("ui", "pages") for path in sorted((ROOT / folder).glob("*.py"))]
    offenders = [str(path.relative_to(ROOT)) for path in modules if path.name != "cached.py"
                 and re.search(r"@st\.cache_data\b|st\.cache_data\(", path.read_text(encoding="utf-8"))]
    assert offenders == []
