"""A goal's progress: how much of the target is reached, and when the forecast reaches it.

Pure: the subject's daily totals (a release, or an artist's releases added up), its launch day
and its forecast (``metrics.forecast``) in, a ``Progress`` out.  A goal by a day counts the
lifetime total; a goal in the first days counts what was gained from the launch day on.  The
status is one of:

- ``reached``: the count is at the target (the day it got there is ``reached_on``);
- ``missed``: its last day has passed without reaching it;
- ``on track``: the forecast's likely path reaches it on or before its last day;
- ``off track``: the forecast reaches it only later, or not within the forecast;
- ``no forecast``: too few days of numbers to project from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from perfdash.metrics.kpi import format_number
from perfdash.metrics.projection import Forecast


@dataclass(frozen=True)
class Progress:
    target: int
    current: float
    ends: date | None
    status: str
    baseline: float = 0.0  # the total before the launch, for a goal in the first days
    reached_on: date | None = None
    likely: date | None = None
    soonest: date | None = None
    latest: date | None = None

    @property
    def share(self) -> float:
        return min(1.0, max(0.0, self.current / self.target)) if self.target else 0.0

    def text(self) -> str:
        """One line a person reads beside the goal."""
        done = f"{format_number(round(self.current))} of {format_number(self.target)}"
        done += f" ({self.share:.0%})"
        if self.status == "reached":
            return f"{done}: reached on {self.reached_on}"
        if self.status == "missed":
            return f"{done}: missed (ended {self.ends})"
        if self.status == "no forecast":
            return f"{done}: too few days of numbers to project when it is reached"
        when = (
            f"projected {self.likely} (80 % band {self.soonest or 'later'} to "
            f"{self.latest or 'past the forecast'})"
            if self.likely
            else "not reached within the forecast"
        )
        return f"{done}: {self.status}, {when}"


def goal_end(due_on: date | None, first_days: int | None, launch: date | None) -> date | None:
    if due_on is not None:
        return due_on
    if first_days is None or launch is None:
        return None
    return launch + timedelta(days=first_days - 1)


def progress(
    *,
    target: int,
    totals: pd.Series,
    today: date,
    due_on: date | None = None,
    first_days: int | None = None,
    launch: date | None = None,
    forecast: Forecast | None = None,
) -> Progress:
    """The goal's progress from ``totals`` (the lifetime total by local day, up to today)."""
    ends = goal_end(due_on, first_days, launch)
    series = totals.dropna().sort_index()
    series.index = pd.to_datetime(series.index).normalize()
    baseline = 0.0
    if first_days is not None and launch is not None:
        before = series[series.index < pd.Timestamp(launch)]
        baseline = float(before.iloc[-1]) if len(before) else 0.0
    counted = series if ends is None else series[series.index <= pd.Timestamp(ends)]
    current = (float(counted.iloc[-1]) if len(counted) else baseline) - baseline
    if ends is None:
        return Progress(target, current, None, "no forecast", baseline)
    need = target + baseline
    hit = counted[counted >= need]
    if len(hit):
        return Progress(target, current, ends, "reached", baseline, reached_on=hit.index[0].date())
    if today > ends:
        return Progress(target, current, ends, "missed", baseline)
    if forecast is None:
        return Progress(target, current, ends, "no forecast", baseline)
    when = forecast.reaching(need)
    likely = when["likely"]
    status = "on track" if likely is not None and likely <= ends else "off track"
    return Progress(
        target,
        current,
        ends,
        status,
        baseline,
        likely=likely,
        soonest=when["soonest"],
        latest=when["latest"],
    )
