"""The rows a per-stream rate may divide: earnings and streams read for the same release,
platform, country and local day, matched row against row in the database.

A rate of total earnings over total streams mixes rows that have nothing to do with each other
(a worldwide streams timeline from one export, a per-country statement from another, a month
with earnings and no streams).  Matched rows are the honest base: the statement line that paid
so much for so many streams.  Both are period counts (``value_kind = period``): a lifetime
total read on a day is no count of that day's streams.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from perfdash.exact import int_column
from perfdash.schema import content_performance
from perfdash.store.blocks import _bucket_expr, _exact, _filters
from perfdash.store.engine import _begin, _one_transaction, _tuples
from perfdash.vocab import MONEY_METRICS, NO_CURRENCY

PAIRED_COLUMNS = ["release_id", "platform_key", "country", "earned", "streams", "days"]

_c = content_performance.c


def _per_day(
    bind: Engine | Connection,
    metric_types: Sequence[str],
    currency: str,
    where: list[sa.ColumnElement],
    tz: str,
    name: str,
) -> sa.Subquery:
    """One metric's period counts summed per release, platform, country and local day."""
    day = _bucket_expr(bind, "day", tz)
    pkey = func.lower(_c.platform)
    return (
        select(
            _c.release_id,
            pkey.label("platform_key"),
            _c.country,
            day.label("day"),
            func.sum(_c.metric_value).label("value"),
        )
        .where(
            _c.metric_type.in_(list(metric_types)),
            _c.currency == currency,
            _c.value_kind == "period",
            *where,
        )
        .group_by(_c.release_id, pkey, _c.country, day)
        .subquery(name)
    )


@_one_transaction
def paired_earnings(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    *,
    end: datetime,
    currency: str,
    tz: str,
    start: datetime | None = None,
    platforms: Sequence[str] | None = None,
    country: str | None = None,
) -> pd.DataFrame:
    """Per release, platform and country: the earnings (micro-units of ``currency``) and the
    streams of the days in [start, end) that have both, and how many such days.

    ``country``: that country's rows only; None: every territory, each matched within its own
    (``metrics.per_stream_rate`` then keeps worldwide pairs over per-country ones).
    """
    where = _filters(bind, release_ids, None, platforms, start, end)
    if country:
        where.append(_c.country == country)
    paid = _per_day(bind, sorted(MONEY_METRICS), currency, where, tz, "paid")
    heard = _per_day(bind, ["streams"], NO_CURRENCY, where, tz, "heard")
    keys = ("release_id", "platform_key", "country", "day")
    stmt = (
        select(
            paid.c.release_id,
            paid.c.platform_key,
            paid.c.country,
            _exact(func.sum(paid.c.value)).label("earned"),
            _exact(func.sum(heard.c.value)).label("streams"),
            func.count().label("days"),
        )
        .join_from(paid, heard, sa.and_(*(paid.c[k] == heard.c[k] for k in keys)))
        .group_by(paid.c.release_id, paid.c.platform_key, paid.c.country)
        .order_by(paid.c.release_id, paid.c.platform_key, paid.c.country)
    )
    with _begin(bind) as conn:
        rows = _tuples(conn, stmt)
    frame = pd.DataFrame(rows, columns=PAIRED_COLUMNS)
    for col in ("earned", "streams"):
        frame[col] = int_column([r[PAIRED_COLUMNS.index(col)] for r in rows], frame.index)
    frame["days"] = frame["days"].astype("int64")
    return frame
