"""The log-in gate, the Charter & sign-off page and the charter on the other pages, headless (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alignment import demo, signoff, users, warehouse
from alignment.catalog import Definitions
from alignment.charter import Charter
from alignment.ingest.load import import_extracts
from alignment.users import User
from tests.conftest import TEST_PASSWORD, dashboard_accounts, sign_in
from ui.text import literal

APP = str(Path(__file__).resolve().parents[1] / "app.py")
QUARTER = "2024-Q1"  # the hand-made extract's only full quarter, where the filter bar opens
CHARTER_PAGE = "pages/govern_charter.py"
ANALYST = User(name="ana", role="analyst")


@pytest.fixture
def app(db) -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def _texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "error", "success", "info", "warning")
                     for e in getattr(at, kind))


def _submit_log_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    return at.button(key="auth_submit").click().run()


def test_nothing_shows_before_signing_in_and_a_wrong_password_is_refused(app):
    app.secrets[users.USERS_SECTION] = dashboard_accounts()
    at = app.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert not at.selectbox and not at.metric and not at.dataframe  # no filter bar, no numbers
    assert "Demo accounts" not in _texts(at)  # this warehouse is not the demo company
    _submit_log_in(at, "test-cmo", "not the password")
    assert [t.value for t in at.title] == ["Sign in"]
    assert [e.value for e in at.error] == [
        ("That user name and password do not match an account. Check both and try again.")]
    _submit_log_in(at, "demo-cmo", users.DEMO_PASSWORD)  # demo accounts do not open real data
    assert [t.value for t in at.title] == ["Sign in"]
    _submit_log_in(at, "test-cmo", TEST_PASSWORD)
    assert not at.exception
    assert [t.value for t in at.title] == ["Scorecard"]
    assert "**test\\-cmo** · CMO" in _texts(at)
    at.button(key="auth_sign_out").click().run()
    assert [t.value for t in at.title] == ["Sign in"]


def test_demo_accounts_are_labelled_and_open_the_demo_company(small_db, tmp_path, monkeypatch, new_salesforce_extract):
    demo_db = tmp_path / "demo.duckdb"
    demo.import_as_demo([new_salesforce_extract(tmp_path / "extract").folder], demo_db)
    monkeypatch.setenv(warehouse.DB_ENV, str(demo_db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    texts = _texts(at)
    assert "Demo accounts" in texts and "For the **demo company only** (generated data)" in texts
    assert list(at.table[0].value["User name"]) == list(users.DEMO_ACCOUNTS)
    _submit_log_in(at, "demo-vp-sales", users.DEMO_PASSWORD)
    assert [t.value for t in at.title] == ["Scorecard"]
    assert "Demo account" in [c.value for c in at.caption]
    # Someone loads their own data: the session signed in with a demo account is signed out on its next run.
    import_extracts([new_salesforce_extract(tmp_path / "own").folder], db_path=demo_db, user="ana")
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert any("demo accounts no longer open" in t.value for t in at.toast)


def _open_charter(at: AppTest) -> AppTest:
    at.switch_page(CHARTER_PAGE).run()
    assert not at.exception, at.exception
    return at


def _frame(at: AppTest, column: str):
    """The table on screen that has `column` (st.dataframe keys do not reach AppTest)."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def _badges(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in str(m.value)]


def test_an_analyst_proposes_and_the_cmo_and_vp_of_sales_each_sign_in_their_own_role(app, db):
    at = _open_charter(sign_in(app, "analyst").run())
    assert ":gray-badge[:material/edit_note: Draft]" in _badges(at)
    assert not any(b.key == "charter_sign_submit" for b in at.button)  # an analyst has no signature to give
    at.number_input(key="charter_sla_hours").set_value(48.0)
    at.text_area(key="charter_edit_comment").input("SLA of 48 hours agreed at the offsite")
    at.button(key="charter_save").click().run()
    assert [s.value for s in at.success] == ["Saved a new version of the charter."]
    assert f"{QUARTER} charter, version 1" in _texts(at)
    at.text_input(key="charter_propose_comment").input("Ready for the quarterly review")
    at.button(key="charter_propose_submit").click().run()
    assert ":orange-badge[:material/pending: Proposed, awaiting signatures]" in _badges(at)

    sign_in(at, "viewer").run()
    assert not any(b.key.startswith("charter_") for b in at.button if b.key)  # a viewer reads only

    sign_in(at, "cmo").run()
    assert not any(b.key == "charter_save" for b in at.button)  # executives sign, analysts edit
    at.text_input(key="charter_sign_comment").input("The numbers are right")
    at.button(key="charter_sign_submit").click().run()
    assert [e.value for e in at.error] == ["read and acknowledge the data\\-quality checklist before signing"]
    assert list(_frame(at, "Why it matters")["Check"])  # the checklist is on screen
    at.checkbox(key="charter_acknowledge").check()
    at.button(key="charter_sign_submit").click().run()
    assert [s.value for s in at.success] == [f"Signed the {QUARTER} charter as CMO."]
    assert ":blue-badge[:material/how_to_reg: Signed by one]" in _badges(at)
    assert not any(b.key == "charter_sign_submit" for b in at.button)  # the CMO cannot sign for the VP of Sales

    sign_in(at, "vp_sales").run()
    at.checkbox(key="charter_acknowledge").check()
    at.text_input(key="charter_sign_comment").input("Agreed")
    at.button(key="charter_sign_submit").click().run()
    assert ":green-badge[:material/verified: Signed by both (locked)]" in _badges(at)
    history = _frame(at, "Record hash")
    assert list(history["What"]) == ["Signed as VP of Sales", "Signed as CMO", "Proposed", "Charter saved (version 1)"]
    assert list(history["Who"]) == ["test-vp_sales", "test-cmo", "test-analyst", "test-analyst"]

    sign_in(at, "analyst").run()
    assert not any(b.key == "charter_save" for b in at.button)  # locked
    assert "Signed by both: the charter is locked." in _texts(at)
    at.switch_page("pages/review_scorecard.py").run()
    assert ":green-badge[:material/verified: Signed by both (locked)]" in _badges(at)
    assert signoff.Ledger.beside(db).verify(QUARTER) == []


