"""Releases (approved_releases): writes with their checks, lookups by id and by key, search,
pages for the API, what collectors and launch comparisons need to know about each release.

``release_id`` names two things, both kept from the original schema: the workflow's text key
column of approved_releases (a field of ``create_release`` and ``update_release``), and, as an
argument and on readings, the integer ``approved_releases.id``.  The text is ``release_key``
wherever the two meet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from perfdash.schema import approved_releases, content_performance, release_tags
from perfdash.store.codes import _check_codes_free
from perfdash.store.engine import _begin, _db_ts, to_utc
from perfdash.store.errors import DuplicateReleaseError, InvalidValueError, UnknownReleaseError
from perfdash.store.scope import _in_scope
from perfdash.vocab import DISTRIBUTION_STATUSES, RELEASE_CODES, RELEASE_IDENTIFIERS

RELEASE_FIELDS = (
    "release_id",
    "title",
    "artist_name",
    "approved_at",
    "distribution_status",
    "track_prompt",
    "video_prompt",
    "suno_clip_id",
    "luma_generation_id",
    "track_url",
    "video_url",
    *RELEASE_IDENTIFIERS,
    *RELEASE_CODES,
)


def _release_row(row: sa.Row) -> dict[str, Any]:
    out = dict(row._mapping)
    if "approved_at" in out:
        out["approved_at"] = to_utc(out["approved_at"])
    if "last_activity" in out:
        out["last_activity"] = to_utc(out["last_activity"])
    if out.get("archived_at") is not None:
        out["archived_at"] = to_utc(out["archived_at"])
    return out


def release_label(release: dict[str, Any]) -> str:
    """How a release is named in pickers: title and artist, else the workflow key."""
    title = release.get("title") or release.get("release_id") or f"#{release.get('id')}"
    artist = release.get("artist_name")
    return f"{title} — {artist}" if artist else str(title)


def create_release(bind: Engine | Connection, release_key: str, **fields: Any) -> int:
    """Insert a release and return its id; a key that exists raises DuplicateReleaseError, an
    ISRC or UPC another release holds DuplicateCodeError (naming that release)."""
    values = _release_values({"release_id": release_key, **fields}, bind)
    with _begin(bind) as conn:
        exists = conn.execute(
            select(approved_releases.c.id).where(approved_releases.c.release_id == release_key)
        ).first()
        if exists:
            raise DuplicateReleaseError(f"A release with key {release_key!r} already exists")
        _check_codes_free(conn, values, None)
        try:
            with conn.begin_nested():
                return conn.execute(
                    approved_releases.insert().values(**values).returning(approved_releases.c.id)
                ).scalar_one()
        except IntegrityError as exc:
            raise DuplicateReleaseError(
                f"A release with key {release_key!r} already exists"
            ) from exc


def update_release(bind: Engine | Connection, release_pk: int, /, **fields: Any) -> None:
    """Change a release's fields; ``release_id`` in ``fields`` is the workflow key."""
    values = _release_values(fields, bind)
    if not values:
        return
    with _begin(bind) as conn:
        key = values.get("release_id")
        if key is not None:
            other = conn.execute(
                select(approved_releases.c.id).where(
                    approved_releases.c.release_id == key, approved_releases.c.id != release_pk
                )
            ).first()
            if other:
                raise DuplicateReleaseError(f"A release with key {key!r} already exists")
        _check_codes_free(conn, values, release_pk)
        done = conn.execute(
            approved_releases.update().where(approved_releases.c.id == release_pk).values(**values)
        )
        if done.rowcount == 0:
            raise UnknownReleaseError(f"No release with id {release_pk}")


def _release_values(fields: dict[str, Any], bind: Engine | Connection) -> dict[str, Any]:
    unknown = set(fields) - set(RELEASE_FIELDS)
    if unknown:
        raise InvalidValueError(f"Unknown release field(s): {', '.join(sorted(unknown))}")
    values = dict(fields)
    if "release_id" in values:
        key = str(values["release_id"] or "").strip()
        if not key:
            raise InvalidValueError("release key must not be empty")
        if len(key) > 255:
            raise InvalidValueError("release key is longer than 255 characters")
        values["release_id"] = key
    status = values.get("distribution_status")
    if status is not None and status not in DISTRIBUTION_STATUSES:
        raise InvalidValueError(
            f"distribution_status must be one of {', '.join(DISTRIBUTION_STATUSES)}"
        )
    if "approved_at" in values:
        if values["approved_at"] is None:
            values.pop("approved_at")
        else:
            values["approved_at"] = _db_ts(bind, values["approved_at"])
    for name in (
        "title",
        "artist_name",
        "suno_clip_id",
        "luma_generation_id",
        *RELEASE_IDENTIFIERS,
        *RELEASE_CODES,
    ):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip() or None
            if values[name] is not None and len(values[name]) > 255:
                raise InvalidValueError(f"{name} is longer than 255 characters")
    return values


