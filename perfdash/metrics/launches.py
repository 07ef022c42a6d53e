"""Launches side by side: each release's first days on one axis, against the catalog's median.

Pure functions of the frames ``combine_platforms`` produces over day buckets.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

LAUNCH_HORIZONS = (7, 28, 90)
LAUNCH_COLUMNS = ["release_id", "day", "gain", "total"]


def launch_days(launches: pd.DataFrame, tz: str) -> dict[int, pd.Timestamp]:
    """Launch day per release (``store.launch_dates``' frame) as a naive local midnight in
    ``tz``: the approval date, or the first metric when there is no approval date or it is
    later than the first metric (an adopted database stamps rows with the time they were
    copied)."""
    out = {}
    for r in launches.itertuples():
        at = r.approved_at
        if pd.isna(at) or (not pd.isna(r.first_at) and r.first_at < at):
            at = r.first_at
        if pd.isna(at):
            continue
        out[int(r.release_id)] = at.tz_convert(tz).tz_localize(None).normalize()
    return out


def align_launches(
    combined: pd.DataFrame, day0: dict[int, pd.Timestamp], horizon: int = 28
) -> pd.DataFrame:
    """Put each release's daily totals and gains on a common axis: days since its launch.

    ``combined`` is ``combine_platforms`` output for one metric over day buckets; ``day0`` maps
    a release id to its launch day (a naive local date, as buckets are).  Day 0 is the launch
    day, rows outside ``[0, horizon)`` are dropped.  A release's very first reading has no
    previous total to measure from; when it falls in the launch week it counted from zero at
    launch, so its gain is its total.
    """
    if combined.empty or not day0:
        return pd.DataFrame(columns=LAUNCH_COLUMNS)
    frame = combined[combined["release_id"].isin(list(day0))].sort_values(["release_id", "bucket"])
    if frame.empty:
        return pd.DataFrame(columns=LAUNCH_COLUMNS)
    start = frame["release_id"].map({k: pd.Timestamp(v).normalize() for k, v in day0.items()})
    day = (pd.to_datetime(frame["bucket"]).dt.normalize() - start).dt.days
    out = pd.DataFrame(
        {
            "release_id": frame["release_id"].to_numpy(),
            "day": day.to_numpy(),
            "gain": frame["gain"].astype("float64").to_numpy(),
            "total": frame["total"].astype("float64").to_numpy(),
        }
    )
    first = out.groupby("release_id").cumcount() == 0
    fill = first & out["gain"].isna() & out["day"].between(0, 6)
    out.loc[fill, "gain"] = out.loc[fill, "total"]
    out = out[(out["day"] >= 0) & (out["day"] < horizon)]
    return out.reset_index(drop=True)[LAUNCH_COLUMNS]


def median_launch_curve(aligned: pd.DataFrame, value: str = "total") -> pd.DataFrame:
    """The catalog's median launch: per day since launch, the median over releases that have a
    number that day (``n`` says how many), so young releases do not drag later days down."""
    if aligned.empty:
        return pd.DataFrame(columns=["day", "median", "n"])
    grouped = aligned.dropna(subset=[value]).groupby("day")[value]
    return (
        pd.DataFrame({"median": grouped.median(), "n": grouped.count()})
        .reset_index()
        .sort_values("day")
    )


@dataclass(frozen=True)
class LaunchComparison:
    release_id: int
    day: int
    value: float
    median: float

    @property
    def pct(self) -> float | None:
        if not self.median:
            return None
        return 100.0 * (self.value - self.median) / abs(self.median)

    def text(self) -> str:
        pct = self.pct
        if pct is None:
            return f"no median launch to compare with at day {self.day}"
        word = "ahead of" if pct >= 0 else "behind"
        return f"{word} the median launch by {abs(pct):.0f}% at day {self.day}"


def compare_to_median(
    aligned: pd.DataFrame, median: pd.DataFrame, release_id: int, day: int = 7
) -> LaunchComparison | None:
    """The release's total at ``day`` (or its latest day before it, for a young release)
    against the median launch's total that day."""
    mine = aligned[(aligned["release_id"] == release_id) & aligned["total"].notna()]
    mine = mine[mine["day"] <= day]
    if mine.empty or median.empty:
        return None
    row = mine.sort_values("day").iloc[-1]
    at = int(row["day"])
    ref = median[median["day"] == at]
    if ref.empty:
        return None
    return LaunchComparison(int(release_id), at, float(row["total"]), float(ref["median"].iloc[0]))
