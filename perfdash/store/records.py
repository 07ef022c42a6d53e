"""Readings listed with their release: pages for the API, the dashboard's table of raw
readings, and the stream behind the CSV export.

API pages are keyset pages by id (rows with id > cursor), so a page never shifts when rows
are added while a client pages through, and no OFFSET scan grows with the page number.  The
dashboard's table sorts by a column the person picks, from a fixed list only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import approved_releases, content_performance
from perfdash.store.blocks import _filters
from perfdash.store.engine import _begin, _tuples
from perfdash.store.errors import InvalidValueError, UnknownReleaseError
from perfdash.store.readings import _metric_row
from perfdash.store.scope import _in_scope
from perfdash.vocab import READING_FIELDS

# The fields of a ``readings_page`` row: a reading, its id and its release's key.
API_METRIC_FIELDS = ("id", "release_key", *READING_FIELDS)


def readings_page(
    bind: Engine | Connection,
    *,
    release_ids: Sequence[int] | None = None,
    platforms: Sequence[str] | None = None,
    metric_types: Sequence[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    country: str | None = None,
    currency: str | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Metric rows with their release key, in id order after ``after_id`` (one API page).

    ``country`` / ``currency``: only the readings of that country (currency); None: every
    reading, worldwide or not (a listing adds nothing up, so no territory rule applies)."""
    c = content_performance.c
    stmt = (
        select(
            c.id,
            c.release_id,
            approved_releases.c.release_id.label("release_key"),
            c.platform,
            c.metric_type,
            c.metric_value,
            c.recorded_at,
            c.value_kind,
            c.source,
            c.source_url,
            c.notes,
            c.country,
            c.currency,
        )
        .join(approved_releases, approved_releases.c.id == c.release_id)
        .where(
            c.id > int(after_id),
            *_filters(bind, release_ids, metric_types, platforms, start, end),
            *_coded(country, currency),
        )
        .order_by(c.id)
        .limit(max(1, int(limit)))
    )
    with _begin(bind) as conn:
        return [_metric_row(r) for r in conn.execute(stmt)]


def _coded(country: str | None, currency: str | None) -> list[sa.ColumnElement]:
    """Only one country's (currency's) readings when one is given; a listing adds nothing up,
    so no territory rule applies."""
    c = content_performance.c
    return [col == code for col, code in ((c.country, country), (c.currency, currency)) if code]


RECORD_COLUMNS = [
    "id",
    "recorded_at",
    "release_id",
    "release",
    "platform",
    "metric_type",
    "metric_value",
    "value_kind",
    "country",
    "currency",
    "source",
    "notes",
]


def _record_columns() -> dict[str, sa.ColumnElement]:
    c = content_performance.c
    ar = approved_releases.c
    return {
        "id": c.id,
        "recorded_at": c.recorded_at,
        "release_id": c.release_id,
        "release": func.coalesce(ar.title, ar.release_id),
        "platform": c.platform,
        "metric_type": c.metric_type,
        "metric_value": c.metric_value,
        "value_kind": c.value_kind,
        "country": c.country,
        "currency": c.currency,
        "source": c.source,
        "notes": c.notes,
    }


def metric_records(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    *,
    metric_types: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    country: str | None = None,
    currency: str | None = None,
    sort: Sequence[tuple[str, str]] = (("recorded_at", "desc"),),
    offset: int = 0,
    limit: int = 25,
) -> pd.DataFrame:
    """One page of the raw readings behind the charts, sorted in SQL (LIMIT/OFFSET); only one
    ``country``'s or ``currency``'s when given (as ``readings_page``).

    ``sort`` is a list of (column, "asc"|"desc") over ``RECORD_COLUMNS``; anything else is
    refused, so a column name from the browser never reaches SQL as text.
    """
    cols = _record_columns()
    order: list[sa.ColumnElement] = []
    for name, direction in sort:
        if name not in cols or direction not in ("asc", "desc"):
            raise InvalidValueError(f"cannot sort by {name!r} {direction!r}")
        order.append(cols[name].desc() if direction == "desc" else cols[name].asc())
    order.append(cols["id"].desc())
    stmt = (
        select(*[cols[name].label(name) for name in RECORD_COLUMNS])
        .join(approved_releases, approved_releases.c.id == content_performance.c.release_id)
        .where(
            *_filters(bind, release_ids, metric_types, platforms, start, end),
            *_coded(country, currency),
        )
        .order_by(*order)
        .offset(max(0, int(offset)))
        .limit(max(1, min(int(limit), 1000)))
    )
    with _begin(bind) as conn:
        rows = _tuples(conn, stmt)
    frame = pd.DataFrame(rows, columns=RECORD_COLUMNS)
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
    return frame


def count_records(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    *,
    metric_types: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    country: str | None = None,
    currency: str | None = None,
) -> int:
    """How many readings ``metric_records`` pages through (for the page count)."""
    stmt = (
        select(func.count())
        .select_from(content_performance)
        .where(
            *_filters(bind, release_ids, metric_types, platforms, start, end),
            *_coded(country, currency),
        )
    )
    with _begin(bind) as conn:
        return int(conn.execute(stmt).scalar_one())


EXPORT_CHUNK_ROWS = 20_000


def iter_metrics_for_export(
    bind: Engine | Connection,
    *,
    release_key: str | None = None,
    chunk_rows: int = EXPORT_CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """Every reading (or one release's) with its release key, streamed in DataFrame chunks.

    A server-side cursor (``stream_results``) keeps memory flat however large the table is.
    """
    c = content_performance.c
    r = approved_releases.c
    stmt = (
        select(
            r.release_id.label("release_key"),
            c.platform,
            c.metric_type,
            c.metric_value,
            c.recorded_at,
            c.value_kind,
            c.source_url,
            c.notes,
            c.country,
            c.currency,
            r.title.label("release_title"),
            r.artist_name,
            r.isrc,
            r.upc,
        )
        .select_from(content_performance.join(approved_releases, r.id == c.release_id))
        .where(*_in_scope(bind, r.id))
        .order_by(r.release_id, c.recorded_at, c.id)
    )
    if release_key is not None:
        stmt = stmt.where(r.release_id == release_key)
    columns = [col.name for col in stmt.selected_columns]
    with _begin(bind) as conn:
        known = (
            release_key is None
            or conn.execute(
                select(r.id).where(r.release_id == release_key, *_in_scope(conn, r.id))
            ).first()
        )
        if not known:
            raise UnknownReleaseError(f"No release with key {release_key!r}")
        result = conn.execution_options(stream_results=True, yield_per=chunk_rows).execute(stmt)
        for part in result.partitions(chunk_rows):
            # plain tuples: pandas probing SQLAlchemy Row objects is slower than the query
            frame = pd.DataFrame([tuple(row) for row in part], columns=columns)
            frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
            yield frame
