"""Web sign-in sessions: one row per signed-in browser, keyed by a hash of the cookie's id.

A session is valid while its row exists, belongs to an existing user and has not expired; so
sign-out deletes the row, and a new password or removing the user deletes all of the user's
rows, in the same transaction as the change.  Every worker reads the same rows, so the end is
immediate everywhere.  ``perfdash.auth`` makes the ids and hashes them; the store never sees an
id itself.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import sessions, users
from perfdash.store.engine import _begin, _db_ts


def _now() -> datetime:
    return datetime.now(UTC)


def create_session(
    bind: Engine | Connection, username: str, id_hash: str, lifetime: timedelta
) -> bool:
    """Record a new session of ``username``; False when the user does not exist (any more).

    Expired sessions are removed on the way, so the table holds only live ones and a few
    abandoned ones younger than ``lifetime``.
    """
    now = _now()
    with _begin(bind) as conn:
        conn.execute(delete(sessions).where(sessions.c.expires_at < _db_ts(conn, now)))
        user_id = conn.execute(
            select(users.c.id).where(users.c.username == username)
        ).scalar_one_or_none()
        if user_id is None:
            return False
        conn.execute(
            insert(sessions).values(
                id_hash=id_hash,
                user_id=user_id,
                created_at=_db_ts(conn, now),
                expires_at=_db_ts(conn, now + lifetime),
            )
        )
    return True


def session_user(bind: Engine | Connection, id_hash: str) -> dict[str, Any] | None:
    """The user ({"username", "role"}) of a live session, or None (ended, expired, removed)."""
    with _begin(bind) as conn:
        row = conn.execute(
            select(users.c.username, users.c.role)
            .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
            .where(sessions.c.id_hash == id_hash, sessions.c.expires_at > _db_ts(conn, _now()))
        ).first()
    return {"username": row.username, "role": row.role} if row else None


def end_session(bind: Engine | Connection, id_hash: str) -> bool:
    """Sign-out: the session's row goes, so every copy of its cookie stops working."""
    with _begin(bind) as conn:
        return conn.execute(delete(sessions).where(sessions.c.id_hash == id_hash)).rowcount > 0


def end_user_sessions(bind: Engine | Connection, username: str) -> int:
    """Every session of ``username`` ends (a new password, a removal); how many there were."""
    with _begin(bind) as conn:
        user_ids = select(users.c.id).where(users.c.username == username)
        return conn.execute(delete(sessions).where(sessions.c.user_id.in_(user_ids))).rowcount


def count_sessions(bind: Engine | Connection, username: str) -> int:
    """Live sessions of ``username`` (``perfdash user list`` and the tests)."""
    from sqlalchemy import func

    with _begin(bind) as conn:
        return conn.execute(
            select(func.count())
            .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
            .where(users.c.username == username, sessions.c.expires_at > _db_ts(conn, _now()))
        ).scalar_one()
