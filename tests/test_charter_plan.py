"""The plan inside the charter: signed with it, its stage numbers as targets, older charters' digests unchanged."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from alignment import waterfall
from alignment.charter import Charter, carry_forward, with_plan
from alignment.signoff import Content, Ledger
from alignment.users import User
from alignment.waterfall import Plan, StageRow, Waterfall

QUARTER = "2026-Q2"
USERS = {role: User(name=name, role=role) for name, role in
         (("carla", "cmo"), ("vic", "vp_sales"), ("ana", "analyst"))}
PLAN = Plan(quarter=QUARTER, bookings_target=20000, region_targets={"EMEA": 5000}, overrides={"mqls": 0.5})


def _worked(plan: Plan) -> Waterfall:
    """A waterfall with every rate set: 2,000 a deal, then halves all the way up (no warehouse needed)."""
    rows = []
    for kind, name, target in plan.scopes():
        needed = target
        for stage in waterfall.STAGES:
            if stage != "bookings":
                needed = needed / (2000 if stage == "won_deals" else 0.5)
            rows.append(StageRow(scope=waterfall.scope_label(kind, name), stage=stage, label=stage,
                                 metric=waterfall.STAGE_METRICS.get(stage), needed=needed, rate_name=None, rate=None,
                                 rate_source=None, numerator=None, denominator=None, lead_time_days=None,
                                 due_date=None))
    return Waterfall(plan=plan, window=["2025-Q2"], window_dates="", rows=rows)


def test_a_charter_without_a_plan_keeps_the_digest_it_had_before_plans():
    charter = Charter(quarter="2026-Q3")
    assert "plan" not in charter.canonical()
    assert charter.digest() == "8adb890d95fe830f47051477f05965403884186219a7f8410f1d6b00a0b8e4a3"


def test_applying_the_plan_writes_its_stage_numbers_as_the_charters_targets():
    charter = Charter(quarter=QUARTER, metrics=("pipeline", "mqls"), region_targets={"EMEA": {"pipeline": 9.0}})
    planned = with_plan(charter, _worked(PLAN))
    assert planned.plan == PLAN and '"plan":{' in planned.canonical()
    assert planned.definitions.targets == {"bookings": 20000, "opportunities_created": 20, "sqls": 40, "sals": 80,
                                           "mqls": 160, "inquiries": 320}
    assert planned.region_targets["EMEA"] == {"pipeline": 9.0, "bookings": 5000, "opportunities_created": 5,
                                              "sqls": 10, "sals": 20, "mqls": 40, "inquiries": 80}
    assert planned.target("mqls", region="EMEA") == 40
    assert Charter.model_validate(planned.model_dump(mode="json")).digest() == planned.digest()


def test_the_plan_is_for_the_charters_quarter_and_moves_with_carry_forward():
    with pytest.raises(ValidationError, match="write the plan for the charter's quarter"):
        Charter(quarter="2026-Q3", plan=PLAN)
    carried = carry_forward(Charter(quarter=QUARTER, plan=PLAN), "2026-Q3")
    assert carried.plan.quarter == "2026-Q3" and carried.plan.bookings_target == 20000


def test_both_signatures_cover_the_plan_and_a_new_target_after_signing_shows_the_charter_changed(tmp_path):
    ledger = Ledger(tmp_path / "warehouse.charter.sqlite")
    planned = with_plan(Charter(quarter=QUARTER, metrics=("pipeline", "mqls")), _worked(PLAN))
    ledger.save(USERS["analyst"], planned, "The plan for the quarter")
    ledger.propose(USERS["analyst"], QUARTER, "Please sign the plan")
    signed = Content(charter=ledger.charter_in_force(QUARTER), values={"pipeline": 1.0, "mqls": 2.0},
                     data_fingerprint="f" * 64)
    for role in ("cmo", "vp_sales"):
        ledger.sign(USERS[role], signed, comment="Agreed", acknowledged_checklist=True, checklist=[])
    assert ledger.status(QUARTER, signed).state == "signed_by_both"
    assert signed.signature() != signed.model_copy(update={"charter": planned.model_copy(
        update={"version": 1, "plan": PLAN.model_copy(update={"bookings_target": 25000})})}).signature()

    ledger.reopen(USERS["cmo"], QUARTER, "The target moved")
    raised = with_plan(ledger.charter_in_force(QUARTER), _worked(PLAN.model_copy(update={"bookings_target": 25000})))
    ledger.save(USERS["analyst"], raised, "A higher bookings target")
    now = signed.model_copy(update={"charter": ledger.charter_in_force(QUARTER)})
    status = ledger.status(QUARTER, now)
    assert status.state == "draft" and status.changed_since_signoff and status.signatures == {}
    moved = {c.name: (c.signed, c.now) for c in status.changes}
    assert moved["plan.bookings_target"] == (20000, 25000)
    assert moved["definitions.targets.mqls"] == (160, 200)
