"""When a reading was taken: the one date parser of every way in.

A form field, an API record, an annotation's date, a query's ``from``/``to`` and a CSV cell are
read by the same rules, from the same tables below:

- ISO 8601 as pandas reads it: ``2026-03-01``, ``2026-03-01 14:30``, ``2026-03-01T14:30:00Z``,
  ``20260301T1430``, with a zone ``Z``, ``UTC``, ``+01``, ``+0100`` or ``+01:00``; reduced
  precision (``2026-03``, ``2026``) is ISO too and means the first day.
- ``OTHER_FORMATS``: ``2026/03/01 [14:30[:00]]``, ``01.03.2026 [14:30[:00]]``, ``1 Mar 2026
  [14:30]``, ``1 March 2026``, ``Mar 1 2026``, ``March 1, 2026`` (commas are ignored).
- ``DAY_MONTH_FORMATS``: ``13/03/2026`` can only be day/month and ``03/13/2026`` only
  month/day, so both are read; ``03/04/2026`` could be either and is refused, never guessed.

A time without a zone is read in the display time zone ``tz``; one that a daylight saving change
skips or repeats there is refused (which instant was meant would be a guess).  Times before 2000
are refused: they are typos or a database's zero date.

Why one function serves a column and a value: ``parse_times`` reads a CSV chunk in a few
vectorised calls, and ``parse_timestamp`` reads one value *with it*, so the two cannot drift
apart.  Only the plain ISO shape (``_PLAIN_ISO``) takes Python's ``fromisoformat`` instead, which
reads it identically and fast enough for an API batch of 5,000 records.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pandas as pd

TIME_HELP = "Time must look like 2026-03-01 14:30 or 2026-03-01T14:30:00Z (ISO 8601)"
EMPTY_TIME = "Enter when the value was recorded"
BEFORE_2000 = "Time is before 2000; check the date"
OUT_OF_RANGE = "Time is out of range; check the date"
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
MAX_TIME_TEXT = 40

OTHER_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d %b %Y %H:%M",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
)
# (day first, month first): a value both read, as different dates, is ambiguous
DAY_MONTH_FORMATS = (
    ("%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S"),
    ("%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"),
    ("%d/%m/%Y", "%m/%d/%Y"),
)

# What pandas' ISO 8601 reader may accept: four digits then a dash, digits or the end.
_ISO_RE = r"\d{4}(?:$|-|\d)"
# A zone after a time of day: Z, UTC, +01, +0100, +01:00.
_ZONE_RE = r"[T ]\d{2}(?::?\d{2})*(?:[.,]\d+)?\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)$"
_PLAIN_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?"
)


def ambiguous_message(raw: Any) -> str:
    return f"{raw!r} could be day/month or month/day; write it as YYYY-MM-DD"


def dst_message(tz: str) -> str:
    return (
        f"This local time does not exist or is ambiguous in {tz} (daylight saving change); "
        "add a UTC offset"
    )


class ParsedTimes(NamedTuple):
    """A column's UTC times (NaT where refused) and why each refused one was refused."""

    utc: pd.Series
    unparseable: pd.Series
    ambiguous: pd.Series
    dst_gap: pd.Series
    early: pd.Series


