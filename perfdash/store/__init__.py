"""Data access: every SQL statement of perfdash lives in this package.

Functions take an ``Engine`` (or a ``Connection`` when the caller owns the transaction, see
``transaction``) and return plain values, dicts or DataFrames, so the UI, the API, the CLI and
the collectors share one tested path to the database and nothing else builds SQL.  Callers
write ``store.x``; the modules are by noun:

    engine        engines, transactions, error translation, UTC on both backends
    errors        what the store raises (PerformanceDbError and its kinds) and WriteResult
    releases      approved_releases: writes, lookups, search, pages, launch dates
    codes         releases by ISRC / UPC (uniqueness, matching) and by artist and title
    artists       the artist names on releases, each with its releases
    tags          the tags releases carry, each tag's releases
    readings      one reading at a time: record, correct, delete, read back, pickers' lists
    bulk          many readings in one transaction (COPY on PostgreSQL)
    records       readings listed with their release: API pages, the table, the CSV export
    series        a release's series by bucket, totals before a moment
    periods       a period's gains, totals and corrections; the leaderboard
    risers        the releases whose gain grew most over the previous period's
    drops         readings where a lifetime total fell
    rollup        the daily rollup's zones and which zone serves a read
    rollup_reads  the statements that read the rollup instead of the readings
    blocks        SQL pieces the reads share
    users         web accounts and API tokens, and the artists each is limited to
    scope         an account's artists kept to: every read's release filter narrowed
    sessions      web sign-in sessions, ended in every worker at once
    shares        read-only share links, by a hash of their token
    annotations   dated notes on releases or the catalog
    goals         targets per release, artist or tag
    alert_claims  which alerts were delivered, claimed once across workers
    digests       digest subscriptions and each digest's claim, sent once across workers
    freshness     how recent each release's and metric's numbers are
    metric_kinds  the kinds editors gave metric types (counter, audience, score)
    territories   which countries and currency a read counts; the top countries
    rates         earnings and streams matched row to row (the per-stream rate's base)
    jobs          background jobs' rows and the uploads they import, any host's to read

Rules kept here so nobody else has to remember them:
- Timestamps are stored in UTC.  PostgreSQL keeps ``timestamptz``; SQLite has no time zones,
  so values are written as naive UTC and read back as aware UTC.
- Aggregation runs in the database: the bucket (hour/day/week/month in the display time zone)
  is a SQL expression (``date_trunc(... AT TIME ZONE tz)`` on PostgreSQL, a registered
  deterministic function on SQLite, which lacks time-zone arithmetic).
- Platforms match case-insensitively through ``lower(platform)``; stored rows keep their text.
- Bulk writes are one transaction: COPY into a temporary table then one
  ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` on PostgreSQL, ``executemany`` on SQLite.
- Every failure leaves as ``PerformanceDbError`` (or a subclass) with a message a person can
  act on.

The functions of the original module (``apply_schema``, ``add_performance_metric``,
``get_performance_metrics_for_release``) keep their signatures and work against the database
``DATABASE_URL`` names when no engine is given.
"""

