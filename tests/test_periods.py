"""Hand-worked quarters of every calendar kind: month-based fiscal years, 52/53-week years, time zones, labels."""

import datetime as dt

import pytest
from pydantic import BaseModel, ValidationError

from alignment.periods import (CALENDAR_YEAR, FiscalCalendar, Quarter, QuarterField, last_full_quarter,
                               quarters_between, using_calendar)

D = dt.date
FEB_END = FiscalCalendar(start_month=2, year_named_by="end")


def days(quarter: Quarter) -> tuple[dt.date, dt.date]:
    return quarter.first_day, quarter.last_day


def test_the_calendar_year_keeps_its_meaning():
    assert FiscalCalendar(start_month=1, year_named_by="start") == CALENDAR_YEAR
    q = Quarter.parse("2026-Q3")
    assert q.calendar == CALENDAR_YEAR and str(q) == "2026-Q3"
    assert (q.start, q.end) == (dt.datetime(2026, 7, 1), dt.datetime(2026, 10, 1))
    assert Quarter(year=2026, number=4).shift(1) == Quarter.parse("2027-Q1")
    assert str(Quarter.of(dt.datetime(2026, 12, 31, 23, 59))) == "2026-Q4"
    assert str(last_full_quarter(D(2026, 1, 15))) == "2025-Q4"


@pytest.mark.parametrize("calendar, label, first, last", [
    # February, named by the year it ends in: FY2027 runs 1 Feb 2026 – 31 Jan 2027.
    (FEB_END, "FY27-Q1", D(2026, 2, 1), D(2026, 4, 30)),
    (FEB_END, "FY27-Q4", D(2026, 11, 1), D(2027, 1, 31)),
    # February, named by the year it starts in: FY2026 runs 1 Feb 2026 – 31 Jan 2027.
    (FiscalCalendar(start_month=2, year_named_by="start"), "FY26-Q1", D(2026, 2, 1), D(2026, 4, 30)),
    (FiscalCalendar(start_month=2, year_named_by="start"), "FY26-Q4", D(2026, 11, 1), D(2027, 1, 31)),
    # April (by its end): FY2027 runs 1 Apr 2026 – 31 Mar 2027; its Q4 is January to March 2027.
    (FiscalCalendar(start_month=4), "FY27-Q1", D(2026, 4, 1), D(2026, 6, 30)),
    (FiscalCalendar(start_month=4), "FY27-Q4", D(2027, 1, 1), D(2027, 3, 31)),
    # July (by its end): FY2027 runs 1 Jul 2026 – 30 Jun 2027; Q2 is October to December 2026.
    (FiscalCalendar(start_month=7), "FY27-Q2", D(2026, 10, 1), D(2026, 12, 31)),
    (FiscalCalendar(start_month=7), "FY27-Q3", D(2027, 1, 1), D(2027, 3, 31)),
    # October, by its end (FY2027 starts 1 Oct 2026) and by its start (FY2026 starts 1 Oct 2026).
    (FiscalCalendar(start_month=10), "FY27-Q1", D(2026, 10, 1), D(2026, 12, 31)),
    (FiscalCalendar(start_month=10, year_named_by="start"), "FY26-Q1", D(2026, 10, 1), D(2026, 12, 31)),
    (FiscalCalendar(start_month=10, year_named_by="start"), "FY26-Q2", D(2027, 1, 1), D(2027, 3, 31)),
])
def test_month_based_fiscal_quarters(calendar, label, first, last):
    q = Quarter.parse(label, calendar)
    assert str(q) == label and days(q) == (first, last)
    assert Quarter.of(first, calendar) == q and Quarter.of(last, calendar) == q
    assert Quarter.of(last + dt.timedelta(days=1), calendar) == q.shift(1)
    assert Quarter.of(first - dt.timedelta(days=1), calendar) == q.shift(-1)


def test_shift_crosses_fiscal_years():
    q = Quarter.parse("FY27-Q4", FEB_END)
    assert str(q.shift(1)) == "FY28-Q1" and days(q.shift(1))[0] == D(2027, 2, 1)
    assert str(q.shift(-4)) == "FY26-Q4" and str(q.shift(-7)) == "FY26-Q1"
    assert q.shift(-7).first_day == D(2025, 2, 1)
    assert str(Quarter.parse("FY2027-Q1", FEB_END)) == "FY27-Q1"


