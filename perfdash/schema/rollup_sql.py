"""The DDL text of the daily rollup's PostgreSQL triggers (``tables.performance_daily``).

Statement-level triggers keep the rollup exact in the same transaction as every write to
content_performance, whoever writes (perfdash, COPY, psql, the original platform module).
Inserts merge into the stored days (count and sum add; first/last keep the older/newer
reading); deletes and updates recount the affected series-days from the readings; a truncate
empties the rollup.

Text only: the statements the store runs against the rollup live in ``perfdash.store``.  This is
today's DDL; each migration that installs it carries its own frozen copy, so changing the text
here needs a new revision.
"""

# The SQL is assembled from this module's constants only; no input reaches it.
# ruff: noqa: S608

from __future__ import annotations

ROLLUP_KEY = "tz, release_id, platform_key, metric_type, value_kind, country, currency, day"
ROLLUP_COLUMNS = (
    f"{ROLLUP_KEY}, n_rows, sum_value, first_at, first_id, first_value, "
    "last_at, last_id, last_value, drops"
)


def rollup_count_sql(readings: str) -> str:
    """SELECT of the rollup rows (``ROLLUP_COLUMNS``) counted from ``readings``: a FROM item
    with the columns of content_performance (``c``) and a zone ``tz`` (``z``).

    The one definition of how a series-day is counted: the triggers recount days with it and
    the store builds and checks a zone's rollup with it, so they cannot count differently.

    One sort serves the window and the grouping.  Its key starts with the two integers
    (release, day) that tell most readings apart, so few comparisons reach the text columns;
    the window marks each day's first reading (no previous one) and last (no next one), which
    the grouping keeps with plain aggregates instead of comparing an array built per reading
    (a third less CPU for the count than ``min/max(ARRAY[epoch_us, id, value])``).
    """
    return f"""
SELECT {ROLLUP_KEY}, count(*), sum(metric_value),
       min(recorded_at), max(id) FILTER (WHERE prev IS NULL),
       max(metric_value) FILTER (WHERE prev IS NULL),
       max(recorded_at), max(id) FILTER (WHERE is_last), max(metric_value) FILTER (WHERE is_last),
       count(*) FILTER (WHERE value_kind = 'total' AND metric_value < prev)
FROM (
    SELECT z.tz, c.release_id, lower(c.platform) AS platform_key, c.metric_type, c.value_kind,
           c.country, c.currency,
           (c.recorded_at AT TIME ZONE z.tz)::date AS day, c.id, c.metric_value, c.recorded_at,
           lag(c.metric_value) OVER w AS prev, lead(c.id) OVER w IS NULL AS is_last
    FROM {readings}
    WINDOW w AS (
        PARTITION BY c.release_id, (c.recorded_at AT TIME ZONE z.tz)::date, lower(c.platform),
                     c.metric_type, c.value_kind, c.country, c.currency, z.tz
        ORDER BY c.recorded_at, c.id)
) r
GROUP BY release_id, day, platform_key, metric_type, value_kind, country, currency, tz"""


def rollup_insert_sql(readings: str) -> str:
    """INSERT of the rollup rows counted from ``readings`` (see ``rollup_count_sql``)."""
    return f"\nINSERT INTO performance_daily ({ROLLUP_COLUMNS}){rollup_count_sql(readings)}"


def _keys_of(rows: str) -> str:
    return (
        "SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, "
        "n.value_kind, n.country, n.currency, (n.recorded_at AT TIME ZONE z.tz)::date AS day "
        f"FROM {rows} n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL"
    )


# The readings of the series-days in ``k`` (a bounded range scan of idx_performance_release_time
# per key; the day test is exact whatever the zone's DST rules do at midnight).
_READINGS_OF_KEYS = (
    "({keys}) k JOIN content_performance c ON c.release_id = k.release_id "
    "AND c.recorded_at >= ((k.day - 1)::timestamp AT TIME ZONE k.tz) "
    "AND c.recorded_at < ((k.day + 2)::timestamp AT TIME ZONE k.tz) "
    "AND lower(c.platform) = k.platform_key AND c.metric_type = k.metric_type "
    "AND c.value_kind = k.value_kind AND c.country = k.country AND c.currency = k.currency "
    "AND (c.recorded_at AT TIME ZONE k.tz)::date = k.day "
    "JOIN performance_rollup_zones z ON z.tz = k.tz"
)

_KEY_MATCH = " AND ".join(
    f"d.{col} = k.{col}"
    for col in (
        "tz",
        "release_id",
        "platform_key",
        "metric_type",
        "value_kind",
        "country",
        "currency",
        "day",
    )
)


def _recount_body(keys: str) -> str:
    """Recount the rollup rows of the series-days in ``keys`` from the readings.

    The table lock waits for writers whose merges are in flight and holds later merges until
    this transaction ends, so a concurrent insert is counted exactly once: either it committed
    before the recount (and the recount sees it) or it merges into the recounted row after.
    """
    return f"""
    LOCK TABLE performance_daily IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM performance_daily d USING ({keys}) k WHERE {_KEY_MATCH};
    {rollup_insert_sql(_READINGS_OF_KEYS.format(keys=keys))};
    RETURN NULL;"""


