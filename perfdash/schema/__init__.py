"""The database's shape: the tables (``tables``, the one truth about columns and indexes) and
the rollup's trigger DDL (``rollup_sql``).  The store, the migrations' autogenerate and
`perfdash db sql` read them from here."""

from perfdash.schema.digests import digest_subscriptions, digests_sent
from perfdash.schema.rollup_sql import ROLLUP_TRIGGERS_PG
from perfdash.schema.scopes import token_artists, user_artists
from perfdash.schema.tables import (
    MAX_METRIC_VALUE,
    alerts_sent,
    annotations,
    api_tokens,
    approved_releases,
    content_performance,
    goals,
    jobs,
    metadata,
    metric_kinds,
    performance_daily,
    performance_rollup_zones,
    release_tags,
    saved_views,
    sessions,
    share_links,
    uploads,
    users,
)

__all__ = [
    "MAX_METRIC_VALUE",
    "ROLLUP_TRIGGERS_PG",
    "alerts_sent",
    "annotations",
    "api_tokens",
    "approved_releases",
    "content_performance",
    "digest_subscriptions",
    "digests_sent",
    "goals",
    "jobs",
    "metadata",
    "metric_kinds",
    "performance_daily",
    "performance_rollup_zones",
    "release_tags",
    "saved_views",
    "sessions",
    "share_links",
    "token_artists",
    "uploads",
    "user_artists",
    "users",
]
