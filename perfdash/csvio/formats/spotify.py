"""Spotify for Artists exports: the song table (Music > Songs, download arrow) and the
timelines (Audience, and a song's own timeline page).

- Songs: ``song, listeners, streams, saves, release_date`` (one line per song, over the time
  filter chosen).  Read as totals on the day of the import: streams and saves; listeners are
  the filter's unique listeners, not a total, and are not stored.
- Timeline: ``date`` with ``streams`` (and ``listeners``, ``followers`` on the audience
  timeline), one line per day.  Streams are the day's count (value kind period), followers a
  total; daily listeners are not stored (a unique count does not add up over days).  S4A
  names the song only in the file name ("Night Drive-timeline.csv"), so that is the release
  matched by title; the audience timeline is the artist's, matched the same way by its name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from perfdash.csvio.formats.base import Context, Format, column, readings, stack, whole

PLATFORM = "Spotify"


def songs(chunk: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    common = {
        "platform": PLATFORM,
        "recorded_at": ctx.today,
        "value_kind": "total",
        "release_title": column(chunk, "song"),
        "notes": "Spotify for Artists song table",
    }
    parts = [
        readings(chunk, metric_type=name, metric_value=whole(column(chunk, name)), **common)
        for name in ("streams", "saves")
        if name in chunk
    ]
    return stack(*parts)


def title_from_filename(filename: str) -> str:
    """'Night Drive-timeline_20260301_101500.csv' -> 'Night Drive'."""
    name = Path(filename).stem
    name = re.sub(r"[_ -]?\d{8}_\d{6}$", "", name)
    name = re.sub(r"[-_ ]?timeline$", "", name, flags=re.IGNORECASE)
    return name.strip()


def timeline(chunk: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    common = {
        "platform": PLATFORM,
        "recorded_at": column(chunk, "date"),
        "release_title": title_from_filename(ctx.filename),
    }
    parts = [
        readings(
            chunk,
            metric_type="streams",
            metric_value=whole(column(chunk, "streams")),
            value_kind="period",
            **common,
        )
    ]
    if "followers" in chunk:
        parts.append(
            readings(
                chunk,
                metric_type="followers",
                metric_value=whole(column(chunk, "followers")),
                value_kind="total",
                **common,
            )
        )
    return stack(*parts)


SONGS = Format(
    key="spotify-songs",
    label="Spotify for Artists: songs",
    required=("song", "streams"),
    columns={
        "song": "release match (title), release's title when created",
        "listeners": "not stored (unique listeners of the time filter, not a total)",
        "streams": "streams, a total on the import's day",
        "saves": "saves, a total on the import's day",
        "release_date": "not stored",
    },
    translate=songs,
)
TIMELINE = Format(
    key="spotify-timeline",
    label="Spotify for Artists: timeline (audience or song)",
    required=("date", "streams"),
    columns={
        "date": "the day: value kind period for streams",
        "streams": "streams that day",
        "listeners": "not stored (daily unique listeners do not add up)",
        "followers": "followers, a total",
        "(file name)": "release match (title): S4A names the song in the file name",
    },
    translate=timeline,
)
