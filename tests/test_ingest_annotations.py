"""Dated notes' rules (``ingest.annotations``) on both backends: a release named by a key the
release rules refuse is answered in words, never looked up (PostgreSQL refuses NUL, psycopg a
lone surrogate)."""

from __future__ import annotations

import pytest

from perfdash import store
from perfdash.ingest.annotations import check_annotation


@pytest.mark.parametrize(
    ("release", "words"),
    [
        ("key\x00", "control characters"),
        ("key\ud800", "broken characters"),
        ("key\u200b", "invisible characters"),
        ("no-such-key", "No release with id or key"),
    ],
)
def test_a_bad_release_key_is_a_message_not_a_database_error(engine, release, words):
    store.create_release(engine, "ann-1")
    checked = check_annotation(engine, release, "2026-01-01", "playlist add")
    assert words in checked.errors["release"]
    assert list(checked.errors) == ["release"]


def test_a_good_key_finds_its_release(engine):
    rid = store.create_release(engine, "ann-1")
    checked = check_annotation(engine, "ann-1", "2026-01-01", "playlist add")
    assert checked.errors == {} and checked.release_id == rid
