"""Target-account coverage, the engagement score and the accounts to call, worked by hand on ten accounts."""

from __future__ import annotations

import math
import subprocess

import pytest

from alignment import accounts, catalog
from alignment.board import digest, pdf
from alignment.charter import Charter, option_changes
from metric_fixtures import Company, run

QUARTER = "2026-Q3"  # 1 July to 30 September 2026; its end, 1 October, is 90 days after 3 July


def _company() -> Company:
    c = Company()
    c.user("U1", "Ana").user("U2", "Ben")
    for account_id, target, owner, region in (
            ("A1", True, "U1", "EMEA"), ("A2", True, "U1", "EMEA"), ("A3", True, "U2", "EMEA"),
            ("A4", True, "U2", "EMEA"), ("A5", False, "U1", "EMEA"), ("A6", None, None, "EMEA"),
            ("A7", False, "U2", "EMEA"), ("A8", True, "U2", "EMEA"), ("A10", False, "U1", "AMER")):
        c.add("accounts", account_id=account_id, account_name=f"Account {account_id}", is_target_account=target,
              owner_id=owner, region=region)
    for campaign_id, channel in (("W1", "Webinar"), ("W2", "Webinar"), ("W3", "Webinar"), ("P1", "Paid Search"),
                                 ("P2", "Paid Search"), ("P3", "Paid Search"), ("E1", "Email"), ("E2", "Email"),
                                 ("E3", "Email"), ("D1", "display")):
        c.campaign(campaign_id, channel)
    people = (("P1", "A1", None), ("P2", "A2", "decision_maker"), ("P3", "A3", "user"), ("P4", "A4", "influencer"),
              ("P4b", "A4", "user"), ("P5", "A5", "user"), ("P6", "A6", None), ("P7", "A7", "other"),
              ("P8", "A8", "user"))
    for person_id, account_id, persona in people:
        c.person(person_id, "2026-01-01", kind="contact", account_id=account_id, persona=persona)
    # A1: reached only, by a membership it never responded to
    c.member("E1", "P1", added="2026-07-10", has_responded=False)
    # A2: engaged, three webinars of a decision maker, 60, 30 and 1 days before the quarter's end; no deal
    c.member("W1", "P2", "2026-08-02").member("W2", "P2", "2026-09-01").member("W3", "P2", "2026-09-30")
    # A3: an MQL, and two touches in the window (one exactly on its first instant), one just before it, one after
    c.event("P3", "mql", "2026-08-01")
    c.member("P1", "P3", "2026-07-03").member("P2", "P3", "2026-07-02 23:59:59").member("P3", "P3", "2026-09-01")
    c.member("E1", "P3", "2026-10-01")
    # A4: engaged (an influencer twice, a user once) but a deal is open at the quarter's end
    c.member("P1", "P4", "2026-09-16").member("P2", "P4", "2026-07-03").member("E2", "P4b", "2026-09-16")
    c.opportunity("O4", "2026-08-01", account_id="A4", amount=500.0)
    # A5: not a target; reached by an awareness campaign; won a deal closed in the quarter
    c.member("D1", "P5", "2026-08-10")
    c.opportunity("O5", "2026-05-01", account_id="A5", amount=1000.0, close_date="2026-09-20", is_closed=True,
                  is_won=True)
    # A6: no target flag; reached
    c.member("E1", "P6", "2026-07-20")
    # A7: not a target, engaged, no deal
    c.member("P1", "P7", "2026-08-15").member("P2", "P7", "2026-08-15").member("P3", "P7", "2026-08-15")
    # A8: a target, engaged by three emails of a user the day before the quarter's end; no deal
    c.member("E1", "P8", "2026-09-30").member("E2", "P8", "2026-09-30").member("E3", "P8", "2026-09-30")
    # A10: not a target, in another region, untouched
    return c


@pytest.fixture(scope="module")
def company():
    con = _company().connect()
    yield con
    con.close()


def _by_group(rows: list[dict]) -> dict[str, dict]:
    return {row["target_group"]: row for row in rows if row["owner_id"] is None}


STAGE_COLUMNS = ("accounts", "reached", "reached_by_awareness", "engaged", "with_mql", "with_open_deal", "won")


