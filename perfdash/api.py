"""HTTP endpoints on the Dash server's Flask app: /healthz and the JSON API under /api/v1.

The API is how scripts record and read metrics.  It shares the CSV field names and the
validation of the form and CSV import (``ingest.check_record``), writes through
``store.insert_metrics`` (one transaction, idempotent on the natural key) and never writes
anything when one record of a batch is bad.

Auth: writes need ``Authorization: Bearer <token>`` of an editor (tokens come from
``perfdash token create``).  Reads are anonymous while the deployment does not require login,
otherwise they need a viewer token.  Every error is JSON: ``{"error": {"status", "message",
"details": [{"index", "field", "message"}]}}``.

Only requests under /api/ are touched: the body-size limit, the JSON error pages and the
content-type checks are scoped to this blueprint so Dash's own routes behave as before.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map

from perfdash import auth, ingest, store
from perfdash.schema import DISTRIBUTION_STATUSES, RELEASE_IDENTIFIERS

blueprint = Blueprint("perfdash_api", __name__)

API_PREFIX = "/api/v1"
MAX_BATCH = 5_000  # records per POST /metrics
MAX_BODY_BYTES = 4 * 1024 * 1024  # 5,000 full records fit comfortably
DEFAULT_PAGE = 100
MAX_PAGE = 1_000
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
RELEASE_INPUT_FIELDS = (
    "release_key",
    "title",
    "artist_name",
    "approved_at",
    "distribution_status",
    "track_url",
    "video_url",
    *RELEASE_IDENTIFIERS,
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


class ApiError(Exception):
    """An error answer: status code, message, and per-record details."""

    def __init__(
        self,
        status: int,
        message: str,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []
        self.headers = headers or {}


def _error_response(status: int, message: str, details=None, headers=None) -> Response:
    body: dict[str, Any] = {"status": status, "message": message}
    if details:
        body["details"] = details
    response = jsonify(error=body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _is_api_request() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


@blueprint.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    return _error_response(exc.status, exc.message, exc.details, exc.headers)


@blueprint.app_errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    """JSON for errors under /api/ (404, 405, 413 ...); everything else as Flask does it."""
    if not _is_api_request():
        return exc
    headers = {}
    if exc.code == 405:
        allowed = getattr(exc, "valid_methods", None)
        if allowed:
            headers["Allow"] = ", ".join(allowed)
    return _error_response(exc.code or 500, exc.description or exc.name, headers=headers)


@blueprint.errorhandler(store.DatabaseUnavailableError)
def _db_down(exc: store.DatabaseUnavailableError) -> Response:
    return _error_response(503, str(exc))


@blueprint.errorhandler(store.PerformanceDbError)
def _db_error(exc: store.PerformanceDbError) -> Response:
    return _error_response(409 if isinstance(exc, store.DuplicateReleaseError) else 400, str(exc))


@blueprint.before_request
def _limit_body() -> Response | None:
    """Refuse bodies over the limit before reading them (chunked bodies are capped too)."""
    if not _is_api_request():
        return
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ApiError(
            413, f"The request body is larger than {MAX_BODY_BYTES:,} bytes; send smaller batches"
        )
    request.max_content_length = MAX_BODY_BYTES
    if request.method == "OPTIONS":
        # Flask's automatic answer would also list the catch-all's methods.
        response = Response(status=200)
        response.headers["Allow"] = ", ".join(_allowed_methods(request.path) or ["OPTIONS"])
        return response
    return None


# --------------------------------------------------------------------------- helpers


def _engine():
    return current_app.extensions["perfdash"]["engine"]


def _settings():
    return current_app.extensions["perfdash"]["settings"]


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401,
            "Authorization must be 'Bearer <token>'",
            headers={"WWW-Authenticate": 'Bearer realm="perfdash"'},
        )
    return token.strip()


def _require(needed: str) -> str | None:
    """Check the caller's token for ``needed``; anonymous reads pass when login is off."""
    token = _bearer()
    challenge = {"WWW-Authenticate": 'Bearer realm="perfdash"'}
    if token is None:
        login_required = current_app.extensions["perfdash"].get("login_required")
        if needed == "viewer" and not login_required:
            return None
        raise ApiError(401, f"This needs an API token with the {needed} role", headers=challenge)
    role = auth.role_for_token(_engine(), token)
    if role is None:
        raise ApiError(401, "The API token is unknown or revoked", headers=challenge)
    if not auth.role_allows(role, needed):
        raise ApiError(403, f"This needs the {needed} role; the token has the {role} role")
    return role


