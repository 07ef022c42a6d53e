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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
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

    Written with numpy over the sorted rows (a group starts where a key changes) rather than
    pandas groupby/merge: the chart callback calls it on every view, and the groupby version
    took 7 ms of a 37 ms heavy release view for a few hundred rows (issue 8).
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
    last = frame["last_value"].to_numpy(dtype="float64")

    previous = np.empty(n)
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
                baseline["baseline"].astype("float64"),
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
        counts = frame["sum_value"].to_numpy(dtype="float64")
        running = np.cumsum(counts)
        group = np.cumsum(starts) - 1
        before_group = (running - counts)[starts]
        gain = np.where(totals, gain, counts)
        total = np.where(totals, total, running - before_group[group])
    out = frame[[*keys, "bucket", "last_at"]].copy()
    out["total"] = total
    out["gain"] = gain
    with np.errstate(invalid="ignore"):
        out["correction"] = gain < 0  # NaN compares False
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

    def previous(self, tz: str | None = None) -> Period | None:
        """The period of the same length just before this one.

        With ``tz``, a period of whole local days gives the same number of whole local days
        (a 90-day period across a DST switch is not a multiple of 24 hours; stepping back in
        hours would start the previous period at 23:00 or 01:00, a day nobody asked for, and
        off the daily rollup's day boundaries).
        """
        if self.start is None:
            return None
        if tz is not None:
            zone = ZoneInfo(tz)
            first, last = self.start.astimezone(zone), self.end.astimezone(zone)
            if first.time() == time.min and last.time() == time.min:
                days = (last.date() - first.date()).days
                return Period(local_midnight(first.date() - timedelta(days=days), tz), self.start)
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


# --------------------------------------------------------------------------- insights
# Spike detection, launch alignment and freshness (issue 9).  Pure functions of the frames
# ``totals_and_gains`` / ``combine_platforms`` produce; tested with hand-built series.


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
    PERFDASH_SPIKE_MIN_GAIN (see ``perfdash.alerts.spike_rule_from_env``).
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


LAUNCH_HORIZONS = (7, 28, 90)
LAUNCH_COLUMNS = ["release_id", "day", "gain", "total"]


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


SOURCE_LABELS = {
    "manual": "entered by hand",
    "csv": "CSV import",
    "api": "API",
    "collector": "collector",
    "demo": "demo data",
    "legacy": "adopted database",
}


def _hours_text(hours: float) -> str:
    """An age or interval a person reads at a glance: minutes, hours, then days."""
    if hours < 1:
        return f"{max(1, round(hours * 60))} min"
    if hours < 48:
        return f"{hours:.0f} h" if hours >= 10 else f"{hours:.1f} h".replace(".0 h", " h")
    return f"{hours / 24:.1f} days"


@dataclass(frozen=True)
class StaleRule:
    """When a release's newest number is stale: judged against its own collection schedule.

    A release's schedule is inferred from its cadence: the median interval between its most
    recent ``recent`` distinct reading times (readings less than ``same_run_minutes`` apart are
    one collection run: a collector, import or script writes every platform of a release in one
    go).  It is stale when its newest number is older than
    ``max(factor × that interval, floor_hours)``, so an hourly release is stale after a couple
    of hours and a daily one after about two days, and one late run is not yet stale.  With
    fewer than ``min_runs`` runs there is no cadence to infer and ``fallback_hours``
    (PERFDASH_STALE_HOURS) applies.  The median keeps one gap (a collector down for a week) or
    one extra manual entry from changing the schedule.
    """

    fallback_hours: float = 48.0
    factor: float = 2.0
    floor_hours: float = 1.0
    recent: int = 10
    min_runs: int = 3
    same_run_minutes: float = 10.0

    def __post_init__(self) -> None:
        if not self.fallback_hours > 0:
            raise ValueError("stale hours must be greater than 0")
        if self.factor < 1:
            raise ValueError("stale factor must be at least 1")
        if self.floor_hours < 0:
            raise ValueError("stale floor must not be negative")
        if not 2 <= self.min_runs <= self.recent:
            raise ValueError("min runs must be between 2 and the number of recent readings")

    def stale_after_hours(self, interval_hours: float | None) -> float:
        """Hours after which the newest number is stale, for a release collected every
        ``interval_hours`` (None: no cadence known, the fallback)."""
        if interval_hours is None:
            return self.fallback_hours
        return max(self.factor * interval_hours, self.floor_hours)


