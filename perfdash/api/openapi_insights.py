"""The OpenAPI paths of what perfdash learns from the numbers: forecasts and what works in
the prompts (whatever reads the catalog rather than records it).  ``openapi.spec`` adds them; kept apart so
neither module grows past a screenful of scrolling."""

from __future__ import annotations

from typing import Any

from perfdash.api.forecast import DEFAULT_DAYS, MAX_DAYS


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _read(summary: str, answer: dict[str, Any], parameters: list[dict[str, Any]]) -> dict:
    return {
        "summary": summary,
        "parameters": parameters,
        "security": [{}, {"bearerAuth": []}],
        "responses": {
            "200": answer,
            "400": _error("A bad parameter (named in details)"),
            "401": _error("No token, or an unknown or revoked token"),
            "403": _error("The token's role is not enough"),
        },
    }


def _param(name: str, about: str, schema: dict[str, Any], required: bool = False) -> dict:
    return {
        "name": name,
        "in": "query",
        "description": about,
        "required": required,
        "schema": schema,
    }


def paths() -> dict[str, Any]:
    number = {"type": "number", "nullable": True}
    point = {
        "type": "object",
        "properties": {
            "date": {"type": "string", "format": "date"},
            "value": {"type": "integer", "description": "the forecast total at the day's end"},
            "low": {"type": "integer", "description": "the 80 % band's low edge"},
            "high": {"type": "integer", "description": "the 80 % band's high edge"},
        },
    }
    forecast = {
        "type": "object",
        "properties": {
            "release_key": {"type": "string"},
            "metric": {"type": "string"},
            "kind": {"type": "string", "enum": ["counter", "audience"]},
            "platform": {"type": "string", "description": "all: summed over platforms"},
            "days": {"type": "integer"},
            "time_zone": {"type": "string"},
            "last_day": {"type": "string", "nullable": True, "format": "date"},
            "last_total": {"type": "integer", "nullable": True},
            "points": {"type": "array", "items": point},
            "method": {"type": "string"},
            "backtest": {
                "type": "object",
                "properties": {
                    "mape_28d": {**number, "description": "mean abs. error of the 28-day gain"},
                    "band_coverage": {**number, "description": "how often the band held"},
                    "origins": {"type": "integer"},
                },
            },
            "message": {"type": "string", "nullable": True},
        },
    }
    release = _param(
        "release", "A release key or id.", {"type": "string", "maxLength": 255}, required=True
    )
    get = _read(
        "The next days of a release's total, with an 80 % band and the method's backtest",
        {
            "description": "Day by day from tomorrow (local); no points and a message when "
            "the release has too few days of numbers",
            "content": {"application/json": {"schema": forecast}},
        },
        [
            release,
            _param(
                "metric",
                "Default: views, else streams, else the first.",
                {"type": "string", "maxLength": 50},
            ),
            _param("platform", "One platform; none: summed over all.", {"type": "string"}),
            _param(
                "days",
                f"Days ahead (default {DEFAULT_DAYS}).",
                {"type": "integer", "minimum": 1, "maximum": MAX_DAYS},
            ),
        ],
    )
    get["responses"]["404"] = _error("No release with that key or id")
    return {
        "/forecast": {"get": get},
        "/insights/prompts": {"get": _prompts()},
        **_goals(),
    }


