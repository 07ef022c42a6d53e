"""What a digest says: the catalog's numbers over the last whole day or week, read through
``perfdash.readout`` (the overview's, the dashboard's and the API's read path)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import pandas as pd
from sqlalchemy.engine import Connection

from perfdash import alerts, goals, metrics, readout, store
from perfdash.metrics import Period, local_midnight

TOP = 5
PERIOD_DAYS = {"day": 1, "week": 7}


@dataclass(frozen=True)
class Entry:
    """A release named in the digest, with its number and the view it links to."""

    release_id: int
    label: str
    text: str  # "+150,020 views", "+2,135 views more than the period before"
    path: str


@dataclass(frozen=True)
class Digest:
    name: str  # day | week
    key: str  # the claim's key: "week:2026-11-27" (the period's first day)
    period: Period
    previous: Period
    tz: str
    kpis: list[metrics.Kpi]
    headline: str | None  # the metric of the chart, the top releases and the risers
    line: pd.DataFrame  # the catalog's gain of ``headline`` per platform and day
    top: list[Entry]
    risers: list[Entry]
    spikes: list[alerts.Alert]
    stale: list[str]  # "Neon Tides — Nova Vale: newest number 2026-11-20 06:00 (UTC)..."
    goals: list[str]  # each goal with its progress and projected day (goals.GoalView.text)
    releases: int  # releases with numbers in the period

    def title(self) -> str:
        if self.name == "day":
            return f"perfdash: the catalog on {self.dates()}"
        return f"perfdash: the catalog's week, {self.dates()}"

    def dates(self) -> str:
        first, last = self.local_dates()
        return first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"

    def local_dates(self) -> tuple[date, date]:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(self.tz)
        start = self.period.start.astimezone(zone).date()
        last = (self.period.end.astimezone(zone) - timedelta(seconds=1)).date()
        return start, last


def digest_period(name: str, tz: str, now: datetime | None = None) -> tuple[Period, Period, str]:
    """Yesterday (local), or the last whole week Monday to Sunday; the period before it and
    the claim's key.  A digest reports finished days only, so it never shows a half day, and
    a week's key is its Monday: a daily run sends a week's digest once, the Monday after."""
    if name not in PERIOD_DAYS:
        raise ValueError(f"period must be one of {', '.join(PERIOD_DAYS)}")
    from zoneinfo import ZoneInfo

    today = (now or datetime.now(UTC)).astimezone(ZoneInfo(tz)).date()
    days = PERIOD_DAYS[name]
    end = today if name == "day" else today - timedelta(days=today.weekday())
    first = end - timedelta(days=days)
    period = Period(local_midnight(first, tz), local_midnight(end, tz))
    previous = Period(local_midnight(first - timedelta(days=days), tz), period.start)
    return period, previous, f"{name}:{first.isoformat()}"


def _headline(types: list[str]) -> str | None:
    preferred = [t for t in ("views", "streams") if t in types]
    return preferred[0] if preferred else (types[0] if types else None)


def build_digest(
    conn: Connection,
    name: str,
    *,
    tz: str,
    spike_rule: metrics.SpikeRule,
    stale_rule: metrics.StaleRule,
    now: datetime | None = None,
) -> Digest:
    """The digest of the last whole day or week, as of ``now``."""
    period, previous, key = digest_period(name, tz, now)
    numbers = readout.summary(conn, None, [], period, previous)
    metric = _headline([k.metric_type for k in numbers.kpis])
    kind = metrics.metric_kind(metric or "", numbers.overrides)
    line = pd.DataFrame()
    board = pd.DataFrame()
    if metric and not kind.is_score:
        line = readout.catalog_line(conn, metric, period, "day", tz)
        board, _ = readout.leaderboard(conn, kind, period, previous, limit=TOP)
    view = {"period": "custom", **_dates(period, tz), "metric": metric or ""}
    top = [
        Entry(
            int(r.release_id),
            _label(r),
            f"{metrics.format_gain(r.gain)} {metric}",
            "/dashboard?" + urlencode({"release": int(r.release_id), **view}),
        )
        for r in board.head(TOP).itertuples()
    ]
    rising = readout.risers(conn, kind, period, previous, (), TOP) if metric else board
    risers = [
        Entry(
            int(r.release_id),
            _label(r),
            f"{metrics.format_gain(int(r.rise))} {metric} more than the period before",
            "/dashboard?" + urlencode({"release": int(r.release_id), **view}),
        )
        for r in rising.itertuples()
    ]
    first_day = (period.start.astimezone(UTC)).date()
    spikes = [
        a
        for a in alerts.build_alerts(
            conn, since=first_day - timedelta(days=1), tz=tz, rule=spike_rule
        )
        if period.start.date() <= a.day < period.end.date() + timedelta(days=1)
    ]
    active = numbers.current["release_id"].nunique() if not numbers.current.empty else 0
    return Digest(
        name=name,
        key=key,
        period=period,
        previous=previous,
        tz=tz,
        kpis=numbers.kpis,
        headline=metric,
        line=line,
        top=top,
        risers=risers,
        spikes=spikes,
        stale=alerts.stale_release_texts(conn, tz, stale_rule, now=now),
        goals=[g.text() for g in goals.views(conn, tz, today=_today(tz, now))],
        releases=int(active),
    )


def _today(tz: str, now: datetime | None) -> date:
    from zoneinfo import ZoneInfo

    return (now or datetime.now(UTC)).astimezone(ZoneInfo(tz)).date()


def _dates(period: Period, tz: str) -> dict[str, str]:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    first = period.start.astimezone(zone).date()
    last = (period.end.astimezone(zone) - timedelta(seconds=1)).date()
    return {"from": first.isoformat(), "to": last.isoformat()}


def _label(row) -> str:
    return store.release_label(
        {"title": row.title, "release_id": row.release_key, "artist_name": row.artist_name}
    )
