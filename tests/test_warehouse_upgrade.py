"""A warehouse written by an earlier version is brought up to date in place, atomically, with its data unchanged."""

from __future__ import annotations

import duckdb

from alignment import catalog, warehouse
from alignment.ingest.load import import_extracts


def _make_old_format(db_path) -> None:
    """What the first released format looked like: no _format table, no derived tables, `touches` a view."""
    con = duckdb.connect(str(db_path))
    for table in ("_format", "touches", "person_stage_dates", "opportunity_facts"):
        con.execute("DROP TABLE IF EXISTS " + table)
    con.execute("CREATE VIEW touches AS SELECT campaign_id, person_id FROM campaign_members WHERE has_responded")
    con.close()


def test_old_warehouse_is_upgraded_once_and_keeps_its_data(salesforce_extract, warehouse_fingerprint, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    import_extracts([salesforce_extract().folder], db_path=db)
    current = warehouse.Reader(db)
    assert warehouse.format_version(current) == warehouse.FORMAT_VERSION
    mqls = catalog.value(current, "mqls", {"quarter": "2026-Q1"})
    current.close()

    _make_old_format(db)
    before = warehouse_fingerprint(db)["tables"]
    old = warehouse.Reader(db)
    assert warehouse.format_version(old) == 0
    old.close()

    assert warehouse.upgrade(db) is True
    upgraded = warehouse.Reader(db)
    assert warehouse.format_version(upgraded) == warehouse.FORMAT_VERSION
    assert warehouse_fingerprint(db)["tables"] == before           # canonical tables untouched
    assert catalog.value(upgraded, "mqls", {"quarter": "2026-Q1"}) == mqls
    upgraded.close()
    assert warehouse.upgrade(db) is False                            # nothing to do the second time
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no leftovers
