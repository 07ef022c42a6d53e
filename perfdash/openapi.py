"""The OpenAPI 3 document of /api/v1, written by hand next to the code it describes.

It is built by a function (no module-level mutable state) from the limits ``api`` enforces,
so the documented maximums are the enforced ones.  A schemathesis test runs the document
against the app.
"""

from __future__ import annotations

from typing import Any

from perfdash.schema import DISTRIBUTION_STATUSES, RELEASE_IDENTIFIERS, SOURCES, VALUE_KINDS


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def spec() -> dict[str, Any]:
    from perfdash import __version__, api, store

    annotation_max = store.MAX_ANNOTATION_TEXT
    annotation_data = {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"$ref": "#/components/schemas/Annotation"}},
    }

    nullable_text = {"type": "string", "nullable": True}
    release_props: dict[str, Any] = {
        "id": {"type": "integer"},
        "release_key": {"type": "string"},
        "title": nullable_text,
        "artist_name": nullable_text,
        "approved_at": {"type": "string", "format": "date-time", "nullable": True},
        "distribution_status": {"type": "string", "nullable": True},
        "track_url": nullable_text,
        "video_url": nullable_text,
        **{name: nullable_text for name in RELEASE_IDENTIFIERS},
    }
    release_input_props: dict[str, Any] = {
        "release_key": {"type": "string", "minLength": 1, "maxLength": 255},
        "title": {"type": "string", "maxLength": 255},
        "artist_name": {"type": "string", "maxLength": 255},
        "approved_at": {
            "type": "string",
            "description": "ISO 8601 (an offset, or the configured time zone)",
        },
        "distribution_status": {"type": "string", "enum": list(DISTRIBUTION_STATUSES)},
        "track_url": {"type": "string", "description": "http(s) URL; empty means none"},
        "video_url": {"type": "string", "description": "http(s) URL; empty means none"},
        **{name: {"type": "string", "maxLength": 255} for name in RELEASE_IDENTIFIERS},
    }
    for name in release_input_props:
        if name != "release_key":  # null means "not given"
            release_input_props[name]["nullable"] = True
            if "enum" in release_input_props[name]:
                release_input_props[name]["enum"].append(None)
    metric_props: dict[str, Any] = {
        "id": {"type": "integer"},
        "release_key": {"type": "string"},
        "release_id": {"type": "integer"},
        "platform": {"type": "string"},
        "metric_type": {"type": "string"},
        "metric_value": {"type": "integer", "minimum": 0},
        "recorded_at": {"type": "string", "format": "date-time"},
        "value_kind": {"type": "string", "enum": list(VALUE_KINDS)},
        "source": {"type": "string", "enum": list(SOURCES)},
        "source_url": nullable_text,
        "notes": nullable_text,
    }
    record_props: dict[str, Any] = {
        "release_key": {
            "type": "string",
            "description": "The release's workflow key (or give release_id).",
        },
        "release_id": {"type": "integer", "minimum": 1, "description": "perfdash's release id."},
        "platform": {"type": "string", "minLength": 1, "maxLength": 100, "example": "YouTube"},
        "metric_type": {"type": "string", "minLength": 1, "maxLength": 50, "example": "views"},
        "metric_value": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2**63 - 1,
            "description": "A non-negative whole number (a text such as '12,345' is accepted).",
        },
        "recorded_at": {
            "type": "string",
            "description": "ISO 8601; without an offset it is read in the configured time "
            "zone; default now.  Not in the future.",
        },
        "source_url": {
            "type": "string",
            "description": "http(s) URL; empty means none",
            "maxLength": 2000,
        },
        "notes": {"type": "string", "maxLength": 2000},
        "value_kind": {
            "type": "string",
            "enum": list(VALUE_KINDS),
            "default": "total",
            "description": "total = lifetime total at recorded_at; period = count for a period.",
        },
    }
    for name in ("release_key", "release_id", "recorded_at", "source_url", "notes", "value_kind"):
        record_props[name]["nullable"] = True  # null means "not given"
        if "enum" in record_props[name]:
            record_props[name]["enum"].append(None)
    page_params = [
        {
            "name": "limit",
            "in": "query",
            "description": f"Rows per page (default {api.DEFAULT_PAGE}, max {api.MAX_PAGE}).",
            "schema": {"type": "integer", "minimum": 1, "maximum": api.MAX_PAGE},
        },
        {
            "name": "cursor",
            "in": "query",
            "description": "next_cursor of the previous page.",
            "schema": {"type": "integer", "minimum": 0},
        },
    ]
    auth_errors = {
        "401": _error_response("No token, or an unknown or revoked token"),
        "403": _error_response("The token's role is not enough"),
    }
    read_security = [{}, {"bearerAuth": []}]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "perfdash API",
            "version": __version__,
            "description": (
                "Record and read release performance metrics.  Writes need an editor token "
                "(`perfdash token create --name NAME --role editor`) sent as "
                "`Authorization: Bearer <token>`.  Reads are anonymous unless the deployment "
                "requires login, then they need a viewer token.  Errors are JSON with a "
                "status code; a request that fails writes nothing.  Bodies are limited to "
                f"{api.MAX_BODY_BYTES:,} bytes."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["status", "message"],
                            "properties": {
                                "status": {"type": "integer"},
                                "message": {"type": "string"},
                                "details": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "index": {"type": "integer"},
                                            "field": {"type": "string"},
                                            "message": {"type": "string"},
                                        },
                                    },
                                },
                            },
                        }
                    },
                },
                "Release": {"type": "object", "properties": release_props},
                "ReleaseInput": {
                    "type": "object",
                    "required": ["release_key"],
                    "additionalProperties": False,
                    "properties": release_input_props,
                },
                "Metric": {"type": "object", "properties": metric_props},
                "MetricRecord": {
                    "type": "object",
                    "required": ["platform", "metric_type", "metric_value"],
                    "additionalProperties": False,
                    "properties": record_props,
                },
                "Annotation": {
                    "type": "object",
                    "required": ["id", "release_id", "release_key", "at", "text"],
                    "properties": {
                        "id": {"type": "integer"},
                        "release_id": {
                            "type": "integer",
                            "nullable": True,
                            "description": "null: a note about the whole catalog",
                        },
                        "release_key": nullable_text,
                        "at": {"type": "string", "format": "date-time"},
                        "text": {"type": "string"},
                        "created_by": nullable_text,
                        "created_at": {"type": "string", "format": "date-time", "nullable": True},
                    },
                },
                "AnnotationInput": {
                    "type": "object",
                    "required": ["date", "text"],
                    "additionalProperties": False,
                    "properties": {
                        "release": {
                            "nullable": True,
                            "description": "The release's key or perfdash id; null, empty or "
                            "left out: a note about the whole catalog.",
                            "anyOf": [
                                {"type": "string", "maxLength": 255},
                                {"type": "integer", "minimum": 1},
                            ],
                        },
                        "date": {
                            "type": "string",
                            "maxLength": 40,
                            "example": "2026-03-01",
                            "description": "ISO 8601 date or time; a bare date is that day "
                            "in the configured time zone.",
                        },
                        "text": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": annotation_max,
                            "example": "playlist add",
                        },
                    },
                },
            },
        },
        "paths": {
            "/releases": {
                "get": {
                    "summary": "List releases in id order",
                    "security": read_security,
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "description": "Text in title, artist or key.",
                            "schema": {"type": "string", "maxLength": 255},
                        },
                        *page_params,
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of releases",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "data": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Release"},
                                            },
                                            "next_cursor": {"type": "string", "nullable": True},
                                        },
                                    }
                                }
                            },
                        },
                        "400": _error_response("A bad parameter"),
                        **auth_errors,
                    },
                },
                "post": {
                    "summary": "Create a release",
                    "security": [{"bearerAuth": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ReleaseInput"}
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Created",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Release"}
                                }
                            },
                        },
                        "400": _error_response("A bad field; nothing written"),
                        **auth_errors,
                        "409": _error_response("The release key exists already"),
                        "413": _error_response("Body too large"),
                        "415": _error_response("Body is not JSON"),
                    },
                },
            },
            "/releases/{release_id}": {
                "get": {
                    "summary": "One release",
                    "security": read_security,
                    "parameters": [
                        {
                            "name": "release_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 0},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The release",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Release"}
                                }
                            },
                        },
                        **auth_errors,
                        "404": _error_response("No such release"),
                    },
                }
            },
            "/metrics": {
                "get": {
                    "summary": "List metric rows in id order, filtered, as JSON or CSV",
                    "security": read_security,
                    "parameters": [
                        {"name": "release_key", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "release_id",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                        },
                        {
                            "name": "platform",
                            "in": "query",
                            "description": "Case-insensitive; repeat for several.",
                            "schema": {"type": "string"},
                        },
                        {"name": "metric_type", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "from",
                            "in": "query",
                            "description": "recorded_at >= from (ISO 8601).",
                            "schema": {
                                "type": "string",
                                "description": "ISO 8601 (an offset, or the configured time zone)",
                            },
                        },
                        {
                            "name": "to",
                            "in": "query",
                            "description": "recorded_at < to (ISO 8601).",
                            "schema": {
                                "type": "string",
                                "description": "ISO 8601 (an offset, or the configured time zone)",
                            },
                        },
                        {
                            "name": "format",
                            "in": "query",
                            "description": "csv or json (or send Accept: text/csv).",
                            "schema": {"type": "string", "enum": ["json", "csv"]},
                        },
                        *page_params,
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of metric rows; X-Next-Cursor names the "
                            "next page",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "data": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Metric"},
                                            },
                                            "next_cursor": {"type": "string", "nullable": True},
                                        },
                                    }
                                },
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                        "400": _error_response("A bad parameter"),
                        **auth_errors,
                    },
                },
                "post": {
                    "summary": f"Record a batch of up to {api.MAX_BATCH:,} readings, "
                    "all or nothing",
                    "description": "Readings already stored (same release, platform ignoring "
                    "case, metric type, recorded_at, value kind) are counted as "
                    "already_present and not written again, so re-posting is safe.",
                    "security": [{"bearerAuth": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "minItems": 1,
                                    "maxItems": api.MAX_BATCH,
                                    "items": {"$ref": "#/components/schemas/MetricRecord"},
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "Written",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["written", "already_present"],
                                        "properties": {
                                            "written": {"type": "integer"},
                                            "already_present": {"type": "integer"},
                                        },
                                    }
                                }
                            },
                        },
                        "400": _error_response(
                            "A bad record: details name its index and field; nothing written"
                        ),
                        **auth_errors,
                        "413": _error_response("Body or batch too large"),
                        "415": _error_response("Body is not JSON"),
                    },
                },
            },
            "/metrics/{metric_id}": {
                "parameters": [
                    {
                        "name": "metric_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0},
                    }
                ],
                "get": {
                    "summary": "One metric row",
                    "security": read_security,
                    "responses": {
                        "200": {
                            "description": "The row",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Metric"}
                                }
                            },
                        },
                        **auth_errors,
                        "404": _error_response("No such row"),
                    },
                },
                "delete": {
                    "summary": "Delete one metric row (editors)",
                    "security": [{"bearerAuth": []}],
                    "responses": {
                        "204": {"description": "Deleted"},
                        **auth_errors,
                        "404": _error_response("No such row"),
                    },
                },
            },
            "/annotations": {
                "get": {
                    "summary": "List dated notes in time order",
                    "description": "With release: that release's notes and the notes about "
                    "the whole catalog.",
                    "security": read_security,
                    "parameters": [
                        {
                            "name": "release",
                            "in": "query",
                            "description": "A release key or perfdash id.",
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "start",
                            "in": "query",
                            "description": "at >= start (ISO 8601).",
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "end",
                            "in": "query",
                            "description": "at < end (ISO 8601).",
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The notes",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["data"],
                                        "properties": {
                                            "data": {
                                                "type": "array",
                                                "items": {
                                                    "$ref": "#/components/schemas/Annotation"
                                                },
                                            }
                                        },
                                    }
                                }
                            },
                        },
                        "400": _error_response("A bad start or end"),
                        **auth_errors,
                        "404": _error_response("No such release"),
                    },
                },
                "post": {
                    "summary": "Add a dated note to a release or the whole catalog (editors)",
                    "security": [{"bearerAuth": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/AnnotationInput"}
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Created; Location names it",
                            "headers": {
                                "Location": {
                                    "schema": {"type": "string"},
                                    "description": "/api/v1/annotations/ID",
                                }
                            },
                            "content": {"application/json": {"schema": annotation_data}},
                        },
                        "400": _error_response(
                            "A bad or unknown field (details name each); nothing written"
                        ),
                        **auth_errors,
                        "413": _error_response("Body too large"),
                        "415": _error_response("Body is not JSON"),
                    },
                },
            },
            "/annotations/{annotation_id}": {
                "delete": {
                    "summary": "Delete one note (editors)",
                    "security": [{"bearerAuth": []}],
                    "parameters": [
                        {
                            "name": "annotation_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 0},
                        }
                    ],
                    "responses": {
                        "204": {"description": "Deleted"},
                        **auth_errors,
                        "404": _error_response("No such note"),
                    },
                }
            },
        },
    }
