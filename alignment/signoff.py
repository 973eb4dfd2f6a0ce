"""The joint sign-off: an append-only, hash-chained SQLite ledger of charter versions, proposals and signatures."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from alignment import demo, keys, quality, sqlfiles, warehouse
from alignment.catalog import Source
from alignment.charter import Charter, canonical_json, carry_forward, metric_values, option_changes, sha256
from alignment.periods import Quarter
from alignment.sqlite_files import open_private
from alignment.users import ROLE_TITLES, SIGNING_ROLES, NotAllowed, User, require, reserved_name

GENESIS = "0" * 64
"""The `previous_hash` of a quarter's first record."""

SCHEMA_STATEMENTS = ("ledger_table", "ledger_no_update", "ledger_no_delete")
"""The ledger's table and the triggers that refuse edits through the application's own connections (sql/sqlite);
verify() still catches edits made with them dropped."""


def schema() -> tuple[str, ...]:
    """The statements that make (or keep) the ledger's table and its triggers."""
    return tuple(sqlfiles.sqlite(name) for name in SCHEMA_STATEMENTS)


Kind = Literal["charter", "propose", "sign", "reopen"]
State = Literal["draft", "proposed", "signed_by_one", "signed_by_both"]
STATE_TITLES = {"draft": "Draft", "proposed": "Proposed, awaiting signatures", "signed_by_one": "Signed by one",
                "signed_by_both": "Signed by both (locked)"}


class LedgerTampered(RuntimeError):
    """The ledger's chain is broken: nothing more is appended until it is restored from a backup."""


class LedgerDamaged(LedgerTampered):
    """The ledger file cannot be read as a ledger at all (not SQLite, a table missing, a record unreadable)."""


class Comment(BaseModel):
    """The comment every workflow step carries."""

    text: str = Field(max_length=2000)

    @field_validator("text")
    @classmethod
    def _said_something(cls, value: str) -> str:
        if len(value.strip()) < 3:
            raise ValueError("write a comment of at least 3 characters saying why (it stays in the history)")
        return value.strip()


class Record(BaseModel):
    """One ledger row."""

    model_config = ConfigDict(frozen=True)

    record_id: int
    quarter: str
    position: int
    kind: str
    recorded_at: str
    user: str
    role: str
    comment: str
    payload: dict[str, Any]
    previous_hash: str
    hash: str
    mac: str | None = None

    def hashed_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if k not in ("record_id", "hash", "mac")}

    def describe(self) -> str:
        what = {"charter": f"charter version {self.payload.get('version')}", "propose": "proposal",
                "sign": "signature", "reopen": "reopening"}.get(self.kind, self.kind)
        return f"record {self.position} of {self.quarter} ({what} by {self.user}, {self.recorded_at})"


class Content(BaseModel):
    """What a signature covers: the charter, the metric values it shows and the fingerprint of the data."""

    model_config = ConfigDict(frozen=True)

    charter: Charter
    values: dict[str, float | None]
    data_fingerprint: str

    def signature(self) -> str:
        """SHA-256 over the canonical JSON of the charter, the values and the data fingerprint."""
        return sha256({"charter": self.charter.model_dump(mode="json"), "values": self.values,
                       "data_fingerprint": self.data_fingerprint})


class Signature(BaseModel):
    """A signature as recorded: who, in which role, when, why, and what they signed."""

    model_config = ConfigDict(frozen=True)

    user: str
    role: str
    signed_at: str
    comment: str
    signature: str
    content: Content
    checklist: list[dict[str, Any]] = Field(default_factory=list)
    position: int


class Change(BaseModel):
    """One thing that moved since a signature: a metric's value, a charter option, or the data itself."""

    kind: Literal["metric", "option", "data"]
    name: str
    signed: Any
    now: Any


