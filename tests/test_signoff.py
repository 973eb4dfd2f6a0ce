"""The joint sign-off ledger: every workflow transition, roles in the core, drift, tamper evidence, concurrency."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest

from alignment import cli, signoff, warehouse
from alignment.catalog import Definitions
from alignment.charter import Charter, sha256
from alignment.ingest.load import import_extracts
from alignment.signoff import Content, Ledger, LedgerTampered
from alignment.users import NotAllowed, User

QUARTER = "2026-Q2"
USERS = {role: User(name=name, role=role) for name, role in
         (("carla", "cmo"), ("vic", "vp_sales"), ("ana", "analyst"), ("vera", "viewer"))}
CHARTER = Charter(quarter=QUARTER, metrics=("pipeline", "mqls"))
SIGNED = Content(charter=CHARTER.model_copy(update={"version": 1}), values={"pipeline": 1000.0, "mqls": 10.0},
                 data_fingerprint="f" * 64)


def _sign(ledger: Ledger, role: str, content: Content = SIGNED, **options) -> signoff.Record:
    return ledger.sign(USERS[role], content, comment=options.get("comment", "The numbers are right"),
                       acknowledged_checklist=options.get("acknowledged", True),
                       checklist=[{"name": "campaigns_without_cost", "count": 3}])


def _ledger_in(tmp_path: Path, state: str) -> Ledger:
    """A ledger whose quarter is in `state`: draft, proposed, signed_by_cmo or signed_by_both."""
    ledger = Ledger(tmp_path / "warehouse.charter.sqlite")
    ledger.save(USERS["analyst"], CHARTER, "First draft")
    if state != "draft":
        ledger.propose(USERS["analyst"], QUARTER, "Ready for the review")
    if state in ("signed_by_cmo", "signed_by_both"):
        _sign(ledger, "cmo")
    if state == "signed_by_both":
        _sign(ledger, "vp_sales")
    return ledger


def _act(ledger: Ledger, action: str, role: str) -> None:
    user = USERS[role]
    if action == "save":
        ledger.save(user, CHARTER, "Another version")
    elif action == "propose":
        ledger.propose(user, QUARTER, "Please sign")
    elif action == "sign":
        _sign(ledger, role)
    else:
        ledger.reopen(user, QUARTER, "Targets need another look")


def _state(ledger: Ledger, content: Content | None = None) -> str:
    if content is None:
        content = SIGNED.model_copy(update={"charter": ledger.charter_in_force(QUARTER)})
    return ledger.status(QUARTER, content).state


# Every allowed (state, action, role) and the state it leads to; every other combination is refused.
ALLOWED = {
    ("draft", "save", "analyst"): "draft",
    ("draft", "propose", "analyst"): "proposed",
    ("proposed", "save", "analyst"): "draft",
    ("proposed", "sign", "cmo"): "signed_by_one",
    ("proposed", "sign", "vp_sales"): "signed_by_one",
    ("proposed", "reopen", "cmo"): "draft",
    ("proposed", "reopen", "vp_sales"): "draft",
    ("signed_by_cmo", "save", "analyst"): "draft",
    ("signed_by_cmo", "sign", "vp_sales"): "signed_by_both",
    ("signed_by_cmo", "reopen", "cmo"): "draft",
    ("signed_by_cmo", "reopen", "vp_sales"): "draft",
    ("signed_by_both", "reopen", "cmo"): "draft",
    ("signed_by_both", "reopen", "vp_sales"): "draft",
}
START = {"draft": "draft", "proposed": "proposed", "signed_by_cmo": "signed_by_one", "signed_by_both": "signed_by_both"}
CASES = [(state, action, role) for state in START for action in ("save", "propose", "sign", "reopen")
         for role in USERS]


@pytest.mark.parametrize("state, action, role", CASES)
def test_every_transition_is_allowed_or_refused_in_the_core(tmp_path, state, action, role):
    ledger = _ledger_in(tmp_path, state)
    assert _state(ledger) == START[state]
    before = ledger.records(QUARTER)
    if (state, action, role) in ALLOWED:
        _act(ledger, action, role)
        assert _state(ledger) == ALLOWED[state, action, role]
        assert len(ledger.records(QUARTER)) == len(before) + 1
    else:
        with pytest.raises(NotAllowed):
            _act(ledger, action, role)
        assert ledger.records(QUARTER) == before  # a refusal records nothing
    assert ledger.verify(QUARTER) == []


def test_refusals_say_why(tmp_path):
    ledger = _ledger_in(tmp_path, "signed_by_cmo")
    with pytest.raises(NotAllowed, match="the CMO has already signed these numbers"):
        _sign(ledger, "cmo")
    with pytest.raises(NotAllowed, match="ana is an Analyst; only CMO or VP of Sales may sign"):
        _sign(ledger, "analyst")
    with pytest.raises(NotAllowed, match="vera is a Viewer; only Analyst may edit charter"):
        ledger.save(USERS["viewer"], CHARTER, "Sneaky edit")
    with pytest.raises(NotAllowed, match="acknowledge the data-quality checklist"):
        _sign(ledger, "vp_sales", acknowledged=False)
    locked = _ledger_in(tmp_path / "locked", "signed_by_both")
    with pytest.raises(NotAllowed, match="locked; the CMO or the VP of Sales reopens it"):
        locked.save(USERS["analyst"], CHARTER, "Edit after sign-off")


def test_every_step_needs_a_comment(tmp_path):
    ledger = _ledger_in(tmp_path, "proposed")
    with pytest.raises(ValueError, match="comment of at least 3 characters"):
        _sign(ledger, "cmo", comment="  ")
    assert _state(ledger) == "proposed"


def test_demo_accounts_sign_only_the_demo_company(tmp_path, salesforce_extract):
    from alignment import demo

    demo_cmo = User(name="demo-cmo", role="cmo", is_demo=True)
    for folder, as_demo in (("real", False), ("demo", True)):
        db_path = tmp_path / folder / "warehouse.duckdb"
        db_path.parent.mkdir()
        if as_demo:
            demo.import_as_demo([salesforce_extract(f"extract-{folder}").folder], db_path)
        else:  # imported by someone called "demo": a name is not the demo builder's mark
            import_extracts([salesforce_extract(f"extract-{folder}").folder], db_path=db_path, user="demo")
        ledger = Ledger.beside(db_path)
        ledger.save(USERS["analyst"], CHARTER, "First draft")
        ledger.propose(USERS["analyst"], QUARTER, "Ready for the review")
        if not as_demo:
            with pytest.raises(NotAllowed, match="demo accounts work only on the demo company"):
                ledger.sign(demo_cmo, SIGNED, comment="ok by me", acknowledged_checklist=True, checklist=[])
            assert _state(ledger) == "proposed"
        else:
            ledger.sign(demo_cmo, SIGNED, comment="ok by me", acknowledged_checklist=True, checklist=[])
            assert _state(ledger) == "signed_by_one"


def test_a_signature_is_the_sha256_of_charter_values_and_data_and_is_recorded_with_who_and_why(tmp_path):
    ledger = _ledger_in(tmp_path, "proposed")
    record = _sign(ledger, "cmo", comment="Agreed at the QBR")
    expected = hashlib.sha256(json.dumps(
        {"charter": SIGNED.charter.model_dump(mode="json"), "data_fingerprint": "f" * 64,
         "values": {"mqls": 10.0, "pipeline": 1000.0}},
        sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert record.payload["signature"] == expected
    assert (record.user, record.role, record.comment) == ("carla", "cmo", "Agreed at the QBR")
    assert record.payload["checklist"] == [{"count": 3, "name": "campaigns_without_cost"}]
    status = ledger.status(QUARTER, SIGNED)
    assert status.signatures["cmo"].signature == expected and status.signatures["cmo"].signed_at.endswith("Z")


def test_new_data_voids_both_signatures_until_both_sign_again(tmp_path):
    ledger = _ledger_in(tmp_path, "signed_by_both")
    assert ledger.status(QUARTER, SIGNED).locked
    reimported = SIGNED.model_copy(update={"values": {"pipeline": 1250.0, "mqls": 10.0},
                                           "data_fingerprint": "e" * 64})
    status = ledger.status(QUARTER, reimported)
    assert status.state == "proposed" and status.changed_since_signoff
    assert {s.role for s in status.void} == {"cmo", "vp_sales"}
    assert [(c.kind, c.name, c.signed, c.now) for c in status.changes] == [
        ("metric", "pipeline", 1000.0, 1250.0), ("data", "data_fingerprint", "f" * 64, "e" * 64)]
    _sign(ledger, "cmo", reimported)
    status = ledger.status(QUARTER, reimported)
    assert status.state == "signed_by_one" and status.changed_since_signoff  # the VP of Sales still signed old numbers
    assert status.compared_with.role == "vp_sales"
    _sign(ledger, "vp_sales", reimported)
    status = ledger.status(QUARTER, reimported)
    assert status.state == "signed_by_both" and not status.changed_since_signoff and status.changes == []
    assert ledger.status(QUARTER, SIGNED).state == "proposed"  # the old numbers are no longer what is signed


def test_a_charter_edit_after_sign_off_shows_what_moved_and_carries_no_signature_over(tmp_path):
    ledger = _ledger_in(tmp_path, "signed_by_both")
    ledger.reopen(USERS["cmo"], QUARTER, "The SLA is too loose")
    tighter = ledger.charter_in_force(QUARTER).model_copy(update={"definitions": Definitions(sla_hours=12)})
    ledger.save(USERS["analyst"], tighter, "SLA 12 h")
    now = SIGNED.model_copy(update={"charter": ledger.charter_in_force(QUARTER),
                                    "values": {"pipeline": 1000.0, "mqls": 10.0}})
    status = ledger.status(QUARTER, now)
    assert status.state == "draft" and status.changed_since_signoff and status.signatures == {}
    assert [(c.kind, c.name, c.signed, c.now) for c in status.changes] == [
        ("option", "definitions.sla_hours", 24.0, 12.0)]
    assert now.charter.version == 2


def test_the_charter_changing_between_reading_and_signing_is_refused(tmp_path):
    ledger = _ledger_in(tmp_path, "proposed")
    stale = SIGNED.model_copy(update={"charter": CHARTER.model_copy(update={"version": 1, "metrics": ("mqls",)})})
    with pytest.raises(NotAllowed, match="changed while you were reading"):
        _sign(ledger, "cmo", stale)


# --- tamper evidence --------------------------------------------------------------------------------------------------

def _raw(ledger: Ledger) -> sqlite3.Connection:
    """The file opened as someone with a SQLite shell would, the append-only triggers dropped."""
    con = sqlite3.connect(ledger.path, isolation_level=None)
    con.execute("DROP TRIGGER ledger_no_update")
    con.execute("DROP TRIGGER ledger_no_delete")
    return con


def test_the_application_cannot_update_or_delete_a_record(tmp_path):
    ledger = _ledger_in(tmp_path, "signed_by_both")
    with closing(sqlite3.connect(ledger.path)) as con:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("UPDATE ledger SET comment = 'changed' WHERE position = 3")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("DELETE FROM ledger WHERE position = 4")


@pytest.mark.parametrize("tamper, named", [
    (["UPDATE ledger SET comment = 'I never agreed' WHERE position = 3"],
     ["record 3 of 2026-Q2 (signature by carla, .*) was edited: its content no longer matches its hash"]),
    (["UPDATE ledger SET payload = replace(payload, '\"pipeline\":1000.0', '\"pipeline\":9000.0') WHERE position = 4"],
     ["record 4 of 2026-Q2 (signature by vic, .*) was edited"]),
    (["UPDATE ledger SET user = 'mallory' WHERE position = 1"], ["record 1 of 2026-Q2 (.* by mallory, .*) was edited"]),
    (["DELETE FROM ledger WHERE position = 2"],
     ["record 3 of 2026-Q2 (signature by carla, .*) follows record 1: record 2 was deleted"]),
    (["UPDATE ledger SET record_id = 100 WHERE position = 2", "UPDATE ledger SET record_id = 2 WHERE position = 3",
      "UPDATE ledger SET record_id = 3 WHERE position = 2"],
     ["record 3 of 2026-Q2 (signature by carla, .*) comes after record 1: the records were reordered",
      "record 2 of 2026-Q2 (proposal by ana, .*) comes after record 3: the records were reordered"]),
])
def test_any_edit_deletion_or_reordering_is_detected_and_named(tmp_path, tamper, named):
    ledger = _ledger_in(tmp_path, "signed_by_both")
    assert ledger.verify(QUARTER) == []
    with closing(_raw(ledger)) as con:
        for statement in tamper:
            con.execute(statement)
    problems = ledger.verify(QUARTER)
    assert len(problems) == len(named), problems
    for problem, pattern in zip(problems, named):
        assert re.match(re.escape(pattern).replace(r"\.\*", ".*"), problem), problem  # ".*": any text
    with pytest.raises(LedgerTampered, match="restore it from a backup"):
        ledger.reopen(USERS["cmo"], QUARTER, "Reopening over a broken chain")


def test_rewriting_a_record_with_a_fresh_hash_breaks_the_next_link_and_its_authentication(tmp_path):
    ledger = _ledger_in(tmp_path, "signed_by_both")
    record = ledger.records(QUARTER)[2]
    forged = record.model_copy(update={"comment": "I never agreed"})
    with closing(_raw(ledger)) as con:
        con.execute("UPDATE ledger SET comment = ?, hash = ? WHERE record_id = ?",
                    (forged.comment, sha256(forged.hashed_fields()), record.record_id))
    assert [p.split(" (")[0] + " " + p.split(") ")[1] for p in ledger.verify(QUARTER)] == [
        "record 4 of 2026-Q2 does not chain to record 3: record 3 was rewritten",
        "record 3 of 2026-Q2 does not carry the server's authentication: it was forged or re-hashed outside the "
        "dashboard"]


def test_cutting_records_off_the_end_is_seen_against_the_checkpoint_and_a_kept_head_hash(tmp_path):
    ledger = _ledger_in(tmp_path, "signed_by_both")
    kept = ledger.head(QUARTER)
    with closing(_raw(ledger)) as con:
        con.execute("DELETE FROM ledger WHERE position = 4")
    assert ledger.head(QUARTER) != kept
    # A shorter chain is still a chain; the head kept beside the server key and the one printed in a board pack
    # are what show the cut.
    assert [p.split(" (")[0] for p in ledger.verify(QUARTER)] == [
        "the 2026-Q2 chain ends at record 3, but the checkpoint beside the server key kept record 4"]
    assert any("no record of 2026-Q2 has the head" in p for p in ledger.verify(QUARTER, heads=(kept[:16],)))


def test_other_quarters_are_verified_on_their_own(tmp_path):
    ledger = _ledger_in(tmp_path, "signed_by_both")
    ledger.save(USERS["analyst"], Charter(quarter="2026-Q3"), "Next quarter")
    with closing(_raw(ledger)) as con:
        con.execute("UPDATE ledger SET comment = 'x' WHERE quarter = '2026-Q3'")
    assert ledger.verify(QUARTER) == []
    assert [p.split(" (")[0] for p in ledger.verify("2026-Q3")] == ["record 1 of 2026-Q3"]
    assert len(ledger.verify()) == 1


# --- concurrency ------------------------------------------------------------------------------------------------------

def _at_once(*calls) -> list[Exception | None]:
    """Run the calls in threads released together; what each raised (None when it succeeded)."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Exception | None] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            calls[index]()
        except Exception as error:  # noqa: BLE001 - the test inspects what each session got
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.parametrize("attempt", range(3))
def test_two_sessions_signing_at_the_same_moment_give_one_order_and_an_intact_chain(tmp_path, attempt):
    path = _ledger_in(tmp_path, "proposed").path
    # Two sessions: a ledger object (and connection) each, as two browser sessions have.
    outcomes = _at_once(lambda: _sign(Ledger(path), "cmo"), lambda: _sign(Ledger(path), "vp_sales"))
    assert outcomes == [None, None]
    ledger = Ledger(path)
    assert ledger.verify(QUARTER) == []
    assert [r.position for r in ledger.records(QUARTER)] == [1, 2, 3, 4]
    assert {r.role for r in ledger.records(QUARTER)[2:]} == {"cmo", "vp_sales"}
    assert _state(ledger) == "signed_by_both"


