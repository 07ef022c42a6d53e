"""KPI cards, the per-platform breakdown and the leaderboard's trend, and how their numbers read.

Inputs are the frames of ``totals_and_gains`` or of ``store.period_gains`` /
``store.leaderboard`` (already summed in SQL per release and platform); here they are only
added up and compared with the previous period of the same length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfdash.exact import FLOAT_EXACT, exact_sum, format_count, int_column, whole
from perfdash.metrics.platforms import KNOWN_METRIC_TYPES

BREAKDOWN_COLUMNS = ["platform_key", "gain", "total", "previous_gain"]


@dataclass(frozen=True)
class Kpi:
    """One metric's card.  Gains and totals are exact Python ints (a sum of big totals may
    pass 2^63 - 1, which neither int64 nor float64 holds exactly)."""

    metric_type: str
    gain: int | None
    total: int | None
    previous_gain: int | None
    corrections: int

    @property
    def change(self) -> int | None:
        if self.gain is None or self.previous_gain is None:
            return None
        return self.gain - self.previous_gain

    @property
    def change_pct(self) -> float | None:
        if self.change is None or not self.previous_gain:
            return None
        return 100.0 * self.change / abs(self.previous_gain)


def kpis(gains: pd.DataFrame, previous: pd.DataFrame | None = None) -> list[Kpi]:
    """Per metric type: gain over the period, latest total, and the previous period's gain."""
    out: list[Kpi] = []
    if gains.empty:
        return out
    for metric, part in gains.groupby("metric_type", sort=True):
        latest = part.sort_values("bucket").groupby(["release_id", "platform_key"])["total"].last()
        prev_gain = None
        if previous is not None and not previous.empty:
            prev = previous[previous["metric_type"] == metric]
            if not prev.empty:
                prev_gain = exact_sum(prev["gain"])
        out.append(
            Kpi(
                metric_type=str(metric),
                gain=exact_sum(part["gain"]),
                total=exact_sum(latest),
                previous_gain=prev_gain,
                corrections=int(part["correction"].sum()),
            )
        )
    return out


def period_kpis(current: pd.DataFrame, previous: pd.DataFrame | None = None) -> list[Kpi]:
    """One KPI per metric type: gain in the period, total at its end, previous period's gain.

    ``current``/``previous`` are ``store.period_gains`` frames (already summed in SQL per
    release and platform); here they are only added up over releases and platforms.
    ``previous_gain`` is None when there is no previous period or it had no reading.
    """
    out: list[Kpi] = []
    if current.empty:
        return out
    for metric, part in current.groupby("metric_type", sort=True):
        prev_gain = None
        if previous is not None and not previous.empty:
            prev = previous[(previous["metric_type"] == metric) & (previous["n_rows"] > 0)]
            if not prev.empty:
                prev_gain = exact_sum(prev["gain"])
        out.append(
            Kpi(
                metric_type=str(metric),
                gain=exact_sum(part["gain"]) if (part["n_rows"] > 0).any() else None,
                total=exact_sum(part["total"]),
                previous_gain=prev_gain,
                corrections=int(part["corrections"].sum()),
            )
        )
    return out


def order_kpis(kpis: list[Kpi], first: str | None = None) -> list[Kpi]:
    """The chosen metric first, then the usual headline metrics, then the rest by name."""
    rank = {m: i for i, m in enumerate(KNOWN_METRIC_TYPES)}
    return sorted(
        kpis,
        key=lambda k: (k.metric_type != first, rank.get(k.metric_type, 99), k.metric_type),
    )


def format_number(value: float | None) -> str:
    """A count with thousands separators, exact at any size, or a dash where there is no
    number (not '0', which would claim a reading said zero)."""
    return format_count(value)


def format_gain(value: float | None) -> str:
    """A gain with its sign (+1,234 or −56), exact at any size; a dash where there is none."""
    return format_count(value, signed=True)


def change_text(kpi: Kpi) -> str:
    """'+1,234 (+5.2%) vs previous period', or why there is nothing to compare with."""
    if kpi.change is None:
        return "nothing recorded in the previous period"
    pct = kpi.change_pct
    pct_text = f" ({pct:+.1f}%)" if pct is not None else ""
    return f"{format_gain(kpi.change)}{pct_text} vs previous period"


def platform_breakdown(
    current: pd.DataFrame, metric_type: str, previous: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Gain, total and previous gain of one metric per platform, biggest gain first."""
    part = current[current["metric_type"] == metric_type] if not current.empty else current
    if part.empty:
        return pd.DataFrame(columns=BREAKDOWN_COLUMNS)
    grouped = part.groupby("platform_key", sort=True)
    gains, totals = grouped["gain"].agg(exact_sum), grouped["total"].agg(exact_sum)
    out = pd.DataFrame(
        {"gain": int_column(gains, gains.index), "total": int_column(totals, totals.index)}
    )
    out["previous_gain"] = pd.Series(None, index=out.index, dtype=object)
    if previous is not None and not previous.empty:
        prev = previous[previous["metric_type"] == metric_type]
        prev_gain = prev.groupby("platform_key")["gain"].agg(exact_sum)
        out["previous_gain"] = _maybe_missing(prev_gain.reindex(out.index))
    out = out.reset_index().sort_values(["gain", "platform_key"], ascending=[False, True])
    return out.reset_index(drop=True)[BREAKDOWN_COLUMNS]


def _maybe_missing(sums: pd.Series) -> pd.Series:
    """Previous gains per platform, some missing: float64 with NaN while that is exact (below
    2^53; what the charts take), else Python ints and None."""
    values = [whole(v) for v in sums]
    if all(v is None or abs(v) <= FLOAT_EXACT for v in values):
        return pd.Series([np.nan if v is None else float(v) for v in values], sums.index)
    return pd.Series(values, sums.index, dtype=object)


def trend_arrow(gain: float | None, previous_gain: float | None) -> str:
    """▲ when the period gained more than the one before, ▼ less, ▶ the same, '' unknown."""
    if gain is None or previous_gain is None or pd.isna(gain) or pd.isna(previous_gain):
        return ""
    if gain > previous_gain:
        return "▲"
    if gain < previous_gain:
        return "▼"
    return "▶"
