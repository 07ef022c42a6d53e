"""Goals as a person reads them: each goal with its progress and projected day, for the
dashboard, the artist page, the overview (a tag's), the API and the command line; and the alerts
a goal raises (reached, fallen off track), delivered through ``alerts.deliver`` so each is sent
once, claimed like a spike alert.

A release goal counts that release's total summed over platforms; an artist's or a tag's goal by
a day adds up every release credited to the artist or carrying the tag.  An artist's or a tag's
goal in the first N days is a goal for *each* launch: every release is judged on its own first
N days, and the goal shows its newest launch (the one still counting) and how many launches
reached it.  The projection is ``metrics.forecast`` of the counted total (the dashboard's
forecast), run far enough to see the goal's last day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.engine import Connection, Engine

from perfdash import metrics, store
from perfdash.ingest.goals import describe

MAX_PROJECTION = 365  # days a goal's projection looks ahead
NOTHING = "no forecast"


@dataclass(frozen=True)
class LaunchProgress:
    """One launch judged against an artist's or a tag's goal in the first N days."""

    release_id: int
    label: str
    progress: metrics.Progress

    def text(self) -> str:
        return f"{self.label}: {self.progress.text()}"


@dataclass(frozen=True)
class GoalView:
    goal: dict
    progress: metrics.Progress  # the goal's; for a goal of each launch, the newest launch's
    launches: tuple[LaunchProgress, ...] = ()

    @property
    def each_launch(self) -> bool:
        return each_launch(self.goal)

    @property
    def subject(self) -> str:
        g = self.goal
        if g["scope"] == "release":
            return g.get("release_title") or g.get("release_key") or f"#{g['release_id']}"
        return g["artist_name"] if g["scope"] == "artist" else f"tag {g['tag']}"

    @property
    def what(self) -> str:
        g = self.goal
        return describe(
            g["metric_type"], g["target"], g["due_on"], g["first_days"], self.each_launch
        )

    @property
    def newest(self) -> LaunchProgress | None:
        return self.launches[-1] if self.launches else None

    def detail(self) -> str:
        """The progress line: for a goal of each launch, its newest launch and the tally."""
        if not self.each_launch:
            return self.progress.text()
        if not self.launches:
            return "no launch with numbers yet"
        reached = sum(x.progress.status == "reached" for x in self.launches)
        return (
            f"newest launch {self.newest.text()}; "
            f"{reached} of {len(self.launches)} launches reached it"
        )

    def text(self) -> str:
        return f"{self.subject}: {self.what}: {self.detail()}"


def each_launch(goal: dict) -> bool:
    """An artist's or a tag's goal in the first N days: one goal for each of its launches."""
    return goal["first_days"] is not None and goal["scope"] != "release"


def _wide(conn, release_ids: Sequence[int], metric: str, tz: str) -> pd.DataFrame:
    """The releases' lifetime totals of ``metric`` summed over platforms, one column per
    release, by local day (a release not read on a day carries its last total)."""
    series = store.release_series(conn, list(release_ids), metric_types=[metric], tz=tz)
    if series.empty:
        return pd.DataFrame()
    combined = metrics.combine_platforms(metrics.totals_and_gains(series))
    wide = combined.pivot_table(index="bucket", columns="release_id", values="total")
    return wide.sort_index().ffill()


def _progress(
    totals: pd.Series,
    goal: dict,
    launch: date | None,
    counter: bool,
    today: date,
) -> metrics.Progress:
    """One subject's progress (a release, the sum of an artist's or a tag's, one launch)."""
    ends = metrics.goal_end(goal["due_on"], goal["first_days"], launch)
    found = None
    whole = totals[pd.to_datetime(totals.index) < pd.Timestamp(today)].dropna()
    if ends is not None and ends >= today and len(whole):
        # as far again past the last day (at least a quarter), so an off-track goal still
        # shows the day it is projected to be reached
        days = min(MAX_PROJECTION, max(90, 2 * ((ends - today).days + 1)))
        try:
            found = metrics.forecast(whole, days, counter=counter, start=today + timedelta(days=1))
        except ValueError:  # the newest number is too old to project from
            found = None
    return metrics.goal_progress(
        target=int(goal["target"]),
        totals=totals,
        today=today,
        due_on=goal["due_on"],
        first_days=goal["first_days"],
        launch=launch,
        forecast=found,
    )


def subject_ids(conn: Connection, goal: dict) -> list[int]:
    """The releases a goal counts."""
    if goal["scope"] == "release":
        return [int(goal["release_id"])]
    if goal["scope"] == "artist":
        return store.artist_release_ids(conn, goal["artist_name"])
    return store.tagged_release_ids(conn, goal["tag"])


