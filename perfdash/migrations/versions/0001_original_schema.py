"""The original platform schema: approved_releases and content_performance.

Creates only what is missing, so a database made by the original platform SQL is adopted as it
is, rows and duplicates included.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    tables = set(inspector.get_table_names())
    if "approved_releases" not in tables:
        op.create_table(
            "approved_releases",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("release_id", sa.String(255), nullable=False, unique=True),
            sa.Column("artist_name", sa.String(255)),
            sa.Column("track_prompt", sa.Text),
            sa.Column("video_prompt", sa.Text),
            sa.Column("suno_clip_id", sa.String(255)),
            sa.Column("luma_generation_id", sa.String(255)),
            sa.Column("track_url", sa.Text),
            sa.Column("video_url", sa.Text),
            sa.Column(
                "approved_at",
                sa.DateTime(timezone=True),
                server_default=sa.func.current_timestamp(),
            ),
            sa.Column("distribution_status", sa.String(50), server_default=sa.text("'pending'")),
        )
    if "content_performance" not in tables:
        op.create_table(
            "content_performance",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column(
                "release_id",
                sa.Integer,
                sa.ForeignKey("approved_releases.id", ondelete="CASCADE"),
                nullable=False,
            ),
            sa.Column("platform", sa.String(100), nullable=False),
            sa.Column("metric_type", sa.String(50), nullable=False),
            sa.Column("metric_value", sa.BigInteger, nullable=False),
            sa.Column(
                "recorded_at",
                sa.DateTime(timezone=True),
                server_default=sa.func.current_timestamp(),
            ),
            sa.Column("source_url", sa.Text),
            sa.Column("notes", sa.Text),
        )
    inspector = sa.inspect(bind)
    wanted = {
        "approved_releases": [
            ("idx_approved_releases_release_id", ["release_id"]),
            ("idx_approved_releases_distribution_status", ["distribution_status"]),
        ],
        "content_performance": [
            ("idx_performance_release_id", ["release_id"]),
            ("idx_performance_platform", ["platform"]),
            ("idx_performance_metric_type", ["metric_type"]),
            ("idx_performance_recorded_at", ["recorded_at"]),
        ],
    }
    for table, indexes in wanted.items():
        have = {ix["name"] for ix in inspector.get_indexes(table)}
        for name, cols in indexes:
            if name not in have:
                op.create_index(name, table, cols)


def downgrade() -> None:
    op.drop_table("content_performance")
    op.drop_table("approved_releases")
