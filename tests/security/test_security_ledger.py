"""The anchored ledger against someone who has the data folder's files: every cut, forgery, move or deletion named."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import duckdb
import pytest

from alignment import cli, signoff, warehouse
from alignment.charter import Charter, sha256
from alignment.ingest.load import import_extracts
from alignment.signoff import GENESIS, Ledger
from alignment.users import User

QUARTER = "2024-Q1"
ANALYST, CMO, VP = (User(name="ana", role="analyst"), User(name="carla", role="cmo"), User(name="vic", role="vp_sales"))


@pytest.fixture
def signed(tmp_path, salesforce_extract, monkeypatch):
    """A warehouse whose 2024-Q1 is signed by both (4 records), then imported again so that the warehouse keeps the
    ledger's heads; a copy of the ledger taken before the VP signed; the head a board pack printed. The server key
    lives in a secrets file of this test's own (one attack removes it)."""
    from alignment import keys

    monkeypatch.setenv(keys.SECRETS_ENV, str(tmp_path / "server" / "secrets.toml"))
    db_path = tmp_path / "data" / "warehouse.duckdb"
    db_path.parent.mkdir()
    extract = salesforce_extract()
    import_extracts([extract.folder], db_path=db_path, user="test")
    ledger = Ledger.beside(db_path)
    ledger.save(ANALYST, Charter(quarter=QUARTER, metrics=("pipeline", "inquiries")), "Q1 charter")
    ledger.propose(ANALYST, QUARTER, "Please sign")
    reader = warehouse.open_reader(db_path)
    signoff.sign(ledger, CMO, reader, QUARTER, comment="Agreed", acknowledged_checklist=True)
    backup = tmp_path / "before-vp.sqlite"
    with closing(sqlite3.connect(ledger.path)) as source, closing(sqlite3.connect(backup)) as copy:
        source.backup(copy)
    signoff.sign(ledger, VP, reader, QUARTER, comment="Agreed", acknowledged_checklist=True)
    reader.close()
    import_extracts([extract.folder], db_path=db_path, user="test")  # the new warehouse keeps the heads
    assert ledger.verify(QUARTER) == []
    return {"db": db_path, "ledger": ledger, "backup": backup, "head": ledger.head(QUARTER)}


def _raw(ledger: Ledger) -> sqlite3.Connection:
    """A connection without the application's guards, as someone with the file would use."""
    con = sqlite3.connect(ledger.path, isolation_level=None)
    con.execute("DROP TRIGGER IF EXISTS ledger_no_update")
    con.execute("DROP TRIGGER IF EXISTS ledger_no_delete")
    return con


def _rows(ledger: Ledger) -> list[dict]:
    with closing(_raw(ledger)) as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute("SELECT * FROM ledger ORDER BY record_id")]


def _rehash_from(ledger: Ledger, rows: list[dict]) -> None:
    """Rewrite every record so its hash and chain are right again: what a forger without the key can do."""
    previous = GENESIS
    with closing(_raw(ledger)) as con:
        con.execute("DELETE FROM ledger")
        for row in rows:
            row = {**row, "previous_hash": previous if row["quarter"] == QUARTER else row["previous_hash"]}
            fields = {k: row[k] for k in ("quarter", "position", "kind", "recorded_at", "user", "role", "comment",
                                          "previous_hash")}
            fields["payload"] = json.loads(row["payload"])
            row["hash"] = sha256(fields)
            previous = row["hash"]
            con.execute("INSERT INTO ledger (record_id, quarter, position, kind, recorded_at, user, role, comment, "
                        "payload, previous_hash, hash, mac) VALUES (:record_id, :quarter, :position, :kind, "
                        ":recorded_at, :user, :role, :comment, :payload, :previous_hash, :hash, :mac)", row)


def _drop_checkpoint_file(ledger: Ledger) -> None:
    ledger.checkpoints_path.unlink()


def _drop_warehouse_checkpoints(db_path: Path) -> None:
    con = duckdb.connect(str(db_path))
    con.execute("DELETE FROM _checkpoints")
    con.close()


# Each attack: what it does to the files, and words every problem list must contain. Before records were
# authenticated and heads kept outside the ledger, `charter verify` passed every one marked "passed before".
def edit_without_rehash(s):
    with closing(_raw(s["ledger"])) as con:
        con.execute("UPDATE ledger SET comment = 'Not agreed' WHERE position = 4")


