"""Sign-in that resists guessing: failed attempts slow down and then lock each account and each client, logged
without the password."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from pydantic import BaseModel, ConfigDict, Field

from alignment import users
from alignment.users import User

log = logging.getLogger(__name__)

LOCAL_CLIENT = "local"
"""The client key of a visitor on the server's own machine (Streamlit gives no address for localhost)."""


class ThrottleRule(BaseModel):
    """How failed sign-ins under one key (an account name, or a client address) slow down the next attempt."""

    model_config = ConfigDict(frozen=True)

    free_failures: int = Field(ge=0, description="failures answered at once, for typing mistakes")
    first_delay: float = Field(gt=0, description="seconds to wait after the first failure beyond the free ones")
    longest_delay: float = Field(gt=0, description="the growing wait (doubling per failure) stops here")
    lockout_after: int = Field(gt=0, description="failures that lock the key")
    lockout_seconds: float = Field(gt=0, description="how long a lock lasts; each failure after it locks again")
    forget_after: float = Field(gt=0, description="seconds without a failure after which the key starts afresh")

    def wait_after(self, failures: int) -> float:
        """Seconds before the next attempt once `failures` failures are on record."""
        if failures >= self.lockout_after:
            return self.lockout_seconds
        if failures <= self.free_failures:
            return 0.0
        return min(self.first_delay * 2 ** (failures - self.free_failures - 1), self.longest_delay)


# An account gets three typing mistakes, then waits 1, 2, 4 … 60 s, and is locked for 15 minutes at the tenth
# failure within the hour: about four guesses an hour after that. A client (one address, perhaps a whole office
# behind one router) gets more room before it is slowed and locked.
ACCOUNT_RULE = ThrottleRule(free_failures=3, first_delay=1, longest_delay=60, lockout_after=10,
                            lockout_seconds=15 * 60, forget_after=60 * 60)
CLIENT_RULE = ThrottleRule(free_failures=10, first_delay=1, longest_delay=60, lockout_after=50,
                           lockout_seconds=15 * 60, forget_after=60 * 60)
