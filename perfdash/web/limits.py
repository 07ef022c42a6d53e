"""Size and shape limits on what the browser sends, checked before Dash or a form reads it.

* A request's body is refused by its ``Content-Length`` (a chunked body when it passes the
  limit) before a byte of it is read, so a 200 MB upload costs the worker nothing.  The limit
  follows the role, known from the session cookie alone: an editor's requests may carry a CSV
  file of ``PERFDASH_MAX_UPLOAD_MB`` (base64 in Dash's JSON, a third larger); a viewer's
  callbacks send ids, dates and a page's state, so VIEWER_BODY_BYTES is plenty.
* Dash's JSON is parsed here, once (Flask caches it for Dash), with a bound on its nesting:
  100,000 nested brackets are a 400 with a message, never a RecursionError.

The API under /api/v1 has limits of its own (``api.http``) and uses ``too_deep`` too.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from perfdash import auth
from perfdash.web.security import request_id

MB = 1024 * 1024
VIEWER_BODY_BYTES = 2 * MB
MAX_JSON_DEPTH = 64  # Dash's deepest real body (a figure's layout in a State) is under 20
DASH_CALLBACK = "/_dash-update-component"


def upload_body_limit(max_upload_mb: int) -> int:
    """The largest body that carries a file of ``max_upload_mb`` as a base64 data URL."""
    return max_upload_mb * MB * 4 // 3 + MB


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether parsed JSON nests deeper than ``limit`` (iterative: no recursion to exhaust)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def refusal(status: int, message: str) -> tuple[dict[str, str], int]:
    """The JSON answer a Dash route gets (assets/session.js shows its message in the page)."""
    return {"error": message, "request_id": request_id()}, status


def _limit(max_upload_mb: int) -> tuple[int, str]:
    role = auth.current_role()
    if auth.role_allows(role, "editor"):
        return upload_body_limit(max_upload_mb), (
            f"The file is larger than the limit of {max_upload_mb} MB "
            "(PERFDASH_MAX_UPLOAD_MB); split it, or import it with `perfdash import`. "
            "Nothing was changed."
        )
    return VIEWER_BODY_BYTES, (
        f"This request is larger than a {role or 'visitor'} may send "
        f"({VIEWER_BODY_BYTES // MB} MB); uploads need the editor role. Nothing was changed."
    )


def check_body(max_upload_mb: int):
    """``before_request`` (after the sign-in gate): refuse what is too large or too deep."""
    if request.path.startswith("/api/") or request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    limit, message = _limit(max_upload_mb)
    if request.content_length is not None and request.content_length > limit:
        return refusal(413, message)
    # one byte more than allowed: werkzeug stops a body without a length at the maximum
    # silently, so a chunked body that fills it is the one that was too large
    request.max_content_length = limit + 1
    if request.path != DASH_CALLBACK:
        return None
    try:
        if len(request.get_data(cache=True)) > limit:  # cached: Dash reads it from there
            return refusal(413, message)
        body = request.get_json(silent=False)
    except RequestEntityTooLarge:
        return refusal(413, message)
    except RecursionError:
        return refusal(400, f"The request's JSON nests deeper than {MAX_JSON_DEPTH} levels")
    except BadRequest:
        return refusal(400, "The request is not valid JSON")
    if too_deep(body):
        return refusal(400, f"The request's JSON nests deeper than {MAX_JSON_DEPTH} levels")
    return None


def install(server: Flask, *, max_upload_mb: int) -> None:
    """The limits on ``server`` (call after ``login.install``: the role comes from the session)."""
    server.before_request(lambda: check_body(max_upload_mb))
