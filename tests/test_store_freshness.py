"""Store tests of annotations, alert claims, freshness and launch dates (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from perfdash import alerts, demo, metrics, store


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


def test_alert_claims_are_granted_once(engine, two_releases):
    a, _ = two_releases
    assert store.claim_alert(engine, "spike:rel-a:2026-03-01", release_id=a)
    assert not store.claim_alert(engine, "spike:rel-a:2026-03-01", release_id=a)
    assert store.sent_alert_keys(engine, ["spike:rel-a:2026-03-01", "other"]) == {
        "spike:rel-a:2026-03-01"
    }
    assert store.release_alert_claim(engine, "spike:rel-a:2026-03-01")
    assert store.claim_alert(engine, "spike:rel-a:2026-03-01")
    assert store.sent_alert_keys(engine) == {"spike:rel-a:2026-03-01"}


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


def test_demo_spikes_are_found_and_steady_releases_are_not(sqlite_url):
    """The demo catalog's viral days (demo-007, demo-019) through the store, and nothing else."""
    engine = store.make_engine(sqlite_url)
    today = datetime(2026, 11, 1, 12, tzinfo=UTC)
    demo.load(engine, today=today)
    found = alerts.build_alerts(engine, since=date(2025, 1, 1))
    first_day = date(2025, 11, 2)  # today - 364 days
    assert sorted((a.release_key, (a.day - first_day).days) for a in found) == [
        ("demo-007", demo.VIRAL["demo-007"]),
        ("demo-019", demo.VIRAL["demo-019"]),
    ]
    viral = found[0]
    assert len(viral.items) >= 6  # every platform lifts on a viral day
    assert all(item.ratio > 20 for item in viral.items)
    assert viral.path().startswith(f"/dashboard?release={viral.release_id}&")
    engine.dispose()
