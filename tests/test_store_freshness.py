"""Store tests of how fresh the numbers are: each release's and metric's newest reading, recent
reading times, launch dates (SQLite and PostgreSQL).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from perfdash import alerts, metrics, store


def T(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def two_releases(engine) -> tuple[int, int]:
    a = store.create_release(engine, "rel-a", title="Neon Tides", approved_at=T(2026, 1, 5, 9))
    b = store.create_release(engine, "rel-b", title="Glass Horizon")
    return a, b


def test_freshness_and_launch_dates(engine, two_releases):
    a, b = two_releases
    store.add_performance_metric(a, "YouTube", "views", 5, engine=engine, recorded_at=T(2026, 1, 6))
    store.add_performance_metric(
        a, "Spotify", "streams", 9, engine=engine, recorded_at=T(2026, 1, 8), source="csv"
    )
    fresh = store.release_freshness(engine).set_index("release_id")
    assert list(fresh.index) == [a]
    assert fresh.loc[a, "newest_at"] == pd.Timestamp("2026-01-08", tz="UTC")
    assert fresh.loc[a, "source"] == "csv" and fresh.loc[a, "platform"] == "Spotify"
    launches = store.launch_dates(engine).set_index("release_id")
    assert launches.loc[a, "approved_at"] == pd.Timestamp("2026-01-05 09:00", tz="UTC")
    assert launches.loc[a, "first_at"] == pd.Timestamp("2026-01-06", tz="UTC")
    assert pd.isna(launches.loc[b, "first_at"])


def test_recent_reading_times_and_stale_hours_follow_each_release(engine, two_releases):
    a, b = two_releases
    rows = []
    for h in range(15):  # release a: hourly, three platforms at the same moment
        for platform in ("YouTube", "Spotify", "Deezer"):
            rows.append((a, platform, "views", 10 * h, T(2026, 3, 1) + timedelta(hours=h)))
    for d in range(4):  # release b: daily
        rows.append((b, "YouTube", "views", d, T(2026, 3, 1, 6) + timedelta(days=d)))
    store.insert_metrics(
        engine,
        pd.DataFrame(
            rows, columns=["release_id", "platform", "metric_type", "metric_value", "recorded_at"]
        ).assign(value_kind="total", source="collector"),
    )
    times = store.recent_reading_times(engine, [a, b], limit=5)
    assert times.groupby("release_id").size().to_dict() == {a: 5, b: 4}
    assert list(times[times["release_id"] == a]["recorded_at"]) == [
        pd.Timestamp("2026-03-01", tz="UTC") + pd.Timedelta(hours=h) for h in range(10, 15)
    ]
    assert list(store.recent_reading_times(engine, [b], limit=2)["recorded_at"]) == [
        pd.Timestamp("2026-03-03 06:00", tz="UTC"),
        pd.Timestamp("2026-03-04 06:00", tz="UTC"),
    ]
    assert store.recent_reading_times(engine, []).empty
    with pytest.raises(store.InvalidValueError):
        store.recent_reading_times(engine, [a], limit=0)

    rule = metrics.StaleRule(fallback_hours=12)
    assert alerts.release_stale_hours(engine, [a, b], rule) == {a: 2.0, b: 48.0}
    assert alerts.release_stale_hours(engine, None, rule) == {a: 2.0, b: 48.0}
    c = store.create_release(engine, "rel-c")
    store.add_performance_metric(c, "YouTube", "views", 1, engine=engine, recorded_at=T(2026, 3, 1))
    assert alerts.release_stale_hours(engine, [c], rule) == {c: 12}  # one reading: fallback


def test_metric_freshness_is_per_release_and_metric_with_platform_filter(engine, two_releases):
    a, b = two_releases
    add = store.add_performance_metric
    add(a, "YouTube", "views", 5, engine=engine, recorded_at=T(2026, 3, 1), source="collector")
    add(a, "Spotify", "views", 7, engine=engine, recorded_at=T(2026, 3, 2), source="csv")
    add(a, "YouTube", "likes", 1, engine=engine, recorded_at=T(2026, 3, 3), source="api")
    add(b, "YouTube", "views", 9, engine=engine, recorded_at=T(2026, 2, 1))
    frame = store.metric_freshness(engine, [a, b])
    assert [tuple(r) for r in frame.itertuples(index=False)] == [
        (a, "likes", pd.Timestamp("2026-03-03", tz="UTC"), "api"),
        (a, "views", pd.Timestamp("2026-03-02", tz="UTC"), "csv"),
        (b, "views", pd.Timestamp("2026-02-01", tz="UTC"), "manual"),
    ]
    youtube = store.metric_freshness(engine, [a], platforms=["youtube"])
    assert [tuple(r) for r in youtube.itertuples(index=False)] == [
        (a, "likes", pd.Timestamp("2026-03-03", tz="UTC"), "api"),
        (a, "views", pd.Timestamp("2026-03-01", tz="UTC"), "collector"),
    ]
    assert store.metric_freshness(engine, []).empty