def rehash_one_record_and_the_rest(s):
    rows = _rows(s["ledger"])
    rows[2]["comment"] = "I never agreed"
    _rehash_from(s["ledger"], rows)


def forge_a_whole_chain(s):
    rows = _rows(s["ledger"])
    for row in rows:
        row["user"], row["mac"] = "mallory", None
    _rehash_from(s["ledger"], rows)


def delete_the_last_record(s):
    with closing(_raw(s["ledger"])) as con:
        con.execute("DELETE FROM ledger WHERE position = 4")


def delete_the_last_two_records(s):
    with closing(_raw(s["ledger"])) as con:
        con.execute("DELETE FROM ledger WHERE position >= 3")


def delete_a_middle_record(s):
    with closing(_raw(s["ledger"])) as con:
        con.execute("DELETE FROM ledger WHERE position = 2")


def reorder_two_records(s):
    with closing(_raw(s["ledger"])) as con:
        con.execute("UPDATE ledger SET record_id = record_id + 100 WHERE position IN (3, 4)")
        con.execute("UPDATE ledger SET record_id = record_id - 99 WHERE position = 4")
        con.execute("UPDATE ledger SET record_id = record_id - 97 WHERE position = 3")


def append_a_forged_record(s):
    rows = _rows(s["ledger"])
    forged = {**rows[-1], "record_id": rows[-1]["record_id"] + 1, "position": 5, "kind": "reopen",
              "comment": "Reopened", "payload": json.dumps({"voided": ["cmo", "vp_sales"]}), "mac": None}
    _rehash_from(s["ledger"], rows + [forged])


def append_a_record_with_a_made_up_mac(s):
    rows = _rows(s["ledger"])
    forged = {**rows[-1], "record_id": rows[-1]["record_id"] + 1, "position": 5, "kind": "reopen",
              "comment": "Reopened", "payload": json.dumps({"voided": []}), "mac": "ab" * 32}
    _rehash_from(s["ledger"], rows + [forged])


def give_a_forged_record_another_records_mac(s):
    rows = _rows(s["ledger"])
    rows[3]["comment"], rows[3]["mac"] = "Signed under protest", rows[2]["mac"]
    _rehash_from(s["ledger"], rows)


def move_a_record_to_another_quarter(s):
    with closing(_raw(s["ledger"])) as con:
        con.execute("UPDATE ledger SET quarter = '2024-Q2', position = 1, previous_hash = ? WHERE position = 4",
                    (GENESIS,))
    rows = _rows(s["ledger"])
    moved = rows[3]
    fields = {k: moved[k] for k in ("quarter", "position", "kind", "recorded_at", "user", "role", "comment",
                                    "previous_hash")}
    fields["payload"] = json.loads(moved["payload"])
    with closing(_raw(s["ledger"])) as con:
        con.execute("UPDATE ledger SET hash = ? WHERE record_id = ?", (sha256(fields), moved["record_id"]))


def empty_the_ledger(s):
    with closing(_raw(s["ledger"])) as con:
        con.execute("DELETE FROM ledger")


def delete_the_ledger_file(s):
    s["ledger"].path.unlink()


def restore_an_older_copy(s):
    shutil.copyfile(s["backup"], s["ledger"].path)
    for suffix in ("-wal", "-shm"):
        s["ledger"].path.with_name(s["ledger"].path.name + suffix).unlink(missing_ok=True)


def cut_and_delete_the_checkpoint_beside_the_key(s):
    delete_the_last_record(s)
    _drop_checkpoint_file(s["ledger"])


def edit_the_warehouse_checkpoint_to_match_a_cut(s):
    delete_the_last_record(s)
    _drop_checkpoint_file(s["ledger"])
    con = duckdb.connect(str(s["db"]))
    con.execute("UPDATE _checkpoints SET position = 3, head = $head", {"head": s["ledger"].head(QUARTER)})
    con.close()


def remove_the_server_key(s):
    from alignment import keys

    path = keys.secrets_path()
    path.write_text(path.read_text().replace("[server]", "[elsewhere]"))


