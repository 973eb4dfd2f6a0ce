"""Attribution (DESIGN §4.4, §4.8): every model on deals whose shares are worked out by hand in the comments.

Unless a test says otherwise the deal O1 is created 2026-07-15 00:00 with amount 1000, its only linked person is
contact P1 (a contact role), and campaigns are named after their channel: CA (email), CB (web), CC (event),
CD (webinar).
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from alignment import attribution
from alignment.attribution import AttributionOptions
from metric_fixtures import Company

CHANNELS = {"CA": "email", "CB": "web", "CC": "event", "CD": "webinar"}


def company(*touches: tuple[str, str], mql: str | None = None, created: str = "2026-07-15 00:00",
            amount: float = 1000.0, close_date: str | None = None, won: bool = False) -> Company:
    """O1 with contact P1 and P1's responded touches (campaign, moment)."""
    crm = Company()
    for campaign_id, channel in CHANNELS.items():
        crm.campaign(campaign_id, channel)
    crm.account("AC1")
    crm.person("P1", "2026-01-01", kind="contact", account_id="AC1")
    crm.opportunity("O1", created, account_id="AC1", amount=amount, close_date=close_date, is_closed=won,
                    is_won=won)
    crm.contact_role("O1", "P1", is_primary=True)
    for campaign_id, moment in touches:
        crm.member(campaign_id, "P1", moment)
    if mql:
        crm.event("P1", "mql", mql)
    return crm


def shares(crm: Company, model: str, basis: str = "pipeline", **options) -> dict[str | None, float]:
    """O1's shares by campaign (None = unattributed), rounded to 9 places."""
    return {c: s for o, c, s, _ in rows(crm, model=model, basis=basis, **options) if o == "O1"}


def rows(crm: Company, **options) -> list[tuple]:
    """(opportunity, campaign or None, share, credited amount) rows, rounded to 9 places and to the cent."""
    frame = attribution.attribute(crm.connect(), AttributionOptions(**options))
    return [(o, None if c is None or c != c else c, round(s, 9), round(a, 2))
            for o, c, s, a in frame.astype(object).itertuples(index=False)]


def r(value: float) -> float:
    return round(value, 9)


# ---------------------------------------------------------------- one touch, two touches

@pytest.mark.parametrize("model", attribution.MODELS)
def test_one_touch_takes_everything_under_every_model(model):
    # One touch holds every milestone (FT, OT, and MT since the mql is after it): each model gives it 1.
    crm = company(("CA", "2026-07-01"), mql="2026-07-02")
    assert rows(crm, model=model) == [("O1", "CA", 1.0, 1000.0)]


TWO_TOUCHES = (("CA", "2026-07-01"), ("CB", "2026-07-08"))


@pytest.mark.parametrize("model, expected", [
    ("first_touch", {"CA": 1.0}),
    ("last_touch", {"CB": 1.0}),
    ("linear", {"CA": 0.5, "CB": 0.5}),
    # No mql: MT undefined. FT = CA (40); CB holds no u milestone → the spread 20. 40 + 20 = 60 → 2/3, 1/3.
    ("u_shaped", {"CA": r(2 / 3), "CB": r(1 / 3)}),
    # FT = CA 30, OT = CB 30 (last touch at or before created_at), nothing left to spread → 10 dropped → 1/2 each.
    ("w_shaped", {"CA": 0.5, "CB": 0.5}),
    # FT 22.5, OT 22.5; MT undefined, CT absent on pipeline, spread empty → 1/2 each.
    ("full_path", {"CA": 0.5, "CB": 0.5}),
    # 14 and 7 days before created_at: 2^-2 = 0.25 and 2^-1 = 0.5 → 0.25/0.75 = 1/3, 0.5/0.75 = 2/3.
    ("time_decay", {"CA": r(1 / 3), "CB": r(2 / 3)}),
])
def test_two_touches(model, expected):
    assert shares(company(*TWO_TOUCHES), model) == expected


def test_two_touches_credited_amounts():
    # time_decay: 1000 × 1/3 and 1000 × 2/3.
    assert rows(company(*TWO_TOUCHES), model="time_decay") == [
        ("O1", "CA", r(1 / 3), 333.33), ("O1", "CB", r(2 / 3), 666.67)]


# ---------------------------------------------------------------- four touches with an mql: position models

