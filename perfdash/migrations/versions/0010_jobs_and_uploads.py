"""Jobs any host can see: background jobs' state and the uploaded files they import.

A job's row replaces the JSON file each job kept in one machine's temp directory, which a
second host (or a Celery worker) could not read; an uploaded CSV waits in ``perfdash_uploads``
between the preview and the import for the same reason.  Both tables are new: no existing row
is touched.

Revision ID: 0010
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

ACTIVE = "state IN ('queued', 'running') AND exclusive IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "perfdash_jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("state", sa.String(10), nullable=False, server_default=sa.text("'queued'")),
        sa.Column("executor", sa.String(10), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("progress", sa.JSON),
        sa.Column("result", sa.JSON),
        sa.Column("upload_id", sa.String(32)),
        sa.Column("exclusive", sa.String(50)),
        sa.Column("dedupe_key", sa.String(100), unique=True),
        sa.Column("created_by", sa.String(100)),
        sa.Column("runner", sa.String(100)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index("idx_jobs_created_at", "perfdash_jobs", ["created_at"])
    op.create_index(
        "uq_jobs_exclusive_active",
        "perfdash_jobs",
        ["exclusive"],
        unique=True,
        postgresql_where=sa.text(ACTIVE),
        sqlite_where=sa.text(ACTIVE),
    )
    op.create_table(
        "perfdash_uploads",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("filename", sa.String(255)),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("created_by", sa.String(100)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("idx_uploads_expires_at", "perfdash_uploads", ["expires_at"])


def downgrade() -> None:
    op.drop_index("idx_uploads_expires_at", table_name="perfdash_uploads")
    op.drop_table("perfdash_uploads")
    op.drop_index("uq_jobs_exclusive_active", table_name="perfdash_jobs")
    op.drop_index("idx_jobs_created_at", table_name="perfdash_jobs")
    op.drop_table("perfdash_jobs")