from perfdash.schema import MAX_METRIC_VALUE
from perfdash.store.alert_claims import claim_alert, release_alert_claim, sent_alert_keys
from perfdash.store.annotations import (
    MAX_ANNOTATION_TEXT,
    create_annotation,
    delete_annotation,
    get_annotation,
    list_annotations,
)
from perfdash.store.artists import artist_releases, list_artists, release_artists
from perfdash.store.blocks import BUCKETS
from perfdash.store.bulk import add_to_readings, insert_metrics
from perfdash.store.codes import code_holder, release_ids_for_codes, release_names
from perfdash.store.digests import (
    add_digest_subscription,
    claim_digest,
    digests_sent_for,
    list_digest_subscriptions,
    release_digest_claim,
    remove_digest_subscription,
)
from perfdash.store.drops import DROP_COLUMNS, total_drops
from perfdash.store.engine import (
    apply_schema,
    default_engine,
    engine_from_settings,
    make_engine,
    pending_revisions,
    ping,
    read_snapshot,
    to_utc,
    transaction,
)
from perfdash.store.errors import (
    DatabaseBusyError,
    DatabaseNotUpgradedError,
    DatabaseRefusedError,
    DatabaseUnavailableError,
    DuplicateCodeError,
    DuplicateMetricError,
    DuplicateReleaseError,
    InvalidValueError,
    PerformanceDbError,
    UnknownReleaseError,
    WriteResult,
)
from perfdash.store.freshness import metric_freshness, recent_reading_times, release_freshness
from perfdash.store.goals import (
    GOAL_SCOPES,
    artist_release_ids,
    create_goal,
    delete_goal,
    get_goal,
    list_goals,
)
from perfdash.store.jobs import (
    claim_job,
    create_job,
    delete_old_jobs,
    delete_upload,
    finish_job,
    get_job,
    job_heartbeat,
    jobs_engine_for,
    purge_expired_uploads,
    read_upload,
    save_upload,
    upload_exists,
)
from perfdash.store.metric_kinds import (
    MAX_METRIC_TYPE,
    clear_metric_kind,
    metric_kind_overrides,
    set_metric_kind,
)
from perfdash.store.periods import (
    LEADERBOARD_COLUMNS,
    LEADERBOARD_ORDERS,
    PERIOD_GAIN_COLUMNS,
    leaderboard,
    period_gains,
)
from perfdash.store.rates import PAIRED_COLUMNS, paired_earnings
from perfdash.store.readings import (
    add_performance_metric,
    count_metrics,
    delete_metric,
    get_metric,
    get_performance_metrics_for_release,
    latest_metrics,
    list_metric_types,
    list_platform_keys,
    update_metric,
)
from perfdash.store.records import (
    API_METRIC_FIELDS,
    EXPORT_CHUNK_ROWS,
    RECORD_COLUMNS,
    count_records,
    iter_metrics_for_export,
    metric_records,
    readings_page,
)
from perfdash.store.releases import (
    RELEASE_FIELDS,
    count_releases,
    create_release,
    delete_demo_data,
    delete_release,
    existing_release_ids,
    get_release,
    get_release_by_key,
    has_user_data,
    launch_dates,
    release_ids_for_keys,
    release_label,
    release_prompts,
    releases_page,
    releases_with_identifiers,
    search_releases,
    set_release_archived,
    update_release,
)
from perfdash.store.risers import RISER_COLUMNS, risers
from perfdash.store.rollup import (
    rollup_differences,
    rollup_zone_for,
    rollup_zones,
    set_rollup_zones,
)
from perfdash.store.saved_views import (
    count_saved_views,
    default_saved_view,
    delete_saved_view,
    get_saved_view,
    list_saved_views,
    saved_view_named,
    set_default_view,
    upsert_saved_view,
)
from perfdash.store.scope import scope_of, scoped
from perfdash.store.series import SERIES_COLUMNS, release_series, totals_before
from perfdash.store.sessions import (
    count_sessions,
    create_session,
    end_session,
    end_user_sessions,
    session_user,
    sessions_by_user,
)
from perfdash.store.shares import (
    create_share_link,
    get_share_link,
    list_share_links,
    purge_ended_share_links,
    revoke_share_link,
    share_link_by_hash,
)
from perfdash.store.tags import (
    list_tags,
    release_tags_of,
    set_release_tags,
    tagged_release_ids,
    tags_by_release_key,
)
from perfdash.store.territories import (
    TOP_COUNTRY_COLUMNS,
    has_country_readings,
    top_countries,
    view_currencies,
)
from perfdash.store.users import (
    api_token_by_hash,
    count_users,
    create_api_token,
    create_user,
    delete_user,
    get_user,
    list_api_tokens,
    list_users,
    revoke_api_token,
    set_user_artists,
    update_user,
    user_artists_of,
)

