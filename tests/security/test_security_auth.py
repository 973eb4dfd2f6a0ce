"""Attacks on signing in: guessing passwords, forging or replaying session tokens, stale sessions of removed or demoted
accounts, bad or look-alike entries in secrets.toml, and error details reaching a visitor."""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import logging
import os
import threading
import re
import tomllib
from pathlib import Path

import pytest
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from alignment import cli, demo, keys, sessions, signin, users, warehouse
from alignment.ingest.load import import_extracts
from alignment.users import User

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PASSWORD = "correct horse battery"
CLIENT = "203.0.113.7"


@functools.cache
def _hash(password: str = PASSWORD) -> str:
    return users.hash_password(password)


def _entry(name: str, role: str, password_hash: str | None = None) -> str:
    return f'[users."{name}"]\nrole = "{role}"\npassword_hash = "{password_hash or _hash()}"\n\n'


def _secrets(*entries: str) -> dict:
    return tomllib.loads("".join(entries))


class Clock:
    """A clock the test moves by hand, so waits of minutes take no time."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _no_password_logged(caplog, *secrets_: str) -> None:
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged, "nothing was logged"
    for secret in secrets_:
        assert secret not in logged


# --- guessing passwords --------------------------------------------------------------------------------------------

def _wait(message: str) -> int:
    """The seconds a refusal tells the person to wait (0 for the plain no-match answer)."""
    if message == signin.NO_MATCH:
        return 0
    match = re.search(r"wait (\d+) seconds?|locked for (\d+) minutes?", message)
    assert match, message
    return int(match.group(1)) if match.group(1) else int(match.group(2)) * 60


def test_guessing_one_account_is_slowed_then_locked_and_logged_without_the_password(caplog, monkeypatch):
    caplog.set_level(logging.INFO)
    clock, known = Clock(), _secrets(_entry("carla", "cmo"))
    throttle = signin.Throttle(clock=clock)
    checked = []
    check_password = users.check_password
    monkeypatch.setattr(users, "check_password", lambda *args: checked.append(1) or check_password(*args))
    waits = []
    for guess in range(10):
        outcome = signin.attempt("carla", f"guess {guess}", client=CLIENT, secrets=known, demo=False,
                                 throttle=throttle)
        assert outcome.user is None
        waits.append(_wait(outcome.message))
        if waits[-1]:
            # The right password, too soon: refused without the password being looked at.
            before = len(checked)
            too_soon = signin.attempt("carla", PASSWORD, client=CLIENT, secrets=known, demo=False,
                                      throttle=throttle)
            assert too_soon.user is None and too_soon.message == outcome.message and len(checked) == before
        clock.advance(waits[-1])  # the attacker waits exactly as long as told
    # Three typing mistakes cost nothing; then the wait doubles; the tenth failure locks for 15 minutes.
    assert waits == [0, 0, 0, 1, 2, 4, 8, 16, 32, 15 * 60], waits
    # Once the lock has passed, the right password signs in.
    assert signin.attempt("carla", PASSWORD, client=CLIENT, secrets=known, demo=False,
                          throttle=throttle).user == User(name="carla", role="cmo")
    _no_password_logged(caplog, PASSWORD, *(f"guess {guess}" for guess in range(10)))
    assert "sign-in failed: account carla from 203.0.113.7 (failure 10 for the name, 10 from the client); " \
           "locked 900 s" in caplog.text


def test_locked_means_the_right_password_is_refused_too():
    clock, known = Clock(), _secrets(_entry("carla", "cmo"))
    throttle = signin.Throttle(clock=clock)
    for guess in range(10):
        clock.advance(60)
        signin.attempt("carla", f"guess {guess}", client=CLIENT, secrets=known, demo=False, throttle=throttle)
    refused = signin.attempt("carla", PASSWORD, client="198.51.100.1", secrets=known, demo=False, throttle=throttle)
    assert refused.user is None and "locked for 15 minutes" in refused.message  # from another address too
    clock.advance(15 * 60)
    assert signin.attempt("carla", PASSWORD, client=CLIENT, secrets=known, demo=False, throttle=throttle).user


def test_one_password_sprayed_over_many_names_from_one_client_is_locked():
    clock, known = Clock(), _secrets(_entry("carla", "cmo"))
    throttle = signin.Throttle(clock=clock)
    waits = []
    for number in range(signin.CLIENT_RULE.lockout_after):
        outcome = signin.attempt(f"name-{number}", "Summer2024!", client=CLIENT, secrets=known, demo=False,
                                 throttle=throttle)
        waits.append(_wait(outcome.message))
        clock.advance(waits[-1] if waits[-1] < 15 * 60 else 0)
    assert waits[:10] == [0] * 10 and waits[10:13] == [1, 2, 4] and waits[-1] == 15 * 60, waits
    # The real account cannot be reached from that client now; from elsewhere it can.
    assert signin.attempt("carla", PASSWORD, client=CLIENT, secrets=known, demo=False, throttle=throttle).user is None
    assert signin.attempt("carla", PASSWORD, client="198.51.100.1", secrets=known, demo=False,
                          throttle=throttle).user == User(name="carla", role="cmo")


def test_an_unknown_name_is_answered_exactly_like_a_real_one():
    known = _secrets(_entry("carla", "cmo"))

    def answers(name: str) -> list[str]:
        clock = Clock()
        throttle = signin.Throttle(clock=clock)
        said = []
        for guess in range(12):
            said.append(signin.attempt(name, f"guess {guess}", client=CLIENT, secrets=known, demo=False,
                                       throttle=throttle).message)
            clock.advance(3)
        return said

    assert answers("carla") == answers("nobody-here")


def test_attempts_sent_at_the_same_moment_are_checked_one_at_a_time():
    throttle = signin.Throttle(clock=Clock())
    assert throttle.begin("carla", CLIENT) is None
    second = throttle.begin("carla", "198.51.100.1", wait=0)  # another session, another address, same account
    assert second is not None and second.busy and not second.locked
    assert "nothing was counted against you" in second.message
    throttle.failed("carla", CLIENT)
    assert throttle.begin("carla", "198.51.100.1") is None


def test_many_right_sign_ins_at_once_wait_their_turn_instead_of_being_refused():
    """Twenty sessions of one office (one address), half of them one account open in two tabs: all get in."""
    import concurrent.futures

    known = _secrets(*(_entry(f"user-{n}", "viewer") for n in range(10)))
    throttle = signin.Throttle()
    barrier = threading.Barrier(20)

    def sign_in(number: int):
        barrier.wait()
        return signin.attempt(f"user-{number % 10}", PASSWORD, client=CLIENT, secrets=known, demo=False,
                              throttle=throttle)

    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(sign_in, range(20)))
    assert all(o.user is not None for o in outcomes), [o.message for o in outcomes if o.user is None]


def test_a_queued_guess_still_waits_out_the_failure_before_it(monkeypatch):
    import concurrent.futures

    known = _secrets(_entry("carla", "cmo"))
    throttle = signin.Throttle(account_rule=signin.ThrottleRule(
        free_failures=0, first_delay=30, longest_delay=60, lockout_after=10, lockout_seconds=900, forget_after=3600))
    checked = []
    real = users.authenticate
    monkeypatch.setattr(users, "authenticate", lambda *a, **k: checked.append(a[0]) or real(*a, **k))
    barrier = threading.Barrier(2)

    def guess(number: int):
        barrier.wait()
        return signin.attempt("carla", f"guess {number}", client=f"10.0.0.{number}", secrets=known, demo=False,
                              throttle=throttle)

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        messages = [o.message for o in pool.map(guess, range(2))]
    # One guess is checked and fails; the other, queued behind it, is then refused unchecked for the wait it imposed.
    assert checked == ["carla"]
    assert all(m.startswith("Too many failed sign-ins: wait 30 seconds") for m in messages)


def test_a_password_typed_into_the_name_field_is_not_logged(caplog):
    caplog.set_level(logging.INFO)
    known = _secrets(_entry("carla", "cmo"))
    signin.attempt("hunter2-my-password", "carla", client=CLIENT, secrets=known, demo=False,
                   throttle=signin.Throttle(clock=Clock()))
    _no_password_logged(caplog, "hunter2")
    assert "an unknown user name" in caplog.text


def test_the_throttle_s_memory_stays_bounded_under_a_name_spray():
    clock = Clock()
    throttle = signin.Throttle(clock=clock, max_keys=50)
    for number in range(500):
        clock.advance(120)
        throttle.begin(f"sprayed-{number}", f"10.0.{number // 250}.{number % 250}")
        throttle.failed(f"sprayed-{number}", f"10.0.{number // 250}.{number % 250}")
    assert len(throttle._records) <= 50


# --- session tokens ------------------------------------------------------------------------------------------------

HOURS_12 = dt.timedelta(hours=12)
CARLA = User(name="carla", role="cmo")


def _book(clock=None, key: bytes = b"k" * 32) -> sessions.SessionBook:
    return sessions.SessionBook(key, clock=clock or Clock())


def _reencoded(token: str, **changes) -> str:
    """The token with its claims changed and its old signature kept."""
    payload, signature = token.split(".")
    claims = json.loads(sessions._unb64(payload)) | changes
    return sessions._b64(json.dumps(claims).encode()) + "." + signature


def test_a_token_verifies_only_as_it_was_issued():
    book = _book()
    token = book.issue(CARLA, stamp="s1", lifetime=HOURS_12)
    assert book.verify(token, lifetime=HOURS_12).user() == CARLA


@pytest.mark.parametrize("attack", ["forged with another key", "role raised", "expiry pushed back", "name swapped",
                                    "signature dropped", "signature of nothing", "not a token", "claims not JSON"])
def test_forged_or_tampered_tokens_are_refused(attack, caplog):
    book = _book()
    token = book.issue(User(name="vic", role="viewer"), stamp="s1", lifetime=HOURS_12)
    forged = {
        "forged with another key": lambda: _book(key=b"x" * 32).issue(CARLA, stamp="s1", lifetime=HOURS_12),
        "role raised": lambda: _reencoded(token, role="cmo"),
        "expiry pushed back": lambda: _reencoded(token, expires_at=4_000_000_000),
        "name swapped": lambda: _reencoded(token, name="carla"),
        "signature dropped": lambda: token.split(".")[0] + ".",
        "signature of nothing": lambda: token.split(".")[0] + "." + "A" * 43,
        "not a token": lambda: "<script>alert(1)</script>",
        "claims not JSON": lambda: sessions._b64(b"x" * 20) + "." + book._signature(sessions._b64(b"x" * 20)),
    }[attack]()
    assert book.verify(forged, lifetime=HOURS_12) is None
    assert book.verify(token, lifetime=HOURS_12) is not None  # the genuine one still works


def test_an_expired_token_is_refused():
    clock = Clock()
    book = _book(clock)
    token = book.issue(CARLA, stamp="s1", lifetime=HOURS_12)
    clock.advance(12 * 3600 - 1)
    assert book.verify(token, lifetime=HOURS_12) is not None
    clock.advance(1)
    assert book.verify(token, lifetime=HOURS_12) is None


def test_shortening_the_session_lifetime_applies_to_tokens_already_issued():
    book = _book()
    token = book.issue(CARLA, stamp="s1", lifetime=HOURS_12)
    assert book.verify(token, lifetime=dt.timedelta(hours=1)) is None


def test_a_token_ended_at_sign_out_stops_working_everywhere():
    book = _book()
    token = book.issue(CARLA, stamp="s1", lifetime=HOURS_12)
    copied = str(token)
    book.end(token)
    assert book.verify(copied, lifetime=HOURS_12) is None
    # A token of another server (a restart, or another key) was never in this one's list.
    assert _book().verify(_book().issue(CARLA, stamp="s1", lifetime=HOURS_12), lifetime=HOURS_12) is None


def test_one_account_holds_a_bounded_number_of_sessions():
    book = _book()
    tokens = [book.issue(CARLA, stamp="s1", lifetime=HOURS_12) for _ in range(sessions.SESSIONS_PER_ACCOUNT + 1)]
    assert book.verify(tokens[0], lifetime=HOURS_12) is None
    assert all(book.verify(token, lifetime=HOURS_12) for token in tokens[1:])


def test_session_hours_are_bounded_and_a_bad_value_falls_back_with_a_log_line(caplog):
    assert sessions.settings({"sign_in": {"session_hours": 2}}).lifetime == dt.timedelta(hours=2)
    assert sessions.settings({}).lifetime == dt.timedelta(hours=sessions.DEFAULT_HOURS)
    assert sessions.settings({"sign_in": {"session_hours": 10_000}}).session_hours == sessions.DEFAULT_HOURS
    assert "session_hours: Input should be less than or equal to 168" in caplog.text


# --- every run re-checks the account ------------------------------------------------------------------------------

def test_a_session_ends_when_its_account_is_removed_demoted_or_its_password_changed():
    book = _book()
    known = users.accounts(_secrets(_entry("carla", "cmo"), _entry("vic", "vp_sales")))
    token = book.issue(CARLA, stamp=known["carla"].stamp, lifetime=HOURS_12)
    claims = book.verify(token, lifetime=HOURS_12)
    assert sessions.ended_because(CARLA, claims, known, demo_loaded=lambda: False) is None
    removed = users.accounts(_secrets(_entry("vic", "vp_sales")))
    assert sessions.ended_because(CARLA, claims, removed, demo_loaded=lambda: False) == "the account was removed"
    demoted = users.accounts(_secrets(_entry("carla", "viewer")))
    assert (sessions.ended_because(CARLA, claims, demoted, demo_loaded=lambda: False)
            == "the account's role changed to Viewer")
    new_password = users.accounts(_secrets(_entry("carla", "cmo", _hash("a brand new password"))))
    assert (sessions.ended_because(CARLA, claims, new_password, demo_loaded=lambda: False)
            == "the account's password was changed")
    # A token of one account never vouches for another.
    assert sessions.ended_because(User(name="vic", role="vp_sales"), claims, known, demo_loaded=lambda: False)
    # A demo account's session lasts only while the demo company is loaded.
    demo_user = User(name="demo-cmo", role="cmo", is_demo=True)
    assert sessions.ended_because(demo_user, None, {}, demo_loaded=lambda: True) is None
    assert sessions.ended_because(demo_user, None, {}, demo_loaded=lambda: False)


def test_the_secrets_file_is_read_afresh_even_when_an_edit_keeps_its_size(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text(_entry("ana", "analyst") + _entry("bob", "viewer"))
    os.chmod(path, 0o600)
    before = os.stat(path)
    assert users.accounts(users.read_secrets_files([path]).values)["ana"].role == "analyst"
    # The two swap roles: same size, and the same modification time as far as a coarse clock can tell.
    path.write_text(_entry("ana", "viewer") + _entry("bob", "analyst"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size
    assert users.accounts(users.read_secrets_files([path]).values)["ana"].role == "viewer"


# --- secrets.toml: bad entries, reserved names, permissions, broken files -------------------------------------------

def test_a_malformed_account_is_skipped_with_a_log_line_and_the_others_still_sign_in(caplog):
    plain_password = "my plain password"
    known = _secrets(
        _entry("carla", "cmo"),
        f'[users.pat]\nrole = "analyst"\npassword = "{plain_password}"\n\n',  # a password where a hash belongs
        '[users.quinn]\nrole = "admin"\npassword_hash = "scrypt$1$1$1$AAAA$AAAA"\n\n',
        f'[users.Rita]\nrole = "viewer"\npassword_hash = "{_hash()}"\n\n',
        '[users.sam]\nrole = "viewer"\npassword_hash = "scrypt$not-a-hash"\n\n',
        "[users]\ntom = \"viewer\"\n",
    )
    assert list(users.accounts(known)) == ["carla"]
    assert users.authenticate("carla", PASSWORD, secrets=known, demo=False) == CARLA
    logged = caplog.text
    for name, rule in [("pat", "password: Extra inputs are not permitted"),
                       ("quinn", "role: Input should be 'cmo', 'vp_sales', 'analyst' or 'viewer'"),
                       ("Rita", "name: Value error, a user name is 2 to 32 characters"),
                       ("sam", "password_hash: Value error, password_hash is not a hash written by"),
                       ("tom", "it is not a table")]:
        assert re.search(rf"skipped the account \[users\.{name}\] of the secrets file: .*{re.escape(rule)}",
                         logged), name
    assert plain_password not in logged and _hash() not in logged and "AAAA" not in logged


@pytest.mark.parametrize("name", ["demo", "demo-x", "demo-cmo", "demo_cfo"])
def test_demo_names_are_refused_by_users_add(name, tmp_path, monkeypatch, capsys):
    path = tmp_path / "secrets.toml"
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert cli.main(["users", "add", name, "--role", "cmo", "--password-stdin", "--secrets", str(path)]) == 2
    assert "is a demo account name" in capsys.readouterr().err
    assert not path.exists()


@pytest.mark.parametrize("name", ["demo", "demo-x", "demo-cmo", "demo_cfo"])
def test_a_demo_name_in_secrets_toml_never_signs_in_as_a_real_account(name, caplog):
    known = _secrets(_entry(name, "cmo"), _entry("carla", "cmo"))
    assert name not in users.accounts(known)
    assert users.authenticate(name, PASSWORD, secrets=known, demo=False) is None
    assert users.authenticate(name, PASSWORD, secrets=known, demo=True) is None  # nor while the demo is loaded
    assert f"skipped the account [users.{name}]" in caplog.text and "is a demo account name" in caplog.text


def test_a_secrets_file_others_can_read_is_warned_about(tmp_path, monkeypatch, capsys, caplog):
    path = tmp_path / "secrets.toml"
    path.write_text(_entry("carla", "cmo"))
    os.chmod(path, 0o644)
    users.read_secrets_files([path])
    assert "can be read by other users of this machine" in caplog.text
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert cli.main(["users", "add", "vic", "--role", "vp_sales", "--password-stdin", "--secrets", str(path)]) == 0
    err = capsys.readouterr().err
    assert "could be read by other users of this machine (mode -rw-r--r--) until now; it is owner-only now" in err
    assert os.stat(path).st_mode & 0o077 == 0  # made owner-only as the account was written


def test_a_secrets_file_that_is_not_toml_opens_no_account_and_says_where(tmp_path, caplog):
    path = tmp_path / "secrets.toml"
    path.write_text(_entry("carla", "cmo") + "[users.broken\nrole = 'x'\n")
    os.chmod(path, 0o600)
    read = users.read_secrets_files([path])
    assert read.values == {} and read.unreadable == (str(path),)
    assert f"the secrets file {path} is not valid TOML" in caplog.text and _hash() not in caplog.text


# --- no error details for a visitor --------------------------------------------------------------------------------

def test_the_shipped_config_shows_visitors_no_error_details():
    from streamlit.elements import exception

    shipped = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # "none", not false: Streamlit reads false as "stacktrace" and would still show the trace.
    assert shipped["client"]["showErrorDetails"] == "none"
    before = streamlit_config.get_option("client.showErrorDetails")
    streamlit_config.set_option("client.showErrorDetails", shipped["client"]["showErrorDetails"])
    try:
        shown = exception._error_detail_visibility(True)
    finally:
        streamlit_config.set_option("client.showErrorDetails", before)
    assert (shown.show_message, shown.show_trace, shown.show_type) == (False, False, False)


# --- the gate, headless ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def company_db(tmp_path_factory, new_salesforce_extract) -> Path:
    """The small hand-made extract, imported as a company's own data (not the demo)."""
    folder = tmp_path_factory.mktemp("security-auth")
    import_extracts([new_salesforce_extract(folder / "extract").folder], db_path=folder / "warehouse.duckdb",
                    user="ops")
    return folder / "warehouse.duckdb"


