"""Replace the rollup's trigger functions: a series-day is counted with one cheaper sort.

The count (perfdash/schema/rollup_sql.py, ``rollup_count_sql``) sorts the readings by
(release, local day, platform, metric, kind, zone, time, id): the two integers first, so few
comparisons reach the text columns (the zone, first before, is the same in every row).  A
window marks each day's first reading (no previous one) and its last (no next one), and the
grouping keeps their id and value with plain aggregates instead of ``min/max`` of an array
built for every reading (with the epoch in microseconds, a numeric computation per reading).
The backend's CPU for the insert trigger of a 300,000-row COPY of the benchmark catalog fell
from 3.4 s to 2.6 s (docs/performance.md).

No table changes and no row changes: the rows counted are the ones counted before (first and
last reading by time then id, the same drops), so the rollup these functions keep is the one
the old ones kept (``store.rollup_differences`` counts it again and compares).  The delete and
update functions recount days with the same count, so they are replaced too.  Downgrade keeps
the new functions for the same reason.

The functions below are the text this revision installs, frozen here (not imported): a later
change to perfdash/schema/rollup_sql.py needs a revision of its own.  Today they are equal
(tests/test_migrations.py compares).

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for ddl in FUNCTIONS.values():
        op.execute(ddl)


def downgrade() -> None:
    """Nothing to undo: the functions keep the same rollup in the same tables."""


# --------------------------------------------------------------------------- frozen DDL

INSERT_FUNCTION = """\
CREATE OR REPLACE FUNCTION perfdash_rollup_insert() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $rollup$
DECLARE k_tz text[]; k_release int[]; k_platform text[]; k_metric text[]; k_day date[];
BEGIN
    WITH merged AS (
    INSERT INTO performance_daily AS d (tz, release_id, platform_key, metric_type, value_kind, day, n_rows, sum_value, first_at, first_id, first_value, last_at, last_id, last_value, drops)
SELECT tz, release_id, platform_key, metric_type, value_kind, day, count(*), sum(metric_value),
       min(recorded_at), max(id) FILTER (WHERE prev IS NULL),
       max(metric_value) FILTER (WHERE prev IS NULL),
       max(recorded_at), max(id) FILTER (WHERE is_last), max(metric_value) FILTER (WHERE is_last),
       count(*) FILTER (WHERE value_kind = 'total' AND metric_value < prev)
FROM (
    SELECT z.tz, c.release_id, lower(c.platform) AS platform_key, c.metric_type, c.value_kind,
           (c.recorded_at AT TIME ZONE z.tz)::date AS day, c.id, c.metric_value, c.recorded_at,
           lag(c.metric_value) OVER w AS prev, lead(c.id) OVER w IS NULL AS is_last
    FROM new_rows c CROSS JOIN performance_rollup_zones z WHERE c.recorded_at IS NOT NULL
    WINDOW w AS (
        PARTITION BY c.release_id, (c.recorded_at AT TIME ZONE z.tz)::date, lower(c.platform),
                     c.metric_type, c.value_kind, z.tz
        ORDER BY c.recorded_at, c.id)
) r
GROUP BY release_id, day, platform_key, metric_type, value_kind, tz
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
        drops = CASE WHEN d.value_kind <> 'total' THEN 0
                     WHEN (excluded.first_at, excluded.first_id) > (d.last_at, d.last_id)
                     THEN d.drops + excluded.drops
                          + CASE WHEN excluded.first_value < d.last_value THEN 1 ELSE 0 END
                     WHEN (excluded.last_at, excluded.last_id) < (d.first_at, d.first_id)
                     THEN d.drops + excluded.drops
                          + CASE WHEN d.first_value < excluded.last_value THEN 1 ELSE 0 END
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
CREATE OR REPLACE FUNCTION perfdash_rollup_delete() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $rollup$
BEGIN
    LOCK TABLE performance_daily IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM performance_daily d USING (SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM old_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL) k WHERE d.tz = k.tz AND d.release_id = k.release_id AND d.platform_key = k.platform_key AND d.metric_type = k.metric_type AND d.value_kind = k.value_kind AND d.day = k.day;
    
INSERT INTO performance_daily (tz, release_id, platform_key, metric_type, value_kind, day, n_rows, sum_value, first_at, first_id, first_value, last_at, last_id, last_value, drops)
SELECT tz, release_id, platform_key, metric_type, value_kind, day, count(*), sum(metric_value),
       min(recorded_at), max(id) FILTER (WHERE prev IS NULL),
       max(metric_value) FILTER (WHERE prev IS NULL),
       max(recorded_at), max(id) FILTER (WHERE is_last), max(metric_value) FILTER (WHERE is_last),
       count(*) FILTER (WHERE value_kind = 'total' AND metric_value < prev)
FROM (
    SELECT z.tz, c.release_id, lower(c.platform) AS platform_key, c.metric_type, c.value_kind,
           (c.recorded_at AT TIME ZONE z.tz)::date AS day, c.id, c.metric_value, c.recorded_at,
           lag(c.metric_value) OVER w AS prev, lead(c.id) OVER w IS NULL AS is_last
    FROM (SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM old_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL) k JOIN content_performance c ON c.release_id = k.release_id AND c.recorded_at >= ((k.day - 1)::timestamp AT TIME ZONE k.tz) AND c.recorded_at < ((k.day + 2)::timestamp AT TIME ZONE k.tz) AND lower(c.platform) = k.platform_key AND c.metric_type = k.metric_type AND c.value_kind = k.value_kind AND (c.recorded_at AT TIME ZONE k.tz)::date = k.day JOIN performance_rollup_zones z ON z.tz = k.tz
    WINDOW w AS (
        PARTITION BY c.release_id, (c.recorded_at AT TIME ZONE z.tz)::date, lower(c.platform),
                     c.metric_type, c.value_kind, z.tz
        ORDER BY c.recorded_at, c.id)
) r
GROUP BY release_id, day, platform_key, metric_type, value_kind, tz;
    RETURN NULL;
END
$rollup$"""  # noqa: W293 - the text as installed, spaces and all

UPDATE_FUNCTION = """\
CREATE OR REPLACE FUNCTION perfdash_rollup_update() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $rollup$
BEGIN
    LOCK TABLE performance_daily IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM performance_daily d USING (SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM old_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL UNION SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM new_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL) k WHERE d.tz = k.tz AND d.release_id = k.release_id AND d.platform_key = k.platform_key AND d.metric_type = k.metric_type AND d.value_kind = k.value_kind AND d.day = k.day;
    
INSERT INTO performance_daily (tz, release_id, platform_key, metric_type, value_kind, day, n_rows, sum_value, first_at, first_id, first_value, last_at, last_id, last_value, drops)
SELECT tz, release_id, platform_key, metric_type, value_kind, day, count(*), sum(metric_value),
       min(recorded_at), max(id) FILTER (WHERE prev IS NULL),
       max(metric_value) FILTER (WHERE prev IS NULL),
       max(recorded_at), max(id) FILTER (WHERE is_last), max(metric_value) FILTER (WHERE is_last),
       count(*) FILTER (WHERE value_kind = 'total' AND metric_value < prev)
FROM (
    SELECT z.tz, c.release_id, lower(c.platform) AS platform_key, c.metric_type, c.value_kind,
           (c.recorded_at AT TIME ZONE z.tz)::date AS day, c.id, c.metric_value, c.recorded_at,
           lag(c.metric_value) OVER w AS prev, lead(c.id) OVER w IS NULL AS is_last
    FROM (SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM old_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL UNION SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM new_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL) k JOIN content_performance c ON c.release_id = k.release_id AND c.recorded_at >= ((k.day - 1)::timestamp AT TIME ZONE k.tz) AND c.recorded_at < ((k.day + 2)::timestamp AT TIME ZONE k.tz) AND lower(c.platform) = k.platform_key AND c.metric_type = k.metric_type AND c.value_kind = k.value_kind AND (c.recorded_at AT TIME ZONE k.tz)::date = k.day JOIN performance_rollup_zones z ON z.tz = k.tz
    WINDOW w AS (
        PARTITION BY c.release_id, (c.recorded_at AT TIME ZONE z.tz)::date, lower(c.platform),
                     c.metric_type, c.value_kind, z.tz
        ORDER BY c.recorded_at, c.id)
) r
GROUP BY release_id, day, platform_key, metric_type, value_kind, tz;
    RETURN NULL;
END
$rollup$"""  # noqa: W293 - the text as installed, spaces and all

TRUNCATE_FUNCTION = """\
CREATE OR REPLACE FUNCTION perfdash_rollup_truncate() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $rollup$
BEGIN
    TRUNCATE performance_daily;
    RETURN NULL;
END
$rollup$"""


FUNCTIONS = {
    "perfdash_rollup_insert": INSERT_FUNCTION,
    "perfdash_rollup_delete": DELETE_FUNCTION,
    "perfdash_rollup_update": UPDATE_FUNCTION,
    "perfdash_rollup_truncate": TRUNCATE_FUNCTION,
}