def collection_interval_hours(
    times: Iterable[datetime | pd.Timestamp | str], rule: StaleRule | None = None
) -> float | None:
    """A release's collection schedule: the median interval in hours between its recent runs.

    ``times`` are its reading times in any order (naive ones are UTC; duplicates and NaT are
    ignored).  Readings less than ``rule.same_run_minutes`` after the previous one belong to
    the same run.  Only the newest ``rule.recent`` runs count, so a release moved from daily to
    hourly collection is judged by its new schedule.  None when there are fewer than
    ``rule.min_runs`` runs: too little to infer a cadence.
    """
    rule = rule or StaleRule()
    stamps = pd.to_datetime(pd.Series(list(times), dtype="object"), utc=True).dropna()
    if stamps.empty:
        return None
    stamps = stamps.sort_values().drop_duplicates()
    gaps = stamps.diff()
    starts = stamps[gaps.isna() | (gaps > pd.Timedelta(minutes=rule.same_run_minutes))]
    runs = starts.iloc[-rule.recent :]
    if len(runs) < rule.min_runs:
        return None
    return float(runs.diff().dropna().dt.total_seconds().median() / 3600)


@dataclass(frozen=True)
class Freshness:
    """When the newest number was recorded, by which source, shown in which time zone, and
    whether it is older than its collection schedule allows (``stale_after_hours``)."""

    newest_at: datetime | None
    source: str | None
    tz: str
    stale: bool
    age_hours: float | None
    stale_after_hours: float | None = None
    stale_count: int = 0
    of: int = 1

    def short_text(self) -> str:
        """What fits under a KPI card: the newest number's time, zone and source."""
        if self.newest_at is None:
            return "No numbers recorded yet"
        local = self.newest_at.astimezone(ZoneInfo(self.tz))
        how = SOURCE_LABELS.get(self.source or "", self.source or "unknown source")
        return f"Newest {local:%Y-%m-%d %H:%M} ({self.tz}), {how}"

    def text(self) -> str:
        if self.newest_at is None:
            return "No numbers recorded yet"
        out = "Newest number" + self.short_text().removeprefix("Newest")
        if self.stale and self.age_hours is not None:
            if self.of > 1:
                out += f" — {self.stale_count} of {self.of} releases stale"
                out += f" (up to {_hours_text(self.age_hours)} old)"
            else:
                out += f" — stale: {_hours_text(self.age_hours)} old"
                if self.stale_after_hours is not None:
                    out += f" (its schedule allows {_hours_text(self.stale_after_hours)})"
        return out


def freshness(
    newest_at: datetime | pd.Timestamp | None,
    source: str | None,
    tz: str,
    *,
    now: datetime | None = None,
    stale_after_hours: float = 48.0,
) -> Freshness:
    """A release is stale when its newest number is older than ``stale_after_hours`` (from
    its collection schedule, ``StaleRule.stale_after_hours``)."""
    if newest_at is None or pd.isna(newest_at):
        return Freshness(None, None, tz, True, None, stale_after_hours)
    newest_at = _aware(newest_at)
    age = ((now or datetime.now(UTC)) - newest_at).total_seconds() / 3600
    return Freshness(newest_at, source, tz, age > stale_after_hours, age, stale_after_hours)


def _aware(at: datetime | pd.Timestamp) -> datetime:
    if isinstance(at, pd.Timestamp):
        at = at.to_pydatetime()
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def stale_hours_by_release(
    reading_times: pd.DataFrame, release_ids: Iterable[int], rule: StaleRule | None = None
) -> dict[int, float]:
    """Per release, the hours after which its newest number is stale.

    ``reading_times`` has ``release_id`` and ``recorded_at`` columns (``store.
    recent_reading_times``); a release without rows there gets the fallback.
    """
    rule = rule or StaleRule()
    out = {int(r): rule.fallback_hours for r in release_ids}
    if not reading_times.empty:
        for rid, part in reading_times.groupby("release_id"):
            out[int(rid)] = rule.stale_after_hours(
                collection_interval_hours(part["recorded_at"], rule)
            )
    return out


