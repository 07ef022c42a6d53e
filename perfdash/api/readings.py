"""/api/v1/metrics: the stored readings, listed as JSON or CSV, recorded in batches, deleted.

The public path says "metrics" (scripts use it); the code says "readings", the stored numbers.
A batch is all or nothing: ``check_readings`` judges every record (JSON types and releases
here, the values through ``ingest.check_record``, the rules the form and the CSV import use)
and reports each bad field with its record's index before anything is written; the store
writes the batch in one transaction, idempotent on the natural key.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy.engine import Engine

from perfdash import ingest, store
from perfdash.api import http

RECORD_FIELDS = (
    "release_key",
    "release_id",
    "platform",
    "metric_type",
    "metric_value",
    "recorded_at",
    "source_url",
    "notes",
    "value_kind",
)
CSV_COLUMNS = (
    "id",
    "release_key",
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
TEXT_FIELDS = ("platform", "metric_type", "recorded_at", "source_url", "notes", "value_kind")


def reading_out(row: dict[str, Any]) -> dict[str, Any]:
    return {name: http.iso(row.get(name)) for name in CSV_COLUMNS}


def readings() -> Response:
    if request.method == "POST":
        return post_readings()
    return list_readings()


# --------------------------------------------------------------------------- list


def list_readings() -> Response:
    http.require("viewer")
    engine = http.engine()
    limit, after = http.page_args()
    filters = _list_filters(engine)
    as_csv = http.wants_csv()
    rows = store.readings_page(engine, **filters, after_id=after, limit=limit + 1)
    shown, next_cursor = http.page(rows, limit)
    response = (
        _csv_page(shown)
        if as_csv
        else jsonify(data=[reading_out(r) for r in shown], next_cursor=next_cursor)
    )
    if next_cursor:
        response.headers["X-Next-Cursor"] = next_cursor
    return response


def _list_filters(engine: Engine) -> dict[str, Any]:
    """The query's release, platform, metric type and time filters, each checked."""
    release_ids: list[int] | None = None
    key = request.args.get("release_key")
    if key is not None:
        found = store.release_ids_for_keys(engine, [key])
        release_ids = [found[key]] if key in found else []
    if request.args.get("release_id") not in (None, ""):
        rid = http.int_arg("release_id", 0, low=1, high=http.MAX_ID)
        release_ids = [rid] if release_ids is None or rid in release_ids else []
    platforms = [p for p in request.args.getlist("platform") if p.strip()] or None
    metric_types = [m for m in request.args.getlist("metric_type") if m.strip()] or None
    return {
        "release_ids": release_ids,
        "platforms": platforms,
        "metric_types": metric_types,
        "start": http.time_arg("from"),
        "end": http.time_arg("to"),
    }


