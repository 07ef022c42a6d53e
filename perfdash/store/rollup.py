"""The daily rollup's zones: which zones it counts, counting a zone and checking it, and which
zone (if any) can serve a read.

performance_daily (perfdash.schema.tables) holds one row per series and local day, kept exact
by triggers on PostgreSQL (perfdash.schema.rollup_sql).  A read uses it when its period starts
and ends at local midnights of a rollup zone; otherwise it reads the readings (same numbers).
tests/test_store_rollup.py proves both paths agree and that the triggers keep the rollup equal to a
fresh count.  SQLite has no rollup.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import performance_daily, performance_rollup_zones
from perfdash.schema.rollup_sql import ROLLUP_COLUMNS, rollup_count_sql, rollup_insert_sql
from perfdash.store.engine import _begin, _is_pg, to_utc

# Every reading of zone ``:tz`` (a zone already in performance_rollup_zones).
_ALL_READINGS = (
    "content_performance c JOIN performance_rollup_zones z ON z.tz = :tz "
    "WHERE c.recorded_at IS NOT NULL"
)

# Count the whole rollup of zone ``:tz``.
_BUILD_ZONE = rollup_insert_sql(_ALL_READINGS)

# How many rollup rows of zone ``:tz`` differ from a fresh count (0 when exact).
_COUNT_DIFFERENCES = (
    f"WITH fresh AS ({rollup_count_sql(_ALL_READINGS)}), "  # noqa: S608 - constants only
    f"stored AS (SELECT {ROLLUP_COLUMNS} FROM performance_daily WHERE tz = :tz) "
    "SELECT count(*) FROM ("
    "(SELECT * FROM fresh EXCEPT ALL SELECT * FROM stored) UNION ALL "
    "(SELECT * FROM stored EXCEPT ALL SELECT * FROM fresh)) AS differences"
)


def rollup_zones(bind: Engine | Connection) -> list[str]:
    """The time zones whose local days the rollup counts (empty on SQLite)."""
    if not _is_pg(bind):
        return []
    with _begin(bind) as conn:
        return list(conn.execute(select(performance_rollup_zones.c.tz).order_by("tz")).scalars())


def set_rollup_zones(bind: Engine | Connection, zones: Iterable[str]) -> list[str]:
    """Count the rollup for exactly ``zones`` (PERFDASH_TZ); returns the zones newly counted.

    Writers wait while a new zone is counted (SHARE lock on content_performance), so no reading
    is missed or counted twice.  A no-op on SQLite and when nothing changes.
    """
    wanted = sorted(set(zones))
    for zone in wanted:
        ZoneInfo(zone)  # an unknown zone fails here, before SQL
    if not _is_pg(bind) or rollup_zones(bind) == wanted:
        return []
    zc = performance_rollup_zones.c
    with _begin(bind) as conn:
        conn.info.pop("perfdash.rollup_zones", None)  # see _transaction_zones
        conn.execute(sa.text("LOCK TABLE content_performance IN SHARE MODE"))
        have = set(conn.execute(select(zc.tz)).scalars())
        gone = sorted(have - set(wanted))
        if gone:
            conn.execute(sa.delete(performance_daily).where(performance_daily.c.tz.in_(gone)))
            conn.execute(sa.delete(performance_rollup_zones).where(zc.tz.in_(gone)))
        added = [zone for zone in wanted if zone not in have]
        for zone in added:
            conn.execute(sa.insert(performance_rollup_zones).values(tz=zone))
            conn.execute(sa.text(_BUILD_ZONE), {"tz": zone})
        # plans for the new row counts; the zones too: never analysed, the planner takes the
        # table for hundreds of zones and multiplies every write's rollup estimate by that
        conn.execute(sa.text("ANALYZE performance_daily, performance_rollup_zones"))
    return added


def rollup_differences(bind: Engine | Connection, tz: str) -> int:
    """Rollup rows of ``tz`` that differ from a fresh count of the readings (0 when exact)."""
    with _begin(bind) as conn:
        return int(conn.execute(sa.text(_COUNT_DIFFERENCES), {"tz": tz}).scalar_one())


def _transaction_zones(bind: Engine | Connection) -> list[str]:
    """``rollup_zones`` read once per transaction of a caller's connection.

    A dashboard callback makes four rollup-aware reads on one connection; asking for the zones
    once instead of four times saved ~2 ms of a 37 ms heavy release view.  Keyed by the
    transaction object, so the next transaction (the next callback) asks again and a zone
    that ``db upgrade`` removed is never read from after that.
    """
    if not isinstance(bind, Connection):
        return rollup_zones(bind)
    cached = bind.info.get("perfdash.rollup_zones")
    txn = bind.get_transaction()
    if txn is not None and cached is not None and cached[0] is txn:
        return cached[1]
    zones = rollup_zones(bind)
    bind.info["perfdash.rollup_zones"] = (bind.get_transaction(), zones)
    return zones


def _local_midnight_day(moment: datetime, zone: str) -> date | None:
    local = to_utc(moment).astimezone(ZoneInfo(zone))
    if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
        return None
    return local.date()


def rollup_zone_for(
    bind: Engine | Connection, *moments: datetime | None, tz: str | None = None
) -> str | None:
    """A rollup zone in which every given moment is a local midnight, else None.

    With ``tz`` only that zone qualifies (day buckets must be that zone's days).
    """
    if not _is_pg(bind):
        return None
    zones = _transaction_zones(bind)
    for zone in [tz] if tz else zones:
        if zone in zones and all(
            m is None or _local_midnight_day(m, zone) is not None for m in moments
        ):
            return zone
    return None
