"""Goals as a person reads them: each goal with its progress and projected day, for the
dashboard, the API and the command line; and the alerts a goal raises (reached, fallen off
track), delivered through ``alerts.deliver`` so each is sent once, claimed like a spike alert.

A release goal counts that release's total summed over platforms; an artist goal adds up every
release credited to the artist.  The projection is ``metrics.forecast`` of that sum (the
dashboard's forecast), run far enough to see the goal's last day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.engine import Connection, Engine

from perfdash import metrics, store
from perfdash.ingest.goals import describe

MAX_PROJECTION = 365  # days a goal's projection looks ahead


@dataclass(frozen=True)
class GoalView:
    goal: dict
    progress: metrics.Progress

    @property
    def subject(self) -> str:
        g = self.goal
        if g["scope"] == "release":
            return g.get("release_title") or g.get("release_key") or f"#{g['release_id']}"
        return g["artist_name"] if g["scope"] == "artist" else f"tag {g['tag']}"

    @property
    def what(self) -> str:
        g = self.goal
        return describe(g["metric_type"], g["target"], g["due_on"], g["first_days"])

    def text(self) -> str:
        return f"{self.subject}: {self.what}: {self.progress.text()}"


def _totals(conn, release_ids: Sequence[int], metric: str, tz: str) -> pd.Series:
    """The releases' lifetime totals of ``metric`` summed over platforms and releases, by
    local day (a release not read on a day carries its last total)."""
    series = store.release_series(conn, list(release_ids), metric_types=[metric], tz=tz)
    if series.empty:
        return pd.Series(dtype="float64")
    combined = metrics.combine_platforms(metrics.totals_and_gains(series))
    wide = combined.pivot_table(index="bucket", columns="release_id", values="total")
    return wide.sort_index().ffill().sum(axis=1, min_count=1)


def view(conn: Connection, goal: dict, tz: str, today: date) -> GoalView:
    """One goal's progress, read on ``conn`` (one snapshot)."""
    if goal["scope"] == "release":
        ids = [int(goal["release_id"])]
    else:
        ids = store.artist_release_ids(conn, goal["artist_name"])
    totals = _totals(conn, ids, goal["metric_type"], tz)
    launch = None
    if goal["first_days"] is not None and goal["scope"] == "release":
        day0 = metrics.launch_days(store.launch_dates(conn, ids), tz).get(ids[0])
        launch = None if day0 is None else day0.date()
    ends = metrics.goal_end(goal["due_on"], goal["first_days"], launch)
    found = None
    whole = totals[pd.to_datetime(totals.index) < pd.Timestamp(today)]
    if ends is not None and ends >= today and len(whole):
        kind = metrics.metric_kind(goal["metric_type"], store.metric_kind_overrides(conn))
        days = max(1, min(MAX_PROJECTION, (ends - today).days + 1))
        try:
            found = metrics.forecast(
                whole, days, counter=kind.kind == "counter", start=today + timedelta(days=1)
            )
        except ValueError:  # the newest number is too old to project from
            found = None
    progress = metrics.goal_progress(
        target=int(goal["target"]),
        totals=totals,
        today=today,
        due_on=goal["due_on"],
        first_days=goal["first_days"],
        launch=launch,
        forecast=found,
    )
    return GoalView(goal, progress)


def views(
    conn: Connection,
    tz: str,
    *,
    release_ids: Sequence[int] | None = None,
    artists: Sequence[str] | None = None,
    today: date | None = None,
) -> list[GoalView]:
    """Every goal (or those of the releases and artists named) with its progress."""
    today = today or datetime.now(ZoneInfo(tz)).date()
    goals = store.list_goals(conn, release_ids=release_ids, artists=artists)
    return [view(conn, g, tz, today) for g in goals]


@dataclass(frozen=True)
class GoalAlert:
    """A goal reached, or fallen off track: ``alerts.deliver`` sends it once by its key."""

    key: str
    release_id: int | None
    goal_id: int
    status: str
    line: str

    def text(self, base_url: str | None = None) -> str:
        head = "Goal reached" if self.status == "reached" else "Goal off track"
        link = ""
        if self.release_id is not None:
            link = f" {(base_url or '').rstrip('/')}/dashboard?release={self.release_id}"
        return f"{head}: {self.line}.{link}"

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "goal_id": self.goal_id,
            "status": self.status,
            "text": self.text(),
        }


def goal_alerts(engine: Engine | Connection, tz: str, today: date | None = None) -> list[GoalAlert]:
    """An alert per goal that is reached (once) or off track (once per goal: a goal that comes
    back on track and falls off again is not sent twice)."""
    with store.transaction(engine) as conn:
        found = views(conn, tz, today=today)
    out = []
    for v in found:
        status = v.progress.status
        if status not in ("reached", "off track"):
            continue
        gid = int(v.goal["id"])
        out.append(
            GoalAlert(
                key=f"goal:{gid}:{status.replace(' ', '-')}",
                release_id=v.goal["release_id"],
                goal_id=gid,
                status=status,
                line=v.text(),
            )
        )
    return out
