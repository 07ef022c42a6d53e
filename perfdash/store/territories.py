"""Which readings a read counts, by territory and currency, and the per-country figures.

The rule (docs/numbers.md "Territories"): a read for one country counts that country's
series only; a read for all territories counts, per release, platform and metric type, the
worldwide series when one exists, else that release's and platform's per-country counts
(``value_kind = period``, whose sums add up across countries).  A per-country lifetime total is
shown by its country (the filter, the map, the top countries), never added to others: the
newest of several countries' totals means nothing.  Money counts one currency at a time; a read
without a currency counts no money.

The rule is decided over series, never per reading: ``_scope`` lists the per-country series
of the view that have no worldwide series (one probe of a partial index finds that there are
none, the common case, and then every read is what it was before territories), and the reads
add one filter with that list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from perfdash.exact import int_column
from perfdash.schema import content_performance
from perfdash.store.engine import _begin, _db_ts, _one_transaction, _reads_only, _tuples
from perfdash.store.scope import _narrow
from perfdash.vocab import NO_CURRENCY, WORLDWIDE

_c = content_performance.c


@dataclass(frozen=True)
class _Territory:
    """What a read counts: one ``country`` (None: all territories, by the rule), one
    ``currency`` (NO_CURRENCY: no money), and for all territories the per-country series
    (release pk, platform key, metric type) with no worldwide series (``scope``)."""

    country: str | None = None
    currency: str = NO_CURRENCY
    scope: tuple[tuple[int, str, str], ...] = ()


_WORLDWIDE_ONLY = _Territory()


def _territory(
    conn: Connection,
    country: str | None,
    currency: str | None,
    release_ids: Sequence[int] | None,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
) -> _Territory:
    currency = currency or NO_CURRENCY
    if country:
        return _Territory(country, currency)
    if not isinstance(conn, Connection) or release_ids is None or not _reads_only(conn):
        return _Territory(
            None, currency, _scope(conn, currency, release_ids, metric_types, platforms)
        )
    # a view's reads of the same releases in one transaction ask once (see _transaction_scope)
    whole = _transaction_scope(conn, currency, tuple(sorted(int(r) for r in release_ids)))
    metrics = None if not metric_types else set(metric_types)
    keys = None if not platforms else {p.lower() for p in platforms}
    return _Territory(
        None,
        currency,
        tuple(
            k
            for k in whole
            if (metrics is None or k[2] in metrics) and (keys is None or k[1] in keys)
        ),
    )


def _transaction_scope(
    conn: Connection, currency: str, release_ids: tuple[int, ...]
) -> tuple[tuple[int, str, str], ...]:
    """``_scope`` of the releases for every metric and platform, read once per
    ``read_snapshot``.

    A dashboard view makes four reads of its releases (the period, the previous one, the
    chart's series and its baseline), each with its own metric and platform filters; the
    scope of every metric and platform, filtered by the key's metric and platform, is each
    one's scope (the filters are on the key's own columns), so one statement serves all.
    Keyed by the transaction, which writes nothing: the next one (the next callback) asks again.
    """
    txn = conn.get_transaction()
    cached = conn.info.get("perfdash.scopes")
    if cached is None or cached[0] is not txn:
        cached = (txn, {})
        conn.info["perfdash.scopes"] = cached
    key = (currency, release_ids)
    if key not in cached[1]:
        cached[1][key] = _scope(conn, currency, release_ids, None, None)
    return cached[1][key]


def _scope(
    conn: Connection,
    currency: str,
    release_ids: Sequence[int] | None,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
) -> tuple[tuple[int, str, str], ...]:
    """The view's per-country series keys without a worldwide series of the same key."""
    pkey = func.lower(_c.platform)
    where = [_c.country != WORLDWIDE, _c.currency == currency, _c.value_kind == "period"]
    if release_ids is not None:
        where.append(_c.release_id.in_([int(r) for r in release_ids]))
    if metric_types:
        where.append(_c.metric_type.in_(list(metric_types)))
    if platforms:
        where.append(pkey.in_([p.lower() for p in platforms]))
    keys = (
        select(_c.release_id, pkey.label("platform_key"), _c.metric_type)
        .where(*where)
        .distinct()
        .subquery("country_series")
    )
    w = content_performance.alias("w")
    worldwide = (
        select(sa.literal(1))
        .where(
            w.c.release_id == keys.c.release_id,
            func.lower(w.c.platform) == keys.c.platform_key,
            w.c.metric_type == keys.c.metric_type,
            w.c.country == WORLDWIDE,
            w.c.currency == currency,
        )
        .exists()
    )
    stmt = select(keys.c.release_id, keys.c.platform_key, keys.c.metric_type).where(~worldwide)
    with _begin(conn) as c:
        return tuple(sorted((int(r), str(p), str(m)) for r, p, m in _tuples(c, stmt)))


