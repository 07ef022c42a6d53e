"""The OpenAPI paths of the catalog's groupings: artists (``api/artists.py``) and tags
(``api/tags.py``)."""

from __future__ import annotations

from typing import Any

from perfdash.api.openapi_blocks import ISO_TIME, answer, body, error, path_id, query, read, write


def _view_params() -> list[dict[str, Any]]:
    platform = {
        "name": "platform",
        "in": "query",
        "description": "Repeat for several; none: all.",
        "schema": {"type": "array", "items": {"type": "string", "maxLength": 255}},
        "style": "form",
        "explode": True,
    }
    return [
        query("metric", "Default: views, else streams, else the first.", maxLength=50),
        platform,
        query(
            "from",
            "A local day (YYYY-MM-DD) or an ISO 8601 date-time with its offset; default: the"
            " last 90 days.",
            maxLength=40,
        ),
        query(
            "to",
            "A local day, included, or an ISO 8601 date-time with its offset, excluded"
            " (default: through today); cut at now (cut_at_now).",
            maxLength=40,
        ),
    ]


def roster_paths() -> dict[str, Any]:
    number = {"type": "number", "nullable": True}
    span = {
        "from": {"type": "string", "nullable": True, "description": ISO_TIME},
        "to": {"type": "string", "description": "The period's end; never later than now"},
        "cut_at_now": {"type": "boolean"},
        "previous_from": {"type": "string", "nullable": True},
        "previous_to": {"type": "string", "nullable": True},
    }
    measured = {
        "gain": {**number, "description": "summed over the releases; null for a score"},
        "previous_gain": number,
        "level": {**number, "description": "a score's mean level over the releases"},
        "previous_level": number,
    }
    artist_row = {
        "type": "object",
        "properties": {
            "artist_name": {"type": "string"},
            "releases": {"type": "integer", "description": "releases with this artist name"},
            "active_releases": {"type": "integer", "description": "with a reading in the period"},
            **measured,
        },
    }
    release_row = {
        "type": "object",
        "properties": {
            "release_key": {"type": "string"},
            "title": {"type": "string", "nullable": True},
            "approved_at": {"type": "string", "nullable": True},
            **measured,
            "total": {**number, "description": "lifetime total at the period's end"},
            "share": {**number, "description": "of the artist's gain (counters only), 0..1"},
        },
    }
    kpi = {
        "type": "object",
        "properties": {
            "metric_type": {"type": "string"},
            "kind": {"type": "string", "enum": ["counter", "audience", "score"]},
            "lower_is_better": {"type": "boolean"},
            "gain": number,
            "total": number,
            "previous_gain": number,
            "change": number,
        },
    }
    metric = {
        "metric": {"type": "string", "nullable": True},
        "kind": {"type": "string", "nullable": True},
    }
    bad = {"400": error("A bad parameter (named in details)")}
    limit = {
        "name": "limit",
        "in": "query",
        "description": "Artists listed (default and most 500).",
        "schema": {"type": "integer", "minimum": 1, "maximum": 500},
    }
    name = {
        "name": "name",
        "in": "path",
        "required": True,
        "description": "The artist name as releases carry it (URL-encoded).",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    }
    return {
        "/artists": {
            "get": read(
                "Every artist, ranked for a metric over the period (a score: by level)",
                {
                    "200": answer(
                        "The period and the artists, ranked; those without a reading last",
                        {
                            "type": "object",
                            "properties": {
                                **span,
                                **metric,
                                "lower_is_better": {"type": "boolean"},
                                "artists": {"type": "array", "items": artist_row},
                            },
                        },
                    ),
                    **bad,
                },
                parameters=[*_view_params(), limit],
            )
        },
        "/artists/{name}": {
            "get": read(
                "One artist's releases (each one's gain and share) and KPIs over them",
                {
                    "200": answer(
                        "The period, the releases and a KPI per metric",
                        {
                            "type": "object",
                            "properties": {
                                **span,
                                **metric,
                                "artist_name": {"type": "string"},
                                "releases": {"type": "array", "items": release_row},
                                "kpis": {"type": "array", "items": kpi},
                            },
                        },
                    ),
                    **bad,
                    "404": error("No release has that artist name"),
                },
                parameters=[name, *_view_params()],
            )
        },
        **_tag_paths(),
    }


def _tag_paths() -> dict[str, Any]:
    tags = {"type": "array", "items": {"type": "string", "maxLength": 50}, "maxItems": 20}
    release_tags = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "release_key": {"type": "string"}, "tags": tags},
    }
    counted = {
        "type": "object",
        "properties": {"tag": {"type": "string"}, "releases": {"type": "integer"}},
    }
    missing = {"404": error("No such release")}
    return {
        "/tags": {
            "get": read(
                "Every tag with its number of releases",
                {
                    "200": answer(
                        "The tags, alphabetically",
                        {
                            "type": "object",
                            "properties": {"tags": {"type": "array", "items": counted}},
                        },
                    )
                },
            )
        },
        "/releases/{release_id}/tags": {
            "get": read(
                "A release's tags",
                {"200": answer("The release's tags", release_tags), **missing},
                parameters=[path_id("release_id")],
            ),
            "put": write(
                "Make these the release's only tags (normalised: lower case, spaces made hyphens)",
                {
                    "200": answer("The release's tags now", release_tags),
                    "400": error("A refused tag, or too many; nothing changed"),
                    **missing,
                    "413": error("Body too large"),
                    "415": error("Body is not JSON"),
                },
                parameters=[path_id("release_id")],
                requestBody=body(
                    {
                        "type": "object",
                        "required": ["tags"],
                        "properties": {"tags": {"type": "array", "items": {"type": "string"}}},
                        "additionalProperties": False,
                    }
                ),
            ),
        },
    }
