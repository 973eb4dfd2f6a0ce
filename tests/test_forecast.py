"""Coverage, the forecast's expected value and range, and the commit, on four open deals worked out by hand."""

import datetime as dt

import pytest

from alignment import forecast
from alignment.charter import Charter
from metric_fixtures import Company

# 2026-Q3, as of 31 August: 30 days left (1 September → 1 October). Window: 2025-Q3 … 2026-Q2.
# Past deals (amount 100 each): Proposal entered 1 April → won after 20 and 90 days, lost after 10; entered 1 May →
# lost after 30. Negotiation entered 1 May → won after 10 and 5 days. Trailing win rate by value: 400 / 600.
# Open deals closing in the quarter, P(won by 1 October | stage, days in it) = won within (age, age + 30] ÷ still
# open at age:
#   O1 1000 Proposal 5 days:    at risk 20, 90, 10, 30 → 4; won in (5, 35]: 20 → 1/4   → 250  (Best Case, web)
#   O2 2000 Proposal 25 days:   at risk 90, 30 → 2; won in (25, 55]: none → 0          → 0    (Pipeline)
#   O3 4000 Negotiation 2 days: at risk 10, 5 → 2; won in (2, 32]: both → 1            → 4000 (Commit)
#   O4  500 Negotiation 31 days: no past deal was in Negotiation that long → not measured (Commit)
# Won so far: 3000 on 15 July. Forecast 3000 + 250 + 4000 = 7250; the open part is 4000 + 1000 × Bernoulli(1/4),
# so its 10th percentile is 4000 and its 90th 5000: range 7000–8000. Commit: 3000 + 4000 + 500 = 7500.
# Target 10000: to win 7000, open pipeline 7500, coverage 7500/7000; enough coverage: 1 ÷ (4/6) = 1.5.
AS_OF = dt.date(2026, 8, 31)


def company(*, categories=True, history=True):
    rows = Company()
    past = [("H1", "Proposal", "2026-04-01", "2026-04-21", True), ("H2", "Proposal", "2026-04-01", "2026-06-30", True),
            ("H3", "Proposal", "2026-04-01", "2026-04-11", False),
            ("H4", "Proposal", "2026-05-01", "2026-05-31", False),
            ("N1", "Negotiation", "2026-05-01", "2026-05-11", True),
            ("N2", "Negotiation", "2026-05-01", "2026-05-06", True)]
    for deal, stage, entered, closed, won in past:
        rows.opportunity(deal, "2026-03-01 09:00", amount=100, close_date=closed, is_closed=True, is_won=won,
                         stage="Closed Won" if won else "Closed Lost")
        if history:
            rows.stage_entered(deal, stage, entered + " 00:00")
    rows.opportunity("W1", "2026-06-01 09:00", amount=3000, close_date="2026-07-15", is_closed=True, is_won=True)
    open_deals = [("O1", 1000, "Proposal", "2026-08-27", "Best Case", "Web"),
                  ("O2", 2000, "Proposal", "2026-08-07", "Pipeline", "Outbound"),
                  ("O3", 4000, "Negotiation", "2026-08-30", "Commit", "Outbound"),
                  ("O4", 500, "Negotiation", "2026-08-01", "Commit", "Outbound")]
    for deal, amount, stage, entered, category, source in open_deals:
        rows.add("opportunities", opportunity_id=deal, created_at=dt.datetime(2026, 7, 20, 9), amount=amount,
                 close_date=dt.date(2026, 9, 25), stage=stage, lead_source=source,
                 forecast_category=category if categories else None)
        if history:
            rows.stage_entered(deal, stage, entered + " 00:00")
    rows.opportunity("later", "2026-07-20 09:00", amount=9999, close_date="2026-10-05", stage="Proposal")
    return rows.connect()


def charter(targets=None):
    return Charter(quarter="2026-Q3", definitions={"targets": {"bookings": 10000} if targets is None else targets})


@pytest.fixture(scope="module")
def worked():
    con = company()
    yield forecast.forecast(con, charter(), as_of=AS_OF)
    con.close()


def test_coverage_divides_the_open_pipeline_by_what_is_still_to_win(worked):
    assert worked.days_left == 30
    assert (worked.bookings_to_date, worked.to_win, worked.open_pipeline, worked.open_deals) == (3000, 7000, 7500, 4)
    assert worked.coverage == pytest.approx(7500 / 7000)
    assert worked.trailing_win_rate == pytest.approx(4 / 6)
    assert worked.coverage_needed == pytest.approx(1.5)