def test_each_account_is_counted_at_each_stage_it_reached(company):
    groups = _by_group(run(company, "account_coverage", QUARTER))
    got = {group: tuple(row[c] for c in STAGE_COLUMNS) for group, row in groups.items()}
    assert got == {
        "target": (5, 5, 0, 3, 1, 1, 0),       # A1–A4, A8: all reached; A2, A4, A8 engaged; A3's MQL; A4's deal
        "non_target": (3, 2, 1, 1, 0, 0, 1),   # A5, A7, A10: A5 by awareness and won; A7 engaged
        "not_measured": (1, 1, 0, 0, 0, 0, 0),  # A6: no target flag, never counted among the others
    }
    assert groups["target"]["engaged_share"] == pytest.approx(3 / 5)
    assert groups["non_target"]["won_share"] == pytest.approx(1 / 3)


def test_coverage_by_owner_adds_up_to_all_owners(company):
    rows = run(company, "account_coverage", QUARTER)
    owners = {(r["owner_name"], r["target_group"]): r["accounts"] for r in rows if r["owner_id"] is not None}
    assert owners == {("(none)", "not_measured"): 1, ("Ana", "target"): 2, ("Ana", "non_target"): 2,
                      ("Ben", "target"): 3, ("Ben", "non_target"): 1}
    frame = catalog.run(company, "account_coverage", catalog.Filters(quarter=QUARTER))
    for column in STAGE_COLUMNS:
        per_owner = frame[frame["owner_id"].notna()].groupby("target_group")[column].sum()
        everyone = frame[frame["owner_id"].isna()].set_index("target_group")[column]
        assert per_owner.sort_index().tolist() == everyone.sort_index().tolist()


def test_the_region_filter_keeps_its_accounts_and_an_empty_quarter_has_no_rows(company):
    assert _by_group(run(company, "account_coverage", QUARTER, region="EMEA"))["non_target"]["accounts"] == 2
    assert run(company, "account_coverage", "2031-Q2") == []


def test_the_not_measured_accounts_are_told_apart_in_the_funnel(company):
    everything = accounts.coverage(company, catalog.Filters(quarter=QUARTER))
    rows = accounts.for_owner(everything)
    assert accounts.not_measured(rows) == 1
    table = accounts.funnel_table(rows).set_index("stage")
    assert table.loc["Accounts", "Target accounts"] == 5 and table.loc["Accounts", "Other accounts"] == 3
    chart = accounts.coverage_chart(rows, "Coverage")
    assert [s.name for s in chart.series] == ["Target accounts", "Other accounts"]
    assert chart.series[0].values == pytest.approx([1.0, 0.6, 0.2, 0.2, 0.0])
    ana = accounts.for_owner(everything, "U1")
    assert set(ana["target_group"]) == {"target", "non_target"} and accounts.not_measured(ana) == 0
    # a group without accounts has no share, never 0 %
    no_targets = accounts.funnel_table(rows[rows["target_group"] != "target"])
    assert no_targets["Target accounts share"].isna().all()


@pytest.mark.parametrize(("touches", "window", "engaged"), [
    (2, 90, True),    # 3 July 00:00 and 1 September: the window's first instant counts
    (3, 90, False),   # one short: 2 July 23:59:59 is outside, 1 October is the next quarter's
    (2, 89, False),   # a day shorter window loses 3 July
])
def test_the_engagement_threshold_at_its_edges(company, touches, window, engaged):
    rows = {r["account_id"]: r for r in run(company, "account_engagement", QUARTER, engaged_touches=touches,
                                            engaged_window_days=window)}
    assert rows["A3"]["is_engaged"] is engaged
    assert rows["A3"]["responded_touches"] == (2 if window == 90 else 1)


def test_the_score_decays_by_age_and_weighs_persona_and_channel(company):
    rows = {r["account_id"]: r for r in run(company, "account_engagement", QUARTER)}
    half = 0.5
    # A2: a decision maker (4) at webinars (2), 60, 30 and 1 days before the quarter's end, half-life 30 days
    assert rows["A2"]["score"] == pytest.approx(4 * 2 * (half ** 2 + half ** 1 + half ** (1 / 30)))
    # A4: an influencer (2) on paid search (1) 15 and 90 days before, a user (1) on an email (0.5) 15 days before
    assert rows["A4"]["score"] == pytest.approx(2 * half ** 0.5 + 2 * half ** 3 + 1 * 0.5 * half ** 0.5)
    assert rows["A4"]["top_persona"] == "influencer" and rows["A4"]["people_engaged"] == 2
    assert rows["A4"]["has_open_deal"] is True and rows["A2"]["has_open_deal"] is False
    # A6's person has no persona: it weighs as 'other' (0.5), on an email (0.5), 73 days before
    assert rows["A6"]["score"] == pytest.approx(0.5 * 0.5 * half ** (73 / 30))
    assert rows["A6"]["is_target_account"] is None
    # the charter's weights and half-life change it: every weight 1, a half-life of 60 days
    flat = {r["account_id"]: r for r in run(company, "account_engagement", QUARTER, engagement_half_life_days=60,
                                            persona_weights={}, channel_weights={})}
    assert flat["A2"]["score"] == pytest.approx(half ** 1 + half ** 0.5 + half ** (1 / 60))
    scores = [r["score"] for r in run(company, "account_engagement", QUARTER)]
    assert scores == sorted(scores, reverse=True)


