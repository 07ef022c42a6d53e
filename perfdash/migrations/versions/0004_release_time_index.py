"""A covering index for the dashboard's reads of one release over a time range.

``idx_performance_release_time`` (release_id, recorded_at), on PostgreSQL with
``INCLUDE (metric_type, platform, metric_value, value_kind, id)``: every dashboard query of a
release (release_series, totals_before, period_gains, the leaderboard's per-release work) is
then a tight range scan that reads only the index (an index-only scan) instead of visiting a
heap page per reading; rows that a collector writes hour by hour for every release are spread
over the whole table, so those heap visits were the slow part.  SQLite has no INCLUDE and gets
the plain two-column index (which still bounds the range).  The original one-column indexes
and ``idx_performance_series`` are kept as they are.

On PostgreSQL it also adds ``st_performance_series``, extended statistics (ndistinct) on
(release_id, lower(platform), metric_type, value_kind): without them the planner multiplies
the columns' distinct counts, expects ~100x more series than exist, and picks a sort that
spills to disk instead of a hash aggregate (the leaderboard went from 2.0 s to 0.7 s on the
1M-row benchmark).  Statistics are not part of SQLAlchemy's metadata, so schema.py does not
show them; ``ANALYZE`` fills them (autovacuum does that on its own).

Building the index locks writes to content_performance while it builds (about a minute per ten
million rows on a small machine): run ``perfdash db upgrade`` in a quiet moment.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NAME = "idx_performance_release_time"
INCLUDE = ["metric_type", "platform", "metric_value", "value_kind", "id"]


STATISTICS = "st_performance_series"


def upgrade() -> None:
    op.create_index(
        NAME, "content_performance", ["release_id", "recorded_at"], postgresql_include=INCLUDE
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (ndistinct) "
            "ON release_id, lower(platform), metric_type, value_kind FROM content_performance"
        )
        op.execute("ANALYZE content_performance")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")
    op.drop_index(NAME, "content_performance")
