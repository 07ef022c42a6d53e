"""Readings where a lifetime total fell below the reading before it (a platform's correction),
which the charts mark at their bucket instead of hiding them inside a week or a month."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import content_performance
from perfdash.store.blocks import _bucket_expr, _filters
from perfdash.store.engine import _begin, _db_ts, _is_pg, _tuples
from perfdash.store.territories import _WORLDWIDE_ONLY, _Territory, _territory_where
from perfdash.vocab import NO_CURRENCY

DROP_COLUMNS = [
    "release_id",
    "platform_key",
    "metric_type",
    "bucket",
    "recorded_at",
    "metric_value",
    "previous_value",
]


def total_drops(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    *,
    end: datetime,
    start: datetime | None = None,
    metric_types: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    bucket: str = "day",
    tz: str = "UTC",
    country: str | None = None,
    currency: str | None = None,
) -> pd.DataFrame:
    """Readings in [start, end) where a lifetime total fell below the reading before it.

    Lifetime totals count worldwide, or in the one ``country`` asked for (``store.territories``).

    A platform correction can hide inside a week or month bucket (the bucket's last total is
    still higher than the one before), so the chart marks these readings at their bucket
    instead of relying on bucket-to-bucket gains alone.  ``bucket`` is as in
    ``release_series``; the reading before may lie before ``start``.
    """
    where_in = _Territory(country or None, currency or NO_CURRENCY)
    if _is_pg(bind) and start is not None:
        inner = _readings_with_previous_pg(
            bind, release_ids, start, end, metric_types, platforms, where_in
        )
        inner = select(
            *[inner.c[k] for k in ("release_id", "platform_key", "metric_type")],
            _bucket_expr(bind, bucket, tz, inner.c.recorded_at).label("bucket"),
            inner.c.recorded_at,
            inner.c.metric_value,
            inner.c.previous_value,
        ).subquery("readings")
    else:
        inner = _readings_with_previous(
            bind, release_ids, end, metric_types, platforms, bucket, tz, where_in
        )
    r = inner.c
    where = [r.previous_value.is_not(None), r.metric_value < r.previous_value]
    if start is not None:
        where.append(r.recorded_at >= _db_ts(bind, start))
    stmt = (
        select(*[r[name] for name in DROP_COLUMNS])
        .where(*where)
        .order_by(r.release_id, r.platform_key, r.metric_type, r.recorded_at)
    )
    with _begin(bind) as conn:
        rows = _tuples(conn, stmt)
    frame = pd.DataFrame(rows, columns=DROP_COLUMNS)
    frame["bucket"] = pd.to_datetime(frame["bucket"])
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
    for col in ("metric_value", "previous_value"):
        frame[col] = frame[col].astype("int64")
    return frame


def _readings_with_previous_pg(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    start: datetime,
    end: datetime,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    territory: _Territory = _WORLDWIDE_ONLY,
) -> sa.Subquery:
    """The period's total readings with the reading before each (same as the window over all
    history, which sorted a heavy release's whole year): ``lag`` within the period, and for a
    series' first reading in it one backward index probe for the last reading before ``start``.
    """
    c = content_performance.c
    pkey = func.lower(c.platform)
    series = [c.release_id, pkey, c.metric_type]
    period = (
        select(
            c.release_id,
            pkey.label("platform_key"),
            c.metric_type,
            c.recorded_at,
            c.metric_value,
            func.lag(c.metric_value)
            .over(partition_by=series, order_by=[c.recorded_at, c.id])
            .label("prev_in"),
        )
        .where(
            c.value_kind == "total",
            *_filters(bind, release_ids, metric_types, platforms, start, end, territory),
        )
        .subquery("period_readings")
    )
    p = period.c
    b = content_performance.alias("before_start")
    before = (
        select(b.c.metric_value)
        .where(
            b.c.release_id == p.release_id,
            func.lower(b.c.platform) == p.platform_key,
            b.c.metric_type == p.metric_type,
            b.c.value_kind == "total",
            *_territory_where(territory, b.c),
            b.c.recorded_at < _db_ts(bind, start),
        )
        .order_by(b.c.recorded_at.desc(), b.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return select(
        p.release_id,
        p.platform_key,
        p.metric_type,
        p.recorded_at,
        p.metric_value,
        sa.case((p.prev_in.is_(None), before), else_=p.prev_in).label("previous_value"),
    ).subquery("readings_prev")


def _readings_with_previous(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    end: datetime,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    bucket: str,
    tz: str,
    territory: _Territory = _WORLDWIDE_ONLY,
) -> sa.Subquery:
    c = content_performance.c
    pkey = func.lower(c.platform)
    return (
        select(
            c.release_id,
            pkey.label("platform_key"),
            c.metric_type,
            _bucket_expr(bind, bucket, tz).label("bucket"),
            c.recorded_at,
            c.metric_value,
            func.lag(c.metric_value)
            .over(partition_by=[c.release_id, pkey, c.metric_type], order_by=[c.recorded_at, c.id])
            .label("previous_value"),
        )
        .where(
            c.value_kind == "total",
            *_filters(bind, release_ids, metric_types, platforms, None, end, territory),
        )
        .subquery("readings")
    )