def test_the_forecast_weighs_each_open_deal_by_its_stage_and_days_in_it(worked):
    assert worked.expected == pytest.approx(7250)
    assert (worked.unmeasured_deals, worked.unmeasured_amount) == (1, 500)
    stages = {stage.stage: stage for stage in worked.stages}
    assert (stages["proposal"].won, stages["proposal"].lost, stages["proposal"].win_rate) == (2, 2, 0.5)
    assert stages["negotiation"].expected == pytest.approx(4000)
    assert (worked.low, worked.high) == (pytest.approx(7000), pytest.approx(8000))
    assert "seeded simulation" in worked.range_method


def test_commit_sums_the_deals_called_commit_on_top_of_bookings(worked):
    assert worked.commit == pytest.approx(7500) and worked.commit_note is None


def test_marketing_and_sales_shares_of_coverage_and_of_the_forecast(worked):
    assert worked.source_shares() == {"marketing": pytest.approx(1000 / 7500), "sales": pytest.approx(6500 / 7500)}
    assert worked.source_shares("forecast") == {"marketing": pytest.approx(250 / 4250),
                                                "sales": pytest.approx(4000 / 4250)}


def test_without_forecast_categories_the_commit_is_not_measured():
    con = company(categories=False)
    try:
        result = forecast.forecast(con, charter(), as_of=AS_OF)
    finally:
        con.close()
    assert result.commit is None and "forecast category" in result.commit_note
    assert result.expected == pytest.approx(7250)


def test_without_stage_history_the_forecast_is_not_measured_but_coverage_is():
    con = company(history=False)
    try:
        result = forecast.forecast(con, charter(), as_of=AS_OF)
    finally:
        con.close()
    assert (result.expected, result.low, result.high) == (None, None, None)
    assert "stage history" in result.not_measured
    assert result.coverage == pytest.approx(7500 / 7000)


def test_without_a_bookings_target_coverage_says_how_to_set_one():
    con = company()
    try:
        result = forecast.forecast(con, charter({}), as_of=AS_OF)
    finally:
        con.close()
    assert result.coverage is None and "Charter page" in result.coverage_note


def test_the_range_is_the_same_on_every_run():
    import numpy as np
    amounts, chances = np.array([100.0, 200.0, 300.0]), np.array([0.2, 0.5, 0.9])
    assert forecast.bookings_range(amounts, chances) == forecast.bookings_range(amounts, chances)


def test_the_range_is_exact_when_every_chance_is_certain_and_normal_for_many_deals():
    import numpy as np
    low, high, method = forecast.bookings_range(np.array([100.0, 200.0]), np.array([1.0, 0.0]))
    assert (low, high) == (100, 100) and method.startswith("exact")
    many = forecast.MOST_SIMULATED + 100
    amounts, chances = np.full(many, 1000.0), np.full(many, 0.5)
    low, high, method = forecast.bookings_range(amounts, chances)
    assert method.startswith("normal approximation")
    simulated = forecast.simulated_range(amounts, chances)
    # 600 fair coins of 1000 each: mean 300,000, standard deviation 1000 × √150 ≈ 12,247
    assert low == pytest.approx(300_000 - 1.2816 * 12_247, rel=1e-3)
    assert (low, high) == (pytest.approx(simulated[0], rel=0.01), pytest.approx(simulated[1], rel=0.01))


def test_without_amounts_nothing_is_zero_it_is_not_measured():
    rows = Company()
    rows.add("opportunities", opportunity_id="W", created_at=dt.datetime(2026, 6, 1, 9), amount=None,
             close_date=dt.date(2026, 7, 15), is_closed=True, is_won=True)
    rows.add("opportunities", opportunity_id="O", created_at=dt.datetime(2026, 7, 20, 9), amount=None,
             close_date=dt.date(2026, 9, 25), stage="Proposal", forecast_category="Commit")
    con = rows.connect()
    try:
        result = forecast.forecast(con, charter(), as_of=AS_OF)
    finally:
        con.close()
    assert (result.coverage, result.expected, result.commit) == (None, None, None)
    assert "amount" in result.coverage_note and "amount" in result.not_measured and "amount" in result.commit_note
