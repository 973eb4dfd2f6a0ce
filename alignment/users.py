"""Accounts, roles and what each role may do: salted scrypt hashes in secrets.toml, checked by every state change."""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import hmac
import json
import logging
import os
import re
import secrets as token
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Iterable, Literal, Mapping

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from alignment import keys

Role = Literal["cmo", "vp_sales", "analyst", "viewer"]
ROLES: tuple[str, ...] = ("cmo", "vp_sales", "analyst", "viewer")
ROLE_TITLES = {"cmo": "CMO", "vp_sales": "VP of Sales", "analyst": "Analyst", "viewer": "Viewer"}
SIGNING_ROLES = ("cmo", "vp_sales")

PERMISSIONS: dict[str, frozenset[str]] = {
    "read": frozenset(ROLES),
    "export": frozenset(ROLES),
    "import": frozenset({"analyst"}),
    "edit_charter": frozenset({"analyst"}),
    "propose": frozenset({"analyst"}),
    "sign": frozenset(SIGNING_ROLES),
    "reopen": frozenset(SIGNING_ROLES),
}
"""Action → the roles that may take it (DESIGN §7); the core refuses anything else whatever the screen shows."""

DEFAULT_SECRETS = Path(".streamlit/secrets.toml")
USERS_SECTION = "users"
NAME_PATTERN = r"^[a-z][a-z0-9_-]{1,31}$"
MIN_PASSWORD = 10

# scrypt at n=2^14, r=8 costs about 16 MB and 50 ms per guess: slow for an attacker, unnoticeable at log-in.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
SALT_BYTES = 16

DEMO_PASSWORD = "demo"
DEMO_ACCOUNTS: dict[str, str] = {
    "demo-cmo": "cmo", "demo-vp-sales": "vp_sales", "demo-analyst": "analyst", "demo-viewer": "viewer"}
"""Accounts that exist only while the warehouse holds the demo company (password "demo"); never in secrets.toml."""
# Every name a demo account has or could be given, so no real account can pass for one: `demo`, `demo-…`, and
# `demo_…`, which a person reads as the same name.
RESERVED_NAME = re.compile(r"^demo(?:[-_].*)?$")
PASSWORD_HASH = re.compile(r"^scrypt\$\d{1,10}\$\d{1,10}\$\d{1,10}\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$")

log = logging.getLogger(__name__)


def reserved_name(name: str) -> bool:
    """Whether `name` is kept for the demo company's accounts (`demo`, `demo-…`, `demo_…`)."""
    return bool(RESERVED_NAME.match(name))


def _check_name(value: str) -> str:
    if not re.match(NAME_PATTERN, value):
        raise ValueError("a user name is 2 to 32 characters: lower-case letters, digits, '-' or '_', starting "
                         "with a letter (e.g. ana or ana-lopez)")
    if reserved_name(value):
        raise ValueError(f"'{value}' is a demo account name: 'demo' and names starting 'demo-' or 'demo_' are kept "
                         "for the demo company's accounts; pick another name (e.g. ana-lopez)")
    return value


AccountName = Annotated[str, AfterValidator(_check_name)]
"""A real account's name: the name pattern, and none of the names kept for demo accounts."""


class NotAllowed(PermissionError):
    """A user tried something their role may not do, or the workflow does not allow now."""


class User(BaseModel):
    """Who is acting: an account name, its role, and whether it is a demo account."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    role: Role
    is_demo: bool = False

    @property
    def title(self) -> str:
        return ROLE_TITLES[self.role]


class Account(BaseModel):
    """One `[users.NAME]` table of secrets.toml."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: AccountName
    role: Role
    password_hash: str = Field(repr=False)
    email: str | None = None

    @field_validator("password_hash")
    @classmethod
    def _password_hash(cls, value: str) -> str:
        if not PASSWORD_HASH.match(value):
            raise ValueError("password_hash is not a hash written by `python -m alignment users add` "
                             "(scrypt$n$r$p$salt$hash); run that command to set the password again")
        return value

    def user(self) -> User:
        return User(name=self.name, role=self.role)

    @property
    def stamp(self) -> str:
        """A short digest of the password hash: a session issued before the password changed no longer matches."""
        return hashlib.sha256(self.password_hash.encode("ascii")).hexdigest()[:16]


