"""Who may do what: users, roles, API tokens, and the login policy of a deployment.

Roles are ordered viewer < editor < admin.  Every write path asks ``require_role`` on the
server side; hiding a button is never the check.

API tokens are random strings shown once at creation; only their SHA-256 is stored (a token
has enough entropy that a fast hash is the standard choice, unlike passwords).  Passwords are
hashed with werkzeug's scrypt (salted, deliberately slow) and never logged.

Login policy (``login_required``), decided once by ``create_app``:

* ``PERFDASH_AUTH=required``  always ask for a login;
* ``PERFDASH_AUTH=off``       never (only behind an authenticating proxy; logged as a warning);
* ``PERFDASH_AUTH=auto``      (default) ``perfdash run`` on a loopback address with no users is a
  single local user who is admin; a server reachable from the network (gunicorn via app.py, a
  non-loopback ``--host``) or a database that has users asks for a login.

A web session is a row of ``perfdash_sessions``; the signed Flask cookie carries only its random
id (and the CSRF token).  Every request looks the id up with its user, so signing out, a new
password or removing the user (which delete the rows) and a changed role count on the next
request, in every worker: a copied cookie is worth nothing once its session has ended.  A
session ends on its own 12 hours after sign-in (``SESSION_LIFETIME``) or after
``PERFDASH_SESSION_IDLE_MINUTES`` without a request, whichever comes first.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import logging
import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine
from werkzeug.security import check_password_hash, generate_password_hash

from perfdash import store
from perfdash.config import AUTH_MODES, MIN_SECRET_KEY, ConfigError, Settings
from perfdash.vocab import ROLES

TOKEN_PREFIX = "pdt_"
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # scrypt on a megabyte of input is a denial of service
SESSION_LIFETIME = timedelta(hours=12)  # a session ends this long after sign-in, whatever happens
SESSION_ID_CHARS = 43  # secrets.token_urlsafe(32)

log = logging.getLogger(__name__)


class PermissionDenied(Exception):
    """The caller's role does not allow this action; the message says which role is needed."""


def role_allows(role: str | None, needed: str) -> bool:
    if role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(needed)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(engine: Engine, name: str, role: str, artists: Sequence[str] = ()) -> str:
    """Create a token and return it; it cannot be shown again.  With ``artists`` it reads only
    their releases (and must be a viewer)."""
    if problem := check_name(name, "token name"):
        raise ValueError(problem)
    if role not in ("viewer", "editor"):
        raise ValueError("A token's role must be viewer or editor")
    names = clean_artists(engine, artists, role, "token")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    store.create_api_token(engine, name, hash_token(token), role, names)
    return token


def role_for_token(engine: Engine, token: str | None) -> str | None:
    if not token:
        return None
    row = store.api_token_by_hash(engine, hash_token(token.strip()))
    return row["role"] if row else None


# --------------------------------------------------------------------------- artist scopes

SCOPED_ROLE = "viewer"


def clean_artists(engine: Engine, artists: Sequence[str], role: str, what: str) -> list[str]:
    """The artists an account is to be limited to, checked: each carried by a release (a typo
    would make an account that sees nothing), and only for a viewer.

    A scoped account only reads: writes go to releases by id, CSV files and collectors that
    span artists, and one rule (an editor sees the whole catalog) is simpler to keep than a
    scope check on every write path.
    """
    names = sorted({(a or "").strip() for a in artists} - {""})
    if not names:
        return []
    if role != SCOPED_ROLE:
        raise ValueError(
            f"A {what} limited to artists must have the viewer role (it has {role}): "
            "artist-scoped accounts only read"
        )
    known = {a["artist_name"] for a in store.list_artists(engine, archived=True)}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(
            f"No release carries the artist {unknown[0]!r}; an artist is named exactly as "
            "on its releases (see perfdash's artist page)"
        )
    return names


def scope_of_user(engine: Engine, username: str) -> frozenset[str] | None:
    """The artists a user is limited to, or None for the whole catalog."""
    artists = store.user_artists_of(engine, username)
    return frozenset(artists) if artists else None


# --------------------------------------------------------------------------- passwords and users


def check_password_policy(password: str | None, username: str | None = None) -> str | None:
    """Why a new password is unacceptable, or None when it is fine."""
    if not password:
        return "The password is empty"
    if len(password) < MIN_PASSWORD:
        return f"The password is too short: use at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"The password is too long: use at most {MAX_PASSWORD} characters"
    if password.strip() != password:
        return "The password starts or ends with white space (a copy-and-paste slip?)"
    if username and password.lower() == username.strip().lower():
        return "The password must not be the user name"
    if len(set(password)) < 4:
        return "The password repeats too few different characters"
    return None


