"""Who is using the dashboard: sign-in (single sign-on or local accounts), the role,
and the account box in the sidebar."""

from __future__ import annotations

import math

import streamlit as st

from landmap.access import ANALYST, VIEWER, Access, AccessError, Throttle, access_config
from landmap.app.state import _, secrets

_ROLE, _USER, _HOW = "_role", "_user", "_signed_in_with"


def access() -> Access:
    """The sign-in configuration from Streamlit's secrets (none: local use only)."""
    return access_config(secrets())


@st.cache_resource
def _throttle() -> Throttle:
    return Throttle()


def _local_client() -> bool:
    """Whether the browser runs on this computer (Streamlit reports no address for
    loopback connections)."""
    return st.context.ip_address is None


def role() -> str:
    """The signed-in person's role (``viewer`` until :func:`sign_in` says otherwise)."""
    return st.session_state.get(_ROLE, VIEWER)


def is_analyst() -> bool:
    """Whether this session may see exact locations and load data (the analyst role)."""
    return role() == ANALYST


def _signed_in(role_: str, user: str, how: str) -> None:
    st.session_state[_ROLE], st.session_state[_USER], st.session_state[_HOW] = role_, user, how


def sign_in() -> None:
    """Settle who is using the dashboard, or show the sign-in page and stop the run.

    Local accounts sign in for this browser session only (no cookie: a reload asks
    again); single sign-on is Streamlit's ``st.login``. With no sign-in configured the
    dashboard serves only the computer it runs on, with the analyst role.
    """
    try:
        config = access()
    except AccessError as exc:
        st.error(_("Sign-in is misconfigured in .streamlit/secrets.toml: {problem}").format(
            problem=exc))
        st.stop()
    if not config.enabled:
        if _local_client():
            _signed_in(ANALYST, "this computer", "local")
            return
        st.error(_("Sign-in is not set up, so landmap only answers on the computer it runs "
                   "on. To share the dashboard, configure sign-in (README, “Sharing the "
                   "dashboard”)."))
        st.stop()
    if st.session_state.get(_HOW) == "password":
        return
    if config.providers and st.user.is_logged_in:
        claims = st.user.to_dict()
        found = config.role_for_claims(claims)
        who = str(claims.get("email") or claims.get("name") or claims.get("sub") or "")
        if found is None:
            st.error(_("{who} may not use this dashboard; ask the park's data manager for "
                       "access.").format(who=who or _("This account")))
            st.button(_("Sign out"), on_click=st.logout)
            st.stop()
        _signed_in(found, who, "oidc")
        return
    _sign_in_page(config)
    st.stop()


def _sign_in_page(config: Access) -> None:
    st.title(_("landmap · sign in"))
    st.caption(_("Camera-trap locations of Amur leopards are protected data."))
    for name in config.providers:
        label = (_("Sign in with {provider}").format(provider=name) if name else
                 _("Sign in with your organisation account"))
        if st.button(label, key=f"login-{name}", type="primary"):
            st.login(name or None)
    if not config.accounts:
        return
    with st.form("sign-in"):
        user = st.text_input(_("User name"))
        password = st.text_input(_("Password"), type="password")
        submitted = st.form_submit_button(_("Sign in"))
    if not submitted:
        return
    throttle = _throttle()
    wait = throttle.wait(user)
    if wait > 0:
        st.error(_("Too many failed sign-ins for “{user}”: try again in {seconds} s.").format(
            user=user, seconds=math.ceil(wait)))
        return
    found = config.check_password(user, password)
    if found is None:
        throttle.failed(user)
        st.error(_("Wrong user name or password."))
        return
    throttle.succeeded(user)
    _signed_in(found, user, "password")
    st.rerun()


def _sign_out() -> None:
    if st.session_state.get(_HOW) == "oidc":
        st.logout()
    for key in (_ROLE, _USER, _HOW):
        st.session_state.pop(key, None)


def account_box() -> None:
    how = st.session_state.get(_HOW)
    if how == "local":
        st.caption(_("Sign-in is off: local use on this computer, analyst role."))
        return
    roles = {ANALYST: _("analyst"), VIEWER: _("viewer")}
    st.caption(_("Signed in as **{user}** ({role})").format(
        user=st.session_state.get(_USER, ""), role=roles[role()]))
    st.button(_("Sign out"), on_click=_sign_out, key="sign-out")
