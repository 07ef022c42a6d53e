"""Pure pandas: platforms, metric types, running totals versus gains, periods, KPIs.

Nothing here touches a database or Dash, so every rule is unit-tested with hand-computed
numbers.  The store hands over one aggregated row per bucket (``store.release_series``); this
module turns it into what a person reads:

- For lifetime totals (``value_kind = 'total'``) the bucket's total is the last reading in it
  and the gain is the difference from the previous known total (the baseline before the period
  for the first bucket).  A total that drops is a platform correction: the gain stays negative
  and ``correction`` is True, so charts can mark it instead of hiding it.
- For per-period counts (``value_kind = 'period'``) the gain is the bucket's sum and the total is
  the running sum inside the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

PLATFORM_LABELS: dict[str, str] = {
    "youtube": "YouTube",
    "spotify": "Spotify",
    "tiktok": "TikTok",
    "apple_music": "Apple Music",
    "apple music": "Apple Music",
    "deezer": "Deezer",
    "lastfm": "Last.fm",
    "last.fm": "Last.fm",
    "soundcloud": "SoundCloud",
    "instagram": "Instagram",
    "amazon_music": "Amazon Music",
    "amazon music": "Amazon Music",
    "tidal": "Tidal",
}
KNOWN_PLATFORMS = [
    "YouTube",
    "Spotify",
    "TikTok",
    "Apple Music",
    "Deezer",
    "Last.fm",
    "SoundCloud",
    "Instagram",
]
KNOWN_METRIC_TYPES = [
    "views",
    "streams",
    "likes",
    "comments",
    "shares",
    "followers",
    "listeners",
    "playcount",
    "popularity",
    "rank",
    "fans",
    "saves",
]
# One colour per platform, the same in every chart.
PLATFORM_COLOURS: dict[str, str] = {
    "youtube": "#e62117",
    "spotify": "#1db954",
    "tiktok": "#25f4ee",
    "apple_music": "#fa57c1",
    "apple music": "#fa57c1",
    "deezer": "#a238ff",
    "lastfm": "#b90000",
    "last.fm": "#b90000",
    "soundcloud": "#ff7700",
    "instagram": "#c13584",
}
FALLBACK_COLOURS = ["#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3", "#ff6692"]

PERIOD_PRESETS: dict[str, int | None] = {"7d": 7, "28d": 28, "90d": 90, "12m": 365, "all": None}


def platform_key(name: str) -> str:
    return name.strip().lower()


def platform_label(name: str) -> str:
    """One display label per platform whatever the stored spelling ('YouTube', 'youtube')."""
    key = platform_key(name)
    return PLATFORM_LABELS.get(key, key.title())


def platform_colour(name: str) -> str:
    key = platform_key(name)
    if key in PLATFORM_COLOURS:
        return PLATFORM_COLOURS[key]
    return FALLBACK_COLOURS[sum(key.encode()) % len(FALLBACK_COLOURS)]


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
    """
    if series.empty:
        return pd.DataFrame(columns=GAIN_COLUMNS)
    keys = ["release_id", "platform_key", "metric_type", "value_kind"]
    frame = series.sort_values([*keys, "bucket"]).reset_index(drop=True)
    totals = frame["value_kind"] == "total"

    out = frame[[*keys, "bucket", "last_at"]].copy()
    out["total"] = frame["last_value"].where(totals).astype("float64")
    previous = frame.groupby(keys, sort=False)["last_value"].shift(1)
    if baseline is not None and not baseline.empty:
        base = frame[keys].merge(
            baseline.assign(value_kind="total")[[*keys, "baseline"]], on=keys, how="left"
        )["baseline"]
        first = frame.groupby(keys, sort=False).cumcount() == 0
        previous = previous.where(~first, base.values)
    out["gain"] = (frame["last_value"] - previous).where(totals)

    periods = ~totals
    if periods.any():
        out.loc[periods, "gain"] = frame.loc[periods, "sum_value"].astype("float64")
        out.loc[periods, "total"] = (
            frame.loc[periods].groupby(keys, sort=False)["sum_value"].cumsum().astype("float64")
        )
    out["correction"] = (out["gain"] < 0).fillna(False).astype(bool)
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


@dataclass(frozen=True)
class Period:
    """A half-open [start, end) range in UTC, with the display dates it came from."""

    start: datetime | None
    end: datetime

    @property
    def days(self) -> float | None:
        return None if self.start is None else (self.end - self.start).total_seconds() / 86400

    def previous(self) -> Period | None:
        if self.start is None:
            return None
        return Period(self.start - (self.end - self.start), self.start)


def local_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def period_for(
    preset: str | None,
    tz: str,
    *,
    now: datetime | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
) -> Period:
    """The period a preset (or a custom date range, end date included) covers.

    Presets end at the end of today in ``tz`` and cover whole local days.
    """
    now = now or datetime.now(UTC)
    today = now.astimezone(ZoneInfo(tz)).date()
    if preset == "custom" or (start_date and end_date and preset is None):
        if start_date is None or end_date is None:
            raise ValueError("a custom period needs a start and an end date")
        if end_date < start_date:
            raise ValueError("the period's end date is before its start date")
        return Period(
            local_midnight(start_date, tz), local_midnight(end_date + timedelta(days=1), tz)
        )
    if preset not in PERIOD_PRESETS:
        raise ValueError(f"unknown period {preset!r}; use one of {', '.join(PERIOD_PRESETS)}")
    end = local_midnight(today + timedelta(days=1), tz)
    days = PERIOD_PRESETS[preset]
    if days is None:
        return Period(None, end)
    return Period(local_midnight(today - timedelta(days=days - 1), tz), end)


@dataclass(frozen=True)
class Kpi:
    metric_type: str
    gain: float | None
    total: float | None
    previous_gain: float | None
    corrections: int

    @property
    def change(self) -> float | None:
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
        gain = part["gain"].sum(min_count=1)
        latest = part.sort_values("bucket").groupby(["release_id", "platform_key"])["total"].last()
        total = latest.sum(min_count=1)
        prev_gain = None
        if previous is not None and not previous.empty:
            prev = previous[previous["metric_type"] == metric]
            if not prev.empty:
                value = prev["gain"].sum(min_count=1)
                prev_gain = None if pd.isna(value) else float(value)
        out.append(
            Kpi(
                metric_type=str(metric),
                gain=None if pd.isna(gain) else float(gain),
                total=None if pd.isna(total) else float(total),
                previous_gain=prev_gain,
                corrections=int(part["correction"].sum()),
            )
        )
    return out


def format_number(value: float | None) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{value:,.0f}"
