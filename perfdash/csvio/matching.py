"""Which release a line of a platform's or a distributor's export is about.

A line is matched by the strongest thing it names: the YouTube video id (YouTube Studio),
then the ISRC, then the UPC / EAN, then artist and title (or the title alone when the file
names no artist and one release has that title), names compared ignoring case, accents and
repeated spaces ("Beyoncé" is "beyonce").  A line none of these finds is unmatched: the
import lists it and, when asked, creates its release (``create_release_for``).

Lines are matched per distinct *match key* (what a line names, normalised), so a statement of
a million lines asks the store about a few thousand tracks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from perfdash import store

SEP = "\x1f"  # between the parts of a match key: no text of a file holds it (refused as control)
PARTS = ("youtube_video_id", "isrc", "upc", "artist_name", "release_title")


def normal_name(text: Any) -> str:
    """A name as matching compares it: case folded, accents dropped, spaces collapsed."""
    if not isinstance(text, str):
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", bare).strip()


def match_codes(good: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """(each reading's position in ``keys``, the chunk's distinct match keys in order of first
    appearance).  Each part is factorised and names are normalised once per distinct value,
    and a key's text is built once per distinct combination, never per line: joining the
    parts' text for every line was most of a statement's matching time."""
    n = len(good)
    combined = np.zeros(n, dtype="int64")
    parts: list[tuple[np.ndarray, list[str]]] = []
    for name in PARTS:
        if name not in good:
            parts.append((np.zeros(n, dtype="int64"), [""]))
            continue
        codes, uniques = pd.factorize(good[name].fillna("").astype(str))
        texts = [str(u) for u in uniques]
        if name in ("artist_name", "release_title"):
            texts = [normal_name(t) for t in texts]
        parts.append((codes, texts))
        # stays below n: the distinct combinations so far, renumbered after each part
        combined = pd.factorize(combined * max(len(texts), 1) + codes)[0]
    _, first = np.unique(combined, return_index=True)
    texts_of = [SEP.join(texts[codes[row]] for codes, texts in parts) for row in first.tolist()]
    # two combinations may name one key (names that differ only in case or accents)
    key_codes, keys = pd.factorize(pd.Series(texts_of, dtype=object))
    return key_codes[combined], [str(k) for k in keys]


def split_key(key: str) -> dict[str, str]:
    return dict(zip(PARTS, key.split(SEP), strict=True))


@dataclass
class Matcher:
    """The catalog's names and video ids, read once per import (the catalog's size)."""

    by_name: dict[tuple[str, str], int] = field(default_factory=dict)
    by_title: dict[str, list[int]] = field(default_factory=dict)
    by_video: dict[str, int] = field(default_factory=dict)
    loaded: bool = False

    def load(self, conn: Connection) -> None:
        if self.loaded:
            return
        for rid, artist, title in store.release_names(conn):
            self.by_name.setdefault((normal_name(artist), normal_name(title)), rid)
            self.by_title.setdefault(normal_name(title), []).append(rid)
        for row in store.releases_with_identifiers(conn, ["youtube_video_id"]):
            self.by_video.setdefault(row["youtube_video_id"].strip(), row["id"])
        self.loaded = True

    def resolve(self, conn: Connection, keys: list[str]) -> dict[str, int]:
        """The release id of each key that names one (ISRC, then UPC, then names)."""
        if not keys:
            return {}
        self.load(conn)
        parts = {k: split_key(k) for k in keys}
        isrcs = store.release_ids_for_codes(conn, "isrc", {p["isrc"] for p in parts.values()})
        upcs = store.release_ids_for_codes(conn, "upc", {p["upc"] for p in parts.values()})
        found: dict[str, int] = {}
        for key, p in parts.items():
            rid = (
                self.by_video.get(p["youtube_video_id"])
                or isrcs.get(p["isrc"])
                or upcs.get(p["upc"])
                or self._by_names(p["artist_name"], p["release_title"])
            )
            if rid:
                found[key] = rid
        return found

    def _by_names(self, artist: str, title: str) -> int | None:
        if not title:
            return None
        if artist:
            return self.by_name.get((artist, title))
        titled = self.by_title.get(title, [])
        return titled[0] if len(titled) == 1 else None


def _clean(first: dict[str, Any]) -> dict[str, str]:
    """A line's text fields, with what the file left empty (None, NaN) as ""."""
    return {k: v.strip() if isinstance(v, str) else "" for k, v in first.items()}


def describe(first: dict[str, Any]) -> str:
    """An unmatched line as a person reads it: title by artist (codes), as the file wrote it."""
    first = _clean(first)
    title = first.get("release_title") or "(no title)"
    artist = first.get("artist_name")
    codes = [
        f"{label} {first[name]}"
        for name, label in (("isrc", "ISRC"), ("upc", "UPC"), ("youtube_video_id", "video"))
        if first.get(name)
    ]
    text = f"{title} by {artist}" if artist else str(title)
    return f"{text} ({', '.join(codes)})" if codes else text


def new_release_fields(first: dict[str, Any]) -> dict[str, Any]:
    """The fields of the release an unmatched line creates: its names and codes.  The key is
    the strongest code (``isrc-…``, ``youtube-…``, ``upc-…``) or the names; the UPC is set
    only when the line has no ISRC (an album's UPC is shared by its tracks)."""
    first = _clean(first)
    isrc, upc, video = first.get("isrc"), first.get("upc"), first.get("youtube_video_id")
    if isrc:
        key = f"isrc-{isrc}"
    elif video:
        key = f"youtube-{video}"
    elif upc:
        key = f"upc-{upc}"
    else:
        key = (
            "-".join(
                w
                for w in (
                    normal_name(first.get("artist_name")),
                    normal_name(first.get("release_title")),
                )
                if w
            )[:255]
            or "imported"
        )
    fields: dict[str, Any] = {"release_key": key}
    for name, target in (("release_title", "title"), ("artist_name", "artist_name")):
        if first.get(name):
            fields[target] = first[name]
    if isrc:
        fields["isrc"] = isrc
    elif upc:
        fields["upc"] = upc
    if video:
        fields["youtube_video_id"] = video
    return fields
