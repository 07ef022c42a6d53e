"""/api/v1/annotations: read, add and delete dated notes from scripts.

    GET    /api/v1/annotations?release=KEY|ID&start=...&end=...
    POST   /api/v1/annotations   {"release": "KEY" | ID | null, "date": "2026-03-01", "text": "..."}
           (no other fields; each has the JSON type the OpenAPI document gives it)
    DELETE /api/v1/annotations/<id>

The JSON types are judged here; the meaning (a known release, a date, a text that is not
empty) by ``add_annotation``, which the form and the command line share.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from perfdash import store
from perfdash.api import http
from perfdash.ingest.annotations import add_annotation, find_release
from perfdash.ingest.rules import release_key

ANNOTATION_FIELDS = ("release", "date", "text")


def annotation_out(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "release_id": row["release_id"],
        "release_key": row.get("release_key"),
        "at": http.iso(row["at"]),
        "text": row["text"],
        "created_by": row.get("created_by"),
        "created_at": http.iso(row.get("created_at")),
    }


def list_annotations() -> Response:
    http.require("viewer")
    ids = _release_filter(request.args.get("release"))
    rows = store.list_annotations(
        http.engine(), ids, start=http.time_arg("start"), end=http.time_arg("end")
    )
    return jsonify(data=[annotation_out(r) for r in rows])


def _release_filter(raw: str | None) -> list[int] | None:
    if raw is None or not raw.strip():
        return None
    _, error = release_key(raw)
    if error:  # never looked up: NUL or a lone surrogate would reach the driver
        raise http.ApiError(400, f"release: {error}", [{"field": "release", "message": error}])
    found = find_release(http.engine(), raw)
    if found is None:
        raise http.ApiError(
            404,
            f"No release with key or id {raw[:100]!r}",
            [{"field": "release", "message": "unknown release"}],
        )
    return [found["id"]]


def create_annotation() -> Response:
    role = http.require("editor")
    body = check_annotation_body(http.json_body())
    new_id, errors = add_annotation(
        http.engine(),
        body.get("release"),
        body.get("date"),
        body.get("text"),
        tz=http.settings().tz,
        created_by=f"api ({role})",
    )
    if errors:
        raise _not_saved(errors)
    created = store.get_annotation(http.engine(), new_id)
    return http.created(
        {"data": annotation_out(created)}, f"{http.API_PREFIX}/annotations/{new_id}"
    )


def check_annotation_body(body: Any) -> dict[str, Any]:
    """JSON types and unknown fields, which ``add_annotation`` (shared with the form and the
    CLI, which pass text) does not judge: a number as text or a list as a release is refused,
    not turned into a string."""
    if not isinstance(body, dict):
        raise http.ApiError(400, "Send one annotation as a JSON object")
    http.unknown_fields(body, ANNOTATION_FIELDS)
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
        raise _not_saved(errors)
    return body


def _not_saved(errors: dict[str, str]) -> http.ApiError:
    return http.ApiError(
        400,
        "The annotation was not saved: " + "; ".join(f"{k}: {v}" for k, v in errors.items()),
        [{"field": k, "message": v} for k, v in errors.items()],
    )


def delete_annotation(annotation_id: int) -> Response:
    http.require("editor")
    if not store.delete_annotation(http.engine(), annotation_id):
        raise http.ApiError(404, f"No annotation {annotation_id}")
    return Response(status=204)