# CA 06-01 (FT), CB 06-20 (MT: last touch at or before the mql 06-25), CC 07-10, CD 07-12 (OT).
FOUR_TOUCHES = (("CA", "2026-06-01"), ("CB", "2026-06-20"), ("CC", "2026-07-10"), ("CD", "2026-07-12"))


@pytest.mark.parametrize("model, expected", [
    # u: CA 40, CB 40, spread 20 over CC and CD (CD holds OT, which is not a u milestone) → .4 .4 .1 .1.
    ("u_shaped", {"CA": 0.4, "CB": 0.4, "CC": 0.1, "CD": 0.1}),
    # w: CA 30, CB 30, CD 30, spread 10 to CC alone → .3 .3 .1 .3.
    ("w_shaped", {"CA": 0.3, "CB": 0.3, "CC": 0.1, "CD": 0.3}),
    # full_path on pipeline: CT dropped; CA, CB, CD 22.5 each, CC 10 → total 77.5.
    ("full_path", {"CA": r(22.5 / 77.5), "CB": r(22.5 / 77.5), "CC": r(10 / 77.5), "CD": r(22.5 / 77.5)}),
    ("linear", {"CA": 0.25, "CB": 0.25, "CC": 0.25, "CD": 0.25}),
    ("first_touch", {"CA": 1.0}),
    ("last_touch", {"CD": 1.0}),
])
def test_position_models_with_an_mql(model, expected):
    assert shares(company(*FOUR_TOUCHES, mql="2026-06-25"), model) == expected


def test_milestones_are_flagged_on_each_touch():
    crm = company(*FOUR_TOUCHES, mql="2026-06-25")
    frame = attribution.attributed_touches(crm.connect(), AttributionOptions(model="w_shaped"))
    assert frame[["campaign_id", "position", "is_ft", "is_mt", "is_ot", "is_ct"]].values.tolist() == [
        ["CA", 1, True, False, False, False], ["CB", 2, False, True, False, False],
        ["CC", 3, False, False, False, False], ["CD", 4, False, False, True, False]]


@pytest.mark.parametrize("model, expected", [
    # mql 06-05: MT = CA, which is also FT. u: CA 40 + 40 = 80, CB the spread 20 → .8 .2.
    ("u_shaped", {"CA": 0.8, "CB": 0.2}),
    # w: CA 60, CB (OT) 30, nothing to spread → 60/90, 30/90.
    ("w_shaped", {"CA": r(2 / 3), "CB": r(1 / 3)}),
    # full_path pipeline: CA 45, CB 22.5 → 2/3, 1/3.
    ("full_path", {"CA": r(2 / 3), "CB": r(1 / 3)}),
])
def test_milestones_on_the_same_touch_add_up(model, expected):
    crm = company(("CA", "2026-06-01"), ("CB", "2026-07-10"), mql="2026-06-05")
    assert shares(crm, model) == expected


def test_mt_undefined_when_no_touch_is_as_early_as_the_mql():
    # mql 05-01, before every touch: MT undefined → u: CA 40, CB spread 20 → 2/3, 1/3 (as with no mql at all).
    crm = company(("CA", "2026-06-01"), ("CB", "2026-07-10"), mql="2026-05-01")
    assert shares(crm, "u_shaped") == {"CA": r(2 / 3), "CB": r(1 / 3)}


def test_mt_uses_recorded_mql_dates_not_back_filled_ones():
    # P1 has only an SQL event (back-fill would give it an mql on 06-05); MT stays undefined.
    crm = company(("CA", "2026-06-01"), ("CB", "2026-07-10"))
    crm.event("P1", "sql", "2026-06-05")
    assert shares(crm, "u_shaped") == {"CA": r(2 / 3), "CB": r(1 / 3)}


def test_mt_uses_the_earliest_mql_among_all_linked_people():
    # P2 (also on O1, no touches) reached mql 06-10, before P1's 07-11: MT = last touch ≤ 06-10 = CB 06-05.
    # u: CA 40 (FT), CB 40 (MT), CC spread 20 → .4 .4 .2.
    crm = company(("CA", "2026-06-01"), ("CB", "2026-06-05"), ("CC", "2026-07-10"), mql="2026-07-11")
    crm.person("P2", "2026-01-01", kind="contact").contact_role("O1", "P2").event("P2", "mql", "2026-06-10")
    assert shares(crm, "u_shaped") == {"CA": 0.4, "CB": 0.4, "CC": 0.2}


