"""Sign-in throttling: after too many failed sign-ins for one user name, or from one address,
the sign-in form answers 429 with Retry-After until the window has passed.

Flask-Limiter counts only the failures (``deduct_when``: the 401 of a wrong user name or
password), and refuses the eleventh before the password is checked, so guessing costs the
guesser time and the server no scrypt (~86 ms of a sync worker each).  With ``REDIS_URL`` the
counts live in Redis, shared by every worker and host; otherwise in each process's memory
(then each gunicorn worker counts on its own).  If Redis is unreachable sign-in is not blocked
(``swallow_errors``): a throttle must not lock everyone out.

The limiter is made per app in ``install`` and wraps this app's sign-in view, so several apps
in one process (the tests) never share counts.
"""

from __future__ import annotations

import time

from flask import Flask, Response, make_response, request
from flask_limiter import Limiter, RequestLimit

FAILURES = 10
WINDOW = "15 minutes"
LIMIT = f"{FAILURES} per {WINDOW}"
LOGIN_ENDPOINT = "perfdash_login.login"


def failed_sign_in(response: Response) -> bool:
    """Only a refused password counts (a CSRF expiry or a success does not)."""
    return response.status_code == 401


def user_name_key() -> str:
    name = (request.form.get("username") or "").strip().lower()[:100]
    return f"user:{name}"


def address_key() -> str:
    return f"addr:{request.remote_addr or 'unknown'}"


def too_many(limit: RequestLimit) -> Response:
    """The sign-in page saying how long to wait (Flask-Limiter adds Retry-After)."""
    from perfdash.web.login import throttled_page

    seconds = max(1, int(limit.reset_at - time.time()))
    return make_response(throttled_page((seconds + 59) // 60))


def install(server: Flask, *, redis_url: str | None, tls_verify: bool = True) -> Limiter:
    """Throttle this app's sign-in form (call after ``login.install``)."""
    options: dict[str, object] = {}
    if redis_url:
        options = {"socket_connect_timeout": 2, "socket_timeout": 2}
        if redis_url.startswith("rediss://") and not tls_verify:
            options["ssl_cert_reqs"] = None  # a self-signed certificate (Heroku Redis)
    limiter = Limiter(
        key_func=address_key,
        app=server,
        storage_uri=redis_url or "memory://",
        storage_options=options,
        key_prefix="perfdash-signin",
        headers_enabled=True,
        swallow_errors=True,
        strategy="moving-window",
    )
    view = server.view_functions[LOGIN_ENDPOINT]
    for key_func, scope in ((user_name_key, "user"), (address_key, "address")):
        view = limiter.limit(
            LIMIT,
            key_func=key_func,
            methods=["POST"],
            deduct_when=failed_sign_in,
            on_breach=too_many,
            scope=f"signin-{scope}",
        )(view)
    server.view_functions[LOGIN_ENDPOINT] = view
    server.extensions["perfdash"]["limiter"] = limiter
    return limiter
