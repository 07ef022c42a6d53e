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


def _age_sessions(engine, by) -> None:
    import sqlalchemy as sa

    from perfdash.schema import sessions

    with engine.begin() as conn:
        for row in conn.execute(sa.select(sessions.c.id_hash, sessions.c.last_seen_at)).all():
            seen = store.to_utc(row.last_seen_at)
            conn.execute(
                sa.update(sessions)
                .where(sessions.c.id_hash == row.id_hash)
                .values(last_seen_at=seen - by, created_at=seen - by)
            )


def test_an_idle_session_ends_in_every_worker(db_url, engine):
    from datetime import timedelta

    auth.add_user(engine, "alice", PASSWORD, "editor")
    settings = Settings(
        database_url=db_url, auth="required", secret_key=SECRET, session_idle_minutes=20
    )
    one, two = (create_app(settings, engine=engine) for _ in range(2))  # two workers
    client, cookie = signed_in(one)
    other = replay(two, cookie)
    assert other.get("/dashboard").status_code == 200
    _age_sessions(engine, timedelta(minutes=15))
    assert other.get("/dashboard").status_code == 200  # a request in time: seen again
    _age_sessions(engine, timedelta(minutes=15))  # 15 minutes since that request
    assert client.get("/dashboard").status_code == 200
    _age_sessions(engine, timedelta(minutes=21))
    assert other.post("/_dash-update-component", json={}).status_code == 401
    assert client.get("/dashboard").status_code == 302
    assert store.count_sessions(engine, "alice") == 0


def test_the_cli_lists_active_sessions_and_signs_a_user_out(app, db_url, engine):
    _client, cookie = signed_in(app)
    signed_in(app)
    thief = replay(app, cookie)
    runner = CliRunner()
    listed = runner.invoke(main, ["user", "list", "--database-url", db_url])
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == ["alice\teditor\t2 active sessions, last seen just now"]
    result = runner.invoke(main, ["user", "sign-out", "alice", "--database-url", db_url])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Signed out 'alice': 2 sessions ended."
    assert thief.get("/dashboard").status_code == 302
    listed = runner.invoke(main, ["user", "list", "--database-url", db_url])
    assert listed.output.splitlines() == ["alice\teditor\t0 active sessions"]
    missing = runner.invoke(main, ["user", "sign-out", "nobody", "--database-url", db_url])
    assert missing.exit_code == 1 and "no user named 'nobody'" in missing.output
