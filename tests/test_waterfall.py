"""The reverse waterfall worked out by hand on a tiny company, its rates measured, set by hand or not measured."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import duckdb
import pytest
from pydantic import ValidationError

from alignment import cli, waterfall
from alignment.charter import Charter
from alignment.signoff import Ledger
from alignment.users import User
from alignment.waterfall import Plan
from tests.metric_fixtures import Company


@pytest.fixture(scope="module")
def tiny_path(tmp_path_factory):
    """Window 2026-Q2 (1 Apr – 30 Jun), plan for 2026-Q3 (last day 30 Sep), all at account A1 (region NA).

    People (created, MQL, SAL, SQL, deal):
      P1 1 Apr, 2 Apr, 5 Apr, 10 Apr, O1 (created 20 Apr, won 20 May, 1,000)
      P2 1 Apr, 3 Apr, 6 Apr, 12 Apr, O2 (created 25 Apr, lost 25 May)
      P3 2 Apr, 4 Apr, 8 Apr;  P4 3 Apr, 10 Apr;  P5 5 Apr;  P6 29 Jun, 30 Jun
    Deals with nobody on them: O3 (created 1 Mar, won 10 Jun, 3,000), O4 (created 25 Jun, open).

    Step medians (days to the next stage among those that made it in the window) and the young left out:
      inquiry→MQL 1,2,2,7,1 → 2: P6 (29 Jun) is within 2 days of 1 Jul → cohort P1–P5, 4 MQLs: 4/5 = 0.8
      MQL→SAL 3,3,4 → 3: P6's MQL (30 Jun) young → cohort P1–P4, 3 SALs: 3/4 = 0.75
      SAL→SQL 5,6 → 5.5, 6 days → cohort P1–P3, 2 SQLs: 2/3
      SQL→opportunity 10,13 → 12 days → cohort P1, P2, their first deals O1, O2: 2/2 = 1
      opportunity→won: O1 30 days → O4 (25 Jun) young; cohort O1, O2, one won: 1/2 = 0.5
      average deal size: won in the window O1 1,000 + O3 3,000 over 2 deals = 2,000
    Lead times (median days to the win, over wins in the window): opportunities O1 30, O3 101 → 65.5;
      people: only P1 won (20 May): SQL 40, SAL 45, MQL 48, inquiry 49.
    Target 20,000 → 10 won deals → 20 opportunities → 20 SQLs → 30 SALs → 40 MQLs → 50 inquiries.
    Due dates 30 Sep minus the lead time (rounded up): 26 Jul, 21 Aug, 16 Aug, 13 Aug, 12 Aug."""
    crm = Company().account("A1", region="NA", segment="SMB").account("A2", region="EMEA", segment="SMB")
    people = {"P1": ("2026-04-01", "2026-04-02", "2026-04-05", "2026-04-10", "O1"),
              "P2": ("2026-04-01", "2026-04-03", "2026-04-06", "2026-04-12", "O2"),
              "P3": ("2026-04-02", "2026-04-04", "2026-04-08", None, None),
              "P4": ("2026-04-03", "2026-04-10", None, None, None),
              "P5": ("2026-04-05", None, None, None, None),
              "P6": ("2026-06-29", "2026-06-30", None, None, None)}
    for person, (created, mql, sal, sql, deal) in people.items():
        crm.person(person, created, account_id="A1", converted_opportunity_id=deal)
        for stage, day in (("mql", mql), ("sal", sal), ("sql", sql)):
            if day:
                crm.event(person, stage, day)
    crm.opportunity("O1", "2026-04-20", account_id="A1", amount=1000, close_date="2026-05-20", is_closed=True,
                    is_won=True)
    crm.opportunity("O2", "2026-04-25", account_id="A1", amount=500, close_date="2026-05-25", is_closed=True)
    crm.opportunity("O3", "2026-03-01", account_id="A1", amount=3000, close_date="2026-06-10", is_closed=True,
                    is_won=True)
    crm.opportunity("O4", "2026-06-25", account_id="A1", amount=700)
    path = tmp_path_factory.mktemp("tiny-plan") / "warehouse.duckdb"
    crm.connect(path).close()
    path.with_name("reading.duckdb").write_bytes(path.read_bytes())  # the tests' own copy, open while the CLI's run
    return path


@pytest.fixture(scope="module")
def tiny(tiny_path):
    con = duckdb.connect(str(tiny_path.with_name("reading.duckdb")))
    yield con
    con.close()


def _by_stage(rows):
    return {row.stage: row for row in rows}


def test_the_waterfall_worked_out_by_hand(tiny):
    plan = Plan(quarter="2026-Q3", bookings_target=20000, window=1)
    result = waterfall.work_out(tiny, plan)
    assert result.window == ["2026-Q2"]
    rows = _by_stage(result.scope("company"))
    assert [row.stage for row in result.scope("company")] == list(waterfall.STAGES)
    expected = {"bookings": 20000, "won_deals": 10, "opportunities": 20, "sqls": 20, "sals": 30, "mqls": 40,
                "inquiries": 50}
    assert {stage: row.needed for stage, row in rows.items()} == expected
    assert rows["won_deals"].rate == pytest.approx(2000)
    assert (rows["won_deals"].numerator, rows["won_deals"].denominator) == (4000, 2)
    rates = {stage: (rows[stage].numerator, rows[stage].denominator, rows[stage].young)
             for stage in ("opportunities", "sqls", "sals", "mqls", "inquiries")}
    assert rates == {"opportunities": (1, 2, 1), "sqls": (2, 2, 0), "sals": (2, 3, 0), "mqls": (3, 4, 1),
                     "inquiries": (4, 5, 1)}
    assert all(row.rate_source == "measured" for row in result.rows if row.stage != "bookings")
    assert {stage: row.lead_time_days for stage, row in rows.items()} == {
        "bookings": 0, "won_deals": 0, "opportunities": 65.5, "sqls": 40, "sals": 45, "mqls": 48, "inquiries": 49}
    assert {stage: row.due_date for stage, row in rows.items()} == {
        "bookings": dt.date(2026, 9, 30), "won_deals": dt.date(2026, 9, 30), "opportunities": dt.date(2026, 7, 26),
        "sqls": dt.date(2026, 8, 21), "sals": dt.date(2026, 8, 16), "mqls": dt.date(2026, 8, 13),
        "inquiries": dt.date(2026, 8, 12)}
    assert result.targets()["company"][None] == {
        "bookings": 20000, "opportunities_created": 20, "sqls": 20, "sals": 30, "mqls": 40, "inquiries": 50}


def test_a_rate_set_by_hand_is_marked_and_used(tiny):
    plan = Plan(quarter="2026-Q3", bookings_target=20000, window=1, overrides={"mqls": 0.5})
    rows = _by_stage(waterfall.work_out(tiny, plan).scope("company"))
    assert (rows["mqls"].rate, rows["mqls"].rate_source) == (0.5, "set by hand")
    assert (rows["mqls"].needed, rows["inquiries"].needed) == (60, 75)
    assert rows["sals"].rate_source == "measured"


def test_a_rate_without_data_is_not_measured_never_zero(tiny):
    # nothing was won in 2026-Q1 and nobody entered the funnel then; EMEA has no records at all
    plan = Plan(quarter="2026-Q2", bookings_target=20000, region_targets={"EMEA": 5000}, window=1)
    result = waterfall.work_out(tiny, plan)
    for scope in ("company", "region: EMEA"):
        rows = _by_stage(result.scope(scope))
        assert rows["won_deals"].rate_source == "not measured"
        assert "set the average deal size by hand" in rows["won_deals"].reason
        assert all(row.needed is None and row.rate != 0 for stage, row in rows.items() if stage != "bookings")
    assert result.hand_set_needed() == list(waterfall.RATE_STAGES)
    assert result.targets()["region"]["EMEA"] == {"bookings": 5000}
    # set by hand, the deal size lets the waterfall reach the first measured-less stage and no further
    rows = _by_stage(waterfall.work_out(tiny, plan.model_copy(update={"overrides": {"won_deals": 2500}}))
                     .scope("company"))
    assert rows["won_deals"].needed == 8 and rows["opportunities"].needed is None


def test_the_window_is_the_finished_quarters_before_the_plan():
    plan = Plan(quarter="2026-Q3", bookings_target=1)
    assert [str(q) for q in plan.window_quarters()] == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    # on 15 Jun 2026 Q2 is not finished: the window moves back a quarter
    assert [str(q) for q in plan.window_quarters(dt.date(2026, 6, 15))][-1] == "2026-Q1"


@pytest.mark.parametrize("fields, says", [
    ({"overrides": {"mqls": 1.5}}, "write a share above 0 and at most 1"),
    ({"overrides": {"mqls": 0}}, "write a share above 0 and at most 1"),
    ({"overrides": {"won_deals": -3}}, "write an amount above zero"),
    ({"overrides": {"leads": 0.5}}, "write one of won_deals, opportunities"),
    ({"bookings_target": 0}, "write the amount to book"),
    ({"bookings_target": None}, "a plan starts from a bookings target"),
    ({"window": 0}, "write 1 to 12"),
    ({"bookings_target": float("inf")}, "the bookings target must be a number; write the amount"),
    ({"overrides": {"mqls": float("nan")}}, "the value for mqls must be a number; write e.g. mqls=0.25"),
    ({"region_targets": {"EMEA": float("inf")}}, "the value for EMEA must be a number"),
])
def test_a_bad_plan_says_what_to_write(fields, says):
    with pytest.raises(ValidationError, match=says):
        Plan(**{"quarter": "2026-Q3", "bookings_target": 1000, **fields})


def test_the_cli_writes_the_waterfall_as_json_and_csv(tiny_path, tmp_path, capsys):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(tiny_path.read_bytes())
    base = ["--db", str(db), "plan", "--quarter", "2026-Q3", "--window", "1"]
    assert cli.main([*base, "--bookings-target", "20000", "--rate", "mqls=0.5", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["stage"], r["needed"], r["rate_source"]) for r in rows] == [
        ("bookings", 20000, None), ("won_deals", 10, "measured"), ("opportunities", 20, "measured"),
        ("sqls", 20, "measured"), ("sals", 30, "measured"), ("mqls", 60, "set by hand"),
        ("inquiries", 75, "measured")]
    assert (rows[4]["numerator"], rows[4]["denominator"], rows[4]["lead_time_days"], rows[4]["due_date"]) == (
        2, 3, 45, "2026-08-16")
    assert rows[5]["numerator"] is None  # set by hand: not taken over the window's records

    # without a target: the charter's plan for the quarter, here EMEA's, where nothing can be measured
    plan = Plan(quarter="2026-Q3", bookings_target=20000, region_targets={"EMEA": 5000}, window=1)
    Ledger.beside(db).save(User(name="ana", role="analyst"), Charter(quarter="2026-Q3", plan=plan), "The plan")
    assert cli.main([*base[:-2], "--region", "EMEA"]) == 0
    captured = capsys.readouterr()
    lines = list(csv.DictReader(io.StringIO(captured.out)))
    assert list(lines[0]) == ["scope", "stage", "needed", "rate", "rate_source", "numerator", "denominator",
                              "lead_time_days", "due_date", "reason"]
    assert [(line["stage"], line["needed"], line["rate_source"]) for line in lines[:3]] == [
        ("bookings", "5000.0", ""), ("won_deals", "", "not measured"), ("opportunities", "", "not measured")]
    assert all(line["rate"] == "" for line in lines)  # never 0
    assert "average deal size is not measured: set it with --rate won_deals=" in captured.err


@pytest.mark.parametrize("extra, says", [
    (["--rate", "mqls=2"], "write a share above 0 and at most 1"),
    (["--rate", "mqls"], "is not stage=value"),
    ([], "has no plan; give the bookings target with --bookings-target"),
])
def test_the_cli_refuses_a_bad_plan_with_exit_2(tiny_path, tmp_path, capsys, extra, says):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(tiny_path.read_bytes())
    target = ["--bookings-target", "100"] if extra else []
    assert cli.main(["--db", str(db), "plan", "--quarter", "2026-Q3", *target, *extra]) == 2
    assert says in capsys.readouterr().err
