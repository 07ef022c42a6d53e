"""The statements that read the daily rollup instead of the readings: a release's series, the
totals before a moment, and a period's per-series figures.

A statement depends only on which filters a read has (its ``_RollupShape``); the values go in
as bind parameters, so each shape's statement is built once per process (building the
dashboard's four statements cost more than running them).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select

from perfdash.schema import approved_releases, performance_daily
from perfdash.store.blocks import BUCKETS, _gains_from_grouped, _grouped_from_joined, _newest
from perfdash.store.errors import InvalidValueError
from perfdash.store.rollup import _local_midnight_day
from perfdash.store.territories import _WORLDWIDE_ONLY, _Territory
from perfdash.vocab import WORLDWIDE

_pd = performance_daily.c

# a series: its days are counted apart from every other's (see store.territories)
_SERIES_KEY = ("release_id", "platform_key", "metric_type", "value_kind", "country", "currency")


@dataclass(frozen=True)
class _RollupShape:
    """Which filters a rollup read has; the values go in as parameters, so the statement of
    each shape is built once per process (building SQLAlchemy statements for the view's four
    queries cost more than running them)."""

    releases: bool
    metrics: bool
    platforms: bool
    first_day: bool
    end_day: bool
    country: bool = False  # one country (else all territories)
    scope: bool = False  # all territories, with per-country series to count


def _rollup_query(
    zone: str,
    release_ids: Sequence[int] | None,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    start: datetime | None,
    end: datetime | None,
    territory: _Territory = _WORLDWIDE_ONLY,
) -> tuple[_RollupShape, dict[str, Any]]:
    first_day = None if start is None else _local_midnight_day(start, zone)
    end_day = None if end is None else _local_midnight_day(end, zone)
    params: dict[str, Any] = {
        "zone": zone,
        "first_day": first_day,
        "end_day": end_day,
        "currency": territory.currency,
    }
    if territory.country is not None:
        params["country"] = territory.country
    elif territory.scope:
        params["scope"] = list(territory.scope)
    if release_ids is not None:
        params["release_ids"] = [int(r) for r in release_ids]
    if metric_types:
        params["metric_types"] = list(metric_types)
    if platforms:
        params["platforms"] = [p.lower() for p in platforms]
    shape = _RollupShape(
        release_ids is not None,
        bool(metric_types),
        bool(platforms),
        first_day is not None,
        end_day is not None,
        territory.country is not None,
        territory.country is None and bool(territory.scope),
    )
    return shape, params


def _rollup_territory(shape: _RollupShape, table: Any) -> list[sa.ColumnElement]:
    """``store.territories._territory_where`` on rollup rows, with the values as parameters."""
    where = [table.currency == sa.bindparam("currency")]
    if shape.country:
        where.append(table.country == sa.bindparam("country"))
    elif shape.scope:
        scoped = sa.tuple_(table.release_id, table.platform_key, table.metric_type).in_(
            sa.bindparam("scope", expanding=True)
        )
        where.append(
            sa.or_(table.country == WORLDWIDE, sa.and_(table.value_kind == "period", scoped))
        )
    else:
        where.append(table.country == WORLDWIDE)
    return where


def _rollup_where(
    shape: _RollupShape,
    *,
    until_first_day: bool = False,
    table: Any = _pd,
    every_territory: bool = False,
) -> list[sa.ColumnElement]:
    """The shape's filters; ``until_first_day``: the history before the period instead;
    ``every_territory``: rows of every country and currency (how fresh the numbers are)."""
    where: list[sa.ColumnElement] = [table.tz == sa.bindparam("zone")]
    if not every_territory:
        where += _rollup_territory(shape, table)
    if shape.releases:
        where.append(table.release_id.in_(sa.bindparam("release_ids", expanding=True)))
    if shape.metrics:
        where.append(table.metric_type.in_(sa.bindparam("metric_types", expanding=True)))
    if shape.platforms:
        where.append(table.platform_key.in_(sa.bindparam("platforms", expanding=True)))
    if until_first_day:
        where.append(table.day < sa.bindparam("first_day", type_=sa.Date))
        return where
    if shape.first_day:
        where.append(table.day >= sa.bindparam("first_day", type_=sa.Date))
    if shape.end_day:
        where.append(table.day < sa.bindparam("end_day", type_=sa.Date))
    return where


def _rollup_series(shape: _RollupShape, *, total_only: bool = False) -> sa.CTE:
    """Each series (release, platform, metric, kind) of the shape's releases in the rollup.

    A loose index scan of the rollup's primary key: per release the first series, then
    repeatedly the next one after it, one index probe per series (PostgreSQL 15 has no skip
    scan).  A heavy release has a few series but a row per series and day; reading its history
    only to find the newest day before a period took 3 ms of a 4 ms query.
    """
    order = [_pd.platform_key, _pd.metric_type, _pd.value_kind, _pd.country, _pd.currency]
    rel = approved_releases.alias("rel")
    first = (
        select(_pd.release_id, *order)
        .where(_pd.tz == sa.bindparam("zone"), _pd.release_id == rel.c.id)
        .order_by(*order)
        .limit(1)
        .lateral("first_series")
    )
    found = (
        select(*first.c)
        .select_from(rel.join(first, sa.true()))
        .where(rel.c.id.in_(sa.bindparam("release_ids", expanding=True)))
        .cte("series", recursive=True)
    )
    d = performance_daily.alias("d")
    rest = _SERIES_KEY[1:]
    after = (
        select(*[d.c[k] for k in _SERIES_KEY])
        .where(
            d.c.tz == sa.bindparam("zone"),
            d.c.release_id == found.c.release_id,
            sa.tuple_(*[d.c[k] for k in rest]) > sa.tuple_(*[found.c[k] for k in rest]),
        )
        .order_by(*[d.c[k] for k in rest])
        .limit(1)
        .lateral("next_series")
    )
    found = found.union_all(select(*after.c).select_from(found.join(after, sa.true())))
    where = _rollup_territory(shape, found.c)
    if total_only:
        where.append(found.c.value_kind == "total")
    if shape.metrics:
        where.append(found.c.metric_type.in_(sa.bindparam("metric_types", expanding=True)))
    if shape.platforms:
        where.append(found.c.platform_key.in_(sa.bindparam("platforms", expanding=True)))
    return select(*found.c).where(*where).cte("wanted_series")


def _days_before(h: Any, series: Any, day_param: str) -> list[sa.ColumnElement]:
    """Rollup rows ``h`` of the zone, of the series in ``series``, before ``day_param``: a
    range of one key of the rollup's primary key (a probe per series, not a scan)."""
    return [
        h.c.tz == sa.bindparam("zone"),
        h.c.day < sa.bindparam(day_param, type_=sa.Date),
        *[h.c[k] == series[k] for k in _SERIES_KEY],
    ]


