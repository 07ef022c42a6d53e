"""KPI cards, the per-platform breakdown and the leaderboard's trend, and how their numbers read.

Inputs are the frames of ``totals_and_gains`` or of ``store.period_gains`` /
``store.leaderboard`` (already summed in SQL per release and platform); here they are only
added up and compared with the previous period of the same length, each metric as its kind
says (``metrics.kinds``): counters and audiences by their gain, scores by their level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfdash.exact import FLOAT_EXACT, exact_sum, format_count, int_column, whole
from perfdash.metrics.kinds import MetricKind, Overrides, metric_kind
from perfdash.metrics.money import format_money
from perfdash.metrics.platforms import KNOWN_METRIC_TYPES

BREAKDOWN_COLUMNS = ["platform_key", "gain", "total", "previous_gain", "previous_total"]


@dataclass(frozen=True)
class Kpi:
    """One metric's card.  Gains and totals are exact Python ints (a sum of big totals may
    pass 2^63 - 1, which neither int64 nor float64 holds exactly).

    For a counter or an audience ``gain`` is what the period added (net, for an audience) and
    ``change`` compares it with the previous period's gain.  For a score ``gain`` is None,
    ``total`` is the level at the end of the period (the mean level when several series are
    read together, so a float) and ``change`` is how far the level moved since the previous
    period's end (``previous_total``).
    """

    metric_type: str
    gain: int | None
    total: int | float | None
    previous_gain: int | None
    corrections: int
    kind: str = "counter"
    lower_is_better: bool = False
    previous_total: float | None = None
    # money: the ISO 4217 code its micro-units are in (one card per currency); '' otherwise
    currency: str = ""

    @property
    def metric_kind(self) -> MetricKind:
        return MetricKind(self.metric_type, self.kind, self.lower_is_better)

    @property
    def change(self) -> int | float | None:
        if self.kind == "score":
            if self.total is None or self.previous_total is None:
                return None
            return self.total - self.previous_total
        if self.gain is None or self.previous_gain is None:
            return None
        return self.gain - self.previous_gain

    @property
    def change_pct(self) -> float | None:
        if self.kind == "score" or self.change is None or not self.previous_gain:
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


def period_kpis(
    current: pd.DataFrame,
    previous: pd.DataFrame | None = None,
    overrides: Overrides | None = None,
) -> list[Kpi]:
    """One KPI per metric type, read as its kind says (``overrides``: the editors' kinds).

    ``current``/``previous`` are ``store.period_gains`` frames (already summed in SQL per
    release and platform); here they are only added up over releases and platforms, or for a
    score averaged (a sum of ranks means nothing).  ``previous_gain`` is None when there is no
    previous period or it had no reading.
    """
    out: list[Kpi] = []
    if current.empty:
        return out
    for metric, part in current.groupby("metric_type", sort=True):
        kind = metric_kind(str(metric), overrides)
        if kind.is_score:
            out.append(_score_kpi(kind, part, previous))
            continue
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
                corrections=int(part["corrections"].sum()) if kind.kind == "counter" else 0,
                kind=kind.kind,
            )
        )
    return out


def _level(part: pd.DataFrame | None) -> float | None:
    """A score's level over the series of ``part``: the mean of their latest values."""
    if part is None or part.empty:
        return None
    return float(part["total"].astype("float64").mean())


def _score_kpi(kind: MetricKind, part: pd.DataFrame, previous: pd.DataFrame | None) -> Kpi:
    before = None
    if previous is not None and not previous.empty:
        before = previous[previous["metric_type"] == kind.metric_type]
    return Kpi(
        metric_type=kind.metric_type,
        gain=None,
        total=_level(part),
        previous_gain=None,
        corrections=0,
        kind=kind.kind,
        lower_is_better=kind.lower_is_better,
        previous_total=_level(before),
    )


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


def format_level(value: float | None) -> str:
    """A score's level: whole numbers as they are, a mean of several to one decimal."""
    if value is None or pd.isna(value):
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def gain_text(kpi: Kpi) -> str:
    """A counter's or audience's gain as a card shows it: "+1,234", money in its currency
    ("+$412.34"), "–" when the period has no reading."""
    if kpi.currency:
        if kpi.gain is None:
            return "–"
        return ("+" if kpi.gain >= 0 else "") + format_money(kpi.gain, kpi.currency)
    return format_gain(kpi.gain)


def kpi_label(kpi: Kpi) -> str:
    """The card's title: the metric's label, money with its currency ("Earnings (USD)")."""
    label = kpi.metric_kind.label()
    return f"{label} ({kpi.currency})" if kpi.currency else label


def change_text(kpi: Kpi) -> str:
    """'+1,234 (+5.2%) vs previous period', a score's move ('-3 since the previous period,
    better'), or why there is nothing to compare with."""
    if kpi.change is None:
        return "nothing recorded in the previous period"
    if kpi.kind == "score":
        judged = kpi.metric_kind.better(kpi.change)
        word = {True: ", better", False: ", worse"}.get(judged, "")
        step = f"{kpi.change:+,.0f}" if float(kpi.change).is_integer() else f"{kpi.change:+,.1f}"
        return f"{step} since the previous period{word}"
    pct = kpi.change_pct
    pct_text = f" ({pct:+.1f}%)" if pct is not None else ""
    if kpi.currency:
        step = ("+" if kpi.change >= 0 else "") + format_money(int(kpi.change), kpi.currency)
        return f"{step}{pct_text} vs previous period"
    return f"{format_gain(kpi.change)}{pct_text} vs previous period"


def platform_breakdown(
    current: pd.DataFrame,
    metric_type: str,
    previous: pd.DataFrame | None = None,
    kind: MetricKind | None = None,
) -> pd.DataFrame:
    """Gain, total and the previous period's of one metric per platform, biggest gain first.

    For a score ``total`` is the platform's level (the mean over releases), ``gain`` is NaN,
    and the best level comes first (the lowest when lower is better).
    """
    kind = kind or metric_kind(metric_type)
    part = current[current["metric_type"] == metric_type] if not current.empty else current
    if part.empty:
        return pd.DataFrame(columns=BREAKDOWN_COLUMNS)
    if kind.is_score:
        return _score_breakdown(part, kind, previous)
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
        prev_total = prev.groupby("platform_key")["total"].agg(exact_sum)
        out["previous_total"] = _maybe_missing(prev_total.reindex(out.index))
    else:
        out["previous_total"] = pd.Series(np.nan, index=out.index)
    out = out.reset_index().sort_values(["gain", "platform_key"], ascending=[False, True])
    return out.reset_index(drop=True)[BREAKDOWN_COLUMNS]


def _score_breakdown(
    part: pd.DataFrame, kind: MetricKind, previous: pd.DataFrame | None
) -> pd.DataFrame:
    """A score's level per platform (mean over releases), best first; it has no gain."""
    out = part.groupby("platform_key", sort=True)[["total"]].agg("mean").astype("float64")
    out["gain"] = np.nan
    out["previous_gain"] = np.nan
    out["previous_total"] = np.nan
    if previous is not None and not previous.empty:
        prev = previous[previous["metric_type"] == kind.metric_type].groupby("platform_key")
        out["previous_total"] = prev["total"].mean().reindex(out.index).astype("float64")
    out = out.reset_index().sort_values(
        ["total", "platform_key"], ascending=[kind.lower_is_better, True]
    )
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
