"""Data access: every SQL statement of perfdash lives here.

Functions take an ``Engine`` (or a ``Connection`` when the caller owns the transaction) and
return plain values, dicts or DataFrames, so the UI, the API, the CLI and the collectors share
one tested path to the database and nothing else builds SQL.

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

from __future__ import annotations

import contextlib
import functools
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import psycopg
import sqlalchemy as sa
from sqlalchemy import event, func, select
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.dialects.postgresql import array as pg_array
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError

from perfdash.schema import (
    api_tokens,
    approved_releases,
    content_performance,
    performance_daily,
    performance_rollup_zones,
    users,
)
from perfdash.schema.rollup_sql import ROLLUP_COLUMNS, rollup_count_sql, rollup_insert_sql
from perfdash.vocab import (
    DISTRIBUTION_STATUSES,
    RELEASE_IDENTIFIERS,
    ROLES,
    SOURCES,
    VALUE_KINDS,
)

MAX_METRIC_VALUE = 2**63 - 1
BUCKETS = ("hour", "day", "week", "month")
METRIC_COLUMNS = (
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
RELEASE_FIELDS = (
    "release_id",
    "title",
    "artist_name",
    "approved_at",
    "distribution_status",
    "track_prompt",
    "video_prompt",
    "suno_clip_id",
    "luma_generation_id",
    "track_url",
    "video_url",
    *RELEASE_IDENTIFIERS,
)


class PerformanceDbError(Exception):
    """Anything that went wrong talking to the performance database."""


class DatabaseUnavailableError(PerformanceDbError):
    """The database cannot be reached or refused the connection."""


class UnknownReleaseError(PerformanceDbError):
    """A release id or key that is not in approved_releases."""


class InvalidValueError(PerformanceDbError):
    """A value the table cannot hold (negative, too large, wrong kind...)."""


class DuplicateReleaseError(PerformanceDbError):
    """A release key that already exists."""


class DuplicateMetricError(PerformanceDbError):
    """The same reading (release, platform, metric, time, kind) is already stored."""


@dataclass(frozen=True)
class WriteResult:
    written: int
    already_present: int

    @property
    def total(self) -> int:
        return self.written + self.already_present


# --------------------------------------------------------------------------- engines


@functools.lru_cache(maxsize=200_000)
def _sqlite_bucket(ts: str | None, unit: str, tz: str) -> str | None:
    """SQLite stand-in for ``date_trunc(unit, ts AT TIME ZONE tz)``.

    Memoised: a pure function of its arguments (so workers cannot disagree through it), and
    SQLite calls it once per row for every window that partitions by the bucket.
    """
    if ts is None:
        return None
    dt = datetime.fromisoformat(ts)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    local = dt.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    if unit == "hour":
        local = local.replace(minute=0, second=0, microsecond=0)
    else:
        local = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if unit == "week":
            local -= timedelta(days=local.weekday())
        elif unit == "month":
            local = local.replace(day=1)
    return local.strftime("%Y-%m-%d %H:%M:%S.000000")


def make_engine(url: str, *, statement_timeout_ms: int = 15_000) -> Engine:
    """An engine configured for perfdash's rules on either backend.

    ``pool_pre_ping`` lets a worker survive a database restart without being restarted itself.
    JIT is off on PostgreSQL: the dashboard's queries run in milliseconds, but their estimated
    cost (index probes per series) crosses ``jit_above_cost`` and compiling took 430 ms of a
    600 ms leaderboard on ten million rows.
    """
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.create_function("pd_bucket", 3, _sqlite_bucket, deterministic=True)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        connect_args={
            "options": (
                f"-c statement_timeout={int(statement_timeout_ms)} -c timezone=UTC -c jit=off"
            ),
            "connect_timeout": 5,
        },
    )


@functools.lru_cache(maxsize=4)
def _engine_for_url(url: str) -> Engine:
    # One pool per process and URL for the original module-level API; an engine is a
    # connection pool, not data, so workers cannot disagree through it.
    return make_engine(url)


def default_engine() -> Engine:
    """The engine for ``DATABASE_URL`` (or the embedded SQLite file)."""
    from perfdash.config import load_settings

    return _engine_for_url(load_settings().database_url)


def _is_pg(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "postgresql"


@contextlib.contextmanager
def _translate_errors() -> Iterator[None]:
    """Turn driver and SQLAlchemy errors into PerformanceDbError subclasses."""
    try:
        yield
    except PerformanceDbError:
        raise
    except OperationalError as exc:
        text = str(exc.orig).lower() if exc.orig else str(exc).lower()
        if "statement timeout" in text or "canceling statement" in text:
            raise PerformanceDbError(
                "The database took too long to answer; narrow the period or try again"
            ) from exc
        if "database is locked" in text:
            raise PerformanceDbError("The database is busy; try again in a moment") from exc
        raise DatabaseUnavailableError(
            "The database is unavailable; check that it is running and DATABASE_URL is right"
        ) from exc
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        if "foreign key" in text:
            raise UnknownReleaseError("The release does not exist (any more)") from exc
        raise PerformanceDbError(f"The database refused the write: {exc.orig}") from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise DatabaseUnavailableError(
                "The connection to the database was lost; try again"
            ) from exc
        raise PerformanceDbError(f"Database error: {exc.orig}") from exc
    except SQLAlchemyError as exc:
        raise PerformanceDbError(f"Database error: {exc}") from exc


@contextlib.contextmanager
def _begin(bind: Engine | Connection) -> Iterator[Connection]:
    """A transaction on an engine, or the caller's connection as it is."""
    with _translate_errors():
        if isinstance(bind, Connection):
            yield bind
        else:
            with bind.begin() as conn:
                yield conn


def transaction(bind: Engine | Connection) -> contextlib.AbstractContextManager[Connection]:
    """One connection and one transaction for a caller that makes several store calls (a
    chart's reads on one snapshot, an import's chunks all-or-nothing), with the store's error
    translation: faces never open their own and never see a driver's exception."""
    return _begin(bind)


def _tuples_on(bind: Engine | Connection, stmt: sa.Executable) -> list[tuple]:
    with _begin(bind) as conn:
        return _tuples(conn, stmt)


def _one_transaction(fn):
    """Run a read on one connection and transaction, however many statements it takes (the
    rollup check and the query): each checkout and BEGIN/COMMIT is a round trip."""

    @functools.wraps(fn)
    def wrapper(bind: Engine | Connection, *args: Any, **kwargs: Any) -> Any:
        if isinstance(bind, Connection):
            return fn(bind, *args, **kwargs)
        with _begin(bind) as conn:
            return fn(conn, *args, **kwargs)

    return wrapper


# --------------------------------------------------------------------------- values


def _tuples(
    conn: Connection, stmt: sa.Executable, params: dict[str, Any] | None = None
) -> list[tuple]:
    """Result rows as plain tuples: pandas builds a frame from them several times faster than
    from Row objects (it probes each Row for attributes), which mattered on the dashboard."""
    return [tuple(row) for row in conn.execute(stmt, params or {}).all()]  # one fetchall


