"""The per-series daily rollup (``performance_daily``) and its zones; on PostgreSQL the
triggers that keep it exact on every write, and the rollup of zone UTC counted from the rows
already there (every reading is kept; the rollup is derived and can be counted again).

Why a rollup and why triggers: see perfdash/schema/tables.py ("rollup") and README "Performance".
The initial count reads every reading once (about a minute per ten million rows on a small
machine); writes wait for it.  `perfdash db upgrade` then switches the zone to PERFDASH_TZ.

The table, the functions, the triggers and the initial count below are the ones this revision
installed when it was written, frozen here: revision 0008 replaced the four functions, and
today's text is perfdash/schema/rollup_sql.py.  (These count the drops of a series-day again
from its readings whenever an insert gave it several total readings, ``drops = -1``.)

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "performance_daily",
        sa.Column("tz", sa.String(64), primary_key=True, nullable=False),
        sa.Column("release_id", sa.Integer, primary_key=True, nullable=False),
        sa.Column("platform_key", sa.String(100), primary_key=True, nullable=False),
        sa.Column("metric_type", sa.String(50), primary_key=True, nullable=False),
        sa.Column("value_kind", sa.String(10), primary_key=True, nullable=False),
        sa.Column("day", sa.Date, primary_key=True, nullable=False),
        sa.Column("n_rows", sa.Integer, nullable=False),
        sa.Column("sum_value", sa.Numeric(38, 0), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_id", sa.BigInteger, nullable=False),
        sa.Column("first_value", sa.BigInteger, nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_id", sa.BigInteger, nullable=False),
        sa.Column("last_value", sa.BigInteger, nullable=False),
        sa.Column("drops", sa.Integer, nullable=False, server_default=sa.text("0")),
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
    for ddl in (*FUNCTIONS.values(), *TRIGGERS):
        op.execute(ddl)
    op.execute("LOCK TABLE content_performance IN SHARE MODE")
    op.execute("INSERT INTO performance_rollup_zones (tz) VALUES ('UTC')")
    op.get_bind().execute(sa.text(BUILD_ROLLUP), {"tz": "UTC"})
    op.execute("ANALYZE performance_daily")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for what in ("insert", "delete", "update", "truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS perfdash_rollup_{what} ON content_performance")
            op.execute(f"DROP FUNCTION IF EXISTS perfdash_rollup_{what}()")
    op.drop_table("performance_rollup_zones")
    op.drop_index("idx_performance_daily_day", table_name="performance_daily")
    op.drop_table("performance_daily")


# --------------------------------------------------------------------------- frozen DDL

INSERT_FUNCTION = """\
CREATE OR REPLACE FUNCTION perfdash_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $rollup$
DECLARE k_tz text[]; k_release int[]; k_platform text[]; k_metric text[]; k_day date[];
BEGIN
    WITH merged AS (
    INSERT INTO performance_daily AS d (tz, release_id, platform_key, metric_type, value_kind, day, n_rows, sum_value, first_at, first_id, first_value, last_at, last_id, last_value, drops)
    SELECT z.tz, n.release_id, lower(n.platform), n.metric_type, n.value_kind,
           (n.recorded_at AT TIME ZONE z.tz)::date,
           count(*), sum(n.metric_value),
           min(n.recorded_at),
           (min(ARRAY[(extract(epoch FROM n.recorded_at) * 1000000)::bigint, n.id, n.metric_value]))[2],
           (min(ARRAY[(extract(epoch FROM n.recorded_at) * 1000000)::bigint, n.id, n.metric_value]))[3],
           max(n.recorded_at),
           (max(ARRAY[(extract(epoch FROM n.recorded_at) * 1000000)::bigint, n.id, n.metric_value]))[2],
           (max(ARRAY[(extract(epoch FROM n.recorded_at) * 1000000)::bigint, n.id, n.metric_value]))[3],
           CASE WHEN n.value_kind = 'total' AND count(*) > 1 THEN -1 ELSE 0 END
    FROM new_rows n CROSS JOIN performance_rollup_zones z
    WHERE n.recorded_at IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (tz, release_id, platform_key, metric_type, value_kind, day) DO UPDATE SET
        n_rows = d.n_rows + excluded.n_rows,
        sum_value = d.sum_value + excluded.sum_value,
        first_at = CASE WHEN (excluded.first_at, excluded.first_id) < (d.first_at, d.first_id)
                        THEN excluded.first_at ELSE d.first_at END,
        first_id = CASE WHEN (excluded.first_at, excluded.first_id) < (d.first_at, d.first_id)
                        THEN excluded.first_id ELSE d.first_id END,
        first_value = CASE WHEN (excluded.first_at, excluded.first_id) < (d.first_at, d.first_id)
                           THEN excluded.first_value ELSE d.first_value END,
        last_at = CASE WHEN (excluded.last_at, excluded.last_id) > (d.last_at, d.last_id)
                       THEN excluded.last_at ELSE d.last_at END,
        last_id = CASE WHEN (excluded.last_at, excluded.last_id) > (d.last_at, d.last_id)
                       THEN excluded.last_id ELSE d.last_id END,
        last_value = CASE WHEN (excluded.last_at, excluded.last_id) > (d.last_at, d.last_id)
                          THEN excluded.last_value ELSE d.last_value END,
        -- one reading after the day's last (a collector's next run): a drop is one comparison;
        -- anything else (-1) is counted again from the day's readings below
        drops = CASE WHEN d.value_kind <> 'total' THEN 0
                     WHEN excluded.n_rows = 1
                          AND (excluded.first_at, excluded.first_id) > (d.last_at, d.last_id)
                     THEN d.drops + CASE WHEN excluded.first_value < d.last_value THEN 1 ELSE 0 END
                     ELSE -1 END
    RETURNING d.tz, d.release_id, d.platform_key, d.metric_type, d.value_kind, d.day, d.drops)
    SELECT array_agg(tz), array_agg(release_id), array_agg(platform_key), array_agg(metric_type),
           array_agg(day)
    INTO k_tz, k_release, k_platform, k_metric, k_day
    FROM merged WHERE drops = -1;
    IF k_tz IS NULL THEN
        RETURN NULL;
    END IF;
    -- Count the drops of those days again (a separate statement, so it sees every merge
    -- committed before this one took the row lock).
    WITH k AS (
        SELECT k.*, 'total'::varchar AS value_kind
        FROM unnest(k_tz, k_release, k_platform, k_metric, k_day)
             AS k(tz, release_id, platform_key, metric_type, day)
    ), counted AS (
        SELECT k.tz, k.release_id, k.platform_key, k.metric_type, k.value_kind, k.day,
               count(*) FILTER (WHERE r.metric_value < r.prev) AS drops
        FROM k CROSS JOIN LATERAL (
            SELECT c.metric_value,
                   lag(c.metric_value) OVER (ORDER BY c.recorded_at, c.id) AS prev
            FROM content_performance c
            WHERE c.release_id = k.release_id
              AND c.recorded_at >= ((k.day - 1)::timestamp AT TIME ZONE k.tz)
              AND c.recorded_at < ((k.day + 2)::timestamp AT TIME ZONE k.tz)
              AND lower(c.platform) = k.platform_key AND c.metric_type = k.metric_type
              AND c.value_kind = 'total' AND (c.recorded_at AT TIME ZONE k.tz)::date = k.day
        ) r
        GROUP BY k.tz, k.release_id, k.platform_key, k.metric_type, k.value_kind, k.day
    )
    UPDATE performance_daily d SET drops = k.drops FROM counted k
    WHERE d.tz = k.tz AND d.release_id = k.release_id AND d.platform_key = k.platform_key AND d.metric_type = k.metric_type AND d.value_kind = k.value_kind AND d.day = k.day AND d.drops <> k.drops;
    RETURN NULL;