__all__ = [
    "API_METRIC_FIELDS",
    "BUCKETS",
    "DROP_COLUMNS",
    "DatabaseBusyError",
    "DatabaseNotUpgradedError",
    "DatabaseRefusedError",
    "DatabaseUnavailableError",
    "DuplicateCodeError",
    "DuplicateMetricError",
    "DuplicateReleaseError",
    "EXPORT_CHUNK_ROWS",
    "GOAL_SCOPES",
    "InvalidValueError",
    "LEADERBOARD_COLUMNS",
    "LEADERBOARD_ORDERS",
    "MAX_ANNOTATION_TEXT",
    "MAX_METRIC_TYPE",
    "MAX_METRIC_VALUE",
    "PAIRED_COLUMNS",
    "PERIOD_GAIN_COLUMNS",
    "PerformanceDbError",
    "RECORD_COLUMNS",
    "RELEASE_FIELDS",
    "RISER_COLUMNS",
    "SERIES_COLUMNS",
    "TOP_COUNTRY_COLUMNS",
    "UnknownReleaseError",
    "WriteResult",
    "add_digest_subscription",
    "add_performance_metric",
    "add_to_readings",
    "api_token_by_hash",
    "apply_schema",
    "artist_release_ids",
    "artist_releases",
    "claim_alert",
    "claim_digest",
    "claim_job",
    "clear_metric_kind",
    "code_holder",
    "count_metrics",
    "count_records",
    "count_releases",
    "count_saved_views",
    "count_sessions",
    "count_users",
    "create_annotation",
    "create_api_token",
    "create_goal",
    "create_job",
    "create_release",
    "create_session",
    "create_share_link",
    "create_user",
    "default_engine",
    "default_saved_view",
    "delete_annotation",
    "delete_demo_data",
    "delete_goal",
    "delete_metric",
    "delete_old_jobs",
    "delete_release",
    "delete_saved_view",
    "delete_upload",
    "delete_user",
    "digests_sent_for",
    "end_session",
    "end_user_sessions",
    "engine_from_settings",
    "existing_release_ids",
    "finish_job",
    "get_annotation",
    "get_goal",
    "get_job",
    "get_metric",
    "get_performance_metrics_for_release",
    "get_release",
    "get_release_by_key",
    "get_saved_view",
    "get_share_link",
    "get_user",
    "has_country_readings",
    "has_user_data",
    "insert_metrics",
    "iter_metrics_for_export",
    "job_heartbeat",
    "jobs_engine_for",
    "latest_metrics",
    "launch_dates",
    "leaderboard",
    "list_annotations",
    "list_api_tokens",
    "list_artists",
    "list_digest_subscriptions",
    "list_goals",
    "list_metric_types",
    "list_platform_keys",
    "list_saved_views",
    "list_share_links",
    "list_tags",
    "list_users",
    "make_engine",
    "metric_freshness",
    "metric_kind_overrides",
    "metric_records",
    "paired_earnings",
    "pending_revisions",
    "period_gains",
    "ping",
    "purge_ended_share_links",
    "purge_expired_uploads",
    "read_snapshot",
    "read_upload",
    "readings_page",
    "recent_reading_times",
    "release_alert_claim",
    "release_artists",
    "release_digest_claim",
    "release_freshness",
    "release_ids_for_codes",
    "release_ids_for_keys",
    "release_label",
    "release_names",
    "release_prompts",
    "release_series",
    "release_tags_of",
    "releases_page",
    "releases_with_identifiers",
    "remove_digest_subscription",
    "revoke_api_token",
    "revoke_share_link",
    "risers",
    "rollup_differences",
    "rollup_zone_for",
    "rollup_zones",
    "save_upload",
    "saved_view_named",
    "scope_of",
    "scoped",
    "search_releases",
    "sent_alert_keys",
    "session_user",
    "sessions_by_user",
    "set_default_view",
    "set_metric_kind",
    "set_release_archived",
    "set_release_tags",
    "set_rollup_zones",
    "set_user_artists",
    "share_link_by_hash",
    "tagged_release_ids",
    "tags_by_release_key",
    "to_utc",
    "top_countries",
    "total_drops",
    "totals_before",
    "transaction",
    "update_metric",
    "update_release",
    "update_user",
    "upload_exists",
    "upsert_saved_view",
    "user_artists_of",
    "view_currencies",
]
