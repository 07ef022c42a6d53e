"""Digest subscriptions and the digests sent (the digests migration).

A subscription is one user's wish for the catalog's report, daily or weekly, by email or to a
Slack incoming webhook.  A digest is claimed in ``perfdash_digests_sent`` before it goes out
(the unique subscription + period), so several workers, machines and repeated runs send each
subscriber each period's digest once; a failed delivery deletes its claim to be tried again.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

from perfdash.schema.tables import metadata

digest_subscriptions = Table(
    "perfdash_digest_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "user_id",
        Integer,
        ForeignKey("perfdash_users.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("channel", String(10), nullable=False),  # email | slack
    Column("target", Text, nullable=False),  # an address, or a webhook URL (a secret)
    Column("period", String(10), nullable=False),  # day | week
    Column("created_at", DateTime(timezone=True), server_default=func.current_timestamp()),
    UniqueConstraint("user_id", "channel", "target", "period", name="uq_digest_subscription"),
    Index("idx_digest_subscriptions_user_id", "user_id"),
)

digests_sent = Table(
    "perfdash_digests_sent",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "subscription_id",
        Integer,
        ForeignKey("perfdash_digest_subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("period_key", String(40), nullable=False),  # e.g. week:2026-11-23
    Column("sent_at", DateTime(timezone=True), server_default=func.current_timestamp()),
    UniqueConstraint("subscription_id", "period_key", name="uq_digest_sent"),
)
