"""The tables, as SQLAlchemy Core objects: the one truth about columns and indexes.

Column names and types of the original platform schema are kept exactly (an existing platform
database is adopted as it is, see migrations/); perfdash only adds columns and indexes.  The
words the columns hold (value kinds, sources, statuses, roles) are in ``perfdash.vocab``.

Why the additions:
- ``approved_releases.title`` and the platform identifiers (YouTube video id, Spotify ids,
  Last.fm artist/track, Deezer ids) are what the picker shows and what collectors need.
- ``content_performance.value_kind`` says whether a number is a lifetime ``total`` read at a
  moment or a count for a ``period``: the two are aggregated differently (last value vs sum).
- ``content_performance.source`` records how a row came in (manual, csv, api, collector);
  rows that existed before perfdash adopted the database are ``legacy``.
- ``uq_performance_natural`` is a *partial* unique index over the natural key of a reading
  (release, platform ignoring case, metric, time, kind, country, currency).  It makes
  re-imports and repeated collector runs idempotent (``ON CONFLICT DO NOTHING``) while leaving the duplicate rows an
  adopted database may already hold (``source = 'legacy'``) untouched.
- ``idx_performance_series`` (release_id, metric_type, recorded_at) was dropped in revision
  0007: the covering index below answers its queries and every write paid for it.
- ``idx_performance_release_time`` (release_id, recorded_at) INCLUDE (metric_type, platform,
  metric_value, value_kind, id) on PostgreSQL: a release's readings in a time range, all
  metrics, read from the index alone (index-only scans; README "Performance" has the plans).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)

from perfdash.vocab import RELEASE_IDENTIFIERS

metadata = MetaData()

# The largest metric_value the BIGINT column holds; values are never negative.
MAX_METRIC_VALUE = 2**63 - 1

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
    # set when an editor archives the release: kept with its readings, left out of pickers
    # and the leaderboard unless asked for
    Column("archived_at", DateTime(timezone=True)),
    # the recording's ISRC (12 characters) and the product's UPC-A / EAN-13, bare (revision
    # 0017): unique where set, what distributors' statements are matched by
    Column("isrc", String(12)),
    Column("upc", String(13)),
    Index("idx_approved_releases_release_id", "release_id"),
    Index("idx_approved_releases_distribution_status", "distribution_status"),
    Index("uq_approved_releases_isrc", "isrc", unique=True),
    Index("uq_approved_releases_upc", "upc", unique=True),
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
    # revision 0015: where the number was heard (ISO 3166-1 alpha-2; '' = worldwide) and, for
    # money (metric_value in micro-units), its ISO 4217 currency ('' for every other metric).
    # Empty text, not NULL: both are part of the natural key and the rollup's key.
    Column("country", String(2), nullable=False, server_default=text("''")),
    Column("currency", String(3), nullable=False, server_default=text("''")),
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
        postgresql_include=[
            "metric_type",
            "platform",
            "metric_value",
            "value_kind",
            "id",
            "country",
            "currency",
        ],
    ),
)

Index(
    "uq_performance_natural",
    content_performance.c.release_id,
    func.lower(content_performance.c.platform),
    content_performance.c.metric_type,
    content_performance.c.recorded_at,
    content_performance.c.value_kind,
    content_performance.c.country,
    content_performance.c.currency,
    unique=True,
    postgresql_where=text("source <> 'legacy'"),
    sqlite_where=text("source <> 'legacy'"),
)

# Revision 0015: the readings that have a country, only (partial).  A read for all territories
# asks which per-country series have no worldwide one; with no per-country reading at all (the
# common case) that is one probe of an empty index, and reads stay as they were.
Index(
    "idx_performance_country",
    content_performance.c.release_id,
    content_performance.c.metric_type,
    postgresql_where=text("country <> ''"),
    sqlite_where=text("country <> ''"),
)

# Accounts for the web UI; passwords are stored as hashes only.
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

# Web sign-in sessions (0011; last_seen_at 0016).  The signed cookie carries only a random
# session id; the row is what makes it valid, so signing out, a new password or removing the
# user ends it in every worker at once.  Only a SHA-256 of the id is stored: a copy of the
# table opens no session.
sessions = Table(
    "perfdash_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column(
        "user_id",
        Integer,
        ForeignKey("perfdash_users.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    # the last request of the session, written at most once a minute (0016): a session idle
    # past PERFDASH_SESSION_IDLE_MINUTES ends; NULL (a row from before 0016) reads created_at
    Column("last_seen_at", DateTime(timezone=True)),
    Index("idx_sessions_user_id", "user_id"),
    Index("idx_sessions_expires_at", "expires_at"),
)

# Read-only share links (0020): a view of some releases over a period that opens without an
# account.  Only a SHA-256 of the link's token is stored, as for API tokens; ``releases`` is the
# scope ("3,5"), ``view`` the dashboard query it shows.  A link ends when revoked or expired;
# its row stays so the lists can say so.
share_links = Table(
    "perfdash_share_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("view", String(2000), nullable=False),
    Column("releases", String(2000), nullable=False),
    Column("created_by", String(120)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Index("idx_share_links_created_by", "created_by"),
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
# ignoring case, metric, kind, country, currency, local day): how many readings, their sum,
# the oldest and the newest reading (time, id, value) and how many totals dropped below the reading before them
# within the day.  Every aggregate the dashboard shows (series by day/week/month, baselines,
# period gains, corrections, the leaderboard) can be computed exactly from these rows, so reads
# scan one row per series and day instead of one per reading (24x fewer for hourly collection)
# and baselines become a lookup of one row.
#
# On PostgreSQL statement-level triggers keep it exact in the same transaction as every write
# to content_performance -- perfdash's own writes, COPY, psql, the original platform module --
# so it is never stale after a write (the trigger DDL is in rollup_sql.py).
# Days are local days of each zone in performance_rollup_zones (the deployment's PERFDASH_TZ,
# set by `perfdash db upgrade`): a dashboard day starts at local midnight, which a UTC-day
# rollup could not serve.  Reads in another zone, or for periods that do not start at a local
# midnight, use the readings themselves (same numbers, slower; see perfdash.store.rollup).
# SQLite keeps the table empty and reads the readings: it is the single-user embedded default.
performance_daily = Table(
    "performance_daily",
    metadata,
    Column("tz", String(64), primary_key=True),
    Column("release_id", Integer, primary_key=True),
    Column("platform_key", String(100), primary_key=True),
    Column("metric_type", String(50), primary_key=True),
    Column("value_kind", String(10), primary_key=True),
    Column("country", String(2), primary_key=True, server_default=text("''")),
    Column("currency", String(3), primary_key=True, server_default=text("''")),
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

# --------------------------------------------------------------------------- jobs (0010)

# Background jobs (an import, a collection run, a scheduled alert run) that any host can see:
# the row is the job's state, written by whichever process runs it (a thread of a web worker or
# a Celery worker) and read by whichever process answers the poll.  ``heartbeat_at`` is renewed
# while it runs: a running job whose heartbeat stopped is reported failed (its process died),
# and a redelivered Celery message may claim it again.  ``exclusive`` names work of which only
# one may be queued or running at a time (one collection: the quota is spent once); the partial
# unique index enforces it across hosts.  ``dedupe_key`` makes a schedule's slot run once
# however many schedulers fire it.  ``params``, ``progress`` and ``result`` are JSON.
jobs = Table(
    "perfdash_jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("state", String(10), nullable=False, server_default=text("'queued'")),
    Column("executor", String(10), nullable=False),
    Column("params", JSON, nullable=False),
    Column("progress", JSON),
    Column("result", JSON),
    Column("upload_id", String(32)),
    Column("exclusive", String(50)),
    Column("dedupe_key", String(100), unique=True),
    Column("created_by", String(100)),
    Column("runner", String(100)),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("heartbeat_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Index("idx_jobs_created_at", "created_at"),
)

Index(
    "uq_jobs_exclusive_active",
    jobs.c.exclusive,
    unique=True,
    postgresql_where=text("state IN ('queued', 'running') AND exclusive IS NOT NULL"),
    sqlite_where=text("state IN ('queued', 'running') AND exclusive IS NOT NULL"),
)

# Uploaded CSV files between the preview and the import (or an API import's body), so the host
# that runs the import need not be the one that received the file.  They expire: removed when
# their import finishes, when the preview is replaced, and an hour after the upload otherwise.
uploads = Table(
    "perfdash_uploads",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("filename", String(255)),
    Column("content", LargeBinary, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("created_by", String(100)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("idx_uploads_expires_at", "expires_at"),
)

# --------------------------------------------------------------------------- metric kinds (0012)

# The kind an editor gave a metric type (counter, audience, score; see ``vocab.METRIC_KINDS``)
# and, for a score, whether a lower number is better.  Known types need no row (their kind is
# in ``vocab.KNOWN_METRIC_KINDS``); a row overrides it, and a type with neither is a counter.
metric_kinds = Table(
    "perfdash_metric_kinds",
    metadata,
    Column("metric_type", String(50), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("lower_is_better", Boolean, nullable=False, server_default=text("false")),
    Column("updated_at", DateTime(timezone=True), server_default=func.current_timestamp()),
    Column("updated_by", String(100)),
)

# Targets a person set ("1,000,000 views by 2027-03-01", "100,000 streams in the first 28
# days") for a release, an artist (by ``approved_releases.artist_name``) or a tag: exactly one of
# ``release_id``, ``artist_name``, ``tag`` is set (``scope`` says which).  ``due_on`` (a local
# day) for a target by a date, ``first_days`` for one counted from the launch.
goals = Table(
    "perfdash_goals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scope", String(10), nullable=False),
    Column(
        "release_id",
        Integer,
        ForeignKey("approved_releases.id", ondelete="CASCADE"),
        nullable=True,
    ),
    Column("artist_name", String(255)),
    Column("tag", String(100)),
    Column("metric_type", String(50), nullable=False),
    Column("target", BigInteger, nullable=False),
    Column("due_on", Date),
    Column("first_days", Integer),
    Column("created_at", DateTime(timezone=True), server_default=func.current_timestamp()),
    Column("created_by", String(100)),
    Index("idx_goals_release", "release_id"),
    Index("idx_goals_artist", "artist_name"),
)

# Tags (campaigns, moods, series: "summer-campaign", "lofi") a release carries, each once; the
# words are ingest.tags.clean_tag's (lower case, no spaces), so "Lo-Fi" and "lo-fi" are one.
release_tags = Table(
    "perfdash_release_tags",
    metadata,
    Column(
        "release_id",
        Integer,
        ForeignKey("approved_releases.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("tag", String(50), primary_key=True),
    Column("tagged_at", DateTime(timezone=True), server_default=func.current_timestamp()),
    Index("idx_release_tags_tag", "tag"),
)

# Saved dashboard views (0022): a name for a dashboard URL query, per owner.  ``owner`` is
# ``ingest.views``' word for whoever saved it: "user:NAME" (a signed-in user), "token:NAME"
# (an API token), or "" (the one shared owner of an open install without sign-in).  At most
# one view of an owner is its default, which a bare /dashboard opens (the store keeps it so).
saved_views = Table(
    "perfdash_saved_views",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner", String(120), nullable=False),
    Column("name", String(80), nullable=False),
    Column("view", String(2000), nullable=False),
    Column("is_default", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("owner", "name", name="uq_saved_views_owner_name"),
)
