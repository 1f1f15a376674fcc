"""Who is using this session: the sign-in gate the app shell runs before any page, per ``AUTH_MODE``.

- ``none``: one local user who is an admin; no sign-in.
- ``local``: the built-in sign-in form ("Username", "Password", "Sign in"). A successful sign-in
  stores a signed, expiring token in the ``workbench_session`` cookie so a new tab or a reload stays
  signed in. Streamlit 1.67 reads cookies (``st.context.cookies``) but has no API to set one from a
  script (streamlit#861, #14730 are open), so the token is written by a two-line script through
  ``st.html(..., unsafe_allow_javascript=True)``: no third-party component, no iframe, and the script
  holds only the token this server just signed. Such a cookie cannot be HttpOnly; it is signed,
  expires, is ``SameSite=Strict`` (``Secure`` over https), and is refused after sign-out, a password
  change or a disabled account.
- ``oidc``: Streamlit's ``st.login`` / ``st.user``; roles from the groups claim (``ADMIN_GROUPS``).
"""

from __future__ import annotations

import json
import logging

import streamlit as st

from backend.appdb.audit import AuditEvent, AuditLog
from backend.auth.identity import LOCAL_OWNER, Identity
from backend.auth.service import SignInError
from backend.auth.sessions import COOKIE_NAME
from backend.auth.setup import client_address, identity_from_claims, utc_now
from backend.settings import Settings
from ui.auth_resources import app_store, local_auth
from ui.resources import OVERRIDES_KEY, resolve

logger = logging.getLogger(__name__)

USER_KEY = "_workbench_user"
TOKEN_KEY = "_workbench_session_token"
SIGNED_OUT_KEY = "_workbench_signed_out"
OIDC_AUDITED_KEY = "_workbench_oidc_audited"


def current_user() -> Identity:
    """The acting user of this session (set by the shell; page tests inject ``identity``)."""
    return resolve("identity", lambda: st.session_state.get(USER_KEY, LOCAL_OWNER))


def sign_in_gate(settings: Settings) -> Identity:
    """The signed-in user; draws the sign-in screen and stops the run when there is none."""
    overrides = st.session_state.get(OVERRIDES_KEY, {})
    if "identity" in overrides:
        user: Identity = overrides["identity"]
    elif settings.auth_mode == "none":
        user = LOCAL_OWNER
    elif settings.auth_mode == "oidc":
        user = _oidc_user(settings)
    else:
        user = _local_user(settings)
    st.session_state[USER_KEY] = user
    return user


def _cookie_script(token: str | None, seconds: int) -> str:
    """Set (or, with no token, remove) the session cookie in the browser."""
    if token:
        value = f"{COOKIE_NAME}={token}; Max-Age={seconds}; Path=/; SameSite=Strict"
    else:
        value = f"{COOKIE_NAME}=; Max-Age=0; Path=/; SameSite=Strict"
    secure = ' + (location.protocol === "https:" ? "; Secure" : "")'
    return f"<script>document.cookie = {json.dumps(value)}{secure};</script>"


def write_cookie(token: str | None, seconds: int = 0) -> None:
    """Emitted on every run (an invisible element), not once: a run that Streamlit replaces quickly
    may never mount its elements, and then a one-off script would never run."""
    with st.sidebar:
        st.html(_cookie_script(token, seconds), unsafe_allow_javascript=True)


def _address() -> str | None:
    peer = st.context.ip_address
    forwarded = st.context.headers.get("X-Forwarded-For") if st.context.headers else None
    # Only real strings: an AppTest session has no connection behind it.
    return client_address(
        peer if isinstance(peer, str) else None, forwarded if isinstance(forwarded, str) else None
    )


def _local_user(settings: Settings) -> Identity:
    auth = local_auth(settings)
    token = st.session_state.get(TOKEN_KEY)
    if token is None and not st.session_state.get(SIGNED_OUT_KEY):
        token = st.context.cookies.get(COOKIE_NAME)
    user = auth.resume(token)
    if user is not None:
        st.session_state[TOKEN_KEY] = token
        return user
    st.session_state.pop(TOKEN_KEY, None)
    _sign_in_form(settings)
    st.stop()
    raise AssertionError("unreachable")  # st.stop ends the run


