"""Server-side web sessions: the signed cookie carries a random id, this table makes it valid.

Until now a session lived in the cookie alone, so a copied cookie kept working after sign-out
until it expired.  A new table only: no existing row is touched (everyone signs in once more).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "perfdash_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("perfdash_users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("idx_sessions_user_id", "perfdash_sessions", ["user_id"])
    op.create_index("idx_sessions_expires_at", "perfdash_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("idx_sessions_expires_at", table_name="perfdash_sessions")
    op.drop_index("idx_sessions_user_id", table_name="perfdash_sessions")
    op.drop_table("perfdash_sessions")
