"""Engines, connections and transactions on either backend, and the translation of their errors.

Every store function takes an ``Engine`` or a ``Connection``: with an engine it opens its own
transaction, with a connection it joins the caller's (``transaction``), so several calls can
share one snapshot or be all-or-nothing without the caller touching SQLAlchemy.

Timestamps are stored in UTC.  PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so
values are written as naive UTC (``_db_ts``) and read back as aware UTC (``to_utc``).  SQLite
also lacks time-zone arithmetic, so the bucket of a reading in the display zone is a
registered deterministic function there (``pd_bucket``) and ``date_trunc`` on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError

from perfdash.config import (
    DEFAULT_MAX_OVERFLOW,
    DEFAULT_POOL_SIZE,
    Settings,
    load_settings,
)
from perfdash.store.errors import (
    DatabaseBusyError,
    DatabaseNotUpgradedError,
    DatabaseRefusedError,
    DatabaseUnavailableError,
    InvalidValueError,
    PerformanceDbError,
    UnknownReleaseError,
)

_log = logging.getLogger(__name__)
# what a person is told when the database refused for a reason no check foresaw: never the
# database's own text (it names tables, columns, values); the faces add the request id
_REFUSED = "The database refused this request; nothing was changed and the detail was logged"
_REFUSED_WRITE = "The database refused the write; nothing was changed and the detail was logged"


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


def make_engine(
    url: str,
    *,
    statement_timeout_ms: int = 15_000,
    lock_timeout_ms: int | None = None,
    pooler: str | None = None,
    pool_size: int = DEFAULT_POOL_SIZE,
    max_overflow: int = DEFAULT_MAX_OVERFLOW,
) -> Engine:
    """An engine configured for perfdash's rules on either backend.

    ``pool_pre_ping`` lets a worker survive a database restart without being restarted itself.
    On PostgreSQL every transaction starts by setting its own limits with ``set_config(...,
    true)`` (``SET LOCAL``): the statement timeout, the lock timeout when given, ``timezone``
    UTC and JIT off.  Startup ``options`` would be simpler, but PgBouncer refuses them (or, told
    to ignore them, drops them silently), and a plain ``SET`` would leak to whichever client
    the pooler hands the server connection next; ``SET LOCAL`` ends with the transaction, so it
    is right with and without a pooler.  JIT is off because the dashboard's queries run in
    milliseconds but their estimated cost crosses ``jit_above_cost``: compiling took 430 ms of
    a 600 ms leaderboard on ten million rows.  ``pooler="transaction"``: psycopg never prepares
    statements on the server (a prepared statement lives on one server connection, and the
    pooler gives the next transaction another one: ``prepared statement "_pg3_0" already
    exists``).  ``statement_timeout_ms=0`` means no statement timeout (the migrations).
    """
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    connect_args: dict[str, Any] = {"connect_timeout": 5}
    if pooler == "transaction":
        connect_args["prepare_threshold"] = None
    engine = sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        connect_args=connect_args,
    )
    limits = {
        "statement_timeout": str(int(statement_timeout_ms)),
        "timezone": "UTC",
        "jit": "off",
    }
    if lock_timeout_ms is not None:
        limits["lock_timeout"] = str(int(lock_timeout_ms))
    # one statement, one round trip, the same text every time
    set_limits = "SELECT " + ", ".join(f"set_config('{k}', '{v}', true)" for k, v in limits.items())

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(set_limits)

    return engine


def engine_from_settings(
    settings: Settings,
    url: str | None = None,
    *,
    statement_timeout_ms: int | None = None,
    lock_timeout_ms: int | None = None,
) -> Engine:
    """The engine the settings describe: their pooler mode and pool size, their timeout (or the
    one given: the migrations run without a statement timeout and with a lock timeout)."""
    return make_engine(
        url or settings.database_url,
        statement_timeout_ms=(
            settings.statement_timeout_ms if statement_timeout_ms is None else statement_timeout_ms
        ),
        lock_timeout_ms=lock_timeout_ms,
        pooler=settings.db_pooler,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )


def _sqlite_engine(url: str, **options: Any) -> Engine:
    engine = sa.create_engine(url, connect_args={"timeout": 30}, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite would BEGIN only at the first INSERT, so a SAVEPOINT before it (a
        # release created inside an import) opened and committed a transaction of its
        # own; SQLAlchemy's recipe: the driver never begins, the "begin" event below does.
        dbapi_conn.isolation_level = None
        dbapi_conn.create_function("pd_bucket", 3, _sqlite_bucket, deterministic=True)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


@functools.lru_cache(maxsize=4)
def _engine_for_url(url: str) -> Engine:
    # One pool per process and URL for the original module-level API; an engine is a
    # connection pool, not data, so workers cannot disagree through it.
    return make_engine(url)


def default_engine() -> Engine:
    """The engine for ``DATABASE_URL`` (or the embedded SQLite file)."""
    return _engine_for_url(load_settings().database_url)


def _is_pg(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "postgresql"


_SUM_TOO_LARGE = (
    "These readings add up past 9,223,372,036,854,775,807, the largest whole number the "
    "database can add; nothing is shown rather than a wrong number"
)


def _overflowed(text: str) -> bool:
    """A sum past 2^63 - 1: SQLite's sum() says "integer overflow", PostgreSQL's cast of a
    NUMERIC sum to BIGINT "bigint out of range"."""
    return "integer overflow" in text or "bigint out of range" in text


_NO_TABLES = (
    "The database has no perfdash tables (or not all of them): run `perfdash db upgrade`, "
    "then try again"
)
_OLD_TABLES = (
    "The database's perfdash tables are older than this perfdash: run `perfdash db upgrade`, "
    "then try again"
)
# SQLite's words, PostgreSQL's SQLSTATEs (undefined_table, undefined_column)
_MISSING = {"no such table": _NO_TABLES, "no such column": _OLD_TABLES}
_MISSING_STATES = {"42P01": _NO_TABLES, "42703": _OLD_TABLES}


def _not_upgraded(exc: DBAPIError) -> DatabaseNotUpgradedError | None:
    """A statement that names a table or column the database lacks: the schema is missing or
    older than the code (never upgraded), which ``perfdash db upgrade`` cures."""
    message = _MISSING_STATES.get(getattr(exc.orig, "sqlstate", None) or "")
    if message is None and exc.orig is not None:
        text = str(exc.orig).lower()
        message = next((m for words, m in _MISSING.items() if text.startswith(words)), None)
    if message is None:
        return None
    _log.warning("the database is not upgraded: %s", exc.orig)
    return DatabaseNotUpgradedError(message)


def _refused(text: str, detail: object, level: int = logging.ERROR) -> DatabaseRefusedError:
    """A refusal in fixed words with a reference that finds its logged detail: the same in a
    page, an API answer, a job's summary and the command line (a job has no request id)."""
    reference = uuid.uuid4().hex[:12]
    _log.log(level, "the database refused a statement (reference %s): %s", reference, detail)
    return DatabaseRefusedError(f"{text} (reference {reference})")


