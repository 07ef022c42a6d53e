"""The exports perfdash recognises from their header line, one small module per format.

``detect`` names the format of a header (normalised as ``csvio.reader`` reads it); perfdash's
own format (``release_key`` or ``release_id`` with the reading columns) is tried first, then
each export in ``FORMATS``.  A header none of them fits is read as perfdash's own, whose
message names the columns it lacks and the formats perfdash knows.
"""

from __future__ import annotations

from perfdash.csvio.formats import apple, cdbaby, distrokid, spotify, tunecore, youtube
from perfdash.csvio.formats.base import READINGS, Context, Format

__all__ = ["FORMATS", "OWN_LABEL", "READINGS", "Context", "Format", "detect", "known_labels"]

OWN_LABEL = "perfdash's own format"

# most specific first: several exports share a column or two
FORMATS: tuple[Format, ...] = (
    distrokid.FORMAT,
    tunecore.FORMAT,
    cdbaby.FORMAT,
    youtube.CHART,
    youtube.TABLE,
    apple.FORMAT,
    spotify.SONGS,
    spotify.TIMELINE,
)


def detect(names: list[str]) -> Format | None:
    """The export whose columns the header holds, or None (perfdash's own format)."""
    if "release_key" in names or "release_id" in names:
        return None
    return next((f for f in FORMATS if f.matches(names)), None)


def known_labels() -> str:
    return ", ".join([OWN_LABEL, *(f.label for f in FORMATS)])
