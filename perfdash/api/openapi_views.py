"""The OpenAPI description of /api/v1/views (the caller's saved dashboard views)."""

from __future__ import annotations

from typing import Any

from perfdash.api.openapi_blocks import answer, body, error, path_id, read
from perfdash.ingest.views import MAX_NAME, MAX_VIEW

OWNER = (
    " The views are the token's (any role); without a token, which only an open install "
    "without sign-in allows, its one shared list."
)


def _view() -> dict[str, Any]:
    time = {"type": "string", "format": "date-time"}
    return {
        "type": "object",
        "required": ["id", "name", "view", "url", "is_default"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "view": {"type": "string", "description": "the dashboard query, normalised"},
            "url": {"type": "string", "description": "/dashboard and the query"},
            "is_default": {"type": "boolean", "description": "what a bare /dashboard opens"},
            "created_at": time,
            "updated_at": time,
        },
    }


def _input() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["name", "view"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": MAX_NAME},
            "view": {
                "type": "string",
                "maxLength": MAX_VIEW,
                "description": "a dashboard query: ?release=3&period=28d (or after /dashboard)",
            },
            "default": {"type": "boolean", "description": "make it the default view"},
            "replace": {"type": "boolean", "description": "replace a view of that name"},
        },
    }


def paths() -> dict[str, Any]:
    view = _view()
    return {
        "/views": {
            "get": read(
                "Your saved dashboard views, by name." + OWNER,
                {
                    "200": answer(
                        "The views",
                        {
                            "type": "object",
                            "properties": {"views": {"type": "array", "items": view}},
                        },
                    )
                },
            ),
            "post": read(
                "Save a dashboard view under a name." + OWNER,
                {
                    "200": answer("Replaced the view of that name (replace: true)", view),
                    "201": answer("Saved", view),
                    "400": error("A bad name or view (details name it); nothing saved"),
                    "409": error("A view of that name exists: send replace: true"),
                    "413": error("Body too large"),
                    "415": error("Body is not JSON"),
                },
                requestBody=body(_input()),
            ),
        },
        "/views/{view_id}": {
            "delete": read(
                "Delete one of your saved views." + OWNER,
                {
                    "204": {"description": "Deleted"},
                    "404": error("You have no such view"),
                },
                parameters=[path_id("view_id")],
            )
        },
    }
