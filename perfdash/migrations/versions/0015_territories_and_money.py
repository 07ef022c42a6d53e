"""Territories and money on readings: ``country`` and ``currency`` join a reading's key.

``content_performance.country`` (ISO 3166-1 alpha-2, '' = worldwide) and ``currency`` (ISO 4217
for money metrics such as ``earnings``, '' otherwise) are added NOT NULL DEFAULT '': every row
already there is kept and reads as a worldwide number without a currency, which is what it was.
On PostgreSQL 11+ a column with a constant default is added without rewriting the table.

They join the natural key (``uq_performance_natural`` is built again with them, so a statement
line per country is not a duplicate of another country's line) and the daily rollup's key
(``performance_daily`` gets the two columns in its primary key before ``day``; its rows are
worldwide rows, '' too).  ``idx_performance_country`` is a partial index of the readings
that have a country (none yet, so it is empty): reads ask it which series are per country.
The covering index ``idx_performance_release_time`` carries them on
PostgreSQL, so a release's reads filtered by country stay index-only scans.  Building the two
indexes again takes about a minute per ten million rows; writes wait meanwhile.

The rollup's trigger functions are replaced by ones that count per country and currency:
the text below, frozen here (today's text is perfdash/schema/rollup_sql.py; a test compares).
SQLite keeps its rollup table empty, so there it is made again with the new key.

Revision ID: 0015
Revises: 0014
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

NATURAL = "uq_performance_natural"
COVERING = "idx_performance_release_time"
COUNTRY = "idx_performance_country"
OLD_INCLUDE = ["metric_type", "platform", "metric_value", "value_kind", "id"]
OLD_DAILY_KEY = ["tz", "release_id", "platform_key", "metric_type", "value_kind", "day"]
DAILY_KEY = [*OLD_DAILY_KEY[:5], "country", "currency", "day"]


def _natural(extra: list[str]) -> None:
    op.create_index(
        NATURAL,
        "content_performance",
        [
            "release_id",
            sa.text("lower(platform)"),
            "metric_type",
            "recorded_at",
            "value_kind",
            *extra,
        ],
        unique=True,
        postgresql_where=sa.text("source <> 'legacy'"),
        sqlite_where=sa.text("source <> 'legacy'"),
    )


def _empty_text(name: str, length: int, **kw) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=False, server_default=sa.text("''"), **kw)


def _daily_table(key: list[str]) -> None:
    """performance_daily with primary key ``key`` (SQLite: the table is always empty there)."""
    lengths = {"tz": 64, "platform_key": 100, "metric_type": 50, "value_kind": 10}
    cols = []
    for name in key:
        if name == "release_id":
            cols.append(sa.Column(name, sa.Integer, primary_key=True, nullable=False))
        elif name == "day":
            cols.append(sa.Column(name, sa.Date, primary_key=True, nullable=False))
        elif name in ("country", "currency"):
            cols.append(_empty_text(name, 2 if name == "country" else 3, primary_key=True))
        else:
            cols.append(sa.Column(name, sa.String(lengths[name]), primary_key=True, nullable=False))
    op.create_table(
        "performance_daily",
        *cols,
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


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    op.add_column("content_performance", _empty_text("country", 2))
    op.add_column("content_performance", _empty_text("currency", 3))
    op.drop_index(NATURAL, "content_performance")
    _natural(["country", "currency"])
    op.create_index(
        COUNTRY,
        "content_performance",
        ["release_id", "metric_type"],
        postgresql_where=sa.text("country <> ''"),
        sqlite_where=sa.text("country <> ''"),
    )
    if not pg:
        op.drop_index("idx_performance_daily_day", table_name="performance_daily")
        op.drop_table("performance_daily")
        _daily_table(DAILY_KEY)
        return
    op.drop_index(COVERING, "content_performance")
    op.create_index(
        COVERING,
        "content_performance",
        ["release_id", "recorded_at"],
        postgresql_include=[*OLD_INCLUDE, "country", "currency"],
    )
    op.add_column("performance_daily", _empty_text("country", 2))
    op.add_column("performance_daily", _empty_text("currency", 3))
    op.execute("ALTER TABLE performance_daily DROP CONSTRAINT performance_daily_pkey")
    op.execute(f"ALTER TABLE performance_daily ADD PRIMARY KEY ({', '.join(DAILY_KEY)})")
    for ddl in FUNCTIONS.values():
        op.execute(ddl)


def _previous_functions() -> list[str]:
    """Revision 0013's frozen functions, read from its file (a revision imports no perfdash)."""
    path = Path(__file__).with_name("0013_rollup_count_one_cheaper_sort.py")
    spec = importlib.util.spec_from_file_location("perfdash_revision_0013", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.FUNCTIONS.values())