def test_mql_exactly_at_a_touch_makes_it_mt():
    crm = company(("CA", "2026-06-01"), ("CB", "2026-06-20 10:00"), ("CC", "2026-07-10"), mql="2026-06-20 10:00")
    assert shares(crm, "u_shaped") == {"CA": 0.4, "CB": 0.4, "CC": 0.2}


# ---------------------------------------------------------------- ties

def test_ties_on_touch_time_break_by_campaign_then_person():
    # Three touches at the same instant: (CB, P1), (CA, P3), (CA, P2) → order (CA, P2), (CA, P3), (CB, P1).
    crm = company()
    crm.person("P2", "2026-01-01", kind="contact").person("P3", "2026-01-01", kind="contact")
    crm.contact_role("O1", "P2").contact_role("O1", "P3")
    crm.member("CB", "P1", "2026-07-01 10:00").member("CA", "P3", "2026-07-01 10:00")
    crm.member("CA", "P2", "2026-07-01 10:00")
    frame = attribution.attributed_touches(crm.connect(), AttributionOptions(model="first_touch"))
    assert frame[["campaign_id", "person_id", "share"]].values.tolist() == [
        ["CA", "P2", 1.0], ["CA", "P3", 0.0], ["CB", "P1", 0.0]]
    assert shares(crm, "last_touch") == {"CB": 1.0}
    # u: FT (CA, P2) 40, spread 20 over (CA, P3) and (CB, P1) → CA 40 + 10 = 50/60, CB 10/60.
    assert shares(crm, "u_shaped") == {"CA": r(5 / 6), "CB": r(1 / 6)}


def test_same_campaign_touched_by_two_people_adds_up_in_one_row():
    crm = company(("CA", "2026-07-01"))
    crm.person("P2", "2026-01-01", kind="contact").contact_role("O1", "P2").member("CA", "P2", "2026-07-02")
    crm.member("CB", "P2", "2026-07-03")
    # linear: three touches of 1/3; CA holds two of them.
    assert rows(crm, model="linear") == [("O1", "CA", r(2 / 3), 666.67), ("O1", "CB", r(1 / 3), 333.33)]


# ---------------------------------------------------------------- eligibility and linking

def test_linked_people_are_distinct_contact_roles_plus_converted_leads():
    crm = company(("CA", "2026-07-01"))
    crm.contact_role("O1", "P1", is_primary=False)          # P1 listed twice: still one person, one touch
    crm.person("L1", "2026-02-01", converted_opportunity_id="O1").member("CB", "L1", "2026-07-02")
    crm.person("X1", "2026-02-01", account_id="AC1").member("CC", "X1", "2026-07-03")  # same account, not linked
    assert shares(crm, "linear") == {"CA": 0.5, "CB": 0.5}


def test_only_responded_memberships_count_at_first_response_else_when_added():
    crm = company()
    crm.member("CA", "P1", "2026-07-01", has_responded=False)              # not a touch
    crm.member("CB", "P1", None, added="2026-07-08")                     # touch at its created_at, 7 days old
    crm.member("CC", "P1", "2026-07-01", added="2026-06-01")             # touch at first response, 14 days old
    # time_decay: 0.5 and 0.25 → CB 2/3, CC 1/3.
    assert shares(crm, "time_decay") == {"CB": r(2 / 3), "CC": r(1 / 3)}


def test_account_linking_counts_everyone_at_the_account():
    crm = company(("CA", "2026-07-01"))
    crm.person("X1", "2026-02-01", account_id="AC1").member("CB", "X1", "2026-07-08")
    crm.person("Y1", "2026-02-01", account_id="AC2").member("CC", "Y1", "2026-07-08")
    assert shares(crm, "linear") == {"CA": 1.0}
    assert shares(crm, "linear", linking="account") == {"CA": 0.5, "CB": 0.5}


# ---------------------------------------------------------------- windows

def test_pipeline_window_bounds_are_inclusive_and_365_times_24_hours():
    # created 2026-07-15 00:00: lower bound 2025-07-15 00:00 (365 × 24 h) and upper bound created_at, both inclusive.
    crm = company(("CA", "2025-07-15 00:00"), ("CB", "2026-07-15 00:00"),
                  ("CC", "2025-07-14 23:59:59"), ("CD", "2026-07-15 00:00:01"))
    assert shares(crm, "linear") == {"CA": 0.5, "CB": 0.5}
    assert shares(crm, "linear", lookback_days=30) == {"CB": 1.0}


