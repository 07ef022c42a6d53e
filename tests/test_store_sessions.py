"""Web sessions in the database, on SQLite and PostgreSQL: created, read, ended, expired."""

from __future__ import annotations

from datetime import timedelta

from perfdash import store

HOUR = timedelta(hours=1)


def test_a_session_lives_until_it_is_ended(engine):
    store.create_user(engine, "alice", "hash-a", "editor")
    assert store.create_session(engine, "alice", "a" * 64, HOUR)
    assert store.session_user(engine, "a" * 64) == {"username": "alice", "role": "editor"}
    assert store.session_user(engine, "b" * 64) is None
    assert store.end_session(engine, "a" * 64)
    assert store.session_user(engine, "a" * 64) is None
    assert not store.end_session(engine, "a" * 64)


def test_a_new_password_or_removal_ends_every_session_of_that_user_only(engine):
    store.create_user(engine, "alice", "hash-a", "editor")
    store.create_user(engine, "bob", "hash-b", "viewer")
    for key in ("1", "2"):
        store.create_session(engine, "alice", key * 64, HOUR)
    store.create_session(engine, "bob", "3" * 64, HOUR)
    assert store.count_sessions(engine, "alice") == 2

    store.update_user(engine, "alice", role="admin")  # a role change keeps the sessions
    assert store.session_user(engine, "1" * 64) == {"username": "alice", "role": "admin"}

    store.update_user(engine, "alice", password_hash="hash-a2")
    assert store.count_sessions(engine, "alice") == 0
    assert store.session_user(engine, "1" * 64) is None
    assert store.session_user(engine, "3" * 64)["username"] == "bob"

    store.delete_user(engine, "bob")
    assert store.session_user(engine, "3" * 64) is None
    assert store.count_sessions(engine, "bob") == 0


def test_expired_sessions_count_for_nothing_and_are_removed(engine):
    store.create_user(engine, "alice", "hash-a", "editor")
    store.create_session(engine, "alice", "e" * 64, -HOUR)  # already past its end
    assert store.session_user(engine, "e" * 64) is None
    assert store.count_sessions(engine, "alice") == 0
    store.create_session(engine, "alice", "f" * 64, HOUR)  # the next sign-in tidies up
    assert not store.end_session(engine, "e" * 64)
    assert store.end_session(engine, "f" * 64)


def test_no_session_for_a_user_that_does_not_exist(engine):
    assert not store.create_session(engine, "ghost", "g" * 64, HOUR)
    assert store.session_user(engine, "g" * 64) is None


def _seen_at(engine, key: str):
    import sqlalchemy as sa

    with engine.connect() as conn:
        value = conn.execute(
            sa.text("select last_seen_at from perfdash_sessions where id_hash = :k"), {"k": key}
        ).scalar_one()
    return store.to_utc(value)


def _age(engine, key: str, by: timedelta) -> None:
    """The session's last request (and sign-in) moved ``by`` into the past."""
    import sqlalchemy as sa

    from perfdash.schema import sessions

    seen = _seen_at(engine, key)
    with engine.begin() as conn:
        conn.execute(
            sa.update(sessions)
            .where(sessions.c.id_hash == key)
            .values(last_seen_at=seen - by, created_at=seen - by)
        )


def test_an_idle_session_ends_and_its_row_goes(engine):
    store.create_user(engine, "alice", "hash-a", "editor")
    store.create_session(engine, "alice", "i" * 64, 12 * HOUR)
    idle = timedelta(minutes=30)
    assert store.session_user(engine, "i" * 64, idle=idle)["username"] == "alice"
    _age(engine, "i" * 64, timedelta(minutes=29))
    assert store.session_user(engine, "i" * 64, idle=idle)["username"] == "alice"  # in time
    _age(engine, "i" * 64, timedelta(minutes=31))
    assert store.session_user(engine, "i" * 64, idle=idle) is None
    # gone for good: a longer idle limit later does not bring it back
    assert store.session_user(engine, "i" * 64, idle=12 * HOUR) is None
    assert store.count_sessions(engine, "alice") == 0


def test_the_last_request_is_written_at_most_once_a_minute(engine):
    store.create_user(engine, "alice", "hash-a", "editor")
    store.create_session(engine, "alice", "t" * 64, HOUR)
    first = _seen_at(engine, "t" * 64)
    store.session_user(engine, "t" * 64, idle=HOUR)
    assert _seen_at(engine, "t" * 64) == first  # seconds later: no write
    _age(engine, "t" * 64, timedelta(seconds=90))
    before = _seen_at(engine, "t" * 64)
    store.session_user(engine, "t" * 64, idle=HOUR)
    after = _seen_at(engine, "t" * 64)
    assert after > before and abs((after - first).total_seconds()) < 30


def test_a_row_from_before_last_seen_reads_its_sign_in_time(engine):
    import sqlalchemy as sa

    from perfdash.schema import sessions

    store.create_user(engine, "alice", "hash-a", "editor")
    store.create_session(engine, "alice", "o" * 64, 12 * HOUR)
    _age(engine, "o" * 64, timedelta(hours=2))
    with engine.begin() as conn:
        conn.execute(sa.update(sessions).values(last_seen_at=None))
    assert store.session_user(engine, "o" * 64, idle=HOUR) is None


def test_sessions_by_user_counts_live_ones_with_the_latest_request(engine):
    store.create_user(engine, "alice", "hash-a", "editor")
    store.create_user(engine, "bob", "hash-b", "viewer")
    store.create_user(engine, "carol", "hash-c", "viewer")
    for key in ("1", "2", "3"):
        store.create_session(engine, "alice", key * 64, 12 * HOUR)
    store.create_session(engine, "bob", "4" * 64, 12 * HOUR)
    _age(engine, "3" * 64, timedelta(hours=3))  # idle past the limit below
    _age(engine, "4" * 64, timedelta(minutes=10))
    active = store.sessions_by_user(engine, idle=HOUR)
    assert set(active) == {"alice", "bob"}
    assert active["alice"][0] == 2 and active["bob"][0] == 1
    assert abs((active["alice"][1] - _seen_at(engine, "1" * 64)).total_seconds()) < 5
    assert active["bob"][1] == _seen_at(engine, "4" * 64)
    assert store.sessions_by_user(engine)["alice"][0] == 3  # no idle limit: all unexpired
