"""Pacing a running quarter against a curve worked out by hand from two past quarters' weekly totals."""

import datetime as dt

import pytest

from alignment import catalog, pacing
from alignment.charter import Charter
from metric_fixtures import Company

# 2026-Q3 runs 1 July – 30 September (92 days): 13 weeks, the last one 8 days long.
# Past quarters (history 4: 2025-Q3 … 2026-Q2); only 2026-Q1 and 2026-Q2 created deals, so only they shape the curve.
#   2026-Q2: 2 deals in week 1 (2, 3 April), 2 in week 8 (20, 21 May): shares 0.5 after weeks 1–7, 1.0 from week 8.
#   2026-Q1: 1 deal in week 1 (2 January), 1 on 30 March (after the 12th boundary, 26 March): 0.5 after weeks 1–12.
#   Curve: 0.5 after weeks 1–7, 0.75 after weeks 8–12, 1 at the end.
# This quarter: 12 deals by 13 July; as of 25 August (the end of week 8), expected = 20 × 0.75 = 15, actual 12:
# 12 < 15 × 0.9 → behind by 3; 36 days (36/7 weeks) left → needed (20 − 12) ÷ 36/7 = 1.5556 a week.
AS_OF = dt.date(2026, 8, 25)


@pytest.fixture(scope="module")
def company():
    rows = Company()
    for index, day in enumerate(["2026-04-02", "2026-04-03", "2026-05-20", "2026-05-21", "2026-01-02",
                                 "2026-03-30"]):
        rows.opportunity(f"past{index}", day + " 10:00")  # no amount: the pipeline has no past to learn from
    for index in range(12):
        rows.opportunity(f"now{index}", f"2026-07-{index + 2:02d} 10:00", amount=100)
    rows.opportunity("after", "2026-08-27 10:00", amount=100)  # after the as-of day: not in actual to date
    con = rows.connect()
    yield con
    con.close()


def charter(targets):
    return Charter(quarter="2026-Q3", definitions={"targets": targets})


def test_the_expected_curve_comes_from_the_same_weeks_of_past_quarters(company):
    paced = pacing.pace(company, charter({"opportunities_created": 20}), as_of=AS_OF)
    row = paced.rows[0]
    assert (paced.week, paced.weeks) == (8, 13)
    assert paced.weeks_left == pytest.approx(36 / 7)
    assert row.paced_as == "total"
    assert row.curve_from == ["2026-Q1", "2026-Q2"]
    assert row.curve_share == pytest.approx(0.75)
    assert (row.actual, row.expected, row.target) == (12, pytest.approx(15), 20)
    assert row.status == "behind"
    assert row.gap == pytest.approx(-3)
    assert row.needed_per_week == pytest.approx(8 * 7 / 36)
    expected = [0, 10, 10, 10, 10, 10, 10, 10, 15, 15, 15, 15, 15, 20]
    assert [point.expected for point in row.weeks] == pytest.approx(expected)
    assert [point.actual for point in row.weeks][:3] == [0, 6, 12]
    assert all(point.actual is None for point in row.weeks[9:])


def test_between_week_boundaries_the_curve_is_read_straight(company):
    # as of 22 August: 52 days done, 3 days into week 8: 0.5 + 0.25 × 3/7
    row = pacing.pace(company, charter({"opportunities_created": 20}), as_of=dt.date(2026, 8, 21)).rows[0]
    assert row.curve_share == pytest.approx(0.5 + 0.25 * 3 / 7)


def test_within_the_tolerance_band_is_on_track_and_above_it_ahead(company):
    # expected 13 × 0.75 = 9.75: 12 is above 9.75 × 1.1 → ahead; target 16 → expected 12 → on track
    assert pacing.pace(company, charter({"opportunities_created": 13}), as_of=AS_OF).rows[0].status == "ahead"
    assert pacing.pace(company, charter({"opportunities_created": 16}), as_of=AS_OF).rows[0].status == "on track"


def test_a_metric_without_past_quarters_is_not_measured_never_a_straight_line(company):
    row = pacing.pace(company, charter({"pipeline": 5000}), as_of=AS_OF).rows[0]
    assert row.actual == 1200
    assert (row.expected, row.status, row.gap, row.curve_share) == (None, None, None, None)
    assert row.not_measured == pacing.NO_CURVE
    assert all(point.expected is None for point in row.weeks)