# Inserts.  The statement's readings are counted per series-day first, drops within the batch
# included, as a recount would count them.  A day with no rollup row has no readings but these,
# so its counted row is exact and is inserted as it is.  A day that has a row merges: count and
# sum add, first and last keep the older and newer reading, and the drops add up when the
# batch lies wholly after (a collector's next run, the rest of an hourly day in the next import
# chunk) or before (a backfill) the stored readings, with one comparison at the seam.  Only a
# batch interleaved with a day's stored readings marks it (-1) to be counted again from its
# readings; before revision 0008, so was every day given several readings by one statement
# (3.5 s of a 1M-row COPY went to counting the heavy releases' hourly days again).
_COUNT_NEW_ROWS = rollup_count_sql(
    "new_rows c CROSS JOIN performance_rollup_zones z WHERE c.recorded_at IS NOT NULL"
)
_MERGE_NEW = f"""
    WITH merged AS (
    INSERT INTO performance_daily AS d ({ROLLUP_COLUMNS}){_COUNT_NEW_ROWS}
    ON CONFLICT ({ROLLUP_KEY}) DO UPDATE SET
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
    RETURNING d.tz, d.release_id, d.platform_key, d.metric_type, d.value_kind, d.country,
              d.currency, d.day, d.drops)
    SELECT array_agg(tz), array_agg(release_id), array_agg(platform_key), array_agg(metric_type),
           array_agg(country), array_agg(currency), array_agg(day)
    INTO k_tz, k_release, k_platform, k_metric, k_country, k_currency, k_day
    FROM merged WHERE drops = -1;
    IF k_tz IS NULL THEN
        RETURN NULL;
    END IF;
    -- Count the drops of those days again (a separate statement, so it sees every merge
    -- committed before this one took the row lock).
    WITH k AS (
        SELECT k.*, 'total'::varchar AS value_kind
        FROM unnest(k_tz, k_release, k_platform, k_metric, k_country, k_currency, k_day)
             AS k(tz, release_id, platform_key, metric_type, country, currency, day)
    ), counted AS (
        SELECT k.tz, k.release_id, k.platform_key, k.metric_type, k.value_kind, k.country,
               k.currency, k.day,
               count(*) FILTER (WHERE r.metric_value < r.prev) AS drops
        FROM k CROSS JOIN LATERAL (
            SELECT c.metric_value,
                   lag(c.metric_value) OVER (ORDER BY c.recorded_at, c.id) AS prev
            FROM content_performance c
            WHERE c.release_id = k.release_id
              AND c.recorded_at >= ((k.day - 1)::timestamp AT TIME ZONE k.tz)
              AND c.recorded_at < ((k.day + 2)::timestamp AT TIME ZONE k.tz)
              AND lower(c.platform) = k.platform_key AND c.metric_type = k.metric_type
              AND c.value_kind = 'total' AND c.country = k.country AND c.currency = k.currency
              AND (c.recorded_at AT TIME ZONE k.tz)::date = k.day
        ) r
        GROUP BY k.tz, k.release_id, k.platform_key, k.metric_type, k.value_kind, k.country,
                 k.currency, k.day
    )
    UPDATE performance_daily d SET drops = k.drops FROM counted k
    WHERE {_KEY_MATCH} AND d.drops <> k.drops;
    RETURN NULL;"""


def _function(name: str, body: str, declare: str = "") -> str:
    # JIT off: the row estimates of a transition table put every bulk write's statements over
    # jit_above_cost, and compiling them took ~1 s of a 12 s rollup merge for 1M readings
    # while the queries, one pass of sort and aggregate, gained nothing from it.
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql SET jit = off "
        f"AS $rollup$\n{declare}BEGIN{body}\nEND\n$rollup$"
    )


# The rollup's functions and triggers as they are today: `perfdash db sql` prints them, and the
# last revision that installed them carries a frozen copy (tests/test_migrations.py compares).
ROLLUP_TRIGGERS_PG: tuple[str, ...] = (
    _function(
        "perfdash_rollup_insert",
        _MERGE_NEW,
        "DECLARE k_tz text[]; k_release int[]; k_platform text[]; k_metric text[]; "
        "k_country text[]; k_currency text[]; k_day date[];\n",
    ),
    _function("perfdash_rollup_delete", _recount_body(_keys_of("old_rows"))),
    _function(
        "perfdash_rollup_update",
        _recount_body(f"{_keys_of('old_rows')} UNION {_keys_of('new_rows')}"),
    ),
    _function("perfdash_rollup_truncate", "\n    TRUNCATE performance_daily;\n    RETURN NULL;"),
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


__all__ = [
    "ROLLUP_COLUMNS",
    "ROLLUP_KEY",
    "ROLLUP_TRIGGERS_PG",
    "rollup_count_sql",
    "rollup_insert_sql",
]
