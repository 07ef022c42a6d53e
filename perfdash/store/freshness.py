"""How recent each release's and each metric's numbers are, and when a release was read
lately (from which ``perfdash.metrics`` infers its collection schedule).

On PostgreSQL each is one short backward index probe per release (or a lookup in the daily
rollup) instead of ranking every reading; SQLite ranks with window functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import approved_releases, content_performance
from perfdash.store.blocks import _filters, _newest
from perfdash.store.engine import _begin, _is_pg, _one_transaction, _tuples, _tuples_on
from perfdash.store.errors import InvalidValueError
from perfdash.store.rollup import _transaction_zones
from perfdash.store.rollup_reads import _pd, _rollup_where, _RollupShape
from perfdash.store.scope import _narrow


def release_freshness(
    bind: Engine | Connection, release_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """Per release: when its newest number was recorded and by which source.

    Columns: release_id, newest_at (aware UTC), source, platform, metric_type.
    """
    release_ids = _narrow(bind, release_ids)
    c = content_performance.c
    if _is_pg(bind):  # one backward index probe per release instead of ranking every reading
        releases = _releases_subquery(release_ids)
        newest = (
            select(c.recorded_at, c.source, c.platform, c.metric_type)
            .where(c.release_id == releases.c.release_id, c.recorded_at.is_not(None))
            .order_by(c.recorded_at.desc(), c.id.desc())
            .limit(1)
            .lateral("newest")
        )
        stmt = (
            select(releases.c.release_id, *newest.c)
            .select_from(releases.join(newest, sa.true()))
            .order_by(releases.c.release_id)
        )
        frame = pd.DataFrame(
            _tuples_on(bind, stmt),
            columns=["release_id", "newest_at", "source", "platform", "metric_type"],
        )
        frame["newest_at"] = pd.to_datetime(frame["newest_at"], utc=True)
        return frame
    inner = select(
        c.release_id,
        c.recorded_at,
        c.source,
        c.platform,
        c.metric_type,
        func.row_number()
        .over(partition_by=c.release_id, order_by=[c.recorded_at.desc(), c.id.desc()])
        .label("rn"),
    )
    if release_ids is not None:
        inner = inner.where(c.release_id.in_([int(r) for r in release_ids]))
    inner = inner.subquery()
    stmt = (
        select(
            inner.c.release_id,
            inner.c.recorded_at,
            inner.c.source,
            inner.c.platform,
            inner.c.metric_type,
        )
        .where(inner.c.rn == 1)
        .order_by(inner.c.release_id)
    )
    with _begin(bind) as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(
        rows, columns=["release_id", "newest_at", "source", "platform", "metric_type"]
    )
    frame["newest_at"] = pd.to_datetime(frame["newest_at"], utc=True)
    return frame


@_one_transaction
def metric_freshness(
    bind: Engine | Connection,
    release_ids: Sequence[int],
    *,
    platforms: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per (release, metric type): when its newest reading was recorded and by which source.

    What each KPI card states about its own numbers (``metrics.freshness_by_metric``), for the
    releases and platforms the dashboard shows, in one query.
    Columns: release_id, metric_type, newest_at (aware UTC), source.
    """
    release_ids = _narrow(bind, release_ids)
    c = content_performance.c
    zones = _transaction_zones(bind)
    if zones:  # the newest reading's id per (release, metric) from the rollup, then its row
        newest = (
            select(
                _pd.release_id,
                _pd.metric_type,
                _newest(_pd.last_id, _pd.last_at, _pd.last_id).label("newest_id"),
            )
            .where(
                *_rollup_where(
                    _RollupShape(True, False, bool(platforms), False, False),
                    every_territory=True,
                )
            )
            .group_by(_pd.release_id, _pd.metric_type)
            .subquery("newest")
        )
        params: dict[str, Any] = {
            "zone": zones[0],
            "release_ids": [int(r) for r in release_ids],
            "platforms": [p.lower() for p in platforms or []],
        }
        stmt = (
            select(newest.c.release_id, newest.c.metric_type, c.recorded_at, c.source)
            .join(content_performance, c.id == newest.c.newest_id)
            .order_by(newest.c.metric_type, newest.c.release_id)
        )
        frame = pd.DataFrame(
            _tuples(bind, stmt, params),
            columns=["release_id", "metric_type", "newest_at", "source"],
        )
        frame["newest_at"] = pd.to_datetime(frame["newest_at"], utc=True)
        return frame
    inner = (
        select(
            c.release_id,
            c.metric_type,
            c.recorded_at,
            c.source,
            func.row_number()
            .over(
                partition_by=[c.release_id, c.metric_type],
                order_by=[c.recorded_at.desc(), c.id.desc()],
            )
            .label("rn"),
        )
        .where(
            c.recorded_at.is_not(None),
            *_filters(bind, release_ids, None, platforms, None, None),
        )
        .subquery()
    )
    stmt = (
        select(inner.c.release_id, inner.c.metric_type, inner.c.recorded_at, inner.c.source)
        .where(inner.c.rn == 1)
        .order_by(inner.c.metric_type, inner.c.release_id)
    )
    with _begin(bind) as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=["release_id", "metric_type", "newest_at", "source"])
    frame["newest_at"] = pd.to_datetime(frame["newest_at"], utc=True)
    return frame


