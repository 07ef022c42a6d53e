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
