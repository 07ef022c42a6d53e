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
- ``idx_performance_series`` (release_id, metric_type, recorded_at) serves every dashboard
  query of one release: a range scan per release and metric, in time order.
- ``idx_performance_release_time`` (release_id, recorded_at) INCLUDE (metric_type, platform,
  metric_value, value_kind, id) on PostgreSQL: a release's readings in a time range, all
  metrics, read from the index alone (index-only scans; README "Performance" has the plans).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
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
    Index("idx_performance_series", "release_id", "metric_type", "recorded_at"),
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
