"""Store tests: every one runs on SQLite and on PostgreSQL (the ``engine`` fixture)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa

from perfdash import store
from perfdash.schema import content_performance


def T(*args, tz=UTC) -> datetime:
    return datetime(*args, tzinfo=tz)


@pytest.fixture
def release(engine) -> int:
    return store.create_release(engine, "rel-1", title="Neon Tides", artist_name="Nova Vale")


def test_add_and_get_round_trip(engine, release):
    first = store.add_performance_metric(
        release,
        "YouTube",
        "views",
        100,
        "https://youtu.be/x",
        "first",
        engine=engine,
        recorded_at=T(2026, 1, 1, 12),
    )
    second = store.add_performance_metric(
        release, "YouTube", "views", 150, engine=engine, recorded_at=T(2026, 1, 2, 12)
    )
    rows = store.get_performance_metrics_for_release(release, engine=engine)
    assert [r["id"] for r in rows] == [second, first]  # newest first
    assert rows[1] == {
        "id": first,
        "release_id": release,
        "platform": "YouTube",
        "metric_type": "views",
        "metric_value": 100,
        "recorded_at": T(2026, 1, 1, 12),
        "source_url": "https://youtu.be/x",
        "notes": "first",
    }


def test_timestamps_are_stored_in_utc(engine, release):
    berlin = datetime(2026, 6, 1, 2, 30, tzinfo=__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    store.add_performance_metric(
        release, "Spotify", "streams", 5, engine=engine, recorded_at=berlin
    )
    (row,) = store.get_performance_metrics_for_release(release, engine=engine)
    assert row["recorded_at"] == T(2026, 6, 1, 0, 30)
    assert row["recorded_at"].utcoffset() == timedelta(0)


def test_add_metric_max_value_and_errors(engine, release):
    big = 2**63 - 1
    rid = store.add_performance_metric(release, "YouTube", "views", big, engine=engine)
    assert store.get_metric(engine, rid)["metric_value"] == big
    with pytest.raises(store.InvalidValueError, match="64 bits"):
        store.add_performance_metric(release, "YouTube", "views", 2**63, engine=engine)
    with pytest.raises(store.InvalidValueError, match="negative"):
        store.add_performance_metric(release, "YouTube", "views", -1, engine=engine)
    with pytest.raises(store.InvalidValueError, match="whole number"):
        store.add_performance_metric(release, "YouTube", "views", float("nan"), engine=engine)
    with pytest.raises(store.InvalidValueError, match="whole number"):
        store.add_performance_metric(release, "YouTube", "views", "12", engine=engine)
    with pytest.raises(store.InvalidValueError, match="platform"):
        store.add_performance_metric(release, "", "views", 1, engine=engine)
    with pytest.raises(store.UnknownReleaseError):
        store.add_performance_metric(release + 999, "YouTube", "views", 1, engine=engine)
    assert store.count_metrics(engine) == 1


def test_duplicate_reading_is_refused(engine, release):
    at = T(2026, 3, 1)
    store.add_performance_metric(release, "YouTube", "views", 1, engine=engine, recorded_at=at)
    with pytest.raises(store.DuplicateMetricError, match="already recorded"):
        store.add_performance_metric(release, "youtube", "views", 2, engine=engine, recorded_at=at)
    assert store.count_metrics(engine) == 1


def test_unknown_release_everywhere(engine):
    assert store.get_release(engine, 12345) is None
    assert store.get_performance_metrics_for_release(12345, engine=engine) == []
    with pytest.raises(store.UnknownReleaseError, match="12345"):
        store.insert_metrics(
            engine,
            [
                dict(
                    release_id=12345,
                    platform="x",
                    metric_type="y",
                    metric_value=1,
                    recorded_at=T(2026, 1, 1),
                )
            ],
        )
    with pytest.raises(store.UnknownReleaseError):
        store.update_release(engine, 12345, title="x")


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


def test_bulk_insert_is_idempotent_and_counts(engine, release):
    frame = _frame(release, 500)
    assert store.insert_metrics(engine, frame) == store.WriteResult(500, 0)
    assert store.insert_metrics(engine, frame) == store.WriteResult(0, 500)
    # mixed-case platform is the same platform for deduplication
    upper = frame.assign(platform="YOUTUBE")
    assert store.insert_metrics(engine, upper).written == 0
    # duplicates inside one batch count once
    twice = pd.concat([_frame(release, 3, start=T(2027, 1, 1))] * 2)
    assert store.insert_metrics(engine, twice) == store.WriteResult(3, 3)
    assert store.count_metrics(engine, release) == 503
    rows = store.get_performance_metrics_for_release(release, engine=engine)
    assert rows[-1]["metric_value"] == 0 and rows[-1]["recorded_at"] == T(2026, 1, 1)


def test_bulk_insert_is_all_or_nothing(engine, release):
    frame = _frame(release, 100)
    frame.loc[50, "release_id"] = release + 1000
    with pytest.raises(store.UnknownReleaseError):
        store.insert_metrics(engine, frame)
    bad = _frame(release, 10)
    bad.loc[5, "metric_value"] = -3
    with pytest.raises(store.InvalidValueError, match="negative"):
        store.insert_metrics(engine, bad)
    assert store.count_metrics(engine) == 0


def test_bulk_insert_in_callers_transaction_rolls_back(engine, release):
    with pytest.raises(RuntimeError):
        with engine.begin() as conn:
            store.insert_metrics(conn, _frame(release, 20))
            assert store.count_metrics(conn) == 20
            raise RuntimeError("abort")
    assert store.count_metrics(engine) == 0


def test_series_buckets_last_value_and_sum(engine, release):
    rows = [
        # day 1: two readings of a total; the later one wins
        ("YouTube", "views", 100, T(2026, 1, 1, 8), "total"),
        ("YouTube", "views", 130, T(2026, 1, 1, 20), "total"),
        # same platform in another spelling: one series
        ("youtube", "views", 170, T(2026, 1, 2, 9), "total"),
        # a period count, summed
        ("Spotify", "views", 7, T(2026, 1, 1, 1), "period"),
        ("Spotify", "views", 5, T(2026, 1, 1, 23), "period"),
    ]
    store.insert_metrics(
        engine,
        [
            dict(
                release_id=release,
                platform=p,
                metric_type=m,
                metric_value=v,
                recorded_at=t,
                value_kind=k,
            )
            for p, m, v, t, k in rows
        ],
    )
    s = store.release_series(engine, [release], bucket="day", tz="UTC")
    got = {
        (r.platform_key, r.value_kind, r.bucket.date().isoformat()): (
            r.last_value,
            r.sum_value,
            r.n_rows,
        )
        for r in s.itertuples()
    }
    assert got == {
        ("youtube", "total", "2026-01-01"): (130, 230, 2),
        ("youtube", "total", "2026-01-02"): (170, 170, 1),
        ("spotify", "period", "2026-01-01"): (5, 12, 2),
    }
    assert store.list_platform_keys(engine, [release]) == ["spotify", "youtube"]


def test_series_respects_time_zone(engine, release):
    # 23:30 UTC on Jan 1 is Jan 2 in Berlin and Jan 1 in New York
    store.add_performance_metric(
        release, "YouTube", "views", 9, engine=engine, recorded_at=T(2026, 1, 1, 23, 30)
    )
    berlin = store.release_series(engine, [release], bucket="day", tz="Europe/Berlin")
    ny = store.release_series(engine, [release], bucket="day", tz="America/New_York")
    assert berlin["bucket"].iloc[0] == pd.Timestamp("2026-01-02")
    assert ny["bucket"].iloc[0] == pd.Timestamp("2026-01-01")


def test_series_week_month_and_filters(engine, release):
    frame = pd.DataFrame(
        {
            "release_id": release,
            "platform": ["YouTube", "Spotify"] * 40,
            "metric_type": "views",
            "metric_value": range(80),
            "recorded_at": [T(2026, 1, 1) + timedelta(days=i // 2) for i in range(80)],
        }
    )
    store.insert_metrics(engine, frame)
    weeks = store.release_series(engine, [release], bucket="week", platforms=["YOUTUBE"])
    assert set(weeks["platform_key"]) == {"youtube"}
    assert all(b.weekday() == 0 for b in weeks["bucket"])  # weeks start on Monday
    assert weeks["n_rows"].sum() == 40
    months = store.release_series(engine, [release], bucket="month")
    assert sorted({b.strftime("%Y-%m") for b in months["bucket"]}) == ["2026-01", "2026-02"]
    ranged = store.release_series(engine, [release], start=T(2026, 1, 10), end=T(2026, 1, 12))
    assert ranged["n_rows"].sum() == 4
    assert sorted(ranged["bucket"].dt.day.unique()) == [10, 11]
    with pytest.raises(store.InvalidValueError):
        store.release_series(engine, [release], bucket="fortnight")


def test_totals_before(engine, release):
    for day, value in [(1, 10), (2, 20), (3, 30)]:
        store.add_performance_metric(
            release, "YouTube", "views", value, engine=engine, recorded_at=T(2026, 1, day)
        )
    base = store.totals_before(engine, [release], T(2026, 1, 3))
    assert base[["platform_key", "baseline"]].values.tolist() == [["youtube", 20]]


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


def test_database_unreachable_is_a_clear_error():
    eng = store.make_engine("postgresql+psycopg://root@127.0.0.1:1/nothing")
    with pytest.raises(store.DatabaseUnavailableError, match="unavailable"):
        store.count_releases(eng)
    assert store.ping(eng) is False


def test_original_api_uses_database_url(monkeypatch, db_url):
    monkeypatch.setenv("DATABASE_URL", db_url)
    store.apply_schema()
    eng = store.make_engine(db_url)
    rid = store.create_release(eng, "legacy-caller")
    new_id = store.add_performance_metric(rid, "TikTok", "likes", 42)
    rows = store.get_performance_metrics_for_release(rid)
    assert rows[0]["id"] == new_id and rows[0]["metric_value"] == 42
    eng.dispose()
    store.default_engine().dispose()


def test_sql_injection_in_text_is_stored_as_text(engine, release):
    nasty = "x'); DELETE FROM content_performance; --"
    mid = store.add_performance_metric(release, nasty, "views", 1, engine=engine, notes=nasty)
    assert store.get_metric(engine, mid)["notes"] == nasty
    with engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(content_performance)).scalar() == 1
        )


def test_token_use_is_recorded_at_most_once_a_minute(engine):
    store.create_api_token(engine, "script", "h" * 64, "editor")
    with pytest.raises(store.PerformanceDbError, match="already exists"):
        store.create_api_token(engine, " script ", "g" * 64, "viewer")
    with pytest.raises(store.InvalidValueError, match="role"):
        store.create_api_token(engine, "other", "g" * 64, "owner")
    assert store.list_api_tokens(engine)[0]["last_used_at"] is None
    assert store.api_token_by_hash(engine, "h" * 64)["role"] == "editor"
    first = store.list_api_tokens(engine)[0]["last_used_at"]
    assert first is not None
    store.api_token_by_hash(engine, "h" * 64)
    assert store.list_api_tokens(engine)[0]["last_used_at"] == first
    assert store.api_token_by_hash(engine, "x" * 64) is None
    assert store.revoke_api_token(engine, "script")
    assert store.api_token_by_hash(engine, "h" * 64) is None
