"""store.artists on SQLite and PostgreSQL: artists are the names releases carry, archived
releases left out unless asked for."""

from __future__ import annotations

from datetime import UTC, datetime

from perfdash import store


def test_artists_are_the_names_on_releases(engine):
    a = store.create_release(
        engine, "a1", artist_name="Nova Vale", approved_at=datetime(2026, 3, 1, tzinfo=UTC)
    )
    b = store.create_release(
        engine, "a2", artist_name="Nova Vale", approved_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    c = store.create_release(engine, "b1", artist_name="lumen drift")
    store.create_release(engine, "nobody")  # no artist name: no artist
    gone = store.create_release(engine, "b2", artist_name="Archived Only")
    store.set_release_archived(engine, gone, True)

    assert store.list_artists(engine) == [
        {"artist_name": "lumen drift", "releases": 1},
        {"artist_name": "Nova Vale", "releases": 2},
    ]
    names = [a["artist_name"] for a in store.list_artists(engine, archived=True)]
    assert names == ["Archived Only", "lumen drift", "Nova Vale"]

    found = store.artist_releases(engine, "Nova Vale")
    assert [r["id"] for r in found] == [b, a]  # oldest approval first
    assert found[0]["approved_at"] == datetime(2026, 1, 1, tzinfo=UTC)
    assert store.artist_releases(engine, "nova vale") == []  # names compare exactly
    assert store.artist_releases(engine, "Archived Only") == []
    assert store.release_artists(engine) == {a: "Nova Vale", b: "Nova Vale", c: "lumen drift"}
