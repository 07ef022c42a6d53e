"""metrics.staleness: the newest number's time and source, each release's collection schedule,
and when its numbers are stale — pure functions over hand-built times.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from perfdash import metrics


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
