"""A refusal nobody foresaw leaves the store as DatabaseRefusedError with a fixed message: the
database's own text (tables, columns, values) goes to the log, never to a person."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest

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