def parse_times(raw: pd.Series, tz: str) -> ParsedTimes:
    """Read a column of time texts (a CSV chunk's ``recorded_at``).

    Fast path: a chunk in one ISO-8601 shape (all naive or all with the same offset) is parsed
    by pandas' C parser in one call; anything else takes the detailed path, which reads every
    value the fast path would have read the same way, so a value's verdict never depends on
    the rows beside it.
    """
    no = pd.Series(False, index=raw.index)
    try:
        parsed = pd.to_datetime(raw, format="ISO8601")
    except (ValueError, TypeError, OverflowError):
        parsed = None
    if parsed is not None and parsed.notna().all():
        if parsed.dt.tz is None:
            local = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
            return _refuse_early(local.dt.tz_convert("UTC"), no, no, local.isna())
        return _refuse_early(parsed.dt.tz_convert("UTC"), no, no, no)
    s = raw.str.strip()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us, UTC]")
    aware = s.str.contains(_ZONE_RE, regex=True)
    iso = s.str.match(_ISO_RE)
    naive_local = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    if (iso & aware).any():
        sub = s[iso & aware].str.replace(r"\s*UTC$", "Z", regex=True)
        out.loc[sub.index] = pd.to_datetime(sub, format="ISO8601", errors="coerce", utc=True)
    if (iso & ~aware).any():
        sub = s[iso & ~aware]
        naive_local.loc[sub.index] = pd.to_datetime(sub, format="ISO8601", errors="coerce")
    ambiguous = no.copy()
    rest = ~iso & ~aware & (s != "")
    if rest.any():
        sub = s[rest].str.replace(",", "", regex=False).str.replace(r"\s+", " ", regex=True)
        for fmt in OTHER_FORMATS:
            todo = naive_local.loc[sub.index].isna()
            if not todo.any():
                break
            part = sub[todo]
            naive_local.loc[part.index] = pd.to_datetime(part, format=fmt, errors="coerce")
        for day_first, month_first in DAY_MONTH_FORMATS:
            todo = naive_local.loc[sub.index].isna()
            if not todo.any():
                break
            part = sub[todo]
            a = pd.to_datetime(part, format=day_first, errors="coerce")
            b = pd.to_datetime(part, format=month_first, errors="coerce")
            both = a.notna() & b.notna() & (a != b)
            ambiguous.loc[both[both].index] = True
            naive_local.loc[part.index] = a.where(~both & a.notna(), b.where(~both))
    has_naive = naive_local.notna()
    dst_gap = no.copy()
    if has_naive.any():
        local = naive_local[has_naive].dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        dst_gap.loc[local.index] = local.isna().to_numpy()
        out.loc[local.index] = local.dt.tz_convert("UTC")
    unparseable = out.isna() & ~ambiguous & ~dst_gap
    return _refuse_early(out, unparseable, ambiguous, dst_gap)


def _refuse_early(
    utc: pd.Series, unparseable: pd.Series, ambiguous: pd.Series, dst_gap: pd.Series
) -> ParsedTimes:
    early = utc < pd.Timestamp(EARLIEST)
    return ParsedTimes(utc.where(~early), unparseable, ambiguous, dst_gap, early)


def parse_timestamp(raw: Any, tz: str = "UTC") -> tuple[datetime | None, str | None]:
    """One time from a person or a script: (aware UTC datetime, None) or (None, message)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, EMPTY_TIME
    if isinstance(raw, datetime):
        return _from_datetime(raw, tz)
    text = str(raw).strip()
    if len(text) > MAX_TIME_TEXT:
        return None, TIME_HELP
    if _PLAIN_ISO.fullmatch(text):
        try:
            return _from_datetime(datetime.fromisoformat(text), tz)
        except ValueError:  # 2026-02-30, hour 25: pandas refuses these too
            return None, TIME_HELP
    return _one_of(parse_times(pd.Series([text], dtype=object), tz), text, tz)


def _from_datetime(dt: datetime, tz: str) -> tuple[datetime | None, str | None]:
    if isinstance(dt, pd.Timestamp):
        dt = dt.to_pydatetime()
    if dt.tzinfo is None:
        zone = ZoneInfo(tz)
        first, second = dt.replace(tzinfo=zone, fold=0), dt.replace(tzinfo=zone, fold=1)
        if first.utcoffset() != second.utcoffset():  # skipped or repeated by a DST change
            return None, dst_message(tz)
        dt = first
    try:
        utc = dt.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:00-05:00 is past the last representable time
        return None, OUT_OF_RANGE
    if utc < EARLIEST:
        return None, BEFORE_2000
    return utc, None


def _one_of(parsed: ParsedTimes, text: str, tz: str) -> tuple[datetime | None, str | None]:
    if parsed.ambiguous.iat[0]:
        return None, ambiguous_message(text)
    if parsed.dst_gap.iat[0]:
        return None, dst_message(tz)
    if parsed.early.iat[0]:
        return None, BEFORE_2000
    if parsed.unparseable.iat[0]:
        return None, TIME_HELP
    return parsed.utc.iat[0].to_pydatetime(), None
