"""Apple Music for Artists: a song's daily numbers as the Trends view downloads them
(``Date``, ``Song``, ``Artist``, ``Plays``, ``Average Daily Listeners``, ``Shazams``,
``Song Purchases``), the metrics Apple documents (Plays, Average Daily Listeners, Purchases,
Shazams).  Plays, Shazams and Song Purchases are the day's counts (value kind period);
average daily listeners is an average, not stored.
"""

from __future__ import annotations

import pandas as pd

from perfdash.csvio.formats.base import Context, Format, column, readings, stack, whole

PLATFORM = "Apple Music"
METRICS = (("plays", "plays"), ("shazams", "shazams"), ("song_purchases", "downloads"))


def translate(chunk: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    common = {
        "platform": PLATFORM,
        "recorded_at": column(chunk, "date"),
        "value_kind": "period",
        "isrc": column(chunk, "isrc"),
        "artist_name": column(chunk, "artist"),
        "release_title": column(chunk, "song"),
    }
    parts = [
        readings(chunk, metric_type=metric, metric_value=whole(column(chunk, name)), **common)
        for name, metric in METRICS
        if name in chunk
    ]
    return stack(*parts)


FORMAT = Format(
    key="apple-music",
    label="Apple Music for Artists: song trends",
    required=("date", "song", "plays"),
    columns={
        "Date": "the day: value kind period",
        "Song": "release match (artist + title), release's title when created",
        "Artist": "release match (artist + title)",
        "ISRC": "release match (first), when the export has it",
        "Plays": "plays that day",
        "Average Daily Listeners": "not stored (an average)",
        "Shazams": "shazams that day",
        "Song Purchases": "downloads that day",
    },
    translate=translate,
)