def downgrade() -> None:
    """Back to one series per (release, platform, metric, kind): refused while a reading has a
    country or a currency, since two countries' numbers would become duplicates of one key."""
    bind = op.get_bind()
    marked = bind.execute(
        sa.text("SELECT count(*) FROM content_performance WHERE country <> '' OR currency <> ''")
    ).scalar_one()
    if marked:
        raise RuntimeError(
            f"{marked} readings have a country or a currency; delete them before downgrading"
        )
    pg = bind.dialect.name == "postgresql"
    op.drop_index(COUNTRY, "content_performance")
    op.drop_index(NATURAL, "content_performance")
    _natural([])
    if pg:
        op.drop_index(COVERING, "content_performance")
        op.create_index(
            COVERING,
            "content_performance",
            ["release_id", "recorded_at"],
            postgresql_include=OLD_INCLUDE,
        )
        op.execute("ALTER TABLE performance_daily DROP CONSTRAINT performance_daily_pkey")
        op.execute(f"ALTER TABLE performance_daily ADD PRIMARY KEY ({', '.join(OLD_DAILY_KEY)})")
        op.drop_column("performance_daily", "currency")
        op.drop_column("performance_daily", "country")
        for ddl in _previous_functions():
            op.execute(ddl)
    else:
        op.drop_index("idx_performance_daily_day", table_name="performance_daily")
        op.drop_table("performance_daily")
        _daily_table(OLD_DAILY_KEY)
    with op.batch_alter_table("content_performance") as batch:
        batch.drop_column("currency")
        batch.drop_column("country")


# --------------------------------------------------------------------------- frozen DDL

INSERT_FUNCTION = """\
CREATE OR REPLACE FUNCTION perfdash_rollup_insert() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $rollup$
DECLARE k_tz text[]; k_release int[]; k_platform text[]; k_metric text[]; k_country text[]; k_currency text[]; k_day date[];
BEGIN
    WITH merged AS (
    INSERT INTO performance_daily AS d (tz, release_id, platform_key, metric_type, value_kind, country, currency, day, n_rows, sum_value, first_at, first_id, first_value, last_at, last_id, last_value, drops)
SELECT tz, release_id, platform_key, metric_type, value_kind, country, currency, day, count(*), sum(metric_value),
       min(recorded_at), max(id) FILTER (WHERE prev IS NULL),
       max(metric_value) FILTER (WHERE prev IS NULL),
       max(recorded_at), max(id) FILTER (WHERE is_last), max(metric_value) FILTER (WHERE is_last),
       count(*) FILTER (WHERE value_kind = 'total' AND metric_value < prev)
FROM (
    SELECT z.tz, c.release_id, lower(c.platform) AS platform_key, c.metric_type, c.value_kind,
           c.country, c.currency,
           (c.recorded_at AT TIME ZONE z.tz)::date AS day, c.id, c.metric_value, c.recorded_at,
           lag(c.metric_value) OVER w AS prev, lead(c.id) OVER w IS NULL AS is_last
    FROM new_rows c CROSS JOIN performance_rollup_zones z WHERE c.recorded_at IS NOT NULL
    WINDOW w AS (
        PARTITION BY c.release_id, (c.recorded_at AT TIME ZONE z.tz)::date, lower(c.platform),
                     c.metric_type, c.value_kind, c.country, c.currency, z.tz
        ORDER BY c.recorded_at, c.id)
) r
GROUP BY release_id, day, platform_key, metric_type, value_kind, country, currency, tz
    ON CONFLICT (tz, release_id, platform_key, metric_type, value_kind, country, currency, day) DO UPDATE SET
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
    WHERE d.tz = k.tz AND d.release_id = k.release_id AND d.platform_key = k.platform_key AND d.metric_type = k.metric_type AND d.value_kind = k.value_kind AND d.country = k.country AND d.currency = k.currency AND d.day = k.day AND d.drops <> k.drops;
    RETURN NULL;
END
$rollup$"""

