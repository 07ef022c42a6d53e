"""A period that does not start at a local midnight, read from the daily rollup where it can.

A period that runs to now (28 days up to this moment) is compared with the same elapsed time
just before it, which starts at whatever time of day now is: off the rollup's day boundaries,
so its read went to the readings, and finding each series' last total before it and the sum
of its per-period counts meant aggregating every reading of the series' history (38 of a
49 ms read for a heavy release at 1 M rows).  Here the days well before the period's start
come from the rollup (one row per series and day) and only the readings of the last days
before the start are read; together they are every reading before the start, each once.

Days are local days of a rollup zone (``(recorded_at AT TIME ZONE tz)::date``, as the
rollup's triggers count them).  A local date can go back when a clock goes back across
midnight, so the rollup part stops ``_MARGIN_DAYS`` before the start's local date: a reading on
those days lies before the start whatever the zone's offsets (they differ by at most 26 h),
and the readings part takes every reading from those days up to the start.

The period itself (``inside``), when it ends at a local midnight: the readings of its first
local days, then the rollup's days to its end, one row each, in time order; a drop is a
reading, or a day's first reading, below the one before (the rollup's stored drops within a
day added), as ``lag`` over every reading of the period counts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import content_performance, performance_daily
from perfdash.store.blocks import _filters, _newest
from perfdash.store.engine import to_utc
from perfdash.store.rollup import _local_midnight_day
from perfdash.store.territories import _Territory, _territory_where

_MARGIN_DAYS = 2  # rollup days end this many local days before the start's
# readings read before the start: covers the margin's days whatever the offsets (< 98 h)
_READ_BACK = timedelta(days=5)


def _history_before(
    bind: Engine | Connection,
    zone: str,
    release_ids: Sequence[int] | None,
    start: datetime,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    territory: _Territory,
) -> sa.Subquery:
    """Per series (release, platform key, metric, kind, country, currency): ``h_last``, the
    value of its newest reading before ``start`` (ties: highest id), and ``s_before``, the
    sum of its readings' values before ``start``: the columns and values of a GROUP BY over
    every reading before ``start``."""
    split = (to_utc(start).astimezone(ZoneInfo(zone)).date()) - timedelta(days=_MARGIN_DAYS)
    p = performance_daily.c
    days = select(
        p.release_id,
        p.platform_key,
        p.metric_type,
        p.value_kind,
        p.country,
        p.currency,
        p.last_value.label("value"),
        p.last_at.label("at"),
        p.last_id.label("row_id"),
        p.sum_value.label("amount"),
    ).where(
        p.tz == zone,
        p.day < split,
        *_territory_where(territory, performance_daily.c, p.platform_key),
        *_series_filters(release_ids, metric_types, platforms),
    )
    c = content_performance.c
    local_day = sa.cast(func.timezone(zone, c.recorded_at), sa.Date)
    recent = select(
        c.release_id,
        func.lower(c.platform).label("platform_key"),
        c.metric_type,
        c.value_kind,
        c.country,
        c.currency,
        c.metric_value.label("value"),
        c.recorded_at.label("at"),
        c.id.label("row_id"),
        sa.cast(c.metric_value, sa.Numeric(38, 0)).label("amount"),
    ).where(
        *_filters(bind, release_ids, metric_types, platforms, start - _READ_BACK, start, territory),
        local_day >= split,
    )
    both = sa.union_all(days, recent).subquery("before_parts")
    b = both.c
    keys = [b.release_id, b.platform_key, b.metric_type, b.value_kind, b.country, b.currency]
    return (
        select(
            *keys,
            _newest(b.value, b.at, b.row_id).label("h_last"),
            func.sum(b.amount).label("s_before"),
        )
        .group_by(*keys)
        .subquery("history")
    )


def _inside(
    bind: Engine | Connection,
    zone: str,
    release_ids: Sequence[int] | None,
    start: datetime,
    end: datetime,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    territory: _Territory,
) -> sa.Subquery | None:
    """Per series: ``latest`` (newest value), ``first`` (oldest), ``s_in`` (sum), ``n``
    (readings), ``last_at`` and ``drops`` of the readings in [start, end), as
    ``periods._period_grouped_pg`` aggregates them; None when the period does not end at a
    local midnight of ``zone`` or is too short to hold a whole rollup day after its first
    ones (then the readings alone are read)."""
    end_day = _local_midnight_day(end, zone)
    split = to_utc(start).astimezone(ZoneInfo(zone)).date() + timedelta(days=_MARGIN_DAYS)
    if end_day is None or end_day <= split:
        return None
    p = performance_daily.c
    keys = ("release_id", "platform_key", "metric_type", "value_kind", "country", "currency")
    days = select(
        *[p[k] for k in keys],
        p.first_at,
        p.first_id,
        p.first_value,
        p.last_at,
        p.last_id,
        p.last_value,
        p.sum_value,
        p.n_rows,
        p.drops,
    ).where(
        p.tz == zone,
        p.day >= split,
        p.day < end_day,
        *_territory_where(territory, performance_daily.c, p.platform_key),
        *_series_filters(release_ids, metric_types, platforms),
    )
    c = content_performance.c
    local_day = sa.cast(func.timezone(zone, c.recorded_at), sa.Date)
    first_days = select(
        c.release_id,
        func.lower(c.platform).label("platform_key"),
        c.metric_type,
        c.value_kind,
        c.country,
        c.currency,
        c.recorded_at,
        c.id,
        c.metric_value,
        c.recorded_at,
        c.id,
        c.metric_value,
        sa.cast(c.metric_value, sa.Numeric(38, 0)),
        sa.literal(1, sa.Integer),
        sa.literal(0, sa.Integer),
    ).where(
        *_filters(bind, release_ids, metric_types, platforms, start, end, territory),
        local_day < split,
    )
    rows = sa.union_all(days, first_days).subquery("rows_in")
    r = rows.c
    part = [r[k] for k in keys]
    ordered = select(
        *part,
        r.first_at,
        r.first_id,
        r.first_value,
        r.last_at,
        r.last_id,
        r.last_value,
        r.sum_value,
        r.n_rows,
        r.drops,
        func.lag(r.last_value)
        .over(partition_by=part, order_by=[r.first_at, r.first_id])
        .label("prev"),
    ).subquery("rows_ordered")
    o = ordered.c
    between = sa.case((sa.and_(o.prev.is_not(None), o.first_value < o.prev), 1), else_=0)
    grouped = [o[k] for k in keys]
    return (
        select(
            *grouped,
            _newest(o.last_value, o.last_at, o.last_id).label("latest"),
            _newest(o.first_value, o.first_at, o.first_id, oldest=True).label("first"),
            func.sum(o.sum_value).label("s_in"),
            func.sum(o.n_rows).label("n"),
            func.max(o.last_at).label("last_at"),
            func.sum(o.drops + between).label("drops"),
        )
        .group_by(*grouped)
        .subquery("inside")
    )


def _series_filters(
    release_ids: Sequence[int] | None,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
) -> list[sa.ColumnElement]:
    """``blocks._filters``' release, metric and platform filters on rollup rows."""
    p = performance_daily.c
    where: list[sa.ColumnElement] = []
    if release_ids is not None:
        where.append(p.release_id.in_([int(r) for r in release_ids]))
    if metric_types:
        where.append(p.metric_type.in_(list(metric_types)))
    if platforms:
        where.append(p.platform_key.in_([p_.lower() for p_ in platforms]))
    return where
