"""The server's secret key: created once in the secrets file (owner-only), each use deriving a key of its own from it."""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import logging
import os
import secrets as token
import stat
import tomllib
from pathlib import Path

SECRETS_ENV = "ALIGNMENT_SECRETS"
DEFAULT_SECRETS = Path(".streamlit/secrets.toml")
SECTION, FIELD = "server", "key"
KEY_BYTES = 32

log = logging.getLogger(__name__)


class KeyUnavailable(RuntimeError):
    """The secrets file holds no usable server key and none may be created here."""


def secrets_path() -> Path:
    """The secrets file the server's accounts and key live in: $ALIGNMENT_SECRETS, else .streamlit/secrets.toml."""
    return Path(os.environ.get(SECRETS_ENV) or DEFAULT_SECRETS)


def warn_if_readable_by_others(path: Path) -> str | None:
    """A warning (also logged) when the secrets file can be read by other users of the machine; else None."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        message = (f"{path} can be read by other users of this machine (mode {stat.filemode(mode)}); it holds password "
                   f"hashes and the server key: run `chmod 600 {path}`")
        log.warning(message)
        return message
    return None


_cache: dict[tuple, bytes] = {}
"""Keys already read, by the secrets file's identity: pages ask on every run, the file changes rarely."""


def _identity(path: Path) -> tuple | None:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return (str(path.resolve()), found.st_ino, found.st_mtime_ns, found.st_size)


def _read_key(path: Path) -> bytes | None:
    identity = _identity(path)
    if identity in _cache:
        return _cache[identity]
    try:
        with open(path, "rb") as handle:
            section = tomllib.load(handle).get(SECTION) or {}
    except FileNotFoundError:
        return None
    except tomllib.TOMLDecodeError as error:
        raise KeyUnavailable(f"{path} is not valid TOML ({error}); the server key cannot be read") from error
    text = section.get(FIELD) if isinstance(section, dict) else None
    if text is None:
        return None
    try:
        key = base64.b64decode(str(text), validate=True)
    except ValueError as error:
        raise KeyUnavailable(f"[{SECTION}] {FIELD} in {path} is not base64; restore it from a backup") from error
    if len(key) < KEY_BYTES:
        raise KeyUnavailable(f"[{SECTION}] {FIELD} in {path} is shorter than {KEY_BYTES} bytes; restore it from a "
                             "backup")
    if identity is not None:
        warn_if_readable_by_others(path)  # once per version of the file, not on every page run
        _cache[identity] = key
    return key


@contextlib.contextmanager
def locked(path: Path):
    """Hold an exclusive lock beside `path` while reading and rewriting it (two processes never write two versions)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


def master_key(path: Path | None = None, *, create: bool = True) -> bytes:
    """The server key of the secrets file; created there on first use (file made owner-only) unless `create` is off."""
    path = Path(path or secrets_path())
    key = _read_key(path)
    if key is not None:
        return key
    if not create:
        raise KeyUnavailable(f"{path} holds no server key ([{SECTION}] {FIELD}); it is created the first time a "
                             "quarter's charter is recorded")
    with locked(path):
        key = _read_key(path)  # another process may have written it while this one waited
        if key is not None:
            return key
        key = token.token_bytes(KEY_BYTES)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        separator = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
        block = (f"[{SECTION}]\n# Authenticates the sign-off ledger and sign-in sessions. Keep a backup: without it "
                 f"no signed quarter can be verified.\n{FIELD} = \"{base64.b64encode(key).decode('ascii')}\"\n")
        write_private(path, text + separator + block)
        log.info("created the server key in %s", path)
        return key


def write_private(path: Path, text: str) -> None:
    """Replace `path` with `text` whole (written beside it, then swapped in), readable by its owner only."""
    building = path.with_name(f".{path.name}.{token.token_hex(4)}")
    descriptor = os.open(building, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(building, path)
    finally:
        building.unlink(missing_ok=True)


def derived_key(purpose: str, path: Path | None = None, *, create: bool = True) -> bytes:
    """A key for one use only (`ledger`, `session`, …): HMAC-SHA256 of the purpose under the server key."""
    return hmac.new(master_key(path, create=create), purpose.encode("utf-8"), hashlib.sha256).digest()