def test_a_bad_edit_is_refused_naming_what_to_fix(app, db):
    at = _open_charter(sign_in(app, "analyst").run())
    at.multiselect(key="charter_metrics").set_value([])
    at.text_area(key="charter_edit_comment").input("no")
    at.button(key="charter_save").click().run()
    assert [e.value for e in at.error] == [literal("Metrics: choose at least one metric for the quarter")]
    at.multiselect(key="charter_metrics").set_value(["pipeline"])
    at.button(key="charter_save").click().run()
    assert [e.value for e in at.error] == [
        literal("Comment: write a comment of at least 3 characters saying why (it stays in the history)")]
    assert signoff.Ledger.beside(db).records() == []  # nothing was recorded


def test_every_page_reads_the_charter_in_force_carried_forward_from_an_earlier_quarter(app, db):
    # 2024-Q1 pipeline: O1 50,000 + O2 12,500.75 + O3 0 = 62,500.75, shown as $62,501 against a $100.0K target.
    charter = Charter(quarter="2023-Q3", definitions=Definitions(sla_hours=48, stage_policy="strict",
                                                                 targets={"pipeline": 100_000}))
    signoff.Ledger.beside(db).save(ANALYST, charter, "Targets agreed last year")
    at = sign_in(app, "viewer").run()
    assert at.selectbox(key="filter_quarter").value == QUARTER
    assert f"Charter {QUARTER} (draft carried forward from 2023-Q3) · Draft" in _texts(at)
    targets = _frame(at, "Target met")
    pipeline = targets[targets["Metric"] == "Pipeline"].iloc[0]
    # the data runs to 11 March 2024: the quarter is under way, so its target is not judged yet (Pace judges it)
    assert (pipeline["Actual"], pipeline["Target"], pipeline["Target met"]) == (
        "$62,501", "$100.0K", "under way: to 11 Mar 2024, see Pace")
    at.switch_page("pages/review_leads.py").run()
    assert f"follow-up SLA 48 h, acceptance target 90.0% (the {QUARTER} charter's)" in _texts(at)
    at.switch_page("pages/review_funnel.py").run()
    assert "skipped stages are **not back-filled**" in _texts(at)


def test_a_new_import_after_sign_off_shows_changed_since_sign_off_and_what_moved(app, db, salesforce_extract):
    # Signed at pipeline 62,500.75; O2 re-exported at 20,000 instead of 12,500.75 makes it 70,000.
    ledger = signoff.Ledger.beside(db)
    ledger.save(ANALYST, Charter(quarter=QUARTER, metrics=("pipeline", "inquiries")), "Q1 charter")
    ledger.propose(ANALYST, QUARTER, "Please sign")
    reader = warehouse.open_reader(db)
    for name, role in (("carla", "cmo"), ("vic", "vp_sales")):
        signoff.sign(ledger, User(name=name, role=role), reader, QUARTER, comment="Agreed",
                     acknowledged_checklist=True)
    reader.close()
    at = sign_in(app, "cmo").run()
    assert ":green-badge[:material/verified: Signed by both (locked)]" in _badges(at)

    extract = salesforce_extract()
    extract.set_cell("Opportunity.csv", 3, "Amount", "20000")
    import_extracts([extract.folder], db_path=db, user="ops")
    at.run()
    assert ":red-badge[:material/warning: Changed since sign-off]" in _badges(at)
    _open_charter(at)
    assert any("**Changed since sign-off.**" in w.value for w in at.warning)
    changes = _frame(at, "Signed")
    assert changes.values.tolist()[0] == ["Pipeline", "$62,501", "$70,000"]
    assert list(changes["What"]) == ["Pipeline", "Data (a new import)"]
    assert any(b.key == "charter_sign_submit" for b in at.button)  # the CMO signs again, nothing carried over


def test_the_engagement_options_are_edited_on_the_charter_and_read_by_the_accounts_page(app, db):
    at = _open_charter(sign_in(app, "analyst").run())
    at.number_input(key="charter_engaged_touches").set_value(5)
    at.number_input(key="charter_engaged_window_days").set_value(60)
    at.text_area(key="charter_edit_comment").input("Engaged means five touches in two months")
    at.button(key="charter_save").click().run()
    assert [s.value for s in at.success] == ["Saved a new version of the charter."]
    saved = signoff.Ledger.beside(db).charter_in_force(QUARTER).definitions
    assert (saved.engaged_touches, saved.engaged_window_days) == (5, 60)
    assert saved.persona_weights == Definitions().persona_weights  # the weights' editors keep the defaults
    at.switch_page("pages/review_accounts.py").run()
    assert not at.exception, at.exception
    assert "at least 5 responded touches of the account's people in the 60 days" in _texts(at)
