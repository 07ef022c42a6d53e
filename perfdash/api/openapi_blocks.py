"""The OpenAPI document's building blocks: answers, errors, parameters, read and write
operations, shared by every module that describes paths (``openapi``, ``openapi_roster``)."""

from __future__ import annotations

from typing import Any

from perfdash.api import http

ISO_TIME = "ISO 8601 (an offset, or the configured time zone)"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": json(schema)}


def error(description: str) -> dict[str, Any]:
    return answer(description, ref("Error"))


def body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": json(schema)}


def page_of(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "data": {"type": "array", "items": ref(name)},
            "next_cursor": {"type": "string", "nullable": True},
        },
    }


def page_params() -> list[dict[str, Any]]:
    return [
        {
            "name": "limit",
            "in": "query",
            "description": f"Rows per page (default {http.DEFAULT_PAGE}, max {http.MAX_PAGE}).",
            "schema": {"type": "integer", "minimum": 1, "maximum": http.MAX_PAGE},
        },
        {
            "name": "cursor",
            "in": "query",
            "description": "next_cursor of the previous page.",
            "schema": {"type": "integer", "minimum": 0},
        },
    ]


def query(name: str, about: str | None = None, **schema: Any) -> dict[str, Any]:
    """A text query parameter; ``schema`` adds to its schema (an enum, a maximum length)."""
    param: dict[str, Any] = {"name": name, "in": "query", "schema": {"type": "string", **schema}}
    if about:
        param["description"] = about
    return param


def path_id(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }


def auth_errors() -> dict[str, Any]:
    return {
        "401": error("No token, or an unknown or revoked token"),
        "403": error("The token's role is not enough"),
    }


def read(summary: str, responses: dict[str, Any], **more: Any) -> dict[str, Any]:
    """An operation anyone may call while login is off (a viewer token once it is on)."""
    return {
        "summary": summary,
        **more,
        "security": [{}, {"bearerAuth": []}],
        "responses": {**responses, **auth_errors()},
    }


def write(summary: str, responses: dict[str, Any], **more: Any) -> dict[str, Any]:
    """An operation that needs an editor's token."""
    return {
        "summary": summary,
        **more,
        "security": [{"bearerAuth": []}],
        "responses": {**responses, **auth_errors()},
    }
