"""Many readings in one transaction: COPY on PostgreSQL, ``executemany`` on SQLite, never one
commit per row.

Readings already stored are skipped and counted (``INSERT ... ON CONFLICT DO NOTHING`` against
the natural-key unique index), so re-importing a file adds nothing and says so.  On PostgreSQL
the frame is copied as CSV text written in big blocks, which pandas formats in C.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd
import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import MAX_METRIC_VALUE, content_performance
from perfdash.store.engine import _begin, _db_ts, _is_pg
from perfdash.store.errors import InvalidValueError, UnknownReleaseError, WriteResult
from perfdash.store.releases import existing_release_ids
from perfdash.vocab import READING_FIELDS, SOURCES, VALUE_KINDS


def insert_metrics(
    bind: Engine | Connection,
    records: pd.DataFrame | Sequence[dict[str, Any]],
    *,
    expect_new: bool = False,
) -> WriteResult:
    """Write many readings in one transaction; readings already stored are skipped and counted.

    ``records`` carry integer ``release_id``s (see ``release_ids_for_keys``) and the columns of
    ``READING_FIELDS``.  A release id that does not exist aborts the whole write.

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
    for col, pattern in (("country", r"[A-Z]{2}"), ("currency", r"[A-Z]{3}")):
        if col not in frame:
            frame[col] = ""
        frame[col] = frame[col].fillna("")
        codes = [c for c in frame[col].unique().tolist() if c != ""]
        if not all(isinstance(c, str) and re.fullmatch(pattern, c) for c in codes):
            raise InvalidValueError(f"{col} must be an upper-case ISO code or empty")
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
    return frame[list(READING_FIELDS)]


_COPY_CHUNK_ROWS = 50_000

_CSV_TEXT_COLUMNS = ("platform", "metric_type", "value_kind", "source", "source_url", "notes")
# country and currency are checked codes (two or three letters, or empty): never \N


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
    cols = ", ".join(READING_FIELDS)
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
        "source varchar(20), source_url text, notes text, country varchar(2), "
        "currency varchar(3)) ON COMMIT DELETE ROWS"
    )
    cols = ", ".join(READING_FIELDS)
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


def add_to_readings(conn: Connection, frame: pd.DataFrame) -> int:
    """Add each row's value to the stored reading with its natural key (release, platform
    ignoring case, metric, time, kind, country, currency): the second part of a count an
    import met in two places of one file (a statement's lines of one sale month).  Returns
    the readings changed; the rollup's update trigger counts the change."""
    if frame.empty:
        return 0
    frame = _normalise_frame(frame)
    c = content_performance.c
    stmt = (
        content_performance.update()
        .where(
            c.release_id == sa.bindparam("r"),
            sa.func.lower(c.platform) == sa.func.lower(sa.bindparam("p")),
            c.metric_type == sa.bindparam("m"),
            c.recorded_at == sa.bindparam("t"),
            c.value_kind == sa.bindparam("k"),
            c.country == sa.bindparam("c"),
            c.currency == sa.bindparam("cur"),
            c.source != "legacy",
        )
        .values(metric_value=c.metric_value + sa.bindparam("v"))
    )
    rows = [
        {
            "r": int(row.release_id),
            "p": row.platform,
            "m": row.metric_type,
            "t": _db_ts(conn, row.recorded_at.to_pydatetime()),
            "k": row.value_kind,
            "c": row.country,
            "cur": row.currency,
            "v": int(row.metric_value),
        }
        for row in frame.itertuples(index=False)
    ]
    return conn.execute(stmt, rows).rowcount