class NewAccount(BaseModel):
    """What `users add` is given, checked before anything is written."""

    model_config = ConfigDict(extra="forbid")

    name: AccountName
    role: Role
    password: str = Field(repr=False)
    email: str | None = None

    @field_validator("password")
    @classmethod
    def _password(cls, value: str) -> str:
        if len(value) < MIN_PASSWORD:
            raise ValueError(f"the password must be at least {MIN_PASSWORD} characters long")
        return value


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """scrypt$n$r$p$salt$hash (base64), with a fresh random salt unless one is given."""
    salt = token.token_bytes(SALT_BYTES) if salt is None else salt
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    """Whether `password` matches a stored scrypt hash (compared in constant time)."""
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@functools.cache
def _demo_hash() -> str:
    # A fixed salt is fine: the demo password is published on the log-in screen.
    return hash_password(DEMO_PASSWORD, salt=b"demo-company-acc")


@functools.cache
def _unknown_hash() -> str:
    # Checked against when the name is unknown, so an unknown name costs the same time as a wrong password.
    return hash_password("no such account", salt=b"unknown-account!")


def plain(value: Any) -> Any:
    """A mapping (st.secrets and its tables included) as nested plain dicts, so it can be compared and cached."""
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def accounts(secrets: Mapping[str, Any] | None) -> dict[str, Account]:
    """The accounts of a secrets mapping (st.secrets, or a parsed secrets.toml): its `[users.NAME]` tables. An entry
    that is not a valid account is left out with a log line saying what to fix; the others still sign in."""
    section = plain((secrets or {}).get(USERS_SECTION) or {})
    return dict(_accounts(json.dumps(section, sort_keys=True, default=str)))


@functools.lru_cache(maxsize=16)
def _accounts(section_json: str) -> tuple[tuple[str, Account], ...]:
    # Cached by the section's content: read on every run, a bad entry is logged once per version of the file.
    section = json.loads(section_json)
    if not isinstance(section, dict):
        log.warning("[%s] in the secrets file is not a table of accounts; no local account can sign in until it is "
                    "made one ([%s.NAME] tables, as `python -m alignment users add` writes them)", USERS_SECTION,
                    USERS_SECTION)
        return ()
    found = []
    for name, fields in section.items():
        account, problem = _account(name, fields)
        if account is None:
            log.warning("skipped the account [%s.%s] of the secrets file: %s", USERS_SECTION, _printable(name),
                        problem)
        else:
            found.append((name, account))
    return tuple(found)


def _account(name: str, fields: Any) -> tuple[Account | None, str]:
    """A `[users.NAME]` entry as an account, or why it is none, in words that never repeat its values (a hash, or a
    password typed where a hash belongs)."""
    if not isinstance(fields, dict):
        return None, "it is not a table; write it as [users.NAME] with role and password_hash"
    try:
        return Account(name=name, **fields), ""
    except ValidationError as error:
        return None, problems(error)
    except TypeError:  # a key the table may not hold under its own name, e.g. `name = …` inside [users.NAME]
        return None, "it holds a field that is not role, password_hash or email"


def problems(error: ValidationError) -> str:
    """A validation error as `field: rule` phrases, never the values given (a hash, or a password typed by mistake)."""
    return "; ".join(f"{'.'.join(str(part) for part in problem['loc']) or 'entry'}: {problem['msg']}"
                     for problem in error.errors(include_input=False, include_url=False))


def _printable(text: str) -> str:
    """A name from the secrets file safe to put on one log line (control characters shown as escapes)."""
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def authenticate(name: str, password: str, *, secrets: Mapping[str, Any] | None, demo: bool) -> User | None:
    """The user with that name and password, else None; demo accounts count only while `demo` (demo data loaded)."""
    name = name.strip().lower()
    if name in DEMO_ACCOUNTS:
        if demo and check_password(password, _demo_hash()):
            return User(name=name, role=DEMO_ACCOUNTS[name], is_demo=True)
        check_password(password, _unknown_hash())
        return None
    account = accounts(secrets).get(name)
    if account is None:
        check_password(password, _unknown_hash())
        return None
    return account.user() if check_password(password, account.password_hash) else None


def single_sign_on_user(email: str | None, *, secrets: Mapping[str, Any] | None) -> User | None:
    """The account an identity provider's e-mail maps to (the `email` of a `[users.NAME]` table), else None."""
    if not email:
        return None
    for account in accounts(secrets).values():
        if account.email and account.email.strip().lower() == email.strip().lower():
            return account.user()
    return None


