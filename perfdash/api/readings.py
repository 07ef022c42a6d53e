"""/api/v1/metrics: the stored readings, listed as JSON or CSV, recorded in batches, deleted.

The public path says "metrics" (scripts use it); the code says "readings", the stored numbers.
A batch is all or nothing: ``ingest.readings.record_readings`` (the one write path of every
face) judges every record — JSON types, releases, values — and reports each bad field with its
record's index before anything is written; the store writes the batch in one transaction,
idempotent on the natural key.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy.engine import Engine

from perfdash import metrics, store
from perfdash.api import http
from perfdash.ingest import rules
from perfdash.ingest.readings import record_readings
from perfdash.ingest.rules import csv_safe

KIND_FIELDS = ("metric_kind", "lower_is_better")
CSV_COLUMNS = (*store.API_METRIC_FIELDS, *KIND_FIELDS)


def reading_out(row: dict[str, Any], overrides: dict[str, tuple[str, bool]]) -> dict[str, Any]:
    """A reading as stored, and how its metric reads (the dashboard's kind of the type:
    counter, audience or score, and whether lower is better) so a script need not guess."""
    out = {name: http.iso(row.get(name)) for name in store.API_METRIC_FIELDS}
    kind = metrics.metric_kind(str(row.get("metric_type") or ""), overrides)
    return {**out, "metric_kind": kind.kind, "lower_is_better": kind.lower_is_better}


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
    with store.transaction(engine) as conn:
        rows = store.readings_page(conn, **filters, after_id=after, limit=limit + 1)
        overrides = store.metric_kind_overrides(conn)
    shown, next_cursor = http.page(rows, limit)
    response = (
        _csv_page(shown, overrides)
        if as_csv
        else jsonify(data=[reading_out(r, overrides) for r in shown], next_cursor=next_cursor)
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
        "country": _code("country", rules.country_code),
        "currency": _code("currency", rules.currency_code),
    }


def _code(name: str, rule: rules.Rule) -> str | None:
    """``country`` or ``currency``: one ISO code (any case) by ingest's rule; absent or empty:
    every reading."""
    code, error = rule(request.args.get(name))
    if error:
        raise http.ApiError(400, f"{name}: {error}", [{"field": name, "message": error}])
    return code or None


def _csv_page(rows: list[dict[str, Any]], overrides: dict[str, tuple[str, bool]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        out = reading_out(row, overrides)
        out["lower_is_better"] = "true" if out["lower_is_better"] else "false"
        writer.writerow([csv_safe(out[name]) for name in CSV_COLUMNS])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="perfdash-metrics.csv"'
    return response


# --------------------------------------------------------------------------- record a batch


def post_readings() -> Response:
    http.require("editor")
    body = _batch(http.json_body())
    recorded = record_readings(http.engine(), body, source="api", tz=http.settings().tz)
    if not recorded.ok:
        first = recorded.refused[0]
        raise http.ApiError(
            400,
            f"Record {first.index}: {first.field}: {first.message}; nothing was written",
            [refusal.as_detail() for refusal in recorded.refused[:100]],
        )
    return jsonify(written=recorded.written, already_present=recorded.already_present)


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
    return jsonify(reading_out(row, store.metric_kind_overrides(engine)))
