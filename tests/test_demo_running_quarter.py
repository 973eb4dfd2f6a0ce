"""The demo company's running quarter: data up to a day inside the quarter after its last full one, close dates moved
(one region slipping far more), and the reference company still ending with a full quarter."""

from __future__ import annotations

import datetime as dt

import pytest

from alignment import demo, pipeline_walk, plan, warehouse
from alignment.demo_generator import running_as_of
from alignment.periods import CALENDAR_YEAR, FiscalCalendar, Quarter, default_quarter, running_quarter

AS_OF = dt.date(2026, 11, 9)


@pytest.mark.parametrize("today, expected", [
    (dt.date(2026, 11, 23), dt.date(2026, 11, 23)),  # today lies in the quarter after 2026-Q3
    (dt.date(2026, 10, 1), dt.date(2026, 10, 1)),
    (dt.date(2026, 12, 31), dt.date(2026, 11, 9)),  # its last day would make it full: its 40th day instead
    (dt.date(2027, 3, 1), dt.date(2026, 11, 9)),  # today is later: its 40th day
])
def test_the_running_quarters_as_of_day(today, expected):
    assert running_as_of("2026-Q3", today) == expected


def test_the_dashboard_opens_on_the_running_quarter_else_the_last_full_one():
    assert default_quarter(dt.date(2026, 11, 9), CALENDAR_YEAR) == Quarter.parse("2026-Q4", CALENDAR_YEAR)
    assert running_quarter(dt.date(2026, 11, 9), CALENDAR_YEAR) == Quarter.parse("2026-Q4", CALENDAR_YEAR)
    # A record on a quarter's last day covers it; a day after it starts the next quarter.
    assert default_quarter(dt.date(2026, 9, 30), CALENDAR_YEAR) == Quarter.parse("2026-Q3", CALENDAR_YEAR)
    assert running_quarter(dt.date(2026, 9, 30), CALENDAR_YEAR) is None
    february = FiscalCalendar(start_month=2, year_named_by="end")
    assert str(default_quarter(dt.date(2026, 9, 30), february)) == "FY27-Q3"  # August to October: running


@pytest.fixture(scope="module")
def running_demo(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("running-demo") / "warehouse.duckdb"
    demo.build_demo(db_path, scale="XS", end_quarter="2026-Q3", calendar=CALENDAR_YEAR, currencies=("USD",),
                    as_of=AS_OF)
    reader = warehouse.open_reader(db_path)
    yield reader
    reader.close()


def test_the_demo_runs_to_a_day_inside_the_next_quarter(running_demo):
    assert plan.as_of_day(running_demo) == AS_OF
    assert default_quarter(AS_OF, CALENDAR_YEAR) == Quarter.parse("2026-Q4", CALENDAR_YEAR)
    walk = pipeline_walk.walk(running_demo, Quarter.parse("2026-Q4", CALENDAR_YEAR))
    assert walk.running and walk.last_day == AS_OF and not walk.not_measured
    assert walk.line("created").deals > 0 and walk.line("pushed_out").deals < 0
    # Deals are new business, expansion or renewal, as their Type says.
    assert set(walk.deals["opportunity_type"]) == {"new_business", "expansion", "renewal"}


def test_one_region_slips_far_more_than_the_others(running_demo):
    for quarter in ("2026-Q4", "2026-Q3", "2026-Q2"):
        shares = pipeline_walk.slipped_by_region(
            pipeline_walk.walk(running_demo, Quarter.parse(quarter, CALENDAR_YEAR))).set_index("region")[
            "slipped_share"]
        others = shares.drop("NA")
        assert shares["NA"] > 1.3 * others.max() and shares["NA"] > 0.05, (quarter, shares.to_dict())


def test_the_reference_company_still_ends_with_a_full_quarter(reader):
    assert demo.REFERENCE_COMPANY["running"] is False
    assert plan.as_of_day(reader) == dt.date(2026, 9, 30)
    assert default_quarter(plan.as_of_day(reader), CALENDAR_YEAR) == Quarter.parse("2026-Q3", CALENDAR_YEAR)
