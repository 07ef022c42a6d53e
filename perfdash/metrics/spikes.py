"""Spike alerts: which daily gains stand out from a release's own recent days.

A pure function of the daily frames ``totals_and_gains`` produces, so the rule is tested with
hand-built series; the alerts module and the /alerts page feed it from the store.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class SpikeRule:
    """When a day's gain counts as a spike.

    A day's gain (per release, platform and metric; a gain that covers a gap of several days is
    spread evenly over them) is a spike when it is larger than BOTH
    ``factor`` × the median daily gain of the previous ``window_days`` days, AND ``min_gain``.
    It is only judged when at least ``min_history`` earlier daily gains lie in that window: a
    brand-new release's launch peak is not a spike.  Consecutive spike days form one episode,
    reported once at its first day with its peak.

    The median (not the mean) keeps one earlier spike or a correction (a negative gain) from
    moving the baseline; the factor keeps weekly rhythm and launch decay below the line (the
    demo catalog's steady releases peak at about 2× their baseline, its viral days at 50× and
    more); the floor keeps tiny counts (3 comments instead of 0) quiet.  Configure with
    PERFDASH_SPIKE_FACTOR, PERFDASH_SPIKE_WINDOW_DAYS, PERFDASH_SPIKE_MIN_HISTORY and
    PERFDASH_SPIKE_MIN_GAIN.
    """

    factor: float = 5.0
    window_days: int = 14
    min_history: int = 7
    min_gain: float = 100.0

    def __post_init__(self) -> None:
        if self.factor <= 1:
            raise ValueError("spike factor must be greater than 1")
        if self.window_days < 2:
            raise ValueError("spike window must be at least 2 days")
        if not 1 <= self.min_history <= self.window_days:
            raise ValueError("spike min history must be between 1 and the window in days")
        if self.min_gain < 0:
            raise ValueError("spike min gain must not be negative")


SPIKE_COLUMNS = [
    "release_id",
    "platform_key",
    "metric_type",
    "day",
    "gain",
    "baseline",
    "ratio",
    "peak_day",
    "peak_gain",
    "days",
]


def detect_spikes(gains: pd.DataFrame, rule: SpikeRule | None = None) -> pd.DataFrame:
    """Spike episodes in daily gains (the output of ``totals_and_gains`` over day buckets).

    One row per episode: its first ``day`` (bucket), that day's ``gain`` per day, the
    ``baseline`` it was judged against, ``ratio`` = gain / baseline (inf for a zero baseline),
    and the episode's ``peak_day``/``peak_gain`` and length in ``days``.
    """
    rule = rule or SpikeRule()
    keys = ["release_id", "platform_key", "metric_type"]
    frame = gains.dropna(subset=["gain"])
    if frame.empty:
        return pd.DataFrame(columns=SPIKE_COLUMNS)
    # One vectorised pass over every series (a loop per series cost ~5 ms each).
    frame = frame.sort_values([*keys, "bucket"]).reset_index(drop=True)
    frame["bucket"] = pd.to_datetime(frame["bucket"])
    group = frame.groupby(keys, sort=False).ngroup()
    elapsed = frame["bucket"].groupby(group).diff().dt.total_seconds() / 86400
    frame["rate"] = frame["gain"].astype("float64") / elapsed.fillna(1.0).clip(lower=1.0)
    baseline = (
        frame.assign(_g=group)
        .groupby("_g", sort=False)
        .rolling(f"{rule.window_days}D", on="bucket", closed="left", min_periods=rule.min_history)[
            "rate"
        ]
        .median()
    )
    # rows come back group by group in time order, which is the frame's own order
    frame["baseline"] = baseline.to_numpy()
    threshold = (frame["baseline"].clip(lower=0) * rule.factor).clip(lower=rule.min_gain)
    flagged = (frame["rate"] > threshold) & frame["baseline"].notna()
    if not flagged.any():
        return pd.DataFrame(columns=SPIKE_COLUMNS)
    previous = flagged.groupby(group).shift(fill_value=False).astype(bool)
    run = (flagged & ~previous).cumsum()
    spikes = frame[flagged].assign(_run=run[flagged])
    by_run = spikes.groupby("_run", sort=False)
    out = by_run.agg(
        release_id=("release_id", "first"),
        platform_key=("platform_key", "first"),
        metric_type=("metric_type", "first"),
        day=("bucket", "first"),
        gain=("rate", "first"),
        baseline=("baseline", "first"),
        peak_gain=("rate", "max"),
        days=("rate", "size"),
    )
    out["peak_day"] = spikes.loc[by_run["rate"].idxmax(), "bucket"].to_numpy()
    positive = out["baseline"] > 0
    out["ratio"] = (out["gain"] / out["baseline"].where(positive)).fillna(float("inf"))
    out["days"] = out["days"].astype(int)
    return out[SPIKE_COLUMNS].sort_values(["day", "release_id"]).reset_index(drop=True)
