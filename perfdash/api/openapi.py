"""The OpenAPI 3 document of /api/v1, written by hand next to the code it describes.

It is built by a function (no module-level mutable state) from the limits ``http`` enforces,
so the documented maximums are the enforced ones.  The tests check it against the routes
Flask registered (every operation documented, nothing documented that is not served) and run
schemathesis over it.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from flask import Response, jsonify

from perfdash.api import http, openapi_insights, openapi_views
from perfdash.api.openapi_blocks import ISO_TIME
from perfdash.api.openapi_blocks import answer as _answer
from perfdash.api.openapi_blocks import body as _body
from perfdash.api.openapi_blocks import error as _error
from perfdash.api.openapi_blocks import json as _json
from perfdash.api.openapi_blocks import page_of as _page_of
from perfdash.api.openapi_blocks import page_params as _page_params
from perfdash.api.openapi_blocks import path_id as _path_id
from perfdash.api.openapi_blocks import query as _query
from perfdash.api.openapi_blocks import read as _read
from perfdash.api.openapi_blocks import ref as _ref
from perfdash.api.openapi_blocks import write as _write
from perfdash.api.openapi_places import places_paths
from perfdash.api.openapi_roster import roster_paths
from perfdash.api.schemas import components


def document() -> Response:
    return jsonify(spec())


def spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "perfdash API",
            "version": _version(),
            "description": (
                "Record and read release performance metrics.  Writes need an editor token "
                "(`perfdash token create --name NAME --role editor`) sent as "
                "`Authorization: Bearer <token>`.  Reads are anonymous unless the deployment "
                "requires login, then they need a viewer token.  Errors are JSON with a "
                "status code; a request that fails writes nothing.  Bodies are limited to "
                f"{http.MAX_BODY_BYTES:,} bytes."
            ),
        },
        "servers": [{"url": http.API_PREFIX}],
        "components": components(),
        "paths": {
            **_release_paths(),
            **_reading_paths(),
            **_annotation_paths(),
            **_job_paths(),
            **_number_paths(),
            **openapi_insights.paths(),
            **roster_paths(),
            **places_paths(),
            **_share_paths(),
            **openapi_views.paths(),
        },
    }


def _version() -> str:
    """The installed distribution's version, as ``perfdash --version`` prints it (asking the
    package itself would tie the API back up to the app factory)."""
    try:
        return version("perfdash")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


# --------------------------------------------------------------------------- paths


def _release_paths() -> dict[str, Any]:
    return {
        "/releases": {
            "get": _read(
                "List releases in id order",
                {
                    "200": _answer("A page of releases", _page_of("Release")),
                    "400": _error("A bad parameter"),
                },
                parameters=[
                    _query("q", "Text in title, artist, key, ISRC or UPC.", maxLength=255),
                    _query("isrc", "The release holding this ISRC (dashes allowed)."),
                    _query("upc", "The release holding this UPC-A / EAN-13."),
                    _query(
                        "tag",
                        "Only the releases that carry this tag (read as tags are: "
                        "'Summer Campaign' is summer-campaign); none carries it: an empty page.",
                        maxLength=200,
                    ),
                    *_page_params(),
                ],
            ),
            "post": _write(
                "Create a release",
                {
                    "201": _answer("Created", _ref("Release")),
                    "400": _error("A bad field; nothing written"),
                    "409": _error("The release key, ISRC or UPC is another release's"),
                    "413": _error("Body too large"),
                    "415": _error("Body is not JSON"),
                },
                requestBody=_body(_ref("ReleaseInput")),
            ),
        },
        "/releases/{release_id}": {
            "get": _read(
                "One release",
                {"200": _answer("The release", _ref("Release")), "404": _error("No such release")},
                parameters=[_path_id("release_id")],
            ),
            "patch": _write(
                "Change the fields a release's JSON object names",
                {
                    "200": _answer("The release as stored", _ref("Release")),
                    "400": _error("A bad field; nothing written"),
                    "404": _error("No such release"),
                    "409": _error("The release key, ISRC or UPC is another release's"),
                    "413": _error("Body too large"),
                    "415": _error("Body is not JSON"),
                },
                parameters=[_path_id("release_id")],
                requestBody=_body(_ref("ReleasePatch")),
            ),
        },
    }


def _reading_paths() -> dict[str, Any]:
    filters = [
        _query("release_key"),
        {
            "name": "release_id",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": http.MAX_ID},
        },
        _query("platform", "Case-insensitive; repeat for several."),
        _query("metric_type"),
        _query("from", "recorded_at >= from (ISO 8601).", description=ISO_TIME),
        _query("to", "recorded_at < to (ISO 8601).", description=ISO_TIME),
        _query("country", "Only this country's readings (ISO 3166-1 alpha-2).", maxLength=2),
        _query("currency", "Only readings in this currency (ISO 4217).", maxLength=3),
        _query("format", "csv or json (or send Accept: text/csv).", enum=["json", "csv"]),
    ]
    listed = {
        "description": "A page of metric rows; X-Next-Cursor names the next page",
        "content": {**_json(_page_of("Metric")), "text/csv": {"schema": {"type": "string"}}},
    }
    written = {
        "type": "object",
        "required": ["written", "already_present"],
        "properties": {
            "written": {"type": "integer"},
            "already_present": {"type": "integer"},
        },
    }
    batch = {
        "type": "array",
        "minItems": 1,
        "maxItems": http.MAX_BATCH,
        "items": _ref("MetricRecord"),
    }
    return {
        "/metrics": {
            "get": _read(
                "List metric rows in id order, filtered, as JSON or CSV",
                {"200": listed, "400": _error("A bad parameter")},
                parameters=[*filters, *_page_params()],
            ),
            "post": _write(
                f"Record a batch of up to {http.MAX_BATCH:,} readings, all or nothing",
                {
                    "200": _answer("Written", written),
                    "400": _error(
                        "A bad record: details name its index and field; nothing written"
                    ),
                    "413": _error("Body or batch too large"),
                    "415": _error("Body is not JSON"),
                },
                description="Readings already stored (same release, platform ignoring "
                "case, metric type, recorded_at, value kind) are counted as "
                "already_present and not written again, so re-posting is safe.",
                requestBody=_body(batch),
            ),
        },
        "/metrics/{metric_id}": {
            "parameters": [_path_id("metric_id")],
            "get": _read(
                "One metric row",
                {"200": _answer("The row", _ref("Metric")), "404": _error("No such row")},
            ),
            "delete": _write(
                "Delete one metric row (editors)",
                {"204": {"description": "Deleted"}, "404": _error("No such row")},
            ),
        },
    }


def _annotation_paths() -> dict[str, Any]:
    listed = {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "array", "items": _ref("Annotation")}},
    }
    one = {"type": "object", "required": ["data"], "properties": {"data": _ref("Annotation")}}
    created = _answer("Created; Location names it", one)
    created["headers"] = {
        "Location": {"schema": {"type": "string"}, "description": "/api/v1/annotations/ID"}
    }
    return {
        "/annotations": {
            "get": _read(
                "List dated notes in time order",
                {
                    "200": _answer("The notes", listed),
                    "400": _error("A bad start or end"),
                    "404": _error("No such release"),
                },
                description="With release: that release's notes and the notes about "
                "the whole catalog.",
                parameters=[
                    _query("release", "A release key or perfdash id."),
                    _query("start", "at >= start (ISO 8601)."),
                    _query("end", "at < end (ISO 8601)."),
                ],
            ),
            "post": _write(
                "Add a dated note to a release or the whole catalog (editors)",
                {
                    "201": created,
                    "400": _error("A bad or unknown field (details name each); nothing written"),
                    "413": _error("Body too large"),
                    "415": _error("Body is not JSON"),
                },
                requestBody=_body(_ref("AnnotationInput")),
            ),
        },
        "/annotations/{annotation_id}": {
            "delete": _write(
                "Delete one note (editors)",
                {"204": {"description": "Deleted"}, "404": _error("No such note")},
                parameters=[_path_id("annotation_id")],
            )
        },
    }


def _share_paths() -> dict[str, Any]:
    time = {"type": "string", "format": "date-time", "nullable": True}
    link = {
        "type": "object",
        "required": ["id", "view", "status", "created_by", "created_at", "expires_at"],
        "properties": {
            "id": {"type": "integer"},
            "view": {"type": "string"},
            "status": {"type": "string", "enum": ["live", "expired", "revoked"]},
            "created_by": {"type": "string", "nullable": True},
            "created_at": time,
            "expires_at": time,
            "revoked_at": time,
        },
    }
    listed = {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "array", "items": link}},
    }
    return {
        "/shares": {
            "get": _write(
                "List the share links this token made, newest first (editors)",
                {"200": _answer("The links, never their tokens", listed)},
            ),
            "post": _write(
                "Make a read-only share link of a dashboard view, an artist's page or a tag's "
                "overview (editors); the url is shown once",
                {
                    "201": _answer("The link: its id and url (with its token)", _ref("Share")),
                    "400": _error("A view or expiry a link cannot be made of (details name it)"),
                    "413": _error("Body too large"),
                    "415": _error("Body is not JSON"),
                },
                requestBody=_body(_ref("ShareInput")),
            ),
        },
        "/shares/{share_id}": {
            "delete": _write(
                "Revoke a share link this token made (editors)",
                {
                    "204": {"description": "Revoked: the link no longer opens"},
                    "403": _error("The link was made by someone else"),
                    "404": _error("No such link, or already revoked"),
                },
                parameters=[_path_id("share_id")],
            )
        },
    }


def _job_paths() -> dict[str, Any]:
    time = {"type": "string", "format": "date-time", "nullable": True}
    job = {
        "type": "object",
        "required": ["id", "kind", "state", "executor", "progress"],
        "properties": {
            "id": {"type": "string"},
            "kind": {"type": "string", "enum": ["import", "collect", "alerts"]},
            "state": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
            "executor": {"type": "string", "enum": ["thread", "celery", "inline"]},
            "progress": {"type": "object", "description": "import: done, total (rows)"},
            "result": {"type": "object", "nullable": True},
            "attempts": {"type": "integer"},
            "created_at": time,
            "started_at": time,
            "heartbeat_at": time,
            "finished_at": time,
        },
    }
    accepted = _answer("Queued; Location: /api/v1/jobs/ID", job)
    accepted["headers"] = {"Location": {"schema": {"type": "string"}}}
    csv_body = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}
    return {
        "/imports": {
            "post": _write(
                "Import a CSV file (the import format) as a background job, all or nothing",
                {
                    "202": accepted,
                    "400": _error("Empty body or a bad parameter"),
                    "413": _error("Body too large"),
                    "415": _error("Body is not text/csv"),
                    "503": _error("The job queue is unavailable"),
                },
                parameters=[
                    _query("create_missing", "1: create unknown releases.", enum=["0", "1"]),
                    _query("filename", "A name for the file in the job's report.", maxLength=255),
                ],
                requestBody=csv_body,
            )
        },
        "/collect": {
            "post": _write(
                "Start a collection run from the platforms' APIs (one at a time)",
                {
                    "202": accepted,
                    "409": _error("A collection is running; Location names its job"),
                    "503": _error("The job queue is unavailable"),
                },
            )
        },
        "/jobs/{job_id}": {
            "get": _read(
                "A background job: its state, progress and result",
                {"200": _answer("The job", job), "404": _error("No such job")},
                parameters=[
                    {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
            )
        },
    }


def _number_paths() -> dict[str, Any]:
    """The dashboard's numbers (``api/numbers.py``), read by the dashboard's own read path."""
    many = {"type": "array", "items": {"type": "string", "maxLength": 255}}
    release = {
        "name": "release",
        "in": "query",
        "description": "A release key or id; repeat for several.",
        "schema": many,
        "style": "form",
        "explode": True,
    }
    platform = {**release, "name": "platform", "description": "Repeat for several; none: all."}
    country = _query(
        "country",
        "One country (ISO 3166-1 alpha-2, e.g. DE): its series only. Absent: all territories"
        " (per release and platform the worldwide series, else the sum of its countries).",
        maxLength=2,
    )
    currency = _query(
        "currency",
        "For money (earnings): the ISO 4217 code (e.g. USD); money is never summed across"
        " currencies. Refused for any other metric.",
        maxLength=3,
    )
    place = {
        "country": {"type": "string", "nullable": True, "description": "null: all territories"},
        "currency": {"type": "string", "nullable": True, "description": "money's currency"},
    }
    tag = _query(
        "tag", "Only the releases that carry this tag (404 when none does).", maxLength=200
    )
    days = [
        _query(
            "from",
            "A local day (YYYY-MM-DD) or an ISO 8601 date-time with its offset; default: the"
            " last 90 days.",
            maxLength=40,
        ),
        _query(
            "to",
            "A local day, included, or an ISO 8601 date-time with its offset, excluded"
            " (default: through today); cut at now (cut_at_now).",
            maxLength=40,
        ),
    ]
    number = {"type": "number", "nullable": True}
    span = {
        "from": {"type": "string", "nullable": True, "description": ISO_TIME},
        "to": {"type": "string", "description": "The period's end; never later than now"},
        "cut_at_now": {"type": "boolean", "description": "True when to was cut at now"},
        "previous_from": {"type": "string", "nullable": True},
        "previous_to": {"type": "string", "nullable": True},
    }
    kpi = {
        "type": "object",
        "properties": {
            "metric_type": {"type": "string"},
            "kind": {"type": "string", "enum": ["counter", "audience", "score"]},
            "lower_is_better": {"type": "boolean"},
            "gain": {**number, "description": "null for a score"},
            "total": {**number, "description": "a score's level"},
            "previous_gain": number,
            "change": number,
            "currency": {
                "type": "string",
                "nullable": True,
                "description": "money: the ISO 4217 code of gain and total, in micro-units"
                " (a millionth of the unit); one KPI per currency. null otherwise",
            },
            "rate_micros_per_stream": {
                **number,
                "description": "money only: micro-units of currency earned per stream, over"
                " the rows that carry both earnings and streams for one release, platform,"
                " country and day (null: no such rows)",
            },
            "rate_streams": {**number, "description": "money only: the streams of those rows"},
            "rate_earned": {**number, "description": "money only: their earnings, micro-units"},
        },
    }
    point = {
        "type": "object",
        "properties": {
            "start": {"type": "string"},
            "end": {"type": "string"},
            "value": number,
            "complete": {"type": "boolean"},
        },
    }
    line = {
        "type": "object",
        "properties": {
            "release_key": {"type": "string", "nullable": True, "description": "null: catalog"},
            "platform": {"type": "string", "description": "all: summed over platforms"},
            "metric_type": {"type": "string"},
            "kind": {"type": "string"},
            "points": {"type": "array", "items": point},
        },
    }
    row = {
        "type": "object",
        "properties": {
            "release_key": {"type": "string"},
            "title": {"type": "string", "nullable": True},
            "artist_name": {"type": "string", "nullable": True},
            "gain": number,
            "previous_gain": number,
            "level": number,
            "previous_level": number,
        },
    }
    bad = {"400": _error("A bad parameter (named in details)")}
    unknown = {"404": _error("No release with that key or id")}
    return {
        "/kpis": {
            "get": _read(
                "KPIs per metric for releases (none: the whole catalog), as the dashboard shows",
                {
                    "200": _answer(
                        "The period, the previous one and a KPI per metric",
                        {
                            "type": "object",
                            "properties": {
                                **span,
                                "country": place["country"],
                                "releases": {"type": "array", "items": {"type": "string"}},
                                "kpis": {"type": "array", "items": kpi},
                            },
                        },
                    ),
                    **bad,
                    **unknown,
                },
                parameters=[release, tag, platform, country, *days],
            )
        },
        "/series": {
            "get": _read(
                "A metric's buckets per platform (one release; none: the catalog's gains,"
                " refused for a score) or per release (several)",
                {
                    "200": _answer(
                        "The series, each bucket with its span and completeness",
                        {
                            "type": "object",
                            "properties": {
                                **span,
                                "granularity": {"type": "string"},
                                "mode": {"type": "string"},
                                "metric": {"type": "string", "nullable": True},
                                "kind": {"type": "string"},
                                "lower_is_better": {"type": "boolean"},
                                "catalog": {
                                    "type": "boolean",
                                    "description": "No release named: the catalog's gains",
                                },
                                **place,
                                "series": {"type": "array", "items": line},
                            },
                        },
                    ),
                    **bad,
                    **unknown,
                },
                parameters=[
                    release,
                    tag,
                    _query("metric", "Default: views, else streams, else the first.", maxLength=50),
                    platform,
                    country,
                    currency,
                    *days,
                    _query("granularity", "Bucket size.", enum=["day", "week", "month"]),
                    _query("mode", "gain (default) or total.", enum=["gain", "total"]),
                ],
            )
        },
        "/leaderboard": {
            "get": _read(
                "The catalog's top releases for a metric (a score: by level, best first)",
                {
                    "200": _answer(
                        "The period and the ranked releases",
                        {
                            "type": "object",
                            "properties": {
                                **span,
                                "metric": {"type": "string", "nullable": True},
                                "kind": {"type": "string"},
                                "lower_is_better": {"type": "boolean"},
                                **place,
                                "rows": {"type": "array", "items": row},
                            },
                        },
                    ),
                    **bad,
                    "404": _error("No release carries the tag"),
                },
                parameters=[
                    _query("metric", "Default: views, else streams, else the first.", maxLength=50),
                    tag,
                    platform,
                    country,
                    currency,
                    *days,
                    {
                        "name": "limit",
                        "in": "query",
                        "description": "Rows (default 10).",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                    },
                    {
                        "name": "archived",
                        "in": "query",
                        "description": "1: archived releases take part too (default 0).",
                        "schema": {"type": "integer", "enum": [0, 1]},
                    },
                ],
            )
        },
    }