def _sign_in_form(settings: Settings) -> None:
    if st.session_state.get(SIGNED_OUT_KEY):
        write_cookie(None)  # a sign-out's cookie removal
    st.title("GenAI Workbench")
    with st.form("sign_in", border=True, enter_to_submit=True):
        st.subheader("Sign in")
        username = st.text_input("Username", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    auth = local_auth(settings)
    if not auth.list_users():
        st.info(
            "No users exist yet: on the server, add the first admin with "
            "`printf 'PASSWORD' | python -m backend.auth add-user NAME --role admin --password-stdin`.",
            icon=":material/person_add:",
        )
    if not submitted:
        return
    try:
        user, token = auth.sign_in(username, password, _address())
    except SignInError as exc:
        st.error(str(exc), icon=":material/lock:")
        return
    st.session_state[TOKEN_KEY] = token
    st.session_state[USER_KEY] = user
    st.session_state.pop(SIGNED_OUT_KEY, None)
    st.rerun()


def _oidc_user(settings: Settings) -> Identity:
    if not st.user.get("is_logged_in", False):
        st.title("GenAI Workbench")
        st.write("Sign in with your organisation's account to continue.")
        try:
            configured = "auth" in st.secrets
        except Exception:  # no secrets.toml at all
            configured = False
        if not configured:
            st.error(
                "AUTH_MODE=oidc needs an [auth] section in .streamlit/secrets.toml (redirect_uri, "
                "cookie_secret, client_id, client_secret, server_metadata_url).",
                icon=":material/settings_alert:",
            )
        else:
            st.button("Sign in", type="primary", on_click=st.login)
        st.stop()
    user = identity_from_claims(
        st.user.to_dict(), groups_claim=settings.oidc_groups_claim, admin_groups=settings.admin_group_names
    )
    if not st.session_state.get(OIDC_AUDITED_KEY):
        AuditLog(app_store(settings)).record(AuditEvent(utc_now(), user.username, "sign_in", detail="oidc"))
        st.session_state[OIDC_AUDITED_KEY] = True
    return user


def sign_out(settings: Settings, user: Identity) -> None:
    """End the session: the local token is revoked for every device, the OIDC cookie is dropped."""
    if settings.auth_mode == "oidc":
        AuditLog(app_store(settings)).record(AuditEvent(utc_now(), user.username, "sign_out", detail="oidc"))
        st.session_state.pop(OIDC_AUDITED_KEY, None)
        st.logout()
        return
    local_auth(settings).sign_out(user)
    st.session_state.pop(TOKEN_KEY, None)
    st.session_state.pop(USER_KEY, None)
    st.session_state[SIGNED_OUT_KEY] = True


def render_user_box(settings: Settings, user: Identity) -> None:
    """The sidebar's who-am-I line and the sign-out button (not in ``none`` mode)."""
    if settings.auth_mode == "none":
        return
    token = st.session_state.get(TOKEN_KEY)
    if settings.auth_mode == "local" and token:
        write_cookie(token, local_auth(settings).seconds_left(token))
    with st.sidebar:
        st.caption(f"Signed in as **{user.label}** ({user.role})")
        if st.button("Sign out", icon=":material/logout:", key="sign_out"):
            sign_out(settings, user)
            st.rerun()


ADMINS_ONLY = "This page is for admins only. Ask an HR admin if you need something changed here."


def show_admins_only() -> None:
    st.title("Admins only")
    st.info(ADMINS_ONLY, icon=":material/lock:")


def require_admin_page() -> Identity:
    """At the top of an admin page: staff get the "admins only" page instead (the backend refuses too)."""
    user = current_user()
    if not user.is_admin:
        show_admins_only()
        st.stop()
    return user