def test_touches_outside_the_window_leave_the_deal_unattributed():
    crm = company(("CA", "2025-01-01"), ("CB", "2026-08-01"))
    for model in attribution.MODELS:
        assert rows(crm, model=model) == [("O1", None, 1.0, 1000.0)], model


def test_a_deal_with_no_touch_is_credited_whole_to_unattributed():
    crm = company(("CA", "2026-07-01"))
    crm.opportunity("O2", "2026-07-20", amount=250.0)
    assert rows(crm, model="w_shaped") == [("O1", "CA", 1.0, 1000.0), ("O2", None, 1.0, 250.0)]


# ---------------------------------------------------------------- bookings basis

# Won O1 created 07-15, closes 08-31 (window ends before 09-01 00:00). CA 06-01 FT, CB 07-10 OT, CC 08-10, CD 08-31
# 23:59 CT (the last touch before the end of the close date); a touch at 09-01 00:00 is outside.
BOOKINGS = dict(close_date="2026-08-31", won=True)
BOOKING_TOUCHES = (("CA", "2026-06-01"), ("CB", "2026-07-10"), ("CC", "2026-08-10"), ("CD", "2026-08-31 23:59"))


@pytest.mark.parametrize("model, expected", [
    ("first_touch", {"CA": 1.0}),
    ("last_touch", {"CD": 1.0}),
    ("linear", {"CA": 0.25, "CB": 0.25, "CC": 0.25, "CD": 0.25}),
    # full_path: CA, CB, CD 22.5 each, CC the spread 10 → 77.5.
    ("full_path", {"CA": r(22.5 / 77.5), "CB": r(22.5 / 77.5), "CC": r(10 / 77.5), "CD": r(22.5 / 77.5)}),
    # w: CA 30, CB 30, spread 10 over CC and CD (CT is no w milestone) → 30/70, 30/70, 5/70, 5/70.
    ("w_shaped", {"CA": r(3 / 7), "CB": r(3 / 7), "CC": r(1 / 14), "CD": r(1 / 14)}),
    # u: CA 40, spread 20 over CB, CC, CD → 40/60, 20/3/60 each.
    ("u_shaped", {"CA": r(2 / 3), "CB": r(1 / 9), "CC": r(1 / 9), "CD": r(1 / 9)}),
])
def test_bookings_basis_with_ct(model, expected):
    crm = company(*BOOKING_TOUCHES, **BOOKINGS)
    crm.person("P2", "2026-01-01", kind="contact").contact_role("O1", "P2").member("CB", "P2", "2026-09-01 00:00")
    assert shares(crm, model, "bookings") == expected


def test_full_path_on_bookings_with_ct_alone_after_created():
    # CA 07-01 (FT, OT), CB 08-10 (CT): 45 and 22.5 → 2/3, 1/3; on pipeline CB is outside the window → CA 1.
    crm = company(("CA", "2026-07-01"), ("CB", "2026-08-10"), **BOOKINGS)
    assert shares(crm, "full_path", "bookings") == {"CA": r(2 / 3), "CB": r(1 / 3)}
    assert shares(crm, "full_path", "pipeline") == {"CA": 1.0}


def test_ot_undefined_on_bookings_when_every_touch_is_after_created():
    # CA 07-20 (FT), CB 08-10 (CT) both after created 07-15: w: CA 30, CB the spread 10 → .75, .25;
    # full_path: CA 22.5, CB 22.5 → .5 each.
    crm = company(("CA", "2026-07-20"), ("CB", "2026-08-10"), **BOOKINGS)
    assert shares(crm, "w_shaped", "bookings") == {"CA": 0.75, "CB": 0.25}
    assert shares(crm, "full_path", "bookings") == {"CA": 0.5, "CB": 0.5}


def test_time_decay_on_bookings_counts_age_to_midnight_after_the_close_date():
    # Basis moment 09-01 00:00: CA 08-25 is 7 days old (0.5), CB 08-18 is 14 days old (0.25) → 2/3, 1/3.
    crm = company(("CA", "2026-08-25"), ("CB", "2026-08-18"), **BOOKINGS)
    assert shares(crm, "time_decay", "bookings") == {"CA": r(2 / 3), "CB": r(1 / 3)}
    # half-life 14: 2^-0.5 and 2^-1 → 0.7071/(1.2071) = 0.585786..., 0.414213...
    assert shares(crm, "time_decay", "bookings", half_life_days=14) == {"CA": r(2 ** -0.5 / (2 ** -0.5 + 0.5)),
                                                                      "CB": r(0.5 / (2 ** -0.5 + 0.5))}


