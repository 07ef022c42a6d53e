"""YouTube Studio's Advanced mode exports (Export current view > Comma-separated values):
a zip holding "Table data.csv" and "Chart data.csv" (and "Totals.csv", which names no video).

- Table data: ``Content`` (the video id), ``Video title``, ``Video publish time``,
  ``Duration``, ``Views``, ``Watch time (hours)``, ``Subscribers``, ``Impressions``, ...,
  one line per video over the chosen range, and a first line "Total" for the channel.
  Read as totals on the day of the import (the range's counts): views and subscribers; the
  Total line names no video and is left out.  Watch time is in decimal hours and not stored.
- Chart data: ``Date``, ``Content``, ``Video title``, ``Video publish time``, ``Duration``,
  ``Views``: each video's views per day (value kind period).

A video is matched by its id (the release's YouTube video id), then by its title.
"""

from __future__ import annotations

import pandas as pd

from perfdash.csvio.formats.base import Context, Format, column, readings, stack, whole

PLATFORM = "YouTube"


def _videos(chunk: pd.DataFrame) -> pd.Series:
    return column(chunk, "content").str.lower() != "total"


def table(chunk: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    chunk = chunk[_videos(chunk)]
    common = {
        "platform": PLATFORM,
        "recorded_at": ctx.today,
        "value_kind": "total",
        "youtube_video_id": column(chunk, "content"),
        "release_title": column(chunk, "video_title"),
        "notes": "YouTube Studio table",
    }
    parts = [
        readings(chunk, metric_type=metric, metric_value=whole(column(chunk, name)), **common)
        for name, metric in (("views", "views"), ("subscribers", "subscribers"))
        if name in chunk
    ]
    return stack(*parts)


def chart(chunk: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    chunk = chunk[_videos(chunk)]
    return readings(
        chunk,
        platform=PLATFORM,
        metric_type="views",
        metric_value=whole(column(chunk, "views")),
        recorded_at=column(chunk, "date"),
        value_kind="period",
        youtube_video_id=column(chunk, "content"),
        release_title=column(chunk, "video_title"),
    )


TABLE = Format(
    key="youtube-table",
    label='YouTube Studio: "Table data.csv"',
    required=("content", "video_title", "views"),
    columns={
        "Content": "release match (the YouTube video id); the Total line is left out",
        "Video title": "release match (title), release's title when created",
        "Video publish time": "not stored",
        "Duration": "not stored",
        "Views": "views, a total on the import's day",
        "Watch time (hours)": "not stored (decimal hours)",
        "Subscribers": "subscribers, a total on the import's day",
        "Impressions, click-through rate": "not stored",
    },
    translate=table,
)
CHART = Format(
    key="youtube-chart",
    label='YouTube Studio: "Chart data.csv"',
    required=("date", "content", "views"),
    columns={
        "Date": "the day: value kind period",
        "Content": "release match (the YouTube video id)",
        "Video title": "release match (title)",
        "Video publish time, Duration": "not stored",
        "Views": "views that day",
    },
    translate=chart,
)
