"""SQL pieces that several kinds of read share: the filters every readings query takes, the
time bucket, the newest-reading aggregate, and the last steps of a period's gains (which the
readings path and the rollup path both end with, so both give the same columns and values)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import array as pg_array
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import content_performance
from perfdash.store.engine import _db_ts, _is_pg
from perfdash.store.errors import InvalidValueError
from perfdash.store.scope import _in_scope
from perfdash.store.territories import _Territory, _territory_where

BUCKETS = ("hour", "day", "week", "month")


def _bucket_expr(
    bind: Engine | Connection, unit: str, tz: str, col: sa.ColumnElement | None = None
) -> sa.ColumnElement:
    if unit not in BUCKETS:
        raise InvalidValueError(f"bucket must be one of {', '.join(BUCKETS)}")
    ZoneInfo(tz)  # raises for an unknown zone before it reaches SQL
    col = content_performance.c.recorded_at if col is None else col
    if _is_pg(bind):
        return func.date_trunc(unit, col.op("AT TIME ZONE")(sa.literal(tz, sa.String)))
    return sa.type_coerce(func.pd_bucket(col, unit, tz), sa.DateTime())


def _filters(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    start: datetime | None,
    end: datetime | None,
    territory: _Territory | None = None,
) -> list[sa.ColumnElement]:
    """The view's filters; ``territory`` (aggregates) adds which countries and currency count,
    without it (listings of readings) every reading of the view is listed."""
    c = content_performance.c
    where: list[sa.ColumnElement] = [] if territory is None else _territory_where(territory)
    where += _in_scope(bind, c.release_id)
    if release_ids is not None:
        where.append(c.release_id.in_([int(r) for r in release_ids]))
    if metric_types:
        where.append(c.metric_type.in_(list(metric_types)))
    if platforms:
        where.append(func.lower(c.platform).in_([p.lower() for p in platforms]))
    if start is not None:
        where.append(c.recorded_at >= _db_ts(bind, start))
    if end is not None:
        where.append(c.recorded_at < _db_ts(bind, end))
    return where


def _newest(
    value: sa.ColumnElement,
    recorded_at: sa.ColumnElement | None = None,
    row_id: sa.ColumnElement | None = None,
    *,
    oldest: bool = False,
) -> sa.ColumnElement:
    """PostgreSQL aggregate: ``value`` of the group's newest reading (ties: highest id), or
    with ``oldest`` of its oldest (ties: lowest id).

    max() over ARRAY[time in microseconds, id, value] compares element by element, so one
    hash aggregate finds it without the sort a window function needs (the sort of every
    reading was what made heavy releases slow).
    """
    c = content_performance.c
    recorded_at = c.recorded_at if recorded_at is None else recorded_at
    row_id = c.id if row_id is None else row_id
    key = pg_array(
        [
            sa.cast(func.extract("epoch", recorded_at) * 1_000_000, sa.BigInteger),
            sa.cast(row_id, sa.BigInteger),
            sa.cast(value, sa.BigInteger),
        ]
    )
    return (func.min(key) if oldest else func.max(key))[3]


def _grouped_from_joined(joined: sa.Subquery) -> sa.Subquery:
    """The ``grouped`` step from per-series figures of the period and of the history before
    it (columns of ``_period_grouped_pg``'s ``joined``), whichever path computed them."""
    j = joined.c
    total = j.value_kind == "total"
    per_period = j.value_kind == "period"
    across = sa.case((sa.and_(j.first.is_not(None), j.first < j.h_last), 1), else_=0)
    return (
        select(
            j.release_id,
            j.platform_key,
            j.metric_type,
            func.max(sa.case((total, j.latest))).label("latest"),
            func.max(sa.case((total, j.first))).label("first"),
            func.max(sa.case((total, j.h_last))).label("baseline"),
            func.sum(sa.case((per_period, j.s_in))).label("period_sum"),
            func.sum(sa.case((per_period, j.s_before))).label("prior_sum"),
            func.sum(sa.case((total, func.coalesce(j.drops, 0) + across), else_=0)).label(
                "corrections"
            ),
            func.coalesce(func.sum(j.n), 0).label("n_rows"),
            func.max(j.last_at).label("last_at"),
        )
        .group_by(j.release_id, j.platform_key, j.metric_type)
        .subquery("grouped")
    )


def _gains_from_grouped(grouped: sa.Subquery) -> sa.Subquery:
    """Gain and total per (release, platform, metric) from the ``grouped`` figures."""
    g = grouped.c
    zero = sa.literal(0, sa.BigInteger)
    gain = func.coalesce(g.latest - func.coalesce(g.baseline, g.first), zero) + func.coalesce(
        g.period_sum, zero
    )
    total_now = (
        func.coalesce(g.latest, g.baseline, zero)
        + func.coalesce(g.prior_sum, zero)
        + func.coalesce(g.period_sum, zero)
    )
    return select(
        g.release_id,
        g.platform_key,
        g.metric_type,
        _exact(gain).label("gain"),
        _exact(total_now).label("total"),
        g.baseline,
        g.corrections,
        g.n_rows,
        g.last_at,
    ).subquery("period_gains")


def _exact(value: sa.ColumnElement) -> sa.ColumnElement:
    """A whole number of any size: NUMERIC on PostgreSQL (a sum of per-period counts may pass
    BIGINT's 2^63 - 1; a cast back to BIGINT would fail there), read as an int by the caller."""
    return sa.type_coerce(sa.cast(value, sa.Numeric(38, 0)), sa.BigInteger)
