"""Drop ``idx_performance_series`` (release_id, metric_type, recorded_at).

Revision 0004's covering index ``idx_performance_release_time`` (release_id, recorded_at)
INCLUDE (metric_type, ...) answers every query the series index served (one release and one
metric: the metric picker, per-metric charts, the API's filters) as an index-only scan that
filters on metric_type, and the daily rollup (0006) now serves the dashboard's aggregates.
Every write paid for the series index: without it raw COPY went from 32,900 to 35,700 rows/s
on the 1M-row benchmark (+8 %), and it held 467 MB at ten million rows.  The original
module's four one-column indexes are kept.  No row changes; downgrade builds it again.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

NAME = "idx_performance_series"


def upgrade() -> None:
    op.drop_index(NAME, "content_performance", if_exists=True)


def downgrade() -> None:
    op.create_index(NAME, "content_performance", ["release_id", "metric_type", "recorded_at"])
