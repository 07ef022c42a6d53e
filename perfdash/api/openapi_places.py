"""The OpenAPI path of where a catalog is heard: the top countries (``api/numbers.countries``)."""

from __future__ import annotations

from typing import Any

from perfdash.api.openapi_blocks import answer, error, query, read


def places_paths() -> dict[str, Any]:
    many = {"type": "array", "items": {"type": "string", "maxLength": 255}}
    release = {
        "name": "release",
        "in": "query",
        "description": "A release key or id; repeat for several; none: the whole catalog.",
        "schema": many,
        "style": "form",
        "explode": True,
    }
    platform = {**release, "name": "platform", "description": "Repeat for several; none: all."}
    country = {
        "type": "object",
        "properties": {
            "country": {"type": "string", "description": "ISO 3166-1 alpha-2"},
            "name": {"type": "string"},
            "value": {
                "type": "number",
                "description": "the sum of the country's per-country counts in the period"
                " (money: micro-units of currency)",
            },
            "share": {"type": "number", "description": "of the countries' sum, 0 to 1"},
            "releases": {"type": "integer", "description": "releases counted in the country"},
        },
    }
    return {
        "/countries": {
            "get": read(
                "The top countries of a metric in the period: per-country readings only (a"
                " worldwide number has no country), largest first",
                {
                    "200": answer(
                        "The period and the countries",
                        {
                            "type": "object",
                            "properties": {
                                "from": {"type": "string", "nullable": True},
                                "to": {"type": "string"},
                                "cut_at_now": {"type": "boolean"},
                                "previous_from": {"type": "string", "nullable": True},
                                "previous_to": {"type": "string", "nullable": True},
                                "metric": {"type": "string", "nullable": True},
                                "currency": {"type": "string", "nullable": True},
                                "releases": {"type": "array", "items": {"type": "string"}},
                                "countries": {"type": "array", "items": country},
                            },
                        },
                    ),
                    "400": error("A bad parameter (named in details)"),
                    "404": error("No release with that key or id, or no release with the tag"),
                },
                parameters=[
                    release,
                    query("tag", "Only the releases that carry this tag.", maxLength=200),
                    query("metric", "Default: streams, else views, else the first.", maxLength=50),
                    platform,
                    query(
                        "currency",
                        "For money (earnings): the ISO 4217 code; refused for other metrics.",
                        maxLength=3,
                    ),
                    query(
                        "from",
                        "A local day (YYYY-MM-DD) or an ISO 8601 date-time with its offset;"
                        " default: the last 90 days.",
                        maxLength=40,
                    ),
                    query(
                        "to",
                        "A local day, included, or an ISO 8601 date-time with its offset,"
                        " excluded (default: through today); cut at now.",
                        maxLength=40,
                    ),
                ],
            )
        }
    }
