"""Store tests of a release's series by bucket and time zone, and the totals before a moment.

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


def test_a_bucket_whose_readings_add_up_past_2_63_says_so(engine):
    """Two readings at the maximum in one day: the bucket's sum passes what the database adds
    up (SQLite's sum() and PostgreSQL's BIGINT); the read says so in words instead of a raw
    error or "the database is unavailable"."""
    rid = store.create_release(engine, "rel-max")
    store.insert_metrics(
        engine,
        [
            dict(
                release_id=rid,
                platform="YouTube",
                metric_type="views",
                metric_value=2**63 - 1,
                recorded_at=datetime(2026, 1, 5, hour, tzinfo=UTC),
                value_kind="total",
            )
            for hour in (1, 2)
        ],
    )
    with pytest.raises(store.InvalidValueError, match="add up past 9,223,372,036,854,775,807"):
        store.release_series(
            engine,
            [rid],
            bucket="day",
            tz="UTC",
            start=datetime(2026, 1, 1, tzinfo=UTC),
            end=datetime(2026, 2, 1, tzinfo=UTC),
        )
