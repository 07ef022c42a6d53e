"""Who may do what: roles, API tokens, and (for the web UI) the current user's role.

Roles are ordered viewer < editor < admin.  Every write path asks ``require_role`` on the
server side; hiding a button is never the check.

API tokens are random strings shown once at creation; only their SHA-256 is stored (a token
has enough entropy that a fast hash is the standard choice, unlike passwords).
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.engine import Engine

from perfdash import store
from perfdash.schema import ROLES

TOKEN_PREFIX = "pdt_"


class PermissionDenied(Exception):
    """The caller's role does not allow this action; the message says which role is needed."""


def role_allows(role: str | None, needed: str) -> bool:
    if role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(needed)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(engine: Engine, name: str, role: str) -> str:
    """Create a token and return it; it cannot be shown again."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    store.create_api_token(engine, name, hash_token(token), role)
    return token


def role_for_token(engine: Engine, token: str | None) -> str | None:
    if not token:
        return None
    row = store.api_token_by_hash(engine, hash_token(token.strip()))
    return row["role"] if row else None


def current_role() -> str | None:
    """The role of whoever makes the current web request.

    Until login is switched on (a single local user on 127.0.0.1), that user is the admin.
    """
    from flask import current_app, session

    ext = current_app.extensions["perfdash"]
    if not ext.get("login_required", False):
        return "admin"
    return session.get("role")


def require_role(needed: str) -> None:
    role = current_role()
    if not role_allows(role, needed):
        raise PermissionDenied(
            f"This needs the {needed} role; you are "
            + (f"signed in as {role}" if role else "not signed in")
        )
