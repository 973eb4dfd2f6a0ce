"""The log-in gate: local accounts from secrets.toml, single sign-on when configured, demo accounts on demo data."""

from __future__ import annotations

import importlib.util
import logging
from typing import Any, Mapping

import streamlit as st
from pydantic import BaseModel, Field, ValidationError
from streamlit.runtime.secrets import secrets_singleton

from alignment import keys, sessions, signin, users
from alignment.users import User
from ui import context
from ui.text import literal

USER_KEY = "auth_user"
"""Where the signed-in User is kept for the session."""
TOKEN_KEY = "auth_token"
"""Where the session's signed token is kept (the same text as its cookie)."""
FORGET_COOKIE_KEY = "auth_forget_cookie"
SIGN_IN_PATH = "sign-in"
"""The sign-in screen's own URL path (every other page's path shows it too until someone signs in)."""
COOKIE = "alignment_session"
"""The cookie that carries the session token across reloads."""

log = logging.getLogger(__name__)


class Credentials(BaseModel):
    """What the log-in form is given."""

    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256, repr=False)


def _secrets_files() -> users.SecretsFiles:
    return users.read_secrets_files(st.get_option("secrets.files"))


def secrets() -> Mapping[str, Any]:
    """The server's secrets as they are now: the secrets files are read again on every run (Streamlit's own copy is
    refreshed only when its watcher polls, seconds later), so an account removed or demoted is gone at once. A
    mapping put in place of st.secrets (Streamlit's AppTest does) is taken as given."""
    if st.secrets is not secrets_singleton:
        return users.plain(st.secrets)
    return _secrets_files().values


def single_sign_on_configured() -> bool:
    """Streamlit's OIDC log-in needs an [auth] section in secrets.toml and Authlib installed."""
    return "auth" in secrets() and importlib.util.find_spec("authlib") is not None


def _single_sign_on_user() -> User | None:
    if not single_sign_on_configured():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        email = st.user.email
    except AttributeError:
        return None
    return users.single_sign_on_user(email, secrets=secrets())


@st.cache_resource(show_spinner=False)
def sign_in_throttle() -> signin.Throttle:
    """Failed sign-ins of every session of this server, counted in one place."""
    return signin.Throttle()


@st.cache_resource(show_spinner=False)
def session_book() -> sessions.SessionBook:
    """The session tokens this server issued and has not ended, shared by every session."""
    return sessions.SessionBook(keys.derived_key("session"))


def _book() -> sessions.SessionBook | None:
    try:
        return session_book()
    except keys.KeyUnavailable as error:
        # Without the server key a sign-in still opens this tab; only a reload asks for the password again.
        log.warning("sessions cannot survive a reload: %s", error)
        return None


def _client() -> str:
    """The visitor's address as the server's connection sees it (never a header a client could write)."""
    return st.context.ip_address or signin.LOCAL_CLIENT


def _demo_loaded() -> bool:
    try:
        return context.snapshot().is_demo
    except FileNotFoundError:  # no warehouse yet: nothing is loaded, the demo company included
        return False


def current_user() -> User | None:
    """The signed-in user of this session, if any, checked on every run: the session token (signature, expiry, not
    ended) and the account as the secrets file has it now. A removed account, a changed role or password, or a demo
    account once the warehouse is no longer the demo company signs the session out at once."""
    book, now_in_file = _book(), secrets()
    known, lifetime = users.accounts(now_in_file), sessions.settings(now_in_file).lifetime
    user, token = st.session_state.get(USER_KEY), st.session_state.get(TOKEN_KEY)
    if user is None and book is not None:
        cookie = st.context.cookies.get(COOKIE)
        restored = book.verify(cookie, lifetime=lifetime) if cookie else None
        if restored is not None:
            user, token = restored.user(), cookie
    if user is not None:
        claims = book.verify(token, lifetime=lifetime) if token and book is not None else None
        reason = ("the session has expired or was ended" if token and claims is None
                  else sessions.ended_because(user, claims, known, demo_loaded=_demo_loaded))
        if reason is None:
            st.session_state[USER_KEY], st.session_state[TOKEN_KEY] = user, token
        else:
            _end_session(user, token, reason)
            user = None
    if user is None:
        user = _single_sign_on_user()
        if user is not None:
            st.session_state[USER_KEY] = user
    return user


