"""A warehouse written by an earlier version is brought up to date in place, atomically, with its data unchanged."""

from __future__ import annotations

import duckdb
from metric_fixtures import Company

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


def test_each_persons_first_touch_and_touch_times_are_worked_out_at_import():
    # P1 responded to C2 and C1 at the same moment (first touch: C1, the lower campaign id), to C3 later, and was
    # added to C4 without responding (not a touch). P2 responded to C1 first (2 Mar), then C3 and C2 in April.
    company = (Company().account("A")
               .person("P1", "2026-01-01", account_id="A").person("P2", "2026-01-01", account_id="A")
               .campaign("C1", "email").campaign("C2", "webinar").campaign("C3", "tv").campaign("C4", "email")
               .member("C2", "P1", "2026-03-01 09:00").member("C1", "P1", "2026-03-01 09:00")
               .member("C3", "P1", "2026-03-10 12:00").member("C4", "P1", added="2026-03-05", has_responded=False)
               .member("C1", "P2", "2026-03-02 08:00").member("C3", "P2", "2026-04-20 15:00")
               .member("C2", "P2", "2026-04-21 00:00"))
    con = company.connect()
    people = con.execute("SELECT person_id, first_touch_campaign_id, list_sort(responded_touch_times) "
                         "FROM person_stage_dates ORDER BY person_id").fetchall()
    assert [(p, first, [str(t) for t in times]) for p, first, times in people] == [
        ("P1", "C1", ["2026-03-01 09:00:00", "2026-03-01 09:00:00", "2026-03-10 12:00:00"]),
        ("P2", "C1", ["2026-03-02 08:00:00", "2026-04-20 15:00:00", "2026-04-21 00:00:00"]),
    ]
