"""The words perfdash's data is written in, in one place, so the tables, the store, ingest,
the CSV reader, the API and the UI check and offer the same values.

Nothing here touches a database: a face can import the words without the schema or the store.
"""

from __future__ import annotations

# How a reading's number is to be read: a lifetime ``total`` at a moment (views so far), or a
# count for a ``period`` (streams on one day).  The two aggregate differently: last value vs sum.
VALUE_KINDS = ("total", "period")

# How a metric type's numbers are read.  A ``counter`` is a lifetime total that only grows
# (views): its period is read as a gain and sums over releases.  An ``audience`` is a total that
# moves both ways (followers): a fall is news, not a platform's correction.  A ``score`` is a
# level (rank, popularity): it is read as its value and how it moved, never summed or "gained".
METRIC_KINDS = ("counter", "audience", "score")
DEFAULT_METRIC_KIND = "counter"
# The kinds of the metric types perfdash knows; an editor sets any other type's kind (a type
# nobody set is a counter).
KNOWN_METRIC_KINDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "views",
            "streams",
            "plays",
            "playcount",
            "likes",
            "comments",
            "shazams",
            "shares",
            "saves",
            "reposts",
        ),
        "counter",
    ),
    "earnings": "counter",
    **dict.fromkeys(("followers", "fans", "listeners", "subscribers"), "audience"),
    **dict.fromkeys(("rank", "popularity", "chart_position", "position"), "score"),
}
# Scores where a smaller number is the better one: first place is 1.
LOWER_IS_BETTER = frozenset({"rank", "chart_position", "position"})

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

# The industry's codes of a release (perfdash.ingest.codes reads them), with their labels:
# the ISRC of the recording and the UPC / EAN of the product it is sold in.  Unique where set;
# distributors' statements name releases by them.
RELEASE_CODES: dict[str, str] = {"isrc": "ISRC", "upc": "UPC / EAN"}

# Roles of users and API tokens, weakest first: a role may do what every role before it may.
ROLES = ("viewer", "editor", "admin")

# Digests: the catalog's report for a day or a week, by email (PERFDASH_SMTP_URL) or to a Slack
# incoming webhook (perfdash.digests).
DIGEST_CHANNELS = ("email", "slack")
DIGEST_PERIODS = ("day", "week")

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
    "country",
    "currency",
)

# Where a reading was heard: ``country`` is an ISO 3166-1 alpha-2 code in upper case, or
# WORLDWIDE (the empty text, stored so: NULL would let the natural key hold duplicates) for a
# number that covers every country.  A series is worldwide or per country, never both counted:
# see docs/numbers.md "Territories".
WORLDWIDE = ""

# Metric types that are money: their ``metric_value`` is an exact whole number of micro-units
# (a millionth of the currency's unit) and the reading carries its ISO 4217 ``currency``; money
# is never summed across currencies.  Every other metric type has no currency (empty text).
MONEY_METRICS = ("earnings",)
MICRO_UNITS = 1_000_000
NO_CURRENCY = ""

__all__ = [
    "DEFAULT_METRIC_KIND",
    "DISTRIBUTION_STATUSES",
    "KNOWN_METRIC_KINDS",
    "LOWER_IS_BETTER",
    "METRIC_KINDS",
    "MICRO_UNITS",
    "MONEY_METRICS",
    "NO_CURRENCY",
    "READING_FIELDS",
    "RELEASE_CODES",
    "RELEASE_IDENTIFIERS",
    "ROLES",
    "SOURCES",
    "VALUE_KINDS",
    "WORLDWIDE",
]
