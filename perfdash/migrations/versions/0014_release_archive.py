"""Releases can be archived: kept with every reading, hidden from pickers and the leaderboard.

One nullable column; no existing row changes (NULL: not archived).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("approved_releases", sa.Column("archived_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("approved_releases") as batch:
        batch.drop_column("archived_at")