def view(conn: Connection, goal: dict, tz: str, today: date) -> GoalView:
    """One goal's progress, read on ``conn`` (one snapshot)."""
    ids = subject_ids(conn, goal)
    wide = _wide(conn, ids, goal["metric_type"], tz)
    kind = metrics.metric_kind(goal["metric_type"], store.metric_kind_overrides(conn))
    counter = kind.kind == "counter"
    day0 = {}
    if goal["first_days"] is not None and ids:
        day0 = {
            k: v.date() for k, v in metrics.launch_days(store.launch_dates(conn, ids), tz).items()
        }
    if not each_launch(goal):
        totals = wide.sum(axis=1, min_count=1) if len(wide.columns) else pd.Series(dtype="float64")
        launch = day0.get(ids[0]) if ids and goal["first_days"] is not None else None
        return GoalView(goal, _progress(totals, goal, launch, counter, today))
    labels = {
        int(r.release_id): store.release_label(
            {
                "title": r.title,
                "artist_name": r.artist_name if goal["scope"] == "tag" else None,
                "release_id": r.release_key,
            }
        )
        for r in store.launch_dates(conn, ids).itertuples()
    }
    launches = []
    for rid in sorted(day0, key=lambda i: (day0[i], i)):
        if day0[rid] > today:
            continue
        totals = wide[rid] if rid in wide.columns else pd.Series(dtype="float64")
        found = _progress(totals, goal, day0[rid], counter, today)
        launches.append(LaunchProgress(rid, labels.get(rid, f"#{rid}"), found))
    newest = (
        launches[-1].progress
        if launches
        else metrics.Progress(int(goal["target"]), 0.0, None, NOTHING)
    )
    return GoalView(goal, newest, tuple(launches))


def views(
    conn: Connection,
    tz: str,
    *,
    release_ids: Sequence[int] | None = None,
    artists: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
    today: date | None = None,
) -> list[GoalView]:
    """Every goal (or those of the releases, artists and tags named) with its progress."""
    today = today or datetime.now(ZoneInfo(tz)).date()
    goals = store.list_goals(conn, release_ids=release_ids, artists=artists, tags=tags)
    return [view(conn, g, tz, today) for g in goals]


@dataclass(frozen=True)
class GoalAlert:
    """A goal reached, or fallen off track (its projected day after its last day), for one
    goal or one launch of an artist's or a tag's goal: ``alerts.deliver`` sends it once by its
    key, as it sends a spike."""

    key: str
    release_id: int | None
    goal_id: int
    status: str
    line: str
    path: str = "/overview"

    @property
    def head(self) -> str:
        return "Goal reached" if self.status == "reached" else "Goal off track"

    def text(self, base_url: str | None = None) -> str:
        return f"{self.head}: {self.line}. {(base_url or '').rstrip('/')}{self.path}"

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "goal_id": self.goal_id,
            "release_id": self.release_id,
            "status": self.status,
            "path": self.path,
            "text": self.text(),
        }


EVENTS = ("reached", "off track")


def _path(goal: dict, release_id: int | None) -> str:
    """Where the alert's reader sees the goal: its release, its artist, or its tag."""
    if release_id is not None:
        return f"/dashboard?{urlencode({'release': release_id})}"
    if goal["scope"] == "artist":
        return f"/artists?{urlencode({'artist': goal['artist_name']})}"
    return f"/overview?{urlencode({'tag': goal['tag']})}"


def _created_day(goal: dict, tz: str) -> date | None:
    at = goal.get("created_at")
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if not isinstance(at, datetime):
        return None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(ZoneInfo(tz)).date()


def alerts_of(found: Sequence[GoalView], tz: str) -> list[GoalAlert]:
    """The alerts the goals' progress raises.  Keys name the goal (and the launch) and the
    event, so each is sent once: a goal that comes back on track and falls off again is not
    sent twice.  A goal of each launch alerts only for launches still counting when the goal
    was set (setting one for an artist with ten old launches is not ten messages)."""
    out = []
    for v in found:
        gid = int(v.goal["id"])
        if not v.each_launch:
            if v.progress.status in EVENTS:
                rid = v.goal["release_id"]
                out.append(
                    GoalAlert(
                        key=f"goal:{gid}:{v.progress.status.replace(' ', '-')}",
                        release_id=rid,
                        goal_id=gid,
                        status=v.progress.status,
                        line=v.text(),
                        path=_path(v.goal, rid),
                    )
                )
            continue
        since = _created_day(v.goal, tz)
        for launch in v.launches:
            p = launch.progress
            if p.status not in EVENTS or (since and p.ends and p.ends < since):
                continue
            out.append(
                GoalAlert(
                    key=f"goal:{gid}:{launch.release_id}:{p.status.replace(' ', '-')}",
                    release_id=launch.release_id,
                    goal_id=gid,
                    status=p.status,
                    line=f"{v.subject}: {v.what}: {launch.text()}",
                    path=_path(v.goal, launch.release_id),
                )
            )
    return out


def goal_alerts(engine: Engine | Connection, tz: str, today: date | None = None) -> list[GoalAlert]:
    """Every goal's alerts now (``alerts_of``), read in one snapshot."""
    with store.transaction(engine) as conn:
        found = views(conn, tz, today=today)
    return alerts_of(found, tz)
