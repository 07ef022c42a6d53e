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
    # one pass: each release, platform, country and day's earnings and streams side by side
    # (a hash aggregate), kept where both are there; no join of two aggregates
    paid = sa.and_(_c.metric_type.in_(sorted(MONEY_METRICS)), _c.currency == currency)
    heard = sa.and_(_c.metric_type == "streams", _c.currency == NO_CURRENCY)
    day = _bucket_expr(bind, "day", tz)
    pkey = func.lower(_c.platform)
    days = (
        select(
            _c.release_id,
            pkey.label("platform_key"),
            _c.country,
            func.sum(sa.case((paid, _c.metric_value))).label("earned"),
            func.sum(sa.case((heard, _c.metric_value))).label("streams"),
        )
        .where(_c.value_kind == "period", sa.or_(paid, heard), *where)
        .group_by(_c.release_id, pkey, _c.country, day)
        .having(func.count(sa.case((paid, 1))) > 0, func.count(sa.case((heard, 1))) > 0)
        .subquery("days")
    )
    stmt = (
        select(
            days.c.release_id,
            days.c.platform_key,
            days.c.country,
            _exact(func.sum(days.c.earned)).label("earned"),
            _exact(func.sum(days.c.streams)).label("streams"),
            func.count().label("days"),
        )
        .group_by(days.c.release_id, days.c.platform_key, days.c.country)
        .order_by(days.c.release_id, days.c.platform_key, days.c.country)
    )
    with _begin(bind) as conn:
        rows = _tuples(conn, stmt)
    frame = pd.DataFrame(rows, columns=PAIRED_COLUMNS)
    for col in ("earned", "streams"):
        frame[col] = int_column([r[PAIRED_COLUMNS.index(col)] for r in rows], frame.index)
    frame["days"] = frame["days"].astype("int64")
    return frame
