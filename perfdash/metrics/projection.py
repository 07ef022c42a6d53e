"""A forecast of a lifetime total: the next days' gains from a damped trend, with an 80 % band.

The method, in full (simple on purpose, so a person can check it):

1. The series is a release's total at the end of each local day.  Days without a reading are
   filled by a straight line between the readings around them; the daily gain is the day's
   total minus the day before's.
2. Holt's linear method with a damped trend runs over the daily gains with fixed smoothing
   weights (``ALPHA`` for the level, ``BETA`` for the trend, ``PHI`` the damping), so a launch
   that is slowing down keeps slowing down and a long tail stays flat.  The gain forecast ``k``
   days ahead is ``level + (PHI + PHI^2 + ... + PHI^k) * trend``; a counter's is never below 0.
   The forecast total is the last total plus the forecast gains added up.
3. The band comes from the series' own history: the method is run from every earlier day (it
   only ever sees the days before), and its errors at each horizon (``h`` days ahead) give the
   band: their mean plus and minus Student's t (90th percentile) times their spread, where
   ``n`` forecasts ``h`` days ahead count as ``n / h`` independent ones (neighbouring days'
   forecasts share most of their days), so a short history gets a wide band.  For a counter the errors are ratios (``log(1 + actual) -
   log(1 + forecast)`` of the gain added up over ``h`` days), so a big release's band is as wide
   in proportion as a small one's; a total that moves both ways (an audience) uses differences.
   A horizon with fewer than ``MIN_ORIGINS`` past cases widens the last well-measured horizon's
   band by ``sqrt(h / h0)``.
4. The backtest states how trustworthy that is for this series: from each earlier day, the
   28-day gain forecast against what happened (``mape_28d``: the mean absolute error as a
   fraction of the actual gain) and how often the 80 % band, built only from errors known by that
   day, held the outcome (``band_coverage``, which should be near 0.8).

statsmodels' ExponentialSmoothing would fit the weights per series; the fixed weights are what
``benchmarks/forecast_backtest.py`` measured over the demo and benchmark catalogs
(docs/numbers.md), and need no optimiser that can fail to converge on a short series.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

ALPHA, BETA, PHI = 0.2, 0.05, 0.9
WARMUP = 7  # gains the level needs before a forecast from that day counts
MIN_ORIGINS = 8  # past forecasts a horizon's band needs to be measured
OVERLAP = 1.0  # n forecasts h days ahead count as n / h**OVERLAP independent ones
MIN_DAYS = WARMUP + MIN_ORIGINS + 2  # days of totals before any forecast
HISTORY_DAYS = 365  # the days the method and its band look at
BACKTEST_HORIZON = 28
MAX_HORIZON = 400
METHOD = (
    f"damped trend on daily gains (Holt, alpha={ALPHA}, beta={BETA}, phi={PHI}); "
    f"80% band from this series' own backtest errors at each horizon"
)


@dataclass(frozen=True)
class Backtest:
    """How the method did on this series' past: ``None`` where the history was too short."""

    mape_28d: float | None
    band_coverage: float | None
    origins: int  # forecasts from earlier days whose 28-day outcome is known
    hits: int  # of those with a band, how many the band held
    banded: int  # of those, how many had a band (enough earlier errors)


@dataclass(frozen=True)
class Forecast:
    """Day by day after ``last_day``: the forecast total (``value``) and its 80 % band, the
    forecast gain of each day and its band."""

    last_day: date
    last_total: float
    points: pd.DataFrame  # date, value, low, high, gain, gain_low, gain_high
    method: str
    backtest: Backtest

    def between(self, first: date, last: date) -> pd.DataFrame:
        """The points from ``first`` to ``last`` (both included)."""
        days = self.points["date"]
        return self.points[(days >= first) & (days <= last)].reset_index(drop=True)

    def reaching(self, target: float) -> dict[str, date | None]:
        """The first day the forecast total (and its band's high and low edges) reaches
        ``target``: ``likely``, ``soonest`` and ``latest``; None past the forecast's end."""
        out: dict[str, date | None] = {}
        for name, column in (("likely", "value"), ("soonest", "high"), ("latest", "low")):
            hit = self.points[self.points[column] >= target]
            out[name] = None if hit.empty else hit["date"].iloc[0]
        return out