def set_release_archived(
    bind: Engine | Connection, release_id: int, archived: bool, *, now: datetime | None = None
) -> bool:
    """Archive (or restore) a release; False when there is no such release.

    Archiving keeps the release and every reading: it only leaves pickers and the leaderboard.
    Archiving an archived release keeps its first archive time.
    """
    c = approved_releases.c
    value = (now or datetime.now(UTC)) if archived else None
    stmt = approved_releases.update().where(c.id == release_id)
    if archived:
        stmt = stmt.values(archived_at=sa.func.coalesce(c.archived_at, value))
    else:
        stmt = stmt.values(archived_at=None)
    with _begin(bind) as conn:
        return conn.execute(stmt).rowcount > 0


def delete_release(bind: Engine | Connection, release_id: int) -> bool:
    with _begin(bind) as conn:
        return (
            conn.execute(
                approved_releases.delete().where(approved_releases.c.id == release_id)
            ).rowcount
            > 0
        )


def get_release(bind: Engine | Connection, release_id: int) -> dict[str, Any] | None:
    with _begin(bind) as conn:
        row = conn.execute(
            select(approved_releases).where(
                approved_releases.c.id == release_id, *_in_scope(conn, approved_releases.c.id)
            )
        ).first()
    return _release_row(row) if row else None


def get_release_by_key(bind: Engine | Connection, release_key: str) -> dict[str, Any] | None:
    with _begin(bind) as conn:
        row = conn.execute(
            select(approved_releases).where(
                approved_releases.c.release_id == release_key,
                *_in_scope(conn, approved_releases.c.id),
            )
        ).first()
    return _release_row(row) if row else None


def release_ids_for_keys(bind: Engine | Connection, keys: Iterable[str]) -> dict[str, int]:
    """Map release keys to ids; keys that are not there are simply absent from the result."""
    wanted = sorted({str(k) for k in keys})
    found: dict[str, int] = {}
    with _begin(bind) as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = conn.execute(
                select(approved_releases.c.release_id, approved_releases.c.id).where(
                    approved_releases.c.release_id.in_(chunk),
                    *_in_scope(conn, approved_releases.c.id),
                )
            )
            found.update({key: rid for key, rid in rows})
    return found


def existing_release_ids(bind: Engine | Connection, ids: Iterable[int]) -> set[int]:
    wanted = sorted({int(i) for i in ids})
    found: set[int] = set()
    with _begin(bind) as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(
                conn.execute(
                    select(approved_releases.c.id).where(
                        approved_releases.c.id.in_(chunk), *_in_scope(conn, approved_releases.c.id)
                    )
                ).scalars()
            )
    return found


def search_releases(
    bind: Engine | Connection,
    query: str = "",
    *,
    limit: int = 50,
    archived: bool = False,
    tag: str | None = None,
) -> list[dict[str, Any]]:
    """Releases matching title, artist or key (case-insensitive), most recently active first;
    archived ones only with ``archived``; only those carrying ``tag`` (normalised) when given."""
    last_activity = _last_activity().label("last_activity")
    stmt = select(approved_releases, last_activity).where(*_in_scope(bind, approved_releases.c.id))
    if not archived:
        stmt = stmt.where(approved_releases.c.archived_at.is_(None))
    if tag is not None:
        tagged = select(release_tags.c.release_id).where(release_tags.c.tag == tag)
        stmt = stmt.where(approved_releases.c.id.in_(tagged))
    if (query or "").strip():
        stmt = stmt.where(_release_matches(query))
    stmt = stmt.order_by(
        sa.desc("last_activity").nulls_last(),
        approved_releases.c.approved_at.desc().nulls_last(),
        approved_releases.c.id.desc(),
    ).limit(max(1, min(int(limit), 1000)))
    with _begin(bind) as conn:
        return [_release_row(r) for r in conn.execute(stmt)]


def _release_matches(query: str) -> sa.ColumnElement:
    """Title, artist or key contains ``query`` (case-insensitive; % and _ taken literally),
    or the ISRC / UPC does, read as a code (``US-RC1-76`` finds ``USRC176...``)."""
    needle = query.strip()
    pattern = f"%{_escape_like(needle)}%"
    code = _escape_like(re.sub(r"[\s\-.]+", "", needle).upper())
    found = [
        approved_releases.c.title.ilike(pattern, escape="\\"),
        approved_releases.c.artist_name.ilike(pattern, escape="\\"),
        approved_releases.c.release_id.ilike(pattern, escape="\\"),
    ]
    if len(code) >= 3:
        found += [
            approved_releases.c[name].like(f"%{code}%", escape="\\") for name in RELEASE_CODES
        ]
    return sa.or_(*found)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _last_activity() -> sa.ScalarSelect:
    return (
        select(func.max(content_performance.c.recorded_at))
        .where(content_performance.c.release_id == approved_releases.c.id)
        .scalar_subquery()
    )


