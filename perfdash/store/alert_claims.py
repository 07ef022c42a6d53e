"""Which alerts were delivered: a claim per alert key taken before a notification goes out, so
concurrent workers, machines and repeated runs send each alert once."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import alerts_sent
from perfdash.store.engine import _begin, _is_pg
from perfdash.store.errors import InvalidValueError


def claim_alert(
    bind: Engine | Connection,
    alert_key: str,
    *,
    release_id: int | None = None,
    channel: str = "webhook",
) -> bool:
    """Record that ``alert_key`` is being sent; False when someone already did (or does).

    The unique key plus ``ON CONFLICT DO NOTHING`` makes the claim atomic across workers,
    machines and repeated runs: exactly one caller gets True.
    """
    key = (alert_key or "").strip()
    if not key or len(key) > 255:
        raise InvalidValueError("alert key must be 1 to 255 characters")
    with _begin(bind) as conn:
        if _is_pg(conn):
            stmt = postgresql.insert(alerts_sent)
        else:
            stmt = sqlite_dialect.insert(alerts_sent)
        stmt = stmt.values(alert_key=key, release_id=release_id, channel=channel)
        stmt = stmt.on_conflict_do_nothing(index_elements=["alert_key"])
        return conn.execute(stmt.returning(alerts_sent.c.id)).first() is not None


def release_alert_claim(bind: Engine | Connection, alert_key: str) -> bool:
    """Forget a claim whose delivery failed, so that the next run tries again."""
    with _begin(bind) as conn:
        return (
            conn.execute(alerts_sent.delete().where(alerts_sent.c.alert_key == alert_key)).rowcount
            > 0
        )


def sent_alert_keys(bind: Engine | Connection, keys: Iterable[str] | None = None) -> set[str]:
    """Which of ``keys`` (or all, when None) were already delivered."""
    stmt = select(alerts_sent.c.alert_key)
    with _begin(bind) as conn:
        if keys is None:
            return set(conn.execute(stmt).scalars())
        wanted = sorted(set(keys))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            found.update(
                conn.execute(stmt.where(alerts_sent.c.alert_key.in_(wanted[i : i + 500]))).scalars()
            )
        return found