def daily_totals(totals: pd.Series) -> pd.Series:
    """Totals by local day (a Series indexed by day) as a gap-free daily series: a missing day
    takes the straight line between the readings around it."""
    clean = totals.dropna()
    if clean.empty:
        return clean.astype("float64")
    clean.index = pd.to_datetime(clean.index).normalize()
    clean = clean.groupby(level=0).last().sort_index().astype("float64")
    days = pd.date_range(clean.index[0], clean.index[-1], freq="D")
    return clean.reindex(days).interpolate(method="time")


def _holt(gains: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Level and trend after each gain (each from that gain and the ones before only)."""
    level = np.empty(len(gains))
    trend = np.empty(len(gains))
    lvl = float(np.mean(gains[:WARMUP])) if len(gains) else 0.0
    trd = 0.0
    for i, g in enumerate(gains):
        new = ALPHA * g + (1 - ALPHA) * (lvl + PHI * trd)
        trd = BETA * (new - lvl) + (1 - BETA) * PHI * trd
        lvl = new
        level[i], trend[i] = lvl, trd
    return level, trend


def _paths(level: np.ndarray, trend: np.ndarray, horizon: int, counter: bool) -> np.ndarray:
    """Forecast daily gains 1..horizon days ahead from each state: one row per state."""
    damp = np.cumsum(PHI ** np.arange(1, horizon + 1))
    gains = level[:, None] + trend[:, None] * damp[None, :]
    return np.maximum(gains, 0.0) if counter else gains


def _errors(actual: np.ndarray, forecast: np.ndarray, counter: bool) -> np.ndarray:
    if counter:
        return np.log1p(np.maximum(actual, 0.0)) - np.log1p(np.maximum(forecast, 0.0))
    return actual - forecast


def _apply(forecast: np.ndarray, low_q: np.ndarray, high_q: np.ndarray, counter: bool):
    if counter:
        base = np.log1p(np.maximum(forecast, 0.0))
        return np.expm1(base + low_q), np.expm1(base + high_q)
    return forecast + low_q, forecast + high_q


def _t90(df: float) -> float:
    """Student's t 90th percentile (Cornish-Fisher; within 1 % from 2 degrees of freedom)."""
    z = 1.2815515655446004
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def _edges(errors: np.ndarray, h: int) -> tuple[float, float]:
    """The 80 % band of the next error from past errors ``h`` days ahead: their mean plus and
    minus Student's t times their spread.  Forecasts from neighbouring days share most of their
    ``h`` days, so ``n`` of them count as ``n / h`` independent ones (at least 2): a short
    history gives a wide band instead of an overconfident one."""
    n_eff = max(len(errors) / h**OVERLAP, 2.0)
    half = _t90(n_eff - 1) * float(np.std(errors, ddof=1)) * np.sqrt(1 + 1 / n_eff)
    centre = float(np.mean(errors))
    return centre - half, centre + half


def _quantiles(errors: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """The band's edges per horizon 1..horizon from a (origins x horizons) error matrix with
    NaN where the outcome is not known; thin horizons widen the last measured one's."""
    low = np.full(horizon, np.nan)
    high = np.full(horizon, np.nan)
    measured = 0
    for h in range(min(horizon, errors.shape[1])):
        col = errors[:, h]
        col = col[~np.isnan(col)]
        if len(col) < MIN_ORIGINS:
            break
        low[h], high[h] = _edges(col, h + 1)
        measured = h + 1
    if measured == 0:
        return low, high
    low = np.minimum.accumulate(np.fmin(low, 0.0))  # a band never narrows further out
    high = np.maximum.accumulate(np.fmax(high, 0.0))
    if measured < horizon:
        grow = np.sqrt(np.arange(measured + 1, horizon + 1) / measured)
        low[measured:] = low[measured - 1] * grow
        high[measured:] = high[measured - 1] * grow
    return low, high


def _outcomes(values: np.ndarray, horizon: int, cumulative: bool) -> np.ndarray:
    """(origins x horizons) actual gain added up to h days (or the h-th day's gain) after each
    origin; NaN past the series' end."""
    n = len(values)
    out = np.full((n, horizon), np.nan)
    for h in range(1, horizon + 1):
        if h >= n:
            break
        if cumulative:
            out[: n - h, h - 1] = values[h:] - values[:-h]
        else:
            out[: n - h, h - 1] = values[h:]
    return out


def _backtest(
    totals: np.ndarray, cumulative: np.ndarray, counter: bool, horizon: int = BACKTEST_HORIZON
) -> Backtest:
    """The 28-day gain forecast from each earlier day against what happened, and the band built
    only from errors whose outcome was known on that day."""
    actual = _outcomes(totals, horizon, cumulative=True)[WARMUP:, horizon - 1]
    predicted = cumulative[WARMUP:, horizon - 1]
    known = ~np.isnan(actual)
    actual, predicted = actual[known], predicted[known]
    if not len(actual):
        return Backtest(None, None, 0, 0, 0)
    positive = actual > 0
    mape = (
        float(np.mean(np.abs(predicted[positive] - actual[positive]) / actual[positive]))
        if positive.any()
        else None
    )
    errors = _errors(actual, predicted, counter)
    hits = banded = 0
    for i in range(len(actual)):
        past = errors[: max(0, i - horizon + 1)]  # outcomes known by origin i
        if len(past) < MIN_ORIGINS:
            continue
        lo, hi = _edges(past, horizon)
        banded += 1
        hits += int(lo <= errors[i] <= hi)
    coverage = hits / banded if banded else None
    return Backtest(mape, coverage, len(actual), hits, banded)


def forecast(
    totals: pd.Series, days: int, *, counter: bool = True, start: date | None = None
) -> Forecast | None:
    """The forecast of a daily total series (see the module's docstring) for the days after its
    last day up to ``days`` days after ``start`` (default: the day after the last one); None when
    there are fewer than ``MIN_DAYS`` days of totals to learn from."""
    series = daily_totals(totals).iloc[-HISTORY_DAYS:]
    if len(series) < MIN_DAYS:
        return None
    last_day = series.index[-1].date()
    first = start or last_day + timedelta(days=1)
    horizon = (first - last_day).days + days - 1
    if horizon < 1 or horizon > MAX_HORIZON:
        raise ValueError(f"the forecast reaches {horizon} days past the newest number")
    values = series.to_numpy()
    gains = np.diff(values)
    level, trend = _holt(gains)
    # states after each gain: origin i is the total at index i + 1
    paths = _paths(level, trend, max(horizon, BACKTEST_HORIZON), counter)
    cumulative = np.cumsum(paths, axis=1)
    backtest = _backtest(values[1:], cumulative, counter)
    paths, cumulative = paths[:, :horizon], cumulative[:, :horizon]
    origins = values[1:]
    cum_actual = _outcomes(origins, horizon, cumulative=True)
    day_actual = _outcomes(gains, horizon, cumulative=False)
    settled = slice(WARMUP, None)
    cum_err = _errors(cum_actual[settled], cumulative[settled], counter)
    day_err = _errors(day_actual[settled], paths[settled], counter)
    cum_lo, cum_hi = _quantiles(cum_err, horizon)
    day_lo, day_hi = _quantiles(day_err, horizon)
    added = cumulative[-1]
    low_add, high_add = _apply(added, cum_lo, cum_hi, counter)
    gain_low, gain_high = _apply(paths[-1], day_lo, day_hi, counter)
    last_total = float(values[-1])
    points = pd.DataFrame(
        {
            "date": [last_day + timedelta(days=h) for h in range(1, horizon + 1)],
            "value": last_total + added,
            "low": last_total + (np.maximum(low_add, 0.0) if counter else low_add),
            "high": last_total + high_add,
            "gain": paths[-1],
            "gain_low": np.maximum(gain_low, 0.0) if counter else gain_low,
            "gain_high": gain_high,
        }
    )
    points = points[points["date"] >= first].reset_index(drop=True)
    return Forecast(
        last_day=last_day,
        last_total=last_total,
        points=points,
        method=METHOD,
        backtest=backtest,
    )
