"""Read-only share links: a dashboard view that opens without an account, stored by a hash of
its token.

A new table only: no existing row is touched.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "perfdash_share_links",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("view", sa.String(2000), nullable=False),
        sa.Column("releases", sa.String(2000), nullable=False),
        sa.Column("created_by", sa.String(120)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.create_index("idx_share_links_created_by", "perfdash_share_links", ["created_by"])


def downgrade() -> None:
    op.drop_index("idx_share_links_created_by", table_name="perfdash_share_links")
    op.drop_table("perfdash_share_links")