def _goals() -> dict[str, Any]:
    day = {"type": "string", "format": "date", "nullable": True}
    progress = {
        "current": {"type": "integer"},
        "share": {"type": "number"},
        "ends": day,
        "status": {
            "type": "string",
            "enum": ["reached", "missed", "on track", "off track", "no forecast"],
        },
        "reached_on": day,
        "projected": day,
        "projected_soonest": day,
        "projected_latest": day,
    }
    launch = {
        "type": "object",
        "properties": {
            "release_id": {"type": "integer"},
            "release": {"type": "string"},
            **progress,
        },
    }
    goal = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "scope": {"type": "string", "enum": ["release", "artist", "tag"]},
            "release_key": {"type": "string", "nullable": True},
            "artist": {"type": "string", "nullable": True},
            "tag": {"type": "string", "nullable": True},
            "metric": {"type": "string"},
            "target": {"type": "integer"},
            "by": day,
            "first_days": {"type": "integer", "nullable": True},
            "each_launch": {
                "type": "boolean",
                "description": "An artist's or a tag's goal in the first days: one per launch; "
                "the progress fields are the newest launch's, launches holds each",
            },
            "goal": {"type": "string"},
            **progress,
            "launches": {"type": "array", "items": launch},
            "text": {"type": "string"},
        },
    }
    body = {
        "type": "object",
        "properties": {
            "release": {"type": "string", "maxLength": 255, "description": "key or id"},
            "artist": {"type": "string", "maxLength": 255},
            "tag": {"type": "string", "maxLength": 100},
            "metric": {"type": "string", "maxLength": 50},
            "target": {"type": "integer", "minimum": 1},
            "by": {"type": "string", "format": "date"},
            "first_days": {"type": "integer", "minimum": 1, "maximum": 3650},
        },
        "additionalProperties": False,
    }
    write_errors = {
        "401": _error("No token, or an unknown or revoked token"),
        "403": _error("The token's role is not enough"),
    }
    listing = _read(
        "Every goal with its progress and the projected day of reaching it",
        {
            "description": "The goals",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"data": {"type": "array", "items": goal}},
                    }
                }
            },
        },
        [],
    )
    del listing["responses"]["400"]
    create = {
        "summary": "Set a goal for a release, an artist or a tag (editor)",
        "security": [{"bearerAuth": []}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {
            "201": {
                "description": "The goal, with its progress",
                "content": {
                    "application/json": {"schema": {"type": "object", "properties": {"data": goal}}}
                },
            },
            "400": _error("A bad field (named in details); nothing was saved"),
            "413": _error("The body is too large"),
            "415": _error("Not JSON"),
            **write_errors,
        },
    }
    remove = {
        "summary": "Remove a goal (editor)",
        "security": [{"bearerAuth": []}],
        "parameters": [
            {
                "name": "goal_id",
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 0},
            }
        ],
        "responses": {
            "204": {"description": "Removed"},
            "404": _error("No goal with that id"),
            **write_errors,
        },
    }
    return {"/goals": {"get": listing, "post": create}, "/goals/{goal_id}": {"delete": remove}}


def _prompts() -> dict[str, Any]:
    term = {
        "type": "object",
        "properties": {
            "term": {
                "type": "string",
                "description": "track: word, video: two words, or an attribute",
            },
            "n": {"type": "integer", "description": "releases with the term"},
            "effect": {"type": "number", "description": "typical launch with vs without, minus 1"},
            "ci_low": {"type": "number", "description": "95 % bootstrap interval, low edge"},
            "ci_high": {"type": "number", "description": "95 % bootstrap interval, high edge"},
            "above": {"type": "integer", "description": "of n, launched above the median"},
            "also": {
                "type": "array",
                "items": {"type": "string"},
                "description": "other terms on exactly the same releases",
            },
        },
    }
    answer = {
        "type": "object",
        "properties": {
            "metric": {"type": "string", "nullable": True},
            "day": {"type": "integer"},
            "releases": {"type": "integer", "description": "releases with a launch outcome"},
            "median": {"type": "number", "nullable": True},
            "min_releases": {"type": "integer"},
            "caveat": {"type": "string"},
            "terms": {"type": "array", "items": term},
        },
    }
    op = _read(
        "Prompt terms and generation attributes against launches (association, not cause)",
        {
            "description": "Terms in at least min_releases releases, biggest effect first",
            "content": {
                "application/json": {"schema": answer},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
        [
            _param(
                "metric",
                "Default: views, else streams, else the first.",
                {"type": "string", "maxLength": 50},
            ),
            _param(
                "day",
                "Launches compared by their total this many days after launch (default 7).",
                {"type": "integer", "enum": [7, 28]},
            ),
            _param("format", "json (default) or csv.", {"type": "string", "enum": ["json", "csv"]}),
        ],
    )
    return op