def recent_reading_times(
    bind: Engine | Connection, release_ids: Sequence[int] | None = None, *, limit: int = 30
) -> pd.DataFrame:
    """Per release, its newest ``limit`` distinct reading times (oldest first), in one query.

    ``metrics.collection_interval_hours`` infers each release's collection schedule from them
    (a row_number window over the distinct times, which SQLite and PostgreSQL both run).
    Columns: release_id, recorded_at (aware UTC).
    """
    if limit < 1:
        raise InvalidValueError("limit must be at least 1")
    release_ids = _narrow(bind, release_ids)
    c = content_performance.c
    if _is_pg(bind):  # a short backward index scan per release instead of every reading
        stmt = _recent_reading_times_pg(release_ids, int(limit))
        with _begin(bind) as conn:
            rows = _tuples(conn, stmt)
        frame = pd.DataFrame(rows, columns=["release_id", "recorded_at"])
        frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
        return frame
    times = select(c.release_id, c.recorded_at).where(c.recorded_at.is_not(None)).distinct()
    if release_ids is not None:
        times = times.where(c.release_id.in_([int(r) for r in release_ids]))
    times = times.subquery()
    ranked = select(
        times.c.release_id,
        times.c.recorded_at,
        func.row_number()
        .over(partition_by=times.c.release_id, order_by=times.c.recorded_at.desc())
        .label("rn"),
    ).subquery()
    stmt = (
        select(ranked.c.release_id, ranked.c.recorded_at)
        .where(ranked.c.rn <= int(limit))
        .order_by(ranked.c.release_id, ranked.c.recorded_at)
    )
    with _begin(bind) as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=["release_id", "recorded_at"])
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
    return frame


def _releases_subquery(release_ids: Sequence[int] | None) -> sa.Subquery:
    """The releases asked for (all when None), to drive one index probe per release."""
    ar = approved_releases.c
    releases = select(ar.id.label("release_id"))
    if release_ids is not None:
        releases = releases.where(ar.id.in_([int(r) for r in release_ids]))
    return releases.subquery("releases")


def _recent_reading_times_pg(release_ids: Sequence[int] | None, limit: int) -> sa.Select:
    c = content_performance.c
    releases = _releases_subquery(release_ids)
    recent = (
        select(c.recorded_at)
        .where(c.release_id == releases.c.release_id, c.recorded_at.is_not(None))
        .group_by(c.recorded_at)  # distinct times, read newest first from the index
        .order_by(c.recorded_at.desc())
        .limit(limit)
        .lateral("recent")
    )
    return (
        select(releases.c.release_id, recent.c.recorded_at)
        .select_from(releases.join(recent, sa.true()))
        .order_by(releases.c.release_id, recent.c.recorded_at)
    )
