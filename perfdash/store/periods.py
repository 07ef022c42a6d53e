"""What a period added: gains, totals and corrections per series (the KPI cards, the
per-platform bars, the platform share) and the catalog's leaderboard.

One query per chart, aggregated in the database.  ``_period_aggregates`` picks the form: the
daily rollup when the period is whole local days of a rollup zone, two aggregates on
PostgreSQL (``_period_grouped_pg``: only the period's readings are sorted), window functions
over every reading before the end on SQLite.  All give the same columns and values.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from perfdash.exact import int_column
from perfdash.schema import approved_releases, content_performance
from perfdash.store.blocks import _filters, _gains_from_grouped, _grouped_from_joined, _newest
from perfdash.store.engine import _begin, _db_ts, _is_pg, _one_transaction, _tuples
from perfdash.store.history import _history_before, _inside
from perfdash.store.rollup import _transaction_zones, rollup_zone_for
from perfdash.store.rollup_reads import _period_gains_rollup, _rollup_query
from perfdash.store.scope import _narrow
from perfdash.store.territories import _WORLDWIDE_ONLY, _Territory, _territory

PERIOD_GAIN_COLUMNS = [
    "release_id",
    "platform_key",
    "metric_type",
    "gain",
    "total",
    "baseline",
    "corrections",
    "n_rows",
    "last_at",
]


@_one_transaction
def period_gains(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    *,
    end: datetime,
    start: datetime | None = None,
    metric_types: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    country: str | None = None,
    currency: str | None = None,
) -> pd.DataFrame:
    """Gain in [start, end), total at the end and corrections per (release, platform, metric).

    ``country``: that country's series only; None: all territories by the rule of
    ``store.territories``.  ``currency``: the money of that currency (none: no money).

    The one query behind the KPI cards, the per-platform bars and the platform share (see
    ``_period_aggregates`` for the rules).  ``release_ids=None`` means the whole catalog.
    A series with readings only before the period has gain 0 and its last total.
    """
    release_ids = _narrow(bind, release_ids)
    territory = _territory(bind, country, currency, release_ids, metric_types, platforms)
    sub, params = _period_aggregates(
        bind, release_ids, start, end, metric_types, platforms, territory=territory
    )
    # a rollup subquery is built once per shape: so is the statement around it
    stmt = (_period_gains_select_cached if params else _period_gains_select)(sub)
    with _begin(bind) as conn:
        rows = _tuples(conn, stmt, params)
    frame = pd.DataFrame(rows, columns=PERIOD_GAIN_COLUMNS)
    for col in ("gain", "total", "baseline"):  # int64 while it fits, Python ints past it
        at = PERIOD_GAIN_COLUMNS.index(col)  # from the rows: a frame made None + big a float
        frame[col] = int_column([r[at] for r in rows], frame.index)
    for col in ("corrections", "n_rows"):
        frame[col] = frame[col].astype("int64")
    frame["last_at"] = pd.to_datetime(frame["last_at"], utc=True)
    return frame


def _period_gains_select(sub: sa.Subquery) -> sa.Select:
    return select(*[sub.c[name] for name in PERIOD_GAIN_COLUMNS]).order_by(
        sub.c.release_id, sub.c.platform_key, sub.c.metric_type
    )


# a series: its readings are counted apart from every other's (see store.territories)
_KEYS = ("release_id", "platform_key", "metric_type", "value_kind", "country", "currency")

_period_gains_select_cached = functools.lru_cache(maxsize=128)(_period_gains_select)

LEADERBOARD_COLUMNS = [
    "release_id",
    "release_key",
    "title",
    "artist_name",
    "gain",
    "total",
    "platforms",
]


@_one_transaction
def leaderboard(
    bind: Engine | Connection,
    metric_type: str,
    *,
    end: datetime,
    start: datetime | None = None,
    platforms: Sequence[str] | None = None,
    release_ids: Sequence[int] | None = None,
    limit: int | None = 10,
    by: str = "gain",
    archived: bool = False,
    country: str | None = None,
    currency: str | None = None,
) -> pd.DataFrame:
    """The releases that gained most of ``metric_type`` in [start, end), summed over platforms.
    ``limit`` is 1 to 500 rows, or None for every release with a reading in the period.

    Archived releases are left out unless ``archived`` asks for them too.

    Gain per release and platform follows ``period_gains``; releases without a reading in the
    period are left out.  Ties are broken by total, then id, so the order is stable.

    ``by="level"`` / ``"level_asc"`` rank a score by its level instead (highest / lowest
    first): ``total`` is then the mean level over the release's platforms (a float), since a
    sum of ranks means nothing.
    """
    if by not in LEADERBOARD_ORDERS:
        raise ValueError(f"unknown leaderboard order {by!r}")
    release_ids = _narrow(bind, release_ids)
    territory = _territory(bind, country, currency, release_ids, [metric_type], platforms)
    sub, params = _period_aggregates(
        bind,
        release_ids,
        start,
        end,
        [metric_type],
        platforms,
        active_only=True,
        territory=territory,
    )
    limit = None if limit is None else max(1, min(int(limit), 500))
    if by != "gain":
        stmt = _leaderboard_select_level(sub, limit, by == "level_asc", archived)
        with _begin(bind) as conn:
            rows = _tuples(conn, stmt, params)
        frame = pd.DataFrame(rows, columns=LEADERBOARD_COLUMNS)
        frame["gain"] = int_column(frame["gain"], frame.index)
        frame["total"] = frame["total"].astype("float64")
        frame["platforms"] = frame["platforms"].astype("int64")
        return frame
    if _is_pg(bind):
        stmt = (_leaderboard_select_cached if params else _leaderboard_select)(sub, limit, archived)
    else:
        stmt = _leaderboard_select_split(sub, limit, archived)
    with _begin(bind) as conn:
        rows = _tuples(conn, stmt, params)
    if not _is_pg(bind):  # gain and total come as (high, low) halves: see the split select
        rows = [(*r[:4], r[4] * _HALF + r[5], r[6] * _HALF + r[7], r[8]) for r in rows]
    frame = pd.DataFrame(rows, columns=LEADERBOARD_COLUMNS)
    for col in ("gain", "total"):  # int64 while it fits, Python ints past it
        at = LEADERBOARD_COLUMNS.index(col)
        frame[col] = int_column([r[at] for r in rows], frame.index)
    frame["platforms"] = frame["platforms"].astype("int64")
    return frame


def _listed(archived: bool) -> sa.ColumnElement:
    """Every release with ``archived``, else only those not archived."""
    return sa.true() if archived else approved_releases.c.archived_at.is_(None)


def _leaderboard_select(sub: sa.Subquery, limit: int | None, archived: bool = False) -> sa.Select:
    ar = approved_releases.c
    gain = func.sum(sub.c.gain)
    total = func.sum(sub.c.total)
    stmt = (
        select(
            sub.c.release_id,
            ar.release_id.label("release_key"),
            ar.title,
            ar.artist_name,
            gain.label("gain"),
            total.label("total"),
            func.count().label("platforms"),
        )
        .join(approved_releases, approved_releases.c.id == sub.c.release_id)
        .where(_listed(archived))
        .where(sub.c.n_rows > 0)
        .group_by(sub.c.release_id, ar.release_id, ar.title, ar.artist_name)
        .order_by(gain.desc(), total.desc(), sub.c.release_id)
        .limit(limit)
    )
    return stmt


_leaderboard_select_cached = functools.lru_cache(maxsize=128)(_leaderboard_select)

LEADERBOARD_ORDERS = ("gain", "level", "level_asc")


def _leaderboard_select_level(
    sub: sa.Subquery, limit: int | None, ascending: bool, archived: bool = False
) -> sa.Select:
    """A score's leaderboard: the mean level over the release's platforms, best first.  The
    gain column is a count of the series (a score has no gain to sum; nothing overflows)."""
    ar = approved_releases.c
    level = func.avg(sa.cast(sub.c.total, sa.Float))
    return (
        select(
            sub.c.release_id,
            ar.release_id.label("release_key"),
            ar.title,
            ar.artist_name,
            sa.literal(0).label("gain"),
            level.label("total"),
            func.count().label("platforms"),
        )
        .join(approved_releases, approved_releases.c.id == sub.c.release_id)
        .where(_listed(archived))
        .where(sub.c.n_rows > 0)
        .group_by(sub.c.release_id, ar.release_id, ar.title, ar.artist_name)
        .order_by(level.asc() if ascending else level.desc(), sub.c.release_id)
        .limit(limit)
    )


_HALF = 2**32
_LOW = _HALF - 1


def _leaderboard_select_split(
    sub: sa.Subquery, limit: int | None, archived: bool = False
) -> sa.Select:
    """The leaderboard on SQLite, whose sum() stops with "integer overflow" past 2^63 - 1 (a
    release with one platform's total near the maximum and any other platform's reading).

    Each series' gain and total is split into a high half (x >> 32) and a low half
    (x & 0xFFFFFFFF), summed separately (neither sum can overflow below 2^31 series), and the
    low sum's carry moved into the high one; (high, low) then sorts exactly as the whole
    number does, and the caller joins them as high * 2^32 + low.
    """
    ar = approved_releases.c
    halves = (
        select(
            sub.c.release_id,
            func.sum(sub.c.gain.op(">>")(32)).label("g_hi"),
            func.sum(sub.c.gain.op("&")(_LOW)).label("g_lo"),
            func.sum(sub.c.total.op(">>")(32)).label("t_hi"),
            func.sum(sub.c.total.op("&")(_LOW)).label("t_lo"),
            func.count().label("platforms"),
        )
        .where(sub.c.n_rows > 0)
        .group_by(sub.c.release_id)
        .subquery("halves")
    )
    h = halves.c
    g_hi, g_lo = h.g_hi + h.g_lo.op(">>")(32), h.g_lo.op("&")(_LOW)
    t_hi, t_lo = h.t_hi + h.t_lo.op(">>")(32), h.t_lo.op("&")(_LOW)
    return (
        select(
            h.release_id,
            ar.release_id.label("release_key"),
            ar.title,
            ar.artist_name,
            g_hi,
            g_lo,
            t_hi,
            t_lo,
            h.platforms,
        )
        .join(approved_releases, approved_releases.c.id == h.release_id)
        .where(_listed(archived))
        .order_by(g_hi.desc(), g_lo.desc(), t_hi.desc(), t_lo.desc(), h.release_id)
        .limit(limit)
    )


def _period_aggregates(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    start: datetime | None,
    end: datetime,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    active_only: bool = False,
    territory: _Territory = _WORLDWIDE_ONLY,
) -> tuple[sa.Subquery, dict[str, Any]]:
    """Per (release, platform, metric): what a period [start, end) added and where it ended,
    as a subquery and the parameters to execute it with.

    ``active_only``: the caller keeps only series with readings in the period (the
    leaderboard), so the rollup path may look up their history instead of scanning it.

    One pass over the readings before ``end`` with window functions:
    - ``latest`` the last lifetime total in the period, ``baseline`` the last one before it
      and ``first`` the first one in it (the fallback baseline when nothing came before:
      what a total grew from before tracking began is unknown, so it is not counted);
    - ``gain`` = latest - coalesce(baseline, first), plus the sum of per-period counts;
    - ``total`` = the lifetime total at the end (latest, else baseline) plus every per-period
      count up to ``end``;
    - ``corrections`` the readings in the period where a total dropped below the one before.
    """
    zone = rollup_zone_for(bind, start, end)
    if zone:  # same columns and values from one row per series and day
        shape, params = _rollup_query(
            zone, release_ids, metric_types, platforms, start, end, territory
        )
        return _period_gains_rollup(shape, active_only), params
    c = content_performance.c
    pkey = func.lower(c.platform)
    if start is None:
        in_period: sa.ColumnElement = sa.literal_column("1")
    else:
        in_period = sa.case((c.recorded_at >= _db_ts(bind, start), 1), else_=0)
    series = [c.release_id, pkey, c.metric_type, c.value_kind, c.country, c.currency]
    inner = (
        select(
            c.release_id,
            pkey.label("platform_key"),
            c.metric_type,
            c.value_kind,
            c.metric_value,
            c.recorded_at,
            in_period.label("in_p"),
            func.row_number()
            .over(partition_by=[*series, in_period], order_by=[c.recorded_at.desc(), c.id.desc()])
            .label("rn_desc"),
            func.row_number()
            .over(partition_by=[*series, in_period], order_by=[c.recorded_at, c.id])
            .label("rn_asc"),
            func.lag(c.metric_value)
            .over(partition_by=series, order_by=[c.recorded_at, c.id])
            .label("prev"),
        )
        .where(*_filters(bind, release_ids, metric_types, platforms, None, end, territory))
        .subquery("readings")
    )
    r = inner.c
    total = r.value_kind == "total"
    per_period = r.value_kind == "period"
    inside = r.in_p == 1
    latest = func.max(sa.case((sa.and_(total, inside, r.rn_desc == 1), r.metric_value)))
    first = func.max(sa.case((sa.and_(total, inside, r.rn_asc == 1), r.metric_value)))
    baseline = func.max(sa.case((sa.and_(total, r.in_p == 0, r.rn_desc == 1), r.metric_value)))
    period_sum = func.sum(sa.case((sa.and_(per_period, inside), r.metric_value)))
    prior_sum = func.sum(sa.case((sa.and_(per_period, r.in_p == 0), r.metric_value)))
    grouped = (
        select(
            r.release_id,
            r.platform_key,
            r.metric_type,
            latest.label("latest"),
            first.label("first"),
            baseline.label("baseline"),
            period_sum.label("period_sum"),
            prior_sum.label("prior_sum"),
            func.sum(
                sa.case(
                    (
                        sa.and_(total, inside, r.prev.is_not(None), r.metric_value < r.prev),
                        1,
                    ),
                    else_=0,
                )
            ).label("corrections"),
            func.sum(r.in_p).label("n_rows"),
            func.max(sa.case((inside, r.recorded_at))).label("last_at"),
        )
        .group_by(r.release_id, r.platform_key, r.metric_type)
        .subquery("grouped")
    )
    if _is_pg(bind):  # same columns and values without sorting all history
        grouped = _period_grouped_pg(
            bind, release_ids, start, end, metric_types, platforms, territory
        )
    return _gains_from_grouped(grouped), {}


def _period_grouped_pg(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    start: datetime | None,
    end: datetime,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    territory: _Territory = _WORLDWIDE_ONLY,
) -> sa.Subquery:
    """The ``grouped`` step of ``_period_aggregates`` (same columns, same values) in two parts.

    The window form sorts every reading before ``end`` three times; here only the readings
    *in* the period are sorted (for ``lag``: corrections), and the history before it is one
    hash aggregate (last total, sum of per-period counts).  A period's first reading is
    compared with the last one before the period, so a drop across the boundary still counts.
    For a view's releases (a period of theirs that is off the rollup's days: the elapsed time
    before a period that runs to now) both parts read the rollup's whole days and the
    readings of the days at the edges only (``store.history``); the whole catalog's are
    read faster from the readings' index.
    """
    zones = _transaction_zones(bind) if release_ids is not None else []
    inside = None
    if zones and start is not None:
        inside = _inside(
            bind, zones[0], release_ids, start, end, metric_types, platforms, territory
        )
    if inside is None:
        inside = _inside_readings(bind, release_ids, start, end, metric_types, platforms, territory)
    i = inside.c
    if start is None:
        joined = select(
            *[i[k] for k in _KEYS],
            i.latest,
            i.first,
            i.s_in,
            i.n,
            i.last_at,
            i.drops,
            sa.cast(sa.null(), sa.BigInteger).label("h_last"),
            sa.cast(sa.null(), sa.Numeric).label("s_before"),
        ).subquery("joined")
    else:
        before = (
            _history_before(bind, zones[0], release_ids, start, metric_types, platforms, territory)
            if zones
            else _history_readings(bind, release_ids, start, metric_types, platforms, territory)
        )
        h = before.c
        names = _KEYS
        joined = (
            select(
                *[func.coalesce(i[k], h[k]).label(k) for k in names],
                i.latest,
                i.first,
                i.s_in,
                i.n,
                i.last_at,
                i.drops,
                h.h_last,
                h.s_before,
            )
            .select_from(inside.join(before, sa.and_(*[i[k] == h[k] for k in names]), full=True))
            .subquery("joined")
        )
    return _grouped_from_joined(joined)


def _history_readings(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    start: datetime,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    territory: _Territory,
) -> sa.Subquery:
    """``history._history_before``'s columns from every reading before ``start``."""
    c = content_performance.c
    pkey = func.lower(c.platform)
    series = [c.release_id, pkey, c.metric_type, c.value_kind, c.country, c.currency]
    return (
        select(
            c.release_id,
            pkey.label("platform_key"),
            c.metric_type,
            c.value_kind,
            c.country,
            c.currency,
            _newest(c.metric_value).label("h_last"),
            func.sum(c.metric_value).label("s_before"),
        )
        .where(*_filters(bind, release_ids, metric_types, platforms, None, start, territory))
        .group_by(*series)
        .subquery("history")
    )


