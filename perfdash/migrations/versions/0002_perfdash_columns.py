"""perfdash's additions: release title and platform identifiers, value kind, source,
created_at, the dashboard's series index and the partial unique key that makes writes
idempotent.

Rows present before this revision are marked ``source = 'legacy'``: the unique key excludes
them, so duplicates an adopted database holds are kept, while every new write is deduplicated.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

IDENTIFIERS = (
    "youtube_video_id",
    "spotify_track_id",
    "spotify_artist_id",
    "lastfm_artist",
    "lastfm_track",
    "deezer_track_id",
    "deezer_artist_id",
)


def upgrade() -> None:
    with op.batch_alter_table("approved_releases", recreate="never") as batch:
        batch.add_column(sa.Column("title", sa.String(255)))
        for name in IDENTIFIERS:
            batch.add_column(sa.Column(name, sa.String(255)))

    # Existing rows get 'legacy' through the column default, then the default becomes 'manual'.
    with op.batch_alter_table("content_performance", recreate="never") as batch:
        batch.add_column(
            sa.Column(
                "value_kind", sa.String(10), nullable=False, server_default=sa.text("'total'")
            )
        )
        batch.add_column(
            sa.Column("source", sa.String(20), nullable=False, server_default=sa.text("'legacy'"))
        )
        batch.add_column(sa.Column("created_at", sa.DateTime(timezone=True)))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.alter_column("content_performance", "source", server_default=sa.text("'manual'"))
        op.alter_column(
            "content_performance", "created_at", server_default=sa.func.current_timestamp()
        )
    else:
        # Timestamps written by other tools lack the microseconds SQLAlchemy writes; make them
        # uniform so that text comparisons (SQLite has no timestamp type) order correctly.
        for table, column in (
            ("content_performance", "recorded_at"),
            ("approved_releases", "approved_at"),
        ):
            op.execute(
                f"UPDATE {table} SET {column} = {column} || '.000000' WHERE length({column}) = 19"  # noqa: S608
            )
        # SQLite cannot change a column default in place; rebuild the table (rows are copied).
        with op.batch_alter_table("content_performance", recreate="always") as batch:
            batch.alter_column("source", server_default=sa.text("'manual'"))
            batch.alter_column("created_at", server_default=sa.func.current_timestamp())

    op.create_index(
        "idx_performance_series",
        "content_performance",
        ["release_id", "metric_type", "recorded_at"],
    )
    op.create_index(
        "uq_performance_natural",
        "content_performance",
        [
            "release_id",
            sa.text("lower(platform)"),
            "metric_type",
            "recorded_at",
            "value_kind",
        ],
        unique=True,
        postgresql_where=sa.text("source <> 'legacy'"),
        sqlite_where=sa.text("source <> 'legacy'"),
    )


def downgrade() -> None:
    op.drop_index("uq_performance_natural", "content_performance")
    op.drop_index("idx_performance_series", "content_performance")
    with op.batch_alter_table("content_performance") as batch:
        batch.drop_column("created_at")
        batch.drop_column("source")
        batch.drop_column("value_kind")
    with op.batch_alter_table("approved_releases") as batch:
        for name in reversed(IDENTIFIERS):
            batch.drop_column(name)
        batch.drop_column("title")
