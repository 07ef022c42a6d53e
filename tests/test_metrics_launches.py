"""metrics.launches: releases aligned by days since launch, against the median launch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from daily_series import series

from perfdash import metrics


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
