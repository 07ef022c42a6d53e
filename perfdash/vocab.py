"""The words perfdash's data is written in, in one place, so the tables, the store, ingest,
the CSV reader, the API and the UI check and offer the same values.

Nothing here touches a database: a face can import the words without the schema or the store.
"""

from __future__ import annotations

# How a reading's number is to be read: a lifetime ``total`` at a moment (views so far), or a
# count for a ``period`` (streams on one day).  The two aggregate differently: last value vs sum.
VALUE_KINDS = ("total", "period")

# How a reading came in; ``legacy`` marks the rows an adopted platform database already held
# (their duplicates are kept), ``demo`` the rows `perfdash demo` loads and replaces.
SOURCES = ("manual", "csv", "api", "collector", "demo", "legacy")

# The original platform schema's distribution workflow states (approved_releases).
DISTRIBUTION_STATUSES = ("pending", "scheduled", "distributed", "error")

# Platform identifier columns of a release that collectors read, with the label the UI shows.
RELEASE_IDENTIFIERS: dict[str, str] = {
    "youtube_video_id": "YouTube video id",
    "spotify_track_id": "Spotify track id",
    "spotify_artist_id": "Spotify artist id",
    "lastfm_artist": "Last.fm artist",
    "lastfm_track": "Last.fm track",
    "deezer_track_id": "Deezer track id",
    "deezer_artist_id": "Deezer artist id",
}

# Roles of users and API tokens, weakest first: a role may do what every role before it may.
ROLES = ("viewer", "editor", "admin")

# A reading as it is written: the columns of content_performance a write supplies (``id`` and
# ``created_at`` are the database's).  ``release_id`` is the integer id of approved_releases;
# the text key a person types is a release's ``release_key`` wherever readings are shown.
READING_FIELDS = (
    "release_id",
    "platform",
    "metric_type",
    "metric_value",
    "recorded_at",
    "value_kind",
    "source",
    "source_url",
    "notes",
)

__all__ = [
    "DISTRIBUTION_STATUSES",
    "READING_FIELDS",
    "RELEASE_IDENTIFIERS",
    "ROLES",
    "SOURCES",
    "VALUE_KINDS",
]
