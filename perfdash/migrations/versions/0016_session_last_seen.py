"""Sessions remember their last request, so one left idle ends (PERFDASH_SESSION_IDLE_MINUTES).

One nullable column; no existing row changes (NULL reads as the session's sign-in time).

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("perfdash_sessions", sa.Column("last_seen_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("perfdash_sessions") as batch:
        batch.drop_column("last_seen_at")