@functools.cache
def _dummy_hash() -> str:
    # Checked against when a user name does not exist, so both answers take the same time.
    return generate_password_hash("perfdash-timing-equaliser")


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def check_name(name: str | None, what: str = "user name") -> str | None:
    """Why a user or token name is unacceptable (empty, too long, control characters)."""
    name = (name or "").strip()
    if not name:
        return f"The {what} is empty"
    if len(name) > 100:
        return f"The {what} is too long: use at most 100 characters"
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in name):
        return f"The {what} holds a control character (a tab, a line break...)"
    return None


def access_change_problem(
    users: list[dict[str, Any]], username: str, *, role: str | None = None, by: str | None = None
) -> str | None:
    """Why removing ``username`` (``role`` None) or giving it ``role`` must not happen.

    An admin cannot remove their own account from the browser, and the last admin stays one,
    so the admin page can never lock everyone out of it.
    """
    target = next((u for u in users if u["username"] == username), None)
    if target is None:
        return f"There is no user named {username!r}"
    if role is not None and role not in ROLES:
        return f"Role must be one of {', '.join(ROLES)}"
    if role not in (None, SCOPED_ROLE) and target.get("artists"):
        return (
            f"{username!r} is limited to artists ({', '.join(target['artists'])}) and stays a "
            "viewer: artist-scoped accounts only read"
        )
    if role is None and by is not None and username == by:
        return "You cannot remove your own account; another admin can"
    admins = [u for u in users if u["role"] == "admin"]
    if target["role"] == "admin" and len(admins) == 1 and role != "admin":
        return f"{username!r} is the only admin; make another user admin first"
    return None


def add_user(
    engine: Engine, username: str, password: str, role: str, artists: Sequence[str] = ()
) -> int:
    """Create a user after checking the password; raises ValueError with a clear message.
    With ``artists`` the user reads only their releases (and must be a viewer)."""
    if role not in ROLES:
        raise ValueError(f"Role must be one of {', '.join(ROLES)}")
    if problem := check_name(username):
        raise ValueError(problem)
    names = clean_artists(engine, artists, role, "user")
    problem = check_password_policy(password, username)
    if problem:
        raise ValueError(problem)
    return store.create_user(engine, username, hash_password(password), role, names)


def set_user_artists(engine: Engine, username: str, artists: Sequence[str]) -> list[str]:
    """Limit an existing user to ``artists`` (empty: the whole catalog again), checked as for a
    new account: each carried by a release, and a limited user must be a viewer.  Returns the
    names as stored; raises ValueError with a clear message."""
    user = store.get_user(engine, username)
    if user is None:
        raise ValueError(f"There is no user named {username!r}")
    names = clean_artists(engine, artists, user["role"], "user")
    store.set_user_artists(engine, username, names)
    return names


def set_password(engine: Engine, username: str, password: str) -> bool:
    """A new password for ``username``; every session of the user ends with the change."""
    problem = check_password_policy(password, username)
    if problem:
        raise ValueError(problem)
    return store.update_user(engine, username, password_hash=hash_password(password))


def authenticate(engine: Engine, username: str | None, password: str | None) -> dict | None:
    """The user if the name and password match, else None (same work either way)."""
    username = (username or "").strip()
    password = password or ""
    if not username or len(username) > 100 or len(password) > MAX_PASSWORD:
        check_password_hash(_dummy_hash(), password[:MAX_PASSWORD])
        return None
    user = store.get_user(engine, username)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user["password_hash"], password):
        return None
    return user


# --------------------------------------------------------------------------- login policy


def is_loopback(host: str | None) -> bool:
    """True for addresses only this machine can reach (127.0.0.1, ::1, localhost)."""
    if not host:
        return False
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_secret_key(secret: str | None) -> None:
    """Refuse to sign sessions with a missing or guessable key."""
    hint = 'generate one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
    if not secret:
        raise ConfigError(f"PERFDASH_SECRET_KEY is not set but login is on; {hint}")
    if len(secret) < MIN_SECRET_KEY or len(set(secret)) < 10:
        raise ConfigError(
            f"PERFDASH_SECRET_KEY is too weak for signing sessions (use at least "
            f"{MIN_SECRET_KEY} random characters); {hint}"
        )


