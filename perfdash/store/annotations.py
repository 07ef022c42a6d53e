"""Dated notes on a release ("playlist add", "video premiere") or on the whole catalog, shown
on the charts beside the numbers they explain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import annotations, approved_releases
from perfdash.store.engine import _begin, _db_ts, to_utc
from perfdash.store.errors import InvalidValueError, UnknownReleaseError
from perfdash.store.scope import _in_scope, scope_of

MAX_ANNOTATION_TEXT = 500


def create_annotation(
    bind: Engine | Connection,
    release_id: int | None,
    at: datetime,
    text: str,
    *,
    created_by: str | None = None,
) -> int:
    """Store a dated note; ``release_id=None`` makes it a note about the whole catalog."""
    body = (text or "").strip()
    if not body:
        raise InvalidValueError("text must not be empty")
    if len(body) > MAX_ANNOTATION_TEXT:
        raise InvalidValueError(f"text is longer than {MAX_ANNOTATION_TEXT} characters")
    if at is None:
        raise InvalidValueError("date must be given")
    who = (created_by or "").strip()[:100] or None
    with _begin(bind) as conn:
        if (
            release_id is not None
            and not conn.execute(
                select(approved_releases.c.id).where(approved_releases.c.id == int(release_id))
            ).first()
        ):
            raise UnknownReleaseError(f"No release with id {release_id}")
        return conn.execute(
            annotations.insert()
            .values(
                release_id=None if release_id is None else int(release_id),
                at=_db_ts(conn, at),
                text=body,
                created_by=who,
            )
            .returning(annotations.c.id)
        ).scalar_one()


def _annotation_row(row: sa.Row) -> dict[str, Any]:
    out = dict(row._mapping)
    for key in ("at", "created_at"):
        out[key] = to_utc(out[key])
    return out


def list_annotations(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None = None,
    *,
    include_catalog: bool = True,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[dict[str, Any]]:
    """Annotations in time order, with the release key and title.

    ``release_ids=None`` lists every annotation; otherwise the notes of those releases plus
    (``include_catalog``) the catalog-wide ones, which belong on every release's chart.
    """
    a = annotations.c
    stmt = _annotation_select().where(*_note_in_scope(bind))
    if release_ids is not None:
        ids = [int(r) for r in release_ids]
        cond = a.release_id.in_(ids)
        stmt = stmt.where(sa.or_(cond, a.release_id.is_(None)) if include_catalog else cond)
    if start is not None:
        stmt = stmt.where(a.at >= _db_ts(bind, start))
    if end is not None:
        stmt = stmt.where(a.at < _db_ts(bind, end))
    stmt = stmt.order_by(a.at, a.id)
    with _begin(bind) as conn:
        return [_annotation_row(r) for r in conn.execute(stmt)]


def _note_in_scope(bind: Engine | Connection) -> list[sa.ColumnElement]:
    """A scoped account reads the notes of its releases only: a catalog-wide note may speak
    of any artist."""
    if scope_of(bind) is None:
        return []
    return [annotations.c.release_id.is_not(None), *_in_scope(bind, annotations.c.release_id)]


def _annotation_select() -> sa.Select:
    a = annotations.c
    return select(
        annotations,
        approved_releases.c.release_id.label("release_key"),
        approved_releases.c.title,
    ).select_from(annotations.outerjoin(approved_releases, approved_releases.c.id == a.release_id))


def get_annotation(bind: Engine | Connection, annotation_id: int) -> dict[str, Any] | None:
    """One annotation with its release key and title (None for a catalog note), or None."""
    if not 0 < int(annotation_id) < 2**31:
        return None  # not an id the column can hold; PostgreSQL would refuse to compare
    with _begin(bind) as conn:
        row = conn.execute(
            _annotation_select().where(
                annotations.c.id == int(annotation_id), *_note_in_scope(conn)
            )
        ).first()
    return _annotation_row(row) if row else None


def delete_annotation(bind: Engine | Connection, annotation_id: int) -> bool:
    """Delete one annotation; False when there is none with that id (or none could have it)."""
    if not 0 < int(annotation_id) < 2**31:
        return False
    with _begin(bind) as conn:
        return (
            conn.execute(
                annotations.delete().where(annotations.c.id == int(annotation_id))
            ).rowcount
            > 0
        )