def _newest_day_before(series: Any, day_param: str) -> sa.Subquery:
    """LATERAL: the series' newest rollup day before ``day_param`` (a backward index probe)."""
    h = performance_daily.alias("h")
    return (
        select(h.c.last_value, h.c.last_at)
        .where(*_days_before(h, series.c, day_param))
        .order_by(h.c.day.desc())
        .limit(1)
        .lateral("newest_before")
    )


def _sum_before(series: Any) -> sa.ScalarSelect:
    """The sum of a series' per-period counts before the period (``first_day``)."""
    h = performance_daily.alias("h")
    return select(func.sum(h.c.sum_value)).where(*_days_before(h, series, "first_day"))


def _rollup_last(table: Any = _pd) -> sa.ColumnElement:
    return _newest(table.last_value, table.last_at, table.last_id)


@functools.lru_cache(maxsize=128)
def _release_series_rollup(shape: _RollupShape, bucket: str) -> sa.Select:
    """release_series from the rollup: a bucket's newest reading is its newest day's."""
    if bucket not in BUCKETS:  # it goes into the SQL as a literal
        raise InvalidValueError(f"bucket must be one of {', '.join(BUCKETS)}")
    b = func.date_trunc(sa.literal_column(f"'{bucket}'"), sa.cast(_pd.day, sa.DateTime))
    b = b.label("bucket")
    keys = [_pd.release_id, _pd.platform_key, _pd.metric_type, _pd.value_kind]
    return (
        select(
            *keys,
            b,
            _rollup_last().label("last_value"),
            # bigint, not numeric: pandas builds int64 columns from ints several times faster
            # than from Decimal objects (a value beyond 2**63 fails either way)
            sa.cast(func.sum(_pd.sum_value), sa.BigInteger).label("sum_value"),
            func.sum(_pd.n_rows).label("n_rows"),
            func.max(_pd.last_at).label("last_at"),
        )
        .where(*_rollup_where(shape))
        .group_by(*keys, b)
        .order_by(_pd.release_id, _pd.platform_key, _pd.metric_type, b, _pd.value_kind)
    )