END
$rollup$"""

DELETE_FUNCTION = """\
CREATE OR REPLACE FUNCTION perfdash_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $rollup$
BEGIN
    LOCK TABLE performance_daily IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM performance_daily d USING (SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM old_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL) k WHERE d.tz = k.tz AND d.release_id = k.release_id AND d.platform_key = k.platform_key AND d.metric_type = k.metric_type AND d.value_kind = k.value_kind AND d.day = k.day;
    
INSERT INTO performance_daily (tz, release_id, platform_key, metric_type, value_kind, day, n_rows, sum_value, first_at, first_id, first_value, last_at, last_id, last_value, drops)
SELECT tz, release_id, platform_key, metric_type, value_kind, day, count(*), sum(metric_value),
       min(recorded_at), (min(ARRAY[us, id, metric_value]))[2], (min(ARRAY[us, id, metric_value]))[3],
       max(recorded_at), (max(ARRAY[us, id, metric_value]))[2], (max(ARRAY[us, id, metric_value]))[3],
       count(*) FILTER (WHERE value_kind = 'total' AND metric_value < prev)
FROM (
    SELECT z.tz, c.release_id, lower(c.platform) AS platform_key, c.metric_type, c.value_kind,
           (c.recorded_at AT TIME ZONE z.tz)::date AS day, c.id, c.metric_value, c.recorded_at,
           (extract(epoch FROM c.recorded_at) * 1000000)::bigint AS us,
           lag(c.metric_value) OVER (
               PARTITION BY z.tz, c.release_id, lower(c.platform), c.metric_type, c.value_kind,
                            (c.recorded_at AT TIME ZONE z.tz)::date
               ORDER BY c.recorded_at, c.id) AS prev
    FROM (SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM old_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL) k JOIN content_performance c ON c.release_id = k.release_id AND c.recorded_at >= ((k.day - 1)::timestamp AT TIME ZONE k.tz) AND c.recorded_at < ((k.day + 2)::timestamp AT TIME ZONE k.tz) AND lower(c.platform) = k.platform_key AND c.metric_type = k.metric_type AND c.value_kind = k.value_kind AND (c.recorded_at AT TIME ZONE k.tz)::date = k.day JOIN performance_rollup_zones z ON z.tz = k.tz
) r
GROUP BY tz, release_id, platform_key, metric_type, value_kind, day;
    RETURN NULL;
