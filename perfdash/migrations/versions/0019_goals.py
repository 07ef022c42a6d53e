"""Goals: a target per release, artist or tag, by a date or in the first days after launch.

A new table only: no existing row is touched.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "perfdash_goals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column(
            "release_id",
            sa.Integer,
            sa.ForeignKey("approved_releases.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("artist_name", sa.String(255)),
        sa.Column("tag", sa.String(100)),
        sa.Column("metric_type", sa.String(50), nullable=False),
        sa.Column("target", sa.BigInteger, nullable=False),
        sa.Column("due_on", sa.Date),
        sa.Column("first_days", sa.Integer),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.current_timestamp()
        ),
        sa.Column("created_by", sa.String(100)),
    )
    op.create_index("idx_goals_release", "perfdash_goals", ["release_id"])
    op.create_index("idx_goals_artist", "perfdash_goals", ["artist_name"])


def downgrade() -> None:
    op.drop_index("idx_goals_artist", table_name="perfdash_goals")
    op.drop_index("idx_goals_release", table_name="perfdash_goals")
    op.drop_table("perfdash_goals")
