"""Sign-in and sign-out pages, and the gate that keeps everyone else out.

Plain Flask-rendered HTML (Jinja autoescapes), styled by the local Bootstrap file, so signing
in works before the Dash app loads and without JavaScript.  Forms carry a per-session CSRF
token; the session cookie is HttpOnly, SameSite=Lax and Secure on HTTPS.

The gate (``login_gate``, a ``before_request`` hook) runs only when login is required: pages get
a redirect to /login, Dash's JSON routes a 401.  /healthz and /api/v1/* are left to api.py,
which accepts a bearer token or a session; /assets/* is public static styling and
/_dash-component-suites/* the public libraries' scripts (Dash, Plotly, Bootstrap: no data).
A request made through a share link goes through ``web.shares.gate`` first, the one door for
a link's visitor, whether login is required or not.
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, current_app, redirect, render_template_string, request
from flask.sessions import SecureCookieSessionInterface

from perfdash import auth
from perfdash.web import shares

blueprint = Blueprint("perfdash_login", __name__)
log = logging.getLogger(__name__)

SESSION_LIFETIME = auth.SESSION_LIFETIME
OPEN_PATHS = ("/login", "/logout", "/healthz", "/_favicon.ico", "/favicon.ico")
OPEN_PREFIXES = ("/api/v1/", "/assets/", "/_dash-component-suites/", "/digest-chart/")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · perfdash</title>
<link rel="stylesheet" href="/assets/00-bootstrap.min.css">
</head><body class="bg-body-tertiary">
<main class="container" style="max-width: 26rem; margin-top: 10vh">
  <h1 class="h3 mb-3">perfdash</h1>
  {% if message %}<div id="login-message" class="alert alert-{{ tone }}" role="alert">{{ message }}</div>{% endif %}
  {% if form == "login" %}
  <form method="post" action="/login" class="card card-body" id="login-form">
    <input type="hidden" name="csrf_token" value="{{ csrf }}">
    <input type="hidden" name="next" value="{{ next }}">
    <div class="mb-3"><label class="form-label" for="username">User name</label>
      <input class="form-control" id="username" name="username" autocomplete="username"
             value="{{ username }}" required autofocus></div>
    <div class="mb-3"><label class="form-label" for="password">Password</label>
      <input class="form-control" id="password" name="password" type="password"
             autocomplete="current-password" required></div>
    <button class="btn btn-primary" type="submit" id="login-submit">Sign in</button>
  </form>
  <p class="text-secondary small mt-3">Accounts are made by an admin with
  <code>perfdash user add NAME --role viewer|editor|admin</code>.</p>
  {% elif form == "logout" %}
  <form method="post" action="/logout" class="card card-body">
    <input type="hidden" name="csrf_token" value="{{ csrf }}">
    <p>Signed in as <strong>{{ username }}</strong>.</p>
    <button class="btn btn-secondary" type="submit" id="logout-submit">Sign out</button>
  </form>
  {% else %}
  <p><a href="/dashboard">Open the dashboard</a></p>
  {% endif %}
</main></body></html>"""


def _page(status: int = 200, **values):
    values.setdefault("title", "Sign in")
    values.setdefault("message", None)
    values.setdefault("tone", "danger")
    values.setdefault("username", "")
    values.setdefault("next", "/dashboard")
    values.setdefault("form", "login")
    values["csrf"] = auth.csrf_token() if values["form"] != "none" else ""
    return render_template_string(PAGE, **values), status


def throttled_page(minutes: int):
    """The sign-in form refused for a while (``web.throttle``): too many failed sign-ins."""
    return _page(
        429,
        message=f"Too many failed sign-ins; try again in {minutes} minute(s).",
        tone="warning",
    )


def safe_next(target: str | None) -> str:
    """Only same-site paths: no scheme, no host, no ``//evil`` or ``/\\evil`` tricks."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(ch in target for ch in "\\\r\n\t")
        or len(target) > 2000
    ):
        return "/dashboard"
    return target


def _engine():
    return current_app.extensions["perfdash"]["engine"]


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if not auth.login_required():
        return _page(
            title="Sign-in is off",
            message="This perfdash runs for a single local user; no sign-in is needed.",
            tone="info",
            form="none",
        )
    if request.method == "GET":
        user = auth.current_user()
        if user:
            return redirect(safe_next(request.args.get("next")))
        signed_out = "signed_out" in request.args
        return _page(
            next=safe_next(request.args.get("next")),
            message="You are signed out." if signed_out else None,
            tone="info",
        )
    form = request.form
    nxt = safe_next(form.get("next"))
    username = (form.get("username") or "").strip()[:100]
    if not auth.csrf_ok(form.get("csrf_token")):
        return _page(
            400,
            next=nxt,
            username=username,
            message="The form expired; please sign in again.",
        )
    user = auth.authenticate(_engine(), username, form.get("password"))
    if user is None:
        log.info("sign-in refused for user name %r from %s", username, request.remote_addr)
        return _page(401, next=nxt, username=username, message="Wrong user name or password.")
    auth.login_session(user)
    log.info("signed in: %s (%s)", user["username"], user["role"])
    return redirect(nxt)


@blueprint.route("/logout", methods=["GET", "POST"])
def logout():
    if request.method == "GET":
        user = auth.current_user() if auth.login_required() else None
        if not user:
            return redirect("/login")
        return _page(title="Sign out", form="logout", username=user["username"])
    if auth.csrf_ok(request.form.get("csrf_token")):
        auth.logout_session()
    return redirect("/login?" + urlencode({"signed_out": 1}))


def _same_origin() -> bool:
    """A browser's POST says where it comes from; another site's page is refused.

    Defence in depth next to SameSite=Lax: Dash callbacks are JSON POSTs that carry the
    session cookie.  Clients that send no Origin (scripts, old browsers) are let through to
    the session check.
    """
    origin = request.headers.get("Origin")
    if not origin:
        return True
    return urlsplit(origin).netloc.lower() == request.host.lower()


def login_gate():
    """``before_request``: ask for a login everywhere except the open paths."""
    shared, refused = shares.gate()
    if shared:
        if refused is None and request.method == "POST" and not _same_origin():
            return {"error": "Cross-site request refused"}, 403
        return refused
    if not auth.login_required():
        return None
    path = request.path
    if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
        return None
    if request.method == "POST" and not _same_origin():
        return {"error": "Cross-site request refused"}, 403
    if auth.current_user() is not None:
        return None
    if path.startswith("/_dash-") or request.method != "GET":
        return {"error": "Sign in first", "login": "/login"}, 401
    query = request.query_string.decode("utf-8", "replace")
    target = path + (f"?{query}" if query else "")
    return redirect("/login?" + urlencode({"next": target}))


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, Secure when configured or when the request is HTTPS.

    Behind a PaaS router ``request.is_secure`` comes from X-Forwarded-Proto (ProxyFix).
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def install(
    server: Flask, *, login_required: bool, secret_key: str | None, secure_cookies: bool = False
) -> None:
    """Routes, gate and cookie settings on ``server`` (called by create_app).

    Without login a missing key is replaced by a random one for this process: nothing is
    signed that must survive a restart or be shared with another worker.
    """
    if login_required:
        auth.check_secret_key(secret_key)
    server.secret_key = secret_key or secrets.token_urlsafe(32)
    server.session_interface = SessionInterface()
    server.config.update(
        SESSION_COOKIE_SECURE=bool(secure_cookies),
        SESSION_COOKIE_NAME="perfdash_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
    )
    server.register_blueprint(blueprint)
    server.before_request(login_gate)


__all__ = ["blueprint", "install", "login_gate", "safe_next"]
