"""Validation of incoming readings, shared by the form, CSV import, the API and collectors.

One set of rules, one set of messages: a value is a non-negative whole number that fits in
64 bits ("12,345" and "12 345" are accepted; "1e3", "NaN", "-1" and 2^63 are not), a time is
not in the future beyond a small clock-skew allowance, a URL is http(s), text has a length
limit.  Errors are returned per field so the UI can show each next to its input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from perfdash.schema import SOURCES, VALUE_KINDS

MAX_VALUE = 2**63 - 1
MAX_NOTES = 2000
MAX_URL = 2000
FUTURE_ALLOWANCE = timedelta(minutes=10)
_DIGITS = re.compile(r"^\d{1,3}([,\u00a0 \u202f_.]\d{3})+$|^\d+$")


def parse_value(raw: Any) -> tuple[int | None, str | None]:
    """A metric value from a person or a file: (value, None) or (None, message)."""
    if raw is None:
        return None, "Enter a value"
    if isinstance(raw, bool):
        return None, "Value must be a whole number"
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None, "Value must be a finite whole number"
        if not raw.is_integer():
            return None, "Value must be a whole number (no decimals)"
        value = int(raw)
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        if not text:
            return None, "Enter a value"
        if text.startswith("-"):
            return None, "Value must not be negative"
        if text.startswith("+"):
            text = text[1:]
        if not _DIGITS.match(text):
            return None, "Value must be a whole number such as 12345 or 12,345"
        digits = re.sub(r"[^\d]", "", text)
        if len(digits.lstrip("0")) > 19:  # before int(): Python refuses > 4300 digits
            return None, "Value is too large (the maximum is 9,223,372,036,854,775,807)"
        value = int(digits)
    if value < 0:
        return None, "Value must not be negative"
    if value > MAX_VALUE:
        return None, "Value is too large (the maximum is 9,223,372,036,854,775,807)"
    return value, None


def parse_timestamp(raw: Any, tz: str = "UTC") -> tuple[datetime | None, str | None]:
    """An aware UTC datetime; naive input is read in the display time zone ``tz``."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, "Enter when the value was recorded"
    if isinstance(raw, datetime):
        dt = raw
    else:
        text = str(raw).strip().replace("Z", "+00:00")
        if len(text) > 40:
            return None, "Time must look like 2026-03-01 14:30 (ISO 8601)"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            return None, "Time must look like 2026-03-01 14:30 (ISO 8601)"
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(tz))
    if dt.year < 2000:
        return None, "Time is before 2000; check the date"
    try:
        return dt.astimezone(UTC), None
    except OverflowError:  # e.g. 9999-12-31T23:00-05:00 is past the last representable time
        return None, "Time is out of range; check the date"


def clean_text(raw: Any, *, limit: int, name: str) -> tuple[str | None, str | None]:
    if raw is None:
        return None, None
    if isinstance(raw, bytes | bytearray):
        try:
            raw = bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            return None, f"{name} is not UTF-8 text; save the file as UTF-8"
    text = str(raw).strip()
    if not text:
        return None, None
    if len(text) > limit:
        return None, f"{name} is too long ({len(text):,} characters; the limit is {limit:,})"
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        return None, f"{name} contains control characters"
    if any(unicodedata.category(ch) == "Cs" for ch in text):
        return None, f"{name} contains broken characters (not valid Unicode text)"
    return text, None


def clean_url(raw: Any) -> tuple[str | None, str | None]:
    text, error = clean_text(raw, limit=MAX_URL, name="Source URL")
    if error or text is None:
        return text, error
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in text:
        return None, "Source URL must start with http:// or https://"
    return text, None


@dataclass
class Checked:
    """A validated record (``values``) or what is wrong with it (``errors`` by field)."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_record(
    record: dict[str, Any], *, tz: str = "UTC", now: datetime | None = None, source: str = "manual"
) -> Checked:
    """Validate one reading; ``release_id`` must already be resolved to an integer id."""
    out = Checked()
    now = now or datetime.now(UTC)

    rid = record.get("release_id")
    if rid in (None, ""):
        out.errors["release_id"] = "Choose a release"
    else:
        try:
            out.values["release_id"] = int(rid)
        except (TypeError, ValueError):
            out.errors["release_id"] = "Choose a release from the list"

    for name, label, limit in (("platform", "Platform", 100), ("metric_type", "Metric type", 50)):
        text, error = clean_text(record.get(name), limit=limit, name=label)
        if error:
            out.errors[name] = error
        elif not text:
            out.errors[name] = f"Choose or type a {label.lower()}"
        else:
            out.values[name] = text

    value, error = parse_value(record.get("metric_value"))
    if error:
        out.errors["metric_value"] = error
    else:
        out.values["metric_value"] = value

    raw_when = record.get("recorded_at")
    if raw_when in (None, ""):
        out.values["recorded_at"] = now
    else:
        when, error = parse_timestamp(raw_when, tz)
        if error:
            out.errors["recorded_at"] = error
        elif when > now + FUTURE_ALLOWANCE:
            out.errors["recorded_at"] = (
                "Time is in the future; metrics record what already happened"
            )
        else:
            out.values["recorded_at"] = when

    kind = record.get("value_kind") or "total"
    if kind not in VALUE_KINDS:
        out.errors["value_kind"] = (
            "Value kind must be 'total' (lifetime) or 'period' (a count for a period)"
        )
    else:
        out.values["value_kind"] = kind

    url, error = clean_url(record.get("source_url"))
    if error:
        out.errors["source_url"] = error
    else:
        out.values["source_url"] = url

    notes, error = clean_text(record.get("notes"), limit=MAX_NOTES, name="Notes")
    if error:
        out.errors["notes"] = error
    else:
        out.values["notes"] = notes

    out.values["source"] = source if source in SOURCES else "manual"
    return out
