"""The account journey page runs headless (AppTest) on the demo company: with an id, without one (the picker), with an
unknown or unreadable id; and the core's journey: its order, its ties and its credit adding up to the deals' amount."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from alignment import journey, warehouse
from alignment.presentation.specs import JourneySpec
from metric_fixtures import Company
from tests.conftest import sign_in

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/analyse_account.py"
QUARTER = "2026-Q3"


@pytest.fixture(autouse=True)
def the_demo_company(demo_db, monkeypatch):
    monkeypatch.setenv(warehouse.DB_ENV, str(demo_db))


def _open(**params) -> AppTest:
    at = sign_in(AppTest.from_file(APP, default_timeout=120))
    at.query_params["quarter"] = QUARTER
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(PAGE).run()
    return at


@pytest.fixture(scope="module")
def busy_account(reader) -> str:
    """The demo account with the most deals (ties: the smallest id)."""
    groups = journey.buying_groups(reader, {"quarter": QUARTER})
    return sorted(groups.groupby("account_id").size().items(), key=lambda item: (-item[1], item[0]))[0][0]


def _table(at: AppTest, column: str) -> pd.DataFrame | None:
    """The page's table that has `column` (None: none has)."""
    return next((d.value for d in at.dataframe if column in d.value.columns), None)


def test_with_an_id_the_header_journey_and_credit_show(busy_account, reader):
    at = _open(account=busy_account)
    assert not at.exception, at.exception
    head = journey.header(reader, busy_account)
    assert at.subheader[0].value.replace("\\", "") == head["account_name"]
    events = journey.timeline(reader, busy_account)
    assert len(_table(at, "Kind")) == len(events) > 0
    assert len(_table(at, "Credited pipeline")) == len(journey.credit(reader, busy_account))
    assert len(_table(at, "Engaged people")) == (journey.buying_groups(reader, {"quarter": QUARTER})["account_id"]
                                                 == busy_account).sum()
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert sum(len(trace["x"]) for trace in chart["data"]) == events["occurred_at"].notna().sum()


def test_without_an_id_a_picker_by_name_opens_one(busy_account, reader):
    at = _open()
    assert not at.exception, at.exception
    picker = at.selectbox(key="account_picker")
    names = journey.account_names(reader)
    assert list(picker.options)[:3] == list(names["account_name"][:3])
    picker.set_value(busy_account).run()
    assert not at.exception, at.exception
    assert at.query_params["account"] == [busy_account] or at.query_params["account"] == busy_account
    assert _table(at, "Kind") is not None


@pytest.mark.parametrize("value", ["no-such-account", "' OR 1=1 --", "%00", "\x07bell"])
def test_an_unknown_or_unreadable_id_gets_a_message_not_a_traceback(value):
    at = _open(account=value)
    assert not at.exception, at.exception
    shown = [e.value for e in [*at.warning, *at.error]]
    assert shown, "an unknown account says so"
    assert _table(at, "Kind") is None


def test_an_empty_id_is_refused_with_what_to_write():
    with pytest.raises(ValueError, match="write \\?account= followed by"):
        journey.AccountRequest(account="  ")


# --- the journey's order and credit, worked out by hand -----------------------------------------------------------

@pytest.fixture(scope="module")
def small():
    company = (Company().account("A1", name="Acme").account("A2", name="Other")
               .campaign("C1", "webinar").campaign("C2", "email").campaign("C3", "event"))
    company.person("p2", "2026-01-01", kind="contact", account_id="A1", persona="User")
    company.person("p1", "2026-01-01", kind="contact", account_id="A1", persona="Decision Maker")
    company.person("q1", "2026-01-01", kind="contact", account_id="A2")
    # Two touches at one moment by two people, and a stage reached at that same moment: touches first, by person.
    company.member("C2", "p2", "2026-03-01 10:00").member("C1", "p1", "2026-03-01 10:00")
    company.member("C3", "p1", "2026-02-01 09:00").member("C1", "q1", "2026-02-15")
    company.event("p1", "mql", "2026-03-01 10:00")
    company.opportunity("O1", "2026-04-01", account_id="A1", amount=1000.0, stage="Proposal")
    company.opportunity("O2", "2026-05-01", account_id="A1", amount=500.0)
    company.opportunity("O3", "2026-05-01", account_id="A2", amount=700.0)
    company.stage_entered("O1", "Prospecting", "2026-04-01").stage_entered("O1", "Proposal", "2026-04-20")
    company.contact_role("O1", "p1").contact_role("O1", "p2")
    with company.connect() as con:
        yield con