@functools.lru_cache(maxsize=128)
def _totals_before_rollup(shape: _RollupShape) -> sa.Select:
    if shape.releases:  # one backward index probe per series instead of a scan of history
        s = _rollup_series(shape, total_only=True)
        newest = _newest_day_before(s, "end_day")
        keys = [s.c.release_id, s.c.platform_key, s.c.metric_type]
        return (
            select(
                *keys, newest.c.last_value.label("baseline"), newest.c.last_at.label("baseline_at")
            )
            .select_from(s.join(newest, sa.true()))
            .order_by(*keys)
        )
    keys = [_pd.release_id, _pd.platform_key, _pd.metric_type]
    return (
        select(
            *keys,
            _rollup_last().label("baseline"),
            func.max(_pd.last_at).label("baseline_at"),
        )
        .where(_pd.value_kind == "total", *_rollup_where(shape))
        .group_by(*keys)
        .order_by(*keys)
    )


@functools.lru_cache(maxsize=128)
def _period_gains_rollup(shape: _RollupShape, active_only: bool) -> sa.Subquery:
    return _gains_from_grouped(_grouped_from_joined(_period_joined_rollup(shape, active_only)))


def _period_joined_rollup(shape: _RollupShape, active_only: bool) -> sa.Subquery:
    """Per series, the period's figures and its history's, from the rollup.

    Corrections: drops within a day are stored; a drop between two days is a day whose first
    reading is below the previous day's last (``lag`` over the period's days, a few rows per
    series); the drop across the period's start is ``_grouped_from_joined``'s ``across``.
    """
    part = [_pd[k] for k in _SERIES_KEY]
    days = (
        select(
            *part,
            _pd.first_at,
            _pd.first_id,
            _pd.first_value,
            _pd.last_at,
            _pd.last_id,
            _pd.last_value,
            _pd.sum_value,
            _pd.n_rows,
            _pd.drops,
            func.lag(_pd.last_value).over(partition_by=part, order_by=_pd.day).label("prev"),
        )
        .where(*_rollup_where(shape))
        .subquery("days_in")
    )
    d = days.c
    keys_in = [d[k] for k in _SERIES_KEY]
    between = sa.case((sa.and_(d.prev.is_not(None), d.first_value < d.prev), 1), else_=0)
    inside = (
        select(
            *keys_in,
            _rollup_last(d).label("latest"),
            _newest(d.first_value, d.first_at, d.first_id, oldest=True).label("first"),
            func.sum(d.sum_value).label("s_in"),
            func.sum(d.n_rows).label("n"),
            func.max(d.last_at).label("last_at"),
            func.sum(d.drops + between).label("drops"),
        )
        .group_by(*keys_in)
        .subquery("inside")
    )
    i = inside.c
    figures = [i.latest, i.first, i.s_in, i.n, i.last_at, i.drops]
    if not shape.first_day:
        no_history = [
            sa.cast(sa.null(), sa.BigInteger).label("h_last"),
            sa.cast(sa.null(), sa.Numeric).label("s_before"),
        ]
        return select(*[i[k] for k in _SERIES_KEY], *figures, *no_history).subquery("joined")
    if active_only:  # one index lookup per active series instead of a scan of history
        h = performance_daily.alias("h")
        h_last = (
            select(h.c.last_value)
            .where(*_days_before(h, i, "first_day"))
            .order_by(h.c.day.desc())
            .limit(1)
        )
        return select(
            *[i[k] for k in _SERIES_KEY],
            *figures,
            h_last.scalar_subquery().label("h_last"),
            sa.case((i.value_kind == "period", _sum_before(i).scalar_subquery())).label("s_before"),
        ).subquery("joined")
    if shape.releases:  # the series of these releases, each with one probe into its history
        found = _rollup_series(shape)
        newest = _newest_day_before(found, "first_day")
        s_before = _sum_before(found.c)
        on_keys = sa.and_(*[i[k] == found.c[k] for k in _SERIES_KEY])
        return (
            select(
                *[found.c[k] for k in _SERIES_KEY],
                *figures,
                newest.c.last_value.label("h_last"),
                sa.case((found.c.value_kind == "period", s_before.scalar_subquery())).label(
                    "s_before"
                ),
            )
            .select_from(found.outerjoin(inside, on_keys).outerjoin(newest, sa.true()))
            .where(sa.or_(i.n.is_not(None), newest.c.last_value.is_not(None)))
            .subquery("joined")
        )
    history = (
        select(
            *part,
            _rollup_last().label("h_last"),
            func.sum(_pd.sum_value).label("s_before"),
        )
        .where(*_rollup_where(shape, until_first_day=True))
        .group_by(*part)
        .subquery("history")
    )
    hc = history.c
    return (
        select(
            *[func.coalesce(i[k], hc[k]).label(k) for k in _SERIES_KEY],
            *figures,
            hc.h_last,
            hc.s_before,
        )
        .select_from(
            inside.join(history, sa.and_(*[i[k] == hc[k] for k in _SERIES_KEY]), full=True)
        )
        .subquery("joined")
    )
