"""Partitioning content_performance by month, tried on a scratch database (docs/scaling.md).

    python benchmarks/partition_trial.py [--rows N] [--database-url ADMIN_URL] [--keep]

Creates ``perfdash_partition_<random>``, migrates it, counts the daily rollup in UTC and in
America/New_York, writes N readings over twelve months of 2025 (1,000 releases, 2 metrics),
then measures, printing one JSON object (progress on stderr):

- ``partition_s``: turning the table into a monthly-partitioned one in one transaction (copy
  the rows, the same indexes and rollup triggers on the parent);
- ``rollup_exact_after_partition`` / ``_after_insert``: the statement-level rollup triggers
  (transition tables) still fire on the partitioned parent;
- ``rollup_rows_wrong_after_plain_detach``: DETACH PARTITION fires no trigger, so the rollup
  still counts the month's readings (what went wrong in a trial);
- ``detach_with_recount_s`` and ``rollup_exact_after_detach_with_recount``: DETACH in one
  transaction with deleting the month's rollup days and recounting the days it shares with the
  neighbours (boundary days of every zone) from the readings that remain;
- ``drop_with_recount_s``: the same for DROP of the next month;
- ``delete_month_s``: the third month removed with DELETE instead (the triggers recount);
- sizes: readings, rollup rows and bytes, the partitions.

The recount is ``perfdash.schema.rollup_sql.rollup_count_sql``: the same count as the triggers.
"""

# The SQL is assembled from this script's constants and numbers only; no input reaches it.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))

from perfdash import store  # noqa: E402
from perfdash.migrations import upgrade  # noqa: E402
from perfdash.schema.rollup_sql import ROLLUP_TRIGGERS_PG, rollup_insert_sql  # noqa: E402

ZONES = ["America/New_York", "UTC"]
MONTHS = [datetime(2025, m, 1, tzinfo=UTC) for m in range(1, 13)] + [
    datetime(2026, 1, 1, tzinfo=UTC)
]

