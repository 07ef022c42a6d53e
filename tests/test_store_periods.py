"""Dashboard queries (period gains, leaderboard, record pages) on SQLite and PostgreSQL.

Every expected number below is worked out by hand from the rows the test writes.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from perfdash import store


def T(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _write(engine, rows) -> None:
    store.insert_metrics(
        engine,
        [
            dict(
                release_id=r,
                platform=p,
                metric_type=m,
                metric_value=v,
                recorded_at=t,
                value_kind=k,
                notes=n,
            )
            for r, p, m, v, t, k, n in rows
        ],
    )


@pytest.fixture
def catalog(engine):
    a = store.create_release(engine, "rel-a", title="Neon Tides", artist_name="Nova Vale")
    b = store.create_release(engine, "rel-b", title="Glass Horizon", artist_name="Lumen Drift")
    c = store.create_release(engine, "rel-c", title="Quiet", artist_name="Nobody")
    rows = [
        # a, YouTube views (totals): baseline 100 before the period, a correction inside it
        (a, "YouTube", "views", 100, T(2026, 1, 5), "total", None),
        (a, "YouTube", "views", 300, T(2026, 1, 10), "total", None),
        (a, "youtube", "views", 250, T(2026, 1, 11), "total", "=cmd|' /C calc'!A0"),
        (a, "YouTube", "views", 400, T(2026, 1, 15), "total", None),
        (a, "YouTube", "views", 999, T(2026, 2, 1), "total", None),  # after the period
        # a, Spotify streams: no reading before the period -> grows from its first reading
        (a, "Spotify", "streams", 50, T(2026, 1, 12), "total", None),
        (a, "Spotify", "streams", 80, T(2026, 1, 14), "total", None),
        # a, TikTok views as per-day counts: 5 before, 7 + 8 inside
        (a, "TikTok", "views", 5, T(2026, 1, 8), "period", None),
        (a, "TikTok", "views", 7, T(2026, 1, 10), "period", None),
        (a, "TikTok", "views", 8, T(2026, 1, 11), "period", None),
        # b, YouTube views: 1000 -> 1900 inside
        (b, "YouTube", "views", 1000, T(2026, 1, 1), "total", None),
        (b, "YouTube", "views", 1500, T(2026, 1, 12), "total", None),
        (b, "YouTube", "views", 1900, T(2026, 1, 19), "total", None),
        # c: only a reading before the period
        (c, "YouTube", "views", 70, T(2026, 1, 2), "total", None),
    ]
    _write(engine, rows)
    return {"a": a, "b": b, "c": c}


START, END = T(2026, 1, 10), T(2026, 1, 20)


def _by_key(frame):
    return {
        (r.release_id, r.platform_key, r.metric_type): (r.gain, r.total, r.corrections, r.n_rows)
        for r in frame.itertuples()
    }


def test_period_gains_hand_computed(engine, catalog):
    a, b, c = catalog["a"], catalog["b"], catalog["c"]
    got = _by_key(store.period_gains(engine, [a, b, c], start=START, end=END))
    assert got == {
        # 400 - 100 = 300; one drop (300 -> 250); 3 readings in the period
        (a, "youtube", "views"): (300, 400, 1, 3),
        # no baseline: 80 - 50
        (a, "spotify", "streams"): (30, 80, 0, 2),
        # per-period counts: 7 + 8 gained, 5 + 7 + 8 to date
        (a, "tiktok", "views"): (15, 20, 0, 2),
        (b, "youtube", "views"): (900, 1900, 0, 2),
        # nothing in the period: gain 0, total is the last known one
        (c, "youtube", "views"): (0, 70, 0, 0),
    }


def test_period_gains_filters_and_all_time(engine, catalog):
    a = catalog["a"]
    only = store.period_gains(
        engine, [a], start=START, end=END, metric_types=["views"], platforms=["YOUTUBE"]
    )
    assert _by_key(only) == {(a, "youtube", "views"): (300, 400, 1, 3)}
    # all time up to Jan 20: YouTube grew from its first reading (100) to 400
    everything = _by_key(store.period_gains(engine, [a], end=END, metric_types=["views"]))
    assert everything[(a, "youtube", "views")] == (300, 400, 1, 4)
    assert everything[(a, "tiktok", "views")] == (20, 20, 0, 3)
    # a period before anything was recorded
    assert store.period_gains(engine, [a], start=T(2025, 1, 1), end=T(2025, 2, 1)).empty
    # the whole catalog when no release is named
    catalog_wide = store.period_gains(engine, None, start=START, end=END, metric_types=["views"])
    assert set(catalog_wide["release_id"]) == {a, catalog["b"], catalog["c"]}


def test_leaderboard_orders_by_gain_and_limits(engine, catalog):
    a, b = catalog["a"], catalog["b"]
    board = store.leaderboard(engine, "views", start=START, end=END, limit=10)
    # a: 300 (YouTube) + 15 (TikTok); b: 900; c has no reading in the period -> left out
    assert board[["release_id", "gain", "total"]].values.tolist() == [
        [b, 900, 1900],
        [a, 315, 420],
    ]
    assert board.iloc[0]["title"] == "Glass Horizon"
    assert board.iloc[0]["release_key"] == "rel-b"
    assert board.iloc[1]["platforms"] == 2
    top1 = store.leaderboard(engine, "views", start=START, end=END, limit=1)
    assert top1["release_id"].tolist() == [b]
    youtube_only = store.leaderboard(engine, "views", start=START, end=END, platforms=["tiktok"])
    assert youtube_only[["release_id", "gain"]].values.tolist() == [[a, 15]]
    assert store.leaderboard(engine, "nothing", start=START, end=END).empty


def test_metric_records_page_sort_and_count(engine, catalog):
    a = catalog["a"]
    kwargs = dict(start=START, end=END, metric_types=["views"])
    assert store.count_records(engine, [a], **kwargs) == 5
    page1 = store.metric_records(engine, [a], **kwargs, sort=[("metric_value", "desc")], limit=2)
    assert page1["metric_value"].tolist() == [400, 300]
    page2 = store.metric_records(
        engine, [a], **kwargs, sort=[("metric_value", "desc")], offset=2, limit=2
    )
    assert page2["metric_value"].tolist() == [250, 8]
    newest = store.metric_records(engine, [a], **kwargs)
    assert newest["recorded_at"].tolist()[0] == T(2026, 1, 15)
    assert newest["release"].unique().tolist() == ["Neon Tides"]
    by_platform = store.metric_records(
        engine, [a], **kwargs, sort=[("platform", "asc"), ("recorded_at", "asc")]
    )
    assert [p.lower() for p in by_platform["platform"]] == ["tiktok"] * 2 + ["youtube"] * 3
    assert "=cmd|' /C calc'!A0" in by_platform["notes"].tolist()
    with pytest.raises(store.InvalidValueError, match="sort"):
        store.metric_records(engine, [a], sort=[("metric_value; DROP TABLE x", "asc")])
    with pytest.raises(store.InvalidValueError):
        store.metric_records(engine, [a], sort=[("metric_value", "sideways")])
    assert store.count_records(engine, [a], platforms=["nowhere"]) == 0
    assert store.metric_records(engine, [a], platforms=["nowhere"]).empty


def test_total_drops_finds_a_correction_inside_a_bucket(engine, catalog):
    a = catalog["a"]
    drops = store.total_drops(engine, [a], start=START, end=END, bucket="month", tz="UTC")
    assert drops[["platform_key", "metric_value", "previous_value"]].values.tolist() == [
        ["youtube", 250, 300]
    ]
    assert drops["bucket"].tolist() == [pd.Timestamp("2026-01-01")]
    assert drops["recorded_at"].tolist() == [T(2026, 1, 11)]
    # the reading it fell from may be before the period; after it, nothing
    assert len(store.total_drops(engine, [a], start=T(2026, 1, 11), end=END)) == 1
    assert store.total_drops(engine, [a], start=T(2026, 1, 12), end=END).empty
    # per-period counts that go down (7 then 3) are not corrections
    _write(engine, [(a, "TikTok", "views", 3, T(2026, 1, 12), "period", None)])
    assert store.total_drops(engine, [a], end=END, platforms=["tiktok"]).empty
    assert store.total_drops(engine, [catalog["b"]], end=END).empty


BIG = 2**63 - 1


def test_period_gains_and_leaderboard_stay_exact_past_2_63(engine):
    """A total at the documented maximum before the period and another platform's small
    reading inside it (the dashboard's crash): exact ints and a missing baseline; and a
    leaderboard whose sum over platforms passes 2^63 - 1 (SQLite's sum() would stop with
    "integer overflow", int64 would wrap, float64 would round) and still sorts first."""
    top = store.create_release(engine, "rel-max", title="Max")
    big = store.create_release(engine, "rel-big", title="Big")
    small = store.create_release(engine, "rel-small", title="Small")
    _write(
        engine,
        [
            (top, "YouTube", "views", BIG, T(2026, 1, 1), "total", None),
            (top, "Spotify", "views", 5, T(2026, 1, 20), "total", None),
            (big, "YouTube", "views", 0, T(2026, 1, 1), "total", None),
            (big, "YouTube", "views", BIG, T(2026, 1, 20), "total", None),
            (big, "Spotify", "views", 5, T(2026, 1, 20), "total", None),
            (big, "Spotify", "views", 9, T(2026, 1, 21), "total", None),
            (small, "YouTube", "views", 10, T(2026, 1, 1), "total", None),
            (small, "YouTube", "views", 30, T(2026, 1, 20), "total", None),
        ],
    )
    frame = store.period_gains(engine, [top], start=T(2026, 1, 10), end=T(2026, 1, 31))
    rows = {r.platform_key: r for r in frame.itertuples()}
    assert int(rows["youtube"].total) == BIG and int(rows["youtube"].baseline) == BIG
    assert int(rows["youtube"].gain) == 0
    assert int(rows["spotify"].total) == 5 and pd.isna(rows["spotify"].baseline)

    period = store.leaderboard(engine, "views", start=T(2026, 1, 10), end=T(2026, 1, 31))
    assert period["release_key"].tolist() == ["rel-big", "rel-small", "rel-max"]
    assert period["gain"].tolist() == [BIG + 4, 20, 0]
    assert period["total"].tolist() == [BIG + 9, 30, 5]

    board = store.leaderboard(engine, "views", end=T(2026, 1, 31))
    assert board["total"].tolist() == [BIG + 9, 30, BIG + 5]
