"""/api/v1/releases: list, create and read the catalog's releases.

A release is known to scripts by its ``release_key`` (the workflow's text key, stored in
``approved_releases.release_id``) and by perfdash's integer ``id``.  Creating one checks the
JSON body in ``check_release`` and writes nothing when any field is bad.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from perfdash import ingest, store
from perfdash.api import http
from perfdash.vocab import DISTRIBUTION_STATUSES, RELEASE_IDENTIFIERS

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


def release_out(row: dict[str, Any]) -> dict[str, Any]:
    out = {
        "id": row["id"],
        "release_key": row["release_id"],
        "title": row.get("title"),
        "artist_name": row.get("artist_name"),
        "approved_at": http.iso(row.get("approved_at")),
        "distribution_status": row.get("distribution_status"),
        "track_url": row.get("track_url"),
        "video_url": row.get("video_url"),
    }
    out.update({name: row.get(name) for name in RELEASE_IDENTIFIERS})
    return out


def releases() -> Response:
    if request.method == "POST":
        return create_release()
    return list_releases()


def list_releases() -> Response:
    http.require("viewer")
    limit, after = http.page_args()
    query = request.args.get("q", "")
    if len(query) > 255:
        raise http.ApiError(400, "q is longer than 255 characters", [{"field": "q"}])
    rows = store.releases_page(http.engine(), query=query, after_id=after, limit=limit + 1)
    shown, next_cursor = http.page(rows, limit)
    return jsonify(data=[release_out(r) for r in shown], next_cursor=next_cursor)


def create_release() -> Response:
    http.require("editor")
    key, fields = check_release(http.json_body(), http.settings().tz)
    engine = http.engine()
    release_pk = store.create_release(engine, key, **fields)
    release = store.get_release(engine, release_pk)
    return http.created(release_out(release), f"{http.API_PREFIX}/releases/{release_pk}")


def check_release(body: Any, tz: str) -> tuple[str, dict[str, Any]]:
    """The release key and the other columns of a creation body, or ApiError naming every
    bad field (the JSON types are judged here: the form's rules see only text)."""
    if not isinstance(body, dict):
        raise http.ApiError(400, "The body must be a JSON object describing one release")
    http.unknown_fields(body, RELEASE_INPUT_FIELDS)
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
        fields[name], error = _check_field(name, value, tz)
        if error:
            details.append({"field": name, "message": error})
    if details:
        raise http.ApiError(400, "The release is not valid; nothing was written", details)
    return key.strip(), fields


def _check_field(name: str, value: str, tz: str) -> tuple[Any, str | None]:
    if name == "approved_at":
        return ingest.parse_timestamp(value, tz)
    if name in ("track_url", "video_url"):
        return ingest.clean_url(value)
    if name == "distribution_status":
        ok = value in DISTRIBUTION_STATUSES
        return value, None if ok else f"one of {', '.join(DISTRIBUTION_STATUSES)}"
    return ingest.clean_text(value, limit=255, name=name)


def release_detail(release_id: int) -> Response:
    """One release by perfdash's integer id (the API's ``release_id``; ``release_key`` is the
    workflow's text key)."""
    http.require("viewer")
    release = store.get_release(http.engine(), release_id) if release_id <= http.MAX_ID else None
    if release is None:
        raise http.ApiError(404, f"No release with id {release_id}")
    return jsonify(release_out(release))
