"""Store tests of releases: create, edit, search, delete, and what counts as user data.

Every one runs on SQLite and on PostgreSQL (the ``engine`` fixture).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from perfdash import store


def T(*args, tz=UTC) -> datetime:
    return datetime(*args, tzinfo=tz)


@pytest.fixture
def release(engine) -> int:
    return store.create_release(engine, "rel-1", title="Neon Tides", artist_name="Nova Vale")


def test_release_create_duplicate_update_search(engine):
    a = store.create_release(engine, "key-a", title="Glass Horizon", artist_name="Lumen Drift")
    b = store.create_release(engine, "key-b", title="100% Pure_Gold", artist_name="Nova Vale")
    with pytest.raises(store.DuplicateReleaseError, match="key-a"):
        store.create_release(engine, "key-a", title="again")
    with pytest.raises(store.DuplicateReleaseError):
        store.update_release(engine, b, release_id="key-a")
    with pytest.raises(store.InvalidValueError, match="empty"):
        store.create_release(engine, "   ")
    with pytest.raises(store.InvalidValueError, match="distribution_status"):
        store.create_release(engine, "key-c", distribution_status="nope")
    store.update_release(engine, a, title="Glass Horizon (Remix)", youtube_video_id="abc")
    assert store.get_release(engine, a)["title"] == "Glass Horizon (Remix)"
    assert store.get_release_by_key(engine, "key-a")["youtube_video_id"] == "abc"
    # case-insensitive search on title, artist, key; LIKE wildcards are literal
    assert [r["id"] for r in store.search_releases(engine, "glass")] == [a]
    assert [r["id"] for r in store.search_releases(engine, "NOVA")] == [b]
    assert [r["id"] for r in store.search_releases(engine, "KEY-B")] == [b]
    assert [r["id"] for r in store.search_releases(engine, "100%")] == [b]
    assert [r["id"] for r in store.search_releases(engine, "%")] == [b]  # literal %, not "any"
    assert [r["id"] for r in store.search_releases(engine, "e_G")] == [b]  # literal _
    assert (
        store.search_releases(engine, "s_H") == []
    )  # would match "Glass Horizon" if _ were a wildcard
    # the API's release list matches the same way (one condition serves both)
    assert [r["id"] for r in store.releases_page(engine, query="%")] == [b]
    assert [r["id"] for r in store.releases_page(engine, query=" lumen ")] == [a]
    assert store.releases_page(engine, query="s_H") == []
    assert store.search_releases(engine, "'; DROP TABLE approved_releases; --") == []
    assert store.count_releases(engine) == 2


def test_search_orders_by_recent_activity(engine):
    old = store.create_release(engine, "old", title="Old")
    new = store.create_release(engine, "new", title="New")
    idle = store.create_release(engine, "idle", title="Idle")
    store.add_performance_metric(
        old, "YouTube", "views", 1, engine=engine, recorded_at=T(2026, 5, 1)
    )
    store.add_performance_metric(
        new, "YouTube", "views", 1, engine=engine, recorded_at=T(2026, 1, 1)
    )
    store.add_performance_metric(
        old, "YouTube", "views", 1, engine=engine, recorded_at=T(2025, 1, 1)
    )
    assert [r["id"] for r in store.search_releases(engine)] == [old, new, idle]


def _frame(release, n, start=None, platform="YouTube", kind="total"):
    start = start or T(2026, 1, 1)
    return pd.DataFrame(
        {
            "release_id": release,
            "platform": platform,
            "metric_type": "views",
            "metric_value": [10 * i for i in range(n)],
            "recorded_at": [start + timedelta(hours=i) for i in range(n)],
            "value_kind": kind,
            "source": "csv",
        }
    )


def test_delete_release_cascades(engine, release):
    store.insert_metrics(engine, _frame(release, 5))
    assert store.delete_release(engine, release)
    assert store.count_metrics(engine) == 0


def test_demo_rows_are_not_user_data(engine):
    assert not store.has_user_data(engine)
    rid = store.create_release(engine, "demo-001")
    store.add_performance_metric(rid, "YouTube", "views", 1, engine=engine, source="demo")
    assert not store.has_user_data(engine)
    store.create_release(engine, "real")
    assert store.has_user_data(engine)


def test_archive_hides_from_search_and_leaderboard_and_restore_brings_back(engine, release):
    other = store.create_release(engine, "rel-2", title="Glass Horizon", artist_name="Nova Vale")
    store.insert_metrics(engine, _frame(release, 5))
    store.insert_metrics(engine, _frame(other, 3))
    end = T(2026, 2, 1)

    def board(**kw):
        return store.leaderboard(engine, "views", end=end, **kw)["release_id"].tolist()

    def searched(**kw):
        return [r["id"] for r in store.search_releases(engine, "nova", **kw)]

    assert board() == [release, other]
    assert store.set_release_archived(engine, release, True, now=T(2026, 3, 1))
    archived = store.get_release(engine, release)["archived_at"]
    assert archived == T(2026, 3, 1)
    # kept, readings and all; out of the search and the leaderboard unless asked for
    assert store.count_metrics(engine, release) == 5
    assert searched() == [other]
    assert sorted(searched(archived=True)) == sorted([release, other])
    assert board() == [other]
    assert board(archived=True) == [release, other]
    assert board(by="level") == [other]
    # archiving again keeps the first time; restoring clears it
    store.set_release_archived(engine, release, True, now=T(2026, 4, 1))
    assert store.get_release(engine, release)["archived_at"] == T(2026, 3, 1)
    assert store.set_release_archived(engine, release, False)
    assert store.get_release(engine, release)["archived_at"] is None
    assert board() == [release, other]
    assert not store.set_release_archived(engine, 999_999, True)


def test_delete_release_takes_only_its_readings(engine, release):
    other = store.create_release(engine, "rel-2")
    store.insert_metrics(engine, _frame(release, 4))
    store.insert_metrics(engine, _frame(other, 2))
    assert store.count_metrics(engine, release) == 4
    assert store.delete_release(engine, release)
    assert store.get_release(engine, release) is None
    assert store.count_metrics(engine) == 2 == store.count_metrics(engine, other)
    assert not store.delete_release(engine, release)
