"""Share links through the API: ``POST /api/v1/shares`` makes a read-only link of a dashboard
view, an artist's page or a tag's overview (an editor's token), ``GET /api/v1/shares`` lists the links that token made (the admin
page lists every link), ``DELETE /api/v1/shares/ID`` revokes one the same token made.

The checks are ``perfdash.shares``' (the dashboard's "Share this view" uses them too); the url
carries the link's token and is shown once: only its hash is stored.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from perfdash import shares, store
from perfdash.api import http

SHARE_FIELDS = ("view", "expires")


def _creator() -> str:
    """Who made the link, as the lists show it: the token's name."""
    row = http.token_row()
    return f"token:{row['name']}" if row else "token"


def _refused(field: str, message: str) -> http.ApiError:
    return http.ApiError(
        400, f"No link was made: {field}: {message}", [{"field": field, "message": message}]
    )


def check_share_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise http.ApiError(400, "Send the link as a JSON object with a view")
    http.unknown_fields(body, SHARE_FIELDS)
    if not isinstance(body.get("view"), str):
        raise _refused(
            "view", "must be text: a view such as /dashboard?release=3 or /overview?tag=NAME"
        )
    if body.get("expires") is not None and not isinstance(body["expires"], str):
        raise _refused("expires", "must be a date such as 2027-01-01, or null")
    return body


def create_share() -> Response:
    http.require("editor")
    body = check_share_body(http.json_body())
    try:
        share_id, token = shares.create(
            http.engine(),
            body["view"],
            body.get("expires"),
            created_by=_creator(),
            tz=http.settings().tz,
        )
    except shares.ShareError as exc:
        raise _refused(exc.field, str(exc)) from None
    link = store.get_share_link(http.engine(), share_id)
    expires = link["expires_at"].isoformat() if link["expires_at"] else None
    out = {
        "id": share_id,
        "url": shares.url_for(request.host_url, token),
        "view": link["view"],
        "expires_at": expires,
    }
    return http.created(out, f"{http.API_PREFIX}/shares/{share_id}")


def _listed(link: dict[str, Any]) -> dict[str, Any]:
    """A link as a list shows it: never its token (only the hash is stored, and not shown)."""

    def when(key: str) -> str | None:
        return link[key].isoformat() if link[key] else None

    return {
        "id": link["id"],
        "view": link["view"],
        "status": shares.status(link),
        "created_by": link["created_by"],
        "created_at": when("created_at"),
        "expires_at": when("expires_at"),
        "revoked_at": when("revoked_at"),
    }


def list_shares() -> Response:
    http.require("editor")
    links = store.list_share_links(http.engine(), created_by=_creator())
    return jsonify(data=[_listed(link) for link in links])


def shares_route() -> Response:
    """GET: the links this token made; POST: make one."""
    return create_share() if request.method == "POST" else list_shares()


def revoke_share(share_id: int) -> Response:
    http.require("editor")
    link = store.get_share_link(http.engine(), share_id)
    if link is None or link["revoked_at"] is not None:
        raise http.ApiError(404, f"No live share link {share_id}")
    if not shares.may_revoke(link, _creator(), None):
        raise http.ApiError(403, f"Share link {share_id} was made by someone else")
    store.revoke_share_link(http.engine(), share_id)
    return Response(status=204)