class Status(BaseModel):
    """Where a quarter's sign-off stands against the numbers as they are now."""

    quarter: str
    state: State
    charter: Charter
    signatures: dict[str, Signature] = Field(description="role → signature that still matches the numbers")
    void: list[Signature] = Field(description="signatures of this round that no longer match (to be signed again)")
    changed_since_signoff: bool
    changes: list[Change]
    compared_with: Signature | None = None
    problems: list[str] = Field(default_factory=list,
                                description="what `charter verify` finds wrong with the quarter's ledger; empty when "
                                            "every record is authentic and every checkpoint is in the chain")
    damaged: bool = Field(False, description="the ledger file could not be read at all")
    head: str = Field(GENESIS, description="hash of the quarter's latest record (GENESIS when it has none)")
    records: int = Field(0, description="how many records the quarter's chain holds")

    @property
    def verified(self) -> bool:
        """Whether the ledger behind this status checked out; no signature counts as signed until it does."""
        return not self.problems

    @property
    def locked(self) -> bool:
        return self.state == "signed_by_both"

    @property
    def title(self) -> str:
        if self.damaged:
            return "Ledger damaged"
        if not self.verified:
            return "Not verified"
        return STATE_TITLES[self.state]


class _Replay(BaseModel):
    """A quarter's records read in order: the latest saved charter, the workflow step, and this round's signatures."""

    charter: Charter | None = None
    proposed: bool = False
    round: list[Signature] = Field(default_factory=list)
    latest_by_role: dict[str, Signature] = Field(default_factory=dict)

    def round_roles(self) -> set[str]:
        return {s.role for s in self.round}


def _replay(records: list[Record]) -> _Replay:
    replay = _Replay()
    for record in records:
        if record.kind == "charter":
            replay.charter = Charter.model_validate(record.payload)
            replay.proposed, replay.round = False, []
        elif record.kind == "propose":
            replay.proposed = True
        elif record.kind == "reopen":
            replay.proposed, replay.round = False, []
        elif record.kind == "sign":
            signature = Signature(user=record.user, role=record.role, signed_at=record.recorded_at,
                                  comment=record.comment, position=record.position,
                                  signature=record.payload["signature"],
                                  content=Content.model_validate(record.payload["content"]),
                                  checklist=record.payload.get("checklist", []))
            replay.round = [s for s in replay.round if s.role != record.role] + [signature]
            replay.latest_by_role[record.role] = signature
    return replay


def diff(signed: Content, now: Content) -> list[Change]:
    """Metric by metric, option by option, and the data: what differs between a signed content and the current one."""
    changes = [Change(kind="metric", name=name, signed=signed.values.get(name), now=now.values.get(name))
               for name in dict.fromkeys([*signed.values, *now.values])
               if signed.values.get(name) != now.values.get(name)]
    changes += [Change(kind="option", name=name, signed=before, now=after)
                for name, before, after in option_changes(signed.charter, now.charter)]
    if signed.data_fingerprint != now.data_fingerprint:
        changes.append(Change(kind="data", name="data_fingerprint", signed=signed.data_fingerprint,
                              now=now.data_fingerprint))
    return changes


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def path_for(db_path: Path) -> Path:
    """data/warehouse.duckdb → data/warehouse.charter.sqlite (apart from the file imports replace)."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ".charter.sqlite")


def _quarter(quarter: Quarter | str) -> str:
    return str(Quarter.parse(quarter) if isinstance(quarter, str) else quarter)


def _quarter_or_none(label: str) -> Quarter | None:
    """The quarter a ledger's label names in the current calendar; None for a label of another calendar."""
    try:
        return Quarter.parse(label)
    except ValueError:
        return None


def checkpoints_path() -> Path:
    """Where each ledger's latest heads are kept beside the server key, out of reach of whoever has only the data
    folder: `ledger-checkpoints.json` next to the secrets file."""
    return keys.secrets_path().with_name("ledger-checkpoints.json")


class Checkpoint(BaseModel):
    """A copy of a quarter's head kept outside the ledger file: the record at `position` must have hash `head`."""

    model_config = ConfigDict(frozen=True)

    quarter: str
    position: int
    head: str
    checkpointed_at: str
    mac: str | None = None
    where: str = Field("", description="where it was found, as a sentence part")

    def fields(self) -> list[Any]:
        return ["checkpoint", self.quarter, self.position, self.head]


