"""Insights: annotations (dated notes on a release or the whole catalog) and the record of
alerts already delivered, whose unique key makes every alert notify once.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "perfdash_annotations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "release_id",
            sa.Integer,
            sa.ForeignKey("approved_releases.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.current_timestamp()
        ),
        sa.Column("created_by", sa.String(100)),
    )
    op.create_index("idx_annotations_release_at", "perfdash_annotations", ["release_id", "at"])
    op.create_table(
        "perfdash_alerts_sent",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_key", sa.String(255), nullable=False, unique=True),
        sa.Column(
            "release_id",
            sa.Integer,
            sa.ForeignKey("approved_releases.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column(
            "sent_at", sa.DateTime(timezone=True), server_default=sa.func.current_timestamp()
        ),
        sa.Column("channel", sa.String(50), nullable=False, server_default=sa.text("'webhook'")),
    )


def downgrade() -> None:
    op.drop_table("perfdash_alerts_sent")
    op.drop_index("idx_annotations_release_at", table_name="perfdash_annotations")
    op.drop_table("perfdash_annotations")
