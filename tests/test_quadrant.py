"""The alignment quadrant: four demand-gen campaigns built to land in each quadrant, one awareness campaign, edges."""

from __future__ import annotations

import pytest

from alignment import catalog, quadrant
from tests.metric_fixtures import Company, day

# interest_touches=0 makes sales-ready = target account + decision persona, so lead quality is countable by eye.
# Bought-lead price 1,030 makes the default threshold a round 10 (worked below).
DEFINITIONS = catalog.Definitions(interest_touches=0, bought_lead_price=1030.0)
# Every campaign here touches one MQL: judge lead quality from the first MQL (the default asks for 10).
ONE_MQL = 1


def _campaign(company: Company, campaign_id: str, channel: str, *, actual_cost: float | None = None,
              budgeted_cost: float | None = None, content: str | None = "Guide", targeting: str | None = "CFOs",
              start: str | None = "2026-07-01", end: str | None = "2026-09-30", parent: str | None = None) -> None:
    company.add("campaigns", campaign_id=campaign_id, name=f"Campaign {campaign_id}", channel=channel,
                content=content, targeting=targeting, start_date=day(start) if start else None,
                end_date=day(end) if end else None, actual_cost=actual_cost, budgeted_cost=budgeted_cost,
                parent_campaign_id=parent)


def _company() -> Company:
    """Every campaign runs 2026-07-01..09-30, inside Q3, so its whole cost falls in Q3.

    MQLs of Q3 (mql 07-05, each touched 07-02): p1, p3 sales-ready (target account, decision maker); p2, p4 not
    (persona 'other') → company lead quality 2/4 = 50 %.
    Deals created 07-10, each with one eligible touch, so every model credits each deal whole to its one campaign:
    O1 10,000 (AL) + O2 500 (SD) + O3 10,000 (SO) + O4 100 (MA) = 20,600 attributed pipeline.
    Inquiries of Q3: n1 and n2, created 07-03 (everyone else was created in Q2).
    Default threshold = 20,600 / 2 inquiries / 1,030 bought-lead price = $10 of pipeline per $1.
    """
    c = Company()
    c.account("TA", is_target_account=True)
    for person, persona in (("p1", "decision_maker"), ("p2", "other"), ("p3", "decision_maker"), ("p4", "other")):
        c.person(person, "2026-06-01", kind="contact" if person != "p4" else "lead", account_id="TA",
                 persona=persona, converted_opportunity_id="O4" if person == "p4" else None)
        c.event(person, "mql", "2026-07-05")
    c.person("p3x", "2026-06-01", kind="lead")
    c.person("n1", "2026-07-03 10:00").person("n2", "2026-07-03 11:00")
    for opportunity, amount in (("O1", 10000.0), ("O2", 500.0), ("O3", 10000.0), ("O4", 100.0)):
        c.opportunity(opportunity, "2026-07-10", account_id="TA", amount=amount)
    c.contact_role("O1", "p1").contact_role("O2", "p2").contact_role("O3", "p3")  # O4: converted lead only

    # AL: 10,000 / 500 = $20 per $1 ≥ 10; lead quality 1/1 ≥ 50 % → delivers.
    #     traceability = (1/1 responded + 1/1 deals with roles + 5/5 fields) / 3 = 1.00 → Aligned.
    _campaign(c, "AL", "email", actual_cost=500.0, parent="PRG")
    c.member("AL", "p1", "2026-07-02 09:00")
    # SD: 500 / 1,000 = $0.50 per $1 < 10; lead quality 0/1 → does not deliver; traceability 1.00 → Spin doctor.
    _campaign(c, "SD", "webinar", actual_cost=1000.0)
    c.member("SD", "p2", "2026-07-02 09:00")
    # SO: budget 1,000 stands in (flagged); 10,000 / 1,000 = $10 per $1, at the threshold; lead quality 1/1 → delivers.
    #     p3 responded without a response date (touch at when added), p3x never responded: 0/2 responded;
    #     O3 has roles: 1/1; fields: dates + channel = 2/5 → (0 + 1 + 0.4) / 3 = 0.47 < 0.6 → Silent operative.
    _campaign(c, "SO", "event", budgeted_cost=1000.0, content=None, targeting=None)
    c.member("SO", "p3", None, added="2026-07-02 09:00")
    c.member("SO", "p3x", None, added="2026-07-02 09:00", has_responded=False)
    # MA: 100 / 1,000 = $0.10 per $1; lead quality 0/1 → does not deliver.
    #     1/1 responded; O4 has no contact role: 0/1; dates + channel + actual cost = 3/5 → (1 + 0 + 0.6) / 3 = 0.53.
    _campaign(c, "MA", "paid_search", actual_cost=1000.0, content=None, targeting=None)
    c.member("MA", "p4", "2026-07-02 09:00")
    # TV: awareness channel, no members, no leads → judged apart, never Mis-aligned.
    _campaign(c, "TV", "tv", actual_cost=5000.0)
    # FREE: demand gen with no cost and no members: cannot be judged per $1; no pipeline → does not deliver;
    #       traceability (0 + 0 + 4/5) / 3 = 0.27 → Mis-aligned.
    _campaign(c, "FREE", "email")
    # OLD: ran and was costed in Q2 only → not placed in Q3.
    _campaign(c, "OLD", "email", actual_cost=100.0, start="2026-04-01", end="2026-04-30")
    # PRG: the program AL belongs to; no cost, no members of its own → left out (FREE, with no campaign under it,
    #      stays: it is not a program).
    _campaign(c, "PRG", "email")
    return c