def can(user: User | None, action: str) -> bool:
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action '{action}'; known: {', '.join(PERMISSIONS)}")
    return user is not None and user.role in PERMISSIONS[action]


def require(user: User | None, action: str) -> User:
    """The user, if their role may take `action`; else NotAllowed saying who may."""
    if user is None:
        raise NotAllowed("sign in first")
    if not can(user, action):
        allowed = " or ".join(ROLE_TITLES[role] for role in ROLES if role in PERMISSIONS[action])
        raise NotAllowed(f"{user.name} is {article(user.title)} {user.title}; only {allowed} may "
                         f"{action.replace('_', ' ')}")
    return user


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def read_secrets(path: Path = DEFAULT_SECRETS) -> dict[str, Any]:
    """A secrets.toml file as a mapping (empty when the file does not exist)."""
    path = Path(path)
    if not path.exists():
        return {}
    with open(path, "rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True)
class SecretsFiles:
    """What the server's secrets files hold right now, merged as Streamlit merges them, and which could not be read."""

    values: dict[str, Any]
    unreadable: tuple[str, ...] = ()


def read_secrets_files(paths: Iterable[str | Path]) -> SecretsFiles:
    """The secrets files as they are now (each run calls this, so an account removed or demoted a moment ago is
    already gone); a later file's top-level tables replace an earlier one's. A file that is not valid TOML adds
    nothing (no account of it signs in) and is named in `unreadable`."""
    values: dict[str, Any] = {}
    unreadable = []
    for path in paths:
        if not str(path).endswith(".toml"):
            continue  # a folder of secrets holds no [users] tables
        try:
            with open(path, "rb") as handle:
                content, mode = handle.read(), os.fstat(handle.fileno()).st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as error:
            log.warning("cannot read the secrets file %s (%s); its accounts cannot sign in", path,
                        error.strerror or type(error).__name__)
            unreadable.append(str(path))
            continue
        parsed = _parsed_secrets(str(path), content, mode)
        if parsed is None:
            unreadable.append(str(path))
        else:
            values.update(copy.deepcopy(parsed))  # the cached parse stays as the file was
    return SecretsFiles(values=values, unreadable=tuple(unreadable))


@functools.lru_cache(maxsize=8)
def _parsed_secrets(path: str, content: bytes, mode: int) -> dict[str, Any] | None:
    # Keyed by the bytes themselves, not the file's time stamp: an edit that keeps the size inside one tick of the
    # clock is still seen. The bytes of a secrets file are a few kilobytes, read in microseconds.
    keys.warn_if_readable_by_others(Path(path))
    try:
        return tomllib.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        # The parser's message names the line and column, never the text there.
        log.warning("the secrets file %s is not valid TOML (%s); no account in it can sign in until it is fixed",
                    path, error)
        return None


def _toml_string(text: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes for the ASCII text written here.
    return json.dumps(text, ensure_ascii=True)


def _without_block(text: str, name: str) -> str:
    """secrets.toml text without the `[users.NAME]` table (its header line up to the next table header)."""
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        header = line.strip()
        if header.startswith("["):
            skipping = header in (f"[{USERS_SECTION}.{name}]", f'[{USERS_SECTION}."{name}"]')
        if not skipping:
            kept.append(line)
    return "".join(kept)


def add_account(new: NewAccount, path: Path = DEFAULT_SECRETS, *, replace: bool = False) -> Account:
    """Write the account into secrets.toml (other content kept); an existing name needs `replace`."""
    path = Path(path)
    existing = accounts(read_secrets(path))
    if new.name in existing and not replace:
        raise ValueError(f"user '{new.name}' already exists in {path}; pass --replace to set a new password or role")
    account = Account(name=new.name, role=new.role, password_hash=hash_password(new.password), email=new.email)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if new.name in existing:
        text = _without_block(text, new.name)
    lines = [f"[{USERS_SECTION}.{account.name}]", f"role = {_toml_string(account.role)}",
             f"password_hash = {_toml_string(account.password_hash)}"]
    if account.email:
        lines.append(f"email = {_toml_string(account.email)}")
    separator = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created readable by its owner only (password hashes), and kept so when it already existed.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text + separator + "\n".join(lines) + "\n")
    path.chmod(0o600)
    # Read back through the same parser the app uses, so a file that no longer parses fails here, not at log-in.
    if accounts(read_secrets(path)).get(account.name) != account:
        raise RuntimeError(f"{path} did not read back as written; check the file by hand")
    return account
