"""Artist scopes: the one place where an account limited to some artists is kept to them.

A scope is None (the whole catalog) or a frozenset of artist names.  It rides on the engine
the face hands the store (``scoped(engine, artists)``: SQLAlchemy's execution options, a
lightweight copy sharing the pool), so every connection and transaction opened from it carries
it and no store function needs a new argument; nothing is kept at module level.  The store
applies it to its release filter, the one filter every read has:

* a read given releases (``release_ids``: a list, or None for the whole catalog) narrows them
  with ``_narrow``: None becomes the scope's releases, a list keeps only the scope's;
* a read of the releases themselves (a release by id or key, the search, the artists, the
  tags, the goals, the notes) adds ``_in_scope`` to its WHERE.

A release outside the scope is therefore exactly an unknown release to every face: a 404, "no
such release", an empty list.  Releases belong to an artist by ``artist_name`` as written
(trimmed, compared exactly), as on the artist page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import approved_releases
from perfdash.store.engine import _begin

_OPTION = "perfdash_artists"


def scoped(bind: Engine, artists: Iterable[str] | None) -> Engine:
    """``bind`` limited to the releases of ``artists`` (None: unlimited, ``bind`` itself)."""
    if artists is None:
        return bind
    return bind.execution_options(**{_OPTION: frozenset(artists)})


def scope_of(bind: Engine | Connection) -> frozenset[str] | None:
    """The artists ``bind`` is limited to, or None for the whole catalog."""
    return bind.get_execution_options().get(_OPTION)


def _scope_ids(artists: frozenset[str]) -> sa.Select:
    return select(approved_releases.c.id).where(
        approved_releases.c.artist_name.in_(sorted(artists))
    )


def _in_scope(bind: Engine | Connection, column: sa.ColumnElement) -> list[sa.ColumnElement]:
    """The WHERE terms that keep ``column`` (a release pk) to the scope; none when unlimited."""
    artists = scope_of(bind)
    return [] if artists is None else [column.in_(_scope_ids(artists))]


def _artist_in_scope(bind: Engine | Connection, column: sa.ColumnElement) -> list[sa.ColumnElement]:
    """The WHERE terms that keep an artist-name ``column`` to the scope's artists."""
    artists = scope_of(bind)
    return [] if artists is None else [column.in_(sorted(artists))]


def _narrow(bind: Engine | Connection, release_ids: Sequence[int] | None) -> list[int] | None:
    """``release_ids`` kept to the scope: None (the catalog) becomes the scope's releases, a
    list loses the releases outside it; unchanged when ``bind`` is unlimited."""
    artists = scope_of(bind)
    if artists is None:
        return None if release_ids is None else list(release_ids)
    with _begin(bind) as conn:
        allowed = [
            int(i)
            for i in conn.execute(_scope_ids(artists).order_by(approved_releases.c.id)).scalars()
        ]
    if release_ids is None:
        return allowed
    keep = set(allowed)
    return [int(r) for r in release_ids if int(r) in keep]
