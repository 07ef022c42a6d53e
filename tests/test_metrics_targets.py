"""A goal's progress from hand-made totals: reached, missed, on track, off track."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from perfdash import metrics


def _totals(first: str, per_day: float, days: int, start: float = 0.0) -> pd.Series:
    index = pd.date_range(first, periods=days, freq="D")
    return pd.Series(start + per_day * np.arange(1, days + 1), index=index)


TODAY = date(2026, 3, 1)


def test_reached_names_the_day():
    totals = _totals("2026-01-01", 1000, 59)  # 59,000 by 2026-02-28
    p = metrics.goal_progress(target=30_000, totals=totals, today=TODAY, due_on=date(2026, 6, 1))
    assert p.status == "reached" and p.reached_on == date(2026, 1, 30)
    assert p.share == 1.0 and "reached on 2026-01-30" in p.text()


def test_on_and_off_track_from_the_forecast():
    totals = _totals("2026-01-01", 1000, 59)
    found = metrics.forecast(totals, 120, start=TODAY + timedelta(days=1))
    on = metrics.goal_progress(
        target=100_000, totals=totals, today=TODAY, due_on=date(2026, 4, 30), forecast=found
    )
    assert on.status == "on track"
    assert abs((on.likely - date(2026, 4, 11)).days) <= 2  # 41,000 more at 1,000 a day
    assert on.soonest <= on.likely <= (on.latest or on.likely)
    off = metrics.goal_progress(
        target=100_000, totals=totals, today=TODAY, due_on=date(2026, 3, 20), forecast=found
    )
    assert off.status == "off track" and "off track, projected" in off.text()
    assert round(off.share, 2) == 0.59


def test_missed_and_without_a_forecast():
    totals = _totals("2026-01-01", 10, 59)
    missed = metrics.goal_progress(
        target=10_000, totals=totals, today=TODAY, due_on=date(2026, 2, 1)
    )
    assert missed.status == "missed" and missed.current == 320  # 32 days by 2026-02-01
    none = metrics.goal_progress(target=10_000, totals=totals, today=TODAY, due_on=date(2026, 5, 1))
    assert none.status == "no forecast"


def test_first_days_count_from_the_launch():
    # 5,000 before the launch (an older version), then 1,000 a day from 2026-02-01
    before = _totals("2026-01-01", 0, 31, start=5000)
    after = _totals("2026-02-01", 1000, 28, start=5000)
    totals = pd.concat([before, after])
    p = metrics.goal_progress(
        target=10_000, totals=totals, today=TODAY, first_days=14, launch=date(2026, 2, 1)
    )
    assert p.baseline == 5000 and p.ends == date(2026, 2, 14)
    assert p.status == "reached" and p.reached_on == date(2026, 2, 10)
    short = metrics.goal_progress(
        target=100_000, totals=totals, today=TODAY, first_days=14, launch=date(2026, 2, 1)
    )
    assert short.status == "missed" and short.current == 14_000
