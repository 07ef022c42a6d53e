"""The tables, as SQLAlchemy Core objects: the one truth about columns and indexes.

Column names and types of the original platform schema are kept exactly (an existing platform
database is adopted as it is, see migrations/); perfdash only adds columns and indexes.

Why the additions:
- ``approved_releases.title`` and the platform identifiers (YouTube video id, Spotify ids,
  Last.fm artist/track, Deezer ids) are what the picker shows and what collectors need.
- ``content_performance.value_kind`` says whether a number is a lifetime ``total`` read at a
  moment or a count for a ``period``: the two are aggregated differently (last value vs sum).
- ``content_performance.source`` records how a row came in (manual, csv, api, collector);
  rows that existed before perfdash adopted the database are ``legacy``.
- ``uq_performance_natural`` is a *partial* unique index over the natural key of a reading
  (release, platform ignoring case, metric, time, kind).  It makes re-imports and repeated
  collector runs idempotent (``ON CONFLICT DO NOTHING``) while leaving the duplicate rows an
  adopted database may already hold (``source = 'legacy'``) untouched.
- ``idx_performance_series`` (release_id, metric_type, recorded_at) was dropped in revision
  0007: the covering index below answers its queries and every write paid for it.
- ``idx_performance_release_time`` (release_id, recorded_at) INCLUDE (metric_type, platform,
  metric_value, value_kind, id) on PostgreSQL: a release's readings in a time range, all
  metrics, read from the index alone (index-only scans; README "Performance" has the plans).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    func,
    text,
)

metadata = MetaData()

VALUE_KINDS = ("total", "period")
SOURCES = ("manual", "csv", "api", "collector", "demo", "legacy")
DISTRIBUTION_STATUSES = ("pending", "scheduled", "distributed", "error")

# Platform identifier columns that collectors read, with the label the UI shows.
RELEASE_IDENTIFIERS: dict[str, str] = {
    "youtube_video_id": "YouTube video id",
    "spotify_track_id": "Spotify track id",
    "spotify_artist_id": "Spotify artist id",
    "lastfm_artist": "Last.fm artist",
    "lastfm_track": "Last.fm track",
    "deezer_track_id": "Deezer track id",
    "deezer_artist_id": "Deezer artist id",
}

approved_releases = Table(
    "approved_releases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("release_id", String(255), nullable=False, unique=True),
    Column("artist_name", String(255)),
    Column("track_prompt", Text),
    Column("video_prompt", Text),
    Column("suno_clip_id", String(255)),
    Column("luma_generation_id", String(255)),
    Column("track_url", Text),
    Column("video_url", Text),
    Column("approved_at", DateTime(timezone=True), server_default=func.current_timestamp()),
    Column("distribution_status", String(50), server_default=text("'pending'")),
    # perfdash additions
    Column("title", String(255)),
    *(Column(name, String(255)) for name in RELEASE_IDENTIFIERS),
    Index("idx_approved_releases_release_id", "release_id"),
    Index("idx_approved_releases_distribution_status", "distribution_status"),
)

content_performance = Table(
    "content_performance",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "release_id",
        Integer,
        ForeignKey("approved_releases.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("platform", String(100), nullable=False),
    Column("metric_type", String(50), nullable=False),
    Column("metric_value", BigInteger, nullable=False),
    Column("recorded_at", DateTime(timezone=True), server_default=func.current_timestamp()),
    Column("source_url", Text),
    Column("notes", Text),
    # perfdash additions
    Column("value_kind", String(10), nullable=False, server_default=text("'total'")),
    Column("source", String(20), nullable=False, server_default=text("'manual'")),
    Column("created_at", DateTime(timezone=True), server_default=func.current_timestamp()),
    Index("idx_performance_release_id", "release_id"),
    Index("idx_performance_platform", "platform"),
    Index("idx_performance_metric_type", "metric_type"),
    Index("idx_performance_recorded_at", "recorded_at"),
    # idx_performance_series (release_id, metric_type, recorded_at) was dropped in revision
    # 0007: the covering index below serves its queries and every write paid for it.
    # Revision 0004: covering on PostgreSQL, so a release's range reads are index-only scans.
    Index(
        "idx_performance_release_time",
        "release_id",
        "recorded_at",
        postgresql_include=["metric_type", "platform", "metric_value", "value_kind", "id"],
    ),
)

Index(
    "uq_performance_natural",
    content_performance.c.release_id,
    func.lower(content_performance.c.platform),
    content_performance.c.metric_type,
    content_performance.c.recorded_at,
    content_performance.c.value_kind,
    unique=True,
    postgresql_where=text("source <> 'legacy'"),
    sqlite_where=text("source <> 'legacy'"),
)

ROLES = ("viewer", "editor", "admin")

# Accounts for the web UI (issue: users and roles); passwords are stored as hashes only.
users = Table(
    "perfdash_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(10), nullable=False, server_default=text("'viewer'")),
    Column("created_at", DateTime(timezone=True), server_default=func.current_timestamp()),
)

# Bearer tokens for the HTTP API; only a SHA-256 of the token is stored.
api_tokens = Table(
    "perfdash_api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(10), nullable=False, server_default=text("'viewer'")),
    Column("created_at", DateTime(timezone=True), server_default=func.current_timestamp()),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked", Boolean, nullable=False, server_default=text("false")),
)

# --------------------------------------------------------------------------- insights (0005)

# Dated notes on a release ("playlist add", "video premiere"); release_id NULL means the note is
# about the whole catalog.  ``at`` is a moment in UTC (a day's note is stored at local midnight).
annotations = Table(
    "perfdash_annotations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "release_id",
        Integer,
        ForeignKey("approved_releases.id", ondelete="CASCADE"),
        nullable=True,
    ),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), server_default=func.current_timestamp()),
    Column("created_by", String(100)),
    Index("idx_annotations_release_at", "release_id", "at"),
)

# Alerts already delivered: the unique ``alert_key`` is claimed (INSERT ... ON CONFLICT DO
# NOTHING) before a notification goes out, so concurrent workers and repeated runs send each
# alert once.  A failed delivery deletes its claim so that the next run tries again.
alerts_sent = Table(
    "perfdash_alerts_sent",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_key", String(255), nullable=False, unique=True),
    Column(
        "release_id",
        Integer,
        ForeignKey("approved_releases.id", ondelete="CASCADE"),
        nullable=True,
    ),
    Column("sent_at", DateTime(timezone=True), server_default=func.current_timestamp()),
    Column("channel", String(50), nullable=False, server_default=text("'webhook'")),
)

# --------------------------------------------------------------------------- rollup (0006)

# A per-series daily rollup of content_performance, one row per (time zone, release, platform
# ignoring case, metric, kind, local day): how many readings, their sum, the oldest and the
# newest reading (time, id, value) and how many totals dropped below the reading before them
# within the day.  Every aggregate the dashboard shows (series by day/week/month, baselines,
# period gains, corrections, the leaderboard) can be computed exactly from these rows, so reads
# scan one row per series and day instead of one per reading (24x fewer for hourly collection)
# and baselines become a lookup of one row.
#
# On PostgreSQL statement-level triggers keep it exact in the same transaction as every write
# to content_performance -- perfdash's own writes, COPY, psql, the original platform module --
# so it is never stale after a write.  Inserts merge (count and sum add; first/last keep the
# older/newer reading); deletes and updates recount the affected series-days from the readings.
# Days are local days of each zone in performance_rollup_zones (the deployment's PERFDASH_TZ,
# set by `perfdash db upgrade`): a dashboard day starts at local midnight, which a UTC-day
# rollup could not serve.  Reads in another zone, or for periods that do not start at a local
# midnight, use the readings themselves (same numbers, slower).  SQLite keeps the table empty
# and reads the readings: it is the single-user embedded default.
performance_daily = Table(
    "performance_daily",
    metadata,
    Column("tz", String(64), primary_key=True),
    Column("release_id", Integer, primary_key=True),
    Column("platform_key", String(100), primary_key=True),
    Column("metric_type", String(50), primary_key=True),
    Column("value_kind", String(10), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("n_rows", Integer, nullable=False),
    Column("sum_value", Numeric(38, 0), nullable=False),
    Column("first_at", DateTime(timezone=True), nullable=False),
    Column("first_id", BigInteger, nullable=False),
    Column("first_value", BigInteger, nullable=False),
    Column("last_at", DateTime(timezone=True), nullable=False),
    Column("last_id", BigInteger, nullable=False),
    Column("last_value", BigInteger, nullable=False),
    Column("drops", Integer, nullable=False, server_default=text("0")),
    # the catalog's readings of some days (leaderboard, alerts) without a release in hand
    Index("idx_performance_daily_day", "tz", "day", "metric_type"),
)

performance_rollup_zones = Table(
    "performance_rollup_zones",
    metadata,
    Column("tz", String(64), primary_key=True),
    Column("built_at", DateTime(timezone=True), server_default=func.current_timestamp()),
)

_ROLLUP_KEY = "tz, release_id, platform_key, metric_type, value_kind, day"
_ROLLUP_COLUMNS = (
    f"{_ROLLUP_KEY}, n_rows, sum_value, first_at, first_id, first_value, "
    "last_at, last_id, last_value, drops"
)


def _rollup_recount(readings: str) -> str:
    """INSERT of rollup rows counted from ``readings``: a FROM item with the columns of
    content_performance (``c``) and a zone ``tz`` (``z``)."""
    return f"\nINSERT INTO performance_daily ({_ROLLUP_COLUMNS}){_rollup_count(readings)}"


def _rollup_count(readings: str) -> str:
    return f"""