MAX_KEYS = 100_000
"""Keys kept at most (a name sprayer cannot grow the table without bound); the least recently failed go first."""


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is not checked now: the wait left, and whether the account or client is locked."""

    wait_seconds: float
    locked: bool
    busy: bool = False

    @property
    def message(self) -> str:
        """What the sign-in form says; the same for real and unknown names, so it tells no one which names exist."""
        if self.busy:
            return ("Several sign-ins are being checked at this moment; try again in a second (nothing was counted "
                    "against you).")
        if self.locked:
            minutes = max(1, math.ceil(self.wait_seconds / 60))
            return (f"Too many failed sign-ins for this user name or from this network: signing in is locked for "
                    f"{minutes} minute{'s' if minutes > 1 else ''}. Try again then, or ask whoever runs the dashboard "
                    "to check the account.")
        seconds = max(1, math.ceil(self.wait_seconds))
        return (f"Too many failed sign-ins: wait {seconds} second{'s' if seconds > 1 else ''} before trying again, "
                "then check the user name and the password.")


@dataclass
class _Record:
    failures: int = 0
    last_failure_at: float = 0.0
    blocked_until: float = 0.0


CHECKS_AT_ONCE = {"account": 1, "client": 4}
"""Attempts checked at the same moment per account and per client: many sessions submitting together would otherwise
all pass before the first failure is counted (and each scrypt check holds 16 MB)."""
QUEUE_SECONDS = 10.0
"""How long an attempt waits for its turn behind those being checked (a whole office signing in at nine, one account
open in two tabs) before it is asked to try again; it is then not counted as a failure."""


class Throttle:
    """Failed sign-ins per account name and per client, shared by every session of one server (thread-safe).

    An attempt is `begin`-ed (refused while the account or client must wait, or has too many checks running), then
    ended by exactly one of `failed` and `succeeded`."""

    def __init__(self, *, account_rule: ThrottleRule = ACCOUNT_RULE, client_rule: ThrottleRule = CLIENT_RULE,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS) -> None:
        self._rules = {"account": account_rule, "client": client_rule}
        self._clock = clock
        self._max_keys = max_keys
        self._records: OrderedDict[tuple[str, str], _Record] = OrderedDict()
        self._checking: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        self._turn = threading.Condition(self._lock)

    @staticmethod
    def account_key(name: str) -> str:
        """Names are counted as the form reads them, so `Ana ` and `ana` share one count."""
        return name.strip().lower()[:64]

    def _keys(self, name: str, client: str) -> tuple[tuple[str, str], tuple[str, str]]:
        return ("account", self.account_key(name)), ("client", client)

    def _live(self, key: tuple[str, str], now: float) -> _Record | None:
        record = self._records.get(key)
        if record is not None and record.blocked_until <= now \
                and now - record.last_failure_at > self._rules[key[0]].forget_after:
            del self._records[key]
            return None
        return record

    def begin(self, name: str, client: str, *, wait: float = QUEUE_SECONDS) -> Refusal | None:
        """Start checking an attempt for `name` from `client`, or say why it must wait (nothing is checked then).

        Behind attempts being checked under the same account or client it waits its turn, `wait` seconds at most,
        then asks to try again (busy); an account or client that must wait after failures is refused at once."""
        deadline = time.monotonic() + wait
        with self._lock:
            while True:
                now = self._clock()
                waiting = []
                for key in self._keys(name, client):
                    record = self._live(key, now)
                    if record is not None and record.blocked_until > now:
                        waiting.append(Refusal(wait_seconds=record.blocked_until - now,
                                               locked=record.failures >= self._rules[key[0]].lockout_after))
                if waiting:
                    return max(waiting, key=lambda refusal: (refusal.locked, refusal.wait_seconds))
                if all(self._checking.get(key, 0) < CHECKS_AT_ONCE[key[0]] for key in self._keys(name, client)):
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    return Refusal(wait_seconds=1.0, locked=False, busy=True)
                self._turn.wait(left)
            for key in self._keys(name, client):
                self._checking[key] = self._checking.get(key, 0) + 1
            return None

    def _done(self, keys: tuple[tuple[str, str], ...]) -> None:
        for key in keys:
            left = self._checking.get(key, 0) - 1
            if left > 0:
                self._checking[key] = left
            else:
                self._checking.pop(key, None)
        self._turn.notify_all()

    def failed(self, name: str, client: str) -> tuple[int, int, Refusal | None]:
        """End an attempt that failed: the account's and the client's failures so far, and the wait now imposed."""
        now = self._clock()
        with self._lock:
            keys = self._keys(name, client)
            self._done(keys)
            counts, refusals = [], []
            for key in keys:
                record = self._live(key, now) or _Record()
                record.failures += 1
                record.last_failure_at = now
                wait = self._rules[key[0]].wait_after(record.failures)
                record.blocked_until = now + wait
                self._records[key] = record
                self._records.move_to_end(key)
                counts.append(record.failures)
                if wait > 0:
                    refusals.append(Refusal(wait_seconds=wait,
                                            locked=record.failures >= self._rules[key[0]].lockout_after))
            while len(self._records) > self._max_keys:
                self._records.popitem(last=False)
        refusal = max(refusals, key=lambda r: (r.locked, r.wait_seconds)) if refusals else None
        return counts[0], counts[1], refusal

    def succeeded(self, name: str, client: str) -> None:
        """End an attempt that succeeded: the account starts afresh; the client does not (one good account must not
        buy its holder more guesses at the others)."""
        with self._lock:
            keys = self._keys(name, client)
            self._done(keys)
            self._records.pop(keys[0], None)


NO_MATCH = "That user name and password do not match an account. Check both and try again."
"""One message for a wrong password and an unknown name, so the form does not tell which user names exist."""


@dataclass(frozen=True)
class Outcome:
    """The result of one sign-in attempt: the user, or the message the form shows."""

    user: User | None
    message: str = ""


def attempt(name: str, password: str, *, client: str, secrets: Mapping[str, Any] | None, demo: bool,
            throttle: Throttle) -> Outcome:
    """Check a sign-in behind the throttle; every refusal is logged with the account and the client, never the
    password, and a name that is no account is logged as such, never as typed (it may be a password)."""
    shown = _logged_name(name, users.accounts(secrets))
    refusal = throttle.begin(name, client)
    if refusal is not None:
        log.warning("sign-in refused unchecked: %s from %s %s", shown, client,
                    "waited its turn too long behind others being checked" if refusal.busy else
                    f"must wait {refusal.wait_seconds:.0f} s more" + (" (locked)" if refusal.locked else ""))
        return Outcome(None, refusal.message)
    user = None
    try:
        user = users.authenticate(name, password, secrets=secrets, demo=demo)
    finally:
        if user is None:  # an error while checking counts as a failure too
            account_failures, client_failures, imposed = throttle.failed(name, client)
        else:
            throttle.succeeded(name, client)
    if user is not None:
        log.info("signed in %s (%s) from %s", user.name, user.title, client)
        return Outcome(user)
    log.warning("sign-in failed: %s from %s (failure %d for the name, %d from the client)%s", shown, client,
                account_failures, client_failures,
                f"; {'locked' if imposed.locked else 'next attempt allowed in'} {imposed.wait_seconds:.0f} s"
                if imposed else "")
    return Outcome(None, imposed.message if imposed else NO_MATCH)


def _logged_name(name: str, known: Mapping[str, users.Account]) -> str:
    normal = Throttle.account_key(name)
    if normal in known or normal in users.DEMO_ACCOUNTS:
        return f"account {normal}"
    return "an unknown user name"