@pytest.fixture
def gate(company_db, tmp_path, monkeypatch):
    """The app on the small company, its accounts in a secrets file of its own (read by the app as in production),
    with the server's shared throttle and sessions cleared before and after."""
    from ui import auth

    monkeypatch.setenv(warehouse.DB_ENV, str(company_db))
    path = tmp_path / "secrets.toml"
    path.write_text(_entry("carla", "cmo") + _entry("ana", "analyst"))
    os.chmod(path, 0o600)
    before = streamlit_config.get_option("secrets.files")
    streamlit_config.set_option("secrets.files", [str(path)])
    auth.sign_in_throttle.clear()
    auth.session_book.clear()
    try:
        yield path
    finally:
        streamlit_config.set_option("secrets.files", before)
        auth.sign_in_throttle.clear()
        auth.session_book.clear()


def _submit(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    return at.button(key="auth_submit").click().run()


def _title(at: AppTest) -> list[str]:
    return [title.value for title in at.title]


def test_an_account_removed_from_secrets_toml_is_signed_out_at_its_next_run(gate):
    at = _submit(AppTest.from_file(APP, default_timeout=60).run(), "carla", PASSWORD)
    assert _title(at) == ["Scorecard"]
    gate.write_text(_entry("ana", "analyst"))
    at.run()
    assert not at.exception
    assert _title(at) == ["Sign in"]
    assert any("the account was removed" in toast.value for toast in at.toast)


def test_a_demoted_account_loses_its_rights_at_its_next_run(gate):
    at = _submit(AppTest.from_file(APP, default_timeout=60).run(), "ana", PASSWORD)
    assert _title(at) == ["Scorecard"]
    at.switch_page("pages/analyse_data.py").run()
    assert not at.exception
    gate.write_text(_entry("carla", "cmo") + _entry("ana", "viewer"))
    at.run()
    assert _title(at) == ["Sign in"]  # no analyst page stays open
    assert any("role changed to Viewer" in toast.value for toast in at.toast)
    _submit(at, "ana", PASSWORD)
    assert "**ana** · Viewer" in [markdown.value for markdown in at.markdown]


def test_the_form_says_when_an_account_is_locked(gate):
    from ui import auth

    at = AppTest.from_file(APP, default_timeout=60).run()
    throttle = auth.sign_in_throttle()  # the same one every session of the server uses
    for _ in range(signin.ACCOUNT_RULE.lockout_after):
        throttle.begin("carla", "elsewhere")
        throttle.failed("carla", "elsewhere")
    _submit(at, "carla", PASSWORD)
    assert _title(at) == ["Sign in"]
    assert [error.value for error in at.error] == [signin.Refusal(wait_seconds=900, locked=True).message]


def test_a_malformed_entry_in_the_file_leaves_the_others_signing_in(gate, caplog):
    gate.write_text('[users.pat]\nrole = "analyst"\npassword = "plain text"\n\n' + _entry("carla", "cmo"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    _submit(at, "carla", PASSWORD)
    assert not at.exception and _title(at) == ["Scorecard"]
    assert "skipped the account [users.pat]" in caplog.text and "plain text" not in caplog.text


def test_a_signed_in_session_gets_a_token_and_a_cookie_script_without_user_text(gate):
    at = _submit(AppTest.from_file(APP, default_timeout=60).run(), "carla", PASSWORD)
    from ui import auth

    token = at.session_state[auth.TOKEN_KEY]
    assert sessions.TOKEN_PATTERN.match(token)
    scripts = [html.proto.body for html in at.get("html") if auth.COOKIE in html.proto.body]
    assert len(scripts) == 1 and f"{auth.COOKIE}={token}; Path=/; Max-Age=" in scripts[0]
    assert "SameSite=Strict" in scripts[0] and "carla" not in scripts[0]
    at.button(key="auth_sign_out").click().run()
    assert _title(at) == ["Sign in"]
    assert auth.session_book().verify(token, lifetime=HOURS_12) is None  # ended on the server
    assert any("Max-Age=0" in html.proto.body for html in at.get("html"))


def test_a_secrets_file_that_does_not_parse_shows_visitors_a_notice_not_a_trace(gate):
    gate.write_text(_entry("carla", "cmo") + "[users.broken\n")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert _title(at) == ["Sign in"]
    assert [warning.value for warning in at.warning] == [
        "The server's accounts cannot be read right now, so accounts of your own cannot sign in. Whoever runs the "
        "dashboard finds the reason in the server's log."]
    _submit(at, "carla", PASSWORD)
    assert not at.exception and _title(at) == ["Sign in"]
    assert str(gate) not in "\n".join(str(element.value) for element in [*at.error, *at.warning])