SELECT {_ROLLUP_KEY}, count(*), sum(metric_value),
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
    FROM {readings}
) r
GROUP BY {_ROLLUP_KEY}"""


_ALL_READINGS = (
    "content_performance c JOIN performance_rollup_zones z ON z.tz = :tz "
    "WHERE c.recorded_at IS NOT NULL"
)


def rollup_build_sql() -> str:
    """Count the whole rollup of zone ``:tz`` (a zone already in performance_rollup_zones)."""
    return _rollup_recount(_ALL_READINGS)


def rollup_check_sql() -> str:
    """How many rollup rows of zone ``:tz`` differ from a fresh count (0 when exact)."""
    fresh = _rollup_count(_ALL_READINGS)
    stored = f"SELECT {_ROLLUP_COLUMNS} FROM performance_daily WHERE tz = :tz"
    return (
        f"WITH fresh AS ({fresh}), stored AS ({stored}) SELECT count(*) FROM ("
        "(SELECT * FROM fresh EXCEPT ALL SELECT * FROM stored) UNION ALL "
        "(SELECT * FROM stored EXCEPT ALL SELECT * FROM fresh)) AS differences"
    )


def _keys_of(rows: str) -> str:
    return (
        "SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, "
        "n.value_kind, (n.recorded_at AT TIME ZONE z.tz)::date AS day "
        f"FROM {rows} n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL"
    )


# The readings of the series-days in ``k`` (a bounded range scan of idx_performance_release_time
# per key; the day test is exact whatever the zone's DST rules do at midnight).
_READINGS_OF_KEYS = (
    "({keys}) k JOIN content_performance c ON c.release_id = k.release_id "
    "AND c.recorded_at >= ((k.day - 1)::timestamp AT TIME ZONE k.tz) "
    "AND c.recorded_at < ((k.day + 2)::timestamp AT TIME ZONE k.tz) "
    "AND lower(c.platform) = k.platform_key AND c.metric_type = k.metric_type "
    "AND c.value_kind = k.value_kind AND (c.recorded_at AT TIME ZONE k.tz)::date = k.day "
    "JOIN performance_rollup_zones z ON z.tz = k.tz"
)

_KEY_MATCH = " AND ".join(
    f"d.{col} = k.{col}"
    for col in ("tz", "release_id", "platform_key", "metric_type", "value_kind", "day")
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
    {_rollup_recount(_READINGS_OF_KEYS.format(keys=keys))};
    RETURN NULL;"""


