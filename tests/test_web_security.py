"""Security headers on every response, request ids in and out and in the logs, error pages.

A failing query must show a message in the page, never a traceback.
"""

from __future__ import annotations

import io
import logging

import pytest
from auth_helpers import call_callback

from perfdash import create_app, store
from perfdash.config import Settings
from perfdash.web import security


@pytest.fixture
def app(sqlite_url):
    eng = store.make_engine(sqlite_url)
    app = create_app(Settings(database_url=sqlite_url), engine=eng)

    @app.server.get("/boom")
    def boom():
        raise RuntimeError("secret internals: password=hunter2")

    yield app
    eng.dispose()


@pytest.fixture
def client(app):
    return app.server.test_client()


@pytest.mark.parametrize(
    "path",
    ["/dashboard", "/login", "/healthz", "/assets/00-bootstrap.min.css", "/_dash-layout", "/nope"],
)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "unsafe-eval" not in csp
    script_src = next(p for p in csp.split("; ") if p.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert len(headers["X-Request-ID"]) >= 16


def test_csp_allows_exactly_the_inline_scripts_of_the_page(client):
    response = client.get("/dashboard")
    html = response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    hashes = security._script_hashes(html)
    assert hashes, "the Dash index page has inline scripts (renderer bootstrap)"
    for digest in hashes:
        assert digest in csp
    # a page with a different inline script gets a different policy
    assert security._script_hashes("<script>alert(1)</script>")[0] not in csp
    # JSON data blocks are not scripts and need no hash
    assert security._script_hashes('<script type="application/json">{}</script>') == []


def test_request_id_is_echoed_when_sane_and_made_up_otherwise(client):
    echoed = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    for bad in ("x" * 200, "a b", "<script>", "id;Set-Cookie: x=1"):
        rid = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert rid != bad and len(rid) == 32
    first = client.get("/healthz").headers["X-Request-ID"]
    assert first != client.get("/healthz").headers["X-Request-ID"]


def test_log_lines_carry_the_request_id(app, client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(security.LOG_FORMAT))
    handler.addFilter(security.RequestIdFilter())
    logger = logging.getLogger("perfdash.test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    @app.server.get("/log-something")
    def log_something():
        logger.info("hello from a request")
        return "ok"

    try:
        client.get("/log-something", headers={"X-Request-ID": "req-42"})
        logger.info("outside any request")
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert "[req-42] perfdash.test: hello from a request" in lines[0]
    assert "[-] perfdash.test: outside any request" in lines[1]


def test_an_unexpected_error_shows_a_page_without_traceback(client, caplog):
    response = client.get("/boom", headers={"X-Request-ID": "req-boom"})
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in text and "req-boom" in text
    assert "Traceback" not in text and "hunter2" not in text and "RuntimeError" not in text
    assert response.headers["Content-Security-Policy"]


def test_a_failing_callback_shows_a_banner_not_a_traceback(app, client, monkeypatch):
    from perfdash.ui.pages import dashboard

    def broken(query):
        raise RuntimeError("relation content_performance does not exist at /secret/path")

    monkeypatch.setattr(dashboard, "layout", broken)
    response = call_callback(
        client, app, "shell.route", {"url.pathname": "/dashboard", "url.search": ""}
    )
    assert response.status_code == 200
    body = response.get_json()
    banner = body["sideUpdate"]["page-error"]
    assert banner["is_open"] is True
    assert "Something went wrong" in banner["children"]
    assert response.headers["X-Request-ID"] in banner["children"]
    text = response.get_data(as_text=True)
    assert "secret" not in text and "Traceback" not in text


def test_database_errors_in_a_callback_say_database_unavailable(app, client, monkeypatch):
    from perfdash.ui.pages import dashboard

    def down(query):
        raise store.DatabaseUnavailableError("connection refused to 10.0.0.7:5432")

    monkeypatch.setattr(dashboard, "layout", down)
    response = call_callback(
        client, app, "shell.route", {"url.pathname": "/dashboard", "url.search": ""}
    )
    # the same 503 the sign-in gate gives: the page's outage banner (assets/session.js) says so
    assert response.status_code == 503
    body = response.get_json()
    assert "database is unavailable" in body["error"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    assert "10.0.0.7" not in response.get_data(as_text=True)


def test_database_unavailable_outside_callbacks_is_a_503_page(app, client):
    @app.server.get("/db-down")
    def db_down():
        raise store.DatabaseUnavailableError("connection refused")

    response = client.get("/db-down")
    assert response.status_code == 503
    assert "Database unavailable" in response.get_data(as_text=True)
    response = client.get("/db-down", headers={"Accept": "application/json"})
    assert response.status_code == 503 and "unavailable" in response.get_json()["error"]


def test_secrets_in_urls_do_not_reach_the_logs(app):
    """httpx would log collector URLs (API keys in the query) at INFO; the app keeps it quiet."""
    security.configure_logging()
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