def _territory_where(
    territory: _Territory, table: Any = None, platform_key: sa.ColumnElement | None = None
) -> list[sa.ColumnElement]:
    """The filters of ``territory`` on content_performance (or the rollup, ``table``)."""
    t = _c if table is None else table
    pkey = func.lower(t.platform) if platform_key is None else platform_key
    where = [t.currency == territory.currency]
    if territory.country is not None:
        where.append(t.country == territory.country)
    elif territory.scope:
        per_country = sa.and_(
            t.value_kind == "period",
            sa.tuple_(t.release_id, pkey, t.metric_type).in_(list(territory.scope)),
        )
        where.append(sa.or_(t.country == WORLDWIDE, per_country))
    else:
        where.append(t.country == WORLDWIDE)
    return where


TOP_COUNTRY_COLUMNS = ["country", "value", "releases", "n_rows"]


@_one_transaction
def top_countries(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    metric_type: str,
    *,
    end: datetime,
    start: datetime | None = None,
    platforms: Sequence[str] | None = None,
    currency: str | None = None,
) -> pd.DataFrame:
    """Per country: the sum of the per-country counts (``period``) of ``metric_type`` in
    [start, end) over the releases and platforms in view, largest first.

    Only per-country readings count (a worldwide number has no country); a country without a
    reading in the period is absent, not zero.  Money is summed in one ``currency`` only.
    """
    release_ids = _narrow(bind, release_ids)
    where = [
        _c.country != WORLDWIDE,
        _c.currency == (currency or NO_CURRENCY),
        _c.value_kind == "period",
        _c.metric_type == metric_type,
        _c.recorded_at < _db_ts(bind, end),
    ]
    if start is not None:
        where.append(_c.recorded_at >= _db_ts(bind, start))
    if release_ids is not None:
        where.append(_c.release_id.in_([int(r) for r in release_ids]))
    if platforms:
        where.append(func.lower(_c.platform).in_([p.lower() for p in platforms]))
    total = sa.type_coerce(sa.cast(func.sum(_c.metric_value), sa.Numeric(38, 0)), sa.BigInteger)
    stmt = (
        select(
            _c.country,
            total.label("value"),
            func.count(_c.release_id.distinct()).label("releases"),
            func.count().label("n_rows"),
        )
        .where(*where)
        .group_by(_c.country)
    )
    with _begin(bind) as conn:
        rows = _tuples(conn, stmt)
    rows = sorted(rows, key=lambda r: (-int(r[1]), r[0]))
    frame = pd.DataFrame(rows, columns=TOP_COUNTRY_COLUMNS)
    frame["value"] = int_column([r[1] for r in rows], frame.index)
    for col in ("releases", "n_rows"):
        frame[col] = frame[col].astype("int64")
    return frame


@_one_transaction
def view_currencies(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    metric_type: str,
) -> list[str]:
    """The currencies that ``metric_type`` (money) is recorded in for the releases."""
    release_ids = _narrow(bind, release_ids)
    where = [_c.metric_type == metric_type, _c.currency != NO_CURRENCY]
    if release_ids is not None:
        where.append(_c.release_id.in_([int(r) for r in release_ids]))
    stmt = select(_c.currency).where(*where).distinct().order_by(_c.currency)
    with _begin(bind) as conn:
        return [str(r[0]) for r in _tuples(conn, stmt)]


@_one_transaction
def has_country_readings(bind: Engine | Connection, release_ids: Sequence[int] | None) -> bool:
    """Whether any reading of the releases (None: the catalog) has a country."""
    release_ids = _narrow(bind, release_ids)
    stmt = select(_c.id).where(_c.country != WORLDWIDE).limit(1)
    if release_ids is not None:
        stmt = stmt.where(_c.release_id.in_([int(r) for r in release_ids]))
    with _begin(bind) as conn:
        return conn.execute(stmt).first() is not None
