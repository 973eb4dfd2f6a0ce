"""A warehouse written by an earlier version is brought up to date in place, atomically, with its data unchanged."""

from __future__ import annotations

import duckdb
import pytest
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


def test_campaign_roles_stored_from_the_default_channels_are_forgotten_by_the_upgrade(salesforce_extract, tmp_path):
    # Up to format 5 an import stored each campaign's role, its channel's under the default awareness channels when
    # the CRM gave none: CMP2 (billboard) was stored as awareness, CMP1 (a webinar) as demand_gen, and a charter's
    # awareness channels changed nothing. Here CMP1's CRM says awareness, against its channel's default, and CMP3
    # (email) was stored demand_gen like its channel.
    db = tmp_path / "warehouse.duckdb"
    import_extracts([salesforce_extract().folder], db_path=db)
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO campaigns (campaign_id, name, channel) VALUES ('CMP3', 'Newsletter', 'email')")
    con.execute("UPDATE campaigns SET funnel_role = CASE WHEN campaign_id IN ('CMP1', 'CMP2') THEN 'awareness' "
                "ELSE 'demand_gen' END")
    con.execute("UPDATE _format SET version = 5")
    con.close()

    assert warehouse.upgrade(db) is True
    upgraded = warehouse.Reader(db)
    try:
        roles = dict(upgraded.execute("SELECT campaign_id, funnel_role FROM campaigns").fetchall())
        # CMP1's role differs from its channel's default, so the CRM gave it: kept. The others follow the charter.
        assert roles == {"CMP1": "awareness", "CMP2": None, "CMP3": None}
        email_only = catalog.Definitions(awareness_channels=("email",))
        # 2024-Q1: CMP1 4,200 (awareness by its CRM); CMP2's spend rows 18,000.50 (billboard: awareness by default
        # only); CMP3 has no cost.
        assert catalog.value(upgraded, "awareness_spend", {"quarter": "2024-Q1"}) == pytest.approx(22_200.5)
        assert catalog.value(upgraded, "awareness_spend", {"quarter": "2024-Q1"}, email_only) == pytest.approx(4200)
    finally:
        upgraded.close()
