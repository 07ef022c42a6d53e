"""Metric kinds an editor sets: how a metric type's numbers are read (counter, audience, score).

A new table only: no existing row is touched.  Known metric types need no row.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "perfdash_metric_kinds",
        sa.Column("metric_type", sa.String(50), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("lower_is_better", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.current_timestamp()
        ),
        sa.Column("updated_by", sa.String(100)),
    )


def downgrade() -> None:
    op.drop_table("perfdash_metric_kinds")