DELETE_FUNCTION = """\
CREATE OR REPLACE FUNCTION perfdash_rollup_delete() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $rollup$
BEGIN
    LOCK TABLE performance_daily IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM performance_daily d USING (SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, n.country, n.currency, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM old_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL) k WHERE d.tz = k.tz AND d.release_id = k.release_id AND d.platform_key = k.platform_key AND d.metric_type = k.metric_type AND d.value_kind = k.value_kind AND d.country = k.country AND d.currency = k.currency AND d.day = k.day;
    
INSERT INTO performance_daily (tz, release_id, platform_key, metric_type, value_kind, country, currency, day, n_rows, sum_value, first_at, first_id, first_value, last_at, last_id, last_value, drops)
SELECT tz, release_id, platform_key, metric_type, value_kind, country, currency, day, count(*), sum(metric_value),
       min(recorded_at), max(id) FILTER (WHERE prev IS NULL),
       max(metric_value) FILTER (WHERE prev IS NULL),
       max(recorded_at), max(id) FILTER (WHERE is_last), max(metric_value) FILTER (WHERE is_last),
       count(*) FILTER (WHERE value_kind = 'total' AND metric_value < prev)
FROM (
    SELECT z.tz, c.release_id, lower(c.platform) AS platform_key, c.metric_type, c.value_kind,
           c.country, c.currency,
           (c.recorded_at AT TIME ZONE z.tz)::date AS day, c.id, c.metric_value, c.recorded_at,
           lag(c.metric_value) OVER w AS prev, lead(c.id) OVER w IS NULL AS is_last
    FROM (SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, n.country, n.currency, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM old_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL) k JOIN content_performance c ON c.release_id = k.release_id AND c.recorded_at >= ((k.day - 1)::timestamp AT TIME ZONE k.tz) AND c.recorded_at < ((k.day + 2)::timestamp AT TIME ZONE k.tz) AND lower(c.platform) = k.platform_key AND c.metric_type = k.metric_type AND c.value_kind = k.value_kind AND c.country = k.country AND c.currency = k.currency AND (c.recorded_at AT TIME ZONE k.tz)::date = k.day JOIN performance_rollup_zones z ON z.tz = k.tz
    WINDOW w AS (
        PARTITION BY c.release_id, (c.recorded_at AT TIME ZONE z.tz)::date, lower(c.platform),
                     c.metric_type, c.value_kind, c.country, c.currency, z.tz
        ORDER BY c.recorded_at, c.id)
) r
GROUP BY release_id, day, platform_key, metric_type, value_kind, country, currency, tz;
    RETURN NULL;
END
$rollup$"""  # noqa: W293 - the text as installed, spaces and all

UPDATE_FUNCTION = """\
CREATE OR REPLACE FUNCTION perfdash_rollup_update() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $rollup$
BEGIN
    LOCK TABLE performance_daily IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM performance_daily d USING (SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, n.country, n.currency, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM old_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL UNION SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, n.country, n.currency, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM new_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL) k WHERE d.tz = k.tz AND d.release_id = k.release_id AND d.platform_key = k.platform_key AND d.metric_type = k.metric_type AND d.value_kind = k.value_kind AND d.country = k.country AND d.currency = k.currency AND d.day = k.day;
    
INSERT INTO performance_daily (tz, release_id, platform_key, metric_type, value_kind, country, currency, day, n_rows, sum_value, first_at, first_id, first_value, last_at, last_id, last_value, drops)
SELECT tz, release_id, platform_key, metric_type, value_kind, country, currency, day, count(*), sum(metric_value),
       min(recorded_at), max(id) FILTER (WHERE prev IS NULL),
       max(metric_value) FILTER (WHERE prev IS NULL),
       max(recorded_at), max(id) FILTER (WHERE is_last), max(metric_value) FILTER (WHERE is_last),
       count(*) FILTER (WHERE value_kind = 'total' AND metric_value < prev)
FROM (
    SELECT z.tz, c.release_id, lower(c.platform) AS platform_key, c.metric_type, c.value_kind,
           c.country, c.currency,
           (c.recorded_at AT TIME ZONE z.tz)::date AS day, c.id, c.metric_value, c.recorded_at,
           lag(c.metric_value) OVER w AS prev, lead(c.id) OVER w IS NULL AS is_last
    FROM (SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, n.country, n.currency, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM old_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL UNION SELECT DISTINCT z.tz, n.release_id, lower(n.platform) AS platform_key, n.metric_type, n.value_kind, n.country, n.currency, (n.recorded_at AT TIME ZONE z.tz)::date AS day FROM new_rows n CROSS JOIN performance_rollup_zones z WHERE n.recorded_at IS NOT NULL) k JOIN content_performance c ON c.release_id = k.release_id AND c.recorded_at >= ((k.day - 1)::timestamp AT TIME ZONE k.tz) AND c.recorded_at < ((k.day + 2)::timestamp AT TIME ZONE k.tz) AND lower(c.platform) = k.platform_key AND c.metric_type = k.metric_type AND c.value_kind = k.value_kind AND c.country = k.country AND c.currency = k.currency AND (c.recorded_at AT TIME ZONE k.tz)::date = k.day JOIN performance_rollup_zones z ON z.tz = k.tz
    WINDOW w AS (
        PARTITION BY c.release_id, (c.recorded_at AT TIME ZONE z.tz)::date, lower(c.platform),
                     c.metric_type, c.value_kind, c.country, c.currency, z.tz
        ORDER BY c.recorded_at, c.id)
) r
GROUP BY release_id, day, platform_key, metric_type, value_kind, country, currency, tz;
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