def _inside_readings(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    start: datetime | None,
    end: datetime,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    territory: _Territory,
) -> sa.Subquery:
    """``history._inside``'s columns from every reading of the period (only they are sorted)."""
    c = content_performance.c
    pkey = func.lower(c.platform)
    series = [c.release_id, pkey, c.metric_type, c.value_kind, c.country, c.currency]
    readings = (
        select(
            c.release_id,
            pkey.label("platform_key"),
            c.metric_type,
            c.value_kind,
            c.country,
            c.currency,
            c.metric_value,
            c.recorded_at,
            c.id,
            func.lag(c.metric_value)
            .over(partition_by=series, order_by=[c.recorded_at, c.id])
            .label("prev"),
        )
        .where(*_filters(bind, release_ids, metric_types, platforms, start, end, territory))
        .subquery("readings_in")
    )
    r = readings.c
    keys_in = [r.release_id, r.platform_key, r.metric_type, r.value_kind, r.country, r.currency]
    dropped = sa.case((sa.and_(r.prev.is_not(None), r.metric_value < r.prev), 1), else_=0)
    return (
        select(
            *keys_in,
            _newest(r.metric_value, r.recorded_at, r.id).label("latest"),
            _newest(r.metric_value, r.recorded_at, r.id, oldest=True).label("first"),
            func.sum(r.metric_value).label("s_in"),
            func.count().label("n"),
            func.max(r.recorded_at).label("last_at"),
            func.sum(dropped).label("drops"),
        )
        .group_by(*keys_in)
        .subquery("inside")
    )
