"""Users, passwords, the login policy, the login page, sessions and the gate.

Everything here runs through the Flask test client against a real app on SQLite; the
policy decisions are also checked at the create_app level (what app.py and perfdash run do).
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from auth_helpers import call_callback, login
from click.testing import CliRunner
from gunicorn.errors import AppImportError

from perfdash import auth, create_app, store
from perfdash.cli import main
from perfdash.config import ConfigError, Settings, load_settings

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


# --------------------------------------------------------------------------- passwords


def test_passwords_are_hashed_slowly_and_checked(db):
    auth.add_user(db, "bob", PASSWORD, "viewer")
    stored = store.get_user(db, "bob")["password_hash"]
    assert PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    assert auth.authenticate(db, "bob", PASSWORD)["role"] == "viewer"
    assert auth.authenticate(db, " bob ", PASSWORD)["username"] == "bob"
    assert auth.authenticate(db, "bob", PASSWORD.upper()) is None
    assert auth.authenticate(db, "nobody", PASSWORD) is None
    assert auth.authenticate(db, "", "") is None
    assert auth.authenticate(db, "bob", "x" * 100_000) is None


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("", "empty"),
        ("short", "too short"),
        ("x" * 2000, "too long"),
        (" padded password ", "white space"),
        ("aaaaaaaaaaaa", "too few different"),
        ("Carol-the-user", "user name"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(db, password, fragment):
    with pytest.raises(ValueError, match=fragment):
        auth.add_user(db, "carol-the-user", password, "viewer")
    assert store.get_user(db, "carol-the-user") is None


def test_unknown_role_is_refused(db):
    with pytest.raises(ValueError, match="Role must be one of"):
        auth.add_user(db, "dave", PASSWORD, "root")


# --------------------------------------------------------------------------- policy


@pytest.mark.parametrize(
    ("mode", "network", "users", "expected"),
    [
        ("auto", None, False, False),  # tests and code: only "required" turns it on
        ("auto", None, True, False),
        ("auto", False, False, False),  # perfdash run on 127.0.0.1, no users: local admin
        ("auto", False, True, True),  # ... but once users exist, sign in
        ("auto", True, False, True),  # gunicorn / a non-loopback host
        ("required", None, False, True),
        ("required", False, False, True),
        ("off", True, True, False),  # explicit, behind an authenticating proxy
    ],
)
def test_login_policy(db, sqlite_url, mode, network, users, expected):
    if users:
        auth.add_user(db, "erin", PASSWORD, "viewer")
    settings = Settings(database_url=sqlite_url, auth=mode, secret_key=SECRET)
    assert auth.login_policy(settings, db, network=network) is expected
    app = create_app(settings, engine=db, network=network)
    assert app.server.extensions["perfdash"]["login_required"] is expected


@pytest.mark.parametrize(
    "secret",
    [None, "", "too-short-but-16+", "a" * 64, "abababababababababababababababab"],
)
def test_login_refuses_to_start_without_a_strong_secret_key(db, sqlite_url, secret):
    settings = Settings(database_url=sqlite_url, secret_key=secret)
    with pytest.raises(ConfigError, match="PERFDASH_SECRET_KEY"):
        create_app(settings, engine=db, network=True)
    # a local single-user app needs no key
    app = create_app(settings, engine=db, network=False)
    assert app.server.extensions["perfdash"]["login_required"] is False


def test_settings_read_auth_mode_and_secure_cookies():
    env = {"PERFDASH_AUTH": "Required", "PERFDASH_SECURE_COOKIES": "1"}
    settings = load_settings(env)
    assert (settings.auth, settings.secure_cookies) == ("required", True)
    assert load_settings({}).auth == "auto"
    with pytest.raises(ConfigError, match="PERFDASH_AUTH"):
        load_settings({"PERFDASH_AUTH": "maybe"})
    with pytest.raises(ConfigError, match="PERFDASH_SECURE_COOKIES"):
        load_settings({"PERFDASH_SECURE_COOKIES": "perhaps"})


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True)]
    + [("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.org", False)],
)
def test_loopback_hosts(host, loopback):
    assert auth.is_loopback(host) is loopback


def test_app_py_requires_login_with_a_key_from_the_environment(monkeypatch, sqlite_url):
    app_py = str(Path(__file__).resolve().parents[1] / "app.py")
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("PERFDASH_ALLOW_SQLITE", "1")  # gunicorn refuses SQLite otherwise
    monkeypatch.delenv("PERFDASH_AUTH", raising=False)
    monkeypatch.delenv("PERFDASH_SECRET_KEY", raising=False)
    # gunicorn prints an AppImportError's message alone and stops
    with pytest.raises(AppImportError, match="PERFDASH_SECRET_KEY is not set"):
        runpy.run_path(app_py)
    monkeypatch.setenv("PERFDASH_SECRET_KEY", SECRET)
    server = runpy.run_path(app_py)["server"]
    assert server.extensions["perfdash"]["login_required"] is True
    response = server.test_client().get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    # PERFDASH_AUTH=off is the documented, explicit way to run open (behind a proxy)
    monkeypatch.setenv("PERFDASH_AUTH", "off")
    monkeypatch.delenv("PERFDASH_SECRET_KEY")
    server = runpy.run_path(app_py)["server"]
    assert server.test_client().get("/dashboard").status_code == 200


# --------------------------------------------------------------------------- login page


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


def test_without_login_the_local_user_is_admin(db, sqlite_url):
    app = create_app(Settings(database_url=sqlite_url), engine=db)
    client = app.server.test_client()
    assert client.get("/dashboard").status_code == 200
    assert "local admin" in client.get("/_dash-layout").get_data(as_text=True)
    assert "Sign-in is off" in client.get("/login").get_data(as_text=True)
    with app.server.test_request_context():
        assert auth.current_role() == "admin"
        auth.require_role("admin")


def test_require_role_reads_the_signed_in_user(app):
    client = app.server.test_client()
    login(client, "victor", PASSWORD + " v")
    with client:
        client.get("/dashboard")
        assert auth.current_role() == "viewer"
        with pytest.raises(auth.PermissionDenied, match="needs the editor role; you are signed in"):
            auth.require_role("editor")
    with app.server.test_request_context():
        with pytest.raises(auth.PermissionDenied, match="not signed in"):
            auth.require_role("viewer")


# --------------------------------------------------------------------------- CLI


def test_cli_user_commands(sqlite_url, db):
    runner = CliRunner()
    env = {"DATABASE_URL": sqlite_url}
    result = runner.invoke(
        main,
        ["user", "add", "frank", "--role", "editor", "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert auth.authenticate(db, "frank", PASSWORD)["role"] == "editor"

    # typed twice at a prompt; a mismatch asks again
    result = runner.invoke(
        main,
        ["user", "add", "grace", "--role", "viewer"],
        input=f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n",
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert auth.authenticate(db, "grace", PASSWORD)["role"] == "viewer"

    result = runner.invoke(
        main, ["user", "add", "frank", "--role", "viewer", "--password-stdin"], input="x\n", env=env
    )
    assert result.exit_code == 1 and "already exists" in result.output

    result = runner.invoke(
        main,
        ["user", "add", "henry", "--role", "viewer", "--password-stdin"],
        input="short\n",
        env=env,
    )
    assert result.exit_code == 1 and "too short" in result.output
    assert store.get_user(db, "henry") is None

    result = runner.invoke(
        main, ["user", "passwd", "frank", "--password-stdin"], input="another long one\n", env=env
    )
    assert result.exit_code == 0, result.output
    assert auth.authenticate(db, "frank", PASSWORD) is None
    assert auth.authenticate(db, "frank", "another long one") is not None

    assert runner.invoke(main, ["user", "role", "frank", "admin"], env=env).exit_code == 0
    result = runner.invoke(main, ["user", "list"], env=env)
    assert result.output.splitlines() == ["frank\tadmin", "grace\tviewer"]
    assert "scrypt" not in result.output

    assert runner.invoke(main, ["user", "remove", "grace"], env=env).exit_code == 0
    result = runner.invoke(main, ["user", "remove", "grace"], env=env)
    assert result.exit_code == 1 and "no user named" in result.output
    assert [u["username"] for u in store.list_users(db)] == ["frank"]


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
            "changedPropIds": ["url.pathname"],
        },
        headers={"Origin": "http://localhost"},
    )
    assert same.status_code == 200