@pytest.mark.parametrize("weeks", ["4-4-5", "4-5-4", "5-4-4"])
def test_52_53_week_years_end_on_the_saturday_nearest_january_end(weeks):
    """February start, named by its end, the year ending on the Saturday nearest 31 January.

    FY2023 ends: 31 Jan 2023 is a Tuesday; Saturdays 28 Jan (3 days before) and 4 Feb (4 after): Sat 28 Jan 2023.
    FY2024 ends: 31 Jan 2024 is a Wednesday; 27 Jan is 4 days before, 3 Feb 3 after: Sat 3 Feb 2024.
    So FY2024 runs Sun 29 Jan 2023 – Sat 3 Feb 2024: 371 days, 53 weeks. Quarters are 13 weeks whatever the
    pattern (4+4+5 = 4+5+4 = 5+4+4 = 13): Q1 29 Jan – 29 Apr 2023, Q2 30 Apr – 29 Jul, Q3 30 Jul – 28 Oct, and Q4
    29 Oct 2023 – 3 Feb 2024 holds the 53rd week (14 weeks, 98 days).
    FY2025 ends: 31 Jan 2025 is a Friday; Sat 1 Feb 2025 is 1 day after. FY2025 runs 4 Feb 2024 – 1 Feb 2025, 52
    weeks: Q1 4 Feb – 4 May 2024, Q2 5 May – 3 Aug, Q3 4 Aug – 2 Nov, Q4 3 Nov 2024 – 1 Feb 2025 (13 weeks)."""
    calendar = FiscalCalendar(start_month=2, weeks=weeks, year_end_weekday="saturday")
    fy24 = [days(Quarter(year=2024, number=n, calendar=calendar)) for n in range(1, 5)]
    assert fy24 == [(D(2023, 1, 29), D(2023, 4, 29)), (D(2023, 4, 30), D(2023, 7, 29)),
                    (D(2023, 7, 30), D(2023, 10, 28)), (D(2023, 10, 29), D(2024, 2, 3))]
    fy25 = [days(Quarter(year=2025, number=n, calendar=calendar)) for n in range(1, 5)]
    assert fy25 == [(D(2024, 2, 4), D(2024, 5, 4)), (D(2024, 5, 5), D(2024, 8, 3)),
                    (D(2024, 8, 4), D(2024, 11, 2)), (D(2024, 11, 3), D(2025, 2, 1))]
    assert (fy24[3][1] - fy24[3][0]).days + 1 == 98
    assert str(Quarter.of(D(2024, 2, 3), calendar)) == "FY24-Q4"  # the 53rd week's last day
    assert str(Quarter.of(D(2024, 2, 4), calendar)) == "FY25-Q1"
    assert str(Quarter.of(D(2023, 1, 28), calendar)) == "FY23-Q4"


def test_a_53_week_july_year_ending_on_a_friday():
    """July start, named by its end, the year ending on the Friday nearest 30 June.

    30 Jun 2025 is a Monday: Fri 27 Jun 2025 (3 before) beats Fri 4 Jul (4 after), so FY2025 ends 27 Jun 2025.
    30 Jun 2026 is a Tuesday: Fri 3 Jul 2026 (3 after) beats Fri 26 Jun (4 before), so FY2026 ends 3 Jul 2026.
    FY2026 is Sat 28 Jun 2025 – Fri 3 Jul 2026: 371 days, 53 weeks; Q1 28 Jun – 26 Sep 2025, Q4 28 Mar – 3 Jul
    2026 (14 weeks). FY2027 starts Sat 4 Jul 2026."""
    calendar = FiscalCalendar(start_month=7, weeks="4-4-5", year_end_weekday="fri")
    assert days(Quarter(year=2026, number=1, calendar=calendar)) == (D(2025, 6, 28), D(2025, 9, 26))
    assert days(Quarter(year=2026, number=4, calendar=calendar)) == (D(2026, 3, 28), D(2026, 7, 3))
    assert Quarter(year=2027, number=1, calendar=calendar).first_day == D(2026, 7, 4)


def test_day_boundaries_are_local_midnights_in_utc():
    """FY27-Q1 (1 Feb – 30 Apr 2026) in Berlin: it starts at 00:00 CET = 31 Jan 23:00 UTC and ends at 1 May 00:00
    CEST = 30 Apr 22:00 UTC. In Los Angeles: 1 Feb 00:00 PST = 08:00 UTC, 1 May 00:00 PDT = 07:00 UTC."""
    berlin = FiscalCalendar(start_month=2, time_zone="Europe/Berlin")
    q = Quarter.parse("FY27-Q1", berlin)
    assert (q.start, q.end) == (dt.datetime(2026, 1, 31, 23), dt.datetime(2026, 4, 30, 22))
    assert str(Quarter.of(dt.datetime(2026, 4, 30, 21, 59), berlin)) == "FY27-Q1"
    assert str(Quarter.of(dt.datetime(2026, 4, 30, 22, 0), berlin)) == "FY27-Q2"  # 1 May 00:00 in Berlin
    la = FiscalCalendar(start_month=2, time_zone="America/Los_Angeles")
    q = Quarter.parse("FY27-Q1", la)
    assert (q.start, q.end) == (dt.datetime(2026, 2, 1, 8), dt.datetime(2026, 5, 1, 7))
    assert str(Quarter.of(dt.datetime(2026, 5, 1, 6, 59), la)) == "FY27-Q1"  # 30 Apr 23:59 in Los Angeles
    assert str(Quarter.of(D(2026, 4, 30), la)) == "FY27-Q1"  # a date is a local day