# Inserts.  The statement's readings are counted per series-day first, drops within the batch
# included, as a recount would count them.  A day with no rollup row has no readings but these,
# so its counted row is exact and is inserted as it is.  A day that has a row merges: count and
# sum add, first and last keep the older and newer reading, and the drops add up when the
# batch lies wholly after (a collector's next run, the rest of an hourly day in the next import
# chunk) or before (a backfill) the stored readings, with one comparison at the seam.  Only a
# batch interleaved with a day's stored readings marks it (-1) to be counted again from its
# readings; before, so was every day given several readings by one statement (3.5 s of a
# 1M-row COPY went to counting the heavy releases' hourly days again).
_COUNT_NEW_ROWS = _rollup_count(
    "new_rows c CROSS JOIN performance_rollup_zones z WHERE c.recorded_at IS NOT NULL"
)
_MERGE_NEW = f"""
    WITH merged AS (
    INSERT INTO performance_daily AS d ({_ROLLUP_COLUMNS}){_COUNT_NEW_ROWS}
    ON CONFLICT ({_ROLLUP_KEY}) DO UPDATE SET
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


# The rollup's triggers on PostgreSQL (revision 0006 creates them; `perfdash db sql` prints them).
ROLLUP_TRIGGERS_PG: tuple[str, ...] = (
    _function(
        "perfdash_rollup_insert",
        _MERGE_NEW,
        "DECLARE k_tz text[]; k_release int[]; k_platform text[]; k_metric text[]; k_day date[];\n",
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