def to_utc(value: datetime | str | pd.Timestamp | None) -> datetime | None:
    """Aware UTC datetime; naive input is taken to be UTC already."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _db_ts(bind: Engine | Connection, value: datetime | None) -> datetime | None:
    utc = to_utc(value)
    if utc is None or _is_pg(bind):
        return utc
    return utc.replace(tzinfo=None)


def _check_value(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        else:
            raise InvalidValueError(f"metric_value must be a whole number, got {value!r}")
    if value < 0:
        raise InvalidValueError(f"metric_value must not be negative, got {value}")
    if value > MAX_METRIC_VALUE:
        raise InvalidValueError(f"metric_value {value} does not fit in 64 bits (max 2^63-1)")
    return value


def _release_row(row: sa.Row) -> dict[str, Any]:
    out = dict(row._mapping)
    if "approved_at" in out:
        out["approved_at"] = to_utc(out["approved_at"])
    if "last_activity" in out:
        out["last_activity"] = to_utc(out["last_activity"])
    return out


def release_label(release: dict[str, Any]) -> str:
    """How a release is named in pickers: title and artist, else the workflow key."""
    title = release.get("title") or release.get("release_id") or f"#{release.get('id')}"
    artist = release.get("artist_name")
    return f"{title} — {artist}" if artist else str(title)


# --------------------------------------------------------------------------- schema


def apply_schema(engine: Engine | None = None) -> None:
    """Bring the database to the current schema (the original module's entry point)."""
    from perfdash.migrations import upgrade

    with _translate_errors():
        upgrade(engine or default_engine())


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(select(1))
        return True
    except SQLAlchemyError:
        return False


# --------------------------------------------------------------------------- releases


def create_release(bind: Engine | Connection, release_key: str, **fields: Any) -> int:
    """Insert a release and return its id; a key that exists raises DuplicateReleaseError."""
    values = _release_values({"release_id": release_key, **fields}, bind)
    with _begin(bind) as conn:
        exists = conn.execute(
            select(approved_releases.c.id).where(approved_releases.c.release_id == release_key)
        ).first()
        if exists:
            raise DuplicateReleaseError(f"A release with key {release_key!r} already exists")
        try:
            with conn.begin_nested():
                return conn.execute(
                    approved_releases.insert().values(**values).returning(approved_releases.c.id)
                ).scalar_one()
        except IntegrityError as exc:
            raise DuplicateReleaseError(
                f"A release with key {release_key!r} already exists"
            ) from exc


def update_release(bind: Engine | Connection, release_pk: int, /, **fields: Any) -> None:
    """Change a release's fields; ``release_id`` in ``fields`` is the workflow key."""
    values = _release_values(fields, bind)
    if not values:
        return
    with _begin(bind) as conn:
        key = values.get("release_id")
        if key is not None:
            other = conn.execute(
                select(approved_releases.c.id).where(
                    approved_releases.c.release_id == key, approved_releases.c.id != release_pk
                )
            ).first()
            if other:
                raise DuplicateReleaseError(f"A release with key {key!r} already exists")
        done = conn.execute(
            approved_releases.update().where(approved_releases.c.id == release_pk).values(**values)
        )
        if done.rowcount == 0:
            raise UnknownReleaseError(f"No release with id {release_pk}")


def _release_values(fields: dict[str, Any], bind: Engine | Connection) -> dict[str, Any]:
    unknown = set(fields) - set(RELEASE_FIELDS)
    if unknown:
        raise InvalidValueError(f"Unknown release field(s): {', '.join(sorted(unknown))}")
    values = dict(fields)
    if "release_id" in values:
        key = str(values["release_id"] or "").strip()
        if not key:
            raise InvalidValueError("release key must not be empty")
        if len(key) > 255:
            raise InvalidValueError("release key is longer than 255 characters")
        values["release_id"] = key
    status = values.get("distribution_status")
    if status is not None and status not in DISTRIBUTION_STATUSES:
        raise InvalidValueError(
            f"distribution_status must be one of {', '.join(DISTRIBUTION_STATUSES)}"
        )
    if "approved_at" in values:
        if values["approved_at"] is None:
            values.pop("approved_at")
        else:
            values["approved_at"] = _db_ts(bind, values["approved_at"])
    for name in (
        "title",
        "artist_name",
        "suno_clip_id",
        "luma_generation_id",
        *RELEASE_IDENTIFIERS,
    ):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip() or None
            if values[name] is not None and len(values[name]) > 255:
                raise InvalidValueError(f"{name} is longer than 255 characters")
    return values


def delete_release(bind: Engine | Connection, release_id: int) -> bool:
    with _begin(bind) as conn:
        return (
            conn.execute(
                approved_releases.delete().where(approved_releases.c.id == release_id)
            ).rowcount
            > 0
        )


def get_release(bind: Engine | Connection, release_id: int) -> dict[str, Any] | None:
    with _begin(bind) as conn:
        row = conn.execute(
            select(approved_releases).where(approved_releases.c.id == release_id)
        ).first()
    return _release_row(row) if row else None


def get_release_by_key(bind: Engine | Connection, release_key: str) -> dict[str, Any] | None:
    with _begin(bind) as conn:
        row = conn.execute(
            select(approved_releases).where(approved_releases.c.release_id == release_key)
        ).first()
    return _release_row(row) if row else None


def release_ids_for_keys(bind: Engine | Connection, keys: Iterable[str]) -> dict[str, int]:
    """Map release keys to ids; keys that are not there are simply absent from the result."""
    wanted = sorted({str(k) for k in keys})
    found: dict[str, int] = {}
    with _begin(bind) as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = conn.execute(
                select(approved_releases.c.release_id, approved_releases.c.id).where(
                    approved_releases.c.release_id.in_(chunk)
                )
            )
            found.update({key: rid for key, rid in rows})
    return found


def existing_release_ids(bind: Engine | Connection, ids: Iterable[int]) -> set[int]:
    wanted = sorted({int(i) for i in ids})
    found: set[int] = set()
    with _begin(bind) as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(
                conn.execute(
                    select(approved_releases.c.id).where(approved_releases.c.id.in_(chunk))
                ).scalars()
            )
    return found


def _release_matches(query: str) -> sa.ColumnElement:
    """Title, artist or key contains ``query`` (case-insensitive; % and _ taken literally)."""
    needle = query.strip()
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return sa.or_(
        approved_releases.c.title.ilike(pattern, escape="\\"),
        approved_releases.c.artist_name.ilike(pattern, escape="\\"),
        approved_releases.c.release_id.ilike(pattern, escape="\\"),
    )


def _last_activity():
    return (
        select(func.max(content_performance.c.recorded_at))
        .where(content_performance.c.release_id == approved_releases.c.id)
        .scalar_subquery()
    )


def search_releases(
    bind: Engine | Connection, query: str = "", *, limit: int = 50
) -> list[dict[str, Any]]:
    """Releases matching title, artist or key (case-insensitive), most recently active first."""
    last_activity = _last_activity().label("last_activity")
    stmt = select(approved_releases, last_activity)
    if (query or "").strip():
        stmt = stmt.where(_release_matches(query))
    stmt = stmt.order_by(
        sa.desc("last_activity").nulls_last(),
        approved_releases.c.approved_at.desc().nulls_last(),
        approved_releases.c.id.desc(),
    ).limit(max(1, min(int(limit), 1000)))
    with _begin(bind) as conn:
        return [_release_row(r) for r in conn.execute(stmt)]


def count_releases(bind: Engine | Connection) -> int:
    with _begin(bind) as conn:
        return conn.execute(select(func.count()).select_from(approved_releases)).scalar_one()


# --------------------------------------------------------------------------- metrics: writes


def add_performance_metric(
    release_id: int,
    platform: str,
    metric_type: str,
    metric_value: int,
    source_url: str | None = None,
    notes: str | None = None,
    *,
    recorded_at: datetime | None = None,
    value_kind: str = "total",
    source: str = "manual",
    engine: Engine | Connection | None = None,
) -> int:
    """Record one metric and return the new row's id (the original module's entry point)."""
    bind = engine if engine is not None else default_engine()
    row = _metric_values(
        {
            "release_id": release_id,
            "platform": platform,
            "metric_type": metric_type,
            "metric_value": metric_value,
            "recorded_at": recorded_at or datetime.now(UTC),
            "value_kind": value_kind,
            "source": source,
            "source_url": source_url,
            "notes": notes,
        },
        bind,
    )
    with _begin(bind) as conn:
        if not conn.execute(
            select(approved_releases.c.id).where(approved_releases.c.id == row["release_id"])
        ).first():
            raise UnknownReleaseError(f"No release with id {row['release_id']}")
        try:
            with conn.begin_nested():
                return conn.execute(
                    content_performance.insert().values(**row).returning(content_performance.c.id)
                ).scalar_one()
        except IntegrityError as exc:
            raise DuplicateMetricError(
                f"{row['platform']} {row['metric_type']} for release {row['release_id']} at "
                f"{row['recorded_at']} is already recorded"
            ) from exc


def _metric_values(record: dict[str, Any], bind: Engine | Connection) -> dict[str, Any]:
    try:
        release_id = int(record["release_id"])
    except (TypeError, ValueError):
        raise InvalidValueError(
            f"release_id must be a number, got {record['release_id']!r}"
        ) from None
    platform = str(record.get("platform") or "").strip()
    metric_type = str(record.get("metric_type") or "").strip()
    if not platform or len(platform) > 100:
        raise InvalidValueError("platform must be 1 to 100 characters")
    if not metric_type or len(metric_type) > 50:
        raise InvalidValueError("metric_type must be 1 to 50 characters")
    kind = record.get("value_kind") or "total"
    if kind not in VALUE_KINDS:
        raise InvalidValueError(f"value_kind must be one of {', '.join(VALUE_KINDS)}")
    source = record.get("source") or "manual"
    if source not in SOURCES:
        raise InvalidValueError(f"source must be one of {', '.join(SOURCES)}")
    return {
        "release_id": release_id,
        "platform": platform,
        "metric_type": metric_type,
        "metric_value": _check_value(record.get("metric_value")),
        "recorded_at": _db_ts(bind, record.get("recorded_at") or datetime.now(UTC)),
        "value_kind": kind,
        "source": source,
        "source_url": record.get("source_url") or None,
        "notes": record.get("notes") or None,
    }


def insert_metrics(
    bind: Engine | Connection,
    records: pd.DataFrame | Sequence[dict[str, Any]],
    *,
    expect_new: bool = False,
) -> WriteResult:
    """Write many readings in one transaction; readings already stored are skipped and counted.

    ``records`` carry integer ``release_id``s (see ``release_ids_for_keys``) and the columns of
    ``METRIC_COLUMNS``.  A release id that does not exist aborts the whole write.

    ``expect_new``: the caller expects none of the readings to be stored yet (a CSV import
    that has met no duplicate so far), so on PostgreSQL they are copied straight into the
    table, at the speed of raw COPY; if one is there after all, the copy is rolled back to a
    savepoint and the readings go the usual way (staging table + ON CONFLICT DO NOTHING).
    """
    frame = records if isinstance(records, pd.DataFrame) else pd.DataFrame(list(records))
    if frame.empty:
        return WriteResult(0, 0)
    frame = _normalise_frame(frame)
    with _begin(bind) as conn:
        missing = set(frame["release_id"].unique().tolist()) - existing_release_ids(
            conn, frame["release_id"].unique().tolist()
        )
        if missing:
            shown = ", ".join(str(m) for m in sorted(missing)[:10])
            raise UnknownReleaseError(f"Unknown release id(s): {shown}")
        if _is_pg(conn):
            written = None
            if expect_new and _csv_safe(frame):
                written = _copy_new_pg(conn, frame)
            if written is None:
                written = _copy_insert_pg(conn, frame)
        else:
            written = _executemany_insert_sqlite(conn, frame)
    return WriteResult(written, len(frame) - written)


def _normalise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for col, default in (("value_kind", "total"), ("source", "manual")):
        if col not in frame:
            frame[col] = default
        frame[col] = frame[col].fillna(default)
    for col in ("source_url", "notes"):
        if col not in frame:
            frame[col] = None
    missing = {"release_id", "platform", "metric_type", "metric_value", "recorded_at"} - set(frame)
    if missing:
        raise InvalidValueError(f"records lack column(s): {', '.join(sorted(missing))}")
    bad_kind = ~frame["value_kind"].isin(VALUE_KINDS)
    if bad_kind.any():
        raise InvalidValueError(f"value_kind must be one of {', '.join(VALUE_KINDS)}")
    bad_source = ~frame["source"].isin(SOURCES)
    if bad_source.any():
        raise InvalidValueError(f"source must be one of {', '.join(SOURCES)}")
    values = frame["metric_value"]
    if values.dtype == object:
        ok = values.map(lambda v: isinstance(v, int) and not isinstance(v, bool))
        if not ok.all():
            raise InvalidValueError("metric_value must be whole numbers")
    elif not pd.api.types.is_integer_dtype(values):
        raise InvalidValueError("metric_value must be whole numbers")
    if (values < 0).any():
        raise InvalidValueError("metric_value must not be negative")
    if values.dtype == object and (values > MAX_METRIC_VALUE).any():
        raise InvalidValueError("metric_value does not fit in 64 bits")
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
    frame["release_id"] = frame["release_id"].astype("int64")
    return frame[list(METRIC_COLUMNS)]


_COPY_CHUNK_ROWS = 50_000
_CSV_TEXT_COLUMNS = ("platform", "metric_type", "value_kind", "source", "source_url", "notes")


def _csv_safe(frame: pd.DataFrame) -> bool:
    """Whether the CSV fast path keeps every value: NULL is written as \\N, so a text that
    is exactly \\N (never seen in practice) sends the chunk down the row-by-row path."""
    return not any((frame[col] == "\\N").any() for col in _CSV_TEXT_COLUMNS)


def _csv_block(frame: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    frame.to_csv(
        buf,
        header=False,
        index=False,
        na_rep="\\N",
        date_format="%Y-%m-%dT%H:%M:%S.%f+00:00",
        lineterminator="\n",
    )
    return buf.getvalue().encode()


def _copy_csv(cur: Any, table: str, frame: pd.DataFrame) -> None:
    """COPY ``frame`` (``_csv_safe``) into ``table`` as CSV text written in big blocks: pandas
    formats a chunk in C, so no Python code runs per row (write_row per row was the import's
    bottleneck)."""
    cols = ", ".join(METRIC_COLUMNS)
    with cur.copy(f"COPY {table} ({cols}) FROM STDIN (FORMAT csv, NULL '\\N')") as copy:
        for start in range(0, len(frame), _COPY_CHUNK_ROWS):
            copy.write(_csv_block(frame.iloc[start : start + _COPY_CHUNK_ROWS]))


def _copy_new_pg(conn: Connection, frame: pd.DataFrame) -> int | None:
    """COPY ``frame`` straight into content_performance; None (and nothing written) when a
    reading is already stored (the natural-key unique index refuses it)."""
    savepoint = conn.begin_nested()
    try:
        with conn.connection.driver_connection.cursor() as cur:
            _copy_csv(cur, "content_performance", frame)
            written = cur.rowcount
    except psycopg.errors.UniqueViolation:
        savepoint.rollback()
        return None
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return written


def _copy_insert_pg(conn: Connection, frame: pd.DataFrame) -> int:
    conn.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS perfdash_staging ("
        "release_id integer, platform varchar(100), metric_type varchar(50), "
        "metric_value bigint, recorded_at timestamptz, value_kind varchar(10), "
        "source varchar(20), source_url text, notes text) ON COMMIT DELETE ROWS"
    )
    cols = ", ".join(METRIC_COLUMNS)
    raw = conn.connection.driver_connection
    with raw.cursor() as cur:
        if _csv_safe(frame):
            _copy_csv(cur, "perfdash_staging", frame)
        else:
            rows = frame.astype(object).where(frame.notna(), None)  # NaN is NULL, not 'nan'
            with cur.copy(f"COPY perfdash_staging ({cols}) FROM STDIN") as copy:
                for row in rows.itertuples(index=False, name=None):
                    copy.write_row(row)
    result = conn.exec_driver_sql(
        f"INSERT INTO content_performance ({cols}) "  # noqa: S608 - fixed column list
        f"SELECT {cols} FROM perfdash_staging ON CONFLICT DO NOTHING"
    )
    conn.exec_driver_sql("TRUNCATE perfdash_staging")
    return result.rowcount


def _executemany_insert_sqlite(conn: Connection, frame: pd.DataFrame) -> int:
    stmt = sqlite_dialect.insert(content_performance).on_conflict_do_nothing()
    written = 0
    rows = frame.assign(
        recorded_at=frame["recorded_at"].dt.tz_convert("UTC").dt.tz_localize(None)
    ).to_dict("records")
    for start in range(0, len(rows), 20_000):
        chunk = rows[start : start + 20_000]
        for r in chunk:
            r["recorded_at"] = r["recorded_at"].to_pydatetime()
            r["release_id"] = int(r["release_id"])
            r["metric_value"] = int(r["metric_value"])
            for k in ("source_url", "notes"):
                if isinstance(r[k], float):  # NaN from pandas
                    r[k] = None
        written += conn.execute(stmt, chunk).rowcount
    return written


def delete_metric(bind: Engine | Connection, metric_id: int) -> bool:
    with _begin(bind) as conn:
        return (
            conn.execute(
                content_performance.delete().where(content_performance.c.id == metric_id)
            ).rowcount
            > 0
        )


# --------------------------------------------------------------------------- metrics: reads


def _metric_row(row: sa.Row) -> dict[str, Any]:
    out = dict(row._mapping)
    for key in ("recorded_at", "created_at"):
        if key in out:
            out[key] = to_utc(out[key])
    return out


def get_performance_metrics_for_release(
    release_id: int, *, engine: Engine | Connection | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Rows of one release with the original column names, newest first (original API)."""
    bind = engine if engine is not None else default_engine()
    c = content_performance.c
    stmt = (
        select(
            c.id,
            c.release_id,
            c.platform,
            c.metric_type,
            c.metric_value,
            c.recorded_at,
            c.source_url,
            c.notes,
        )
        .where(c.release_id == int(release_id))
        .order_by(c.recorded_at.desc(), c.id.desc())
    )
    if limit:
        stmt = stmt.limit(limit)
    with _begin(bind) as conn:
        return [_metric_row(r) for r in conn.execute(stmt)]


def latest_metrics(
    bind: Engine | Connection, release_id: int, *, limit: int = 20
) -> list[dict[str, Any]]:
    """The newest rows of a release with every column (for the data-entry tab)."""
    c = content_performance.c
    stmt = (
        select(content_performance)
        .where(c.release_id == int(release_id))
        .order_by(c.recorded_at.desc(), c.id.desc())
        .limit(limit)
    )
    with _begin(bind) as conn:
        return [_metric_row(r) for r in conn.execute(stmt)]


def get_metric(bind: Engine | Connection, metric_id: int) -> dict[str, Any] | None:
    with _begin(bind) as conn:
        row = conn.execute(
            select(content_performance).where(content_performance.c.id == metric_id)
        ).first()
    return _metric_row(row) if row else None


def count_metrics(bind: Engine | Connection, release_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(content_performance)
    if release_id is not None:
        stmt = stmt.where(content_performance.c.release_id == release_id)
    with _begin(bind) as conn:
        return conn.execute(stmt).scalar_one()


def list_metric_types(
    bind: Engine | Connection, release_ids: Sequence[int] | None = None
) -> list[str]:
    c = content_performance.c
    stmt = select(c.metric_type).distinct().order_by(c.metric_type)
    if release_ids:
        stmt = stmt.where(c.release_id.in_(list(release_ids)))
    with _begin(bind) as conn:
        return list(conn.execute(stmt).scalars())


def list_platform_keys(
    bind: Engine | Connection, release_ids: Sequence[int] | None = None
) -> list[str]:
    """Distinct platforms, lower-cased so that 'YouTube' and 'youtube' are one."""
    c = content_performance.c
    key = func.lower(c.platform)
    stmt = select(key).distinct().order_by(key)
    if release_ids:
        stmt = stmt.where(c.release_id.in_(list(release_ids)))
    with _begin(bind) as conn:
        return list(conn.execute(stmt).scalars())


def _bucket_expr(
    bind: Engine | Connection, unit: str, tz: str, col: sa.ColumnElement | None = None
) -> sa.ColumnElement:
    if unit not in BUCKETS:
        raise InvalidValueError(f"bucket must be one of {', '.join(BUCKETS)}")
    ZoneInfo(tz)  # raises for an unknown zone before it reaches SQL
    col = content_performance.c.recorded_at if col is None else col
    if _is_pg(bind):
        return func.date_trunc(unit, col.op("AT TIME ZONE")(sa.literal(tz, sa.String)))
    return sa.type_coerce(func.pd_bucket(col, unit, tz), sa.DateTime())


def _filters(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    start: datetime | None,
    end: datetime | None,
) -> list[sa.ColumnElement]:
    c = content_performance.c
    where: list[sa.ColumnElement] = []
    if release_ids is not None:
        where.append(c.release_id.in_([int(r) for r in release_ids]))
    if metric_types:
        where.append(c.metric_type.in_(list(metric_types)))
    if platforms:
        where.append(func.lower(c.platform).in_([p.lower() for p in platforms]))
    if start is not None:
        where.append(c.recorded_at >= _db_ts(bind, start))
    if end is not None:
        where.append(c.recorded_at < _db_ts(bind, end))
    return where


SERIES_COLUMNS = [
    "release_id",
    "platform_key",
    "metric_type",
    "value_kind",
    "bucket",
    "last_value",
    "sum_value",
    "n_rows",
    "last_at",
]


@_one_transaction
def release_series(
    bind: Engine | Connection,
    release_ids: Sequence[int],
    *,
    metric_types: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    bucket: str = "day",
    tz: str = "UTC",
) -> pd.DataFrame:
    """One row per (release, platform, metric, kind, bucket), aggregated in SQL.

    ``last_value`` is the newest reading in the bucket (what a lifetime total was at the end of
    it), ``sum_value`` the sum of the readings (what per-period counts add up to).  ``bucket``
    is the bucket's start as a naive wall-clock time in ``tz``.
    """
    c = content_performance.c
    b = _bucket_expr(bind, bucket, tz).label("bucket")
    pkey = func.lower(c.platform)
    part = [c.release_id, pkey, c.metric_type, c.value_kind, b]
    if bucket != "hour" and _rollup_zone(bind, start, end, tz=tz):
        shape, params = _rollup_query(tz, release_ids, metric_types, platforms, start, end)
        return _series_frame(bind, _release_series_rollup(shape, bucket), params)
    if _is_pg(bind):
        return _series_frame(
            bind, _release_series_pg(bind, part, release_ids, metric_types, platforms, start, end)
        )
    inner = (
        select(
            c.release_id,
            pkey.label("platform_key"),
            c.metric_type,
            c.value_kind,
            b,
            c.metric_value,
            c.recorded_at,
            func.row_number()
            .over(partition_by=part, order_by=[c.recorded_at.desc(), c.id.desc()])
            .label("rn"),
            func.sum(c.metric_value).over(partition_by=part).label("sum_value"),
            func.count().over(partition_by=part).label("n_rows"),
        )
        .where(*_filters(bind, release_ids, metric_types, platforms, start, end))
        .subquery()
    )
    stmt = (
        select(
            inner.c.release_id,
            inner.c.platform_key,
            inner.c.metric_type,
            inner.c.value_kind,
            inner.c.bucket,
            inner.c.metric_value.label("last_value"),
            inner.c.sum_value,
            inner.c.n_rows,
            inner.c.recorded_at.label("last_at"),
        )
        .where(inner.c.rn == 1)
        .order_by(inner.c.release_id, inner.c.platform_key, inner.c.metric_type, inner.c.bucket)
    )
    return _series_frame(bind, stmt)


def _series_frame(
    bind: Engine | Connection, stmt: sa.Select, params: dict[str, Any] | None = None
) -> pd.DataFrame:
    with _begin(bind) as conn:
        rows = _tuples(conn, stmt, params)
    frame = pd.DataFrame(rows, columns=SERIES_COLUMNS)
    if not frame.empty:
        frame["bucket"] = pd.to_datetime(frame["bucket"])
        frame["last_at"] = pd.to_datetime(frame["last_at"], utc=True)
        for col in ("last_value", "sum_value", "n_rows"):
            frame[col] = frame[col].astype("int64")
    return frame


def _newest(
    value: sa.ColumnElement,
    recorded_at: sa.ColumnElement | None = None,
    row_id: sa.ColumnElement | None = None,
    *,
    oldest: bool = False,
) -> sa.ColumnElement:
    """PostgreSQL aggregate: ``value`` of the group's newest reading (ties: highest id), or
    with ``oldest`` of its oldest (ties: lowest id).

    max() over ARRAY[time in microseconds, id, value] compares element by element, so one
    hash aggregate finds it without the sort a window function needs (the sort of every
    reading was what made heavy releases slow).
    """
    c = content_performance.c
    recorded_at = c.recorded_at if recorded_at is None else recorded_at
    row_id = c.id if row_id is None else row_id
    key = pg_array(
        [
            sa.cast(func.extract("epoch", recorded_at) * 1_000_000, sa.BigInteger),
            sa.cast(row_id, sa.BigInteger),
            sa.cast(value, sa.BigInteger),
        ]
    )
    return (func.min(key) if oldest else func.max(key))[3]


def _release_series_pg(
    bind: Engine | Connection,
    part: list[sa.ColumnElement],
    release_ids: Sequence[int],
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    start: datetime | None,
    end: datetime | None,
) -> sa.Select:
    """release_series on PostgreSQL: one GROUP BY over an index-only range scan of
    idx_performance_release_time (same rows and values as the window version)."""
    c = content_performance.c
    release_id, pkey, metric_type, value_kind, b = part
    return (
        select(
            release_id,
            pkey.label("platform_key"),
            metric_type,
            value_kind,
            b,
            _newest(c.metric_value).label("last_value"),
            sa.cast(func.sum(c.metric_value), sa.BigInteger).label("sum_value"),
            func.count().label("n_rows"),
            func.max(c.recorded_at).label("last_at"),
        )
        .where(*_filters(bind, release_ids, metric_types, platforms, start, end))
        .group_by(*part)
        .order_by(release_id, sa.literal_column("platform_key"), metric_type, b, value_kind)
    )


@_one_transaction
def totals_before(
    bind: Engine | Connection,
    release_ids: Sequence[int],
    before: datetime,
    *,
    metric_types: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The last lifetime total before ``before`` per (release, platform, metric).

    It is the baseline a period's first gain is measured from.
    """
    c = content_performance.c
    pkey = func.lower(c.platform)
    zone = _rollup_zone(bind, before)
    if zone:
        shape, params = _rollup_query(zone, release_ids, metric_types, platforms, None, before)
        return _baseline_frame(bind, _totals_before_rollup(shape), params)
    if _is_pg(bind):
        # One hash aggregate over the index-only scan instead of sorting all history.
        stmt = (
            select(
                c.release_id,
                pkey.label("platform_key"),
                c.metric_type,
                _newest(c.metric_value).label("baseline"),
                func.max(c.recorded_at).label("baseline_at"),
            )
            .where(
                c.value_kind == "total",
                *_filters(bind, release_ids, metric_types, platforms, None, before),
            )
            .group_by(c.release_id, pkey, c.metric_type)
            .order_by(c.release_id, sa.literal_column("platform_key"), c.metric_type)
        )
        return _baseline_frame(bind, stmt)
    inner = (
        select(
            c.release_id,
            pkey.label("platform_key"),
            c.metric_type,
            c.metric_value,
            c.recorded_at,
            func.row_number()
            .over(
                partition_by=[c.release_id, pkey, c.metric_type],
                order_by=[c.recorded_at.desc(), c.id.desc()],
            )
            .label("rn"),
        )
        .where(
            c.value_kind == "total",
            *_filters(bind, release_ids, metric_types, platforms, None, before),
        )
        .subquery()
    )
    stmt = select(
        inner.c.release_id,
        inner.c.platform_key,
        inner.c.metric_type,
        inner.c.metric_value.label("baseline"),
        inner.c.recorded_at.label("baseline_at"),
    ).where(inner.c.rn == 1)
    return _baseline_frame(bind, stmt)


def _baseline_frame(
    bind: Engine | Connection, stmt: sa.Select, params: dict[str, Any] | None = None
) -> pd.DataFrame:
    with _begin(bind) as conn:
        rows = _tuples(conn, stmt, params)
    frame = pd.DataFrame(
        rows, columns=["release_id", "platform_key", "metric_type", "baseline", "baseline_at"]
    )
    if not frame.empty:
        frame["baseline"] = frame["baseline"].astype("int64")
        frame["baseline_at"] = pd.to_datetime(frame["baseline_at"], utc=True)
    return frame


def has_user_data(bind: Engine | Connection) -> bool:
    """Whether the database holds anything that did not come from ``perfdash demo``."""
    with _begin(bind) as conn:
        releases = conn.execute(
            select(func.count())
            .select_from(approved_releases)
            .where(sa.not_(approved_releases.c.release_id.like("demo-%")))
        ).scalar_one()
        metrics = conn.execute(
            select(func.count())
            .select_from(content_performance)
            .where(content_performance.c.source != "demo")
        ).scalar_one()
    return bool(releases or metrics)


def delete_demo_data(bind: Engine | Connection) -> int:
    with _begin(bind) as conn:
        return conn.execute(
            approved_releases.delete().where(approved_releases.c.release_id.like("demo-%"))
        ).rowcount


# --------------------------------------------------------------------------- users and tokens


def _insert_named(
    bind: Engine | Connection, table: sa.Table, column: str, name: str, what: str, **values: Any
) -> int:
    """Insert a user or token whose name is unique; a clear error when the name is taken."""
    if values.get("role") not in ROLES:
        raise InvalidValueError(f"role must be one of {', '.join(ROLES)}")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidValueError(f"{what} name must be 1 to 100 characters")
    with _begin(bind) as conn:
        if conn.execute(select(table.c.id).where(table.c[column] == name)).first():
            raise PerformanceDbError(f"A {what} named {name!r} already exists")
        return conn.execute(
            table.insert().values({column: name, **values}).returning(table.c.id)
        ).scalar_one()


def create_api_token(bind: Engine | Connection, name: str, token_hash: str, role: str) -> int:
    return _insert_named(bind, api_tokens, "name", name, "token", token_hash=token_hash, role=role)


def api_token_by_hash(bind: Engine | Connection, token_hash: str) -> dict[str, Any] | None:
    """The live (not revoked) token with this hash, marking it used."""
    with _begin(bind) as conn:
        row = conn.execute(
            select(api_tokens).where(
                api_tokens.c.token_hash == token_hash, api_tokens.c.revoked == sa.false()
            )
        ).first()
        if row is None:
            return None
        # Every API request authenticates: record use at most once a minute per token, so
        # reads do not turn into a row write (and WAL traffic) each time.
        now = datetime.now(UTC)
        conn.execute(
            api_tokens.update()
            .where(
                api_tokens.c.id == row.id,
                sa.or_(
                    api_tokens.c.last_used_at.is_(None),
                    api_tokens.c.last_used_at < _db_ts(conn, now - timedelta(minutes=1)),
                ),
            )
            .values(last_used_at=_db_ts(conn, now))
        )
    return dict(row._mapping)


def revoke_api_token(bind: Engine | Connection, name: str) -> bool:
    with _begin(bind) as conn:
        return (
            conn.execute(
                api_tokens.update().where(api_tokens.c.name == name).values(revoked=True)
            ).rowcount
            > 0
        )


def list_api_tokens(bind: Engine | Connection) -> list[dict[str, Any]]:
    with _begin(bind) as conn:
        rows = conn.execute(
            select(
                api_tokens.c.id,
                api_tokens.c.name,
                api_tokens.c.role,
                api_tokens.c.created_at,
                api_tokens.c.last_used_at,
                api_tokens.c.revoked,
            ).order_by(api_tokens.c.name)
        )
        return [dict(r._mapping) for r in rows]


def create_user(bind: Engine | Connection, username: str, password_hash: str, role: str) -> int:
    return _insert_named(
        bind, users, "username", username, "user", password_hash=password_hash, role=role
    )


def get_user(bind: Engine | Connection, username: str) -> dict[str, Any] | None:
    with _begin(bind) as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
    return dict(row._mapping) if row else None


def update_user(bind: Engine | Connection, username: str, **values: Any) -> bool:
    if "role" in values and values["role"] not in ROLES:
        raise InvalidValueError(f"role must be one of {', '.join(ROLES)}")
    with _begin(bind) as conn:
        return (
            conn.execute(
                users.update().where(users.c.username == username).values(**values)
            ).rowcount
            > 0
        )


def delete_user(bind: Engine | Connection, username: str) -> bool:
    with _begin(bind) as conn:
        return conn.execute(users.delete().where(users.c.username == username)).rowcount > 0


def count_users(bind: Engine | Connection) -> int:
    with _begin(bind) as conn:
        return conn.execute(select(func.count()).select_from(users)).scalar_one()


# --------------------------------------------------------------------------- api (HTTP API, collectors)
# Keyset pagination by id: a page is "rows with id > cursor", so a page never shifts when rows
# are added while a client pages through, and no OFFSET scan grows with the page number.

API_METRIC_FIELDS = (
    "id",
    "release_id",
    "release_key",
    "platform",
    "metric_type",
    "metric_value",
    "recorded_at",
    "value_kind",
    "source",
    "source_url",
    "notes",
)


def api_list_metrics(
    bind: Engine | Connection,
    *,
    release_ids: Sequence[int] | None = None,
    platforms: Sequence[str] | None = None,
    metric_types: Sequence[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Metric rows with their release key, in id order after ``after_id`` (one API page)."""
    c = content_performance.c
    stmt = (
        select(
            c.id,
            c.release_id,
            approved_releases.c.release_id.label("release_key"),
            c.platform,
            c.metric_type,
            c.metric_value,
            c.recorded_at,
            c.value_kind,
            c.source,
            c.source_url,
            c.notes,
        )
        .join(approved_releases, approved_releases.c.id == c.release_id)
        .where(
            c.id > int(after_id),
            *_filters(bind, release_ids, metric_types, platforms, start, end),
        )
        .order_by(c.id)
        .limit(max(1, int(limit)))
    )
    with _begin(bind) as conn:
        return [_metric_row(r) for r in conn.execute(stmt)]


def api_list_releases(
    bind: Engine | Connection, *, query: str = "", after_id: int = 0, limit: int = 100
) -> list[dict[str, Any]]:
    """Releases in id order after ``after_id``, optionally matching title, artist or key."""
    stmt = select(approved_releases).where(approved_releases.c.id > int(after_id))
    if (query or "").strip():
        stmt = stmt.where(_release_matches(query))
    stmt = stmt.order_by(approved_releases.c.id).limit(max(1, int(limit)))
    with _begin(bind) as conn:
        return [_release_row(r) for r in conn.execute(stmt)]


def releases_with_identifiers(
    bind: Engine | Connection,
    columns: Sequence[str],
    *,
    release_keys: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Releases that have at least one of the identifier ``columns`` set (what a collector needs).

    ``release_keys`` narrows the list to those workflow keys.
    """
    unknown = set(columns) - set(RELEASE_IDENTIFIERS)
    if unknown:
        raise InvalidValueError(f"Unknown identifier column(s): {', '.join(sorted(unknown))}")
    if not columns:
        return []
    r = approved_releases.c
    stmt = select(r.id, r.release_id, r.title, *(r[name] for name in columns)).where(
        sa.or_(*(sa.func.coalesce(sa.func.trim(r[name]), "") != "" for name in columns))
    )
    if release_keys is not None:
        stmt = stmt.where(r.release_id.in_([str(k) for k in release_keys]))
    stmt = stmt.order_by(r.id)
    with _begin(bind) as conn:
        return [dict(row._mapping) for row in conn.execute(stmt)]


# --------------------------------------------------------------------------- insights
# Annotations, alert state, freshness and launch dates (issue 9: insights).

from perfdash.schema import alerts_sent as _alerts_sent  # noqa: E402
from perfdash.schema import annotations as _annotations  # noqa: E402

MAX_ANNOTATION_TEXT = 500


def create_annotation(
    bind: Engine | Connection,
    release_id: int | None,
    at: datetime,
    text: str,
    *,
    created_by: str | None = None,
) -> int:
    """Store a dated note; ``release_id=None`` makes it a note about the whole catalog."""
    body = (text or "").strip()
    if not body:
        raise InvalidValueError("text must not be empty")
    if len(body) > MAX_ANNOTATION_TEXT:
        raise InvalidValueError(f"text is longer than {MAX_ANNOTATION_TEXT} characters")
    if at is None:
        raise InvalidValueError("date must be given")
    who = (created_by or "").strip()[:100] or None
    with _begin(bind) as conn:
        if (
            release_id is not None
            and not conn.execute(
                select(approved_releases.c.id).where(approved_releases.c.id == int(release_id))
            ).first()
        ):
            raise UnknownReleaseError(f"No release with id {release_id}")
        return conn.execute(
            _annotations.insert()
            .values(
                release_id=None if release_id is None else int(release_id),
                at=_db_ts(conn, at),
                text=body,
                created_by=who,
            )
            .returning(_annotations.c.id)
        ).scalar_one()


def _annotation_row(row: sa.Row) -> dict[str, Any]:
    out = dict(row._mapping)
    for key in ("at", "created_at"):
        out[key] = to_utc(out[key])
    return out


def list_annotations(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None = None,
    *,
    include_catalog: bool = True,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[dict[str, Any]]:
    """Annotations in time order, with the release key and title.

    ``release_ids=None`` lists every annotation; otherwise the notes of those releases plus
    (``include_catalog``) the catalog-wide ones, which belong on every release's chart.
    """
    a = _annotations.c
    stmt = _annotation_select()
    if release_ids is not None:
        ids = [int(r) for r in release_ids]
        cond = a.release_id.in_(ids)
        stmt = stmt.where(sa.or_(cond, a.release_id.is_(None)) if include_catalog else cond)
    if start is not None:
        stmt = stmt.where(a.at >= _db_ts(bind, start))
    if end is not None:
        stmt = stmt.where(a.at < _db_ts(bind, end))
    stmt = stmt.order_by(a.at, a.id)
    with _begin(bind) as conn:
        return [_annotation_row(r) for r in conn.execute(stmt)]


def _annotation_select() -> sa.Select:
    a = _annotations.c
    return select(
        _annotations,
        approved_releases.c.release_id.label("release_key"),
        approved_releases.c.title,
    ).select_from(_annotations.outerjoin(approved_releases, approved_releases.c.id == a.release_id))


def get_annotation(bind: Engine | Connection, annotation_id: int) -> dict[str, Any] | None:
    """One annotation with its release key and title (None for a catalog note), or None."""
    if not 0 < int(annotation_id) < 2**31:
        return None  # not an id the column can hold; PostgreSQL would refuse to compare
    with _begin(bind) as conn:
        row = conn.execute(
            _annotation_select().where(_annotations.c.id == int(annotation_id))
        ).first()
    return _annotation_row(row) if row else None


def delete_annotation(bind: Engine | Connection, annotation_id: int) -> bool:
    """Delete one annotation; False when there is none with that id (or none could have it)."""
    if not 0 < int(annotation_id) < 2**31:
        return False
    with _begin(bind) as conn:
        return (
            conn.execute(
                _annotations.delete().where(_annotations.c.id == int(annotation_id))
            ).rowcount
            > 0
        )


def claim_alert(
    bind: Engine | Connection,
    alert_key: str,
    *,
    release_id: int | None = None,
    channel: str = "webhook",
) -> bool:
    """Record that ``alert_key`` is being sent; False when someone already did (or does).

    The unique key plus ``ON CONFLICT DO NOTHING`` makes the claim atomic across workers,
    machines and repeated runs: exactly one caller gets True.
    """
    key = (alert_key or "").strip()
    if not key or len(key) > 255:
        raise InvalidValueError("alert key must be 1 to 255 characters")
    with _begin(bind) as conn:
        if _is_pg(conn):
            from sqlalchemy.dialects import postgresql

            stmt = postgresql.insert(_alerts_sent)
        else:
            stmt = sqlite_dialect.insert(_alerts_sent)
        stmt = stmt.values(alert_key=key, release_id=release_id, channel=channel)
        stmt = stmt.on_conflict_do_nothing(index_elements=["alert_key"])
        return conn.execute(stmt.returning(_alerts_sent.c.id)).first() is not None


def release_alert_claim(bind: Engine | Connection, alert_key: str) -> bool:
    """Forget a claim whose delivery failed, so that the next run tries again."""
    with _begin(bind) as conn:
        return (
            conn.execute(
                _alerts_sent.delete().where(_alerts_sent.c.alert_key == alert_key)
            ).rowcount
            > 0
        )


def sent_alert_keys(bind: Engine | Connection, keys: Iterable[str] | None = None) -> set[str]:
    """Which of ``keys`` (or all, when None) were already delivered."""
    stmt = select(_alerts_sent.c.alert_key)
    with _begin(bind) as conn:
        if keys is None:
            return set(conn.execute(stmt).scalars())
        wanted = sorted(set(keys))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            found.update(
                conn.execute(
                    stmt.where(_alerts_sent.c.alert_key.in_(wanted[i : i + 500]))
                ).scalars()
            )
        return found


def release_freshness(
    bind: Engine | Connection, release_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """Per release: when its newest number was recorded and by which source.

    Columns: release_id, newest_at (aware UTC), source, platform, metric_type.
    """
    c = content_performance.c
    if _is_pg(bind):  # one backward index probe per release instead of ranking every reading
        releases = _releases_subquery(release_ids)
        newest = (
            select(c.recorded_at, c.source, c.platform, c.metric_type)
            .where(c.release_id == releases.c.release_id, c.recorded_at.is_not(None))
            .order_by(c.recorded_at.desc(), c.id.desc())
            .limit(1)
            .lateral("newest")
        )
        stmt = (
            select(releases.c.release_id, *newest.c)
            .select_from(releases.join(newest, sa.true()))
            .order_by(releases.c.release_id)
        )
        frame = pd.DataFrame(
            _tuples_on(bind, stmt),
            columns=["release_id", "newest_at", "source", "platform", "metric_type"],
        )
        frame["newest_at"] = pd.to_datetime(frame["newest_at"], utc=True)
        return frame
    inner = select(
        c.release_id,
        c.recorded_at,
        c.source,
        c.platform,
        c.metric_type,
        func.row_number()
        .over(partition_by=c.release_id, order_by=[c.recorded_at.desc(), c.id.desc()])
        .label("rn"),
    )
    if release_ids is not None:
        inner = inner.where(c.release_id.in_([int(r) for r in release_ids]))
    inner = inner.subquery()
    stmt = (
        select(
            inner.c.release_id,
            inner.c.recorded_at,
            inner.c.source,
            inner.c.platform,
            inner.c.metric_type,
        )
        .where(inner.c.rn == 1)
        .order_by(inner.c.release_id)
    )
    with _begin(bind) as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(
        rows, columns=["release_id", "newest_at", "source", "platform", "metric_type"]
    )
    frame["newest_at"] = pd.to_datetime(frame["newest_at"], utc=True)
    return frame


def launch_dates(
    bind: Engine | Connection, release_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """Per release: key, label parts, approval time and first metric time (both aware UTC).

    Launch comparison counts days from the approval date, or from the first metric when a
    release has no approval date.
    """
    r = approved_releases.c
    first = (
        select(func.min(content_performance.c.recorded_at))
        .where(content_performance.c.release_id == r.id)
        .scalar_subquery()
        .label("first_at")
    )
    stmt = select(r.id, r.release_id, r.title, r.artist_name, r.approved_at, first).order_by(r.id)
    if release_ids is not None:
        stmt = stmt.where(r.id.in_([int(x) for x in release_ids]))
    with _begin(bind) as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(
        rows,
        columns=["release_id", "release_key", "title", "artist_name", "approved_at", "first_at"],
    )
    for col in ("approved_at", "first_at"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    return frame


def recent_reading_times(
    bind: Engine | Connection, release_ids: Sequence[int] | None = None, *, limit: int = 30
) -> pd.DataFrame:
    """Per release, its newest ``limit`` distinct reading times (oldest first), in one query.

    ``metrics.collection_interval_hours`` infers each release's collection schedule from them
    (a row_number window over the distinct times, which SQLite and PostgreSQL both run).
    Columns: release_id, recorded_at (aware UTC).
    """
    if limit < 1:
        raise InvalidValueError("limit must be at least 1")
    c = content_performance.c
    if _is_pg(bind):  # a short backward index scan per release instead of every reading
        stmt = _recent_reading_times_pg(release_ids, int(limit))
        with _begin(bind) as conn:
            rows = _tuples(conn, stmt)
        frame = pd.DataFrame(rows, columns=["release_id", "recorded_at"])
        frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
        return frame
    times = select(c.release_id, c.recorded_at).where(c.recorded_at.is_not(None)).distinct()
    if release_ids is not None:
        times = times.where(c.release_id.in_([int(r) for r in release_ids]))
    times = times.subquery()
    ranked = select(
        times.c.release_id,
        times.c.recorded_at,
        func.row_number()
        .over(partition_by=times.c.release_id, order_by=times.c.recorded_at.desc())
        .label("rn"),
    ).subquery()
    stmt = (
        select(ranked.c.release_id, ranked.c.recorded_at)
        .where(ranked.c.rn <= int(limit))
        .order_by(ranked.c.release_id, ranked.c.recorded_at)
    )
    with _begin(bind) as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=["release_id", "recorded_at"])
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
    return frame


def _releases_subquery(release_ids: Sequence[int] | None) -> sa.Subquery:
    """The releases asked for (all when None), to drive one index probe per release."""
    ar = approved_releases.c
    releases = select(ar.id.label("release_id"))
    if release_ids is not None:
        releases = releases.where(ar.id.in_([int(r) for r in release_ids]))
    return releases.subquery("releases")


def _recent_reading_times_pg(release_ids: Sequence[int] | None, limit: int) -> sa.Select:
    c = content_performance.c
    releases = _releases_subquery(release_ids)
    recent = (
        select(c.recorded_at)
        .where(c.release_id == releases.c.release_id, c.recorded_at.is_not(None))
        .group_by(c.recorded_at)  # distinct times, read newest first from the index
        .order_by(c.recorded_at.desc())
        .limit(limit)
        .lateral("recent")
    )
    return (
        select(releases.c.release_id, recent.c.recorded_at)
        .select_from(releases.join(recent, sa.true()))
        .order_by(releases.c.release_id, recent.c.recorded_at)
    )


@_one_transaction
def metric_freshness(
    bind: Engine | Connection,
    release_ids: Sequence[int],
    *,
    platforms: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per (release, metric type): when its newest reading was recorded and by which source.

    What each KPI card states about its own numbers (``metrics.freshness_by_metric``), for the
    releases and platforms the dashboard shows, in one query.
    Columns: release_id, metric_type, newest_at (aware UTC), source.
    """
    c = content_performance.c
    zones = _transaction_zones(bind)
    if zones:  # the newest reading's id per (release, metric) from the rollup, then its row
        newest = (
            select(
                _pd.release_id,
                _pd.metric_type,
                _newest(_pd.last_id, _pd.last_at, _pd.last_id).label("newest_id"),
            )
            .where(*_rollup_where(_RollupShape(True, False, bool(platforms), False, False)))
            .group_by(_pd.release_id, _pd.metric_type)
            .subquery("newest")
        )
        params: dict[str, Any] = {
            "zone": zones[0],
            "release_ids": [int(r) for r in release_ids],
            "platforms": [p.lower() for p in platforms or []],
        }
        stmt = (
            select(newest.c.release_id, newest.c.metric_type, c.recorded_at, c.source)
            .join(content_performance, c.id == newest.c.newest_id)
            .order_by(newest.c.metric_type, newest.c.release_id)
        )
        frame = pd.DataFrame(
            _tuples(bind, stmt, params),
            columns=["release_id", "metric_type", "newest_at", "source"],
        )
        frame["newest_at"] = pd.to_datetime(frame["newest_at"], utc=True)
        return frame
    inner = (
        select(
            c.release_id,
            c.metric_type,
            c.recorded_at,
            c.source,
            func.row_number()
            .over(
                partition_by=[c.release_id, c.metric_type],
                order_by=[c.recorded_at.desc(), c.id.desc()],
            )
            .label("rn"),
        )
        .where(
            c.recorded_at.is_not(None),
            *_filters(bind, release_ids, None, platforms, None, None),
        )
        .subquery()
    )
    stmt = (
        select(inner.c.release_id, inner.c.metric_type, inner.c.recorded_at, inner.c.source)
        .where(inner.c.rn == 1)
        .order_by(inner.c.metric_type, inner.c.release_id)
    )
    with _begin(bind) as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=["release_id", "metric_type", "newest_at", "source"])
    frame["newest_at"] = pd.to_datetime(frame["newest_at"], utc=True)
    return frame


# (end of insights)


# --------------------------------------------------------------------------- dashboard queries
# Owned by the dashboard tab (issue 4).  One query per chart; every aggregate is computed here,
# never by loading a release's rows into pandas.


def _period_aggregates(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    start: datetime | None,
    end: datetime,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    active_only: bool = False,
) -> tuple[sa.Subquery, dict[str, Any]]:
    """Per (release, platform, metric): what a period [start, end) added and where it ended,
    as a subquery and the parameters to execute it with.

    ``active_only``: the caller keeps only series with readings in the period (the
    leaderboard), so the rollup path may look up their history instead of scanning it.

    One pass over the readings before ``end`` with window functions:
    - ``latest`` the last lifetime total in the period, ``baseline`` the last one before it
      and ``first`` the first one in it (the fallback baseline when nothing came before:
      what a total grew from before tracking began is unknown, so it is not counted);
    - ``gain`` = latest - coalesce(baseline, first), plus the sum of per-period counts;
    - ``total`` = the lifetime total at the end (latest, else baseline) plus every per-period
      count up to ``end``;
    - ``corrections`` the readings in the period where a total dropped below the one before.
    """
    zone = _rollup_zone(bind, start, end)
    if zone:  # same columns and values from one row per series and day (issue 8)
        shape, params = _rollup_query(zone, release_ids, metric_types, platforms, start, end)
        return _period_gains_rollup(shape, active_only), params
    c = content_performance.c
    pkey = func.lower(c.platform)
    if start is None:
        in_period: sa.ColumnElement = sa.literal_column("1")
    else:
        in_period = sa.case((c.recorded_at >= _db_ts(bind, start), 1), else_=0)
    series = [c.release_id, pkey, c.metric_type, c.value_kind]
    inner = (
        select(
            c.release_id,
            pkey.label("platform_key"),
            c.metric_type,
            c.value_kind,
            c.metric_value,
            c.recorded_at,
            in_period.label("in_p"),
            func.row_number()
            .over(partition_by=[*series, in_period], order_by=[c.recorded_at.desc(), c.id.desc()])
            .label("rn_desc"),
            func.row_number()
            .over(partition_by=[*series, in_period], order_by=[c.recorded_at, c.id])
            .label("rn_asc"),
            func.lag(c.metric_value)
            .over(partition_by=series, order_by=[c.recorded_at, c.id])
            .label("prev"),
        )
        .where(*_filters(bind, release_ids, metric_types, platforms, None, end))
        .subquery("readings")
    )
    r = inner.c
    total = r.value_kind == "total"
    per_period = r.value_kind == "period"
    inside = r.in_p == 1
    latest = func.max(sa.case((sa.and_(total, inside, r.rn_desc == 1), r.metric_value)))
    first = func.max(sa.case((sa.and_(total, inside, r.rn_asc == 1), r.metric_value)))
    baseline = func.max(sa.case((sa.and_(total, r.in_p == 0, r.rn_desc == 1), r.metric_value)))
    period_sum = func.sum(sa.case((sa.and_(per_period, inside), r.metric_value)))
    prior_sum = func.sum(sa.case((sa.and_(per_period, r.in_p == 0), r.metric_value)))
    grouped = (
        select(
            r.release_id,
            r.platform_key,
            r.metric_type,
            latest.label("latest"),
            first.label("first"),
            baseline.label("baseline"),
            period_sum.label("period_sum"),
            prior_sum.label("prior_sum"),
            func.sum(
                sa.case(
                    (
                        sa.and_(total, inside, r.prev.is_not(None), r.metric_value < r.prev),
                        1,
                    ),
                    else_=0,
                )
            ).label("corrections"),
            func.sum(r.in_p).label("n_rows"),
            func.max(sa.case((inside, r.recorded_at))).label("last_at"),
        )
        .group_by(r.release_id, r.platform_key, r.metric_type)
        .subquery("grouped")
    )
    if _is_pg(bind):  # same columns and values without sorting all history (issue 8)
        grouped = _period_grouped_pg(bind, release_ids, start, end, metric_types, platforms)
    return _gains_from_grouped(grouped), {}


def _gains_from_grouped(grouped: sa.Subquery) -> sa.Subquery:
    """Gain and total per (release, platform, metric) from the ``grouped`` figures."""
    g = grouped.c
    zero = sa.literal(0, sa.BigInteger)
    gain = func.coalesce(g.latest - func.coalesce(g.baseline, g.first), zero) + func.coalesce(
        g.period_sum, zero
    )
    total_now = (
        func.coalesce(g.latest, g.baseline, zero)
        + func.coalesce(g.prior_sum, zero)
        + func.coalesce(g.period_sum, zero)
    )
    return select(
        g.release_id,
        g.platform_key,
        g.metric_type,
        sa.cast(gain, sa.BigInteger).label("gain"),  # ints, not Decimals, for pandas
        sa.cast(total_now, sa.BigInteger).label("total"),
        g.baseline,
        g.corrections,
        g.n_rows,
        g.last_at,
    ).subquery("period_gains")


PERIOD_GAIN_COLUMNS = [
    "release_id",
    "platform_key",
    "metric_type",
    "gain",
    "total",
    "baseline",
    "corrections",
    "n_rows",
    "last_at",
]


@_one_transaction
def period_gains(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    *,
    end: datetime,
    start: datetime | None = None,
    metric_types: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Gain in [start, end), total at the end and corrections per (release, platform, metric).

    The one query behind the KPI cards, the per-platform bars and the platform share (see
    ``_period_aggregates`` for the rules).  ``release_ids=None`` means the whole catalog.
    A series with readings only before the period has gain 0 and its last total.
    """
    sub, params = _period_aggregates(bind, release_ids, start, end, metric_types, platforms)
    # a rollup subquery is built once per shape: so is the statement around it
    stmt = (_period_gains_select_cached if params else _period_gains_select)(sub)
    with _begin(bind) as conn:
        rows = _tuples(conn, stmt, params)
    frame = pd.DataFrame(rows, columns=PERIOD_GAIN_COLUMNS)
    for col in ("gain", "total", "corrections", "n_rows"):
        frame[col] = frame[col].astype("int64")
    frame["baseline"] = frame["baseline"].astype("Int64")
    frame["last_at"] = pd.to_datetime(frame["last_at"], utc=True)
    return frame


def _period_gains_select(sub: sa.Subquery) -> sa.Select:
    return select(*[sub.c[name] for name in PERIOD_GAIN_COLUMNS]).order_by(
        sub.c.release_id, sub.c.platform_key, sub.c.metric_type
    )


_period_gains_select_cached = functools.lru_cache(maxsize=128)(_period_gains_select)


LEADERBOARD_COLUMNS = [
    "release_id",
    "release_key",
    "title",
    "artist_name",
    "gain",
    "total",
    "platforms",
]


@_one_transaction
def leaderboard(
    bind: Engine | Connection,
    metric_type: str,
    *,
    end: datetime,
    start: datetime | None = None,
    platforms: Sequence[str] | None = None,
    release_ids: Sequence[int] | None = None,
    limit: int = 10,
) -> pd.DataFrame:
    """The releases that gained most of ``metric_type`` in [start, end), summed over platforms.

    Gain per release and platform follows ``period_gains``; releases without a reading in the
    period are left out.  Ties are broken by total, then id, so the order is stable.
    """
    sub, params = _period_aggregates(
        bind, release_ids, start, end, [metric_type], platforms, active_only=True
    )
    limit = max(1, min(int(limit), 500))
    stmt = (_leaderboard_select_cached if params else _leaderboard_select)(sub, limit)
    with _begin(bind) as conn:
        rows = _tuples(conn, stmt, params)
    frame = pd.DataFrame(rows, columns=LEADERBOARD_COLUMNS)
    for col in ("gain", "total", "platforms"):
        frame[col] = frame[col].astype("int64")
    return frame


def _leaderboard_select(sub: sa.Subquery, limit: int) -> sa.Select:
    ar = approved_releases.c
    gain = func.sum(sub.c.gain)
    total = func.sum(sub.c.total)
    stmt = (
        select(
            sub.c.release_id,
            ar.release_id.label("release_key"),
            ar.title,
            ar.artist_name,
            gain.label("gain"),
            total.label("total"),
            func.count().label("platforms"),
        )
        .join(approved_releases, approved_releases.c.id == sub.c.release_id)
        .where(sub.c.n_rows > 0)
        .group_by(sub.c.release_id, ar.release_id, ar.title, ar.artist_name)
        .order_by(gain.desc(), total.desc(), sub.c.release_id)
        .limit(limit)
    )
    return stmt


_leaderboard_select_cached = functools.lru_cache(maxsize=128)(_leaderboard_select)


DROP_COLUMNS = [
    "release_id",
    "platform_key",
    "metric_type",
    "bucket",
    "recorded_at",
    "metric_value",
    "previous_value",
]


def total_drops(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    *,
    end: datetime,
    start: datetime | None = None,
    metric_types: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    bucket: str = "day",
    tz: str = "UTC",
) -> pd.DataFrame:
    """Readings in [start, end) where a lifetime total fell below the reading before it.

    A platform correction can hide inside a week or month bucket (the bucket's last total is
    still higher than the one before), so the chart marks these readings at their bucket
    instead of relying on bucket-to-bucket gains alone.  ``bucket`` is as in
    ``release_series``; the reading before may lie before ``start``.
    """
    if _is_pg(bind) and start is not None:
        inner = _readings_with_previous_pg(bind, release_ids, start, end, metric_types, platforms)
        inner = select(
            *[inner.c[k] for k in ("release_id", "platform_key", "metric_type")],
            _bucket_expr(bind, bucket, tz, inner.c.recorded_at).label("bucket"),
            inner.c.recorded_at,
            inner.c.metric_value,
            inner.c.previous_value,
        ).subquery("readings")
    else:
        inner = _readings_with_previous(bind, release_ids, end, metric_types, platforms, bucket, tz)
    r = inner.c
    where = [r.previous_value.is_not(None), r.metric_value < r.previous_value]
    if start is not None:
        where.append(r.recorded_at >= _db_ts(bind, start))
    stmt = (
        select(*[r[name] for name in DROP_COLUMNS])
        .where(*where)
        .order_by(r.release_id, r.platform_key, r.metric_type, r.recorded_at)
    )
    with _begin(bind) as conn:
        rows = _tuples(conn, stmt)
    frame = pd.DataFrame(rows, columns=DROP_COLUMNS)
    frame["bucket"] = pd.to_datetime(frame["bucket"])
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
    for col in ("metric_value", "previous_value"):
        frame[col] = frame[col].astype("int64")
    return frame


def _readings_with_previous_pg(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    start: datetime,
    end: datetime,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
) -> sa.Subquery:
    """The period's total readings with the reading before each (same as the window over all
    history, which sorted a heavy release's whole year): ``lag`` within the period, and for a
    series' first reading in it one backward index probe for the last reading before ``start``.
    """
    c = content_performance.c
    pkey = func.lower(c.platform)
    series = [c.release_id, pkey, c.metric_type]
    period = (
        select(
            c.release_id,
            pkey.label("platform_key"),
            c.metric_type,
            c.recorded_at,
            c.metric_value,
            func.lag(c.metric_value)
            .over(partition_by=series, order_by=[c.recorded_at, c.id])
            .label("prev_in"),
        )
        .where(
            c.value_kind == "total",
            *_filters(bind, release_ids, metric_types, platforms, start, end),
        )
        .subquery("period_readings")
    )
    p = period.c
    b = content_performance.alias("before_start")
    before = (
        select(b.c.metric_value)
        .where(
            b.c.release_id == p.release_id,
            func.lower(b.c.platform) == p.platform_key,
            b.c.metric_type == p.metric_type,
            b.c.value_kind == "total",
            b.c.recorded_at < _db_ts(bind, start),
        )
        .order_by(b.c.recorded_at.desc(), b.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return select(
        p.release_id,
        p.platform_key,
        p.metric_type,
        p.recorded_at,
        p.metric_value,
        sa.case((p.prev_in.is_(None), before), else_=p.prev_in).label("previous_value"),
    ).subquery("readings_prev")


def _readings_with_previous(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    end: datetime,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    bucket: str,
    tz: str,
) -> sa.Subquery:
    c = content_performance.c
    pkey = func.lower(c.platform)
    return (
        select(
            c.release_id,
            pkey.label("platform_key"),
            c.metric_type,
            _bucket_expr(bind, bucket, tz).label("bucket"),
            c.recorded_at,
            c.metric_value,
            func.lag(c.metric_value)
            .over(partition_by=[c.release_id, pkey, c.metric_type], order_by=[c.recorded_at, c.id])
            .label("previous_value"),
        )
        .where(
            c.value_kind == "total",
            *_filters(bind, release_ids, metric_types, platforms, None, end),
        )
        .subquery("readings")
    )


RECORD_COLUMNS = [
    "id",
    "recorded_at",
    "release_id",
    "release",
    "platform",
    "metric_type",
    "metric_value",
    "value_kind",
    "source",
    "notes",
]


def _record_columns() -> dict[str, sa.ColumnElement]:
    c = content_performance.c
    ar = approved_releases.c
    return {
        "id": c.id,
        "recorded_at": c.recorded_at,
        "release_id": c.release_id,
        "release": func.coalesce(ar.title, ar.release_id),
        "platform": c.platform,
        "metric_type": c.metric_type,
        "metric_value": c.metric_value,
        "value_kind": c.value_kind,
        "source": c.source,
        "notes": c.notes,
    }


def metric_records(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    *,
    metric_types: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    sort: Sequence[tuple[str, str]] = (("recorded_at", "desc"),),
    offset: int = 0,
    limit: int = 25,
) -> pd.DataFrame:
    """One page of the raw readings behind the charts, sorted in SQL (LIMIT/OFFSET).

    ``sort`` is a list of (column, "asc"|"desc") over ``RECORD_COLUMNS``; anything else is
    refused, so a column name from the browser never reaches SQL as text.
    """
    cols = _record_columns()
    order: list[sa.ColumnElement] = []
    for name, direction in sort:
        if name not in cols or direction not in ("asc", "desc"):
            raise InvalidValueError(f"cannot sort by {name!r} {direction!r}")
        order.append(cols[name].desc() if direction == "desc" else cols[name].asc())
    order.append(cols["id"].desc())
    stmt = (
        select(*[cols[name].label(name) for name in RECORD_COLUMNS])
        .join(approved_releases, approved_releases.c.id == content_performance.c.release_id)
        .where(*_filters(bind, release_ids, metric_types, platforms, start, end))
        .order_by(*order)
        .offset(max(0, int(offset)))
        .limit(max(1, min(int(limit), 1000)))
    )
    with _begin(bind) as conn:
        rows = _tuples(conn, stmt)
    frame = pd.DataFrame(rows, columns=RECORD_COLUMNS)
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
    return frame


def count_records(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    *,
    metric_types: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> int:
    """How many readings ``metric_records`` pages through (for the page count)."""
    stmt = (
        select(func.count())
        .select_from(content_performance)
        .where(*_filters(bind, release_ids, metric_types, platforms, start, end))
    )
    with _begin(bind) as conn:
        return int(conn.execute(stmt).scalar_one())


# --------------------------------------------------------------------------- data entry
# (issue 5: form edits, CSV export; the CSV import itself writes through insert_metrics)

EXPORT_CHUNK_ROWS = 20_000


def update_metric(bind: Engine | Connection, metric_id: int, /, **fields: Any) -> None:
    """Correct one reading (data-entry tab); the same checks as a new reading apply.

    Changing it into a reading that is already stored raises DuplicateMetricError.
    """
    with _begin(bind) as conn:
        current = conn.execute(
            select(content_performance).where(content_performance.c.id == int(metric_id))
        ).first()
        if current is None:
            raise PerformanceDbError(f"No metric with id {metric_id} (deleted meanwhile?)")
        merged = {k: getattr(current, k) for k in METRIC_COLUMNS}
        if not _is_pg(conn) and merged["recorded_at"] is not None:
            merged["recorded_at"] = to_utc(merged["recorded_at"])
        merged.update(fields)
        values = _metric_values(merged, conn)
        try:
            with conn.begin_nested():
                conn.execute(
                    content_performance.update()
                    .where(content_performance.c.id == int(metric_id))
                    .values(**values)
                )
        except IntegrityError as exc:
            raise DuplicateMetricError(
                f"{values['platform']} {values['metric_type']} at {values['recorded_at']} "
                "is already recorded for this release"
            ) from exc


def iter_metrics_for_export(
    bind: Engine | Connection,
    *,
    release_key: str | None = None,
    chunk_rows: int = EXPORT_CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """Every reading (or one release's) with its release key, streamed in DataFrame chunks.

    A server-side cursor (``stream_results``) keeps memory flat however large the table is.
    """
    c = content_performance.c
    r = approved_releases.c
    stmt = (
        select(
            r.release_id.label("release_key"),
            c.platform,
            c.metric_type,
            c.metric_value,
            c.recorded_at,
            c.value_kind,
            c.source_url,
            c.notes,
            r.title.label("release_title"),
            r.artist_name,
        )
        .select_from(content_performance.join(approved_releases, r.id == c.release_id))
        .order_by(r.release_id, c.recorded_at, c.id)
    )
    if release_key is not None:
        stmt = stmt.where(r.release_id == release_key)
    columns = [col.name for col in stmt.selected_columns]
    with _begin(bind) as conn:
        known = (
            release_key is None
            or conn.execute(select(r.id).where(r.release_id == release_key)).first()
        )
        if not known:
            raise UnknownReleaseError(f"No release with key {release_key!r}")
        result = conn.execution_options(stream_results=True, yield_per=chunk_rows).execute(stmt)
        for part in result.partitions(chunk_rows):
            # plain tuples: pandas probing SQLAlchemy Row objects is slower than the query
            frame = pd.DataFrame([tuple(row) for row in part], columns=columns)
            frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
            yield frame


# --------------------------------------------------------------------------- users (auth helper)


def list_users(bind: Engine | Connection) -> list[dict[str, Any]]:
    """Users and roles for `perfdash user list`; the password hash is never returned."""
    with _begin(bind) as conn:
        rows = conn.execute(
            select(users.c.username, users.c.role, users.c.created_at).order_by(users.c.username)
        )
        return [dict(r._mapping) for r in rows]


# --------------------------------------------------------------------------- performance
# Owned by the benchmarks helper (issue 8): PostgreSQL forms of aggregates whose portable
# (window function) form is kept for SQLite; tests/test_fastpath_equivalence.py proves both
# give what pandas computes from every row.


def _period_grouped_pg(
    bind: Engine | Connection,
    release_ids: Sequence[int] | None,
    start: datetime | None,
    end: datetime,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
) -> sa.Subquery:
    """The ``grouped`` step of ``_period_aggregates`` (same columns, same values) in two parts.

    The window form sorts every reading before ``end`` three times; here only the readings
    *in* the period are sorted (for ``lag``: corrections), and the history before it is one
    hash aggregate (last total, sum of per-period counts).  A period's first reading is
    compared with the last one before the period, so a drop across the boundary still counts.
    """
    c = content_performance.c
    pkey = func.lower(c.platform)
    series = [c.release_id, pkey, c.metric_type, c.value_kind]
    readings = (
        select(
            c.release_id,
            pkey.label("platform_key"),
            c.metric_type,
            c.value_kind,
            c.metric_value,
            c.recorded_at,
            c.id,
            func.lag(c.metric_value)
            .over(partition_by=series, order_by=[c.recorded_at, c.id])
            .label("prev"),
        )
        .where(*_filters(bind, release_ids, metric_types, platforms, start, end))
        .subquery("readings_in")
    )
    r = readings.c
    keys_in = [r.release_id, r.platform_key, r.metric_type, r.value_kind]
    dropped = sa.case((sa.and_(r.prev.is_not(None), r.metric_value < r.prev), 1), else_=0)
    inside = (
        select(
            *keys_in,
            _newest(r.metric_value, r.recorded_at, r.id).label("latest"),
            _newest(r.metric_value, r.recorded_at, r.id, oldest=True).label("first"),
            func.sum(r.metric_value).label("s_in"),
            func.count().label("n"),
            func.max(r.recorded_at).label("last_at"),
            func.sum(dropped).label("drops"),
        )
        .group_by(*keys_in)
        .subquery("inside")
    )
    i = inside.c
    if start is None:
        joined = select(
            *[i[k] for k in ("release_id", "platform_key", "metric_type", "value_kind")],
            i.latest,
            i.first,
            i.s_in,
            i.n,
            i.last_at,
            i.drops,
            sa.cast(sa.null(), sa.BigInteger).label("h_last"),
            sa.cast(sa.null(), sa.Numeric).label("s_before"),
        ).subquery("joined")
    else:
        before = (
            select(
                c.release_id,
                pkey.label("platform_key"),
                c.metric_type,
                c.value_kind,
                _newest(c.metric_value).label("h_last"),
                func.sum(c.metric_value).label("s_before"),
            )
            .where(*_filters(bind, release_ids, metric_types, platforms, None, start))
            .group_by(*series)
            .subquery("history")
        )
        h = before.c
        names = ("release_id", "platform_key", "metric_type", "value_kind")
        joined = (
            select(
                *[func.coalesce(i[k], h[k]).label(k) for k in names],
                i.latest,
                i.first,
                i.s_in,
                i.n,
                i.last_at,
                i.drops,
                h.h_last,
                h.s_before,
            )
            .select_from(inside.join(before, sa.and_(*[i[k] == h[k] for k in names]), full=True))
            .subquery("joined")
        )
    return _grouped_from_joined(joined)


def _grouped_from_joined(joined: sa.Subquery) -> sa.Subquery:
    """The ``grouped`` step from per-series figures of the period and of the history before
    it (columns of ``_period_grouped_pg``'s ``joined``), whichever path computed them."""
    j = joined.c
    total = j.value_kind == "total"
    per_period = j.value_kind == "period"
    across = sa.case((sa.and_(j.first.is_not(None), j.first < j.h_last), 1), else_=0)
    return (
        select(
            j.release_id,
            j.platform_key,
            j.metric_type,
            func.max(sa.case((total, j.latest))).label("latest"),
            func.max(sa.case((total, j.first))).label("first"),
            func.max(sa.case((total, j.h_last))).label("baseline"),
            func.sum(sa.case((per_period, j.s_in))).label("period_sum"),
            func.sum(sa.case((per_period, j.s_before))).label("prior_sum"),
            func.sum(sa.case((total, func.coalesce(j.drops, 0) + across), else_=0)).label(
                "corrections"
            ),
            func.coalesce(func.sum(j.n), 0).label("n_rows"),
            func.max(j.last_at).label("last_at"),
        )
        .group_by(j.release_id, j.platform_key, j.metric_type)
        .subquery("grouped")
    )


# --------------------------------------------------------------------------- rollup
# performance_daily (schema/tables.py, revision 0006): one row per series and local day, kept exact by
# triggers on PostgreSQL.  Reads use it when the period starts and ends at local midnights of
# a rollup zone; otherwise they read the readings (same numbers).  tests/test_rollup.py proves
# both paths agree and that the triggers keep the rollup equal to a fresh count.

_pd = performance_daily.c
_SERIES_KEY = ("release_id", "platform_key", "metric_type", "value_kind")


# Every reading of zone ``:tz`` (a zone already in performance_rollup_zones).
_ALL_READINGS = (
    "content_performance c JOIN performance_rollup_zones z ON z.tz = :tz "
    "WHERE c.recorded_at IS NOT NULL"
)

# Count the whole rollup of zone ``:tz``.
_BUILD_ZONE = rollup_insert_sql(_ALL_READINGS)

# How many rollup rows of zone ``:tz`` differ from a fresh count (0 when exact).
_COUNT_DIFFERENCES = (
    f"WITH fresh AS ({rollup_count_sql(_ALL_READINGS)}), "  # noqa: S608 - constants only
    f"stored AS (SELECT {ROLLUP_COLUMNS} FROM performance_daily WHERE tz = :tz) "
    "SELECT count(*) FROM ("
    "(SELECT * FROM fresh EXCEPT ALL SELECT * FROM stored) UNION ALL "
    "(SELECT * FROM stored EXCEPT ALL SELECT * FROM fresh)) AS differences"
)


def rollup_zones(bind: Engine | Connection) -> list[str]:
    """The time zones whose local days the rollup counts (empty on SQLite)."""
    if not _is_pg(bind):
        return []
    with _begin(bind) as conn:
        return list(conn.execute(select(performance_rollup_zones.c.tz).order_by("tz")).scalars())


def set_rollup_zones(bind: Engine | Connection, zones: Iterable[str]) -> list[str]:
    """Count the rollup for exactly ``zones`` (PERFDASH_TZ); returns the zones newly counted.

    Writers wait while a new zone is counted (SHARE lock on content_performance), so no reading
    is missed or counted twice.  A no-op on SQLite and when nothing changes.
    """
    wanted = sorted(set(zones))
    for zone in wanted:
        ZoneInfo(zone)  # an unknown zone fails here, before SQL
    if not _is_pg(bind) or rollup_zones(bind) == wanted:
        return []
    zc = performance_rollup_zones.c
    with _begin(bind) as conn:
        conn.info.pop("perfdash.rollup_zones", None)  # see _transaction_zones
        conn.execute(sa.text("LOCK TABLE content_performance IN SHARE MODE"))
        have = set(conn.execute(select(zc.tz)).scalars())
        gone = sorted(have - set(wanted))
        if gone:
            conn.execute(sa.delete(performance_daily).where(_pd.tz.in_(gone)))
            conn.execute(sa.delete(performance_rollup_zones).where(zc.tz.in_(gone)))
        added = [zone for zone in wanted if zone not in have]
        for zone in added:
            conn.execute(sa.insert(performance_rollup_zones).values(tz=zone))
            conn.execute(sa.text(_BUILD_ZONE), {"tz": zone})
        # plans for the new row counts; the zones too: never analysed, the planner takes the
        # table for hundreds of zones and multiplies every write's rollup estimate by that
        conn.execute(sa.text("ANALYZE performance_daily, performance_rollup_zones"))
    return added


def rollup_differences(bind: Engine | Connection, tz: str) -> int:
    """Rollup rows of ``tz`` that differ from a fresh count of the readings (0 when exact)."""
    with _begin(bind) as conn:
        return int(conn.execute(sa.text(_COUNT_DIFFERENCES), {"tz": tz}).scalar_one())


def _transaction_zones(bind: Engine | Connection) -> list[str]:
    """``rollup_zones`` read once per transaction of a caller's connection.

    A dashboard callback makes four rollup-aware reads on one connection; asking for the zones
    once instead of four times saved ~2 ms of a 37 ms heavy release view.  Keyed by the
    transaction object, so the next transaction (the next callback) asks again and a zone
    that ``db upgrade`` removed is never read from after that.
    """
    if not isinstance(bind, Connection):
        return rollup_zones(bind)
    cached = bind.info.get("perfdash.rollup_zones")
    txn = bind.get_transaction()
    if txn is not None and cached is not None and cached[0] is txn:
        return cached[1]
    zones = rollup_zones(bind)
    bind.info["perfdash.rollup_zones"] = (bind.get_transaction(), zones)
    return zones


def _local_midnight_day(moment: datetime, zone: str):
    local = to_utc(moment).astimezone(ZoneInfo(zone))
    if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
        return None
    return local.date()


def _rollup_zone(bind: Engine | Connection, *moments: datetime | None, tz: str | None = None):
    """A rollup zone in which every given moment is a local midnight, else None.

    With ``tz`` only that zone qualifies (day buckets must be that zone's days).
    """
    if not _is_pg(bind):
        return None
    zones = _transaction_zones(bind)
    for zone in [tz] if tz else zones:
        if zone in zones and all(
            m is None or _local_midnight_day(m, zone) is not None for m in moments
        ):
            return zone
    return None


@dataclass(frozen=True)
class _RollupShape:
    """Which filters a rollup read has; the values go in as parameters, so the statement of
    each shape is built once per process (building SQLAlchemy statements for the view's four
    queries cost more than running them)."""

    releases: bool
    metrics: bool
    platforms: bool
    first_day: bool
    end_day: bool


def _rollup_query(
    zone: str,
    release_ids: Sequence[int] | None,
    metric_types: Sequence[str] | None,
    platforms: Sequence[str] | None,
    start: datetime | None,
    end: datetime | None,
) -> tuple[_RollupShape, dict[str, Any]]:
    first_day = None if start is None else _local_midnight_day(start, zone)
    end_day = None if end is None else _local_midnight_day(end, zone)
    params: dict[str, Any] = {"zone": zone, "first_day": first_day, "end_day": end_day}
    if release_ids is not None:
        params["release_ids"] = [int(r) for r in release_ids]
    if metric_types:
        params["metric_types"] = list(metric_types)
    if platforms:
        params["platforms"] = [p.lower() for p in platforms]
    shape = _RollupShape(
        release_ids is not None,
        bool(metric_types),
        bool(platforms),
        first_day is not None,
        end_day is not None,
    )
    return shape, params


def _rollup_where(
    shape: _RollupShape, *, until_first_day: bool = False, table: Any = _pd
) -> list[sa.ColumnElement]:
    """The shape's filters; ``until_first_day``: the history before the period instead."""
    where: list[sa.ColumnElement] = [table.tz == sa.bindparam("zone")]
    if shape.releases:
        where.append(table.release_id.in_(sa.bindparam("release_ids", expanding=True)))
    if shape.metrics:
        where.append(table.metric_type.in_(sa.bindparam("metric_types", expanding=True)))
    if shape.platforms:
        where.append(table.platform_key.in_(sa.bindparam("platforms", expanding=True)))
    if until_first_day:
        where.append(table.day < sa.bindparam("first_day", type_=sa.Date))
        return where
    if shape.first_day:
        where.append(table.day >= sa.bindparam("first_day", type_=sa.Date))
    if shape.end_day:
        where.append(table.day < sa.bindparam("end_day", type_=sa.Date))
    return where


def _rollup_series(shape: _RollupShape, *, total_only: bool = False) -> sa.CTE:
    """Each series (release, platform, metric, kind) of the shape's releases in the rollup.

    A loose index scan of the rollup's primary key: per release the first series, then
    repeatedly the next one after it, one index probe per series (PostgreSQL 15 has no skip
    scan).  A heavy release has a few series but a row per series and day; reading its history
    only to find the newest day before a period took 3 ms of a 4 ms query.
    """
    order = [_pd.platform_key, _pd.metric_type, _pd.value_kind]
    rel = approved_releases.alias("rel")
    first = (
        select(_pd.release_id, *order)
        .where(_pd.tz == sa.bindparam("zone"), _pd.release_id == rel.c.id)
        .order_by(*order)
        .limit(1)
        .lateral("first_series")
    )
    found = (
        select(*first.c)
        .select_from(rel.join(first, sa.true()))
        .where(rel.c.id.in_(sa.bindparam("release_ids", expanding=True)))
        .cte("series", recursive=True)
    )
    d = performance_daily.alias("d")
    after = (
        select(d.c.release_id, d.c.platform_key, d.c.metric_type, d.c.value_kind)
        .where(
            d.c.tz == sa.bindparam("zone"),
            d.c.release_id == found.c.release_id,
            sa.tuple_(d.c.platform_key, d.c.metric_type, d.c.value_kind)
            > sa.tuple_(found.c.platform_key, found.c.metric_type, found.c.value_kind),
        )
        .order_by(d.c.platform_key, d.c.metric_type, d.c.value_kind)
        .limit(1)
        .lateral("next_series")
    )
    found = found.union_all(select(*after.c).select_from(found.join(after, sa.true())))
    where = []
    if total_only:
        where.append(found.c.value_kind == "total")
    if shape.metrics:
        where.append(found.c.metric_type.in_(sa.bindparam("metric_types", expanding=True)))
    if shape.platforms:
        where.append(found.c.platform_key.in_(sa.bindparam("platforms", expanding=True)))
    return select(*found.c).where(*where).cte("wanted_series")


def _days_before(h: Any, series: Any, day_param: str) -> list[sa.ColumnElement]:
    """Rollup rows ``h`` of the zone, of the series in ``series``, before ``day_param``: a
    range of one key of the rollup's primary key (a probe per series, not a scan)."""
    return [
        h.c.tz == sa.bindparam("zone"),
        h.c.day < sa.bindparam(day_param, type_=sa.Date),
        *[h.c[k] == series[k] for k in _SERIES_KEY],
    ]


def _newest_day_before(series: Any, day_param: str) -> sa.Subquery:
    """LATERAL: the series' newest rollup day before ``day_param`` (a backward index probe)."""
    h = performance_daily.alias("h")
    return (
        select(h.c.last_value, h.c.last_at)
        .where(*_days_before(h, series.c, day_param))
        .order_by(h.c.day.desc())
        .limit(1)
        .lateral("newest_before")
    )


def _sum_before(series: Any) -> sa.ScalarSelect:
    """The sum of a series' per-period counts before the period (``first_day``)."""
    h = performance_daily.alias("h")
    return select(func.sum(h.c.sum_value)).where(*_days_before(h, series, "first_day"))


def _rollup_last(table: Any = _pd) -> sa.ColumnElement:
    return _newest(table.last_value, table.last_at, table.last_id)


@functools.lru_cache(maxsize=128)
def _release_series_rollup(shape: _RollupShape, bucket: str) -> sa.Select:
    """release_series from the rollup: a bucket's newest reading is its newest day's."""
    if bucket not in BUCKETS:  # it goes into the SQL as a literal
        raise InvalidValueError(f"bucket must be one of {', '.join(BUCKETS)}")
    b = func.date_trunc(sa.literal_column(f"'{bucket}'"), sa.cast(_pd.day, sa.DateTime))
    b = b.label("bucket")
    keys = [_pd.release_id, _pd.platform_key, _pd.metric_type, _pd.value_kind]
    return (
        select(
            *keys,
            b,
            _rollup_last().label("last_value"),
            # bigint, not numeric: pandas builds int64 columns from ints several times faster
            # than from Decimal objects (a value beyond 2**63 fails either way)
            sa.cast(func.sum(_pd.sum_value), sa.BigInteger).label("sum_value"),
            func.sum(_pd.n_rows).label("n_rows"),
            func.max(_pd.last_at).label("last_at"),
        )
        .where(*_rollup_where(shape))
        .group_by(*keys, b)
        .order_by(_pd.release_id, _pd.platform_key, _pd.metric_type, b, _pd.value_kind)
    )


@functools.lru_cache(maxsize=128)
def _totals_before_rollup(shape: _RollupShape) -> sa.Select:
    if shape.releases:  # one backward index probe per series instead of a scan of history
        s = _rollup_series(shape, total_only=True)
        newest = _newest_day_before(s, "end_day")
        keys = [s.c.release_id, s.c.platform_key, s.c.metric_type]
        return (
            select(
                *keys, newest.c.last_value.label("baseline"), newest.c.last_at.label("baseline_at")
            )
            .select_from(s.join(newest, sa.true()))
            .order_by(*keys)
        )
    keys = [_pd.release_id, _pd.platform_key, _pd.metric_type]
    return (
        select(
            *keys,
            _rollup_last().label("baseline"),
            func.max(_pd.last_at).label("baseline_at"),
        )
        .where(_pd.value_kind == "total", *_rollup_where(shape))
        .group_by(*keys)
        .order_by(*keys)
    )


@functools.lru_cache(maxsize=128)
def _period_gains_rollup(shape: _RollupShape, active_only: bool) -> sa.Subquery:
    return _gains_from_grouped(_grouped_from_joined(_period_joined_rollup(shape, active_only)))


def _period_joined_rollup(shape: _RollupShape, active_only: bool) -> sa.Subquery:
    """Per series, the period's figures and its history's, from the rollup.

    Corrections: drops within a day are stored; a drop between two days is a day whose first
    reading is below the previous day's last (``lag`` over the period's days, a few rows per
    series); the drop across the period's start is ``_grouped_from_joined``'s ``across``.
    """
    part = [_pd[k] for k in _SERIES_KEY]
    days = (
        select(
            *part,
            _pd.first_at,
            _pd.first_id,
            _pd.first_value,
            _pd.last_at,
            _pd.last_id,
            _pd.last_value,
            _pd.sum_value,
            _pd.n_rows,
            _pd.drops,
            func.lag(_pd.last_value).over(partition_by=part, order_by=_pd.day).label("prev"),
        )
        .where(*_rollup_where(shape))
        .subquery("days_in")
    )
    d = days.c
    keys_in = [d[k] for k in _SERIES_KEY]
    between = sa.case((sa.and_(d.prev.is_not(None), d.first_value < d.prev), 1), else_=0)
    inside = (
        select(
            *keys_in,
            _rollup_last(d).label("latest"),
            _newest(d.first_value, d.first_at, d.first_id, oldest=True).label("first"),
            func.sum(d.sum_value).label("s_in"),
            func.sum(d.n_rows).label("n"),
            func.max(d.last_at).label("last_at"),
            func.sum(d.drops + between).label("drops"),
        )
        .group_by(*keys_in)
        .subquery("inside")
    )
    i = inside.c
    figures = [i.latest, i.first, i.s_in, i.n, i.last_at, i.drops]
    if not shape.first_day:
        no_history = [
            sa.cast(sa.null(), sa.BigInteger).label("h_last"),
            sa.cast(sa.null(), sa.Numeric).label("s_before"),
        ]
        return select(*[i[k] for k in _SERIES_KEY], *figures, *no_history).subquery("joined")
    if active_only:  # one index lookup per active series instead of a scan of history
        h = performance_daily.alias("h")
        h_last = (
            select(h.c.last_value)
            .where(*_days_before(h, i, "first_day"))
            .order_by(h.c.day.desc())
            .limit(1)
        )
        return select(
            *[i[k] for k in _SERIES_KEY],
            *figures,
            h_last.scalar_subquery().label("h_last"),
            sa.case((i.value_kind == "period", _sum_before(i).scalar_subquery())).label("s_before"),
        ).subquery("joined")
    if shape.releases:  # the series of these releases, each with one probe into its history
        found = _rollup_series(shape)
        newest = _newest_day_before(found, "first_day")
        s_before = _sum_before(found.c)
        on_keys = sa.and_(*[i[k] == found.c[k] for k in _SERIES_KEY])
        return (
            select(
                *[found.c[k] for k in _SERIES_KEY],
                *figures,
                newest.c.last_value.label("h_last"),
                sa.case((found.c.value_kind == "period", s_before.scalar_subquery())).label(
                    "s_before"
                ),
            )
            .select_from(found.outerjoin(inside, on_keys).outerjoin(newest, sa.true()))
            .where(sa.or_(i.n.is_not(None), newest.c.last_value.is_not(None)))
            .subquery("joined")
        )
    history = (
        select(
            *part,
            _rollup_last().label("h_last"),
            func.sum(_pd.sum_value).label("s_before"),
        )
        .where(*_rollup_where(shape, until_first_day=True))
        .group_by(*part)
        .subquery("history")
    )
    hc = history.c
    return (
        select(
            *[func.coalesce(i[k], hc[k]).label(k) for k in _SERIES_KEY],
            *figures,
            hc.h_last,
            hc.s_before,
        )
        .select_from(
            inside.join(history, sa.and_(*[i[k] == hc[k] for k in _SERIES_KEY]), full=True)
        )
        .subquery("joined")
    )


__all__ = [
    "BUCKETS",
    "DatabaseUnavailableError",
    "DuplicateMetricError",
    "DuplicateReleaseError",
    "InvalidValueError",
    "PerformanceDbError",
    "UnknownReleaseError",
    "WriteResult",
    "add_performance_metric",
    "apply_schema",
    "count_metrics",
    "create_release",
    "default_engine",
    "get_performance_metrics_for_release",
    "insert_metrics",
    "make_engine",
    "release_series",
    "search_releases",
    "totals_before",
    "transaction",
]
