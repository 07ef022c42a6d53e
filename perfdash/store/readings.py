"""One reading at a time (content_performance): record, correct, delete, read back; the
lists of metric types and platforms the pickers offer.

The same checks apply to a new reading and a corrected one (``_metric_values``), and a reading
that is already stored (the natural key: release, platform ignoring case, metric, time, kind)
raises DuplicateMetricError instead of a driver's IntegrityError.  ``add_performance_metric``
and ``get_performance_metrics_for_release`` keep the original module's signatures.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from perfdash.schema import MAX_METRIC_VALUE, approved_releases, content_performance
from perfdash.store.engine import _begin, _db_ts, _is_pg, default_engine, to_utc
from perfdash.store.errors import (
    DuplicateMetricError,
    InvalidValueError,
    PerformanceDbError,
    UnknownReleaseError,
)
from perfdash.store.scope import _in_scope
from perfdash.vocab import READING_FIELDS, SOURCES, VALUE_KINDS


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
    country: str = "",
    currency: str = "",
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
            "country": country,
            "currency": currency,
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
    codes = {}
    for name, pattern in (("country", r"[A-Z]{2}"), ("currency", r"[A-Z]{3}")):
        codes[name] = record.get(name) or ""
        if codes[name] and not (
            isinstance(codes[name], str) and re.fullmatch(pattern, codes[name])
        ):
            raise InvalidValueError(f"{name} must be an upper-case ISO code or empty")
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
        **codes,
    }


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
        merged = {k: getattr(current, k) for k in READING_FIELDS}
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


def delete_metric(bind: Engine | Connection, metric_id: int) -> bool:
    with _begin(bind) as conn:
        return (
            conn.execute(
                content_performance.delete().where(content_performance.c.id == metric_id)
            ).rowcount
            > 0
        )


def _metric_row(row: sa.Row) -> dict[str, Any]:
    out = dict(row._mapping)
    for key in ("recorded_at", "created_at"):
        if key in out:
            out[key] = to_utc(out[key])
    return out


def get_metric(bind: Engine | Connection, metric_id: int) -> dict[str, Any] | None:
    with _begin(bind) as conn:
        row = conn.execute(
            select(content_performance).where(
                content_performance.c.id == metric_id,
                *_in_scope(conn, content_performance.c.release_id),
            )
        ).first()
    return _metric_row(row) if row else None


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
        .where(c.release_id == int(release_id), *_in_scope(bind, c.release_id))
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
        .where(c.release_id == int(release_id), *_in_scope(bind, c.release_id))
        .order_by(c.recorded_at.desc(), c.id.desc())
        .limit(limit)
    )
    with _begin(bind) as conn:
        return [_metric_row(r) for r in conn.execute(stmt)]


def count_metrics(bind: Engine | Connection, release_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(content_performance)
    stmt = stmt.where(*_in_scope(bind, content_performance.c.release_id))
    if release_id is not None:
        stmt = stmt.where(content_performance.c.release_id == release_id)
    with _begin(bind) as conn:
        return conn.execute(stmt).scalar_one()


def list_metric_types(
    bind: Engine | Connection, release_ids: Sequence[int] | None = None
) -> list[str]:
    c = content_performance.c
    stmt = select(c.metric_type).distinct().where(*_in_scope(bind, c.release_id))
    stmt = stmt.order_by(c.metric_type)
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
    stmt = select(key).distinct().where(*_in_scope(bind, c.release_id)).order_by(key)
    if release_ids:
        stmt = stmt.where(c.release_id.in_(list(release_ids)))
    with _begin(bind) as conn:
        return list(conn.execute(stmt).scalars())