def test_labels_and_hover_dates():
    q = Quarter.parse("FY27-Q1", FEB_END)
    assert q.label_with_dates == "FY27-Q1 · 1 Feb – 30 Apr 2026"
    assert Quarter.parse("FY27-Q4", FEB_END).dates == "1 Nov 2026 – 31 Jan 2027"
    assert Quarter.parse("2026-Q3").dates == "1 Jul – 30 Sep 2026"


def test_a_quarter_name_of_the_other_kind_is_refused_naming_what_to_write():
    with pytest.raises(ValueError, match=r"'2026-Q3' is a calendar quarter.*write a fiscal quarter, e.g. FY27-Q2"):
        Quarter.parse("2026-Q3", FEB_END)
    with pytest.raises(ValueError, match="write it like 2026-Q3"):
        Quarter.parse("Q3 2026")
    with pytest.raises(ValueError, match="'FY26-Q3' is a fiscal quarter's name.*write it like 2026-Q3"):
        Quarter.parse("FY26-Q3")


def test_text_is_read_in_the_current_calendar():
    class Model(BaseModel):
        quarter: QuarterField

    with using_calendar(FEB_END):
        assert Model(quarter="FY27-Q1").quarter.start == dt.datetime(2026, 2, 1)
        with pytest.raises(ValidationError, match="FY27-Q2"):
            Model(quarter="2026-Q3")
    assert Model(quarter="2026-Q3").quarter.calendar == CALENDAR_YEAR


def test_quarters_between_walks_fiscal_quarters_newest_first():
    found = quarters_between(dt.datetime(2025, 12, 15), dt.datetime(2026, 5, 2), calendar=FEB_END)
    assert [str(q) for q in found] == ["FY27-Q2", "FY27-Q1", "FY26-Q4"]


@pytest.mark.parametrize("fields, message", [
    ({"start_month": 13}, "write 2 for a year starting in February"),
    ({"time_zone": "Mars/Olympus"}, "write an IANA name"),
    ({"weeks": "4-4-5"}, "add year_end_weekday, e.g. saturday"),
    ({"year_end_weekday": "saturday"}, "add weeks"),
    ({"weeks": "4-4-5", "year_end_weekday": "someday"}, "write one of monday"),
    ({"year_named_by": "middle"}, "'start' or 'end'"),
])
def test_bad_settings_say_what_to_write(fields, message):
    with pytest.raises(ValidationError, match=message):
        FiscalCalendar(**fields)


def test_work_handed_to_another_thread_keeps_the_calendar():
    from concurrent.futures import ThreadPoolExecutor

    from alignment.periods import carried

    with using_calendar(FEB_END), ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(carried(Quarter.parse), "FY27-Q1").result().first_day == D(2026, 2, 1)
        with pytest.raises(ValueError, match="fiscal quarter's name"):
            pool.submit(Quarter.parse, "FY27-Q1").result()  # a worker thread starts on the calendar year


def test_a_quarters_periods_are_months_or_its_weeks_with_the_53rd_in_the_last():
    """FY24-Q4 of the Saturday-ending February 4-4-5 year runs 29 Oct 2023 – 3 Feb 2024 (14 weeks): periods of 4
    weeks (29 Oct – 25 Nov), 4 weeks (26 Nov – 23 Dec) and 5 + 1 weeks (24 Dec – 3 Feb). In 5-4-4 the first period
    is 5 weeks (29 Oct – 2 Dec)."""
    q = Quarter(year=2024, number=4, calendar=FiscalCalendar(start_month=2, weeks="4-4-5", year_end_weekday="sat"))
    assert q.periods() == [(D(2023, 10, 29), D(2023, 11, 26)), (D(2023, 11, 26), D(2023, 12, 24)),
                           (D(2023, 12, 24), D(2024, 2, 4))]
    assert q.period_label(2) == ("FY24-P12", "FY24 P12 (24 Dec 2023 – 3 Feb 2024)")
    q = Quarter(year=2024, number=4, calendar=FiscalCalendar(start_month=2, weeks="5-4-4", year_end_weekday="sat"))
    assert q.periods()[0] == (D(2023, 10, 29), D(2023, 12, 3))
    q = Quarter.parse("FY27-Q4", FEB_END)
    assert q.periods() == [(D(2026, 11, 1), D(2026, 12, 1)), (D(2026, 12, 1), D(2027, 1, 1)),
                           (D(2027, 1, 1), D(2027, 2, 1))]
    assert q.period_label(2) == ("2027-01", "Jan 2027")