def _end_session(user: User, token: str | None, reason: str) -> None:
    log.info("signed out %s: %s", user.name, reason)
    book = _book()
    if token and book is not None:
        book.end(token)
    for key in (USER_KEY, TOKEN_KEY):
        st.session_state.pop(key, None)
    st.session_state[FORGET_COOKIE_KEY] = token
    if user.is_demo and reason == "the demo company is no longer loaded":
        st.toast("Your own data is now loaded, so the demo accounts no longer open the dashboard; sign in with your "
                 "account.", icon=":material/logout:")
    else:
        st.toast(f"You were signed out: {reason}. Sign in again.", icon=":material/logout:")


# The token is base64url text and a dot (matched against sessions.TOKEN_PATTERN before it gets here); the age is an
# integer: no user text ever reaches these scripts.
_SET_COOKIE = """<script>
document.cookie = "{cookie}={token}; Path=/; Max-Age={max_age}; SameSite=Strict"
  + (location.protocol === "https:" ? "; Secure" : "");
</script>"""
_HIDE_COOKIE_SCRIPT = '<style>[data-testid="stLayoutWrapper"]:has(> .st-key-auth_cookie) { display: none; }</style>'
# Only while the cookie still holds the ended token: another tab may have signed in since and set a new one.
_FORGET_COOKIE = """<script>
if (document.cookie.split("; ").includes("{cookie}={token}")) {{
  document.cookie = "{cookie}=; Path=/; Max-Age=0; SameSite=Strict"
    + (location.protocol === "https:" ? "; Secure" : "");
}}
</script>"""


def _remember_session() -> None:
    """Give the browser the session's cookie, so a reload stays signed in until the token expires."""
    token, book = st.session_state.get(TOKEN_KEY), _book()
    if not token or book is None or st.context.cookies.get(COOKIE) == token:
        return
    claims = book.verify(token, lifetime=sessions.settings(secrets()).lifetime)
    if claims is None or not sessions.TOKEN_PATTERN.match(token):
        return
    # The script draws nothing; in a hidden container it does not add a gap under the sidebar's last element either.
    st.html(_HIDE_COOKIE_SCRIPT)
    with st.container(key="auth_cookie"):
        st.html(_SET_COOKIE.format(cookie=COOKIE, token=token, max_age=book.seconds_left(claims)),
                unsafe_allow_javascript=True)


def _forget_session() -> None:
    """Take the cookie of an ended session, or one that no longer signs in, out of the browser (the server refuses
    its token already; this only tidies up)."""
    stale = {st.session_state.pop(FORGET_COOKIE_KEY, None), st.context.cookies.get(COOKIE)}
    for token in sorted(token for token in stale if isinstance(token, str) and sessions.TOKEN_PATTERN.match(token)):
        st.html(_FORGET_COOKIE.format(cookie=COOKIE, token=token), unsafe_allow_javascript=True)


# Closes only the notice titled "Page not found", and gives up after three seconds; no user text reaches it.
_CLOSE_PAGE_NOT_FOUND = """<script>
(() => {
  let tries = 0;
  const timer = setInterval(() => {
    const notice = [...document.querySelectorAll('[role="dialog"]')]
      .find(dialog => dialog.textContent.includes("Page not found"));
    if (notice) notice.querySelector("button")?.click();
    if (notice || ++tries > 30) clearInterval(timer);
  }, 100);
})();
</script>"""


def close_stale_page_not_found() -> None:
    """Close the "Page not found" notice Streamlit's scan of pages/ sends on a server's first run, before this app's
    own navigation (which knows every page's link) takes over."""
    st.html(_CLOSE_PAGE_NOT_FOUND, unsafe_allow_javascript=True)


