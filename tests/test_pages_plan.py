"""The Charter page's Plan section (AppTest): a bookings target worked back, rates set by hand, applied and signed."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from alignment import signoff
from alignment.waterfall import Plan
from tests.conftest import sign_in
from ui.text import literal

APP = str(Path(__file__).resolve().parents[1] / "app.py")
QUARTER = "2024-Q1"  # the hand-made extract's only full quarter, where the filter bar opens


def _texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "error", "success", "info", "warning")
                     for e in getattr(at, kind))


def _plan_table(at: AppTest):
    return next(frame.value for frame in at.dataframe if "Rate is" in frame.value.columns)


def test_an_analyst_works_out_a_plan_sets_rates_by_hand_and_applies_it_to_the_targets(db):
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "analyst").run()
    at.switch_page("pages/govern_charter.py").run()
    assert not at.exception, at.exception
    assert f"No plan for {QUARTER} yet." in _texts(at)
    at.number_input(key="plan_bookings_target").set_value(100_000.0)
    at.button(key="plan_work_out").click().run()
    assert not at.exception, at.exception
    table = _plan_table(at)
    assert list(table["Stage"]) == ["Bookings", "Won deals", "Opportunities", "SQLs", "SALs", "MQLs", "Inquiries"]
    assert table["Needed"].iloc[0] == "$100.0K"
    # the extract holds nothing before 2024-Q1: no rate can be measured, none is shown as 0
    assert set(table["Rate is"].iloc[1:]) == {"not measured"}
    assert all(needed == "not worked out" for needed in table["Needed"].iloc[1:])
    assert "Not measured, so set by hand before the plan can be applied" in _texts(at)
    assert not any(b.key == "plan_apply" for b in at.button)

    rates = {"won_deals": 25_000, "opportunities": 0.25, "sqls": 0.5, "sals": 0.5, "mqls": 0.8, "inquiries": 0.4}
    at.session_state[f"plan_draft_{QUARTER}"] = Plan(quarter=QUARTER, bookings_target=100_000, overrides=rates)
    at.run()
    table = _plan_table(at)
    assert list(table["Needed"]) == ["$100.0K", "4", "16", "32", "64", "80", "200"]
    assert set(table["Rate is"].iloc[1:]) == {"set by hand"}
    assert list(table["Rate"].iloc[1:]) == ["$25,000", "25.0%", "50.0%", "50.0%", "80.0%", "40.0%"]
    at.text_input(key="plan_apply_comment").input("The board's number for the quarter")
    at.button(key="plan_apply").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Applied the plan to the charter's targets."]
    assert f"The plan in the {QUARTER} charter (version 1)." in _texts(at)
    saved = signoff.Ledger.beside(db).charter_in_force(QUARTER)
    assert saved.plan.overrides == rates
    assert {name: saved.definitions.targets[name] for name in ("bookings", "mqls", "inquiries")} == {
        "bookings": 100_000, "mqls": 80, "inquiries": 200}


def test_a_rate_out_of_range_is_refused_saying_what_to_write(db):
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "analyst").run()
    at.switch_page("pages/govern_charter.py").run()
    at.number_input(key="plan_bookings_target").set_value(0.0)
    at.button(key="plan_work_out").click().run()
    assert [e.value for e in at.error] == [literal("Plan: a plan starts from a bookings target; write the company's "
                                                   "(or a region's or a segment's) bookings target for the quarter")]


def test_a_viewer_reads_the_signed_plan_without_its_inputs(db):
    ledger = signoff.Ledger.beside(db)
    from alignment.charter import Charter
    from alignment.users import User

    plan = Plan(quarter=QUARTER, bookings_target=50_000, overrides={"won_deals": 10_000})
    ledger.save(User(name="ana", role="analyst"), Charter(quarter=QUARTER, plan=plan), "Plan agreed")
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "viewer").run()
    at.switch_page("pages/govern_charter.py").run()
    assert not at.exception, at.exception
    assert not any(b.key in ("plan_work_out", "plan_apply") for b in at.button)
    table = _plan_table(at)
    assert list(table["Needed"].iloc[:2]) == ["$50,000", "5"]
