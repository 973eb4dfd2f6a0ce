"""A warehouse's fiscal calendar: stored and carried across imports, its time zone's days bounding the numbers, and
locked while any quarter is signed."""

from pathlib import Path

import pytest

from alignment import catalog, warehouse
from alignment.charter import Charter
from alignment.ingest.load import import_extracts
from alignment.periods import CALENDAR_YEAR, FiscalCalendar, Quarter, using_calendar
from alignment.signoff import Content, Ledger
from alignment.users import User

FEB = {"start_month": 2, "year_named_by": "end"}


@pytest.fixture
def db(tmp_path, new_salesforce_extract) -> Path:
    """The hand-made extract with deal O1 opened at 05:00 UTC on 1 Feb 2024 (it closes, won, on 30 Apr 2024) and O3
    closed lost on 1 May 2024."""
    extract = new_salesforce_extract(tmp_path / "extract")
    extract.set_cell("Opportunity.csv", 2, "CreatedDate", "2024-02-01T05:00:00.000+0000")
    extract.set_cell("Opportunity.csv", 4, "CloseDate", "2024-05-01")
    db_path = tmp_path / "warehouse.duckdb"
    import_extracts([extract.folder], db_path=db_path, roots=[tmp_path])
    return db_path


def _value(db_path: Path, metric: str, quarter: str) -> float:
    reader = warehouse.open_reader(db_path)
    try:
        return catalog.value(reader, metric, {"quarter": Quarter.parse(quarter, warehouse.calendar(reader))})
    finally:
        reader.close()


@pytest.mark.parametrize("zone, created_in_q1, cycle_days", [
    # O1 opened 1 Feb 2024 05:00 UTC: 06:00 on 1 Feb in Berlin (UTC+1), 18:00 on 1 Feb in Auckland (UTC+13),
    # but 21:00 on 31 Jan in Los Angeles (UTC-8): there it was opened in FY24-Q4, before FY25-Q1 (1 Feb – 30 Apr).
    # Its sales cycle counts local days to its close date, 30 Apr: from 1 Feb, 29 + 31 + 29 = 89 days (2024 is a
    # leap year); from 31 Jan, 90.
    ("UTC", 3, 89), ("Europe/Berlin", 3, 89), ("Pacific/Auckland", 3, 89), ("America/Los_Angeles", 2, 90),
])
def test_a_deal_won_on_the_quarters_last_local_day_counts_in_it_east_and_west_of_utc(db, zone, created_in_q1,
                                                                                      cycle_days):
    """O1 (50,000) is won with close date 30 Apr 2024, the last day of FY25-Q1 (Feb fiscal year, named by its end),
    and O3 is lost on 1 May 2024, the first day of FY25-Q2: whatever the zone, FY25-Q1 books O1 and closes only it
    (win rate 1), FY25-Q2 closes only O3 (win rate 0). Close dates are local days: in Los Angeles FY25-Q1 is
    [1 Feb 08:00, 1 May 07:00) UTC and O3's close date starts at 1 May 07:00 UTC, in the next quarter; read as
    midnight UTC (1 May 00:00) it would fall inside FY25-Q1."""
    warehouse.set_calendar(db, FiscalCalendar(**FEB, time_zone=zone))
    assert _value(db, "bookings", "FY25-Q1") == 50000
    assert _value(db, "bookings", "FY25-Q2") == 0
    assert _value(db, "win_rate_count", "FY25-Q1") == 1.0
    assert _value(db, "win_rate_count", "FY25-Q2") == 0.0
    assert _value(db, "opportunities_created", "FY25-Q1") == created_in_q1
    assert _value(db, "opportunities_created", "FY24-Q4") == 3 - created_in_q1
    assert _value(db, "sales_cycle_days", "FY25-Q1") == cycle_days


def test_the_calendar_is_stored_and_carried_across_imports(db, tmp_path):
    assert warehouse.calendar_of(db) == CALENDAR_YEAR
    fiscal = FiscalCalendar(**FEB, weeks="4-4-5", year_end_weekday="saturday", time_zone="Europe/Berlin")
    assert warehouse.set_calendar(db, fiscal) == CALENDAR_YEAR
    assert warehouse.calendar_of(db) == fiscal
    import_extracts([tmp_path / "extract"], db_path=db, roots=[tmp_path])
    assert warehouse.calendar_of(db) == fiscal


def _sign_a_quarter(db_path: Path, quarter: str) -> None:
    ledger = Ledger.beside(db_path)
    charter = Charter(quarter=quarter, metrics=("pipeline",))
    ledger.save(User(name="ana", role="analyst"), charter, "First draft")
    ledger.propose(User(name="ana", role="analyst"), quarter, "Ready for the review")
    ledger.sign(User(name="carla", role="cmo"), Content(charter=charter.model_copy(update={"version": 1}),
                                                        values={"pipeline": 1.0}, data_fingerprint="f" * 64),
                comment="The numbers are right", acknowledged_checklist=True, checklist=[])


def test_the_calendar_is_locked_once_a_quarter_is_signed(db, tmp_path):
    _sign_a_quarter(db, "2024-Q1")
    with pytest.raises(warehouse.CalendarLocked, match=r"quarters are signed \(2024-Q1\).*made on the current "
                                                        r"calendar \(calendar quarters"):
        warehouse.set_calendar(db, FiscalCalendar(**FEB))
    assert warehouse.calendar_of(db) == CALENDAR_YEAR
    warehouse.set_calendar(db, CALENDAR_YEAR)  # setting the calendar it already has changes nothing: allowed
    with pytest.raises(warehouse.CalendarLocked, match="2024-Q1"):
        import_extracts([tmp_path / "extract"], db_path=db, roots=[tmp_path], calendar=FiscalCalendar(**FEB))
    assert warehouse.calendar_of(db) == CALENDAR_YEAR


def test_a_draft_charter_does_not_lock_the_calendar(db):
    Ledger.beside(db).save(User(name="ana", role="analyst"), Charter(quarter="2024-Q1", metrics=("pipeline",)),
                           "First draft")
    warehouse.set_calendar(db, FiscalCalendar(**FEB))
    assert warehouse.calendar_of(db).start_month == 2


def test_a_draft_of_the_calendar_before_is_not_carried_into_the_new_ones_quarters(db):
    ledger = Ledger.beside(db)
    ledger.save(User(name="ana", role="analyst"), Charter(quarter="2024-Q1", metrics=("pipeline",)), "First draft")
    warehouse.set_calendar(db, FiscalCalendar(**FEB))
    with using_calendar(warehouse.calendar_of(db)):
        charter = ledger.charter_in_force("FY25-Q2")
        assert charter.quarter == "FY25-Q2" and charter.carried_from is None
        ledger.save(User(name="ana", role="analyst"), Charter(quarter="FY25-Q1", metrics=("bookings",)), "Fiscal")
        carried = ledger.charter_in_force("FY25-Q3")
        assert carried.carried_from == "FY25-Q1" and carried.metrics == ("bookings",)
        assert ledger.verify() == []  # every quarter's chain, the old calendar's draft among them
