"""Web sign-in sessions: one row per signed-in browser, keyed by a hash of the cookie's id.

A session is valid while its row exists, belongs to an existing user, has not expired (12 h
after sign-in) and has not been left idle (no request for ``PERFDASH_SESSION_IDLE_MINUTES``);
so sign-out deletes the row, and a new password or removing the user deletes all of the user's
rows, in the same transaction as the change.  The last request's time is written at most once
a minute (``_TOUCH_EVERY``), so a page's many callbacks cost one read each, not one write.  Every worker reads the same rows, so the end is
immediate everywhere.  ``perfdash.auth`` makes the ids and hashes them; the store never sees an
id itself.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import sessions, users
from perfdash.store.engine import _begin, _db_ts, to_utc

_TOUCH_EVERY = timedelta(minutes=1)  # how stale a session's last-seen time may be written


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
                last_seen_at=_db_ts(conn, now),
            )
        )
    return True


def _seen() -> func.coalesce:
    return func.coalesce(sessions.c.last_seen_at, sessions.c.created_at)


def session_user(
    bind: Engine | Connection, id_hash: str, *, idle: timedelta | None = None
) -> dict[str, Any] | None:
    """The user ({"username", "role"}) of a live session, or None (ended, expired, removed, or
    without a request for ``idle``: then its row goes, so the cookie is dead for good).

    A live session's last-seen time moves to now when it is over ``_TOUCH_EVERY`` old.
    """
    now = _now()
    with _begin(bind) as conn:
        row = conn.execute(
            select(users.c.username, users.c.role, _seen().label("seen"))
            .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
            .where(sessions.c.id_hash == id_hash, sessions.c.expires_at > _db_ts(conn, now))
        ).first()
        if row is None:
            return None
        seen = to_utc(row.seen)
        if idle is not None and seen is not None and seen <= now - idle:
            conn.execute(delete(sessions).where(sessions.c.id_hash == id_hash))
            return None
        if seen is None or seen <= now - _TOUCH_EVERY:
            conn.execute(
                update(sessions)
                .where(sessions.c.id_hash == id_hash)
                .values(last_seen_at=_db_ts(conn, now))
            )
    return {"username": row.username, "role": row.role}


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
    """Unexpired sessions of ``username`` (the tests)."""
    with _begin(bind) as conn:
        return conn.execute(
            select(func.count())
            .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
            .where(users.c.username == username, sessions.c.expires_at > _db_ts(conn, _now()))
        ).scalar_one()


def sessions_by_user(
    bind: Engine | Connection, *, idle: timedelta | None = None
) -> dict[str, tuple[int, datetime]]:
    """Every user with live sessions: (how many, the latest request of any), for
    ``perfdash user list``; a session idle past ``idle`` is not counted."""
    now = _now()
    with _begin(bind) as conn:
        stmt = (
            select(users.c.username, func.count(), func.max(_seen()))
            .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
            .where(sessions.c.expires_at > _db_ts(conn, now))
            .group_by(users.c.username)
        )
        if idle is not None:
            stmt = stmt.where(_seen() > _db_ts(conn, now - idle))
        return {name: (n, to_utc(last)) for name, n, last in conn.execute(stmt)}
