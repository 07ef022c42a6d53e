"""What a file format is to the importer: how its header is recognised, what each column is
read as (the preview shows it), and how one chunk of its rows becomes readings.

A format's ``translate`` turns a chunk of the file (columns named as ``csvio.reader`` names
them: lower case, spaces as underscores) into readings as text, in the columns ``READINGS``
lists, each with the file line it came from in ``__line``: one line may give several readings
(a statement line's streams and its earnings).  The readings are then checked by the same
vectorised rules as perfdash's own format, and their releases matched by ``csvio.matching``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from perfdash.ingest.rules import parse_money

# The text columns a format gives for each reading (empty text for "not in this file").
READINGS = (
    "platform",
    "metric_type",
    "metric_value",
    "recorded_at",
    "value_kind",
    "country",
    "currency",
    "notes",
    # what the release is matched by, strongest first
    "youtube_video_id",
    "isrc",
    "upc",
    "artist_name",
    "release_title",
)


@dataclass(frozen=True)
class Context:
    """What a translation may know besides the rows: the file's name (a Spotify for Artists
    song timeline names its song only there) and today (a table of totals is read today)."""

    filename: str
    today: str  # YYYY-MM-DD in the configured zone


Translate = Callable[[pd.DataFrame, Context], pd.DataFrame]


@dataclass(frozen=True)
class Format:
    """One export perfdash reads: ``required`` columns identify it (all present), ``columns``
    says what each of its columns is read as, in the file's own words."""

    key: str
    label: str
    required: tuple[str, ...]
    columns: dict[str, str]
    translate: Translate
    # a column that, when present, tells this format from one with the same required columns
    marker: tuple[str, ...] = field(default_factory=tuple)

    def matches(self, names: list[str]) -> bool:
        have = set(names)
        return set(self.required) <= have and set(self.marker) <= have


def readings(chunk: pd.DataFrame, **columns: pd.Series | str) -> pd.DataFrame:
    """A frame of readings (``READINGS`` as text, "" when not given) for ``chunk``'s rows."""
    out = pd.DataFrame(index=chunk.index)
    for name in READINGS:
        value = columns.get(name, "")
        out[name] = value if isinstance(value, pd.Series) else value
        out[name] = out[name].fillna("").astype(str)
    out["__line"] = chunk["__line"]
    return out


def column(chunk: pd.DataFrame, name: str) -> pd.Series:
    """A column's text trimmed ("" when the file lacks it)."""
    if name not in chunk:
        return pd.Series("", index=chunk.index, dtype=object)
    return chunk[name].fillna("").astype(str).str.strip()


def whole(values: pd.Series) -> pd.Series:
    """A count as the files write it: "1,234" and "1234.0" are 1234 (a fraction stays, and
    the value rules refuse it with its line)."""
    return values.str.replace(r"\.0+$", "", regex=True)


def micro_units(values: pd.Series) -> pd.Series:
    """Money as written ("0.004512", "$1,234.50") in micro-units as text, once per distinct
    amount; what the money rule refuses (a negative, too many decimals) is left as written,
    so the value rule names it with its line."""
    codes, uniques = pd.factorize(values.str.replace("$", "", regex=False))
    parsed = [parse_money(u) for u in uniques]
    text = [str(v) if err is None else u for (v, err), u in zip(parsed, uniques, strict=True)]
    return pd.Series([text[c] if c >= 0 else "" for c in codes], index=values.index)


def month_start(values: pd.Series) -> pd.Series:
    """A sale month ("2026-01", "2026-01-15", "Jan 2026") as its first day, YYYY-MM-01."""
    codes, uniques = pd.factorize(values)
    firsts = []
    for text in uniques:
        when = pd.to_datetime(text, errors="coerce", format="mixed")
        firsts.append(text if pd.isna(when) else f"{when.year:04d}-{when.month:02d}-01")
    return pd.Series([firsts[c] if c >= 0 else "" for c in codes], index=values.index)


def money(
    chunk: pd.DataFrame, amounts: pd.Series, currency: pd.Series | str, **common: pd.Series | str
) -> pd.DataFrame:
    """The earnings readings of a statement's lines (those with an amount)."""
    frame = readings(chunk, metric_type="earnings", metric_value=micro_units(amounts), **common)
    frame["currency"] = currency if isinstance(currency, str) else currency.str.upper()
    return frame[amounts != ""]


_COUNTRY_ALIASES = {"UK": "GB", "WW": "", "WORLDWIDE": "", "ZZ": "", "XX": ""}


def country(values: pd.Series) -> pd.Series:
    """A statement's country as ISO 3166-1 alpha-2: "UK" is GB, "WW" / "Worldwide" none;
    anything else as written, for the country rule to accept or name with its line."""
    upper = values.str.strip().str.upper()
    return upper.map(lambda c: _COUNTRY_ALIASES.get(c, c))


def stack(*frames: pd.DataFrame) -> pd.DataFrame:
    """Several readings per line, in file line order (a fresh index: the checks address rows
    by it)."""
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values("__line", kind="stable").reset_index(drop=True)
