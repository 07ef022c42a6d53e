"""Replace the rollup's trigger functions: inserts count the statement's readings per
series-day first, so a day new to the rollup is stored as counted and is never counted again.

Before, a day given several readings by one statement (an hourly series in a CSV import) was
counted again from its readings after the merge.  Now the batch's drops are counted with it:
a new day's row is exact as inserted, and a stored day adds the batch's drops when the batch
lies before or after its readings (schema.py, "Inserts").  All four functions run with JIT
off.  Raw COPY of the 1M-row benchmark catalog, old and new functions alternated in one
session: 38.7 / 34.8 / 38.6 s.

No table changes and no row changes: the rollup these functions keep is the one the old ones
kept (``store.rollup_differences`` counts it again and compares).  Downgrade keeps the new
functions for the same reason: revision 0007's tables are unchanged.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

from perfdash import schema

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for ddl in schema.ROLLUP_TRIGGERS_PG:
        if ddl.startswith("CREATE OR REPLACE FUNCTION"):
            op.execute(ddl)
    # never analysed, the one-row zones table was planned as hundreds of rows, which multiplied
    # every write's rollup estimates (store.set_rollup_zones analyses it from now on)
    op.execute("ANALYZE performance_rollup_zones")


def downgrade() -> None:
    """Nothing to undo: the functions keep the same rollup in the same tables."""