def _mac(key: bytes, value: Any) -> str:
    return hmac.new(key, canonical_json(value).encode("utf-8"), hashlib.sha256).hexdigest()


class Ledger:
    """The sign-off ledger file; every call opens its own connection, so sessions and threads may share one."""

    def __init__(self, path: Path, *, warehouse_path: Path | None = None, key: bytes | None = None,
                 checkpoints: Path | None = None):
        self.path = Path(path)
        self.warehouse_path = Path(warehouse_path) if warehouse_path else None
        self._given_key = key
        self.checkpoints_path = Path(checkpoints) if checkpoints else checkpoints_path()

    @classmethod
    def beside(cls, db_path: Path) -> "Ledger":
        return cls(path_for(db_path), warehouse_path=Path(db_path))

    def _key(self, *, create: bool) -> bytes | None:
        """The ledger's authentication key (derived from the server key); None when there is none and none is made."""
        if self._given_key is not None:
            return self._given_key
        try:
            return keys.derived_key("ledger", create=create)
        except keys.KeyUnavailable:
            return None

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: writes take BEGIN IMMEDIATE themselves, so two writers queue instead of interleaving.
        try:
            con = open_private(self.path, timeout=30, isolation_level=None)
        except sqlite3.DatabaseError as error:
            raise self._damaged(error) from None
        try:
            con.execute("PRAGMA journal_mode=WAL")
            for statement in schema():
                con.execute(statement)
            if "mac" not in {row[1] for row in con.execute("PRAGMA table_info(ledger)")}:
                con.execute(sqlfiles.sqlite("ledger_mac_column"))  # a ledger written before records were signed
        except sqlite3.DatabaseError as error:
            con.close()
            raise self._damaged(error) from None
        return con

    def _damaged(self, error: Exception) -> LedgerDamaged:
        return LedgerDamaged(f"the sign-off ledger {self.path.name} cannot be read ({error}); restore it from a "
                             "backup: no quarter it holds counts as signed until then")

    def _read(self, con: sqlite3.Connection, quarter: str | None) -> list[Record]:
        con.row_factory = sqlite3.Row
        try:
            rows = con.execute(sqlfiles.sqlite("ledger_records"), {"quarter": quarter}).fetchall()
        except sqlite3.DatabaseError as error:
            raise self._damaged(error) from None
        records = []
        for row in rows:
            fields = dict(row)
            try:
                fields["payload"] = json.loads(fields["payload"])
            except (TypeError, ValueError):
                fields["payload"] = {"unreadable": str(fields["payload"])}
            if not isinstance(fields["payload"], dict):
                fields["payload"] = {"unreadable": str(fields["payload"])}
            try:
                records.append(Record.model_validate(fields))
            except ValueError as error:
                raise self._damaged(f"record {fields.get('record_id')} is malformed: "
                                    f"{str(error).splitlines()[0]}") from None
        return records

    def token(self) -> tuple:
        """Changes whenever a record is appended or a checkpoint written: the identities of the files involved."""
        return tuple(warehouse.identity(path) for path in (self.path, self.path.with_name(self.path.name + "-wal"),
                                                            self.checkpoints_path))

    def records(self, quarter: Quarter | str | None = None) -> list[Record]:
        """Every record (of one quarter), oldest first; LedgerDamaged when the file is not a readable ledger."""
        if not self.path.exists():
            return []
        # Read-only: every page run reads the charter in force, and a reader needs no schema statements or lock.
        try:
            con = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        except sqlite3.Error as error:
            raise self._damaged(error) from None
        with closing(con):
            return self._read(con, None if quarter is None else _quarter(quarter))

    def own_records(self, quarter: Quarter | str | None = None) -> list[Record]:
        """The records of the company the warehouse holds: every record on the demo company; on any other data, all
        but the demo accounts' (they act only on the demo company, so what they saved and signed is the demo's and
        says nothing of a company imported over it). The chain and its checks always cover every record."""
        return self._own(self.records(quarter))

    def _own(self, records: list[Record]) -> list[Record]:
        if self.warehouse_path is None or not any(reserved_name(r.user) for r in records):
            return records
        if demo.holds_demo(self.warehouse_path):
            return records
        return [record for record in records if not reserved_name(record.user)]

    def signed_quarters(self) -> list[str]:
        """The quarters any signature was recorded for (even one later reopened): what the calendar is locked by."""
        return sorted({record.quarter for record in self.own_records() if record.kind == "sign"})

    def saved_charter(self, quarter: Quarter | str) -> Charter | None:
        return _replay(self.own_records(quarter)).charter

    def charter_in_force(self, quarter: Quarter | str) -> Charter:
        """The quarter's latest saved charter; else the nearest earlier quarter's, carried forward; else defaults.

        A ledger that cannot be read gives the defaults (its status says *ledger damaged*), so every page still opens.
        """
        quarter = _quarter(quarter)
        try:
            saved = self.saved_charter(quarter)
            if saved is not None:
                return saved
            # Only the current calendar's quarters are earlier or later: a draft saved under another calendar (which
            # could change while nothing was signed) names days this one cuts differently, and is not carried.
            this = Quarter.parse(quarter)
            earlier = sorted(q for q in map(_quarter_or_none, {r.quarter for r in self.own_records()
                                                               if r.kind == "charter"}) if q is not None and q < this)
        except LedgerDamaged:
            return carry_forward(None, quarter)
        return carry_forward(self.saved_charter(earlier[-1]) if earlier else None, quarter)

    def status(self, quarter: Quarter | str, now: Content) -> Status:
        """The workflow state of the quarter, judged against the current content (charter, values, data), and
        whether its ledger checks out (chain, authentication, checkpoints)."""
        quarter = _quarter(quarter)
        try:
            records = self.records(quarter)
        except LedgerDamaged as damaged:
            return Status(quarter=quarter, state="draft", charter=now.charter, signatures={}, void=[],
                          changed_since_signoff=False, changes=[], problems=[str(damaged)], damaged=True)
        problems = self._problems(records, quarter)
        replay = _replay(self._own(records))
        current = now.signature()
        valid = {s.role: s for s in replay.round if s.signature == current}
        void = [s for s in replay.round if s.signature != current]
        if not replay.proposed:
            state: State = "draft"
        else:
            state = ("proposed", "signed_by_one", "signed_by_both")[len(valid)]
        stale = sorted((s for s in replay.latest_by_role.values() if s.signature != current),
                       key=lambda s: s.position)
        compared = stale[-1] if stale else None
        return Status(quarter=quarter, state=state, charter=now.charter, signatures=valid, void=void,
                      changed_since_signoff=compared is not None,
                      changes=diff(compared.content, now) if compared else [], compared_with=compared,
                      problems=problems, head=records[-1].hash if records else GENESIS, records=len(records))

    # --- writes: each checks the acting user's role and the workflow inside one IMMEDIATE transaction ---------------

    def _append(self, quarter: str, user: User, kind: Kind, comment: str,
                decide: Callable[[_Replay], dict[str, Any]]) -> Record:
        comment = Comment(text=comment).text
        if user.is_demo and not demo.holds_demo(self.warehouse_path):
            raise NotAllowed("demo accounts work only on the demo company; sign in with your own account")
        key = self._key(create=True)
        with closing(self._connect()) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                records = self._read(con, quarter)
                problems = self._problems(records, quarter, key=key)
                if problems:
                    raise LedgerTampered(f"the sign-off ledger of {quarter} has been altered: {problems[0]}; "
                                         "restore it from a backup before anything more is recorded")
                payload = decide(_replay(self._own(records)))
                fields = {"quarter": quarter, "position": len(records) + 1, "kind": kind, "recorded_at": _now(),
                          "user": user.name, "role": user.role, "comment": comment,
                          "payload": json.loads(canonical_json(payload)),
                          "previous_hash": records[-1].hash if records else GENESIS}
                fields["hash"] = sha256(fields)
                fields["mac"] = _mac(key, ["record", fields["hash"]])
                cursor = con.execute(sqlfiles.sqlite("record_ledger_entry"),
                                     {**fields, "payload": canonical_json(fields["payload"])})
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        self._write_checkpoint(Checkpoint(quarter=quarter, position=fields["position"], head=fields["hash"],
                                          checkpointed_at=fields["recorded_at"]), key)
        return Record(record_id=cursor.lastrowid, **fields)

    # --- checkpoints: heads kept outside the ledger file ----------------------------------------------------------

    def _ledger_id(self) -> str:
        return str(self.path.resolve())

    def _read_checkpoint_file(self) -> dict[str, Any]:
        try:
            content = json.loads(self.checkpoints_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {"unreadable": True}
        return content if isinstance(content, dict) else {"unreadable": True}

    def _write_checkpoint(self, checkpoint: Checkpoint, key: bytes) -> None:
        """Keep the quarter's new head beside the server key (one file for every ledger of this server)."""
        path = self.checkpoints_path
        with keys.locked(path):
            content = self._read_checkpoint_file()
            if content.get("unreadable"):
                content = {}
            mine = content.setdefault(self._ledger_id(), {})
            mine[checkpoint.quarter] = {"position": checkpoint.position, "head": checkpoint.head,
                                        "checkpointed_at": checkpoint.checkpointed_at,
                                        "mac": _mac(key, checkpoint.fields())}
            keys.write_private(path, json.dumps(content, indent=1, sort_keys=True) + "\n")

    def checkpoints(self) -> list[Checkpoint]:
        """Every checkpoint of this ledger within reach: beside the server key, and in the warehouse's metadata."""
        found = []
        content = self._read_checkpoint_file()
        if content.get("unreadable"):
            found.append(Checkpoint(quarter="", position=0, head="", checkpointed_at="", mac="unreadable",
                                    where=f"the checkpoint file {self.checkpoints_path.name}"))
        for quarter, entry in (content.get(self._ledger_id()) or {}).items():
            try:
                found.append(Checkpoint(quarter=quarter, **entry, where="the checkpoint beside the server key"))
            except (TypeError, ValueError):
                found.append(Checkpoint(quarter=quarter, position=0, head="", checkpointed_at="", mac="unreadable",
                                        where="the checkpoint beside the server key"))
        if self.warehouse_path is not None:
            try:
                reader = warehouse.Reader(self.warehouse_path)
                try:
                    rows = warehouse.checkpoints(reader)
                finally:
                    reader.close()
            except Exception:  # noqa: BLE001 - a warehouse that cannot be read keeps no checkpoint to check
                rows = []
            found += [Checkpoint(quarter=q, position=p, head=h, checkpointed_at=at, mac=m,
                                 where="the warehouse's metadata") for q, p, h, at, m in rows]
        return found

    def checkpoints_to_keep(self) -> list[tuple]:
        """What a new warehouse keeps of the ledger: per quarter, the latest head that checks out (the ledger's own,
        when its chain is intact; else the head the warehouse it replaces kept), authenticated with the key."""
        key = self._key(create=False)
        if key is None:
            return []
        try:
            records = self.records()
        except LedgerDamaged:
            records = []
        kept = {c.quarter: c for c in self.checkpoints()
                if c.where == "the warehouse's metadata" and c.mac == _mac(key, c.fields())}
        by_quarter: dict[str, list[Record]] = {}
        for record in records:
            by_quarter.setdefault(record.quarter, []).append(record)
        for quarter, chain in by_quarter.items():
            if not self._problems(chain, quarter, key=key):
                kept[quarter] = Checkpoint(quarter=quarter, position=chain[-1].position, head=chain[-1].hash,
                                           checkpointed_at=_now())
        return [(c.quarter, c.position, c.head, c.checkpointed_at, _mac(key, c.fields()))
                for c in sorted(kept.values(), key=lambda c: c.quarter)]

    def _problems(self, records: list[Record], quarter: str | None, *, heads: tuple[str, ...] = (),
                  key: bytes | None = None) -> list[str]:
        """Everything wrong with the ledger's records (of one quarter, or all): the chain, each record's
        authentication, every checkpoint within reach, and any head copied from a board pack."""
        key = key if key is not None else self._key(create=False)
        by_quarter: dict[str, list[Record]] = {}
        for record in records:
            by_quarter.setdefault(record.quarter, []).append(record)
        problems = [problem for chain in by_quarter.values() for problem in check_chain(chain)]
        problems += check_authentication(records, key)
        for checkpoint in self.checkpoints():
            if quarter is not None and checkpoint.quarter not in (quarter, ""):
                continue
            problems += check_checkpoint(checkpoint, by_quarter.get(checkpoint.quarter, []), key)
        for head in heads:
            problems += check_head(head, by_quarter, quarter)
        return problems

    def save(self, user: User, charter: Charter, comment: str) -> Record:
        """A new version of the quarter's charter (analysts, while it is not signed by both)."""
        require(user, "edit_charter")

        def decide(replay: _Replay) -> dict[str, Any]:
            if replay.proposed and replay.round_roles() >= set(SIGNING_ROLES):
                raise NotAllowed(f"the {charter.quarter} charter is signed by both and locked; the CMO or the VP of "
                                 "Sales reopens it before it can be edited")
            version = replay.charter.version + 1 if replay.charter else 1
            return charter.model_copy(update={"version": version}).model_dump(mode="json")

        return self._append(charter.quarter, user, "charter", comment, decide)

    def propose(self, user: User, quarter: Quarter | str, comment: str) -> Record:
        """Put the draft up for signature (analysts)."""
        require(user, "propose")
        quarter = _quarter(quarter)
        charter = self.charter_in_force(quarter)

        def decide(replay: _Replay) -> dict[str, Any]:
            if replay.proposed:
                raise NotAllowed(f"the {quarter} charter is already proposed")
            if replay.charter is None:
                # A carried-forward or default charter is saved as version 1 with the proposal, so what is proposed
                # is always a recorded version.
                raise NotAllowed(f"save the {quarter} charter as a version before proposing it")
            return {"version": replay.charter.version, "charter_digest": replay.charter.digest()}

        if self.saved_charter(quarter) is None:
            self.save(user, charter, f"First version of the {quarter} charter"
                      + (f", carried forward from {charter.carried_from}" if charter.carried_from else ""))
        return self._append(quarter, user, "propose", comment, decide)

    def sign(self, user: User, now: Content, *, comment: str, acknowledged_checklist: bool,
             checklist: list[dict[str, Any]]) -> Record:
        """Sign the quarter in the user's own role, over the content as it is now (CMO, VP of Sales)."""
        require(user, "sign")
        if not acknowledged_checklist:
            raise NotAllowed("read and acknowledge the data-quality checklist before signing")
        quarter = now.charter.quarter
        signature = now.signature()

        def decide(replay: _Replay) -> dict[str, Any]:
            if not replay.proposed:
                raise NotAllowed(f"the {quarter} charter is a draft; it is proposed before anyone signs")
            if replay.charter is None or replay.charter.digest() != now.charter.digest():
                raise NotAllowed(f"the {quarter} charter changed while you were reading it; review it and sign again")
            valid = {s.role for s in replay.round if s.signature == signature}
            if user.role in valid:
                raise NotAllowed(f"the {ROLE_TITLES[user.role]} has already signed these numbers")
            return {"signature": signature, "content": now.model_dump(mode="json"), "checklist": checklist,
                    "acknowledged_checklist": True}

        return self._append(quarter, user, "sign", comment, decide)

    def reopen(self, user: User, quarter: Quarter | str, comment: str) -> Record:
        """Back to draft so the charter can be edited; every signature of the round is void (CMO, VP of Sales)."""
        require(user, "reopen")
        quarter = _quarter(quarter)

        def decide(replay: _Replay) -> dict[str, Any]:
            if not replay.proposed:
                raise NotAllowed(f"the {quarter} charter is already a draft")
            return {"voided": sorted(replay.round_roles())}

        return self._append(quarter, user, "reopen", comment, decide)

    def verify(self, quarter: Quarter | str | None = None, *, heads: tuple[str, ...] = ()) -> list[str]:
        """What is wrong with the ledger of one quarter (or of every quarter), empty when it checks out: the chain,
        each record's authentication under the server key, every checkpoint within reach, and `heads` copied from
        board packs. A file that cannot be read at all is one problem saying so."""
        quarter = None if quarter is None else _quarter(quarter)
        try:
            records = self.records(quarter)
        except LedgerDamaged as damaged:
            return [str(damaged)]
        return self._problems(records, quarter, heads=tuple(heads))

    def authenticate_existing(self) -> int:
        """Authenticate the records written before records carried a MAC, once, after checking their chain is intact
        (an administrator's decision: run it only on a ledger trusted as it is). Returns how many were authenticated."""
        key = self._key(create=True)
        with closing(self._connect()) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                records = self._read(con, None)
                by_quarter: dict[str, list[Record]] = {}
                for record in records:
                    by_quarter.setdefault(record.quarter, []).append(record)
                broken = [problem for chain in by_quarter.values() for problem in check_chain(chain)]
                broken += [p for p in check_authentication([r for r in records if r.mac], key)]
                if broken:
                    raise LedgerTampered(f"the sign-off ledger is not intact, so it is not authenticated: {broken[0]}")
                missing = [r for r in records if not r.mac]
                con.execute(sqlfiles.sqlite("drop_ledger_no_update"))
                con.executemany(sqlfiles.sqlite("authenticate_ledger_entry"),
                                [{"mac": _mac(key, ["record", r.hash]), "record_id": r.record_id} for r in missing])
                for statement in schema():
                    con.execute(statement)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        for chain in by_quarter.values():
            self._write_checkpoint(Checkpoint(quarter=chain[-1].quarter, position=chain[-1].position,
                                              head=chain[-1].hash, checkpointed_at=_now()), key)
        return len(missing)

    def head(self, quarter: Quarter | str) -> str:
        """The hash of the quarter's latest record: keep it elsewhere to prove later that nothing was cut off the end."""
        records = self.records(quarter)
        return records[-1].hash if records else GENESIS


def check_authentication(records: list[Record], key: bytes | None) -> list[str]:
    """Records that do not carry the server's authentication: forged, re-hashed or added outside the dashboard."""
    if not records:
        return []
    if key is None:
        return [f"the server key ([{keys.SECTION}] {keys.FIELD} in {keys.secrets_path().name}) is missing, so no "
                "record can be authenticated; restore the secrets file from a backup"]
    problems = []
    for record in records:
        if not record.mac:
            problems.append(f"{record.describe()} is not authenticated: it was added outside the dashboard, or "
                            "written before records were authenticated (`python -m alignment charter authenticate` "
                            "authenticates an intact older ledger once)")
        elif not hmac.compare_digest(record.mac, _mac(key, ["record", record.hash])):
            problems.append(f"{record.describe()} does not carry the server's authentication: it was forged or "
                            "re-hashed outside the dashboard")
    return problems


def check_checkpoint(checkpoint: Checkpoint, chain: list[Record], key: bytes | None) -> list[str]:
    """Whether the quarter's chain still holds the record a checkpoint kept a copy of."""
    where = checkpoint.where
    if checkpoint.mac == "unreadable":
        return [f"{where} cannot be read: it was edited outside the dashboard"]
    if key is not None and not hmac.compare_digest(checkpoint.mac or "", _mac(key, checkpoint.fields())):
        return [f"the {checkpoint.quarter} checkpoint in {where} is not authentic: it was edited outside the "
                "dashboard"]
    kept = (f"{where} kept record {checkpoint.position} (head {checkpoint.head[:16]}…, "
            f"{checkpoint.checkpointed_at[:10]})")
    if not chain:
        return [f"the ledger holds no record of {checkpoint.quarter}, but {kept}: the ledger was emptied, deleted "
                "or replaced"]
    by_position = {record.position: record for record in chain}
    last = max(by_position)
    if checkpoint.position > last:
        cut = (f"records {last + 1}–{checkpoint.position} were" if checkpoint.position > last + 1
               else f"record {last + 1} was")
        return [f"the {checkpoint.quarter} chain ends at record {last}, but {kept}: {cut} cut off"]
    record = by_position.get(checkpoint.position)
    if record is None or record.hash != checkpoint.head:
        return [f"record {checkpoint.position} of {checkpoint.quarter} differs from the one {where} kept (head "
                f"{checkpoint.head[:16]}…, {checkpoint.checkpointed_at[:10]}): the chain was rewritten or replaced"]
    return []


HEAD_DIGITS = 16
"""How much of a head a board pack prints and `charter verify --head` needs at least (64 bits)."""


def check_head(head: str, by_quarter: dict[str, list[Record]], quarter: str | None) -> list[str]:
    """Whether a head copied from a board pack is still a record of the ledger (of the quarter, when given)."""
    head = head.strip().lower().rstrip("…").rstrip(".")
    if len(head) < HEAD_DIGITS or any(c not in "0123456789abcdef" for c in head):
        return [f"--head {head!r} is not a record hash: copy at least {HEAD_DIGITS} hexadecimal characters of the "
                "ledger head printed in the board pack"]
    chains = [by_quarter.get(quarter, [])] if quarter else list(by_quarter.values())
    if any(record.hash.startswith(head) for chain in chains for record in chain):
        return []
    scope = f"of {quarter} " if quarter else ""
    return [f"no record {scope}has the head {head[:HEAD_DIGITS]}… that the board pack shows: the ledger was cut "
            "or replaced after the pack was made"]


def check_chain(records: list[Record]) -> list[str]:
    """Problems with one quarter's records in stored order: edited, deleted or reordered records, each named."""
    problems = []
    by_position = {record.position: record for record in records}
    highest = 0
    for record in records:
        if record.position <= highest:
            problems.append(f"{record.describe()} comes after record {highest}: the records were reordered")
        elif record.position > highest + 1:
            missing = [p for p in range(highest + 1, record.position) if p not in by_position]
            if missing:
                problems.append(f"{record.describe()} follows record {highest}: record "
                                f"{', '.join(map(str, missing))} {'was' if len(missing) == 1 else 'were'} deleted")
            else:
                problems.append(f"{record.describe()} comes after record {highest}: the records were reordered")
        highest = max(highest, record.position)
        if sha256(record.hashed_fields()) != record.hash:
            problems.append(f"{record.describe()} was edited: its content no longer matches its hash")
        before = by_position.get(record.position - 1)
        expected = GENESIS if record.position == 1 else before.hash if before else None
        if expected is not None and record.previous_hash != expected:
            problems.append(f"{record.describe()} does not chain to record {record.position - 1}: "
                            + ("the chain's start was altered" if record.position == 1 else
                               f"record {record.position - 1} was rewritten"))
    return problems


# --- the content a quarter is signed over, taken from the warehouse ---------------------------------------------------

def data_fingerprint(source: Source) -> str:
    """The fingerprint of the loaded extracts (the same files give the same fingerprint)."""
    return warehouse.dataset_info(source).data_fingerprint


def current_content(source: Source, charter: Charter) -> Content:
    return Content(charter=charter, values=metric_values(source, charter), data_fingerprint=data_fingerprint(source))


def checklist(source: Source) -> list[dict[str, Any]]:
    """The data-quality checklist shown before signing: every audit with how many records it finds."""
    return [{"name": c.name, "title": c.title, "count": c.count, "severity": c.severity}
            for c in quality.run_checks(source)]


def sign(ledger: Ledger, user: User, source: Source, quarter: Quarter | str, *, comment: str,
         acknowledged_checklist: bool, shown_signature: str | None = None) -> Record:
    """Sign the quarter's charter in force over the warehouse as it is now; refused when the numbers are not the ones
    the signer was shown (`shown_signature`)."""
    require(user, "sign")  # refuse before computing anything
    now = current_content(source, ledger.charter_in_force(quarter))
    if shown_signature is not None and shown_signature != now.signature():
        raise NotAllowed("the numbers changed since they were shown (a new import or a charter edit); review them "
                         "and sign again")
    return ledger.sign(user, now, comment=comment, acknowledged_checklist=acknowledged_checklist,
                       checklist=checklist(source))
