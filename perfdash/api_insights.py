"""/api/v1/annotations: read, add and delete dated notes from scripts.

A separate blueprint so the insights feature stays out of api.py; it reuses api.py's token
check (``Authorization: Bearer <token>``; writes need an editor, reads are anonymous until
login is required) and its JSON error shape ``{"error": {"status", "message", "details"}}``.

    GET    /api/v1/annotations?release=KEY|ID&start=...&end=...
    POST   /api/v1/annotations   {"release": "KEY" | ID | null, "date": "2026-03-01", "text": "..."}
    DELETE /api/v1/annotations/<id>
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from perfdash import api, store
from perfdash.annotations import add_annotation

blueprint = Blueprint("perfdash_api_insights", __name__)


@blueprint.before_request
def _limit_body() -> None:
    request.max_content_length = api.MAX_BODY_BYTES


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
    engine = _engine()
    found = store.get_release_by_key(engine, raw.strip())
    if found is None and raw.strip().isdigit():
        found = store.get_release(engine, int(raw))
    if found is None:
        raise api.ApiError(
            404,
            f"No release with key or id {raw!r}",
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


@blueprint.post("/api/v1/annotations")
def create_annotation():
    role = api._require("editor")
    body = api._json_body()
    if not isinstance(body, dict):
        raise api.ApiError(400, "Send one annotation as a JSON object")
    settings = current_app.extensions["perfdash"]["settings"]
    when = body.get("date", body.get("at"))
    new_id, errors = add_annotation(
        _engine(),
        body.get("release"),
        when,
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
    row = store.list_annotations(_engine(), None)
    created = next(r for r in row if r["id"] == new_id)
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
