"""A refusal nobody foresaw leaves the store as DatabaseRefusedError with a fixed message: the
database's own text (tables, columns, values) goes to the log, never to a person."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event

from perfdash import store


def test_a_refused_write_says_nothing_of_the_database(engine, caplog):
    store.create_user(engine, "alice", "hash", "editor")
    store.create_session(engine, "alice", "s" * 64, timedelta(hours=1))
    with caplog.at_level(logging.WARNING, logger="perfdash.store.engine"):
        with pytest.raises(store.DatabaseRefusedError) as caught:
            store.create_session(engine, "alice", "s" * 64, timedelta(hours=1))
    message = str(caught.value)
    words, reference = re.fullmatch(r"(.*) \(reference ([0-9a-f]{12})\)", message).groups()
    assert words == "The database refused the write; nothing was changed and the detail was logged"
    assert "perfdash_sessions" not in message and "UNIQUE" not in message.upper()
    logged = [r.getMessage() for r in caplog.records if reference in r.getMessage()]
    assert len(logged) == 1  # the reference finds the database's own words in the log
    assert "perfdash_sessions" in logged[0] or "unique" in logged[0].lower()


def test_an_id_past_32_bits_is_refused_without_the_databases_words(engine, caplog):
    with caplog.at_level(logging.ERROR, logger="perfdash.store.engine"):
        try:
            found = store.get_release(engine, 99_999_999_999)
        except store.DatabaseRefusedError as exc:  # PostgreSQL: integer out of range
            assert "out of range" not in str(exc)
            assert "out of range" in caplog.text
        else:  # SQLite's integers are 64-bit: it names no release
            assert found is None


def test_text_the_database_cannot_hold_is_refused_in_words(engine):
    with pytest.raises(store.InvalidValueError, match="not valid Unicode"):
        store.search_releases(engine, "\ud800", limit=5)  # neither driver can encode it
    if engine.dialect.name == "sqlite":  # SQLite stores a NUL as it is
        assert store.search_releases(engine, "a\x00b", limit=5) == []
        return
    with pytest.raises(store.DatabaseRefusedError) as caught:
        store.search_releases(engine, "a\x00b", limit=5)
    assert "NUL" not in str(caught.value)


def test_a_held_lock_is_busy_not_a_bad_request(pg_url):
    """Another session holds the table: the store says busy (the same request may pass in a
    moment), the API answers 503 with Retry-After, and nothing was written."""
    import sqlalchemy as sa

    from perfdash import auth, create_app
    from perfdash.config import Settings

    engine = store.make_engine(pg_url, statement_timeout_ms=300)
    holder = store.make_engine(pg_url)
    token = auth.create_token(engine, "ci", "editor")
    app = create_app(Settings(database_url=pg_url), engine=engine)
    client = app.server.test_client()
    with holder.connect() as conn, conn.begin():
        conn.execute(sa.text("LOCK TABLE approved_releases IN ACCESS EXCLUSIVE MODE"))
        with pytest.raises(store.DatabaseBusyError, match="took too long"):
            store.create_release(engine, "busy-1")
        answer = client.post(
            "/api/v1/releases",
            json={"release_key": "busy-2"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 503, answer.get_data(as_text=True)
        assert answer.headers["Retry-After"] == "1"
        assert "took too long" in answer.get_json()["error"]["message"]
    assert store.get_release_by_key(engine, "busy-1") is None
    assert store.get_release_by_key(engine, "busy-2") is None
    holder.dispose()
    engine.dispose()


def test_a_locked_sqlite_file_is_busy(sqlite_url):
    """SQLite's whole-file lock, past its wait: the same 'busy' answer."""
    import sqlite3

    path = sqlite_url.removeprefix("sqlite:///")
    engine = store.make_engine(sqlite_url)
    store.apply_schema(engine)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    quick = store.make_engine(sqlite_url)

    @sa_event.listens_for(quick, "connect")
    def _short_wait(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA busy_timeout=200")

    try:
        with pytest.raises(store.DatabaseBusyError, match="busy"):
            store.create_release(quick, "busy-3")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.get_release_by_key(engine, "busy-3") is None
    quick.dispose()
    engine.dispose()
