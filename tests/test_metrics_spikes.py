"""metrics.spikes: the spike rule behind alerts, over hand-built series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from daily_series import series

from perfdash import metrics
from perfdash.metrics import SpikeRule, detect_spikes


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
