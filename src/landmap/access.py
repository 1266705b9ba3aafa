"""Who may see what: roles, sign-in configuration, local accounts and their throttle.

Two roles. A *viewer* only ever receives generalised locations; an *analyst* may switch
to exact ones. Roles come from the ``[landmap.access]`` section of Streamlit's secrets:

.. code-block:: toml

    [landmap.access]
    analysts = ["scientist@leopard.example", "@wwf.example"]   # e-mails or whole domains
    analyst_groups = ["landmap-analysts"]      # values of the provider's "groups" claim
    viewers = ["@leopard.example"]             # optional: who may sign in at all
    viewer_precision_km = 5                    # finest grid a viewer gets: 1, 5 or 10
    viewer_media = true                        # viewers see public photos of no person

    [landmap.access.accounts.ranger]           # a local account (no identity provider)
    password_hash = "$2b$12$..."               # python -m landmap.access hash
    role = "viewer"

Single sign-on itself is Streamlit's ``[auth]`` section (``st.login``); this module only
decides what a signed-in person may see. Nothing here imports Streamlit.
"""

from __future__ import annotations

import functools
import getpass
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["ANALYST", "VIEWER", "Access", "AccessError", "Throttle", "access_config",
           "hash_password"]

VIEWER = "viewer"
ANALYST = "analyst"
ROLES = (VIEWER, ANALYST)

#: Failed sign-ins allowed before the pause starts, and the longest pause (seconds).
FREE_ATTEMPTS = 3
MAX_PAUSE_S = 300


class AccessError(ValueError):
    """The sign-in configuration is wrong; the message names the setting."""


@dataclass(frozen=True)
class Access:
    """The sign-in configuration.

    Attributes
    ----------
    providers : tuple of str
        OpenID Connect providers configured in ``[auth]`` (``""`` for the unnamed one).
    accounts : dict
        Local user name -> (bcrypt hash, role).
    analysts, analyst_groups, viewers : tuple of str
        Who gets the analyst role, and (when ``viewers`` is set) who may sign in at all.
    viewer_precision_km : int
        The finest location grid a viewer receives.
    viewer_media : bool
        Whether viewers see photos at all (public ones of no person; see
        :func:`landmap.media.viewable`).
    """

    providers: tuple[str, ...] = ()
    accounts: dict[str, tuple[str, str]] = field(default_factory=dict)
    analysts: tuple[str, ...] = ()
    analyst_groups: tuple[str, ...] = ()
    viewers: tuple[str, ...] = ()
    viewer_precision_km: int = 5
    viewer_media: bool = True

    @property
    def enabled(self) -> bool:
        """Whether any sign-in is configured (else the dashboard is for this computer)."""
        return bool(self.providers or self.accounts)

    def role_for_claims(self, claims: Mapping) -> str | None:
        """The role of a person signed in through a provider, or ``None`` if not allowed.

        An e-mail counts only if the provider does not say it is unverified.

        Examples
        --------
        >>> a = Access(providers=("",), analysts=("ana@park.example", "@wwf.example"),
        ...            analyst_groups=("scientists",))
        >>> a.role_for_claims({"email": "Ana@Park.example"})
        'analyst'
        >>> a.role_for_claims({"email": "x@wwf.example", "email_verified": False})
        'viewer'
        >>> a.role_for_claims({"email": "r@park.example", "groups": ["rangers", "scientists"]})
        'analyst'
        >>> Access(providers=("",), viewers=("@park.example",)).role_for_claims(
        ...     {"email": "someone@elsewhere.example"}) is None
        True
        """
        email = str(claims.get("email") or "").strip().lower()
        if claims.get("email_verified") is False:
            email = ""
        groups = claims.get("groups") or []
        groups = {groups} if isinstance(groups, str) else {str(g) for g in groups}
        if _matches(email, self.analysts) or groups & set(self.analyst_groups):
            return ANALYST
        if self.viewers and not (_matches(email, self.viewers) or groups & set(self.viewers)):
            return None
        return VIEWER

    def check_password(self, user: str, password: str) -> str | None:
        """The role of a local account if the password is right, else ``None``."""
        import bcrypt

        account = self.accounts.get(user)
        if account is None:
            # Hash anyway so a wrong name takes as long as a wrong password.
            bcrypt.checkpw(password.encode(), _dummy_hash())
            return None
        digest, role = account
        return role if bcrypt.checkpw(password.encode(), digest.encode()) else None


def _matches(email: str, patterns: tuple[str, ...]) -> bool:
    if not email:
        return False
    for pattern in patterns:
        pattern = pattern.strip().lower()
        if pattern.startswith("@") and email.endswith(pattern):
            return True
        if email == pattern:
            return True
    return False