ATTACKS = [
    (edit_without_rehash, ["was edited"], False),
    (rehash_one_record_and_the_rest, ["does not carry the server's authentication"], True),
    (forge_a_whole_chain, ["record 1 of 2024-Q1", "is not authenticated", "differs from the one"], True),
    (delete_the_last_record, ["chain ends at record 3", "record 4 was cut off"], True),
    (delete_the_last_two_records, ["chain ends at record 2", "records 3–4 were cut off"], True),
    (delete_a_middle_record, ["record 2 was deleted"], False),
    (reorder_two_records, ["reordered"], False),
    (append_a_forged_record, ["record 5 of 2024-Q1", "is not authenticated"], True),
    (append_a_record_with_a_made_up_mac, ["record 5 of 2024-Q1", "does not carry the server's authentication"],
     True),
    (give_a_forged_record_another_records_mac, ["record 4 of 2024-Q1", "does not carry"], True),
    (move_a_record_to_another_quarter, ["record 1 of 2024-Q2", "does not carry", "chain ends at record 3"], True),
    (empty_the_ledger, ["holds no record of 2024-Q1", "emptied, deleted or replaced"], True),
    (delete_the_ledger_file, ["holds no record of 2024-Q1"], True),
    (restore_an_older_copy, ["chain ends at record 3"], True),
    (cut_and_delete_the_checkpoint_beside_the_key, ["chain ends at record 3, but the warehouse's metadata kept"],
     True),
    (edit_the_warehouse_checkpoint_to_match_a_cut, ["checkpoint in the warehouse's metadata is not authentic"],
     True),
    (remove_the_server_key, ["server key", "is missing"], True),
]


@pytest.mark.parametrize("attack, named, passed_before", ATTACKS, ids=[a[0].__name__ for a in ATTACKS])
def test_every_tampering_is_detected_and_named(signed, attack, named, passed_before, capsys):
    attack(signed)
    # What `charter verify` checked before (the hash chain alone) passed the attacks marked so.
    chains: dict[str, list] = {}
    for record in Ledger.beside(signed["db"]).records():
        chains.setdefault(record.quarter, []).append(record)
    assert (not any(signoff.check_chain(chain) for chain in chains.values())) == passed_before
    problems = Ledger.beside(signed["db"]).verify()
    assert problems, f"{attack.__name__} went unnoticed"
    text = " | ".join(problems)
    for words in named:
        assert words in text, text
    # The command line names it too, and exits 1 without a traceback.
    assert cli.main(["--db", str(signed["db"]), "charter", "verify"]) == cli.EXIT_TAMPERED
    err = capsys.readouterr().err
    assert "does not check out" in err and "Traceback" not in err
    # Nothing more is recorded over it.
    with pytest.raises(signoff.LedgerTampered):
        Ledger.beside(signed["db"]).reopen(CMO, QUARTER, "Reopening over a broken ledger")


def test_a_cut_with_every_checkpoint_on_the_server_gone_is_caught_by_the_head_in_a_board_pack(signed, capsys):
    delete_the_last_record(signed)
    _drop_checkpoint_file(signed["ledger"])
    _drop_warehouse_checkpoints(signed["db"])
    assert Ledger.beside(signed["db"]).verify(QUARTER) == []  # nothing on the server remembers record 4 …
    head = signed["head"][:16]
    assert cli.main(["--db", str(signed["db"]), "charter", "verify", "--quarter", QUARTER, "--head", head]) == 1
    assert f"no record of {QUARTER} has the head {head}" in capsys.readouterr().err  # … the board pack does
    assert cli.main(["--db", str(signed["db"]), "charter", "verify", "--head", "not-a-hash"]) == 1
    assert "is not a record hash" in capsys.readouterr().err


def test_an_intact_ledger_verifies_with_its_checkpoints_and_a_board_pack_head(signed, capsys):
    assert cli.main(["--db", str(signed["db"]), "charter", "verify", "--quarter", QUARTER,
                     "--head", signed["head"][:16]]) == 0
    out = capsys.readouterr().out
    assert "intact: 4 records" in out and "each authenticated with the server key" in out
    assert "2 checkpoints and 1 board-pack head agree" in out
    wheres = sorted(c.where for c in signed["ledger"].checkpoints())
    assert wheres == ["the checkpoint beside the server key", "the warehouse's metadata"]