def test_the_journey_is_in_time_order_with_ties_broken_by_kind_then_person(small):
    events = journey.timeline(small, "A1")
    assert list(zip(events["kind"], events["what"], events["person_id"].fillna(events["opportunity_id"]))) == [
        ("touch", "Campaign C3", "p1"),
        ("touch", "Campaign C1", "p1"), ("touch", "Campaign C2", "p2"),  # same moment: by person
        ("person stage", "mql", "p1"),  # same moment as the touches: after them
        ("deal stage", "opened", "O1"), ("deal stage", "Prospecting", "O1"),  # opening before its first stage
        ("deal stage", "Proposal", "O1"),
        ("deal stage", "opened", "O2"),
    ]
    assert "q1" not in set(events["person_id"])  # another account's people are not on the journey
    spec = JourneySpec.from_timeline("Acme", events)
    assert [e.at for e in spec.events] == sorted(e.at for e in spec.events)
    assert [e.lane for e in spec.events][:4] == ["touch", "touch", "touch", "person stage"]


def test_the_credit_adds_up_to_the_accounts_deals(small):
    for model in ("linear", "w_shaped", "first_touch", "time_decay"):
        from alignment.catalog import Definitions

        credit = journey.credit(small, "A1", Definitions(model_of_record=model))
        assert credit["credited_amount"].sum() == pytest.approx(1500.0)
        assert credit.attrs["total"] == 1500.0 and credit.attrs["deals"] == 2
    linear = journey.credit(small, "A1", Definitions(model_of_record="linear")).set_index("campaign_id")
    # O1: three touches of p1 and p2 before it opened, a third each; O2 has no linked touch and no primary campaign.
    assert linear.loc["C1", "credited_amount"] == pytest.approx(1000 / 3)
    assert linear.loc["(unattributed)", "credited_amount"] == pytest.approx(500.0)
    assert linear.loc["C1", "campaign_name"] == "Campaign C1"


def test_a_credit_that_does_not_add_up_is_refused(small):
    credited = journey.attribute_all(small)
    with pytest.raises(AssertionError, match="differs from its deals' amount"):
        journey.credit(small, "A1", credited=credited[credited["opportunity_id"] != "O2"])


def test_the_header_counts_touches_in_the_last_90_days(small):
    head = journey.header(small, "A1", dt.datetime(2026, 5, 1))
    assert (head["recent_touches"], head["recent_people"], head["people"]) == (3, 2, 2)
    head = journey.header(small, "A1", dt.datetime(2026, 5, 20))  # 90 days back is 19 Feb: C3's touch drops out
    assert head["recent_touches"] == 2
    assert journey.header(small, "nope", dt.datetime(2026, 5, 1)) is None


def test_explore_s_records_link_each_account_to_its_journey():
    at = sign_in(AppTest.from_file(APP, default_timeout=120))
    at.query_params.update({"quarter": QUARTER, "metric": "pipeline", "by": "region"})
    at.run()
    at.switch_page("pages/analyse_explore.py").run()
    assert not at.exception, at.exception
    records = _table(at, "Opportunity")
    columns = list(records.columns)
    assert columns[columns.index("Account") + 1] == "Journey"
    with_account = records[records["Account id"].notna()]
    assert len(with_account) > 0
    assert list(with_account["Journey"]) == [f"account?account={quote(a, safe='')}" for a in with_account["Account id"]]
    assert records.loc[records["Account id"].isna(), "Journey"].isna().all()


def test_the_reps_digest_prints_each_engaged_accounts_id(reader):
    from alignment.board import digest

    rep = digest.reps(reader, QUARTER).iloc[0]
    page = digest.build_digest(reader, digest.DigestRequest(quarter=QUARTER, owner_id=rep["owner_id"]))
    table = next(t for t in page.sections[0].tables if t.title == "Most engaged accounts")
    assert [c.header for c in table.columns][:2] == ["Account", "Account id"]
    names = journey.account_names(reader).set_index("account_id")["account_name"]
    assert table.rows and all(names[row[1]] == row[0] for row in table.rows)