@contextlib.contextmanager
def _translate_errors() -> Iterator[None]:
    """Turn driver and SQLAlchemy errors into PerformanceDbError subclasses."""
    try:
        yield
    except PerformanceDbError:
        raise
    except OperationalError as exc:
        if missing := _not_upgraded(exc):
            raise missing from exc
        text = str(exc.orig).lower() if exc.orig else str(exc).lower()
        if _overflowed(text):
            raise InvalidValueError(_SUM_TOO_LARGE) from exc
        if "lock timeout" in text:
            raise DatabaseBusyError(
                "The database waited too long for a lock (another session holds the table); "
                "nothing was changed, try again in a quieter moment"
            ) from exc
        if "statement timeout" in text or "canceling statement" in text:
            raise DatabaseBusyError(
                "The database took too long to answer; narrow the period or try again"
            ) from exc
        if "database is locked" in text:
            raise DatabaseBusyError("The database is busy; try again in a moment") from exc
        raise DatabaseUnavailableError(
            "The database is unavailable; check that it is running and DATABASE_URL is right"
        ) from exc
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        if "foreign key" in text:
            raise UnknownReleaseError("The release does not exist (any more)") from exc
        raise _refused(_REFUSED_WRITE, exc.orig, logging.WARNING) from exc
    except DBAPIError as exc:
        if missing := _not_upgraded(exc):
            raise missing from exc
        if _overflowed(str(exc.orig).lower()):
            raise InvalidValueError(_SUM_TOO_LARGE) from exc
        if exc.connection_invalidated:
            raise DatabaseUnavailableError(
                "The connection to the database was lost; try again"
            ) from exc
        raise _refused(_REFUSED, exc.orig) from exc
    except SQLAlchemyError as exc:
        raise _refused(_REFUSED, exc) from exc
    except UnicodeEncodeError as exc:  # a lone surrogate the driver cannot send as UTF-8
        _log.warning("a value the database cannot hold: %s", exc)
        raise InvalidValueError("A text holds a character that is not valid Unicode") from exc


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


_SNAPSHOT = "perfdash.snapshot"  # Connection.info: the transaction that only reads


@contextlib.contextmanager
def read_snapshot(bind: Engine | Connection) -> Iterator[Connection]:
    """``transaction`` for a caller that only reads (a dashboard view): what one of its reads
    learned about the data (which per-country series have no worldwide one) holds for the
    others, so the store may ask once (``store.territories``).  Nothing may be written in it."""
    with _begin(bind) as conn:
        conn.info[_SNAPSHOT] = conn.get_transaction()
        try:
            yield conn
        finally:
            conn.info.pop(_SNAPSHOT, None)
            conn.info.pop("perfdash.scopes", None)


def _reads_only(conn: Connection) -> bool:
    """Whether ``conn``'s transaction is a ``read_snapshot``."""
    txn = conn.get_transaction()
    return txn is not None and conn.info.get(_SNAPSHOT) is txn


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


def apply_schema(
    engine: Engine | None = None, *, progress: Callable[[str], None] | None = None
) -> None:
    """Bring the database to the current schema (the original module's entry point);
    ``progress`` hears a line per revision applied."""
    # imported here: Alembic takes ~170 ms to import and only this entry point needs it
    from perfdash.migrations import upgrade

    with _translate_errors():
        upgrade(engine or default_engine(), progress=progress)


def pending_revisions(engine: Engine) -> list[str]:
    """The schema revisions ``apply_schema`` would apply, oldest first."""
    from perfdash.migrations import pending_revisions as pending

    with _translate_errors():
        return pending(engine)


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(select(1))
        return True
    except SQLAlchemyError:
        return False
