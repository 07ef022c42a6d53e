"""Store tests of annotations: dated notes on a release or the catalog (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from perfdash import store


def T(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def two_releases(engine) -> tuple[int, int]:
    a = store.create_release(engine, "rel-a", title="Neon Tides", approved_at=T(2026, 1, 5, 9))
    b = store.create_release(engine, "rel-b", title="Glass Horizon")
    return a, b


def test_annotations_round_trip_with_catalog_notes(engine, two_releases):
    a, b = two_releases
    first = store.create_annotation(engine, a, T(2026, 3, 1), "playlist add", created_by="cli")
    catalog = store.create_annotation(engine, None, T(2026, 2, 1, 12), "  TikTok campaign  ")
    store.create_annotation(engine, b, T(2026, 3, 2), "video premiere")

    rows = store.list_annotations(engine, [a])
    assert [(r["id"], r["text"], r["release_key"]) for r in rows] == [
        (catalog, "TikTok campaign", None),
        (first, "playlist add", "rel-a"),
    ]
    assert rows[1]["at"] == T(2026, 3, 1) and rows[1]["at"].utcoffset().total_seconds() == 0
    assert rows[1]["created_by"] == "cli" and rows[1]["title"] == "Neon Tides"
    assert [r["text"] for r in store.list_annotations(engine, [a], include_catalog=False)] == [
        "playlist add"
    ]
    assert len(store.list_annotations(engine)) == 3
    assert [
        r["text"] for r in store.list_annotations(engine, start=T(2026, 3, 1), end=T(2026, 3, 2))
    ] == ["playlist add"]

    assert store.delete_annotation(engine, first)
    assert not store.delete_annotation(engine, first)
    assert store.get_annotation(engine, first) is None
    # deleting a release deletes its notes (ON DELETE CASCADE), catalog notes stay
    store.delete_release(engine, b)
    assert [r["id"] for r in store.list_annotations(engine)] == [catalog]


def test_bad_annotations_write_nothing(engine, two_releases):
    a, _ = two_releases
    with pytest.raises(store.InvalidValueError, match="text"):
        store.create_annotation(engine, a, T(2026, 3, 1), "   ")
    with pytest.raises(store.InvalidValueError, match="500"):
        store.create_annotation(engine, a, T(2026, 3, 1), "x" * 501)
    with pytest.raises(store.UnknownReleaseError):
        store.create_annotation(engine, a + 999, T(2026, 3, 1), "nope")
    assert store.list_annotations(engine) == []
