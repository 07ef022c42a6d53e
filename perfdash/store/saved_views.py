"""Saved dashboard views (perfdash_saved_views): list, look up, save, delete, the default.

Every function takes the owner (``ingest.views`` says who that is) and touches only that
owner's rows, so a crafted id of someone else's view finds nothing.  Names and queries arrive
already checked by ``ingest.views``.  An owner has at most one default view: making one the
default clears the others in the same transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import saved_views
from perfdash.store.engine import _begin, _db_ts, to_utc

_COLUMNS = (
    saved_views.c.id,
    saved_views.c.name,
    saved_views.c.view,
    saved_views.c.is_default,
    saved_views.c.created_at,
    saved_views.c.updated_at,
)


def _out(row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    out["is_default"] = bool(out["is_default"])
    for key in ("created_at", "updated_at"):
        out[key] = to_utc(out[key])
    return out


def list_saved_views(bind: Engine | Connection, owner: str) -> list[dict[str, Any]]:
    """The owner's views by name (case-insensitive), each with id, name, view, is_default."""
    v = saved_views.c
    stmt = select(*_COLUMNS).where(v.owner == owner).order_by(func.lower(v.name), v.name, v.id)
    with _begin(bind) as conn:
        return [_out(r) for r in conn.execute(stmt)]


def count_saved_views(bind: Engine | Connection, owner: str) -> int:
    with _begin(bind) as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(saved_views).where(saved_views.c.owner == owner)
            ).scalar_one()
        )


def get_saved_view(bind: Engine | Connection, owner: str, view_id: int) -> dict[str, Any] | None:
    """The owner's view with this id; None when there is none (or it is someone else's)."""
    v = saved_views.c
    with _begin(bind) as conn:
        row = conn.execute(select(*_COLUMNS).where(v.owner == owner, v.id == int(view_id))).first()
    return _out(row) if row else None


def saved_view_named(bind: Engine | Connection, owner: str, name: str) -> dict[str, Any] | None:
    v = saved_views.c
    with _begin(bind) as conn:
        row = conn.execute(select(*_COLUMNS).where(v.owner == owner, v.name == name)).first()
    return _out(row) if row else None


def default_saved_view(bind: Engine | Connection, owner: str) -> dict[str, Any] | None:
    """The owner's default view (what a bare /dashboard opens), or None."""
    v = saved_views.c
    with _begin(bind) as conn:
        row = conn.execute(
            select(*_COLUMNS).where(v.owner == owner, v.is_default.is_(True)).limit(1)
        ).first()
    return _out(row) if row else None


def upsert_saved_view(
    bind: Engine | Connection, owner: str, name: str, view: str, *, default: bool = False
) -> int:
    """Store ``view`` under ``name`` (replacing the owner's view of that name, which keeps its
    id and default); ``default`` also makes it the owner's default.  Its id."""
    v = saved_views.c
    with _begin(bind) as conn:
        now = _db_ts(conn, datetime.now(UTC))
        found = conn.execute(
            select(v.id).where(v.owner == owner, v.name == name)
        ).scalar_one_or_none()
        if found is None:
            view_id = conn.execute(
                saved_views.insert()
                .values(owner=owner, name=name, view=view, created_at=now, updated_at=now)
                .returning(v.id)
            ).scalar_one()
        else:
            view_id = int(found)
            conn.execute(
                saved_views.update().where(v.id == view_id).values(view=view, updated_at=now)
            )
        if default:
            _make_default(conn, owner, view_id)
    return int(view_id)


def delete_saved_view(bind: Engine | Connection, owner: str, view_id: int) -> bool:
    """Delete the owner's view; False when the owner has no view with this id."""
    v = saved_views.c
    with _begin(bind) as conn:
        gone = conn.execute(saved_views.delete().where(v.owner == owner, v.id == int(view_id)))
    return gone.rowcount > 0


def set_default_view(bind: Engine | Connection, owner: str, view_id: int | None) -> bool:
    """Make the owner's view ``view_id`` their default (None: no default); False, and nothing
    changed, when the owner has no view with this id."""
    v = saved_views.c
    with _begin(bind) as conn:
        if view_id is None:
            conn.execute(saved_views.update().where(v.owner == owner).values(is_default=False))
            return True
        found = conn.execute(
            select(v.id).where(v.owner == owner, v.id == int(view_id))
        ).scalar_one_or_none()
        if found is None:
            return False
        _make_default(conn, owner, int(view_id))
    return True


def _make_default(conn: Connection, owner: str, view_id: int) -> None:
    v = saved_views.c
    conn.execute(
        saved_views.update()
        .where(v.owner == owner, v.id != view_id, v.is_default.is_(True))
        .values(is_default=False)
    )
    conn.execute(saved_views.update().where(v.id == view_id).values(is_default=True))
