"""Sessions that end: a copied cookie replayed after sign-out, a new password or the user's
removal is refused, on SQLite and PostgreSQL, through the real app and the real CLI."""

from __future__ import annotations

import hashlib

import pytest
from auth_helpers import login
from click.testing import CliRunner

from perfdash import auth, create_app, store
from perfdash.cli import main
from perfdash.config import Settings

SECRET = "s3cr3t-key-for-tests-0123456789-abcdefXYZ"
PASSWORD = "correct horse battery"
COOKIE = "perfdash_session"


@pytest.fixture
def app(db_url, engine):
    auth.add_user(engine, "alice", PASSWORD, "editor")
    return create_app(
        Settings(database_url=db_url, auth="required", secret_key=SECRET), engine=engine
    )


def signed_in(app):
    """A client signed in as alice, and a copy of its session cookie."""
    client = app.server.test_client()
    assert login(client, "alice", PASSWORD).status_code == 302
    assert client.get("/dashboard").status_code == 200
    return client, client.get_cookie(COOKIE).value


def replay(app, cookie: str):
    """Another browser (an attacker's) presenting the copied cookie."""
    other = app.server.test_client()
    other.set_cookie(COOKIE, cookie)
    return other


def logout(client):
    page = client.get("/logout").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/logout", data={"csrf_token": token})


def test_a_copied_cookie_is_refused_after_sign_out(app):
    client, cookie = signed_in(app)
    thief = replay(app, cookie)
    assert thief.get("/dashboard").status_code == 200  # the copy works while the session lives
    assert logout(client).status_code == 302
    assert thief.get("/dashboard").status_code == 302
    assert thief.get("/_dash-layout").status_code == 401
    assert thief.post("/_dash-update-component", json={}).status_code == 401
    assert client.get("/dashboard").status_code == 302


def test_the_cookie_carries_only_a_random_id_and_the_table_only_its_hash(app, engine):
    client, cookie = signed_in(app)
    session = app.server.session_interface.get_signing_serializer(app.server).loads(cookie)
    assert set(session) == {"sid", "csrf", "_permanent"}
    assert "alice" not in str(session)
    key = hashlib.sha256(session["sid"].encode()).hexdigest()
    assert store.session_user(engine, key) == {"username": "alice", "role": "editor"}
    assert store.session_user(engine, session["sid"]) is None
    # a second sign-in is a second session; the first one goes on
    _second, _ = signed_in(app)
    assert store.count_sessions(engine, "alice") == 2
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize("command", ["passwd", "remove"])
def test_a_copied_cookie_is_refused_after_the_cli_changes_the_user(app, db_url, command):
    _client, cookie = signed_in(app)
    thief = replay(app, cookie)
    assert thief.get("/dashboard").status_code == 200
    args = ["user", command, "alice", "--database-url", db_url]
    stdin = None
    if command == "passwd":
        args.append("--password-stdin")
        stdin = "another long password\n"
    result = CliRunner().invoke(main, args, input=stdin)
    assert result.exit_code == 0, result.output
    assert thief.get("/dashboard").status_code == 302
    assert thief.get("/_dash-layout").status_code == 401


def test_a_forged_or_old_style_cookie_opens_nothing(app):
    serializer = app.server.session_interface.get_signing_serializer(app.server)
    for forged in (
        {"user": "alice", "pwf": "0" * 16},  # what a cookie held before sessions were rows
        {"sid": "x" * 43},
        {"sid": ["not", "text"]},
        {"sid": "y" * 5000},
    ):
        client = replay(app, serializer.dumps(forged))
        assert client.get("/dashboard").status_code == 302, forged
