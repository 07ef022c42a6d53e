"""Editor-set metric kinds, and the leaderboard read as a kind says, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from perfdash import metrics, store


def T(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_set_replace_list_and_clear_a_kind(engine):
    assert store.metric_kind_overrides(engine) == {}
    row = store.set_metric_kind(engine, " radio_spins ", "audience", updated_by="ed")
    assert row == {"metric_type": "radio_spins", "kind": "audience", "lower_is_better": False}
    store.set_metric_kind(engine, "chart_spot", "score", lower_is_better=True)
    store.set_metric_kind(engine, "radio_spins", "score")  # replaces, no duplicate
    assert store.metric_kind_overrides(engine) == {
        "chart_spot": ("score", True),
        "radio_spins": ("score", False),
    }
    kinds = metrics.metric_kinds(["chart_spot", "views"], store.metric_kind_overrides(engine))
    assert kinds["chart_spot"].lower_is_better and kinds["views"].kind == "counter"
    assert store.clear_metric_kind(engine, "radio_spins") is True
    assert store.clear_metric_kind(engine, "radio_spins") is False
    assert list(store.metric_kind_overrides(engine)) == ["chart_spot"]


@pytest.mark.parametrize(
    ("metric_type", "kind", "message"),
    [
        ("", "counter", "metric type must not be empty"),
        ("x" * 51, "counter", "longer than 50"),
        ("spins", "gauge", "kind 'gauge' is not one of counter, audience, score"),
        (None, "score", "metric type must not be empty"),
    ],
)
def test_bad_kinds_are_refused_and_change_nothing(engine, metric_type, kind, message):
    store.set_metric_kind(engine, "kept", "score")
    with pytest.raises(store.InvalidValueError, match=message):
        store.set_metric_kind(engine, metric_type, kind)
    assert store.metric_kind_overrides(engine) == {"kept": ("score", False)}


@pytest.fixture
def ranked(engine):
    """Three releases with Deezer ranks and YouTube/TikTok views in January 2026."""
    a = store.create_release(engine, "rel-a", title="A")
    b = store.create_release(engine, "rel-b", title="B")
    c = store.create_release(engine, "rel-c", title="C")
    rows = [
        (a, "Deezer", "rank", 40, T(2026, 1, 2)),
        (a, "Deezer", "rank", 12, T(2026, 1, 20)),
        (b, "Deezer", "rank", 5, T(2026, 1, 3)),
        (b, "Deezer", "rank", 30, T(2026, 1, 21)),
        (c, "Deezer", "rank", 20, T(2026, 1, 4)),
        (c, "Deezer", "rank", 18, T(2026, 1, 22)),
        (a, "YouTube", "views", 1000, T(2026, 1, 1)),
        (a, "YouTube", "views", 1500, T(2026, 1, 20)),  # +500 on YouTube
        (a, "TikTok", "views", 0, T(2026, 1, 1)),
        (a, "TikTok", "views", 5000, T(2026, 1, 20)),  # +5000 on TikTok
        (b, "YouTube", "views", 100, T(2026, 1, 1)),
        (b, "YouTube", "views", 1100, T(2026, 1, 20)),  # +1000 on YouTube
    ]
    store.insert_metrics(
        engine,
        [
            dict(release_id=r, platform=p, metric_type=m, metric_value=v, recorded_at=t)
            for r, p, m, v, t in rows
        ],
    )
    return a, b, c


def test_a_score_leaderboard_ranks_by_level_lowest_first(engine, ranked):
    a, b, c = ranked
    board = store.leaderboard(
        engine, "rank", start=T(2026, 1, 1), end=T(2026, 2, 1), by="level_asc"
    )
    assert board["release_id"].tolist() == [a, c, b]  # ranks 12, 18, 30
    assert board["total"].tolist() == [12.0, 18.0, 30.0]
    high = store.leaderboard(engine, "rank", start=T(2026, 1, 1), end=T(2026, 2, 1), by="level")
    assert high["release_id"].tolist() == [b, c, a]
    with pytest.raises(ValueError, match="unknown leaderboard order"):
        store.leaderboard(engine, "rank", end=T(2026, 2, 1), by="sum")


def test_the_leaderboard_follows_the_platform_filter(engine, ranked):
    a, b, _ = ranked
    everywhere = store.leaderboard(engine, "views", start=T(2026, 1, 1), end=T(2026, 2, 1))
    assert list(zip(everywhere["release_id"], everywhere["gain"], strict=True)) == [
        (a, 5500),
        (b, 1000),
    ]
    youtube = store.leaderboard(
        engine, "views", start=T(2026, 1, 1), end=T(2026, 2, 1), platforms=["youtube"]
    )
    assert list(zip(youtube["release_id"], youtube["gain"], strict=True)) == [(b, 1000), (a, 500)]
