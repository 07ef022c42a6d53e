"""Users, passwords, roles and the sign-in policy.

The policy decisions are checked at the create_app level too (what app.py and perfdash run do).
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from auth_helpers import login
from gunicorn.errors import AppImportError

from perfdash import auth, create_app, store
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
