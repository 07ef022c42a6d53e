"""The forecast on synthetic series whose future is known: the band holds the truth, the
backtest reports what it measured, short or broken series are refused."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from perfdash import metrics
from perfdash.metrics import projection


def _series(gains: np.ndarray, first: str = "2026-01-01") -> pd.Series:
    days = pd.date_range(first, periods=len(gains), freq="D")
    return pd.Series(np.cumsum(gains), index=days)


def _truth(history: int, future: int, daily) -> tuple[pd.Series, np.ndarray]:
    gains = np.array([daily(t) for t in range(history + future)], dtype=float)
    return _series(gains[:history]), np.cumsum(gains)[history:]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_steady_trend_with_noise_stays_inside_the_band(seed):
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 40, 300)
    history, truth = _truth(200, 90, lambda t: 500 + 1.5 * t + noise[t])
    result = metrics.forecast(history, 90)
    points = result.points
    assert len(points) == 90
    assert points["date"].iloc[0] == date(2026, 7, 20)
    inside = (points["low"] <= truth) & (truth <= points["high"])
    assert inside.mean() >= 0.9  # the known trend sits inside the 80 % band
    assert (points["low"] <= points["value"]).all() and (points["value"] <= points["high"]).all()
    assert abs(points["value"].iloc[27] - truth[27]) / (truth[27] - history.iloc[-1]) < 0.15


def test_a_decaying_launch_is_forecast_slowing_down():
    history, truth = _truth(120, 28, lambda t: 50 + 5000 * np.exp(-t / 15))
    result = metrics.forecast(history, 28)
    gains = result.points["gain"].to_numpy()
    assert (np.diff(gains) <= 1e-9).all()  # never speeds up again
    assert (result.points["low"] <= truth).all() and (truth <= result.points["high"]).all()


def test_band_widens_with_the_horizon_and_a_counter_never_falls():
    rng = np.random.default_rng(9)
    history = _series(np.maximum(rng.normal(30, 25, 100), 0))
    points = metrics.forecast(history, 90).points
    width = (points["high"] - points["low"]).to_numpy()
    assert (np.diff(width) >= -1e-9).all()
    assert (points["low"] >= history.iloc[-1]).all()
    assert (points["gain_low"] >= 0).all()
    assert (np.diff(points["value"]) >= 0).all()


def test_backtest_measures_error_and_coverage():
    rng = np.random.default_rng(4)
    history = _series(rng.uniform(0, 1000, 365))
    back = metrics.forecast(history, 7).backtest
    assert back.origins > 300 and back.banded > 200
    assert 0.05 < back.mape_28d < 0.3
    assert 0.7 <= back.band_coverage <= 1.0
    assert back.band_coverage == back.hits / back.banded


def test_gaps_are_filled_by_a_straight_line():
    totals = pd.Series(
        [0.0, 100.0, 400.0], index=pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-05"])
    )
    daily = metrics.daily_totals(totals)
    assert daily.tolist() == [0.0, 100.0, 200.0, 300.0, 400.0]


def test_too_short_a_history_gives_no_forecast():
    assert metrics.forecast(_series(np.ones(projection.MIN_DAYS - 1)), 7) is None
    assert metrics.forecast(pd.Series(dtype="float64"), 7) is None
    assert metrics.forecast(_series(np.ones(projection.MIN_DAYS)), 7) is not None


def test_start_puts_the_points_after_a_stale_last_day():
    history = _series(np.full(60, 10.0))
    last = history.index[-1].date()
    result = metrics.forecast(history, 7, start=last + timedelta(days=5))
    assert result.points["date"].tolist() == [last + timedelta(days=d) for d in range(5, 12)]
    assert result.points["value"].iloc[0] == pytest.approx(history.iloc[-1] + 50)
    with pytest.raises(ValueError, match="days past the newest number"):
        metrics.forecast(history, 7, start=last + timedelta(days=projection.MAX_HORIZON))


def test_reaching_a_target():
    history = _series(np.full(60, 100.0))
    result = metrics.forecast(history, 90)
    hit = result.reaching(history.iloc[-1] + 1000)
    assert hit["likely"] == result.last_day + timedelta(days=10)
    assert hit["soonest"] <= hit["likely"] <= hit["latest"]
    assert result.reaching(1e12) == {"likely": None, "soonest": None, "latest": None}


def test_an_audience_may_fall():
    gains = np.concatenate([[10000.0], np.full(40, 50.0), np.full(40, -20.0)])
    history = _series(gains)
    result = metrics.forecast(history, 28, counter=False)
    assert result.points["value"].iloc[-1] < history.iloc[-1]
