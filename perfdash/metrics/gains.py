"""Running totals versus gains: the two views a person wants of one series of readings.

The store hands over one aggregated row per bucket (``store.release_series``):

- For lifetime totals (``value_kind = 'total'``) the bucket's total is the last reading in it
  and the gain is the difference from the previous known total (the baseline before the period
  for the first bucket).  A total that drops is a platform correction: the gain stays negative
  and ``correction`` is True, so charts can mark it instead of hiding it.
- For per-period counts (``value_kind = 'period'``) the gain is the bucket's sum and the total is
  the running sum inside the period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfdash.exact import as_ints, numbers

GAIN_COLUMNS = [
    "release_id",
    "platform_key",
    "metric_type",
    "value_kind",
    "bucket",
    "total",
    "gain",
    "correction",
    "last_at",
]


def totals_and_gains(series: pd.DataFrame, baseline: pd.DataFrame | None = None) -> pd.DataFrame:
    """Running total and gain per bucket for each (release, platform, metric, kind).

    ``series`` has the columns of ``store.release_series``; ``baseline`` those of
    ``store.totals_before`` (the last total before the period), used for the first gain.
    Without a baseline the first bucket of a lifetime total has no gain (NaN): the number it
    grew from is unknown.

    Written with numpy over the sorted rows (a group starts where a key changes) rather than
    pandas groupby/merge: the chart callback calls it on every view, and the groupby version
    took 7 ms of a 37 ms heavy release view for a few hundred rows.  The arithmetic is in
    float64 while every number is below 2^53 (where float64 is exact) and in Python ints past
    that (``exact.numbers``), so a total near 2^63 - 1 gives its exact gain.
    """
    if series.empty:
        return pd.DataFrame(columns=GAIN_COLUMNS)
    keys = ["release_id", "platform_key", "metric_type", "value_kind"]
    frame = series.sort_values([*keys, "bucket"], kind="stable", ignore_index=True)
    n = len(frame)
    key_values = [frame[k].to_numpy() for k in keys]
    starts = np.ones(n, dtype=bool)
    if n > 1:
        same = np.ones(n - 1, dtype=bool)
        for col in key_values:
            same &= col[1:] == col[:-1]
        starts[1:] = ~same
    totals = frame["value_kind"].to_numpy() == "total"
    last = numbers(frame["last_value"])
    if baseline is not None and not baseline.empty:
        base = numbers(baseline["baseline"])
        if object in (base.dtype, last.dtype):
            last, base = as_ints(last), as_ints(base)
    else:
        base = None

    previous = np.empty(n, dtype=last.dtype)
    previous[0] = np.nan
    previous[1:] = last[:-1]
    previous[starts] = np.nan
    if baseline is not None and not baseline.empty:
        lookup = dict(
            zip(
                zip(
                    baseline["release_id"],
                    baseline["platform_key"],
                    baseline["metric_type"],
                    strict=True,
                ),
                base,
                strict=True,
            )
        )
        first = np.flatnonzero(starts & totals)
        previous[first] = [
            lookup.get((key_values[0][i], key_values[1][i], key_values[2][i]), np.nan)
            for i in first
        ]
    gain = np.where(totals, last - previous, np.nan)
    total = np.where(totals, last, np.nan)
    if not totals.all():  # per-period counts: the gain is the count, the total their sum so far
        counts = numbers(frame["sum_value"])
        if counts.dtype != gain.dtype:
            counts, gain, total = as_ints(counts), as_ints(gain), as_ints(total)
        running = np.cumsum(counts)
        group = np.cumsum(starts) - 1
        before_group = (running - counts)[starts]
        gain = np.where(totals, gain, counts)
        total = np.where(totals, total, running - before_group[group])
    out = frame[[*keys, "bucket", "last_at"]].copy()
    out["total"] = total
    out["gain"] = gain
    with np.errstate(invalid="ignore"):
        out["correction"] = (gain < 0).astype(bool)  # NaN compares False
    return out[GAIN_COLUMNS]


def combine_platforms(gains: pd.DataFrame) -> pd.DataFrame:
    """Totals and gains summed over platforms per (release, metric, bucket).

    A platform that has no reading in a bucket carries its last total forward, so the sum does
    not dip just because one platform was read less often.
    """
    if gains.empty:
        return pd.DataFrame(
            columns=["release_id", "metric_type", "bucket", "total", "gain", "correction"]
        )
    wide = gains.pivot_table(
        index=["release_id", "metric_type", "bucket"],
        columns="platform_key",
        values="total",
        aggfunc="last",
    )
    wide = wide.groupby(level=[0, 1]).ffill()
    total = wide.sum(axis=1, min_count=1)
    gain = gains.groupby(["release_id", "metric_type", "bucket"])["gain"].sum(min_count=1)
    corr = gains.groupby(["release_id", "metric_type", "bucket"])["correction"].any()
    out = pd.DataFrame({"total": total, "gain": gain, "correction": corr}).reset_index()
    return out