def test_a_rate_is_paced_as_its_value_to_date_against_the_target():
    rows = Company()
    rows.opportunity("w1", "2026-07-02 10:00", close_date="2026-07-20", is_closed=True, is_won=True)
    rows.opportunity("l1", "2026-07-02 10:00", close_date="2026-07-21", is_closed=True)
    rows.opportunity("l2", "2026-07-02 10:00", close_date="2026-09-01", is_closed=True)  # after the as-of day
    con = rows.connect()
    try:
        row = pacing.pace(con, charter({"win_rate_count": 0.4}), as_of=AS_OF).rows[0]
    finally:
        con.close()
    assert row.paced_as == "rate" and not row.weeks
    assert (row.actual, row.expected) == (0.5, 0.4)
    assert row.status == "ahead" and row.gap == pytest.approx(0.1) and row.needed_per_week is None


def test_which_metrics_accumulate_is_read_from_the_catalog():
    assert pacing.accumulates(catalog.spec("mqls")) and pacing.accumulates(catalog.spec("bookings"))
    for rate in ("win_rate_count", "sla_met_share", "lead_quality", "cost_per_mql", "average_deal_size"):
        assert not pacing.accumulates(catalog.spec(rate)), rate


def test_nothing_planned_says_so_and_judges_nothing(company):
    paced = pacing.pace(company, charter({}), as_of=AS_OF)
    assert paced.rows == [] and paced.not_planned == pacing.NO_TARGETS


def test_an_as_of_day_outside_the_quarter_is_refused(company):
    with pytest.raises(ValueError, match="not in 2026-Q3"):
        pacing.pace(company, charter({"mqls": 1}), as_of=dt.date(2026, 10, 2))


def test_week_bounds_give_the_last_week_the_days_left_over():
    from alignment.periods import Quarter
    bounds = pacing.week_bounds(Quarter.parse("2026-Q3"))
    assert len(bounds) == 14 and bounds[-1] == dt.date(2026, 10, 1) and (bounds[-1] - bounds[-2]).days == 8


def test_the_weekly_line_has_the_band_and_a_point_for_a_mid_week_as_of_day(company):
    paced = pacing.pace(company, charter({"opportunities_created": 20}), as_of=dt.date(2026, 8, 21))
    spec = pacing.chart(paced.rows[0], paced)
    assert spec.weeks[:2] == ["Start", "Week 1"] and spec.weeks[spec.as_of_index] == "As of 21 Aug 2026"
    assert spec.as_of_index == 8 and len(spec.weeks) == 15  # 14 week boundaries and the as-of day
    assert spec.actual[spec.as_of_index] == 12 and spec.expected[spec.as_of_index] == pytest.approx(
        20 * (0.5 + 0.25 * 3 / 7))
    assert spec.low[1] == pytest.approx(9) and spec.high[1] == pytest.approx(11)  # ±10 % of 10 after week 1
    with pytest.raises(ValueError, match="rate"):
        pacing.chart(pacing.pace(company, charter({"win_rate_count": 0.4}), as_of=AS_OF).rows[0], paced)


def test_rows_follow_the_scorecard_columns_then_the_funnel_then_the_charters_order(company):
    targets = {"bookings": 1, "sqls": 1, "mqls": 1, "win_rate_count": 1, "pipeline": 1, "inquiries": 1}
    paced = pacing.pace(company, Charter(quarter="2026-Q3", metrics=("win_rate_count", "pipeline", "bookings",
                                                                     "inquiries"),
                                         definitions={"targets": targets}), as_of=AS_OF)
    assert [row.name for row in paced.rows] == ["inquiries", "mqls", "sqls", "bookings", "win_rate_count",
                                                "pipeline"]


def test_a_running_quarter_s_comparisons_run_to_date_and_judge_no_target(company):
    """A quarter under way on the as-of day is never 'missed' (or 'met') on its tiles, targets table or board pack:
    its comparisons say they run to that day, and pacing judges it; on its last day it is judged as before."""
    definitions = catalog.Definitions(targets={"opportunities_created": 1_000})
    [running] = catalog.scorecard(company, {"quarter": "2026-Q3"}, definitions, names=["opportunities_created"],
                                  as_of=AS_OF)
    assert running.to_date == AS_OF and running.target is not None and running.target_met is None
    [finished] = catalog.scorecard(company, {"quarter": "2026-Q3"}, definitions, names=["opportunities_created"],
                                   as_of=dt.date(2026, 9, 30))
    assert finished.to_date is None and finished.target_met is False
    [earlier] = catalog.scorecard(company, {"quarter": "2026-Q2"}, definitions, names=["opportunities_created"],
                                  as_of=AS_OF)
    assert earlier.to_date is None and earlier.target_met is False