def _csv_page(rows: list[dict[str, Any]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        out = reading_out(row)
        writer.writerow([http.csv_safe(out[name]) for name in CSV_COLUMNS])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="perfdash-metrics.csv"'
    return response


# --------------------------------------------------------------------------- record a batch


def post_readings() -> Response:
    http.require("editor")
    body = _batch(http.json_body())
    engine = http.engine()
    records = check_readings(engine, body, http.settings().tz)
    result = store.insert_metrics(engine, records)
    return jsonify(written=result.written, already_present=result.already_present)


def _batch(body: Any) -> list[Any]:
    if not isinstance(body, list):
        raise http.ApiError(400, "The body must be a JSON array of metric records")
    if not body:
        raise http.ApiError(400, "The batch is empty; send at least one record")
    if len(body) > http.MAX_BATCH:
        raise http.ApiError(
            413, f"A batch holds at most {http.MAX_BATCH:,} records; this one has {len(body):,}"
        )
    return body


def check_readings(engine: Engine, body: list[Any], tz: str) -> list[dict[str, Any]]:
    """The batch's records ready to write, or ApiError naming each bad record and field (the
    first 100); the releases they name are looked up in two queries for the whole batch."""
    key_ids, known_ids = _known_releases(engine, body)
    records: list[dict[str, Any]] = []
    details: list[dict[str, Any]] = []
    for index, raw in enumerate(body):
        values, errors = _check_one(raw, key_ids, known_ids, tz)
        if values is not None:
            records.append(values)
        details.extend(
            {"index": index, "field": name, "message": message} for name, message in errors.items()
        )
    if details:
        first = details[0]
        raise http.ApiError(
            400,
            f"Record {first['index']}: {first['field']}: {first['message']}; nothing was written",
            details[:100],
        )
    return records


def _known_releases(engine: Engine, body: list[Any]) -> tuple[dict[str, int], set[int]]:
    """The ids of the release keys the batch names, and which of its raw ids exist."""
    keys = {
        r["release_key"]
        for r in body
        if isinstance(r, dict) and isinstance(r.get("release_key"), str)
    }
    key_ids = store.release_ids_for_keys(engine, keys) if keys else {}
    raw_ids = set()
    for r in body:
        rid = r.get("release_id") if isinstance(r, dict) else None
        if isinstance(rid, int) and not isinstance(rid, bool) and 0 < rid <= http.MAX_ID:
            raw_ids.add(rid)
    known_ids = store.existing_release_ids(engine, raw_ids) if raw_ids else set()
    return key_ids, known_ids


def _check_one(
    raw: Any, key_ids: dict[str, int], known_ids: set[int], tz: str
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """One record's values (None when it is bad) and its errors by field."""
    errors = record_errors(raw, key_ids, known_ids)
    if not isinstance(raw, dict):
        return None, errors
    resolved = {k: v for k, v in raw.items() if k in RECORD_FIELDS and k not in errors}
    key = raw.get("release_key")
    resolved.pop("release_key", None)
    if "release_id" in errors or "release_key" in errors:
        resolved["release_id"] = 0  # reported already; check the other fields
    else:
        resolved["release_id"] = key_ids[key] if key is not None else raw["release_id"]
    checked = ingest.check_record(resolved, tz=tz, source="api")
    errors = {**errors, **{k: v for k, v in checked.errors.items() if k not in errors}}
    if "release_key" in errors:
        errors.pop("release_id", None)
    return (None if errors else checked.values), errors


def record_errors(raw: Any, key_ids: dict[str, int], known_ids: set[int]) -> dict[str, str]:
    """Shape and release checks the CSV validation cannot do (JSON types, unknown fields)."""
    if not isinstance(raw, dict):
        return {"record": "Each record must be a JSON object"}
    errors: dict[str, str] = {}
    for name in sorted(set(raw) - set(RECORD_FIELDS)):
        errors[name] = "Unknown field"
    for name in TEXT_FIELDS:
        if raw.get(name) is not None and not isinstance(raw[name], str):
            errors[name] = "Must be text"
    value = raw.get("metric_value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float | str)):
        errors["metric_value"] = "Must be a whole number"
    key, rid = raw.get("release_key"), raw.get("release_id")
    if key is None and rid is None:
        errors["release_key"] = "Give release_key (or release_id)"
    elif key is not None:
        if not isinstance(key, str):
            errors["release_key"] = "Must be text"
        elif key not in key_ids:
            errors["release_key"] = f"No release with key {key!r}"
        elif rid is not None and rid != key_ids[key]:
            errors["release_id"] = "Does not match release_key"
    elif isinstance(rid, bool) or not isinstance(rid, int):
        errors["release_id"] = "Must be a whole number"
    elif rid not in known_ids:
        errors["release_id"] = f"No release with id {rid}"
    return errors


# --------------------------------------------------------------------------- one reading


def reading_detail(metric_id: int) -> Response:
    engine = http.engine()
    http.require("viewer" if request.method == "GET" else "editor")
    row = store.get_metric(engine, metric_id) if metric_id <= http.MAX_ID else None
    if row is None:
        raise http.ApiError(404, f"No metric with id {metric_id}")
    if request.method == "DELETE":
        store.delete_metric(engine, metric_id)
        return Response(status=204)
    release = store.get_release(engine, row["release_id"])
    row["release_key"] = release["release_id"] if release else None
    return jsonify(reading_out(row))