END
$rollup$"""  # noqa: W293 - the text as installed, spaces and all


UPDATE_FUNCTION = """\
CREATE OR REPLACE FUNCTION perfdash_rollup_update() RETURNS trigger LANGUAGE plpgsql AS $rollup$
BEGIN
    LOCK TABLE performance_daily IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM performance_daily d USING (SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM old_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL UNION SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM new_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL) k WHERE d.tz = k.tz AND d.release_id = k.release_id AND d.platform_key = k.platform_key AND d.metric_type = k.metric_type AND d.value_kind = k.value_kind AND d.day = k.day;
    
INSERT INTO performance_daily (tz, release_id, platform_key, metric_type, value_kind, day, n_rows, sum_value, first_at, first_id, first_value, last_at, last_id, last_value, drops)
SELECT tz, release_id, platform_key, metric_type, value_kind, day, count(*), sum(metric_value),
       min(recorded_at), (min(ARRAY[us, id, metric_value]))[2], (min(ARRAY[us, id, metric_value]))[3],
       max(recorded_at), (max(ARRAY[us, id, metric_value]))[2], (max(ARRAY[us, id, metric_value]))[3],
       count(*) FILTER (WHERE value_kind = 'total' AND metric_value < prev)
FROM (
    SELECT z.tz, c.release_id, lower(c.platform) AS platform_key, c.metric_type, c.value_kind,
           (c.recorded_at AT TIME ZONE z.tz)::date AS day, c.id, c.metric_value, c.recorded_at,
           (extract(epoch FROM c.recorded_at) * 1000000)::bigint AS us,
           lag(c.metric_value) OVER (
               PARTITION BY z.tz, c.release_id, lower(c.platform), c.metric_type, c.value_kind,
                            (c.recorded_at AT TIME ZONE z.tz)::date
               ORDER BY c.recorded_at, c.id) AS prev
    FROM (SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM old_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL UNION SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM new_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL) k JOIN content_performance c ON c.release_id = k.release_id AND c.recorded_at >= ((k.day - 1)::timestamp AT TIME ZONE k.tz) AND c.recorded_at < ((k.day + 2)::timestamp AT TIME ZONE k.tz) AND lower(c.platform) = k.platform_key AND c.metric_type = k.metric_type AND c.value_kind = k.value_kind AND (c.recorded_at AT TIME ZONE k.tz)::date = k.day JOIN performance_rollup_zones z ON z.tz = k.tz
) r
GROUP BY tz, release_id, platform_key, metric_type, value_kind, day;
    RETURN NULL;