def sign_in_page() -> None:
    """The log-in screen: a form for local accounts, single sign-on when configured, the demo accounts when demo."""
    build = context.demo_build()  # while the demo company is built, there is no warehouse to read yet
    is_demo = build is None and context.snapshot().is_demo
    _forget_session()
    st.title("Sign in", anchor=False)
    st.caption("Sales & Marketing Alignment: the quarter the CMO and the VP of Sales sign off together.")
    if st.secrets is secrets_singleton and _secrets_files().unreadable:
        # The server's log names the file and the line; a visitor is told only whom to ask.
        st.warning("The server's accounts cannot be read right now, so accounts of your own cannot sign in. Whoever "
                   "runs the dashboard finds the reason in the server's log.")
    form_column, help_column = st.columns([1, 1], gap="large")
    with form_column:
        with st.form("auth_form", border=True):
            name = st.text_input("User name", key="auth_name", autocomplete="username")
            password = st.text_input("Password", type="password", key="auth_password",
                                     autocomplete="current-password")
            submitted = st.form_submit_button("Sign in", type="primary", key="auth_submit")
        if submitted:
            if build is not None and users.reserved_name(name.strip()):
                st.info("The demo company is still being set up: its accounts open once the progress on the right "
                        "is complete.")
            else:
                _sign_in(name, password, demo=is_demo)
        if single_sign_on_configured():
            st.button("Sign in with your company account", key="auth_single_sign_on", on_click=st.login,
                      icon=":material/key:")
            try:
                signed_in_elsewhere = st.user.is_logged_in
                email = st.user.email
            except AttributeError:
                signed_in_elsewhere, email = False, None
            if signed_in_elsewhere:
                st.error(f"Your company account ({literal(email)}) has no account here yet; ask an administrator to "
                         "add one with `python -m alignment users add NAME --role ROLE --email ADDRESS`.")
    with help_column:
        if build is not None:
            with st.container(border=True, key="auth_demo_build"):
                st.markdown("**Setting up the demo company**")
                st.caption(context.DEMO_EXPLAINED + " Its accounts for trying the dashboard are listed here once it "
                           "is ready.")
                context.demo_progress(build)
        elif is_demo:
            _demo_accounts()
        st.caption("Accounts are added on the server with `python -m alignment users add NAME --role "
                   "cmo|vp_sales|analyst|viewer`; passwords are kept only as salted scrypt hashes.")


def _demo_accounts() -> None:
    with st.container(border=True, key="auth_demo_accounts"):
        st.badge("Demo accounts", icon=":material/science:", color="violet")
        st.markdown("For the **demo company only** (generated data): each opens the dashboard in one role. They stop "
                    f"working once your own data is loaded. Password for all four: `{users.DEMO_PASSWORD}`.")
        st.table({"User name": list(users.DEMO_ACCOUNTS),
                  "Role": [users.ROLE_TITLES[role] for role in users.DEMO_ACCOUNTS.values()],
                  "May": ["sign as CMO", "sign as VP of Sales", "edit drafts, propose, import", "read, export"]},
                 hide_index=True, border="horizontal")


def _sign_in(name: str, password: str, *, demo: bool) -> None:
    try:
        given = Credentials(name=name, password=password)
    except ValidationError:
        st.error("Enter your user name and your password.")
        return
    known = secrets()
    outcome = signin.attempt(given.name, given.password, client=_client(), secrets=known, demo=demo,
                             throttle=sign_in_throttle())
    if outcome.user is None:
        st.error(outcome.message)
        return
    book, stamp = _book(), sessions.stamp(outcome.user, users.accounts(known))
    st.session_state[USER_KEY] = outcome.user
    st.session_state.pop(TOKEN_KEY, None)
    if book is not None and stamp is not None:
        st.session_state[TOKEN_KEY] = book.issue(outcome.user, stamp=stamp,
                                                 lifetime=sessions.settings(known).lifetime)
    st.session_state.pop("auth_password", None)
    st.rerun()


def sign_out() -> None:
    user, token, book = st.session_state.pop(USER_KEY, None), st.session_state.pop(TOKEN_KEY, None), _book()
    if token and book is not None:
        book.end(token)
    if user is not None:
        log.info("signed out %s", user.name)
    st.session_state[FORGET_COOKIE_KEY] = token
    if single_sign_on_configured():
        st.logout()


def sidebar(user: User) -> None:
    """Who is signed in, in which role, and the way out."""
    with st.sidebar, st.container(border=True, key="auth_sidebar"):
        st.markdown(f"**{literal(user.name)}** · {user.title}")
        if user.is_demo:
            st.caption("Demo account")
        st.button("Sign out", key="auth_sign_out", on_click=sign_out, icon=":material/logout:", width="stretch")
        _remember_session()
