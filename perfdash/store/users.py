"""Accounts for the web UI and bearer tokens for the API, with their roles.

Only hashes are stored (a password hash, a SHA-256 of a token): perfdash.auth makes and checks
them; the store never sees a secret.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import api_tokens, token_artists, user_artists, users
from perfdash.store.engine import _begin, _db_ts
from perfdash.store.errors import InvalidValueError, PerformanceDbError
from perfdash.store.sessions import end_user_sessions
from perfdash.vocab import ROLES


def _insert_named(
    bind: Engine | Connection,
    table: sa.Table,
    column: str,
    name: str,
    what: str,
    artists: Sequence[str] = (),
    **values: Any,
) -> int:
    """Insert a user or token whose name is unique; a clear error when the name is taken."""
    if values.get("role") not in ROLES:
        raise InvalidValueError(f"role must be one of {', '.join(ROLES)}")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidValueError(f"{what} name must be 1 to 100 characters")
    with _begin(bind) as conn:
        if conn.execute(select(table.c.id).where(table.c[column] == name)).first():
            raise PerformanceDbError(f"A {what} named {name!r} already exists")
        new_id = conn.execute(
            table.insert().values({column: name, **values}).returning(table.c.id)
        ).scalar_one()
        _add_artists(conn, table, new_id, artists)
        return new_id


def _clean_artists(artists: Sequence[str]) -> list[str]:
    out = sorted({(a or "").strip() for a in artists})
    if any(not a or len(a) > 255 for a in out):
        raise InvalidValueError("an artist name must be 1 to 255 characters")
    return out


def _add_artists(conn: Connection, table: sa.Table, owner: int, artists: Sequence[str]) -> None:
    """The artists a new user or token is limited to (none: the whole catalog)."""
    names = _clean_artists(artists)
    if not names:
        return
    scope, key = (user_artists, "user_id") if table is users else (token_artists, "token_id")
    conn.execute(scope.insert(), [{key: owner, "artist_name": n} for n in names])


def _artists_by(conn: Connection, scope: sa.Table, key: str) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    rows = conn.execute(select(scope.c[key], scope.c.artist_name).order_by(scope.c.artist_name))
    for owner, name in rows:
        out.setdefault(int(owner), []).append(str(name))
    return out


def user_artists_of(bind: Engine | Connection, username: str) -> list[str]:
    """The artists ``username`` is limited to, by name; empty: the whole catalog."""
    stmt = (
        select(user_artists.c.artist_name)
        .join(users, users.c.id == user_artists.c.user_id)
        .where(users.c.username == username)
        .order_by(user_artists.c.artist_name)
    )
    with _begin(bind) as conn:
        return [str(n) for n in conn.execute(stmt).scalars()]


def set_user_artists(bind: Engine | Connection, username: str, artists: Sequence[str]) -> bool:
    """Replace the artists ``username`` is limited to (none: the whole catalog), in one
    transaction; False when there is no such user.  The scope is read on every request, so
    the change counts from the user's next one, in every worker."""
    with _begin(bind) as conn:
        owner = conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
        if owner is None:
            return False
        conn.execute(user_artists.delete().where(user_artists.c.user_id == owner))
        _add_artists(conn, users, int(owner), artists)
        return True


def create_user(
    bind: Engine | Connection,
    username: str,
    password_hash: str,
    role: str,
    artists: Sequence[str] = (),
) -> int:
    """A new user; with ``artists`` it reads only their releases."""
    return _insert_named(
        bind, users, "username", username, "user", artists, password_hash=password_hash, role=role
    )


def get_user(bind: Engine | Connection, username: str) -> dict[str, Any] | None:
    with _begin(bind) as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
    return dict(row._mapping) if row else None


def update_user(bind: Engine | Connection, username: str, **values: Any) -> bool:
    if "role" in values and values["role"] not in ROLES:
        raise InvalidValueError(f"role must be one of {', '.join(ROLES)}")
    with _begin(bind) as conn:
        changed = (
            conn.execute(
                users.update().where(users.c.username == username).values(**values)
            ).rowcount
            > 0
        )
        if changed and "password_hash" in values:  # a new password signs out every browser
            end_user_sessions(conn, username)
        return changed


def delete_user(bind: Engine | Connection, username: str) -> bool:
    with _begin(bind) as conn:
        # explicit as well as ON DELETE CASCADE: a SQLite connection without foreign keys on
        # must not leave a removed user's sessions behind
        end_user_sessions(conn, username)
        return conn.execute(users.delete().where(users.c.username == username)).rowcount > 0


def count_users(bind: Engine | Connection) -> int:
    with _begin(bind) as conn:
        return conn.execute(select(func.count()).select_from(users)).scalar_one()


def list_users(bind: Engine | Connection) -> list[dict[str, Any]]:
    """Users and roles for `perfdash user list`; the password hash is never returned."""
    with _begin(bind) as conn:
        rows = conn.execute(
            select(users.c.id, users.c.username, users.c.role, users.c.created_at).order_by(
                users.c.username
            )
        ).all()
        scopes = _artists_by(conn, user_artists, "user_id")
    out = []
    for r in rows:
        row = dict(r._mapping)
        row["artists"] = scopes.get(row.pop("id"), [])
        out.append(row)
    return out


def create_api_token(
    bind: Engine | Connection,
    name: str,
    token_hash: str,
    role: str,
    artists: Sequence[str] = (),
) -> int:
    """A new token; with ``artists`` it reads only their releases."""
    return _insert_named(
        bind, api_tokens, "name", name, "token", artists, token_hash=token_hash, role=role
    )


def api_token_by_hash(bind: Engine | Connection, token_hash: str) -> dict[str, Any] | None:
    """The live (not revoked) token with this hash, marking it used, with the ``artists``
    it is limited to (empty: the whole catalog)."""
    with _begin(bind) as conn:
        row = conn.execute(
            select(api_tokens).where(
                api_tokens.c.token_hash == token_hash, api_tokens.c.revoked == sa.false()
            )
        ).first()
        if row is None:
            return None
        # Every API request authenticates: record use at most once a minute per token, so
        # reads do not turn into a row write (and WAL traffic) each time.
        now = datetime.now(UTC)
        conn.execute(
            api_tokens.update()
            .where(
                api_tokens.c.id == row.id,
                sa.or_(
                    api_tokens.c.last_used_at.is_(None),
                    api_tokens.c.last_used_at < _db_ts(conn, now - timedelta(minutes=1)),
                ),
            )
            .values(last_used_at=_db_ts(conn, now))
        )
        artists = conn.execute(
            select(token_artists.c.artist_name)
            .where(token_artists.c.token_id == row.id)
            .order_by(token_artists.c.artist_name)
        ).scalars()
        return {**row._mapping, "artists": [str(a) for a in artists]}


def revoke_api_token(bind: Engine | Connection, name: str) -> bool:
    with _begin(bind) as conn:
        return (
            conn.execute(
                api_tokens.update().where(api_tokens.c.name == name).values(revoked=True)
            ).rowcount
            > 0
        )


def list_api_tokens(bind: Engine | Connection) -> list[dict[str, Any]]:
    with _begin(bind) as conn:
        rows = conn.execute(
            select(
                api_tokens.c.id,
                api_tokens.c.name,
                api_tokens.c.role,
                api_tokens.c.created_at,
                api_tokens.c.last_used_at,
                api_tokens.c.revoked,
            ).order_by(api_tokens.c.name)
        ).all()
        scopes = _artists_by(conn, token_artists, "token_id")
    return [{**r._mapping, "artists": scopes.get(int(r.id), [])} for r in rows]