END
$rollup$"""  # noqa: W293 - the text as installed, spaces and all


TRUNCATE_FUNCTION = """\
CREATE OR REPLACE FUNCTION perfdash_rollup_truncate() RETURNS trigger LANGUAGE plpgsql AS $rollup$
BEGIN
    TRUNCATE performance_daily;
    RETURN NULL;
END
$rollup$"""

TRIGGERS = (
    "CREATE TRIGGER perfdash_rollup_insert AFTER INSERT ON content_performance "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION perfdash_rollup_insert()",
    "CREATE TRIGGER perfdash_rollup_delete AFTER DELETE ON content_performance "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION perfdash_rollup_delete()",
    "CREATE TRIGGER perfdash_rollup_update AFTER UPDATE ON content_performance "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION perfdash_rollup_update()",
    "CREATE TRIGGER perfdash_rollup_truncate AFTER TRUNCATE ON content_performance "
    "FOR EACH STATEMENT EXECUTE FUNCTION perfdash_rollup_truncate()",
)

BUILD_ROLLUP = """
INSERT INTO performance_daily (tz, release_id, platform_key, metric_type, value_kind, day, n_rows, sum_value, first_at, first_id, first_value, last_at, last_id, last_value, drops)
SELECT tz, release_id, platform_key, metric_type, value_kind, day, count(*), sum(metric_value),
       min(recorded_at), (min(ARRAY[us, id, metric_value]))[2], (min(ARRAY[us, id, metric_value]))[3],
       max(recorded_at), (max(ARRAY[us, id, metric_value]))[2], (max(ARRAY[us, id, metric_value]))[3],
       count(*) FILTER (WHERE value_kind = 'total' AND metric_value < prev)
FROM (
    SELECT z.tz, c.release_id, lower(c.platform) AS platform_key, c.metric_type, c.value_kind,
           (c.recorded_at AT TIME ZONE z.tz)::date AS day, c.id, c.metric_value, c.recorded_at,
           (extract(epoch FROM c.recorded_at) * 1000000)::bigint AS us,
           lag(c.metric_value) OVER (
               PARTITION BY z.tz, c.release_id, lower(c.platform), c.metric_type, c.value_kind,
                            (c.recorded_at AT TIME ZONE z.tz)::date
               ORDER BY c.recorded_at, c.id) AS prev
    FROM content_performance c JOIN performance_rollup_zones z ON z.tz = :tz WHERE c.recorded_at IS NOT NULL
) r
GROUP BY tz, release_id, platform_key, metric_type, value_kind, day"""


FUNCTIONS = {
    "perfdash_rollup_insert": INSERT_FUNCTION,
    "perfdash_rollup_delete": DELETE_FUNCTION,
    "perfdash_rollup_update": UPDATE_FUNCTION,
    "perfdash_rollup_truncate": TRUNCATE_FUNCTION,
}