def _json_body() -> Any:
    mimetype = request.mimetype or ""
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise ApiError(415, "Send the body as JSON with 'Content-Type: application/json'")
    try:
        return request.get_json(force=True, silent=False)
    except HTTPException as exc:
        if exc.code == 413:
            raise
        raise ApiError(400, "The body is not valid JSON") from None


def _int_arg(name: str, default: int, *, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(
            400, f"{name} must be a whole number", [{"field": name, "message": "not a number"}]
        ) from None
    if not low <= value <= high:
        raise ApiError(
            400,
            f"{name} must be between {low} and {high}",
            [{"field": name, "message": f"between {low} and {high}"}],
        )
    return value


def _cursor() -> int:
    return _int_arg("cursor", 0, low=0, high=2**63 - 1)


def _time_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return None
    when, error = ingest.parse_timestamp(raw, _settings().tz)
    if error:
        raise ApiError(400, f"{name}: {error}", [{"field": name, "message": error}])
    return when


def _iso(value: Any) -> Any:
    return value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else value


def _release_out(row: dict[str, Any]) -> dict[str, Any]:
    out = {
        "id": row["id"],
        "release_key": row["release_id"],
        "title": row.get("title"),
        "artist_name": row.get("artist_name"),
        "approved_at": _iso(row.get("approved_at")),
        "distribution_status": row.get("distribution_status"),
        "track_url": row.get("track_url"),
        "video_url": row.get("video_url"),
    }
    out.update({name: row.get(name) for name in RELEASE_IDENTIFIERS})
    return out


def _metric_out(row: dict[str, Any]) -> dict[str, Any]:
    return {name: _iso(row.get(name)) for name in CSV_COLUMNS}


def _wants_csv() -> bool:
    fmt = request.args.get("format")
    if fmt is not None:  # given, even empty: it must be one the document allows
        fmt = fmt.lower()
        if fmt not in ("json", "csv"):
            raise ApiError(400, "format must be json or csv", [{"field": "format"}])
        return fmt == "csv"
    best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
    return best == "text/csv"


def _csv_safe(value: Any) -> Any:
    """Keep spreadsheet programs from running text as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _method_not_allowed(*allowed: str) -> ApiError:
    return ApiError(
        405,
        f"{request.method} is not allowed here; use {', '.join(allowed)}",
        headers={"Allow": ", ".join(allowed)},
    )


# --------------------------------------------------------------------------- routes


@blueprint.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not (for routers and uptime checks)."""
    engine = current_app.extensions["perfdash"]["engine"]
    if store.ping(engine):
        return jsonify(status="ok", database="ok")
    return jsonify(status="unavailable", database="unreachable"), 503


@blueprint.get(API_PREFIX + "/openapi.json")
def openapi():
    from perfdash.openapi import spec

    return jsonify(spec())


@blueprint.route(API_PREFIX + "/releases", methods=["GET", "POST"])
def releases():
    if request.method == "POST":
        return _create_release()
    return _list_releases()


def _list_releases():
    _require("viewer")
    limit = _int_arg("limit", DEFAULT_PAGE, low=1, high=MAX_PAGE)
    after = _cursor()
    query = request.args.get("q", "")
    if len(query) > 255:
        raise ApiError(400, "q is longer than 255 characters", [{"field": "q"}])
    rows = store.api_list_releases(_engine(), query=query, after_id=after, limit=limit + 1)
    page, more = rows[:limit], len(rows) > limit
    return jsonify(
        data=[_release_out(r) for r in page],
        next_cursor=str(page[-1]["id"]) if more else None,
    )


def _create_release():
    _require("editor")
    body = _json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object describing one release")
    unknown = sorted(set(body) - set(RELEASE_INPUT_FIELDS))
    if unknown:
        raise ApiError(
            400,
            f"Unknown field(s): {', '.join(unknown)}",
            [{"field": name, "message": "unknown field"} for name in unknown],
        )
    details = []
    key = body.get("release_key")
    if not isinstance(key, str) or not key.strip() or len(key.strip()) > 255:
        details.append({"field": "release_key", "message": "a text of 1 to 255 characters"})
    fields: dict[str, Any] = {}
    for name in RELEASE_INPUT_FIELDS[1:]:
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            details.append({"field": name, "message": "must be text"})
            continue
        if name == "approved_at":
            when, error = ingest.parse_timestamp(value, _settings().tz)
            if error:
                details.append({"field": name, "message": error})
            fields[name] = when
        elif name in ("track_url", "video_url"):
            url, error = ingest.clean_url(value)
            if error:
                details.append({"field": name, "message": error})
            fields[name] = url
        elif name == "distribution_status":
            if value not in DISTRIBUTION_STATUSES:
                details.append(
                    {"field": name, "message": f"one of {', '.join(DISTRIBUTION_STATUSES)}"}
                )
            fields[name] = value
        else:
            text, error = ingest.clean_text(value, limit=255, name=name)
            if error:
                details.append({"field": name, "message": error})
            fields[name] = text
    if details:
        raise ApiError(400, "The release is not valid; nothing was written", details)
    engine = _engine()
    release_pk = store.create_release(engine, key.strip(), **fields)
    release = store.get_release(engine, release_pk)
    response = jsonify(_release_out(release))
    response.status_code = 201
    response.headers["Location"] = f"{API_PREFIX}/releases/{release_pk}"
    return response


@blueprint.get(API_PREFIX + "/releases/<int:release_pk>")
def release_detail(release_pk: int):
    _require("viewer")
    release = store.get_release(_engine(), release_pk) if release_pk < 2**31 else None
    if release is None:
        raise ApiError(404, f"No release with id {release_pk}")
    return jsonify(_release_out(release))


@blueprint.route(API_PREFIX + "/metrics", methods=["GET", "POST"])
def metrics():
    if request.method == "POST":
        return _post_metrics()
    return _list_metrics()


def _list_metrics():
    _require("viewer")
    engine = _engine()
    limit = _int_arg("limit", DEFAULT_PAGE, low=1, high=MAX_PAGE)
    after = _cursor()
    release_ids: list[int] | None = None
    key = request.args.get("release_key")
    if key is not None:
        found = store.release_ids_for_keys(engine, [key])
        release_ids = [found[key]] if key in found else []
    if request.args.get("release_id") not in (None, ""):
        rid = _int_arg("release_id", 0, low=1, high=2**31 - 1)
        release_ids = [rid] if release_ids is None or rid in release_ids else []
    platforms = [p for p in request.args.getlist("platform") if p.strip()] or None
    metric_types = [m for m in request.args.getlist("metric_type") if m.strip()] or None
    start, end = _time_arg("from"), _time_arg("to")
    csv_wanted = _wants_csv()
    rows = store.api_list_metrics(
        engine,
        release_ids=release_ids,
        platforms=platforms,
        metric_types=metric_types,
        start=start,
        end=end,
        after_id=after,
        limit=limit + 1,
    )
    page, more = rows[:limit], len(rows) > limit
    next_cursor = str(page[-1]["id"]) if more else None
    if csv_wanted:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in page:
            out = _metric_out(row)
            writer.writerow([_csv_safe(out[name]) for name in CSV_COLUMNS])
        response = Response(buffer.getvalue(), mimetype="text/csv")
        response.headers["Content-Disposition"] = 'attachment; filename="perfdash-metrics.csv"'
        if next_cursor:
            response.headers["X-Next-Cursor"] = next_cursor
        return response
    response = jsonify(data=[_metric_out(r) for r in page], next_cursor=next_cursor)
    if next_cursor:
        response.headers["X-Next-Cursor"] = next_cursor
    return response


def _post_metrics():
    _require("editor")
    body = _json_body()
    if not isinstance(body, list):
        raise ApiError(400, "The body must be a JSON array of metric records")
    if not body:
        raise ApiError(400, "The batch is empty; send at least one record")
    if len(body) > MAX_BATCH:
        raise ApiError(
            413, f"A batch holds at most {MAX_BATCH:,} records; this one has {len(body):,}"
        )
    engine = _engine()
    details: list[dict[str, Any]] = []
    keys = {
        r["release_key"]
        for r in body
        if isinstance(r, dict) and isinstance(r.get("release_key"), str)
    }
    key_ids = store.release_ids_for_keys(engine, keys) if keys else {}
    raw_ids = set()
    for r in body:
        rid = r.get("release_id") if isinstance(r, dict) else None
        if isinstance(rid, int) and not isinstance(rid, bool) and 0 < rid < 2**31:
            raw_ids.add(rid)
    known_ids = store.existing_release_ids(engine, raw_ids) if raw_ids else set()
    tz = _settings().tz
    records: list[dict[str, Any]] = []
    for index, raw in enumerate(body):
        errors = _record_errors(raw, key_ids, known_ids)
        if isinstance(raw, dict):
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
            if not errors:
                records.append(checked.values)
        details.extend(
            {"index": index, "field": name, "message": message} for name, message in errors.items()
        )
    if details:
        first = details[0]
        raise ApiError(
            400,
            f"Record {first['index']}: {first['field']}: {first['message']}; nothing was written",
            details[:100],
        )
    result = store.insert_metrics(engine, records)
    return jsonify(written=result.written, already_present=result.already_present)


def _record_errors(raw: Any, key_ids: dict[str, int], known_ids: set[int]) -> dict[str, str]:
    """Shape and release checks the CSV validation cannot do (JSON types, unknown fields)."""
    if not isinstance(raw, dict):
        return {"record": "Each record must be a JSON object"}
    errors: dict[str, str] = {}
    for name in sorted(set(raw) - set(RECORD_FIELDS)):
        errors[name] = "Unknown field"
    for name in ("platform", "metric_type", "recorded_at", "source_url", "notes", "value_kind"):
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


@blueprint.route(API_PREFIX + "/metrics/<int:metric_id>", methods=["GET", "DELETE"])
def metric_detail(metric_id: int):
    engine = _engine()
    if request.method == "GET":
        _require("viewer")
    else:
        _require("editor")
    row = store.get_metric(engine, metric_id) if metric_id < 2**31 else None
    if row is None:
        raise ApiError(404, f"No metric with id {metric_id}")
    if request.method == "DELETE":
        store.delete_metric(engine, metric_id)
        return Response(status=204)
    release = store.get_release(engine, row["release_id"])
    row["release_key"] = release["release_id"] if release else None
    return jsonify(_metric_out(row))


@blueprint.route(
    API_PREFIX + "/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
)
def not_found(rest: str):
    """Unknown API paths answer JSON 404 (Dash's catch-all would serve its HTML page).

    This rule accepts every method, so it also sees e.g. PUT /api/v1/metrics: those answer 405
    with the methods the path really has.
    """
    allowed = _allowed_methods(request.path)
    if allowed:
        raise _method_not_allowed(*allowed)
    raise ApiError(404, f"There is no endpoint {API_PREFIX}/{rest}; see {API_PREFIX}/openapi.json")


def _allowed_methods(path: str) -> list[str]:
    """Methods the real /api/v1 routes (any blueprint's) accept for ``path``, catch-all left out."""
    rules = [
        rule.empty()
        for rule in current_app.url_map.iter_rules()
        if rule.rule.startswith(API_PREFIX + "/") and rule.endpoint != f"{blueprint.name}.not_found"
    ]
    return sorted(Map(rules).bind("api").allowed_methods(path))