@pytest.fixture(scope="module")
def con():
    connection = _company().connect()
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def placed(con):
    return quadrant.place_campaigns(con, "2026-Q3", definitions=DEFINITIONS, min_mqls=ONE_MQL
                                    ).set_index("campaign_id")


def test_each_campaign_lands_in_its_quadrant(placed):
    assert placed["quadrant"].to_dict() == {
        "AL": "Aligned", "SD": "Spin doctor", "SO": "Silent operative", "MA": "Mis-aligned",
        "FREE": "Mis-aligned", "TV": "Awareness"}


def test_the_quarter_bars_are_worked_by_hand(placed):
    assert placed.attrs["delivery_threshold"] == pytest.approx(10.0)
    assert placed.attrs["lead_quality_bar"] == pytest.approx(0.5)
    assert placed.attrs["traceability_threshold"] == 0.6
    assert placed.attrs["model_card"] == "w_shaped · pipeline · lookback 365 d · primary campaign when no touch"


def test_key_numbers(placed):
    rows = placed[["cost", "is_budgeted_cost", "attributed_pipeline", "pipeline_per_cost", "lead_quality",
                   "responded_share", "contact_role_share", "completeness"]].round(4)
    assert rows.loc["AL"].tolist() == [500.0, False, 10000.0, 20.0, 1.0, 1.0, 1.0, 1.0]
    assert rows.loc["SO"].tolist() == [1000.0, True, 10000.0, 10.0, 1.0, 0.0, 1.0, 0.4]
    assert rows.loc["MA"].tolist() == [1000.0, False, 100.0, 0.1, 0.0, 1.0, 0.0, 0.6]
    assert placed["traceability"].round(4).to_dict() == {
        "AL": 1.0, "SD": 1.0, "SO": 0.4667, "MA": 0.5333, "FREE": 0.2667, "TV": 0.3333}


def test_explanations_say_why(placed):
    assert placed.loc["AL", "explanation"] == (
        "Delivers: $20.00 of pipeline per $1 of cost, at or above the $10.00 threshold, and 100% of its 1 MQLs are "
        "sales-ready (at or above the company's 50%). Shows it (traceability 1.00 vs 0.60): 100% of its members have "
        "a response date, 100% of the 1 opportunities it influenced have contact roles, and its content, targeting, "
        "dates, channel and cost are filled in.")
    assert placed.loc["SO", "explanation"].endswith(
        "Cannot show it (traceability 0.47 vs 0.60): 0% of its members have a response date, 100% of the 1 "
        "opportunities it influenced have contact roles, and it has no content, targeting or actual cost.")
    assert "$0.50 of pipeline per $1 of cost, below the $10.00 threshold" in placed.loc["SD", "explanation"]
    assert "0% of the 1 opportunities it influenced have contact roles" in placed.loc["MA", "explanation"]


def test_no_cost_and_no_members_are_said_plainly(placed):
    text = placed.loc["FREE", "explanation"]
    assert "no cost falls in the quarter, so pipeline per $1 cannot be judged" in text
    assert "it has no members" in text and "it influenced no opportunity" in text
    assert placed.loc["FREE", "cost"] == 0 and placed.loc["FREE", "delivers"] == False


def test_awareness_is_judged_apart(placed):
    assert placed.loc["TV", "funnel_role"] == "awareness"
    assert placed.loc["TV", "delivers"] is None and placed.loc["TV", "demonstrates"] is None
    assert placed.loc["TV", "explanation"].startswith("Awareness: judged apart")


def test_campaigns_outside_the_quarter_are_not_placed(placed):
    assert "OLD" not in placed.index


def test_an_explicit_threshold_overrides_the_bought_lead_benchmark(con):
    # SO at $10 per $1 no longer delivers when $15 is asked; AL at $20 still does.
    frame = quadrant.place_campaigns(con, "2026-Q3", definitions=DEFINITIONS, delivery_threshold=15.0,
                                     min_mqls=ONE_MQL)
    assert frame.set_index("campaign_id")["quadrant"][["AL", "SO"]].tolist() == ["Aligned", "Mis-aligned"]


def test_an_empty_warehouse_places_nothing():
    with Company().connect() as empty:
        assert len(quadrant.place_campaigns(empty, "2026-Q3")) == 0


def test_an_empty_program_is_left_out_and_named(placed):
    assert "PRG" not in placed.index
    assert placed.attrs["programs_left_out"] == ["Campaign PRG"]