def combined_freshness(
    newest: pd.DataFrame,
    stale_hours: Mapping[int, float],
    tz: str,
    *,
    now: datetime | None = None,
    fallback_hours: float = 48.0,
) -> Freshness:
    """Freshness of a number that sums several releases (a KPI card, a chart of several).

    ``newest`` holds one row per release (``release_id``, ``newest_at``, ``source``).  It
    states the newest reading of any of them, and is stale when any release's own newest
    reading is older than that release's schedule allows; ``stale_count`` says how many.
    """
    if newest.empty:
        return freshness(None, None, tz, now=now, stale_after_hours=fallback_hours)
    now = now or datetime.now(UTC)
    judged = [
        freshness(
            r.newest_at,
            r.source,
            tz,
            now=now,
            stale_after_hours=stale_hours.get(int(r.release_id), fallback_hours),
        )
        for r in newest.itertuples()
    ]
    if len(judged) == 1:
        return judged[0]
    top = max(judged, key=lambda f: f.newest_at or datetime.min.replace(tzinfo=UTC))
    stale = [f for f in judged if f.stale]
    worst = max(stale, key=lambda f: f.age_hours or 0.0) if stale else top
    return Freshness(
        top.newest_at,
        top.source,
        tz,
        bool(stale),
        worst.age_hours,
        worst.stale_after_hours,
        len(stale),
        len(judged),
    )


def freshness_by_metric(
    newest: pd.DataFrame,
    stale_hours: Mapping[int, float],
    tz: str,
    *,
    now: datetime | None = None,
    fallback_hours: float = 48.0,
) -> dict[str, Freshness]:
    """One ``Freshness`` per metric type, for the KPI cards.

    ``newest`` is ``store.metric_freshness``: one row per (release_id, metric_type) with its
    newest reading's ``newest_at`` and ``source``.
    """
    if newest.empty:
        return {}
    return {
        str(metric): combined_freshness(
            part, stale_hours, tz, now=now, fallback_hours=fallback_hours
        )
        for metric, part in newest.groupby("metric_type", sort=True)
    }


# --------------------------------------------------------------------------- dashboard
# KPI cards, per-platform breakdown, leaderboard trend and safe CSV export (issue 4).  Inputs
# are the frames of ``store.period_gains`` / ``store.leaderboard``; all pure.


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
                prev_gain = float(prev["gain"].sum())
        out.append(
            Kpi(
                metric_type=str(metric),
                gain=float(part["gain"].sum()) if (part["n_rows"] > 0).any() else None,
                total=float(part["total"].sum()),
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


def change_text(kpi: Kpi) -> str:
    """'+1,234 (+5.2%) vs previous period', or why there is nothing to compare with."""
    if kpi.change is None:
        return "nothing recorded in the previous period"
    pct = kpi.change_pct
    pct_text = f" ({pct:+.1f}%)" if pct is not None else ""
    return f"{kpi.change:+,.0f}{pct_text} vs previous period"


BREAKDOWN_COLUMNS = ["platform_key", "gain", "total", "previous_gain"]


def platform_breakdown(
    current: pd.DataFrame, metric_type: str, previous: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Gain, total and previous gain of one metric per platform, biggest gain first."""
    part = current[current["metric_type"] == metric_type] if not current.empty else current
    if part.empty:
        return pd.DataFrame(columns=BREAKDOWN_COLUMNS)
    out = part.groupby("platform_key", sort=True)[["gain", "total"]].sum()
    out["previous_gain"] = float("nan")
    if previous is not None and not previous.empty:
        prev = previous[previous["metric_type"] == metric_type]
        prev_gain = prev.groupby("platform_key")["gain"].sum()
        out["previous_gain"] = prev_gain.reindex(out.index).astype("float64")
    out = out.reset_index().sort_values(["gain", "platform_key"], ascending=[False, True])
    return out.reset_index(drop=True)[BREAKDOWN_COLUMNS]


def trend_arrow(gain: float | None, previous_gain: float | None) -> str:
    """▲ when the period gained more than the one before, ▼ less, ▶ the same, '' unknown."""
    if gain is None or previous_gain is None or pd.isna(gain) or pd.isna(previous_gain):
        return ""
    if gain > previous_gain:
        return "▲"
    if gain < previous_gain:
        return "▼"
    return "▶"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection advice).

    Text starting with = + - @ tab or carriage return gets a leading apostrophe; numbers and
    other text pass unchanged, so exported values stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def records_csv(rows: list[dict], columns: list[str]) -> str:
    """The rows as CSV (header first), every text cell neutralised."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise_cell(c) for c in columns])
    for row in rows:
        writer.writerow(
            ["" if row.get(c) is None else neutralise_cell(row.get(c)) for c in columns]
        )
    return buffer.getvalue()