def test_the_same_role_signing_twice_at_once_is_recorded_once(tmp_path):
    path = _ledger_in(tmp_path, "proposed").path
    outcomes = _at_once(lambda: _sign(Ledger(path), "cmo"), lambda: _sign(Ledger(path), "cmo"))
    assert sorted(type(o).__name__ for o in outcomes) == ["NoneType", "NotAllowed"]
    ledger = Ledger(path)
    assert [r.kind for r in ledger.records(QUARTER)] == ["charter", "propose", "sign"]
    assert ledger.verify(QUARTER) == []


# --- against a warehouse, and the command line ------------------------------------------------------------------------

def test_a_new_import_after_sign_off_shows_the_metric_that_moved(tmp_path, salesforce_extract, capsys):
    # 2024-Q1 pipeline: O1 50,000 + O2 12,500.75 + O3 0 = 62,500.75; O2 re-exported at 20,000 makes it 70,000.
    db_path = tmp_path / "warehouse.duckdb"
    extract = salesforce_extract()
    import_extracts([extract.folder], db_path=db_path, user="test")
    ledger = Ledger.beside(db_path)
    ledger.save(USERS["analyst"], Charter(quarter="2024-Q1", metrics=("pipeline", "inquiries")), "Q1 charter")
    ledger.propose(USERS["analyst"], "2024-Q1", "Please sign")
    reader = warehouse.open_reader(db_path)
    for role in ("cmo", "vp_sales"):
        signoff.sign(ledger, USERS[role], reader, "2024-Q1", comment="Agreed", acknowledged_checklist=True)
    signed = signoff.current_content(reader, ledger.charter_in_force("2024-Q1"))
    assert signed.values == {"pipeline": 62500.75, "inquiries": 4}
    assert ledger.status("2024-Q1", signed).locked
    shown = signed.signature()
    reader.close()

    extract.set_cell("Opportunity.csv", 3, "Amount", "20000")
    import_extracts([extract.folder], db_path=db_path, user="test")
    reader = warehouse.open_reader(db_path)
    now = signoff.current_content(reader, ledger.charter_in_force("2024-Q1"))
    status = ledger.status("2024-Q1", now)
    assert status.state == "proposed" and status.changed_since_signoff
    assert [(c.name, c.signed, c.now) for c in status.changes if c.kind == "metric"] == [
        ("pipeline", 62500.75, 70000.0)]
    assert [c.kind for c in status.changes] == ["metric", "data"]
    with pytest.raises(NotAllowed, match="numbers changed since they were shown"):
        signoff.sign(ledger, USERS["cmo"], reader, "2024-Q1", comment="Agreed", acknowledged_checklist=True,
                     shown_signature=shown)

    assert cli.main(["--db", str(db_path), "charter", "show", "--quarter", "2024-Q1"]) == 0
    shown_text = capsys.readouterr().out
    assert "Changed since sign-off" in shown_text and "pipeline" in shown_text and "62,500.75" in shown_text
    assert cli.main(["--db", str(db_path), "charter", "verify", "--quarter", "2024-Q1"]) == 0
    assert "intact: 4 records" in capsys.readouterr().out
    with closing(_raw(ledger)) as con:
        con.execute("UPDATE ledger SET comment = 'Not agreed' WHERE position = 4")
    assert cli.main(["--db", str(db_path), "charter", "verify", "--quarter", "2024-Q1"]) == 1
    assert "record 4 of 2024-Q1 (signature by vic" in capsys.readouterr().err
    assert cli.main(["--db", str(db_path), "charter", "verify", "--quarter", "2024-Q5"]) == 2
