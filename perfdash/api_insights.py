"""/api/v1/annotations: read, add and delete dated notes from scripts.

A separate blueprint so the insights feature stays out of api.py; it reuses api.py's token
check (``Authorization: Bearer <token>``; writes need an editor, reads are anonymous until
login is required) and its JSON error shape ``{"error": {"status", "message", "details"}}``.

    GET    /api/v1/annotations?release=KEY|ID&start=...&end=...
    POST   /api/v1/annotations   {"release": "KEY" | ID | null, "date": "2026-03-01", "text": "..."}
           (no other fields; each has the JSON type the OpenAPI document gives it)
    DELETE /api/v1/annotations/<id>
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from perfdash import api, store
from perfdash.annotations import add_annotation, find_release

blueprint = Blueprint("perfdash_api_insights", __name__)


@blueprint.before_request
def _limit_body() -> Response | None:
    """api.py's guard: the body limit, and OPTIONS answered with this path's own methods
    (Flask's automatic answer would also list the /api/v1 catch-all's PUT and PATCH)."""
    return api._limit_body()


@blueprint.errorhandler(api.ApiError)
def _api_error(exc: api.ApiError) -> Response:
    return api._error_response(exc.status, exc.message, exc.details, exc.headers)


@blueprint.errorhandler(store.DatabaseUnavailableError)
def _db_down(exc: store.DatabaseUnavailableError) -> Response:
    return api._error_response(503, str(exc))


@blueprint.errorhandler(store.PerformanceDbError)
def _db_error(exc: store.PerformanceDbError) -> Response:
    return api._error_response(400, str(exc))


def _engine():
    return current_app.extensions["perfdash"]["engine"]


def _out(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "release_id": row["release_id"],
        "release_key": row.get("release_key"),
        "at": api._iso(row["at"]),
        "text": row["text"],
        "created_by": row.get("created_by"),
        "created_at": api._iso(row.get("created_at")),
    }


def _release_filter(raw: str | None) -> list[int] | None:
    if raw is None or not raw.strip():
        return None
    found = find_release(_engine(), raw)
    if found is None:
        raise api.ApiError(
            404,
            f"No release with key or id {raw[:100]!r}",
            [{"field": "release", "message": "unknown release"}],
        )
    return [found["id"]]


@blueprint.get("/api/v1/annotations")
def list_annotations():
    api._require("viewer")
    ids = _release_filter(request.args.get("release"))
    rows = store.list_annotations(
        _engine(), ids, start=api._time_arg("start"), end=api._time_arg("end")
    )
    return jsonify(data=[_out(r) for r in rows])


ANNOTATION_FIELDS = ("release", "date", "text")


def _check_body(body: Any) -> dict[str, Any]:
    """JSON types and unknown fields, which ``check_annotation`` (shared with the form and the
    CLI, which pass text) does not judge: a number as text or a list as a release is refused,
    not turned into a string."""
    if not isinstance(body, dict):
        raise api.ApiError(400, "Send one annotation as a JSON object")
    unknown = sorted(set(body) - set(ANNOTATION_FIELDS))
    if unknown:
        raise api.ApiError(
            400,
            f"Unknown field(s): {', '.join(unknown)}",
            [{"field": name, "message": "unknown field"} for name in unknown],
        )
    errors: dict[str, str] = {}
    release = body.get("release")
    if release is not None and (isinstance(release, bool) or not isinstance(release, str | int)):
        errors["release"] = "a release key (text) or id (whole number), or null"
    for name in ("date", "text"):
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            errors[name] = "must be text"
    text = body.get("text")
    if isinstance(text, str) and len(text) > store.MAX_ANNOTATION_TEXT:
        errors["text"] = f"longer than {store.MAX_ANNOTATION_TEXT} characters"
    if errors:
        raise api.ApiError(
            400,
            "The annotation was not saved: " + "; ".join(f"{k}: {v}" for k, v in errors.items()),
            [{"field": k, "message": v} for k, v in errors.items()],
        )
    return body


@blueprint.post("/api/v1/annotations")
def create_annotation():
    role = api._require("editor")
    body = _check_body(api._json_body())
    settings = current_app.extensions["perfdash"]["settings"]
    new_id, errors = add_annotation(
        _engine(),
        body.get("release"),
        body.get("date"),
        body.get("text"),
        tz=settings.tz,
        created_by=f"api ({role})",
    )
    if errors:
        raise api.ApiError(
            400,
            "The annotation was not saved: " + "; ".join(f"{k}: {v}" for k, v in errors.items()),
            [{"field": k, "message": v} for k, v in errors.items()],
        )
    created = store.get_annotation(_engine(), new_id)
    response = jsonify(data=_out(created))
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/annotations/{new_id}"
    return response


@blueprint.delete("/api/v1/annotations/<int:annotation_id>")
def delete_annotation(annotation_id: int):
    api._require("editor")
    if not store.delete_annotation(_engine(), annotation_id):
        raise api.ApiError(404, f"No annotation {annotation_id}")
    return Response(status=204)