@pytest.mark.parametrize("damage", ["garbage", "no table", "bad payload"])
def test_a_damaged_ledger_gives_a_plain_message_and_pages_keep_a_status(signed, damage, capsys):
    ledger = signed["ledger"]
    if damage == "garbage":
        ledger.path.write_bytes(b"this is not a database" * 100)
        for suffix in ("-wal", "-shm"):
            ledger.path.with_name(ledger.path.name + suffix).unlink(missing_ok=True)
    elif damage == "no table":
        with closing(_raw(ledger)) as con:
            con.execute("DROP TABLE ledger")
    else:
        with closing(_raw(ledger)) as con:
            con.execute("UPDATE ledger SET position = 'x' WHERE position = 2")
    assert cli.main(["--db", str(signed["db"]), "charter", "verify", "--quarter", QUARTER]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and ("cannot be read" in err or "chain ends" in err or "holds no record" in err)
    assert cli.main(["--db", str(signed["db"]), "charter", "show", "--quarter", QUARTER]) == 1
    assert "Traceback" not in capsys.readouterr().err
    reader = warehouse.open_reader(signed["db"])
    try:
        charter = ledger.charter_in_force(QUARTER)
        status = ledger.status(QUARTER, signoff.current_content(reader, charter))
    finally:
        reader.close()
    assert not status.verified and status.title in ("Ledger damaged", "Not verified")


def test_a_tampered_ledger_shows_not_verified_in_every_export(signed):
    from alignment.board import export, pack as packs, pdf, xlsx

    delete_the_last_record(signed)
    reader = warehouse.open_reader(signed["db"])
    try:
        charter, status = export.governance(signed["db"], reader, QUARTER)
        assert status.state == "not verified" and status.signatures == []
        board_pack = packs.build_pack(reader, QUARTER, signoff=status, charter=charter, parts=["summary", "signoff"])
    finally:
        reader.close()
    assert "Not verified" in board_pack.stamp and "Signed ·" not in board_pack.stamp
    assert b"Not verified" in pdf.render(board_pack) or b"Not" in pdf.render(board_pack)
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx.render(board_pack)))
    cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "Not verified" in cells and "Signed" not in cells


def test_an_intact_signed_pack_carries_the_ledger_head_on_every_page_and_the_sign_off_sheet(signed):
    import io

    import openpyxl

    from alignment.board import export, pack as packs, xlsx

    reader = warehouse.open_reader(signed["db"])
    try:
        charter, status = export.governance(signed["db"], reader, QUARTER)
        board_pack = packs.build_pack(reader, QUARTER, signoff=status, charter=charter, parts=["summary", "signoff"])
    finally:
        reader.close()
    assert status.state == "signed" and status.ledger_head == signed["head"] and status.ledger_records == 4
    assert f"ledger head {signed['head'][:16]}" in board_pack.stamp  # the PDF and PPTX footer line
    book = openpyxl.load_workbook(io.BytesIO(xlsx.render(board_pack)))
    sign_off_text = " ".join(str(c.value) for row in book["Sign-off"].iter_rows() for c in row if c.value)
    assert signed["head"] in sign_off_text
    cover = {row[0].value: row[1].value for row in book["Contents"].iter_rows() if row[0].value and len(row) > 1}
    assert cover["Ledger head"] == signed["head"]


APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _badges(at) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in str(m.value)]


@pytest.mark.parametrize("damage, title", [(delete_the_last_record, "Not verified"),
                                           (forge_a_whole_chain, "Not verified"),
                                           ("garbage", "Ledger damaged")])
def test_the_scorecard_and_the_charter_page_show_not_verified_instead_of_signed(signed, damage, title, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import sign_in

    monkeypatch.setenv(warehouse.DB_ENV, str(signed["db"]))
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "cmo").run()
    assert not at.exception, at.exception
    assert ":green-badge[:material/verified: Signed by both (locked)]" in _badges(at)  # intact: signed
    if damage == "garbage":
        signed["ledger"].path.write_bytes(b"\x00garbage" * 512)
        for suffix in ("-wal", "-shm"):
            signed["ledger"].path.with_name(signed["ledger"].path.name + suffix).unlink(missing_ok=True)
    else:
        damage(signed)
    for page in (None, "pages/govern_charter.py", "pages/govern_board_pack.py"):
        if page:
            at.switch_page(page)
        at.run()
        assert not at.exception, at.exception
        badges = _badges(at)
        if page != "pages/govern_board_pack.py":
            assert f":red-badge[:material/gpp_bad: {title}]" in badges, badges
            assert not any("Signed by both" in b or "Signed by one" in b for b in badges)
        footer = "\n".join(str(c.value) for c in at.caption)
        assert title in footer and "Signed by both" not in footer
    errors = " ".join(e.value for e in at.error)
    assert "Traceback" not in errors
