"""The fast paths (SQL aggregates) return exactly what the original pattern (every row into
pandas) returns, on the same data, on SQLite and PostgreSQL.

The data is a small version of the benchmark catalog (hourly and daily readings, platform names
in mixed case, a correction, per-day counts) plus legacy duplicates that tie on time, so the
tie-break on id is exercised too.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import catalog, views  # noqa: E402
from perfdash import metrics, store  # noqa: E402

TZ = "Europe/Berlin"


@pytest.fixture(params=["sqlite", "postgresql", "postgresql-rollup"])
def engine(request):
    """Each backend, and on PostgreSQL both read paths: the readings themselves and the daily
    rollup (counted by the triggers while ``loaded`` writes, in the zone of the periods)."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    eng = store.make_engine(url)
    store.set_rollup_zones(eng, [TZ] if request.param.endswith("rollup") else [])
    assert store.rollup_zones(eng) == ([TZ] if request.param.endswith("rollup") else [])
    yield eng
    eng.dispose()


@pytest.fixture
def loaded(engine):
    plan = catalog.plan(4000, releases=8)
    ids = {}
    for i in range(plan.releases):
        ids[plan.release_key(i)] = store.create_release(engine, plan.release_key(i), title=f"T{i}")
    frames = list(catalog.frames(plan))
    frame = pd.concat(frames, ignore_index=True)
    frame["release_id"] = frame.pop("release_key").map(ids)
    frame["source"] = "csv"
    # a correction that is certain to be in the period, and a mixed-case spelling of it
    rid = ids[plan.release_key(2)]
    extra = pd.DataFrame(
        {
            "release_id": rid,
            "platform": ["YOUTUBE", "youtube"],
            "metric_type": "views",
            "metric_value": [10**9, 5],
            "recorded_at": [catalog.NOW - timedelta(days=3), catalog.NOW - timedelta(days=2)],
            "value_kind": "total",
            "source": "api",
        }
    )
    # legacy duplicates: same key and time, different values; the newest id must win
    legacy = pd.DataFrame(
        {
            "release_id": rid,
            "platform": ["Spotify", "spotify", "SPOTIFY"],
            "metric_type": "streams",
            "metric_value": [7, 9, 8],
            "recorded_at": catalog.NOW - timedelta(days=100, hours=5),
            "value_kind": "total",
            "source": "legacy",
        }
    )
    result = store.insert_metrics(engine, pd.concat([frame, extra, legacy], ignore_index=True))
    assert result.written == len(frame) + 5
    return plan, ids


def assert_same(fast: pd.DataFrame, naive: pd.DataFrame) -> None:
    assert list(fast.columns) == list(naive.columns)
    assert len(fast) == len(naive)
    fast = fast.reset_index(drop=True)
    naive = naive.reset_index(drop=True)
    for col in fast.columns:
        a, b = fast[col], naive[col]
        if col in ("last_at", "baseline_at"):
            a, b = pd.to_datetime(a, utc=True), pd.to_datetime(b, utc=True)
            assert ((a == b) | (a.isna() & b.isna())).all(), col
        elif col == "bucket":
            assert (pd.to_datetime(a) == pd.to_datetime(b)).all(), col
        else:
            pd.testing.assert_series_equal(a, b, check_dtype=False, check_names=False, obj=col)


@pytest.mark.parametrize("preset", ["90d", "7d"])
def test_release_view_equals_naive(engine, loaded, preset):
    plan, ids = loaded
    period = metrics.period_for(preset, TZ, now=catalog.NOW)
    checked = 0
    for rid in ids.values():
        fast = views.release_view(engine, rid, period, TZ)
        naive = views.naive_release_view(engine, rid, period, TZ)
        assert naive.rows_read == store.count_metrics(engine, rid)
        assert_same(fast.series, naive.series)
        assert_same(fast.baseline, naive.baseline)
        assert_same(fast.current, naive.current)
        assert_same(fast.previous, naive.previous)
        assert_same(fast.kpis, naive.kpis)
        assert_same(fast.bars, naive.bars)
        assert_same(fast.gains, naive.gains)
        checked += len(fast.series)
    assert checked > 0


def test_heavy_release_has_hourly_rows_in_day_buckets(engine, loaded):
    plan, ids = loaded
    rid = ids[plan.release_key(plan.heavy[0])]
    period = metrics.period_for("90d", TZ, now=catalog.NOW)
    view = views.release_view(engine, rid, period, TZ)
    assert view.series["n_rows"].max() >= 20  # ~24 hourly readings per day bucket
    assert set(view.series["platform_key"]) == {"youtube", "spotify", "tiktok"}


