"""Tags on releases (campaigns, moods, series): one new table, no existing row touched.

``perfdash_release_tags`` holds each (release, tag) once; a release's tags go with it when it
is deleted.  ``idx_release_tags_tag`` finds a tag's releases (the dashboards' tag filter).

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "perfdash_release_tags",
        sa.Column(
            "release_id",
            sa.Integer,
            sa.ForeignKey("approved_releases.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tag", sa.String(50), primary_key=True),
        sa.Column(
            "tagged_at", sa.DateTime(timezone=True), server_default=sa.func.current_timestamp()
        ),
    )
    op.create_index("idx_release_tags_tag", "perfdash_release_tags", ["tag"])


def downgrade() -> None:
    op.drop_index("idx_release_tags_tag", table_name="perfdash_release_tags")
    op.drop_table("perfdash_release_tags")
