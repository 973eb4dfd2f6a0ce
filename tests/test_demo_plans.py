"""The demo company's signed plans: its last full quarter and the one after, signed by the demo's CMO and VP of Sales."""

from __future__ import annotations

import shutil

from alignment import catalog, demo, signoff, waterfall, warehouse


def test_the_demo_signs_a_plan_for_its_last_full_quarter_and_the_next_only_when_asked(demo_db, tmp_path):
    assert signoff.Ledger.beside(demo_db).records() == []  # the reference build the tests read signs nothing
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_db, db)
    assert demo.sign_demo_plans(db) == ["2026-Q3", "2026-Q4"]  # the data ends on 30 Sep 2026
    ledger = signoff.Ledger.beside(db)
    reader = warehouse.open_reader(db)
    try:
        for quarter in ("2026-Q3", "2026-Q4"):
            records = ledger.records(quarter)
            assert [(r.kind, r.user, r.role) for r in records] == [
                ("charter", "demo-analyst", "analyst"), ("propose", "demo-analyst", "analyst"),
                ("sign", "demo-cmo", "cmo"), ("sign", "demo-vp-sales", "vp_sales")]
            charter = ledger.charter_in_force(quarter)
            status = ledger.status(quarter, signoff.current_content(reader, charter))
            assert status.state == "signed_by_both" and not status.changed_since_signoff
            year_before = catalog.value(reader, "bookings", {"quarter": str(charter.plan.period.shift(-4))})
            assert charter.plan.bookings_target == round(year_before * demo.PLAN_GROWTH, -4)
            worked = waterfall.work_out(reader, charter.plan, charter.definitions)
            assert charter.definitions.targets == worked.targets()["company"][None]
            assert set(charter.region_targets) == set(charter.plan.region_targets) == {"APAC", "EMEA", "LATAM", "NA"}
        assert ledger.verify() == []
    finally:
        reader.close()
    assert demo.sign_demo_plans(db) == []  # a quarter whose ledger holds anything is left as it is


def test_a_company_imported_over_the_signed_demo_starts_with_its_own_quarters(demo_db, tmp_path):
    """The demo's plans are the demo company's: imported over, the real company sees no charter, plan or signature of
    the demo's in its quarters, and may set its own calendar; the ledger's chain still holds every record."""
    from alignment.ingest.load import import_extracts
    from alignment.periods import FiscalCalendar
    from tests.conftest import write_salesforce_extract

    db = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_db, db)
    assert demo.sign_demo_plans(db) == ["2026-Q3", "2026-Q4"]
    ledger = signoff.Ledger.beside(db)
    assert ledger.signed_quarters() == ["2026-Q3", "2026-Q4"]  # on the demo company they lock its calendar
    extract = write_salesforce_extract(tmp_path / "extract")
    import_extracts([extract.folder], db_path=db, user="test", roots=[tmp_path])
    assert not demo.holds_demo(db)
    assert ledger.signed_quarters() == []
    charter = ledger.charter_in_force("2026-Q3")
    assert charter.plan is None
    reader = warehouse.open_reader(db)
    try:
        assert ledger.status("2026-Q3", signoff.current_content(reader, charter)).state == "draft"
    finally:
        reader.close()
    warehouse.set_calendar(db, FiscalCalendar(start_month=2, year_named_by="end"))  # not locked by the demo's
    assert len(ledger.records()) == 8 and ledger.verify() == []