INDEXES = """
CREATE INDEX idx_performance_release_id ON content_performance (release_id);
CREATE INDEX idx_performance_platform ON content_performance (platform);
CREATE INDEX idx_performance_metric_type ON content_performance (metric_type);
CREATE INDEX idx_performance_recorded_at ON content_performance (recorded_at);
CREATE INDEX idx_performance_release_time ON content_performance (release_id, recorded_at)
    INCLUDE (metric_type, platform, metric_value, value_kind, id);
CREATE UNIQUE INDEX uq_performance_natural ON content_performance
    (release_id, lower(platform), metric_type, recorded_at, value_kind) WHERE source <> 'legacy';
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return round(time.perf_counter() - start, 2)


def load(engine: sa.Engine, rows: int) -> None:
    """``rows`` readings: 1,000 releases x (views, likes) at evenly spaced times of 2025."""
    per_series = max(1, rows // 2000)
    step = 365 * 86400 / per_series
    with store.transaction(engine) as conn:
        conn.exec_driver_sql(
            "INSERT INTO approved_releases (release_id, title) "
            "SELECT 'p-' || g, 'Release ' || g FROM generate_series(1, 1000) g"
        )
        conn.exec_driver_sql(
            "INSERT INTO content_performance (release_id, platform, metric_type, metric_value, "
            "recorded_at, value_kind, source) "
            "SELECT r.id, 'YouTube', m.metric, (s * 10 + r.id)::bigint, "
            f"timestamptz '2025-01-01 00:00:00+00' + make_interval(secs => s * {step}), "
            "'total', 'csv' FROM approved_releases r "
            "CROSS JOIN (VALUES ('views'), ('likes')) m(metric) "
            f"CROSS JOIN generate_series(0, {per_series - 1}) s"
        )


def partition(engine: sa.Engine) -> None:
    with store.transaction(engine) as conn:
        run = conn.exec_driver_sql
        run("ALTER TABLE content_performance RENAME TO content_performance_plain")
        for name in ("insert", "delete", "update", "truncate"):
            run(f"DROP TRIGGER perfdash_rollup_{name} ON content_performance_plain")
        for row in run(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'content_performance_plain' "
            "AND indexname <> 'content_performance_pkey'"
        ).all():
            run(f'DROP INDEX "{row[0]}"')
        run(
            "CREATE TABLE content_performance (LIKE content_performance_plain INCLUDING DEFAULTS) "
            "PARTITION BY RANGE (recorded_at)"
        )
        run("ALTER TABLE content_performance ADD PRIMARY KEY (id, recorded_at)")
        run(
            "ALTER TABLE content_performance ADD FOREIGN KEY (release_id) "
            "REFERENCES approved_releases (id) ON DELETE CASCADE"
        )
        run("ALTER SEQUENCE content_performance_id_seq OWNED BY content_performance.id")
        for lo, hi in zip(MONTHS, MONTHS[1:], strict=False):
            run(
                f"CREATE TABLE cp_{lo:%Y_%m} PARTITION OF content_performance "
                f"FOR VALUES FROM ('{lo.isoformat()}') TO ('{hi.isoformat()}')"
            )
        run("CREATE TABLE cp_default PARTITION OF content_performance DEFAULT")
        run("INSERT INTO content_performance SELECT * FROM content_performance_plain")
        run("DROP TABLE content_performance_plain")
        for statement in INDEXES.split(";"):
            if statement.strip():
                run(statement)
        for ddl in ROLLUP_TRIGGERS_PG:
            if ddl.lstrip().upper().startswith("CREATE TRIGGER"):
                run(ddl)
        run("ANALYZE content_performance")


def recount_sql(lo: datetime, hi: datetime) -> tuple[str, str]:
    """Delete the rollup days of every zone that [lo, hi) touches, then count them again from
    the readings left in the table (the days it shares with its neighbours keep theirs)."""
    days = (
        f"(timestamptz '{lo.isoformat()}' AT TIME ZONE z.tz)::date AND "
        f"((timestamptz '{hi.isoformat()}' - interval '1 microsecond') AT TIME ZONE z.tz)::date"
    )
    delete = (
        "DELETE FROM performance_daily d USING performance_rollup_zones z "
        f"WHERE d.tz = z.tz AND d.day BETWEEN {days}"
    )
    readings = (
        "content_performance c JOIN performance_rollup_zones z "
        f"ON c.recorded_at >= timestamptz '{lo.isoformat()}' - interval '2 days' "
        f"AND c.recorded_at < timestamptz '{hi.isoformat()}' + interval '2 days' "
        f"AND (c.recorded_at AT TIME ZONE z.tz)::date BETWEEN {days}"
    )
    return delete, rollup_insert_sql(readings)


def differences(engine: sa.Engine) -> int:
    return sum(store.rollup_differences(engine, zone) for zone in ZONES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--database-url", default="postgresql+psycopg://root@127.0.0.1:5432/test")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    name = f"perfdash_partition_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(args.database_url).set(database=name)
    engine = store.make_engine(url.render_as_string(hide_password=False), statement_timeout_ms=0)
    out: dict[str, object] = {"rows": args.rows, "database": name, "zones": ZONES}
    try:
        upgrade(engine)
        store.set_rollup_zones(engine, ZONES)
        log(f"loading {args.rows:,} readings ...")
        out["load_s"] = timed(lambda: load(engine, args.rows))
        out["readings"] = store.count_metrics(engine)
        log("partitioning ...")
        out["partition_s"] = timed(lambda: partition(engine))
        out["rollup_exact_after_partition"] = differences(engine) == 0
        pk = store.release_ids_for_keys(engine, ["p-1"])["p-1"]
        store.insert_metrics(
            engine,
            [
                {
                    "release_id": pk,
                    "platform": "Deezer",
                    "metric_type": "fans",
                    "metric_value": i,
                    "recorded_at": datetime(2025, 6, 15, 12, i, tzinfo=UTC),
                    "value_kind": "total",
                    "source": "csv",
                }
                for i in range(30)
            ],
        )
        out["rollup_exact_after_insert"] = differences(engine) == 0
        with store.transaction(engine) as conn:
            conn.exec_driver_sql("ALTER TABLE content_performance DETACH PARTITION cp_2025_01")
        out["rollup_rows_wrong_after_plain_detach"] = differences(engine)
        with store.transaction(engine) as conn:
            conn.exec_driver_sql(
                "ALTER TABLE content_performance ATTACH PARTITION cp_2025_01 "
                "FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2025-02-01 00:00:00+00')"
            )
        out["rollup_exact_after_reattach"] = differences(engine) == 0

        def detach_with_recount() -> None:
            delete, insert = recount_sql(MONTHS[0], MONTHS[1])
            with store.transaction(engine) as conn:
                conn.exec_driver_sql("ALTER TABLE content_performance DETACH PARTITION cp_2025_01")
                conn.exec_driver_sql(delete)
                conn.exec_driver_sql(insert)

        log("detach with recount ...")
        out["detach_with_recount_s"] = timed(detach_with_recount)
        out["rollup_exact_after_detach_with_recount"] = differences(engine) == 0

        def drop_with_recount() -> None:
            delete, insert = recount_sql(MONTHS[1], MONTHS[2])
            with store.transaction(engine) as conn:
                conn.exec_driver_sql("DROP TABLE cp_2025_02")
                conn.exec_driver_sql(delete)
                conn.exec_driver_sql(insert)

        log("drop with recount ...")
        out["drop_with_recount_s"] = timed(drop_with_recount)
        out["rollup_exact_after_drop_with_recount"] = differences(engine) == 0

        def delete_month() -> None:  # the same month's worth the ordinary way: the triggers
            with store.transaction(engine) as conn:
                conn.exec_driver_sql(
                    "DELETE FROM content_performance WHERE recorded_at >= '2025-03-01 00:00+00' "
                    "AND recorded_at < '2025-04-01 00:00+00'"
                )

        log("delete a month through the triggers ...")
        out["delete_month_s"] = timed(delete_month)
        out["rollup_exact_after_delete_month"] = differences(engine) == 0
        with store.transaction(engine) as conn:
            sizes = conn.exec_driver_sql(
                "SELECT (SELECT count(*) FROM performance_daily), "
                "pg_total_relation_size('performance_daily'), "
                "(SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits "
                "WHERE inhparent = 'content_performance'::regclass), "
                "(SELECT count(*) FROM content_performance)"
            ).one()
        out["rollup_rows"], out["rollup_bytes"], out["partitions_bytes"], out["readings_left"] = (
            int(v) for v in sizes
        )
        out["rollup_rows_per_reading"] = round(out["rollup_rows"] / out["readings_left"], 4)
        out["bytes_per_reading"] = round(out["partitions_bytes"] / out["readings_left"], 1)
    finally:
        engine.dispose()
        if not args.keep:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
