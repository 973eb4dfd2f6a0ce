"""Each touch carries its person's account and persona, as the import stores them, and account engagement reads them."""

from __future__ import annotations

import pytest

from alignment import warehouse
from metric_fixtures import Company, run

QUARTER = "2026-Q3"  # its end, 1 October 2026


def _company() -> Company:
    c = Company()
    c.account("A1", is_target_account=True).account("A2", is_target_account=False)
    c.campaign("W1", "Webinar").campaign("E1", "Email")
    c.person("P1", "2026-01-01", kind="contact", account_id="A1", persona="Decision Maker")
    c.person("P2", "2026-01-01", kind="contact", account_id="A2", persona=None)
    c.person("L1", "2026-01-01", kind="lead")  # a lead not converted: no account
    c.member("W1", "P1", "2026-09-01").member("E1", "P1", "2026-09-20")
    c.member("W1", "P2", "2026-08-01")
    c.member("E1", "P2", added="2026-08-05", has_responded=False)  # not a touch
    c.member("W1", "L1", "2026-09-02")
    c.member("E1", "GONE", "2026-09-03")  # a person the export does not hold
    return c


@pytest.fixture(scope="module")
def company():
    con = _company().connect()
    yield con
    con.close()


def test_each_touch_holds_its_persons_account_and_persona(company):
    rows = company.execute("SELECT campaign_id, person_id, account_id, persona FROM touches "
                           "ORDER BY person_id, campaign_id").fetchall()
    assert rows == [("E1", "GONE", None, None), ("W1", "L1", None, None), ("E1", "P1", "A1", "Decision Maker"),
                    ("W1", "P1", "A1", "Decision Maker"), ("W1", "P2", "A2", None)]


def test_engagement_counts_the_touches_of_people_with_an_account(company):
    scored = {row["account_id"]: row for row in run(company, "account_engagement", QUARTER, engaged_touches=2)}
    assert set(scored) == {"A1", "A2"}  # the lead's touch and the unknown person's count for no account
    assert (scored["A1"]["responded_touches"], scored["A1"]["top_persona"], scored["A1"]["is_engaged"]) == \
        (2, "decision_maker", True)
    assert (scored["A2"]["responded_touches"], scored["A2"]["top_persona"], scored["A2"]["is_engaged"]) == \
        (1, "other", False)
    engaged = {row["account_id"]: row["responded_touches"] for row in run(company, "engaged_accounts", QUARTER)}
    assert engaged == {"A1": 2, "A2": 1}


def test_the_demo_companys_touches_hold_their_persons_account_and_persona(demo_db):
    reader = warehouse.open_reader(demo_db)
    try:
        touches, responded, differing = reader.cursor().execute(
            "SELECT (SELECT count(*) FROM touches), "
            "(SELECT count(*) FROM campaign_members WHERE has_responded), "
            "(SELECT count(*) FROM touches t LEFT JOIN people p ON p.person_id = t.person_id "
            " WHERE t.account_id IS DISTINCT FROM p.account_id OR t.persona IS DISTINCT FROM p.persona)").fetchall()[0]
    finally:
        reader.close()
    assert touches == responded > 0
    assert differing == 0