def test_bookings_cover_won_deals_closed_in_the_quarter_only():
    crm = company(("CA", "2026-07-01"), **BOOKINGS)
    crm.opportunity("O2", "2026-07-01", amount=500, close_date="2026-08-01", is_closed=True)   # lost
    crm.opportunity("O3", "2026-07-01", amount=700, close_date="2026-10-01", is_closed=True, is_won=True)  # Q4
    crm.opportunity("O4", "2026-07-01", amount=900)                                            # open
    assert rows(crm, model="linear", basis="bookings", quarter="2026-Q3") == [("O1", "CA", 1.0, 1000.0)]
    assert rows(crm, model="linear", basis="bookings") == [("O1", "CA", 1.0, 1000.0), ("O3", None, 1.0, 700.0)]


def test_pipeline_quarter_filter_keeps_deals_created_in_it():
    crm = company(("CA", "2026-07-01"))
    crm.opportunity("O2", "2026-06-30 23:59:59", amount=500).opportunity("O3", "2026-10-01", amount=700)
    assert rows(crm, model="linear", quarter="2026-Q3") == [("O1", "CA", 1.0, 1000.0)]


# ---------------------------------------------------------------- time decay

def test_time_decay_with_very_old_touches_and_a_short_half_life_still_sums_to_one():
    # 2^(-300/0.01) underflows; weights relative to the newest touch keep the newest at 1 → shares 1 and 0.
    crm = company(("CA", "2025-09-01"), ("CB", "2026-07-14"))
    assert shares(crm, "time_decay", half_life_days=0.01) == {"CB": 1.0}


# ---------------------------------------------------------------- data-driven

def markov_company() -> Company:
    """Paths: P1 email → conversion (O1); P2 email, web → conversion (O2); P3 web → null.

    Transitions: start→email 2, start→web 1; email→conv 1, email→web 1; web→conv 1, web→null 1.
    P(conv | email) = 1/2 + 1/2 × 1/2 = 3/4; P(conv | web) = 1/2; P(conv) = 2/3 × 3/4 + 1/3 × 1/2 = 2/3.
    Without email: 1/3 × 1/2 = 1/6 → RE 1 − (1/6)/(2/3) = 3/4. Without web: 2/3 × 1/2 = 1/3 → RE 1/2.
    """
    crm = company(("CA", "2026-07-01"))
    crm.person("P2", "2026-01-01", kind="contact").person("P3", "2026-01-01")
    crm.opportunity("O2", "2026-07-15", amount=2000).contact_role("O2", "P2")
    crm.member("CA", "P2", "2026-07-01").member("CB", "P2", "2026-07-02").member("CB", "P3", "2026-07-01")
    return crm


def test_markov_removal_effects_worked_by_hand():
    model = attribution.markov_model(markov_company().connect())
    assert {k: round(v, 9) for k, v in model.removal_effects.items()} == {"email": 0.75, "web": 0.5}
    assert (model.sample_size, model.conversions) == (3, 2)


def test_data_driven_spreads_channel_effects_over_the_deals_touches():
    frame = attribution.attribute(markov_company().connect(), AttributionOptions(model="data_driven"))
    # O2: email 0.75 / 1.25 = 0.6, web 0.5 / 1.25 = 0.4.
    assert [(o, c, round(s, 9)) for o, c, s, _ in frame.itertuples(index=False)] == [
        ("O1", "CA", 1.0), ("O2", "CA", 0.6), ("O2", "CB", 0.4)]
    assert frame.attrs["sample_size"] == 3
    assert "3 paths" in frame.attrs["caveat"]


# ---------------------------------------------------------------- aggregates

def test_credited_by_campaign_and_channel_and_influenced():
    crm = company(*TWO_TOUCHES)
    crm.opportunity("O2", "2026-07-20", amount=250.0)
    con = crm.connect()
    by_campaign = attribution.credited_by_campaign(con, AttributionOptions(model="linear"))
    assert by_campaign[["campaign_id", "credited_amount"]].values.tolist() == [
        ["CA", 500.0], ["CB", 500.0], ["(unattributed)", 250.0]]
    by_channel = attribution.credited_by_channel(con, AttributionOptions(model="time_decay"))
    assert [(c, round(a, 2)) for c, a in by_channel.values.tolist()] == [
        ("web", 666.67), ("email", 333.33), ("(unattributed)", 250.0)]
    assert attribution.influenced(con, "2026-Q3")[["opportunity_id", "amount", "eligible_touches"]
                                                  ].values.tolist() == [["O1", 1000.0, 2]]


