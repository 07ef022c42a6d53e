"""The per-series daily rollup (``performance_daily``) and its zones; on PostgreSQL the
triggers that keep it exact on every write, and the rollup of zone UTC counted from the rows
already there (every reading is kept; the rollup is derived and can be counted again).

Why a rollup and why triggers: see schema.py ("rollup") and README "Performance".  The
initial count reads every reading once (about a minute per ten million rows on a small
machine); writes wait for it.  `perfdash db upgrade` then switches the zone to PERFDASH_TZ.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from perfdash import schema

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "performance_daily",
        *[
            sa.Column(
                c.name,
                c.type,
                primary_key=c.primary_key,
                nullable=c.nullable,
                server_default=c.server_default.arg if c.server_default is not None else None,
            )
            for c in schema.performance_daily.columns
        ],
    )
    op.create_index("idx_performance_daily_day", "performance_daily", ["tz", "day", "metric_type"])
    op.create_table(
        "performance_rollup_zones",
        sa.Column("tz", sa.String(64), primary_key=True),
        sa.Column(
            "built_at", sa.DateTime(timezone=True), server_default=sa.func.current_timestamp()
        ),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    for ddl in schema.ROLLUP_TRIGGERS_PG:
        op.execute(ddl)
    op.execute("LOCK TABLE content_performance IN SHARE MODE")
    op.execute("INSERT INTO performance_rollup_zones (tz) VALUES ('UTC')")
    op.get_bind().execute(sa.text(schema.rollup_build_sql()), {"tz": "UTC"})
    op.execute("ANALYZE performance_daily")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for what in ("insert", "delete", "update", "truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS perfdash_rollup_{what} ON content_performance")
            op.execute(f"DROP FUNCTION IF EXISTS perfdash_rollup_{what}()")
    op.drop_table("performance_rollup_zones")
    op.drop_index("idx_performance_daily_day", table_name="performance_daily")
    op.drop_table("performance_daily")
