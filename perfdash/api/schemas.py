"""The JSON shapes of the API's bodies, as OpenAPI 3.0 components.

Built from the same field lists and vocabularies the handlers check against, so a field the
API gains or a status it learns appears in the document without a second edit.  Inputs allow
``null`` for a field left out (scripts often send every key); outputs say which may be null.
"""

from __future__ import annotations

from typing import Any

from perfdash import store
from perfdash.vocab import (
    DISTRIBUTION_STATUSES,
    RELEASE_CODES,
    RELEASE_IDENTIFIERS,
    SOURCES,
    VALUE_KINDS,
)


def components() -> dict[str, Any]:
    return {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": _error(),
            "Release": {"type": "object", "properties": _release()},
            "ReleaseInput": {
                "type": "object",
                "required": ["release_key"],
                "additionalProperties": False,
                "properties": _release_input(),
            },
            "ReleasePatch": {
                "type": "object",
                "additionalProperties": False,
                "properties": _release_input(),
            },
            "Metric": {"type": "object", "properties": _metric()},
            "MetricRecord": {
                "type": "object",
                "required": ["platform", "metric_type", "metric_value"],
                "additionalProperties": False,
                "properties": _metric_record(),
            },
            "Annotation": _annotation(),
            "AnnotationInput": _annotation_input(),
            "Share": _share(),
            "ShareInput": _share_input(),
        },
    }


def _text_or_null() -> dict[str, Any]:
    return {"type": "string", "nullable": True}


def _nullable(props: dict[str, Any], names: Any) -> None:
    """Let ``names`` be null, meaning "not given" (an enum must then list null too)."""
    for name in names:
        props[name]["nullable"] = True
        if "enum" in props[name]:
            props[name]["enum"].append(None)


def _error() -> dict[str, Any]:
    return {
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
    }


GENERATION = ("track_prompt", "video_prompt", "suno_clip_id", "luma_generation_id")


def _release() -> dict[str, Any]:
    return {
        "id": {"type": "integer"},
        "release_key": {"type": "string"},
        "title": _text_or_null(),
        "artist_name": _text_or_null(),
        "approved_at": {"type": "string", "format": "date-time", "nullable": True},
        "distribution_status": {"type": "string", "nullable": True},
        "track_url": _text_or_null(),
        "video_url": _text_or_null(),
        **{name: _text_or_null() for name in RELEASE_IDENTIFIERS},
        **{name: _text_or_null() for name in RELEASE_CODES},
        **{name: _text_or_null() for name in GENERATION},
        "tags": {
            "type": "array",
            "items": {"type": "string"},
            "description": "the release's tags, normalised, in alphabetical order",
        },
    }


def _release_input() -> dict[str, Any]:
    props: dict[str, Any] = {
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
        "isrc": {
            "type": "string",
            "maxLength": 64,
            "description": "12 characters (country, registrant, year, designation); dashes "
            "and spaces are dropped; unique; empty clears it",
        },
        "upc": {
            "type": "string",
            "maxLength": 64,
            "description": "UPC-A (12 digits) or EAN-13 with a right check digit; unique; "
            "empty clears it",
        },
        "track_prompt": {
            "type": "string",
            "maxLength": 4000,
            "description": "what the music was generated from (What works reads its words)",
        },
        "video_prompt": {"type": "string", "maxLength": 4000},
        "suno_clip_id": {"type": "string", "maxLength": 255},
        "luma_generation_id": {"type": "string", "maxLength": 255},
    }
    _nullable(props, [name for name in props if name != "release_key"])
    return props


def _metric() -> dict[str, Any]:
    return {
        "id": {"type": "integer"},
        "release_key": {"type": "string"},
        "release_id": {"type": "integer"},
        "platform": {"type": "string"},
        "metric_type": {"type": "string"},
        "metric_value": {"type": "integer", "minimum": 0},
        "recorded_at": {"type": "string", "format": "date-time"},
        "value_kind": {"type": "string", "enum": list(VALUE_KINDS)},
        "source": {"type": "string", "enum": list(SOURCES)},
        "source_url": _text_or_null(),
        "notes": _text_or_null(),
        "country": {
            "type": "string",
            "description": "ISO 3166-1 alpha-2; empty: worldwide",
        },
        "currency": {
            "type": "string",
            "description": "money (earnings): ISO 4217, metric_value in micro-units; else empty",
        },
        "metric_kind": {
            "type": "string",
            "enum": ["counter", "audience", "score"],
            "description": "How the metric type reads (set by an editor; not accepted on POST)",
        },
        "lower_is_better": {"type": "boolean", "description": "For a score such as a rank"},
    }


def _metric_record() -> dict[str, Any]:
    props: dict[str, Any] = {
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
        "country": {
            "type": "string",
            "maxLength": 2,
            "example": "DE",
            "description": "ISO 3166-1 alpha-2 (any case); empty or absent: worldwide.",
        },
        "currency": {
            "type": "string",
            "maxLength": 3,
            "example": "USD",
            "description": "Money (earnings) only, and required there: ISO 4217; metric_value"
            " is then in micro-units (12.34 USD is 12340000).",
        },
    }
    _nullable(
        props,
        (
            "release_key",
            "release_id",
            "recorded_at",
            "source_url",
            "notes",
            "value_kind",
            "country",
            "currency",
        ),
    )
    return props


def _annotation() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "release_id", "release_key", "at", "text"],
        "properties": {
            "id": {"type": "integer"},
            "release_id": {
                "type": "integer",
                "nullable": True,
                "description": "null: a note about the whole catalog",
            },
            "release_key": _text_or_null(),
            "at": {"type": "string", "format": "date-time"},
            "text": {"type": "string"},
            "created_by": _text_or_null(),
            "created_at": {"type": "string", "format": "date-time", "nullable": True},
        },
    }


def _annotation_input() -> dict[str, Any]:
    return {
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
                "maxLength": store.MAX_ANNOTATION_TEXT,
                "example": "playlist add",
            },
        },
    }


def _share() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "url", "view", "expires_at"],
        "properties": {
            "id": {"type": "integer"},
            "url": {"type": "string", "description": "/share/<token>: shown once"},
            "view": {"type": "string", "description": "the view, normalised"},
            "expires_at": {"type": "string", "format": "date-time", "nullable": True},
        },
    }


def _share_input() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["view"],
        "additionalProperties": False,
        "properties": {
            "view": {
                "type": "string",
                "maxLength": 2000,
                "description": "a dashboard view (/dashboard?release=3&period=28d), an "
                "artist page (/artists?artist=NAME&period=28d) or a tag's overview "
                "(/overview?tag=NAME&period=28d)",
            },
            "expires": {
                "type": "string",
                "nullable": True,
                "maxLength": 40,
                "description": "a date (the link ends as it begins, PERFDASH_TZ) or an ISO "
                "time with offset; null or absent: never",
            },
        },
    }