def access_config(secrets: Mapping) -> Access:
    """Read the sign-in configuration from Streamlit's secrets (any mapping).

    Raises
    ------
    AccessError
        With the setting and what is wrong with it.

    Examples
    --------
    >>> access_config({}).enabled
    False
    >>> a = access_config({"auth": {"client_id": "x", "server_metadata_url": "u"},
    ...                    "landmap": {"access": {"analysts": ["ana@park.example"]}}})
    >>> a.providers, a.enabled
    (('',), True)
    >>> access_config({"landmap": {"access": {"viewer_precision_km": 2}}})
    Traceback (most recent call last):
    ...
    landmap.access.AccessError: landmap.access.viewer_precision_km = 2: use 1, 5 or 10.
    """
    auth = secrets.get("auth") or {}
    providers = []
    if "client_id" in auth:
        providers.append("")
    providers += [name for name, value in auth.items()
                  if isinstance(value, Mapping) and "client_id" in value]
    section = (secrets.get("landmap") or {}).get("access") or {}
    accounts = {}
    for user, account in (section.get("accounts") or {}).items():
        where = f"landmap.access.accounts.{user}"
        digest, role = account.get("password_hash", ""), account.get("role", VIEWER)
        if not str(digest).startswith(("$2a$", "$2b$", "$2y$")):
            raise AccessError(f"{where}.password_hash: not a bcrypt hash; make one with "
                              "`python -m landmap.access hash`.")
        if role not in ROLES:
            raise AccessError(f"{where}.role = {role!r}: use 'viewer' or 'analyst'.")
        accounts[str(user)] = (str(digest), role)
    km = section.get("viewer_precision_km", 5)
    if km not in (1, 5, 10):
        raise AccessError(f"landmap.access.viewer_precision_km = {km!r}: use 1, 5 or 10.")
    media = section.get("viewer_media", True)
    if not isinstance(media, bool):
        raise AccessError(f"landmap.access.viewer_media = {media!r}: use true or false.")
    lists = {}
    for key in ("analysts", "analyst_groups", "viewers"):
        value = section.get(key, [])
        if isinstance(value, str) or not all(isinstance(v, str) for v in value):
            raise AccessError(f"landmap.access.{key}: expected a list of strings, got "
                              f"{value!r}.")
        lists[key] = tuple(value)
    return Access(providers=tuple(providers), accounts=accounts, viewer_precision_km=km,
                  viewer_media=media, **lists)


class Throttle:
    """Failed sign-ins per account: after :data:`FREE_ATTEMPTS` failures each further
    attempt must wait, doubling from 2 s up to :data:`MAX_PAUSE_S`. Shared by all sessions
    of the server (a reload does not reset it); a success clears the account.

    Examples
    --------
    >>> t = Throttle()
    >>> for _ in range(4):
    ...     t.failed("ranger", now=100.0)
    >>> t.wait("ranger", now=100.0), t.wait("ranger", now=104.0), t.wait("other", now=100.0)
    (4.0, 0.0, 0.0)
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, float]] = {}

    def wait(self, user: str, now: float | None = None) -> float:
        """Seconds before ``user`` may try again (0 when allowed now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            count, last = self._failures.get(user, (0, 0.0))
        if count < FREE_ATTEMPTS:
            return 0.0
        pause = min(2.0 ** (count - FREE_ATTEMPTS + 1), MAX_PAUSE_S)
        return max(0.0, last + pause - now)

    def failed(self, user: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            count, _ = self._failures.get(user, (0, 0.0))
            self._failures[user] = (count + 1, now)

    def succeeded(self, user: str) -> None:
        with self._lock:
            self._failures.pop(user, None)


def hash_password(password: str) -> str:
    """A bcrypt hash of ``password`` for ``[landmap.access.accounts.<name>]``."""
    import bcrypt

    if len(password) < 10:
        raise AccessError("password: use at least 10 characters.")
    if len(password.encode()) > 72:
        raise AccessError("password: bcrypt reads at most 72 bytes; use a shorter one.")
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


@functools.cache
def _dummy_hash() -> bytes:
    import bcrypt

    return bcrypt.hashpw(b"no such account", bcrypt.gensalt())


def main(argv: list[str] | None = None) -> int:
    """``python -m landmap.access hash``: print a bcrypt hash of a password typed twice."""
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["hash"]:
        print("usage: python -m landmap.access hash", file=sys.stderr)
        return 2
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        print("The two passwords differ.", file=sys.stderr)
        return 1
    try:
        print(hash_password(first))
    except AccessError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
