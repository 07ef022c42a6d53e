"""Hand-built series for the pure metrics tests: lifetime totals from daily gains."""

from __future__ import annotations

import numpy as np
import pandas as pd


def series(
    daily: list[float] | np.ndarray,
    *,
    start: str = "2026-01-01",
    days: list[int] | None = None,
    release_id: int = 1,
    platform: str = "youtube",
    metric: str = "views",
) -> pd.DataFrame:
    """A store.release_series-shaped frame of lifetime totals from daily gains.

    ``days`` are the day offsets that have a reading (missing ones are gaps); the total at a
    reading includes every gain up to that day.
    """
    totals = np.cumsum(np.asarray(daily, dtype="float64")).astype("int64")
    offsets = list(range(len(totals))) if days is None else days
    buckets = pd.Timestamp(start) + pd.to_timedelta(offsets, unit="D")
    return pd.DataFrame(
        {
            "release_id": release_id,
            "platform_key": platform,
            "metric_type": metric,
            "value_kind": "total",
            "bucket": buckets,
            "last_value": totals[offsets],
            "sum_value": totals[offsets],
            "n_rows": 1,
            "last_at": pd.to_datetime(buckets).tz_localize("UTC"),
        }
    )