def login_policy(settings: Settings, engine: Engine, *, network: bool | None) -> bool:
    """Whether this app asks for a login (see the module docstring).

    ``network`` is True for a server reachable from other machines, False for ``perfdash run``
    on loopback, None when the app is built by code (tests): then only ``required`` turns it on.
    """
    mode = getattr(settings, "auth", "auto") or "auto"
    if mode not in AUTH_MODES:
        raise ConfigError(f"PERFDASH_AUTH={mode!r} must be one of {', '.join(AUTH_MODES)}")
    if mode == "required":
        return True
    if mode == "off":
        if network:
            log.warning(
                "PERFDASH_AUTH=off on a server reachable from the network: anyone who can "
                "reach it can read and write; use this only behind an authenticating proxy"
            )
        return False
    if network is None:
        return False
    if network:
        return True
    return store.count_users(engine) > 0


# --------------------------------------------------------------------------- web session


def login_required() -> bool:
    from flask import current_app

    return bool(current_app.extensions["perfdash"].get("login_required", False))


def _session_key(session_id: str) -> str:
    # Only this hash is stored, so reading the sessions table opens no session.
    return hashlib.sha256(session_id.encode()).hexdigest()


def _engine() -> Engine:
    from flask import current_app

    return current_app.extensions["perfdash"]["engine"]


def login_session(user: dict[str, Any]) -> None:
    """Start a fresh session for ``user``: a new random id (defeating session fixation),
    recorded in the database, carried by the signed cookie."""
    from flask import g, session

    session_id = secrets.token_urlsafe(32)
    store.create_session(_engine(), user["username"], _session_key(session_id), SESSION_LIFETIME)
    session.clear()
    session.permanent = True
    session["sid"] = session_id
    session["csrf"] = secrets.token_urlsafe(32)
    g.pop("perfdash_user", None)
    g.pop("perfdash_scope", None)


def _idle() -> timedelta:
    """How long a session may go without a request (PERFDASH_SESSION_IDLE_MINUTES)."""
    from flask import current_app

    return timedelta(minutes=current_app.extensions["perfdash"]["settings"].session_idle_minutes)


def _session_id() -> str | None:
    from flask import session

    sid = session.get("sid")
    return sid if isinstance(sid, str) and len(sid) == SESSION_ID_CHARS else None


def logout_session() -> None:
    """End the session in the database (every copy of the cookie with it) and in the cookie."""
    from flask import g, session

    sid = _session_id()
    if sid:
        store.end_session(_engine(), _session_key(sid))
    session.clear()
    g.pop("perfdash_user", None)
    g.pop("perfdash_scope", None)


def csrf_token() -> str:
    """The session's anti-forgery token for HTML forms (login, logout)."""
    from flask import session

    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok(sent: str | None) -> bool:
    from flask import session

    expected = session.get("csrf")
    return bool(expected and sent and hmac.compare_digest(str(expected), str(sent)))


def current_user() -> dict[str, Any] | None:
    """The signed-in user ({"username", "role"}) of this request, or None.

    The session is looked up in the database once per request, so a session ended anywhere
    (sign-out, a new password, a removed user) or a changed role counts at once.  Raises
    ``store.DatabaseUnavailableError`` when the database is down.
    """
    from flask import g, has_request_context

    if not has_request_context():
        return None
    if "perfdash_user" in g:
        return g.perfdash_user
    sid = _session_id()
    user = store.session_user(_engine(), _session_key(sid), idle=_idle()) if sid else None
    g.perfdash_user = user
    return user


def current_role() -> str | None:
    """The role of whoever makes the current web request.

    Until login is switched on (a single local user on 127.0.0.1), that user is the admin.
    A request made through a share link has no role, whoever sends it.
    """
    from flask import current_app, g

    if g.get("perfdash_share") is not None:  # a share link's visitor: no role (web.shares)
        return None
    ext = current_app.extensions["perfdash"]
    if not ext.get("login_required", False):
        return "admin"
    user = current_user()
    return user["role"] if user else None


def current_scope() -> frozenset[str] | None:
    """The artists the signed-in user of this web request is limited to, or None (the whole
    catalog: an unscoped account, sign-in off, no request, or a share link's visitor, whom the
    link itself keeps to its view).  Looked up once per request, like the user."""
    from flask import g, has_request_context

    if not has_request_context() or g.get("perfdash_share") is not None:
        return None
    if "perfdash_scope" in g:
        return g.perfdash_scope
    user = current_user() if login_required() else None
    scope = scope_of_user(_engine(), user["username"]) if user else None
    g.perfdash_scope = scope
    return scope


def require_role(needed: str) -> None:
    role = current_role()
    if not role_allows(role, needed):
        raise PermissionDenied(
            f"This needs the {needed} role; you are "
            + (f"signed in as {role}" if role else "not signed in")
        )
