"""A release's time series by bucket and the lifetime totals before a moment (the baseline a
period's first gain is measured from).

Each read has three forms with the same rows and values: from the daily rollup when the
period is whole local days of a rollup zone, one hash aggregate over the covering index on
PostgreSQL, and window functions on SQLite.  tests/test_store_aggregates.py compares them
with what pandas computes from every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from perfdash.exact import int_column
from perfdash.schema import content_performance
from perfdash.store.blocks import _bucket_expr, _filters, _newest
from perfdash.store.engine import _begin, _is_pg, _one_transaction, _tuples
from perfdash.store.rollup import rollup_zone_for
from perfdash.store.rollup_reads import _release_series_rollup, _rollup_query, _totals_before_rollup
from perfdash.store.scope import _narrow
from perfdash.store.territories import _WORLDWIDE_ONLY, _Territory, _territory

SERIES_COLUMNS = [
    "release_id",
    "platform_key",
    "metric_type",
    "value_kind",
    "bucket",
    "last_value",
    "sum_value",
    "n_rows",
    "last_at",
]


@_one_transaction
def release_series(
    bind: Engine | Connection,
    release_ids: Sequence[int],
    *,
    metric_types: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    bucket: str = "day",
    tz: str = "UTC",
    country: str | None = None,
    currency: str | None = None,
) -> pd.DataFrame:
    """One row per (release, platform, metric, kind, bucket), aggregated in SQL.

    ``country`` and ``currency`` as in ``period_gains``: the countries of all territories
    that count are per-period counts, summed in their bucket.

    ``last_value`` is the newest reading in the bucket (what a lifetime total was at the end of
    it), ``sum_value`` the sum of the readings (what per-period counts add up to).  ``bucket``
    is the bucket's start as a naive wall-clock time in ``tz``.
    """
    c = content_performance.c
    b = _bucket_expr(bind, bucket, tz).label("bucket")
    pkey = func.lower(c.platform)
    part = [c.release_id, pkey, c.metric_type, c.value_kind, b]
    release_ids = _narrow(bind, release_ids)
    territory = _territory(bind, country, currency, release_ids, metric_types, platforms)
    if bucket != "hour" and rollup_zone_for(bind, start, end, tz=tz):
        shape, params = _rollup_query(
            tz, release_ids, metric_types, platforms, start, end, territory
        )
        return _series_frame(bind, _release_series_rollup(shape, bucket), params)
    if _is_pg(bind):
        return _series_frame(
            bind,
            _release_series_pg(
                bind, part, release_ids, metric_types, platforms, start, end, territory
            ),
        )
    inner = (
        select(
            c.release_id,
            pkey.label("platform_key"),
            c.metric_type,
            c.value_kind,
            b,
            c.metric_value,
            c.recorded_at,
            func.row_number()
            .over(partition_by=part, order_by=[c.recorded_at.desc(), c.id.desc()])
            .label("rn"),
            func.sum(c.metric_value).over(partition_by=part).label("sum_value"),
            func.count().over(partition_by=part).label("n_rows"),
        )
        .where(*_filters(bind, release_ids, metric_types, platforms, start, end, territory))
        .subquery()
    )
    stmt = (
        select(
            inner.c.release_id,
            inner.c.platform_key,
            inner.c.metric_type,
            inner.c.value_kind,
            inner.c.bucket,
            inner.c.metric_value.label("last_value"),
            inner.c.sum_value,
            inner.c.n_rows,
            inner.c.recorded_at.label("last_at"),
        )
        .where(inner.c.rn == 1)
        .order_by(inner.c.release_id, inner.c.platform_key, inner.c.metric_type, inner.c.bucket)
    )
    return _series_frame(bind, stmt)


def _series_frame(
    bind: Engine | Connection, stmt: sa.Select, params: dict[str, Any] | None = None
) -> pd.DataFrame:
    with _begin(bind) as conn:
        rows = _tuples(conn, stmt, params)
    frame = pd.DataFrame(rows, columns=SERIES_COLUMNS)
    if not frame.empty:
        frame["bucket"] = pd.to_datetime(frame["bucket"])
        frame["last_at"] = pd.to_datetime(frame["last_at"], utc=True)
        for col in ("last_value", "sum_value", "n_rows"):
            frame[col] = _ints(frame[col], [r[SERIES_COLUMNS.index(col)] for r in rows])
    return frame


def _release_series_pg(
    bind: Engine | Connection,
    part: list[sa.ColumnElement],
    release_ids: Sequence[int],
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    start: datetime | None,
    end: datetime | None,
    territory: _Territory = _WORLDWIDE_ONLY,
) -> sa.Select:
    """release_series on PostgreSQL: one GROUP BY over an index-only range scan of
    idx_performance_release_time (same rows and values as the window version)."""
    c = content_performance.c
    release_id, pkey, metric_type, value_kind, b = part
    return (
        select(
            release_id,
            pkey.label("platform_key"),
            metric_type,
            value_kind,
            b,
            _newest(c.metric_value).label("last_value"),
            sa.cast(func.sum(c.metric_value), sa.BigInteger).label("sum_value"),
            func.count().label("n_rows"),
            func.max(c.recorded_at).label("last_at"),
        )
        .where(*_filters(bind, release_ids, metric_types, platforms, start, end, territory))
        .group_by(*part)
        .order_by(release_id, sa.literal_column("platform_key"), metric_type, b, value_kind)
    )


@_one_transaction
def totals_before(
    bind: Engine | Connection,
    release_ids: Sequence[int],
    before: datetime,
    *,
    metric_types: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    country: str | None = None,
    currency: str | None = None,
) -> pd.DataFrame:
    """The last lifetime total before ``before`` per (release, platform, metric).

    It is the baseline a period's first gain is measured from.
    """
    c = content_performance.c
    pkey = func.lower(c.platform)
    release_ids = _narrow(bind, release_ids)
    territory = _territory(bind, country, currency, release_ids, metric_types, platforms)
    zone = rollup_zone_for(bind, before)
    if zone:
        shape, params = _rollup_query(
            zone, release_ids, metric_types, platforms, None, before, territory
        )
        return _baseline_frame(bind, _totals_before_rollup(shape), params)
    if _is_pg(bind):
        # One hash aggregate over the index-only scan instead of sorting all history.
        stmt = (
            select(
                c.release_id,
                pkey.label("platform_key"),
                c.metric_type,
                _newest(c.metric_value).label("baseline"),
                func.max(c.recorded_at).label("baseline_at"),
            )
            .where(
                c.value_kind == "total",
                *_filters(bind, release_ids, metric_types, platforms, None, before, territory),
            )
            .group_by(c.release_id, pkey, c.metric_type)
            .order_by(c.release_id, sa.literal_column("platform_key"), c.metric_type)
        )
        return _baseline_frame(bind, stmt)
    inner = (
        select(
            c.release_id,
            pkey.label("platform_key"),
            c.metric_type,
            c.metric_value,
            c.recorded_at,
            func.row_number()
            .over(
                partition_by=[c.release_id, pkey, c.metric_type],
                order_by=[c.recorded_at.desc(), c.id.desc()],
            )
            .label("rn"),
        )
        .where(
            c.value_kind == "total",
            *_filters(bind, release_ids, metric_types, platforms, None, before, territory),
        )
        .subquery()
    )
    stmt = select(
        inner.c.release_id,
        inner.c.platform_key,
        inner.c.metric_type,
        inner.c.metric_value.label("baseline"),
        inner.c.recorded_at.label("baseline_at"),
    ).where(inner.c.rn == 1)
    return _baseline_frame(bind, stmt)


def _baseline_frame(
    bind: Engine | Connection, stmt: sa.Select, params: dict[str, Any] | None = None
) -> pd.DataFrame:
    with _begin(bind) as conn:
        rows = _tuples(conn, stmt, params)
    frame = pd.DataFrame(
        rows, columns=["release_id", "platform_key", "metric_type", "baseline", "baseline_at"]
    )
    if not frame.empty:
        frame["baseline"] = _ints(frame["baseline"], [r[3] for r in rows])
        frame["baseline_at"] = pd.to_datetime(frame["baseline_at"], utc=True)
    return frame


def _ints(column: pd.Series, raw: list) -> pd.Series:
    """int64 (the fast, usual case), or exact Python ints for a value past 2^63 - 1."""
    try:
        return column.astype("int64")
    except (OverflowError, TypeError, ValueError):
        return int_column(raw, column.index)
