"""The log-in gate: local accounts from secrets.toml, single sign-on when configured, demo accounts on demo data."""

from __future__ import annotations

import importlib.util
from typing import Any, Mapping

import streamlit as st
from pydantic import BaseModel, Field, ValidationError

from alignment import users
from alignment.users import User
from ui import context
from ui.text import literal

USER_KEY = "auth_user"
"""Where the signed-in User is kept for the session."""
SIGN_IN_PATH = "sign-in"
"""The sign-in screen's own URL path (every other page's path shows it too until someone signs in)."""


class Credentials(BaseModel):
    """What the log-in form is given."""

    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256, repr=False)


def secrets() -> Mapping[str, Any]:
    """st.secrets, or nothing when no secrets.toml exists (then only demo accounts, on demo data, can sign in)."""
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except FileNotFoundError:
        return {}


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


def current_user() -> User | None:
    """The signed-in user of this session, if any. A demo account is signed out as soon as the warehouse is no
    longer the demo company (someone loaded their own data), in every session that used one."""
    user = st.session_state.get(USER_KEY)
    if user is not None and user.is_demo and not context.snapshot().is_demo:
        del st.session_state[USER_KEY]
        st.toast("Your own data is now loaded, so the demo accounts no longer open the dashboard; sign in with your "
                 "account.", icon=":material/logout:")
        user = None
    if user is None:
        user = _single_sign_on_user()
        if user is not None:
            st.session_state[USER_KEY] = user
    return user


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
    snapshot = context.snapshot()
    st.title("Sign in", anchor=False)
    st.caption("Sales & Marketing Alignment: the quarter the CMO and the VP of Sales sign off together.")
    form_column, help_column = st.columns([1, 1], gap="large")
    with form_column:
        with st.form("auth_form", border=True):
            name = st.text_input("User name", key="auth_name", autocomplete="username")
            password = st.text_input("Password", type="password", key="auth_password",
                                     autocomplete="current-password")
            submitted = st.form_submit_button("Sign in", type="primary", key="auth_submit")
        if submitted:
            _sign_in(name, password, demo=snapshot.is_demo)
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
        if snapshot.is_demo:
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
    user = users.authenticate(given.name, given.password, secrets=secrets(), demo=demo)
    if user is None:
        # One message for both cases, so the form does not tell which user names exist.
        st.error("That user name and password do not match an account. Check both and try again.")
        return
    st.session_state[USER_KEY] = user
    st.session_state.pop("auth_password", None)
    st.rerun()


def sign_out() -> None:
    st.session_state.pop(USER_KEY, None)
    if single_sign_on_configured():
        st.logout()


def sidebar(user: User) -> None:
    """Who is signed in, in which role, and the way out."""
    with st.sidebar, st.container(border=True, key="auth_sidebar"):
        st.markdown(f"**{literal(user.name)}** · {user.title}")
        if user.is_demo:
            st.caption("Demo account")
        st.button("Sign out", key="auth_sign_out", on_click=sign_out, icon=":material/logout:", width="stretch")