def test_the_accounts_to_call_are_engaged_targets_without_an_open_deal_by_score(company):
    rows = run(company, "engaged_target_accounts", QUARTER)
    # A4 has an open deal, A7 is not a target, A3 is not engaged, A6 has no target flag
    assert [r["account_id"] for r in rows] == ["A2", "A8"]
    assert rows[0]["score"] > rows[1]["score"]
    assert (rows[0]["owner_name"], rows[0]["top_persona"]) == ("Ana", "decision_maker")
    assert str(rows[1]["last_touch_at"]).startswith("2026-09-30")
    ben = accounts.to_call(accounts.ranked(company, catalog.Filters(quarter=QUARTER)), owner_id="U2")
    assert list(ben["account_id"]) == ["A8"]
    # with two touches enough, A3 (target, no deal) joins; an engaged account ranks by its score
    more = run(company, "engaged_target_accounts", QUARTER, engaged_touches=2)
    assert [r["account_id"] for r in more][:2] == ["A2", "A8"] and "A3" in [r["account_id"] for r in more]


def test_engagement_options_at_their_defaults_keep_an_older_charters_digest():
    charter = Charter(quarter=QUARTER)
    definitions = charter.model_dump(mode="json")["definitions"]
    assert not set(catalog.ENGAGEMENT_OPTIONS) & set(definitions)
    changed = charter.model_copy(update={"definitions": charter.definitions.model_copy(
        update={"engaged_touches": 4})})
    assert changed.model_dump(mode="json")["definitions"]["engaged_touches"] == 4
    assert changed.digest() != charter.digest()
    assert Charter.model_validate(changed.model_dump(mode="json")).definitions.engaged_touches == 4
    assert option_changes(charter, changed) == [("definitions.engaged_touches", 3, 4)]


def test_weights_are_refused_with_what_to_write():
    with pytest.raises(ValueError, match="not a persona"):
        catalog.Definitions(persona_weights={"boss": 3})
    with pytest.raises(ValueError, match="from 0 to 1000"):
        catalog.Definitions(channel_weights={"webinar": -1})
    assert catalog.Definitions(channel_weights={"Trade Show": 2}).channel_weights == {"trade_show": 2.0}
    assert math.isclose(catalog.Definitions().persona_weights["decision_maker"], 4.0)


def test_a_reps_digest_lists_their_engaged_target_accounts_without_a_deal_on_one_page(reader, tmp_path):
    quarter = "2026-Q3"
    ranked = accounts.ranked(reader, catalog.Filters(quarter=quarter))
    reps = digest.reps(reader, quarter)
    mine = ranked[ranked["owner_id"].isin(set(reps["owner_id"]))]
    owner_id = mine["owner_id"].value_counts().index[0]  # the rep with the most accounts to call
    page = digest.build_digest(reader, digest.DigestRequest(quarter=quarter, owner_id=owner_id))
    [table] = [t for t in page.sections[0].tables if t.title == "Engaged target accounts without a deal"]
    expected = ranked[ranked["owner_id"] == owner_id].head(accounts.DIGEST_ROWS)
    assert [row[0] for row in table.rows] == list(expected["account_name"]) != []
    assert [row[1] for row in table.rows] == [round(float(s), 1) for s in expected["score"]]
    assert {row[4] for row in table.rows} == {reps.set_index("owner_id").loc[owner_id, "owner_name"]}
    path = tmp_path / "digest.pdf"
    path.write_bytes(pdf.render_page(page))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert len(text.split("\f")[:-1]) == 1 and "Engaged target accounts without a deal" in text
