"""/api/v1/views: the caller's saved dashboard views (list, save, delete).

A view belongs to whoever saved it (``ingest.views`` says who that is): with a token, the
token's views (any role: a saved view changes no catalog data); without one, which only an
open install without sign-in allows, the views of its one shared owner, the same list its
dashboard shows.  The checks are ``ingest.views``' (the dashboard's "Save view" uses them).
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from perfdash import auth, store
from perfdash.api import http
from perfdash.ingest import views

VIEW_FIELDS = ("name", "view", "default", "replace")


def _owner() -> str:
    """Whose views these are: the token's, or (no token, sign-in off) the shared owner's."""
    http.require("viewer")
    token = http.bearer()
    if token is None:
        return views.ANONYMOUS
    row = store.api_token_by_hash(http.engine(), auth.hash_token(token))
    return views.token_owner(row["name"])


def view_out(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "view": row["view"],
        "url": views.DASHBOARD + row["view"],
        "is_default": row["is_default"],
        "created_at": http.iso(row["created_at"]),
        "updated_at": http.iso(row["updated_at"]),
    }


def views_route() -> Response:
    if request.method == "POST":
        return save()
    owner = _owner()
    return jsonify(views=[view_out(v) for v in store.list_saved_views(http.engine(), owner)])


def _refused(field: str, message: str, status: int = 400) -> http.ApiError:
    return http.ApiError(
        status, f"Nothing was saved: {message}", [{"field": field, "message": message}]
    )


def save() -> Response:
    owner = _owner()
    body = http.json_body()
    if not isinstance(body, dict):
        raise http.ApiError(400, 'Send the view as a JSON object {"name": ..., "view": ...}')
    http.unknown_fields(body, VIEW_FIELDS)
    for flag in ("default", "replace"):
        if not isinstance(body.get(flag, False), bool):
            raise _refused(flag, "must be true or false")
    engine = http.engine()
    saved = views.save_view(
        engine,
        owner,
        body.get("name"),
        body.get("view"),
        replace=body.get("replace", False),
        default=body.get("default", False),
    )
    if saved.exists:
        raise _refused("name", f"{saved.error}: send replace: true to replace it", 409)
    if not saved.ok:
        raise _refused(saved.field or "name", saved.error or "refused")
    out = view_out(store.get_saved_view(engine, owner, saved.id))
    response = http.created(out, f"{http.API_PREFIX}/views/{saved.id}")
    if saved.replaced:
        response.status_code = 200
    return response


def delete(view_id: int) -> Response:
    owner = _owner()
    if view_id > http.MAX_ID or not views.delete_view(http.engine(), owner, view_id):
        raise http.ApiError(404, f"You have no saved view {view_id}")
    return Response(status=204)