def test_credit_per_campaign_is_the_very_sum_of_the_rows_for_every_model(reader):
    # summed in the database in deal order with a compensated sum: the same doubles pandas adds up from the rows
    for basis in ("pipeline", "bookings"):
        options = AttributionOptions(basis=basis, quarter="2026-Q2")
        rows = attribution.attribute_models(reader, options, attribution.MODELS)
        expected = (rows.assign(campaign_id=rows["campaign_id"].fillna("(unattributed)"))
                    .groupby(["model", "campaign_id"])
                    .agg(credited_amount=("credited_amount", "sum"), opportunities=("opportunity_id", "nunique")))
        credited = attribution.credited_by_campaign_models(reader, options, attribution.MODELS)
        assert credited["campaign_id"].isna().sum() == len(attribution.MODELS)
        credited = (credited.assign(campaign_id=credited["campaign_id"].fillna("(unattributed)"))
                    .set_index(["model", "campaign_id"]).sort_index())
        assert len(credited) > 100
        assert (credited["credited_amount"] == expected["credited_amount"]).all()
        assert (credited["opportunities"] == expected["opportunities"]).all()
        assert credited.index.equals(expected.index)


# ---------------------------------------------------------------- options

def test_options_defaults_and_model_card():
    options = AttributionOptions()
    assert (options.model, options.basis, options.lookback_days, options.half_life_days, options.linking) == (
        "w_shaped", "pipeline", 365, 7.0, "contacts")
    assert AttributionOptions(model="time_decay", quarter="2026-Q3").card() == (
        "time_decay · pipeline · lookback 365 d · half-life 7 d · primary campaign when no touch")
    assert AttributionOptions(primary_campaign_credit=False).card() == "w_shaped · pipeline · lookback 365 d"
    assert str(AttributionOptions(quarter="2026-Q3").quarter) == "2026-Q3"


@pytest.mark.parametrize("options, message", [
    ({"model": "position_based"}, "unknown attribution model 'position_based'; choose one of: first_touch"),
    ({"basis": "revenue"}, "unknown basis 'revenue'; choose pipeline"),
    ({"lookback_days": -1}, "lookback cannot be negative"),
    ({"lookback_days": 2.5}, "whole number of days"),
    ({"half_life_days": 0}, "half-life must be more than 0 days"),
    ({"linking": "everyone"}, "choose contacts"),
    ({"quarter": "Q3-2026"}, "write it like 2026-Q3"),
])
def test_options_reject_bad_input_with_a_message_to_act_on(options, message):
    with pytest.raises(ValidationError, match=message):
        AttributionOptions(**options)


def test_data_driven_falls_back_to_equal_shares_when_no_channel_has_an_effect():
    # Both touches come after O1's creation, so P1's path is cut to nothing: no path at all, no effects.
    # The bookings window still holds them → equal shares.
    crm = company(("CC", "2026-08-10"), ("CD", "2026-08-12"), **BOOKINGS)
    frame = attribution.attribute(crm.connect(), AttributionOptions(model="data_driven", basis="bookings"))
    assert [(c, s) for _, c, s, _ in frame.itertuples(index=False)] == [("CC", 0.5), ("CD", 0.5)]
    assert frame.attrs["sample_size"] == 0


def test_attribute_models_gives_each_model_its_own_rows_in_one_pass():
    crm = company(*FOUR_TOUCHES, mql="2026-06-25")
    crm.opportunity("O2", "2026-07-20", amount=250.0)
    frame = attribution.attribute_models(crm.connect(), AttributionOptions(), ("u_shaped", "last_touch"))
    assert [(m, o, c if c == c else None, round(s, 9))
            for m, o, c, s, _ in frame.astype(object).itertuples(index=False)] == [
        ("last_touch", "O1", "CD", 1.0), ("last_touch", "O2", None, 1.0),
        ("u_shaped", "O1", "CA", 0.4), ("u_shaped", "O1", "CB", 0.4), ("u_shaped", "O1", "CC", 0.1),
        ("u_shaped", "O1", "CD", 0.1), ("u_shaped", "O2", None, 1.0)]
    with pytest.raises(ValueError, match="unknown attribution model"):
        attribution.attribute_models(crm.connect(), AttributionOptions(), ("shapley",))
