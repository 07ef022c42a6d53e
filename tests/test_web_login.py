"""The login page, sessions, secure cookies, cross-site posts and the gate.

Everything here runs through the Flask test client against a real app on SQLite.
"""

from __future__ import annotations

import pytest
from auth_helpers import call_callback, login

from perfdash import auth, create_app, store
from perfdash.config import Settings

SECRET = "s3cr3t-key-for-tests-0123456789-abcdefXYZ"
PASSWORD = "correct horse battery"


@pytest.fixture
def db(sqlite_url):
    eng = store.make_engine(sqlite_url)
    yield eng
    eng.dispose()


@pytest.fixture
def app(sqlite_url, db):
    auth.add_user(db, "alice", PASSWORD, "editor")
    auth.add_user(db, "victor", PASSWORD + " v", "viewer")
    return create_app(
        Settings(database_url=sqlite_url, auth="required", secret_key=SECRET), engine=db
    )


@pytest.fixture
def client(app):
    return app.server.test_client()


def test_login_then_pages_work_and_logout_ends_the_session(client):
    assert client.get("/dashboard").status_code == 302
    response = login(client, "alice", PASSWORD, "/entry?release=3")
    assert response.status_code == 302
    assert response.headers["Location"] == "/entry?release=3"
    cookie = response.headers["Set-Cookie"]
    assert "perfdash_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in this test
    assert PASSWORD not in cookie

    assert client.get("/dashboard").status_code == 200
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200 and "alice (editor)" in layout.get_data(as_text=True)

    page = client.get("/logout").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    # a forged sign-out (no token) does nothing
    client.post("/logout", data={})
    assert client.get("/dashboard").status_code == 200
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302 and "signed_out" in response.headers["Location"]
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_unknown_user_and_missing_csrf_are_refused(client):
    for name, password in (("alice", "wrong password!"), ("mallory", PASSWORD)):
        response = login(client, name, password)
        assert response.status_code == 401
        assert "Wrong user name or password" in response.get_data(as_text=True)
    response = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_login_page_escapes_what_it_echoes(client):
    response = login(client, "<script>alert(1)</script>", "whatever password")
    text = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_login_never_redirects_off_site(client, target):
    response = login(client, "alice", PASSWORD, target)
    assert response.headers["Location"] == "/dashboard"


def test_the_gate_covers_pages_and_dash_routes_but_not_health_api_and_assets(app, client):
    assert client.get("/").status_code == 302
    assert client.get("/entry?x=1").headers["Location"] == "/login?next=%2Fentry%3Fx%3D1"
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/_dash-dependencies").status_code == 401
    response = call_callback(client, app, "shell.route", {"url.pathname": "/dashboard"})
    assert response.status_code == 401
    assert client.get("/healthz").status_code == 200
    assert client.get("/assets/00-bootstrap.min.css").status_code == 200
    # /api/v1 is api.py's business (bearer tokens); the gate does not redirect it to /login
    assert client.get("/api/v1/releases").status_code != 302


def test_removed_user_and_changed_password_end_sessions_at_once(db, app):
    first, second = app.server.test_client(), app.server.test_client()
    login(first, "alice", PASSWORD)
    login(second, "victor", PASSWORD + " v")
    assert first.get("/dashboard").status_code == 200
    assert second.get("/dashboard").status_code == 200

    auth.set_password(db, "alice", "a brand new password")
    assert first.get("/dashboard").status_code == 302
    store.delete_user(db, "victor")
    assert second.get("/dashboard").status_code == 302


def test_role_change_counts_on_the_next_request(db, app):
    client = app.server.test_client()
    login(client, "alice", PASSWORD)
    assert "alice (editor)" in client.get("/_dash-layout").get_data(as_text=True)
    store.update_user(db, "alice", role="viewer")
    assert "alice (viewer)" in client.get("/_dash-layout").get_data(as_text=True)


def test_secure_cookie_behind_https_proxy(db, sqlite_url):
    auth.add_user(db, "alice", PASSWORD, "editor")
    app = create_app(Settings(database_url=sqlite_url, secret_key=SECRET), engine=db, network=True)
    client = app.server.test_client()
    page = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={"username": "alice", "password": PASSWORD, "csrf_token": token},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def test_secure_cookies_setting_forces_the_flag(db, sqlite_url):
    auth.add_user(db, "alice", PASSWORD, "editor")
    settings = Settings(
        database_url=sqlite_url, auth="required", secret_key=SECRET, secure_cookies=True
    )
    client = create_app(settings, engine=db).server.test_client()
    assert "Secure" in login(client, "alice", PASSWORD).headers["Set-Cookie"]


def test_cross_site_posts_are_refused_even_with_a_session(app):
    client = app.server.test_client()
    login(client, "alice", PASSWORD)
    body = {"output": "page.children", "inputs": [], "changedPropIds": []}
    response = client.post(
        "/_dash-update-component", json=body, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    ok = call_callback(client, app, "shell.route", {"url.pathname": "/dashboard"})
    assert ok.status_code == 200
    same = client.post(
        "/_dash-update-component",
        json={
            "output": "page.children",
            "outputs": {"id": "page", "property": "children"},
            "inputs": [
                {"id": "url", "property": "pathname", "value": "/dashboard"},
                {"id": "url", "property": "search", "value": ""},
            ],
            "state": [[]],  # the router's State of every page's view store (ALL)
            "changedPropIds": ["url.pathname"],
        },
        headers={"Origin": "http://localhost"},
    )
    assert same.status_code == 200