def releases_page(
    bind: Engine | Connection,
    *,
    query: str = "",
    after_id: int = 0,
    limit: int = 100,
    tag: str | None = None,
) -> list[dict[str, Any]]:
    """Releases in id order after ``after_id``, optionally matching title, artist or key,
    and only those carrying ``tag`` (already normalised by ``ingest.tags``) when given."""
    stmt = select(approved_releases).where(
        approved_releases.c.id > int(after_id), *_in_scope(bind, approved_releases.c.id)
    )
    if (query or "").strip():
        stmt = stmt.where(_release_matches(query))
    if tag is not None:
        tagged = select(release_tags.c.release_id).where(release_tags.c.tag == tag)
        stmt = stmt.where(approved_releases.c.id.in_(tagged))
    stmt = stmt.order_by(approved_releases.c.id).limit(max(1, int(limit)))
    with _begin(bind) as conn:
        return [_release_row(r) for r in conn.execute(stmt)]


def count_releases(bind: Engine | Connection) -> int:
    with _begin(bind) as conn:
        return conn.execute(
            select(func.count())
            .select_from(approved_releases)
            .where(*_in_scope(conn, approved_releases.c.id))
        ).scalar_one()


def releases_with_identifiers(
    bind: Engine | Connection,
    columns: Sequence[str],
    *,
    release_keys: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Releases that have at least one of the identifier ``columns`` set (what a collector needs).

    ``release_keys`` narrows the list to those workflow keys.
    """
    unknown = set(columns) - set(RELEASE_IDENTIFIERS)
    if unknown:
        raise InvalidValueError(f"Unknown identifier column(s): {', '.join(sorted(unknown))}")
    if not columns:
        return []
    r = approved_releases.c
    stmt = select(r.id, r.release_id, r.title, *(r[name] for name in columns)).where(
        sa.or_(*(sa.func.coalesce(sa.func.trim(r[name]), "") != "" for name in columns)),
        *_in_scope(bind, r.id),
    )
    if release_keys is not None:
        stmt = stmt.where(r.release_id.in_([str(k) for k in release_keys]))
    stmt = stmt.order_by(r.id)
    with _begin(bind) as conn:
        return [dict(row._mapping) for row in conn.execute(stmt)]


def launch_dates(
    bind: Engine | Connection, release_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """Per release: key, label parts, approval time and first metric time (both aware UTC).

    Launch comparison counts days from the approval date, or from the first metric when a
    release has no approval date.
    """
    r = approved_releases.c
    first = (
        select(func.min(content_performance.c.recorded_at))
        .where(content_performance.c.release_id == r.id)
        .scalar_subquery()
        .label("first_at")
    )
    stmt = select(r.id, r.release_id, r.title, r.artist_name, r.approved_at, first).order_by(r.id)
    stmt = stmt.where(*_in_scope(bind, r.id))
    if release_ids is not None:
        stmt = stmt.where(r.id.in_([int(x) for x in release_ids]))
    with _begin(bind) as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(
        rows,
        columns=["release_id", "release_key", "title", "artist_name", "approved_at", "first_at"],
    )
    for col in ("approved_at", "first_at"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    return frame


def has_user_data(bind: Engine | Connection) -> bool:
    """Whether the database holds anything that did not come from ``perfdash demo``."""
    with _begin(bind) as conn:
        releases = conn.execute(
            select(func.count())
            .select_from(approved_releases)
            .where(sa.not_(approved_releases.c.release_id.like("demo-%")))
        ).scalar_one()
        metrics = conn.execute(
            select(func.count())
            .select_from(content_performance)
            .where(content_performance.c.source != "demo")
        ).scalar_one()
    return bool(releases or metrics)


def delete_demo_data(bind: Engine | Connection) -> int:
    with _begin(bind) as conn:
        return conn.execute(
            approved_releases.delete().where(approved_releases.c.release_id.like("demo-%"))
        ).rowcount


def release_prompts(bind: Engine | Connection) -> pd.DataFrame:
    """Per release: its pk and what it was generated from (track and video prompts, the Suno
    clip and Luma generation ids), for reading which prompts go with which launches."""
    r = approved_releases.c
    columns = ["track_prompt", "video_prompt", "suno_clip_id", "luma_generation_id"]
    stmt = select(r.id, *(r[c] for c in columns)).where(*_in_scope(bind, r.id)).order_by(r.id)
    with _begin(bind) as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame(rows, columns=["release_id", *columns])
