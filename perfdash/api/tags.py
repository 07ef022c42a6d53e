"""/api/v1/tags and /api/v1/releases/ID/tags: the catalog's tags and a release's tags.

Tags are checked and normalised by ``ingest.tags`` (the form's, the CLI's and a CSV file's
rules): a refused tag, an unknown release or too many tags write nothing.
"""

from __future__ import annotations

from flask import Response, jsonify, request

from perfdash import store
from perfdash.api import http
from perfdash.ingest.tags import tag_release


def list_tags() -> Response:
    """Every tag with its number of (not archived) releases."""
    http.require("viewer")
    return jsonify(tags=store.list_tags(http.engine()))


def release_tags(release_id: int) -> Response:
    """A release's tags (GET), or PUT ``{"tags": [...]}`` to make them its only tags."""
    if request.method == "PUT":
        http.require("editor")
        body = http.json_body()
        if not isinstance(body, dict) or "tags" not in body:
            raise http.ApiError(
                400,
                'The body must be a JSON object {"tags": ["summer-campaign", "lofi"]}',
                [{"field": "tags", "message": "required"}],
            )
        http.unknown_fields(body, ("tags",))
        if not isinstance(body["tags"], list):
            raise http.ApiError(
                400, "tags must be a list of texts", [{"field": "tags", "message": "not a list"}]
            )
    else:
        http.require("viewer")
    engine = http.engine()
    release = store.get_release(engine, release_id) if release_id <= http.MAX_ID else None
    if release is None:
        raise http.ApiError(404, f"No release with id {release_id}")
    if request.method == "PUT":
        changed = tag_release(engine, release_id, body["tags"], mode="set")
        if not changed.ok:
            raise http.ApiError(
                400,
                f"Nothing was changed: {changed.error}",
                [{"field": "tags", "message": changed.error}],
            )
        tags = changed.tags
    else:
        tags = store.release_tags_of(engine, [release_id]).get(release_id, [])
    return jsonify(id=release_id, release_key=release["release_id"], tags=tags)
