"""Tags on releases (perfdash_release_tags): what each release carries, each tag's releases.

Tags arrive here already checked and normalised by ``ingest.tags`` (lower case, no spaces), so
the store compares them exactly.  Archived releases keep their tags but take no part in a
tag's releases unless ``archived`` asks for them, as on the leaderboard.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import approved_releases, release_tags
from perfdash.store.engine import _begin
from perfdash.store.errors import UnknownReleaseError
from perfdash.store.scope import _in_scope


def release_tags_of(
    bind: Engine | Connection, release_ids: Iterable[int] | None = None
) -> dict[int, list[str]]:
    """Each release's tags in alphabetical order (releases without a tag are absent)."""
    t = release_tags.c
    stmt = select(t.release_id, t.tag).where(*_in_scope(bind, t.release_id))
    stmt = stmt.order_by(t.release_id, t.tag)
    if release_ids is not None:
        stmt = stmt.where(t.release_id.in_(sorted({int(i) for i in release_ids})))
    out: dict[int, list[str]] = {}
    with _begin(bind) as conn:
        for release_id, tag in conn.execute(stmt):
            out.setdefault(int(release_id), []).append(str(tag))
    return out


def set_release_tags(bind: Engine | Connection, release_id: int, tags: Sequence[str]) -> None:
    """Make ``tags`` the release's tags, in one transaction; an unknown release raises
    UnknownReleaseError and changes nothing."""
    with _begin(bind) as conn:
        found = conn.execute(
            select(approved_releases.c.id).where(approved_releases.c.id == int(release_id))
        ).first()
        if found is None:
            raise UnknownReleaseError(f"There is no release with id {release_id}")
        conn.execute(release_tags.delete().where(release_tags.c.release_id == int(release_id)))
        if tags:
            conn.execute(
                release_tags.insert(),
                [{"release_id": int(release_id), "tag": tag} for tag in sorted(set(tags))],
            )


def list_tags(bind: Engine | Connection, *, archived: bool = False) -> list[dict[str, Any]]:
    """Every tag with its number of releases, by tag."""
    t, r = release_tags.c, approved_releases.c
    stmt = (
        select(t.tag, func.count().label("releases"))
        .join(approved_releases, r.id == t.release_id)
        .where(*_in_scope(bind, r.id))
        .group_by(t.tag)
        .order_by(t.tag)
    )
    if not archived:
        stmt = stmt.where(r.archived_at.is_(None))
    with _begin(bind) as conn:
        return [{"tag": tag, "releases": int(n)} for tag, n in conn.execute(stmt)]


def tagged_release_ids(bind: Engine | Connection, tag: str, *, archived: bool = False) -> list[int]:
    """The releases that carry ``tag``, by id."""
    t, r = release_tags.c, approved_releases.c
    stmt = (
        select(t.release_id)
        .join(approved_releases, r.id == t.release_id)
        .where(t.tag == tag, *_in_scope(bind, r.id))
        .order_by(t.release_id)
    )
    if not archived:
        stmt = stmt.where(r.archived_at.is_(None))
    with _begin(bind) as conn:
        return [int(i) for i in conn.execute(stmt).scalars()]


def tags_by_release_key(
    bind: Engine | Connection, release_key: str | None = None
) -> dict[str, list[str]]:
    """Each release's tags by its release key (the CSV export's ``tags`` column); releases
    without a tag are absent."""
    t, r = release_tags.c, approved_releases.c
    stmt = (
        select(r.release_id, t.tag)
        .join(approved_releases, r.id == t.release_id)
        .where(*_in_scope(bind, r.id))
        .order_by(r.release_id, t.tag)
    )
    if release_key is not None:
        stmt = stmt.where(r.release_id == release_key)
    out: dict[str, list[str]] = {}
    with _begin(bind) as conn:
        for key, tag in conn.execute(stmt):
            out.setdefault(str(key), []).append(str(tag))
    return out