def test_legacy_duplicates_and_corrections_agree(engine, loaded):
    plan, ids = loaded
    rid = ids[plan.release_key(2)]
    period = metrics.period_for("90d", TZ, now=catalog.NOW)
    fast = views.release_view(engine, rid, period, TZ)
    naive = views.naive_release_view(engine, rid, period, TZ)
    youtube = fast.current[
        (fast.current["platform_key"] == "youtube") & (fast.current["metric_type"] == "views")
    ]
    assert youtube["corrections"].sum() >= 1  # 10**9 then 5: a drop
    assert_same(fast.current, naive.current)
    before = store.totals_before(engine, [rid], catalog.NOW - timedelta(days=99))
    spotify = before[(before["platform_key"] == "spotify") & (before["metric_type"] == "streams")]
    if not spotify.empty and spotify["baseline_at"].iloc[0] == pd.Timestamp(
        catalog.NOW - timedelta(days=100, hours=5)
    ):
        assert spotify["baseline"].iloc[0] == 8  # the newest id of the tie
    assert_same(
        before,
        views.baseline_in_pandas(
            views.fetch_all_rows(engine, rid), catalog.NOW - timedelta(days=99)
        ),
    )


@pytest.mark.parametrize("metric", ["views", "likes", "streams_daily"])
def test_leaderboard_equals_naive(engine, loaded, metric):
    end = metrics.period_for("7d", TZ, now=catalog.NOW).end
    start = end - timedelta(days=30)
    fast = store.leaderboard(engine, metric, start=start, end=end, limit=50)
    naive = views.naive_leaderboard(engine, metric, start=start, end=end, limit=50)
    assert_same(fast, naive)
    if metric == "views":
        assert len(fast) > 0


def test_series_sum_matches_rows(engine, loaded):
    """Every reading in the period is counted once in exactly one bucket."""
    plan, ids = loaded
    period = metrics.period_for("90d", TZ, now=catalog.NOW)
    series = store.release_series(
        engine, list(ids.values()), start=period.start, end=period.end, bucket="day", tz=TZ
    )
    rows = pd.concat([views.fetch_all_rows(engine, r) for r in ids.values()])
    inside = rows[
        (rows["recorded_at"] >= pd.Timestamp(period.start))
        & (rows["recorded_at"] < pd.Timestamp(period.end))
    ]
    assert int(series["n_rows"].sum()) == len(inside)
    assert int(series["sum_value"].sum()) == int(np.int64(inside["metric_value"].sum()))


def test_each_variant_reads_the_path_it_names(engine, request, loaded):
    """The rollup variant must really read the rollup, the others the readings."""
    last_day = (catalog.NOW - timedelta(days=1)).date()
    period = metrics.period_for(
        "custom", TZ, now=catalog.NOW, start_date=last_day - timedelta(days=89), end_date=last_day
    )
    assert not period.cut
    expected = TZ if request.node.callspec.params["engine"].endswith("rollup") else None
    assert store.rollup_zone_for(engine, period.start, period.end, tz=TZ) == expected
    assert store.rollup_zone_for(engine, period.start + timedelta(hours=1), period.end) is None


def test_a_period_cut_at_now_reads_whole_days_and_counts_what_reading_to_now_counts(
    engine, request, loaded
):
    """ "Last 28 days" at 11:00 ends at now, inside a day: the store reads to the day's end
    (the rollup on PostgreSQL), which counts exactly what [start, now) holds, as nothing is
    recorded after now."""
    now = catalog.NOW + timedelta(hours=10)  # the catalog's newest reading is before NOW
    period = metrics.period_for("28d", TZ, now=now)
    assert period.cut and period.end == now and period.read_end > now
    expected = TZ if request.node.callspec.params["engine"].endswith("rollup") else None
    assert store.rollup_zone_for(engine, period.start, period.read_end, tz=TZ) == expected
    assert store.rollup_zone_for(engine, period.start, period.end, tz=TZ) is None
    keys = ["release_id", "platform_key", "metric_type"]
    with engine.connect() as conn:
        through = store.period_gains(conn, None, start=period.start, end=period.read_end)
        to_now = store.period_gains(conn, None, start=period.start, end=period.end)
    assert len(through) >= 30
    through, to_now = (f.sort_values(keys).reset_index(drop=True) for f in (through, to_now))
    pd.testing.assert_frame_equal(through, to_now, check_dtype=False)
