"""Hardening shared by every response: security headers, request ids, error pages.

* Content-Security-Policy: scripts only from this server plus the exact inline scripts of the
  page being sent (their SHA-256 hashes are computed from the response body, so Dash's own
  renderer bootstrap and clientside callbacks run and nothing else inline does).  Dash 4's
  renderer and the bundled plotly.js work without ``'unsafe-eval'`` (checked by a browser test
  that reads the console for CSP violations).  Styles need ``'unsafe-inline'``: React, Plotly and
  Bootstrap components set ``style`` attributes.
* X-Content-Type-Options, X-Frame-Options DENY + frame-ancestors 'none' (a share link's
  answers excepted: framed by the origins of PERFDASH_EMBED_ORIGINS, see web.shares), Referrer-Policy,
  Cross-Origin-Opener-Policy, and HSTS on HTTPS requests.
* A request id (``X-Request-ID`` taken from a trusted-looking incoming header or made up) is
  sent back and put on every log record of the request, so a user's report of "request id X"
  finds the log lines.
* Errors show a short message with the request id, never a traceback (a failed Dash callback
  is reported in the page's banner by ``perfdash.ui.errors``, with the same request id).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import uuid

from flask import Flask, Response, g, has_request_context, request
from markupsafe import escape

from perfdash import store

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
LOG_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"

CSP_BASE = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

log = logging.getLogger(__name__)


def request_id() -> str:
    """This request's id ("-" outside a request)."""
    if not has_request_context():
        return "-"
    rid = g.get("request_id")
    if rid is None:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.request_id = rid
    return rid


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` so formats can print ``%(request_id)s``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


def configure_logging() -> None:
    """Give the root logger a handler that prints request ids (once per process).

    Under gunicorn and the Flask dev server the root logger has no handler of its own; when a
    host program configured one, only the filter is added so its format still works.
    """
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
        if root.level > logging.INFO or root.level == logging.NOTSET:
            root.setLevel(logging.INFO)
    for handler in root.handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
    # httpx logs every URL at INFO, and some platform APIs take their key in the query string
    for noisy in ("httpx", "httpcore"):
        if logging.getLogger(noisy).level == logging.NOTSET:
            logging.getLogger(noisy).setLevel(logging.WARNING)


def _script_hashes(body: str) -> list[str]:
    hashes = []
    for match in _INLINE_SCRIPT.finditer(body):
        attrs = match.group("attrs").lower()
        if "src=" in attrs:
            continue
        kind = re.search(r"type\s*=\s*[\"']?([^\"'\s>]+)", attrs)
        if kind and "javascript" not in kind.group(1) and kind.group(1) != "module":
            continue  # JSON data blocks are not executed
        digest = hashlib.sha256(match.group("body").encode()).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    return hashes


def content_security_policy(
    html: str | None = None, *, debug: bool = False, frame_ancestors: str | None = None
) -> str:
    """The CSP for a response; an HTML body's inline scripts are allowed by hash.

    ``frame_ancestors``: the origins that may frame it (a share link's, ``web.shares``);
    by default none may."""
    policy = dict(CSP_BASE)
    if frame_ancestors:
        policy["frame-ancestors"] = frame_ancestors
    scripts = ["'self'", *sorted(set(_script_hashes(html or "")))]
    if debug:  # Dash dev tools (perfdash run --debug only) evaluate code for hot reload
        scripts.append("'unsafe-eval'")
    policy["script-src"] = " ".join(scripts)
    return "; ".join(f"{k} {v}" for k, v in policy.items())


def _add_headers(response: Response, *, debug: bool = False) -> Response:
    headers = response.headers
    headers["X-Request-ID"] = request_id()
    body = None
    if response.mimetype == "text/html" and not response.direct_passthrough:
        body = response.get_data(as_text=True)
    from perfdash.web import shares  # it imports error_page from here

    framers = shares.frame_ancestors() if has_request_context() else None
    headers.setdefault(
        "Content-Security-Policy",
        content_security_policy(body, debug=debug, frame_ancestors=framers),
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if not framers:  # X-Frame-Options has no list of origins: CSP says who may frame a link
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if response.mimetype == "text/html" or request.path.startswith("/_dash-update-component"):
        headers.setdefault("Cache-Control", "no-store")
    return response


def error_page(title: str, message: str, status: int, *, retry: bool = True) -> Response:
    """A small self-contained HTML page (no traceback, no stack, the request id); ``retry``
    adds a link to the dashboard (not for a share link's visitor, who has no way in)."""
    body = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)} · perfdash</title>"
        "<link rel='stylesheet' href='/assets/00-bootstrap.min.css'></head>"
        "<body class='container py-5'>"
        f"<h1 class='h3'>{escape(title)}</h1><p id='error-message'>{escape(message)}</p>"
        f"<p class='text-secondary small'>Request id {escape(request_id())}</p>"
        + ("<p><a href='/dashboard'>Try again</a></p>" if retry else "")
        + "</body></html>"
    )
    return Response(body, status=status, mimetype="text/html")


def _wants_json() -> bool:
    return (
        request.path.startswith(("/_dash-", "/api/"))
        or request.accept_mimetypes.best == "application/json"
    )


def _db_unavailable(exc: Exception):
    log.warning("database unavailable: %s", exc)
    message = "The database is unavailable; try again in a moment."
    if _wants_json():
        return {"error": message, "request_id": request_id()}, 503
    return error_page("Database unavailable", message, 503)


def _db_not_upgraded(exc: Exception):
    """The database has no perfdash tables (or older ones): the cure, not "unavailable"; the
    ``reason`` lets assets/session.js put these words in the outage banner."""
    message = f"{exc}."
    if _wants_json():
        return {"error": message, "reason": "not-upgraded", "request_id": request_id()}, 503
    return error_page("Database not upgraded", message, 503)


def _server_error(exc: Exception):
    # Flask has already logged the traceback (with this request's id); the page gets none.
    message = "Something went wrong; the error was logged."
    if _wants_json():
        return {"error": message, "request_id": request_id()}, 500
    return error_page("Something went wrong", message, 500)


def install(server: Flask, *, debug: bool = False) -> None:
    """Headers, request ids and error pages on ``server`` (called by create_app)."""
    configure_logging()

    @server.before_request
    def _assign_request_id() -> None:
        request_id()

    server.after_request(lambda response: _add_headers(response, debug=debug))
    server.register_error_handler(store.DatabaseUnavailableError, _db_unavailable)
    server.register_error_handler(store.DatabaseNotUpgradedError, _db_not_upgraded)
    server.register_error_handler(500, _server_error)