def test_the_threshold_is_what_a_dollar_of_bought_leads_returns(placed):
    # 20,600 attributed pipeline / 2 inquiries = 10,300 per lead; $1 buys 1/1,030 of a bought lead → $10 per $1.
    assert placed.attrs["inquiries"] == 2 and placed.attrs["attributed_pipeline"] == pytest.approx(20600.0)
    assert placed.attrs["delivery_threshold"] == pytest.approx(20600.0 / 2 / 1030.0)


def test_too_few_mqls_are_not_held_against_a_campaign(con):
    # Under the default minimum of 10 MQLs, SD's 0 of 1 sales-ready no longer counts: it still fails on cost
    # ($0.50 per $1), so it stays a Spin doctor, and its explanation says why quality was not judged.
    frame = quadrant.place_campaigns(con, "2026-Q3", definitions=DEFINITIONS).set_index("campaign_id")
    assert frame.attrs["min_mqls"] == 10
    assert frame.loc["SD", "quadrant"] == "Spin doctor"
    assert "it touched only 1 MQLs of the quarter, too few (under 10) to hold lead quality against it" in (
        frame.loc["SD", "explanation"])


def test_a_lower_bought_lead_price_raises_the_bar(con):
    # Price 515 (half of 1,030): $1 buys twice the bought leads, so the bar doubles to 20,600 / 2 / 515 = $20 per $1;
    # SO ($10 per $1) stops delivering, AL ($20 per $1) still does.
    cheap = catalog.Definitions(interest_touches=0, bought_lead_price=515.0)
    frame = quadrant.place_campaigns(con, "2026-Q3", definitions=cheap, min_mqls=ONE_MQL).set_index("campaign_id")
    assert frame.attrs["delivery_threshold"] == pytest.approx(20.0)
    assert frame.loc["SO", "quadrant"] == "Mis-aligned" and frame.loc["AL", "quadrant"] == "Aligned"


def test_channels_are_placed_on_their_campaigns_together(con):
    # email = AL (500, 10,000 pipeline, 1/1 responded, O1 has roles) + FREE (no cost, no members, 4/5 fields):
    #   cost 500, pipeline 10,000 → $20 per $1 ≥ 10; lead quality of email MQLs: p1 sales-ready → 1/1 →
    #   delivers; members 1, with date 1 → 1.0; deals 1 with roles → 1.0; completeness mean (1.0, 0.8) = 0.9 →
    #   traceability 0.967 → Aligned.
    # tv is an awareness channel: judged apart.
    channels = quadrant.place_channels(con, "2026-Q3", definitions=DEFINITIONS, min_mqls=ONE_MQL
                                       ).set_index("channel")
    assert channels.loc["email", ["campaigns", "cost", "attributed_pipeline"]].tolist() == [2, 500.0, 10000.0]
    assert channels.loc["email", "traceability"] == pytest.approx((1 + 1 + 0.9) / 3)
    assert channels.loc["email", "quadrant"] == "Aligned"
    assert channels.loc["tv", "quadrant"] == "Awareness"
    assert channels.loc["paid_search", "quadrant"] == "Mis-aligned"
    assert "its campaigns have 60% of their content, targeting, dates, channel and actual cost filled in" in (
        channels.loc["paid_search", "explanation"])


def test_the_quadrant_chart_draws_what_can_be_drawn_and_names_what_it_can():
    import pandas as pd

    from ui import charts

    frame = pd.DataFrame({
        "name": ["Near the bar", "Just above it", "Far above", "Tracked well", "No cost"],
        "quadrant": ["Spin doctor", "Spin doctor", "Spin doctor", "Aligned", "Mis-aligned"],
        "traceability": [0.9, 0.9, 0.9, 0.95, 0.1],
        # log10: 1.0, 1.05 (0.05 above the first: too close to name), 2.0 (clear of the first)
        "pipeline_per_cost": [10.0, 10.0 ** 1.05, 100.0, 500.0, None],
        "cost": [1_000.0, 4_000.0, 9_000.0, 2_000.0, 0.0],
        "explanation": ["a", "b", "c", "d", "e"]})
    figure = charts.quadrant_scatter(frame, label="name", x_threshold=0.6, y_threshold=40.0)
    traces = {trace.name: trace for trace in figure.data}
    # the row without pipeline per $1 cannot sit on a log axis: no Mis-aligned trace at all
    assert set(traces) == {"Spin doctor (3)", "Aligned (1)"}
    assert list(traces["Spin doctor (3)"].text) == ["Near the bar", "", "Far above"]
    assert traces["Aligned (1)"].text is None  # the Aligned are not named on the chart, only on hover
    assert "Just above it" in traces["Spin doctor (3)"].hovertext[1]
    assert [shape.type for shape in figure.layout.shapes] == ["line", "line"]
    # the y range brackets the points and the bar: half the lowest, twice the highest
    assert figure.layout.yaxis.range == pytest.approx((1.0 - 0.30103, 2.69897 + 0.30103), abs=1e-4)
