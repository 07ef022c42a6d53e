"""Goals: targets per release, artist or tag (``perfdash_goals``), listed with what a page needs
to show them.  Checked before they get here by ``ingest.goals``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import approved_releases, goals
from perfdash.store.engine import _begin
from perfdash.store.errors import InvalidValueError, UnknownReleaseError
from perfdash.store.scope import _artist_in_scope, _in_scope, scope_of

GOAL_SCOPES = ("release", "artist", "tag")


def create_goal(
    bind: Engine | Connection,
    *,
    scope: str,
    metric_type: str,
    target: int,
    release_id: int | None = None,
    artist_name: str | None = None,
    tag: str | None = None,
    due_on: date | None = None,
    first_days: int | None = None,
    created_by: str | None = None,
) -> int:
    """Store a goal; exactly one of ``release_id``, ``artist_name``, ``tag`` names what it is
    for (as ``scope`` says), and exactly one of ``due_on``, ``first_days`` when it counts."""
    named = {"release": release_id, "artist": artist_name, "tag": tag}
    if scope not in GOAL_SCOPES or named[scope] is None:
        raise InvalidValueError(f"scope must be one of {', '.join(GOAL_SCOPES)}, with its name")
    if sum(v is not None for v in named.values()) != 1:
        raise InvalidValueError("a goal is for one release, artist or tag")
    if (due_on is None) == (first_days is None):
        raise InvalidValueError("a goal has a due date or a number of first days, not both")
    with _begin(bind) as conn:
        if (
            release_id is not None
            and not conn.execute(
                select(approved_releases.c.id).where(approved_releases.c.id == int(release_id))
            ).first()
        ):
            raise UnknownReleaseError(f"No release with id {release_id}")
        return conn.execute(
            goals.insert()
            .values(
                scope=scope,
                release_id=release_id,
                artist_name=artist_name,
                tag=tag,
                metric_type=metric_type,
                target=int(target),
                due_on=due_on,
                first_days=first_days,
                created_by=(created_by or "").strip()[:100] or None,
            )
            .returning(goals.c.id)
        ).scalar_one()


def _goal_row(row: sa.Row) -> dict[str, Any]:
    out = dict(row._mapping)
    if isinstance(out.get("due_on"), str):  # SQLite hands a Date back as text in a union
        out["due_on"] = date.fromisoformat(out["due_on"])
    return out


def _goal_in_scope(bind: Engine | Connection) -> list[sa.ColumnElement]:
    """A scoped account sees the goals of its releases and its artists; a tag's goal counts
    releases of any artist, so it is not one of them."""
    if scope_of(bind) is None:
        return []
    g = goals.c
    return [
        sa.or_(
            sa.and_(g.release_id.is_not(None), *_in_scope(bind, g.release_id)),
            sa.and_(g.artist_name.is_not(None), *_artist_in_scope(bind, g.artist_name)),
        )
    ]


def list_goals(
    bind: Engine | Connection,
    *,
    release_ids: Sequence[int] | None = None,
    artists: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Goals in id order, each with its release's key and label parts; with ``release_ids``,
    ``artists`` and/or ``tags``, only the goals of those releases, artists and tags (none of
    them: every goal)."""
    g, r = goals.c, approved_releases.c
    stmt = (
        select(
            *goals.c,
            r.release_id.label("release_key"),
            r.title.label("release_title"),
        )
        .select_from(goals.outerjoin(approved_releases, r.id == g.release_id))
        .order_by(g.id)
    )
    stmt = stmt.where(*_goal_in_scope(bind))
    if release_ids is not None or artists is not None or tags is not None:
        where = []
        if release_ids:
            where.append(g.release_id.in_([int(x) for x in release_ids]))
        if artists:
            where.append(g.artist_name.in_(list(artists)))
        if tags:
            where.append(g.tag.in_(list(tags)))
        stmt = stmt.where(sa.or_(*where) if where else sa.false())
    with _begin(bind) as conn:
        return [_goal_row(row) for row in conn.execute(stmt)]


def get_goal(bind: Engine | Connection, goal_id: int) -> dict[str, Any] | None:
    with _begin(bind) as conn:
        row = conn.execute(
            select(*goals.c).where(goals.c.id == int(goal_id), *_goal_in_scope(conn))
        ).first()
    return None if row is None else _goal_row(row)


def delete_goal(bind: Engine | Connection, goal_id: int) -> bool:
    with _begin(bind) as conn:
        return conn.execute(goals.delete().where(goals.c.id == int(goal_id))).rowcount > 0


def artist_release_ids(bind: Engine | Connection, artist_name: str) -> list[int]:
    """The releases credited to ``artist_name`` (exactly as written), in id order."""
    r = approved_releases.c
    stmt = select(r.id).where(r.artist_name == artist_name, *_in_scope(bind, r.id)).order_by(r.id)
    with _begin(bind) as conn:
        return [int(x) for x in conn.execute(stmt).scalars()]
