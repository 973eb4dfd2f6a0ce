"""The pipeline walk worked by hand on ten deals: every movement, the invariant, the slipped deals and the type split."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from alignment import pipeline_walk
from alignment.periods import Quarter
from metric_fixtures import Company, at, day

Q3 = Quarter.parse("2026-Q3")  # 1 July – 30 September 2026, calendar year, UTC
AFTER = dt.date(2026, 10, 15)  # an as-of day after the quarter: the walk runs to its end
MID = dt.date(2026, 8, 16)  # an as-of day inside it: the walk runs to the end of 16 August


def deal(company: Company, deal_id: str, created: str, close: str, amount: float, *, account: str = "A1",
         kind: str | None = None, won: bool = False, lost: bool = False, stage: str = "Proposal",
         history: list[tuple[str, str | None, float | None]] = ()) -> None:
    """A deal as it stands now, and its recorded (moment, close date, amount) rows."""
    company.add("opportunities", opportunity_id=deal_id, account_id=account, owner_id="U1", created_at=at(created),
                close_date=day(close), amount=amount, is_closed=won or lost, is_won=won, type=kind,
                stage="Closed Won" if won else "Closed Lost" if lost else stage, name=f"Deal {deal_id}")
    for moment, close_date, value in history:
        company.add("opportunity_changes", opportunity_id=deal_id, changed_at=at(moment),
                    close_date=day(close_date) if close_date else None, amount=value)


@pytest.fixture(scope="module")
def con():
    c = Company().account("A1", region="EMEA", name="Acme").account("A2", region="NA", name="Globex")
    c.user("U1", "Ana Alvarez", region="EMEA")
    # D1 stays in the quarter; its amount grows from 100 to 150 during it.
    deal(c, "D1", "2026-05-01", "2026-08-15", 150, kind="New Business",
         history=[("2026-05-01", "2026-08-15", 100), ("2026-07-10", None, 150)])
    # D2 slips: its close date moves from 10 September to 30 November on 20 August.
    deal(c, "D2", "2026-04-01", "2026-11-30", 200, kind="Renewal", account="A2",
         history=[("2026-04-01", "2026-09-10", 200), ("2026-08-20", "2026-11-30", None)])
    # D3 is pulled in from December on 20 July.
    deal(c, "D3", "2026-03-01", "2026-09-25", 300, kind="Existing Business",
         history=[("2026-03-01", "2026-12-15", 300), ("2026-07-20", "2026-09-25", None)])
    # D4 moves out (to October) on 15 July and back in (20 September) on 15 August: in at the start and at the end.
    deal(c, "D4", "2026-06-01", "2026-09-20", 400, kind="Upsell",
         history=[("2026-06-01", "2026-09-01", 400), ("2026-07-15", "2026-10-15", None),
                  ("2026-08-15", "2026-09-20", None)])
    # D5 is created on 5 July and won on 31 August: in the pipeline only in between.
    deal(c, "D5", "2026-07-05", "2026-08-31", 500, kind="New Business", won=True,
         history=[("2026-07-05", "2026-08-31", 500)])
    # D6 has no history at all: read from its current close date and amount.
    deal(c, "D6", "2026-05-10", "2026-09-15", 600)
    # D7 is won on 31 July, D8 lost on 10 August; both were in at the start.
    deal(c, "D7", "2026-02-01", "2026-07-31", 700, kind="New Business", won=True,
         history=[("2026-02-01", "2026-07-31", 700)])
    deal(c, "D8", "2026-01-15", "2026-08-10", 800, kind="Renewal", lost=True, account="A2",
         history=[("2026-01-15", "2026-08-10", 800)])
    # D9 is created on 1 August and still open at the end.
    deal(c, "D9", "2026-08-01", "2026-09-30", 900, kind="Expansion",
         history=[("2026-08-01", "2026-09-30", 900)])
    # D11 is created on 10 July due 5 September, and pushed to 20 October on 25 August: it slipped in between.
    deal(c, "D11", "2026-07-10", "2026-10-20", 50, kind="New Business",
         history=[("2026-07-10", "2026-09-05", 50), ("2026-08-25", "2026-10-20", None)])
    # D10 never closes in the quarter.
    deal(c, "D10", "2026-01-01", "2026-12-31", 1000, history=[("2026-01-01", "2026-12-31", 1000)])
    connection = c.connect()
    yield connection
    connection.close()


def steps(walk) -> dict[str, tuple[int, float]]:
    return {line.key: (line.deals, line.amount) for line in walk.lines}


def test_every_movement_of_a_finished_quarter(con):
    walk = pipeline_walk.walk(con, Q3, as_of=AFTER)
    movements = dict(zip(walk.deals["opportunity_id"], walk.deals["movement"]))
    assert movements == {"D1": "stayed", "D2": "pushed_out", "D3": "pulled_in", "D4": "stayed",
                         "D5": "came_and_went", "D6": "stayed", "D7": "won", "D8": "lost", "D9": "created",
                         "D11": "came_and_went"}
    assert not walk.running and walk.last_day == dt.date(2026, 9, 30)
    # Start: D1 100 + D2 200 + D4 400 + D6 600 + D7 700 + D8 800; end: D1 150 + D3 300 + D4 400 + D6 600 + D9 900.
    assert (walk.start_deals, walk.start_amount) == (6, 2800)
    assert (walk.end_deals, walk.end_amount) == (5, 2350)
    assert steps(walk) == {"created": (1, 900), "pulled_in": (1, 300), "amount_change": (0, 50),
                           "pushed_out": (-1, -200), "lost": (-1, -800), "won": (-1, -700)}
    # The invariant: 2800 + 900 + 300 + 50 − 200 − 800 − 700 = 2350, and 6 + 1 + 1 − 1 − 1 − 1 = 5.
    assert walk.start_amount + sum(a for _, a in steps(walk).values()) == walk.end_amount
    assert walk.start_deals + sum(d for d, _ in steps(walk).values()) == walk.end_deals
    # D5 was created and won inside the quarter, D11 created and pushed out: in no step, counted apart.
    assert (walk.came_and_went, walk.came_and_went_won) == (2, 500)
    rows = walk.deals.set_index("opportunity_id")
    assert (rows.loc["D5", "entered"], rows.loc["D5", "outcome"]) == ("created", "won")
    assert (rows.loc["D11", "entered"], rows.loc["D11", "outcome"]) == ("created", "pushed_out")
    assert walk.without_history == 1  # D6


def test_a_running_quarter_walks_to_the_as_of_day(con):
    walk = pipeline_walk.walk(con, Q3, as_of=MID)
    assert walk.running and walk.last_day == MID
    movements = dict(zip(walk.deals["opportunity_id"], walk.deals["movement"]))
    # On 16 August D2 has not slipped yet and D5 is not won yet (its close date, 31 August, is still ahead).
    assert movements == {"D1": "stayed", "D2": "stayed", "D3": "pulled_in", "D4": "stayed", "D5": "created",
                         "D6": "stayed", "D7": "won", "D8": "lost", "D9": "created", "D11": "created"}
    assert (walk.start_amount, walk.end_amount) == (2800, 3100)
    assert steps(walk)["created"] == (3, 1450)


def test_slipped_deals_say_who_owns_them_and_where_the_date_went(con):
    walk = pipeline_walk.walk(con, Q3, as_of=AFTER)
    slipped = pipeline_walk.slipped(walk)
    assert slipped.to_dict("records") == [{
        "opportunity_id": "D2", "name": "Deal D2", "account_name": "Globex", "owner_name": "Ana Alvarez",
        "region": "NA", "segment": None, "opportunity_type": "renewal", "start_amount": 200.0,
        "start_close_date": dt.date(2026, 9, 10), "end_close_date": dt.date(2026, 11, 30),
        "end_stage": "Proposal"}, {
        "opportunity_id": "D11", "name": "Deal D11", "account_name": "Acme", "owner_name": "Ana Alvarez",
        "region": "EMEA", "segment": None, "opportunity_type": "new_business", "start_amount": 50.0,
        "start_close_date": dt.date(2026, 9, 5), "end_close_date": dt.date(2026, 10, 20), "end_stage": "Proposal"}]
    by_region = pipeline_walk.slipped_by_region(walk).set_index("region")
    # NA's pipeline in the quarter: D2 200 and D8 800; EMEA's: the other seven deals.
    assert by_region.loc["NA", "slipped_amount"] == 200 and by_region.loc["NA", "pipeline_amount"] == 1000
    assert by_region.loc["NA", "slipped_share"] == pytest.approx(0.2)
    assert by_region.loc["EMEA", "slipped_amount"] == 50


def test_the_walk_splits_by_opportunity_type_and_the_types_add_up(con):
    walk = pipeline_walk.walk(con, Q3, as_of=AFTER)
    split = pipeline_walk.by_type(walk).set_index("opportunity_type")
    # New Business: D1, D5, D7; Renewal: D2, D8; Existing Business, Upsell, Expansion: expansion; D6 none: other.
    assert split["start"].to_dict() == {"new_business": 800, "expansion": 400, "renewal": 1000, "other": 600}
    # (D11, new business, came and went: in no step of its type either.)
    assert split["end"].to_dict() == {"new_business": 150, "expansion": 1600, "renewal": 0, "other": 600}
    assert split["bookings"].to_dict() == {"new_business": 1200, "expansion": 0, "renewal": 0, "other": 0}
    assert split["start"].sum() == walk.start_amount and split["end"].sum() == walk.end_amount


def test_a_region_filter_walks_only_its_deals(con):
    walk = pipeline_walk.walk(con, Q3, as_of=AFTER, region="NA")
    assert set(walk.deals["opportunity_id"]) == {"D2", "D8"}
    assert (walk.start_amount, walk.end_amount) == (1000, 0)


def test_without_close_date_history_the_walk_is_not_measured():
    company = Company().account("A1", region="EMEA")
    company.add("opportunities", opportunity_id="D1", account_id="A1", created_at=at("2026-05-01"),
                close_date=day("2026-08-15"), amount=100.0)
    connection = company.connect()
    try:
        walk = pipeline_walk.walk(connection, Q3, as_of=AFTER)
    finally:
        connection.close()
    assert walk.not_measured and "close-date history" in walk.not_measured
    assert walk.lines == [] and walk.deals.empty and pipeline_walk.slipped(walk).empty
    assert walk.start_amount is None and walk.end_amount is None  # no numbers, never zeros


def test_stage_conversion_and_time_in_stage_by_hand():
    c = Company().account("A1", region="EMEA")
    for deal_id, close, won, lost in (("S1", "2026-08-10", True, False), ("S2", "2026-12-01", False, False),
                                      ("S3", "2026-08-01", False, True), ("S4", "2026-12-01", False, False)):
        c.opportunity(deal_id, "2026-07-01", account_id="A1", amount=10.0, close_date=close, is_closed=won or lost,
                      is_won=won, stage="Closed Won" if won else "Closed Lost" if lost else "Open")
    # S1 walks every stage and is won; S2 stops at Proposal; S3 is lost from Discovery; S4 skips Proposal.
    for deal_id, stage, entered in (("S1", "Discovery", "2026-07-01"), ("S1", "Proposal", "2026-07-11"),
                                    ("S1", "Negotiation", "2026-07-21"), ("S2", "Discovery", "2026-07-05"),
                                    ("S2", "Proposal", "2026-07-25"), ("S3", "Discovery", "2026-07-10"),
                                    ("S4", "Discovery", "2026-07-02"), ("S4", "Negotiation", "2026-07-12")):
        c.stage_entered(deal_id, stage, entered)
    connection = c.connect()
    try:
        frame, reason = pipeline_walk.stage_conversion(connection, Q3, as_of=AFTER, quarters=1)
    finally:
        connection.close()
    assert reason is None
    rows = {row["stage"]: row for row in frame.to_dict("records")}
    assert list(frame["stage"]) == ["Discovery", "Proposal", "Negotiation"]
    assert [rows[s]["next_stage"] for s in frame["stage"]] == ["Proposal", "Negotiation", "Won"]
    # Discovery: 4 entered, S1, S2 and S4 moved on (S4 by skipping Proposal), S3 was lost; days 10, 20, 22, 10.
    assert (rows["Discovery"]["entered"], rows["Discovery"]["reached_next"]) == (4, 3)
    assert rows["Discovery"]["conversion"] == pytest.approx(0.75)
    assert rows["Discovery"]["median_days_in_stage"] == pytest.approx(15)
    # Proposal: S1 moved on after 10 days, S2 is still there.
    assert (rows["Proposal"]["entered"], rows["Proposal"]["reached_next"], rows["Proposal"]["left"]) == (2, 1, 1)
    assert rows["Proposal"]["median_days_in_stage"] == pytest.approx(10)
    # Negotiation: S1 won 20 days after entering; S4 is still there.
    assert rows["Negotiation"]["conversion"] == pytest.approx(0.5)
    assert rows["Negotiation"]["median_days_in_stage"] == pytest.approx(20)


def test_a_walk_that_does_not_add_up_is_refused(con):
    walk = pipeline_walk.walk(con, Q3, as_of=AFTER)
    with pytest.raises(AssertionError, match="start \\+ steps"):
        pipeline_walk.check(walk.model_copy(update={"end_deals": walk.end_deals + 1}))
    doubled = walk.model_copy(update={"deals": pd.concat([walk.deals, walk.deals.head(1)])})
    with pytest.raises(AssertionError, match="twice"):
        pipeline_walk.check(doubled)
