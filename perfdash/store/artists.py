"""Artists: the names on approved_releases.artist_name, each with its releases.

An artist is not a table of its own: the platform's schema gives every release an
``artist_name``, and an artist is the set of releases that carry one name (as the form, the API
and a CSV file wrote it: trimmed, compared exactly).  Archived releases take no part unless
``archived`` asks for them, as on the dashboard's leaderboard.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import approved_releases
from perfdash.store.engine import _begin, to_utc
from perfdash.store.scope import _artist_in_scope


def _named(bind: Engine | Connection, archived: bool) -> list[sa.ColumnElement]:
    r = approved_releases.c
    out = [r.artist_name.is_not(None), r.artist_name != "", *_artist_in_scope(bind, r.artist_name)]
    if not archived:
        out.append(r.archived_at.is_(None))
    return out


def list_artists(bind: Engine | Connection, *, archived: bool = False) -> list[dict[str, Any]]:
    """Every artist name with its number of releases, by name (case-insensitive)."""
    r = approved_releases.c
    stmt = (
        select(r.artist_name, func.count().label("releases"))
        .where(*_named(bind, archived))
        .group_by(r.artist_name)
        .order_by(func.lower(r.artist_name), r.artist_name)
    )
    with _begin(bind) as conn:
        return [{"artist_name": n, "releases": int(c)} for n, c in conn.execute(stmt)]


def artist_releases(
    bind: Engine | Connection, artist_name: str, *, archived: bool = False
) -> list[dict[str, Any]]:
    """The releases of one artist (exact name), oldest approval first; empty when none."""
    r = approved_releases.c
    stmt = (
        select(r.id, r.release_id, r.title, r.artist_name, r.approved_at, r.archived_at)
        .where(r.artist_name == artist_name, *_named(bind, archived))
        .order_by(r.approved_at.nulls_last(), r.id)
    )
    with _begin(bind) as conn:
        rows = [dict(row._mapping) for row in conn.execute(stmt)]
    for row in rows:
        row["approved_at"] = to_utc(row["approved_at"])
        row["archived_at"] = to_utc(row["archived_at"])
    return rows


def release_artists(bind: Engine | Connection, *, archived: bool = False) -> dict[int, str]:
    """Each named release's artist, by release pk (the artist leaderboard groups by it)."""
    r = approved_releases.c
    stmt = select(r.id, r.artist_name).where(*_named(bind, archived))
    with _begin(bind) as conn:
        return {int(i): str(n) for i, n in conn.execute(stmt)}
