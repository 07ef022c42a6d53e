"""ingest.releases.save_release on both backends: create, update, a taken key, bad fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from perfdash import store
from perfdash.ingest.releases import save_release


def test_create_then_update(engine):
    saved = save_release(
        engine,
        None,
        {
            "release_key": " rel-new ",
            "title": "New Song",
            "artist_name": "Someone",
            "approved_at": "01.02.2026 10:00",
            "distribution_status": "distributed",
            "track_url": "https://suno.test/t/1",
            "youtube_video_id": "dQw4w9WgXcQ",
        },
        tz="Europe/Berlin",
    )
    pk, errors, message = saved  # unpacks as (id, errors, message)
    assert errors == {} and message == "Created release 'rel-new'." and not saved.conflict
    release = store.get_release(engine, pk)
    assert release["release_id"] == "rel-new"
    assert release["approved_at"] == datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    assert (release["distribution_status"], release["youtube_video_id"]) == (
        "distributed",
        "dQw4w9WgXcQ",
    )

    same, errors, message = save_release(
        engine, pk, {"release_key": "rel-new", "title": "Renamed", "artist_name": ""}
    )
    assert (same, errors, message) == (pk, {}, "Updated release 'rel-new'.")
    release = store.get_release(engine, pk)
    assert (release["title"], release["artist_name"]) == ("Renamed", None)
    assert release["distribution_status"] == "distributed"  # not named: left as it was


def test_a_taken_key_is_a_conflict(engine):
    first = save_release(engine, None, {"release_key": "rel-a"}).id
    dup = save_release(engine, None, {"release_key": "rel-a"})
    assert dup.id is None and dup.conflict
    assert dup.errors == {"release_key": "A release with key 'rel-a' already exists"}
    other = save_release(engine, None, {"release_key": "rel-b"}).id
    clash = save_release(engine, other, {"release_key": "rel-a"})
    assert clash.id is None and clash.conflict
    assert store.get_release(engine, first)["release_id"] == "rel-a"
    assert store.count_releases(engine) == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"release_key": ""}, "release_key"),
        ({"release_key": "k" * 256}, "release_key"),
        ({"release_key": 7}, "release_key"),
        ({"release_key": "k", "title": "a\x00b"}, "title"),
        ({"release_key": "k", "distribution_status": "gone"}, "distribution_status"),
        ({"release_key": "k", "approved_at": "03/04/2026"}, "approved_at"),
        ({"release_key": "k", "video_url": "javascript:x"}, "video_url"),
        ({"release_key": "k", "spotify_track_id": ["x"]}, "spotify_track_id"),
        ({"release_key": "k", "colour": "red"}, "colour"),
    ],
)
def test_bad_fields_write_nothing(engine, fields, field):
    saved = save_release(engine, None, fields)
    assert saved.id is None and not saved.conflict
    assert list(saved.errors) == [field]
    assert saved.message.startswith("Nothing was saved")
    assert store.count_releases(engine) == 0


def test_a_deleted_release_is_reported(engine):
    pk = save_release(engine, None, {"release_key": "gone"}).id
    store.delete_release(engine, pk)
    saved = save_release(engine, pk, {"release_key": "gone"})
    assert saved.id is None and saved.message.startswith("Nothing was saved")


def test_the_callers_transaction_is_joined(engine):
    with pytest.raises(RuntimeError), store.transaction(engine) as conn:
        assert save_release(conn, None, {"release_key": "rolled-back"}).id
        raise RuntimeError("the caller's transaction fails later")
    assert store.get_release_by_key(engine, "rolled-back") is None
