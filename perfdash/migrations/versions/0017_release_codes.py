"""Releases carry their ISRC (the recording) and UPC / EAN (the product), unique where set.

Two nullable columns and two unique indexes; no existing row changes (NULL: no code, and
NULLs never collide in a unique index on SQLite or PostgreSQL).

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("approved_releases", sa.Column("isrc", sa.String(12)))
    op.add_column("approved_releases", sa.Column("upc", sa.String(13)))
    op.create_index("uq_approved_releases_isrc", "approved_releases", ["isrc"], unique=True)
    op.create_index("uq_approved_releases_upc", "approved_releases", ["upc"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_approved_releases_upc", table_name="approved_releases")
    op.drop_index("uq_approved_releases_isrc", table_name="approved_releases")
    with op.batch_alter_table("approved_releases") as batch:
        batch.drop_column("upc")
        batch.drop_column("isrc")
