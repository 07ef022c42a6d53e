"""How fresh the numbers are: the newest reading's time and source, and whether it is stale.

Staleness is judged against each release's own collection schedule (inferred from its
reading times), so an hourly release and a daily one are each held to their own rhythm.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd

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
