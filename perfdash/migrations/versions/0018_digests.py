"""Digest subscriptions (daily or weekly, by email or Slack) and the digests sent.

Two new tables only: no existing row is touched.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "perfdash_digest_subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("perfdash_users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.current_timestamp()
        ),
        sa.UniqueConstraint(
            "user_id", "channel", "target", "period", name="uq_digest_subscription"
        ),
    )
    op.create_index(
        "idx_digest_subscriptions_user_id", "perfdash_digest_subscriptions", ["user_id"]
    )
    op.create_table(
        "perfdash_digests_sent",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "subscription_id",
            sa.Integer,
            sa.ForeignKey("perfdash_digest_subscriptions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("period_key", sa.String(40), nullable=False),
        sa.Column(
            "sent_at", sa.DateTime(timezone=True), server_default=sa.func.current_timestamp()
        ),
        sa.UniqueConstraint("subscription_id", "period_key", name="uq_digest_sent"),
    )


def downgrade() -> None:
    op.drop_table("perfdash_digests_sent")
    op.drop_index("idx_digest_subscriptions_user_id", "perfdash_digest_subscriptions")
    op.drop_table("perfdash_digest_subscriptions")
