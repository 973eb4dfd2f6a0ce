"""Signed, expiring session tokens: a browser reload stays signed in for a bounded time, and sign-out ends the token."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import re
import secrets as token_bytes
import threading
import time
from typing import Any, Callable, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from alignment import users
from alignment.users import Account, Role, User

log = logging.getLogger(__name__)

SETTINGS_SECTION = "sign_in"
DEFAULT_HOURS = 12.0
LONGEST_HOURS = 7 * 24.0
SESSIONS_PER_ACCOUNT = 20
"""Live sessions one account may hold; a new one ends the oldest (the server's list of sessions stays bounded)."""
CLOCK_SKEW_SECONDS = 60
# base64url of the claims, a dot, base64url of an HMAC-SHA256 (43 characters): nothing else is ever read as a token.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,1024}\.[A-Za-z0-9_-]{43}$")


class Settings(BaseModel):
    """The `[sign_in]` table of secrets.toml (optional)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    session_hours: float = Field(
        DEFAULT_HOURS, gt=0, le=LONGEST_HOURS,
        description="how long a sign-in lasts, reloads included, before the password is asked for again")

    @property
    def lifetime(self) -> dt.timedelta:
        return dt.timedelta(hours=self.session_hours)


def settings(secrets: Mapping[str, Any] | None) -> Settings:
    """The sign-in settings of the secrets; a table that does not validate is logged and the defaults apply."""
    section = users.plain((secrets or {}).get(SETTINGS_SECTION) or {})
    return _settings(json.dumps(section, sort_keys=True, default=str))


@functools.lru_cache(maxsize=8)
def _settings(section_json: str) -> Settings:
    # Cached by content: read on every run, a bad table is logged once per version of the file.
    try:
        return Settings.model_validate_json(section_json)
    except ValidationError as error:
        log.warning("[%s] in the secrets file is not valid (%s); sessions last the default %g hours until it is "
                    "fixed", SETTINGS_SECTION, users.problems(error), DEFAULT_HOURS)
        return Settings()


class Claims(BaseModel):
    """What a session token says: who, in which role, since and until when, and the token's own random id."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    name: str = Field(min_length=1, max_length=64)
    role: Role
    demo: bool = False
    stamp: str = Field(max_length=64, description="the account's password stamp when the token was issued")
    issued_at: int
    expires_at: int
    id: str = Field(pattern=r"^[0-9a-f]{32}$")

    def user(self) -> User:
        return User(name=self.name, role=self.role, is_demo=self.demo)


DEMO_STAMP = "demo"
"""The stamp of a demo account, whose password is published and never changes."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionBook:
    """The session tokens one server issued and has not ended: shared by all its sessions (thread-safe). Kept in
    memory on purpose: a restarted server has ended every session, so an ended token can never come back."""

    def __init__(self, key: bytes, *, clock: Callable[[], float] = time.time,
                 per_account: int = SESSIONS_PER_ACCOUNT) -> None:
        self._key = key
        self._clock = clock
        self._per_account = per_account
        self._live: dict[str, tuple[str, int]] = {}  # token id → (account name, expiry), oldest first
        self._lock = threading.Lock()

    def _signature(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest())

    def issue(self, user: User, *, stamp: str, lifetime: dt.timedelta) -> str:
        """A new token for `user`, valid for `lifetime` or until it is ended."""
        now = int(self._clock())
        claims = Claims(name=user.name, role=user.role, demo=user.is_demo, stamp=stamp, issued_at=now,
                        expires_at=now + max(1, int(lifetime.total_seconds())), id=token_bytes.token_hex(16))
        with self._lock:
            for token_id, (_, expires_at) in list(self._live.items()):
                if expires_at <= now:
                    del self._live[token_id]
            held = [token_id for token_id, (name, _) in self._live.items() if name == user.name]
            for token_id in held[:max(0, len(held) - self._per_account + 1)]:
                del self._live[token_id]
            self._live[claims.id] = (claims.name, claims.expires_at)
        payload = _b64(claims.model_dump_json().encode("utf-8"))
        return f"{payload}.{self._signature(payload)}"

    def _signed_claims(self, token: object) -> Claims | None:
        """The claims of a token this server signed (whatever their times), else None."""
        if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
            return None
        payload, signature = token.split(".")
        if not hmac.compare_digest(signature, self._signature(payload)):
            log.warning("refused a session token whose signature does not match (forged, altered, or signed with "
                        "another server key)")
            return None
        try:
            return Claims.model_validate_json(_unb64(payload))
        except (ValueError, ValidationError):
            log.warning("refused a signed session token whose claims do not read")
            return None

    def verify(self, token: object, *, lifetime: dt.timedelta) -> Claims | None:
        """The claims of a token that is signed by this server, not expired, not longer-lived than `lifetime` allows
        now, and not ended; else None."""
        claims = self._signed_claims(token)
        if claims is None:
            return None
        now = self._clock()
        if not claims.issued_at - CLOCK_SKEW_SECONDS <= now < claims.expires_at:
            return None
        if claims.expires_at - claims.issued_at > lifetime.total_seconds() + 1:
            return None  # issued under a longer lifetime than the one set now: shortening it applies at once
        with self._lock:
            return claims if self._live.get(claims.id) == (claims.name, claims.expires_at) else None

    def end(self, token: object) -> None:
        """End the session of a token (sign-out): a copy of it kept anywhere no longer signs in."""
        claims = self._signed_claims(token)
        if claims is not None:
            with self._lock:
                self._live.pop(claims.id, None)

    def seconds_left(self, claims: Claims) -> int:
        return max(0, int(claims.expires_at - self._clock()))


def stamp(user: User, accounts: Mapping[str, Account]) -> str | None:
    """The password stamp a session of `user` carries: its account's, or the demo accounts' one."""
    if user.is_demo:
        return DEMO_STAMP
    account = accounts.get(user.name)
    return account.stamp if account is not None else None


def ended_because(user: User, claims: Claims | None, accounts: Mapping[str, Account], *,
                  demo_loaded: Callable[[], bool]) -> str | None:
    """Why a session of `user` may no longer act, checked on every run against the accounts as they are now (a
    phrase for the screen and the log), or None while it may. A changed role ends the session rather than carrying
    the new rights into it: whoever holds the account signs in again, knowingly, in the new role."""
    if claims is not None and claims.user() != user:
        return "the session does not belong to this account"
    if user.is_demo:
        if users.DEMO_ACCOUNTS.get(user.name) != user.role:
            return "this demo account does not exist"
        return None if demo_loaded() else "the demo company is no longer loaded"
    account = accounts.get(user.name)
    if account is None:
        return "the account was removed"
    if account.role != user.role:
        return f"the account's role changed to {account.user().title}"
    if claims is not None and claims.stamp != account.stamp:
        return "the account's password was changed"
    return None
