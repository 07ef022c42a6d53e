"""Spike detection, launch alignment and freshness: pure functions over hand-built series."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from perfdash import metrics
from perfdash.metrics import SpikeRule, detect_spikes


def series(
    daily: list[float] | np.ndarray,
    *,
    start: str = "2026-01-01",
    days: list[int] | None = None,
    release_id: int = 1,
    platform: str = "youtube",
    metric: str = "views",
) -> pd.DataFrame:
    """A store.release_series-shaped frame of lifetime totals from daily gains.

    ``days`` are the day offsets that have a reading (missing ones are gaps); the total at a
    reading includes every gain up to that day.
    """
    totals = np.cumsum(np.asarray(daily, dtype="float64")).astype("int64")
    offsets = list(range(len(totals))) if days is None else days
    buckets = pd.Timestamp(start) + pd.to_timedelta(offsets, unit="D")
    return pd.DataFrame(
        {
            "release_id": release_id,
            "platform_key": platform,
            "metric_type": metric,
            "value_kind": "total",
            "bucket": buckets,
            "last_value": totals[offsets],
            "sum_value": totals[offsets],
            "n_rows": 1,
            "last_at": pd.to_datetime(buckets).tz_localize("UTC"),
        }
    )


def spikes_of(frame: pd.DataFrame, rule: SpikeRule | None = None) -> pd.DataFrame:
    return detect_spikes(metrics.totals_and_gains(frame), rule)


def noisy_steady(n: int, level: float = 1000, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return level * (1 + 0.12 * np.sin(2 * np.pi * t / 7)) * rng.lognormal(0, 0.15, n)


def test_a_spike_is_found_once_at_its_first_day_with_its_peak():
    daily = noisy_steady(60)
    daily[40] += 50_000
    daily[41] += 30_000
    found = spikes_of(series(daily))
    assert len(found) == 1
    row = found.iloc[0]
    assert row["day"] == pd.Timestamp("2026-02-10")  # day 40
    assert row["days"] == 2  # day 41 is the same episode
    assert row["peak_day"] == pd.Timestamp("2026-02-10")
    assert row["gain"] == pytest.approx(daily[40], abs=1)
    assert 800 < row["baseline"] < 1300
    assert row["ratio"] > 40


def test_steady_and_accelerating_growth_is_not_flagged():
    assert spikes_of(series(noisy_steady(200))).empty
    linear = np.linspace(100, 5000, 120)
    assert spikes_of(series(linear)).empty
    # 8 % more every day: fast, but steady, growth
    exponential = 200 * 1.08 ** np.arange(90)
    assert spikes_of(series(exponential)).empty


def test_launch_peak_then_decay_is_not_flagged():
    t = np.arange(120)
    daily = 2000 * (0.15 + np.exp(-t / 20)) * noisy_steady(120, 1.0)
    assert spikes_of(series(daily)).empty


def test_a_correction_is_not_a_spike_and_does_not_hide_the_next_one():
    daily = noisy_steady(60)
    daily[20] = -30_000  # the platform took views back
    assert spikes_of(series(daily)).empty
    daily[30] += 40_000
    found = spikes_of(series(daily))
    assert found["day"].tolist() == [pd.Timestamp("2026-01-31")]


def test_a_gap_is_spread_over_its_days_not_mistaken_for_a_spike():
    daily = noisy_steady(60)
    days = [d for d in range(60) if not 30 <= d < 38]  # 8 days without a reading
    assert spikes_of(series(daily, days=days)).empty
    # a real spike right after a short gap is still one (days 30-32 missing)
    daily[33] += 80_000
    days = [d for d in range(60) if not 30 <= d < 33]
    found = spikes_of(series(daily, days=days))
    assert found["day"].tolist() == [pd.Timestamp("2026-02-03")]
    assert found.iloc[0]["gain"] == pytest.approx(daily[30:34].sum() / 4, abs=1)


def test_a_brand_new_release_is_not_judged():
    daily = [10, 20, 5000, 40_000, 60_000]  # five days old: too little history
    assert spikes_of(series(daily)).empty
    rule = SpikeRule(min_history=7)
    # 7 known daily gains (the first reading has none), then a jump: judged
    daily = list(noisy_steady(8)) + [90_000]
    assert len(spikes_of(series(daily), rule)) == 1


def test_small_counts_stay_under_the_absolute_floor_and_rule_is_configurable():
    daily = [0] * 30 + [40]  # from 0 to 40 comments: a huge ratio, but small
    assert spikes_of(series(daily)).empty
    found = spikes_of(series(daily), SpikeRule(min_gain=10))
    assert len(found) == 1 and found.iloc[0]["ratio"] == float("inf")
    daily = noisy_steady(60)
    daily[45] *= 4  # 4x: below the default factor of 5, above a factor of 3
    assert spikes_of(series(daily)).empty
    assert len(spikes_of(series(daily), SpikeRule(factor=3))) == 1
    with pytest.raises(ValueError, match="factor"):
        SpikeRule(factor=1)


def test_series_are_judged_separately_per_platform():
    calm = series(noisy_steady(60), platform="spotify")
    daily = noisy_steady(60, level=50)
    daily[50] += 9000
    viral = series(daily, platform="tiktok")
    found = spikes_of(pd.concat([calm, viral], ignore_index=True))
    assert found[["platform_key", "day"]].values.tolist() == [
        ["tiktok", pd.Timestamp("2026-02-20")]
    ]


def combined(release_id: int, start: str, daily: list[float]) -> pd.DataFrame:
    frame = series(daily, start=start, release_id=release_id)
    return metrics.combine_platforms(metrics.totals_and_gains(frame))


def test_launches_are_aligned_by_days_since_launch_and_compared_with_the_median():
    frames = pd.concat(
        [
            combined(1, "2026-01-01", [100] * 40),
            combined(2, "2026-03-10", [200] * 40),
            combined(3, "2026-05-05", [300] * 40),
            combined(4, "2026-07-01", [600] * 5),  # five days old
        ],
        ignore_index=True,
    )
    day0 = {
        1: pd.Timestamp("2026-01-01"),
        2: pd.Timestamp("2026-03-10"),
        3: pd.Timestamp("2026-05-05"),
        4: pd.Timestamp("2026-07-01"),
    }
    aligned = metrics.align_launches(frames, day0, horizon=28)
    assert aligned.groupby("release_id")["day"].agg(["min", "max"]).values.tolist() == [
        [0, 27],
        [0, 27],
        [0, 27],
        [0, 4],
    ]
    # the first reading counted from zero at launch: its gain is its total
    first = aligned[aligned["day"] == 0].set_index("release_id")["gain"].to_dict()
    assert first == {1: 100, 2: 200, 3: 300, 4: 600}
    median = metrics.median_launch_curve(aligned, "total")
    day7 = median[median["day"] == 7].iloc[0]
    assert day7["median"] == 1600 and day7["n"] == 3  # totals 800, 1600, 2400
    comp = metrics.compare_to_median(aligned, median, 3, day=7)
    assert comp.day == 7 and comp.pct == pytest.approx(50.0)
    assert comp.text() == "ahead of the median launch by 50% at day 7"
    assert (
        metrics.compare_to_median(aligned, median, 1, day=7)
        .text()
        .startswith("behind the median launch by 50%")
    )
    # a young release is compared at its newest day
    young = metrics.compare_to_median(aligned, median, 4, day=7)
    assert young.day == 4
    assert young.value == 3000 and young.median == pytest.approx(np.median([500, 1000, 1500, 3000]))


def test_freshness_states_time_source_zone_and_staleness():
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    fresh = metrics.freshness(
        pd.Timestamp("2026-03-10 06:30", tz="UTC"), "collector", "Europe/Berlin", now=now
    )
    assert not fresh.stale
    assert fresh.text() == "Newest number 2026-03-10 07:30 (Europe/Berlin), collector"
    old = metrics.freshness(datetime(2026, 3, 5, tzinfo=UTC), "csv", "UTC", now=now)
    assert old.stale and old.text().endswith(
        "CSV import — stale: 5.5 days old (its schedule allows 2.0 days)"
    )
    assert metrics.freshness(None, None, "UTC", now=now).text() == "No numbers recorded yet"
    tight = metrics.freshness(
        datetime(2026, 3, 10, 6, tzinfo=UTC), "api", "UTC", now=now, stale_after_hours=2
    )
    assert tight.stale


def hours_apart(*offsets: float, start: str = "2026-03-01 06:00") -> list[pd.Timestamp]:
    return [pd.Timestamp(start, tz="UTC") + pd.Timedelta(hours=h) for h in offsets]


def test_collection_interval_is_the_median_of_recent_runs():
    hourly = hours_apart(*range(30))
    assert metrics.collection_interval_hours(hourly) == pytest.approx(1.0)
    daily = hours_apart(*(24 * d for d in range(20)))
    # any order, duplicates (several platforms at the same moment) count once
    assert metrics.collection_interval_hours(daily[::-1] + daily) == pytest.approx(24.0)
    # irregular: a week-long outage and an extra manual reading do not move the median
    irregular = hours_apart(0, 24, 48, 72, 240, 264, 270, 288, 312, 336)
    assert metrics.collection_interval_hours(irregular) == pytest.approx(24.0)
    # naive times are UTC; strings are read too
    assert metrics.collection_interval_hours(
        ["2026-03-01 00:00", "2026-03-01 06:00", datetime(2026, 3, 1, 12)]
    ) == pytest.approx(6.0)


def test_collection_interval_needs_enough_runs():
    assert metrics.collection_interval_hours([]) is None
    assert metrics.collection_interval_hours(hours_apart(0)) is None
    assert metrics.collection_interval_hours(hours_apart(0, 24)) is None  # one interval
    assert metrics.collection_interval_hours(hours_apart(0, 24, 48)) == pytest.approx(24.0)
    assert metrics.collection_interval_hours([pd.NaT, None]) is None


def test_readings_minutes_apart_are_one_run_and_only_recent_runs_count():
    # a daily import writing each platform a few seconds/minutes apart is one run a day
    runs = []
    for day in range(6):
        runs += hours_apart(24 * day, 24 * day + 0.001, 24 * day + 0.05)
    assert metrics.collection_interval_hours(runs) == pytest.approx(24.0, abs=0.1)
    # daily for a month, then hourly: the newest 10 runs say hourly
    switched = hours_apart(*(24 * d for d in range(30)), *(24 * 29 + h for h in range(1, 11)))
    assert metrics.collection_interval_hours(switched) == pytest.approx(1.0)


def test_stale_rule_follows_the_schedule_with_a_floor_and_a_fallback():
    rule = metrics.StaleRule(fallback_hours=48)
    assert rule.stale_after_hours(1.0) == 2.0
    assert rule.stale_after_hours(24.0) == 48.0
    assert rule.stale_after_hours(0.25) == 1.0  # floor: every 15 min is not stale after 30 min
    assert rule.stale_after_hours(None) == 48
    assert metrics.StaleRule(fallback_hours=6).stale_after_hours(None) == 6
    for bad in ({"fallback_hours": 0}, {"factor": 0.5}, {"min_runs": 1}, {"floor_hours": -1}):
        with pytest.raises(ValueError):
            metrics.StaleRule(**bad)

    times = pd.DataFrame(
        {
            "release_id": [1] * 5 + [2] * 5 + [3],
            "recorded_at": hours_apart(*range(5))
            + hours_apart(*(24 * d for d in range(5)))
            + hours_apart(0),
        }
    )
    assert metrics.stale_hours_by_release(times, [1, 2, 3, 4], rule) == {
        1: 2.0,  # hourly
        2: 48.0,  # daily
        3: 48,  # one reading: fallback
        4: 48,  # no readings: fallback
    }


def test_kpi_freshness_per_metric_judges_each_release_by_its_schedule():
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    newest = pd.DataFrame(
        {
            "release_id": [1, 2, 1, 1],
            "metric_type": ["views", "views", "likes", "saves"],
            "newest_at": pd.to_datetime(
                ["2026-03-10 11:00", "2026-03-10 06:00", "2026-03-10 08:00", "2026-03-05 12:00"],
                utc=True,
            ),
            "source": ["collector", "csv", "collector", "manual"],
        }
    )
    hourly = {1: 2.0, 2: 48.0}  # release 1 collected hourly, release 2 daily
    cards = metrics.freshness_by_metric(newest, hourly, "Europe/Berlin", now=now)
    assert sorted(cards) == ["likes", "saves", "views"]
    views = cards["views"]
    assert not views.stale and views.of == 2
    assert views.short_text() == "Newest 2026-03-10 12:00 (Europe/Berlin), collector"
    likes = cards["likes"]  # 4 hours old, release 1 is hourly: stale
    assert likes.stale and likes.stale_after_hours == 2.0
    assert likes.text().endswith("collector — stale: 4 h old (its schedule allows 2 h)")
    saves = cards["saves"]
    assert saves.stale and saves.short_text().endswith("(Europe/Berlin), entered by hand")
    # the same 4-hour-old likes of a daily release are fresh
    assert not metrics.freshness_by_metric(newest, {1: 48.0}, "UTC", now=now)["likes"].stale

    # a number summing two releases is stale when one of them is, and says how many
    newest.loc[1, "newest_at"] = pd.Timestamp("2026-03-06 12:00", tz="UTC")
    views = metrics.freshness_by_metric(newest, hourly, "UTC", now=now)["views"]
    assert views.stale and (views.stale_count, views.of) == (1, 2)
    assert views.text() == (
        "Newest number 2026-03-10 11:00 (UTC), collector — 1 of 2 releases stale "
        "(up to 4.0 days old)"
    )
    assert metrics.freshness_by_metric(newest.iloc[0:0], hourly, "UTC", now=now) == {}


def test_stale_hours_setting_is_the_fallback_and_bad_values_name_it():
    from perfdash.config import ConfigError, load_settings

    assert load_settings({}).stale_rule.fallback_hours == 48
    rule = load_settings({"PERFDASH_STALE_HOURS": "6"}).stale_rule
    assert rule.stale_after_hours(None) == 6 and rule.stale_after_hours(24) == 48
    for bad in ("soon", "0", "-3"):
        with pytest.raises(ConfigError, match="PERFDASH_STALE_HOURS"):
            load_settings({"PERFDASH_STALE_HOURS": bad})
