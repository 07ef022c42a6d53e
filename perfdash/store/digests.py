"""Digest subscriptions, and the claim taken before each digest goes out.

The store checks only what the database needs (a known user, a known channel and period);
what an address or a webhook URL must look like is the write rules' (``ingest.digests``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import digest_subscriptions, digests_sent, users
from perfdash.store.engine import _begin, _is_pg
from perfdash.store.errors import InvalidValueError, PerformanceDbError
from perfdash.vocab import DIGEST_CHANNELS, DIGEST_PERIODS

_S = digest_subscriptions.c


def add_digest_subscription(
    bind: Engine | Connection, user_id: int, channel: str, target: str, period: str
) -> int:
    """A new subscription's id; a clear error when the user already has this one."""
    if channel not in DIGEST_CHANNELS:
        raise InvalidValueError(f"channel must be one of {', '.join(DIGEST_CHANNELS)}")
    if period not in DIGEST_PERIODS:
        raise InvalidValueError(f"period must be one of {', '.join(DIGEST_PERIODS)}")
    with _begin(bind) as conn:
        if conn.execute(select(users.c.id).where(users.c.id == user_id)).first() is None:
            raise PerformanceDbError("No such user")
        same = select(_S.id).where(
            _S.user_id == user_id, _S.channel == channel, _S.target == target, _S.period == period
        )
        if conn.execute(same).first() is not None:
            raise PerformanceDbError(f"That {period} digest by {channel} is already subscribed")
        stmt = digest_subscriptions.insert().values(
            user_id=user_id, channel=channel, target=target, period=period
        )
        return conn.execute(stmt.returning(_S.id)).scalar_one()


def list_digest_subscriptions(
    bind: Engine | Connection, *, user_id: int | None = None, period: str | None = None
) -> list[dict[str, Any]]:
    """Subscriptions with their user's name and role, oldest first."""
    stmt = (
        select(
            _S.id,
            _S.user_id,
            users.c.username,
            users.c.role,
            _S.channel,
            _S.target,
            _S.period,
            _S.created_at,
        )
        .join(users, users.c.id == _S.user_id)
        .order_by(_S.id)
    )
    if user_id is not None:
        stmt = stmt.where(_S.user_id == user_id)
    if period is not None:
        stmt = stmt.where(_S.period == period)
    with _begin(bind) as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def remove_digest_subscription(
    bind: Engine | Connection, subscription_id: int, *, user_id: int | None = None
) -> bool:
    """End a subscription (only the user's own when ``user_id`` is given); False if none."""
    stmt = digest_subscriptions.delete().where(_S.id == subscription_id)
    if user_id is not None:
        stmt = stmt.where(_S.user_id == user_id)
    with _begin(bind) as conn:
        return conn.execute(stmt).rowcount > 0


def claim_digest(bind: Engine | Connection, subscription_id: int, period_key: str) -> bool:
    """Record that this subscriber's digest for ``period_key`` is being sent; False when
    another worker or an earlier run already did (the unique key makes it atomic)."""
    insert = postgresql.insert if _is_pg(bind) else sqlite_dialect.insert
    stmt = (
        insert(digests_sent)
        .values(subscription_id=subscription_id, period_key=period_key)
        .on_conflict_do_nothing(index_elements=["subscription_id", "period_key"])
        .returning(digests_sent.c.id)
    )
    with _begin(bind) as conn:
        return conn.execute(stmt).first() is not None


def release_digest_claim(bind: Engine | Connection, subscription_id: int, period_key: str) -> bool:
    """Forget a claim whose delivery failed, so the next run tries again."""
    stmt = digests_sent.delete().where(
        digests_sent.c.subscription_id == subscription_id, digests_sent.c.period_key == period_key
    )
    with _begin(bind) as conn:
        return conn.execute(stmt).rowcount > 0


def digests_sent_for(bind: Engine | Connection, period_key: str) -> set[int]:
    """The subscriptions whose digest for ``period_key`` went out (or is going out)."""
    stmt = select(digests_sent.c.subscription_id).where(digests_sent.c.period_key == period_key)
    with _begin(bind) as conn:
        return set(conn.execute(stmt).scalars())
