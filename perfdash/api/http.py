"""The HTTP plumbing every /api/v1 resource shares: errors, arguments, limits, tokens, CSV.

Every error is JSON, ``{"error": {"status", "message", "details": [{"index", "field",
"message"}]}}``, so a script reads one shape whatever went wrong.  Only requests under /api/
are touched: the body-size limit and the JSON error pages are scoped to the API so Dash's own
routes behave as Flask and Dash make them.

The limits are constants here, not in the resources, because the OpenAPI document states them:
the documented maximums are the enforced ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, current_app, g, jsonify, request
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map

from perfdash import auth, store
from perfdash.config import Settings
from perfdash.ingest.times import parse_timestamp
from perfdash.web.limits import MAX_JSON_DEPTH, MB, too_deep

API_PREFIX = "/api/v1"
CATCH_ALL_RULE = API_PREFIX + "/<path:rest>"
MAX_BATCH = 5_000  # records per POST /metrics
MAX_BODY_BYTES = 4 * 1024 * 1024  # 5,000 full records fit comfortably
DEFAULT_PAGE = 100
MAX_PAGE = 1_000
MAX_ID = 2**31 - 1  # ids are 32-bit serials; a larger one names nothing


class ApiError(Exception):
    """An error answer: status code, message, and per-record details."""

    def __init__(
        self,
        status: int,
        message: str,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []
        self.headers = headers or {}


# --------------------------------------------------------------------------- error answers


def error_response(
    status: int,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {"status": status, "message": message}
    if details:
        body["details"] = details
    response = jsonify(error=body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def is_api_request() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def api_error_response(exc: ApiError) -> Response:
    return error_response(exc.status, exc.message, exc.details, exc.headers)


def http_error_response(exc: HTTPException) -> Response | HTTPException:
    """JSON for errors under /api/ (404, 405, 413 ...); everything else as Flask does it."""
    if not is_api_request():
        return exc
    headers = {}
    if exc.code == 405:
        allowed = getattr(exc, "valid_methods", None)
        if allowed:
            headers["Allow"] = ", ".join(allowed)
    return error_response(exc.code or 500, exc.description or exc.name, headers=headers)


def db_down_response(exc: store.DatabaseUnavailableError) -> Response:
    return error_response(503, str(exc))


def db_error_response(exc: store.PerformanceDbError) -> Response:
    if isinstance(exc, store.DatabaseRefusedError):  # its reference finds the logged detail
        return error_response(500, str(exc))
    if isinstance(exc, store.DatabaseNotUpgradedError):  # no request can succeed until then
        return error_response(503, str(exc))
    if isinstance(exc, store.DatabaseBusyError):  # nothing changed; the same request may pass
        return error_response(503, str(exc), headers={"Retry-After": "1"})
    return error_response(409 if isinstance(exc, store.DuplicateReleaseError) else 400, str(exc))


def method_not_allowed(*allowed: str) -> ApiError:
    return ApiError(
        405,
        f"{request.method} is not allowed here; use {', '.join(allowed)}",
        headers={"Allow": ", ".join(allowed)},
    )


def allowed_methods(path: str) -> list[str]:
    """Methods the real /api/v1 routes (any blueprint's) accept for ``path``, catch-all left out."""
    rules = [
        rule.empty()
        for rule in current_app.url_map.iter_rules()
        if rule.rule.startswith(API_PREFIX + "/") and rule.rule != CATCH_ALL_RULE
    ]
    return sorted(Map(rules).bind("api").allowed_methods(path))


# a CSV file posted to /imports may be larger than a JSON batch: PERFDASH_MAX_UPLOAD_MB
UPLOAD_PATHS = (API_PREFIX + "/imports",)


def limit_body() -> Response | None:
    """Refuse bodies over the limit before reading them (chunked bodies are capped too)."""
    if not is_api_request():
        return None
    limit = MAX_BODY_BYTES
    if request.path in UPLOAD_PATHS:
        limit = settings().max_upload_mb * MB
    if request.content_length is not None and request.content_length > limit:
        hint = (
            " (PERFDASH_MAX_UPLOAD_MB); split the file"
            if request.path in UPLOAD_PATHS
            else "; send smaller batches"
        )
        raise ApiError(413, f"The request body is larger than {limit:,} bytes{hint}")
    request.max_content_length = limit
    if request.method == "OPTIONS":
        # Flask's automatic answer would also list the catch-all's methods.
        response = Response(status=200)
        response.headers["Allow"] = ", ".join(allowed_methods(request.path) or ["OPTIONS"])
        return response
    return None


def check_args() -> None:
    """Refuse a NUL (or a lone surrogate) in any query parameter or path part, naming it,
    before a route reads it: PostgreSQL cannot compare text holding NUL and would refuse the
    statement, SQLite would just find nothing; one answer on both, for every route."""
    if not is_api_request():
        return
    named = [("query parameter", n, v) for n, v in request.args.items(multi=True)]
    named += [("path part", n, v) for n, v in (request.view_args or {}).items()]
    for where, name, value in named:
        if isinstance(value, str) and (problem := _bad_arg(value)):
            message = f"The {where} {name!r} {problem}; nothing was read"
            raise ApiError(400, message, [{"field": name, "message": message}])


def _bad_arg(value: str) -> str | None:
    if "\x00" in value:
        return "holds a NUL character (control characters are refused)"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "holds a character that is not valid Unicode (a lone surrogate)"
    return None


# --------------------------------------------------------------------------- the app's state


def engine() -> Engine:
    """The engine every resource reads and writes through, carrying the request's token's
    artist scope: a token limited to some artists gets only their releases from every read
    (``store.scope``), and a release outside them is an unknown one."""
    return store.scoped(_raw_engine(), token_scope())


def _raw_engine() -> Engine:
    return current_app.extensions["perfdash"]["engine"]


def settings() -> Settings:
    return current_app.extensions["perfdash"]["settings"]


# --------------------------------------------------------------------------- tokens


def _challenge() -> dict[str, str]:
    return {"WWW-Authenticate": 'Bearer realm="perfdash"'}


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Authorization must be 'Bearer <token>'", headers=_challenge())
    return token.strip()


def token_row() -> dict[str, Any] | None:
    """The live token of this request (its name, role and artists), looked up once per
    request; None without a token or for an unknown or revoked one."""
    if "perfdash_token" not in g:
        token = bearer()
        found = store.api_token_by_hash(_raw_engine(), auth.hash_token(token)) if token else None
        g.perfdash_token = found
    return g.perfdash_token


def token_scope() -> frozenset[str] | None:
    """The artists the request's token is limited to, or None (the whole catalog)."""
    row = token_row()
    return frozenset(row["artists"]) if row and row.get("artists") else None


def require(needed: str) -> str | None:
    """Check the caller's token for ``needed``; anonymous reads pass when login is off."""
    token = bearer()
    if token is None:
        login_required = current_app.extensions["perfdash"].get("login_required")
        if needed == "viewer" and not login_required:
            return None
        raise ApiError(401, f"This needs an API token with the {needed} role", headers=_challenge())
    row = token_row()
    role = row["role"] if row else None
    if role is None:
        raise ApiError(401, "The API token is unknown or revoked", headers=_challenge())
    if not auth.role_allows(role, needed):
        raise ApiError(403, f"This needs the {needed} role; the token has the {role} role")
    return role


# --------------------------------------------------------------------------- request parts


def json_body() -> Any:
    mimetype = request.mimetype or ""
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise ApiError(415, "Send the body as JSON with 'Content-Type: application/json'")
    deep = ApiError(400, f"The body's JSON nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        body = request.get_json(force=True, silent=False)
    except HTTPException as exc:
        if exc.code == 413:
            raise
        raise ApiError(400, "The body is not valid JSON") from None
    except RecursionError:
        raise deep from None
    if too_deep(body):
        raise deep
    return body


def unknown_fields(body: dict[str, Any], known: tuple[str, ...]) -> None:
    """Refuse fields the resource does not have: a typo must not be dropped silently."""
    unknown = sorted(set(body) - set(known))
    if unknown:
        raise ApiError(
            400,
            f"Unknown field(s): {', '.join(unknown)}",
            [{"field": name, "message": "unknown field"} for name in unknown],
        )


def int_arg(name: str, default: int, *, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(
            400, f"{name} must be a whole number", [{"field": name, "message": "not a number"}]
        ) from None
    if not low <= value <= high:
        raise ApiError(
            400,
            f"{name} must be between {low} and {high}",
            [{"field": name, "message": f"between {low} and {high}"}],
        )
    return value


def page_args() -> tuple[int, int]:
    """``limit`` and ``cursor`` (the last id of the previous page) of a list request."""
    limit = int_arg("limit", DEFAULT_PAGE, low=1, high=MAX_PAGE)
    # a cursor past the largest id a 32-bit serial holds names the end of the list
    return limit, min(int_arg("cursor", 0, low=0, high=2**63 - 1), MAX_ID)


def time_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return None
    when, error = parse_timestamp(raw, settings().tz)
    if error:
        raise ApiError(400, f"{name}: {error}", [{"field": name, "message": error}])
    return when


def wants_csv() -> bool:
    fmt = request.args.get("format")
    if fmt is not None:  # given, even empty: it must be one the document allows
        fmt = fmt.lower()
        if fmt not in ("json", "csv"):
            raise ApiError(400, "format must be json or csv", [{"field": "format"}])
        return fmt == "csv"
    best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
    return best == "text/csv"


# --------------------------------------------------------------------------- answers


def iso(value: Any) -> Any:
    return value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else value


def page(rows: list[dict[str, Any]], limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """The page of ``rows`` (read with ``limit + 1``) and the next page's cursor, if any."""
    shown = rows[:limit]
    return shown, str(shown[-1]["id"]) if len(rows) > limit else None


def created(body: dict[str, Any], location: str) -> Response:
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response
