"""/api/v1/releases: list, create and read the catalog's releases.

A release is known to scripts by its ``release_key`` (the workflow's text key, stored in
``approved_releases.release_id``) and by perfdash's integer ``id``.  Creating one checks the
JSON body with ``ingest.releases.save_release`` (the form's and the CSV import's rules) and
writes nothing when any field is bad.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from perfdash import store
from perfdash.api import http
from perfdash.ingest.releases import RELEASE_INPUT_FIELDS, save_release
from perfdash.vocab import RELEASE_IDENTIFIERS


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
    body = http.json_body()
    if not isinstance(body, dict):
        raise http.ApiError(400, "The body must be a JSON object describing one release")
    http.unknown_fields(body, RELEASE_INPUT_FIELDS)
    engine = http.engine()
    saved = save_release(engine, None, body, tz=http.settings().tz)
    if saved.conflict:
        raise http.ApiError(409, saved.errors["release_key"])
    if saved.id is None:
        details = [{"field": f, "message": m} for f, m in saved.errors.items()]
        raise http.ApiError(400, "The release is not valid; nothing was written", details)
    release = store.get_release(engine, saved.id)
    return http.created(release_out(release), f"{http.API_PREFIX}/releases/{saved.id}")


def release_detail(release_id: int) -> Response:
    """One release by perfdash's integer id (the API's ``release_id``; ``release_key`` is the
    workflow's text key)."""
    http.require("viewer")
    release = store.get_release(http.engine(), release_id) if release_id <= http.MAX_ID else None
    if release is None:
        raise http.ApiError(404, f"No release with id {release_id}")
    return jsonify(release_out(release))
