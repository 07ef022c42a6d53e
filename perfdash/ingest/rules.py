"""The one set of rules for what may be stored, with one set of messages.

Every way in (the form, the API, CSV import, collectors, the demo, annotations) checks its input
with these functions or, for a CSV chunk, with vectorised code built on the same patterns and
constants (``perfdash.csvio.validate``).  A value is a non-negative whole number that fits in 64
bits ("12,345" and "12 345" are accepted; "1e3", "NaN", "-1" and 2^63 are not); a time is read by
``perfdash.ingest.times`` and is not in the future beyond a small clock-skew allowance; a URL is
http(s); text has a length limit and no control characters but tab and line feed.  Errors come
back per field so a face can show each next to its input.

Numbers are read as NFKC text with every script's decimal digits as ASCII digits, so "１２３"
and "٣٤٥" are 123 and 345 in every face; a digit that is not a decimal digit ("1²", "½",
"①") is refused, never read as another number.  Text is refused (never cut or cleaned) when it
holds a control character (a single-line field refuses tab, line feed and U+2028/2029 too; a
note keeps tab and line feed, a CR LF in a note is read as LF, a bare CR is refused), a lone
surrogate, or nothing visible (only spaces and zero-width characters); a release key or a
platform identifier refuses invisible (format) characters anywhere, since two keys that look
the same must be the same key.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from perfdash.countries import COUNTRIES, CURRENCIES
from perfdash.ingest.codes import check_code
from perfdash.ingest.times import EMPTY_TIME, TIME_HELP, parse_timestamp
from perfdash.schema.tables import MAX_METRIC_VALUE
from perfdash.vocab import (
    DISTRIBUTION_STATUSES,
    MICRO_UNITS,
    MONEY_METRICS,
    NO_CURRENCY,
    READING_FIELDS,
    RELEASE_CODES,
    RELEASE_IDENTIFIERS,
    SOURCES,
    VALUE_KINDS,
    WORLDWIDE,
)

__all__ = [
    "CONTROL_PATTERN",
    "FORMAT_CHARS",
    "INVISIBLE_PATTERN",
    "LINE_CONTROL_PATTERN",
    "NOTHING_VISIBLE_PATTERN",
    "SURROGATE_PATTERN",
    "EMPTY_TIME",
    "FORMULA_STARTS",
    "FUTURE_ALLOWANCE",
    "GUARD_PATTERN",
    "MAX_ID",
    "MAX_NAME",
    "MAX_NOTES",
    "MAX_URL",
    "MAX_VALUE",
    "INPUT_FIELDS",
    "RELEASE_INPUT_FIELDS",
    "TIME_HELP",
    "UNGUARD_PATTERN",
    "URL_PATTERN",
    "VALUE_PATTERN",
    "Checked",
    "check_record",
    "country_code",
    "currency_code",
    "is_money",
    "money_problem",
    "parse_money",
    "check_release",
    "reading_rules",
    "release_key",
    "value_kind",
    "ascii_digits",
    "clean_text",
    "text_problem",
    "clean_url",
    "csv_safe",
    "csv_unsafe",
    "parse_timestamp",
    "no_release_id",
    "no_release_key",
    "parse_value",
    "shape_errors",
]

MAX_VALUE = MAX_METRIC_VALUE  # the BIGINT column's maximum, 2**63 - 1
MAX_NOTES = 2000
MAX_URL = 2000
MAX_NAME = 255  # release keys, titles, artists, identifiers
MAX_ID = 2**31  # release ids are 32-bit integers: a larger one names no release
FUTURE_ALLOWANCE = timedelta(minutes=10)

VALUE_PATTERN = r"\+?(?:[0-9]{1,3}(?:[,\u00a0 \u202f_.][0-9]{3})+|[0-9]+)"  # ASCII digits
URL_PATTERN = r"(?i:https?)://[^\s/?#]+\S*"
CONTROL_PATTERN = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # Unicode's Cc, less tab and line feed
# a single-line field (keys, names, platforms): every Cc, and the Unicode line separators
LINE_CONTROL_PATTERN = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]"
# Unicode's format characters (Cf: zero-width space and joiners, bidi controls, the BOM, tags),
# generated from unicodedata 14 (a test holds it against the running Python's tables)
FORMAT_CHARS = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f"
)
INVISIBLE_PATTERN = f"[{FORMAT_CHARS}]"
NOTHING_VISIBLE_PATTERN = f"[\\s{FORMAT_CHARS}]*"  # only spaces and zero-width characters
SURROGATE_PATTERN = r"[\ud800-\udfff]"
_VALUE = re.compile(VALUE_PATTERN)
_URL = re.compile(URL_PATTERN)
_CONTROL = re.compile(CONTROL_PATTERN)
_LINE_CONTROL = re.compile(LINE_CONTROL_PATTERN)
_INVISIBLE = re.compile(INVISIBLE_PATTERN)
_NOTHING_VISIBLE = re.compile(NOTHING_VISIBLE_PATTERN)
_SURROGATE = re.compile(SURROGATE_PATTERN)

TOO_LARGE = "Value is too large (the maximum is 9,223,372,036,854,775,807)"
BAD_NUMBER = "Value must be a whole number such as 12345 or 12,345"
BAD_KIND = "Value kind must be 'total' (lifetime) or 'period' (a count for a period)"
FUTURE = "Time is in the future; metrics record what already happened"
KEY_TOO_LONG = "Release key is too long (the limit is 255 characters)"
BAD_COUNTRY = (
    "Country must be an ISO 3166-1 two-letter code such as US, DE or BR (empty: worldwide)"
)
BAD_CURRENCY = "Currency must be an ISO 4217 three-letter code such as USD, EUR or JPY"
NEEDS_CURRENCY = "Earnings need a currency (an ISO 4217 code such as USD)"
NO_CURRENCY_HERE = "Only money metrics (earnings) have a currency; leave it empty"
BAD_MONEY = "Amount must be a number such as 12.34, with at most 6 decimals"

# The fields of one reading as a script, a file or a form sends them: the stored ones, with the
# release named by its key or its pk, and without the source (the face sets it).
INPUT_FIELDS = ("release_key", *(f for f in READING_FIELDS if f != "source"))


# --------------------------------------------------------------------------- values and text


def ascii_digits(text: str) -> str | None:
    """``text`` as NFKC with every script's decimal digits as ASCII ones ("１２３", "٣٤٥" ->
    "123", "345"); None when it holds a digit that is not a decimal digit ("1²", "½", "①"),
    which NFKC alone would read as another number ("1²" -> "12")."""
    if text.isascii():
        return text
    if any(unicodedata.category(c) == "No" for c in text):
        return None
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        str(unicodedata.decimal(c)) if not c.isascii() and c.isdecimal() else c for c in text
    )


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
        if math.copysign(1.0, raw) < 0:  # -0.0 (and JSON's -0): refused as the text "-0" is
            return None, "Value must not be negative"
        value = int(raw)
    else:
        if _SURROGATE.search(str(raw)):
            return None, BAD_NUMBER
        text = ascii_digits(str(raw))
        if text is None:
            return None, BAD_NUMBER
        text = text.strip()
        if not text:
            return None, "Enter a value"
        if text.startswith("-"):
            return None, "Value must not be negative"
        if not _VALUE.fullmatch(text):
            return None, BAD_NUMBER
        digits = re.sub(r"[^0-9]", "", text)
        if len(digits.lstrip("0")) > 19:  # before int(): Python refuses > 4300 digits
            return None, TOO_LARGE
        value = int(digits)
    if value < 0:
        return None, "Value must not be negative"
    if value > MAX_VALUE:
        return None, TOO_LARGE
    return value, None


def clean_text(
    raw: Any, *, limit: int, name: str, multiline: bool = False, key: bool = False
) -> tuple[str | None, str | None]:
    """Trimmed text or None for empty; refused, never cut or cleaned, by ``text_problem``.

    ``multiline`` (notes) keeps tab and line feed; ``key`` (release keys, identifiers) also
    refuses invisible characters anywhere."""
    if raw is None:
        return None, None
    if isinstance(raw, bytes | bytearray):
        try:
            raw = bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            return None, f"{name} is not UTF-8 text; save the file as UTF-8"
    text = str(raw)
    if multiline:
        text = text.replace("\r\n", "\n")
    error = text_problem(text, limit=limit, name=name, multiline=multiline, key=key)
    if error:
        return None, error
    return text.strip() or None, None


def text_problem(
    text: str, *, limit: int, name: str, multiline: bool = False, key: bool = False
) -> str | None:
    """What is wrong with a text (before its outer spaces are trimmed), or None.

    The one list of refusals, in this order, that the CSV check applies to a column with the
    same patterns: too long, control characters, broken (surrogate) characters, invisible
    characters in a key, nothing visible but spaces and zero-width characters."""
    trimmed = text.strip()
    if len(trimmed) > limit:
        return f"{name} is too long ({len(trimmed):,} characters; the limit is {limit:,})"
    if (_CONTROL if multiline else _LINE_CONTROL).search(text):
        return f"{name} contains control characters"
    if _SURROGATE.search(text):
        return f"{name} contains broken characters (not valid Unicode text)"
    if key and _INVISIBLE.search(text):
        return f"{name} contains invisible characters (zero-width or direction marks)"
    if trimmed and _NOTHING_VISIBLE.fullmatch(trimmed):
        return f"{name} has no visible characters"
    return None


def clean_url(raw: Any, *, name: str = "Source URL") -> tuple[str | None, str | None]:
    text, error = clean_text(raw, limit=MAX_URL, name=name)
    if error or text is None:
        return text, error
    if not _URL.fullmatch(text):
        return None, f"{name} must start with http:// or https://"
    return text, None


# --------------------------------------------------------------------------- territories, money


def country_code(raw: Any) -> tuple[str | None, str | None]:
    """A reading's country: an ISO 3166-1 alpha-2 code, stored in upper case ("us" -> "US"),
    or WORLDWIDE ('') when empty; anything else is refused, never guessed."""
    if raw is None:
        return WORLDWIDE, None
    if not isinstance(raw, str):
        return None, "Must be text"
    if _LINE_CONTROL.search(raw):  # before trimming: str.strip drops \x1c-\x1f and \x85 too
        return None, f"{BAD_COUNTRY}; it holds control characters"
    code = raw.strip()
    if not code:
        return WORLDWIDE, None
    code = code.upper()
    if len(code) != 2 or not code.isascii() or code not in COUNTRIES:
        return None, BAD_COUNTRY
    return code, None


def currency_code(raw: Any) -> tuple[str | None, str | None]:
    """A reading's currency: an ISO 4217 code in upper case, or NO_CURRENCY ('') when empty."""
    if raw is None:
        return NO_CURRENCY, None
    if not isinstance(raw, str):
        return None, "Must be text"
    if _LINE_CONTROL.search(raw):
        return None, f"{BAD_CURRENCY}; it holds control characters"
    code = raw.strip()
    if not code:
        return NO_CURRENCY, None
    code = code.upper()
    if len(code) != 3 or not code.isascii() or code not in CURRENCIES:
        return None, BAD_CURRENCY
    return code, None


def is_money(metric_type: str | None) -> bool:
    """Whether a metric type's values are money (micro-units of a currency)."""
    return bool(metric_type) and metric_type.strip().lower() in MONEY_METRICS


def money_problem(metric_type: str | None, currency: str | None) -> str | None:
    """The one rule tying the two fields: money has a currency, nothing else has one."""
    if is_money(metric_type):
        return None if currency else NEEDS_CURRENCY
    return NO_CURRENCY_HERE if currency else None


def parse_money(raw: Any) -> tuple[int | None, str | None]:
    """An amount of money as written ("12.34", "0.004512", "1,234.50") to exact micro-units
    (12340000, 4512, 1234500000): decimal text, never a float, so nothing is rounded."""
    if isinstance(raw, bool) or raw is None:
        return None, BAD_MONEY
    if isinstance(raw, int):
        text = str(raw)
    else:
        text = ascii_digits(str(raw))
        if text is None:
            return None, BAD_MONEY
        text = text.strip().replace(",", "")
    match = re.fullmatch(r"\+?([0-9]{1,19})(?:\.([0-9]{0,6}))?|\+?\.([0-9]{1,6})", text)
    if not match:
        if text.startswith("-"):
            return None, "Amount must not be negative"
        return None, BAD_MONEY
    whole = int(match.group(1) or 0)
    fraction = (match.group(2) or match.group(3) or "").ljust(6, "0")
    value = whole * MICRO_UNITS + int(fraction)
    if value > MAX_VALUE:
        return None, TOO_LARGE
    return value, None


# --------------------------------------------------------------------------- csv-safe text
# A spreadsheet runs a cell that starts with = + - @ tab or CR as a formula (CSV injection), so
# an export puts an apostrophe before such text; the import removes exactly that apostrophe.
# Text that already starts with apostrophes before such a character gets one more, so the
# round trip gives back every text unchanged (a title "'=x" exports as "''=x").

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD_PATTERN = r"^'*[=+\-@\t\r]"
UNGUARD_PATTERN = r"^'(?='*[=+\-@\t\r])"
_GUARD = re.compile(GUARD_PATTERN)
_UNGUARD = re.compile(UNGUARD_PATTERN)


def csv_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula; numbers and other text pass."""
    if isinstance(value, str) and _GUARD.match(value):
        return "'" + value
    return value


def csv_unsafe(text: str) -> str:
    """The exact inverse of ``csv_safe`` for text read back from a CSV file."""
    return _UNGUARD.sub("", text, count=1)


# --------------------------------------------------------------------------- one reading


@dataclass
class Checked:
    """A validated record (``values``) or what is wrong with it (``errors`` by field)."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


Rule = Callable[[Any], tuple[Any, str | None]]


def reading_rules(*, tz: str = "UTC", now: datetime | None = None) -> dict[str, Rule]:
    """The rule of every field of a reading but its release, in the order errors are listed.

    Each takes the raw value and returns (value to store, None) or (None, message); a table of
    readings applies them once per distinct value (``ingest.frames``), one record per field.
    """
    now = now or datetime.now(UTC)

    def required(name: str, limit: int) -> Rule:
        def rule(raw: Any) -> tuple[Any, str | None]:
            text, error = clean_text(raw, limit=limit, name=name)
            if error or text:
                return text, error
            return None, f"Choose or type a {name.lower()}"

        return rule

    def when(raw: Any) -> tuple[Any, str | None]:
        if raw is None or (isinstance(raw, str) and raw == ""):
            return now, None
        at, error = parse_timestamp(raw, tz)
        if error:
            return None, error
        if at > now + FUTURE_ALLOWANCE:
            return None, FUTURE
        return at, None

    return {
        "platform": required("Platform", 100),
        "metric_type": required("Metric type", 50),
        "metric_value": parse_value,
        "recorded_at": when,
        "value_kind": value_kind,
        "source_url": clean_url,
        "notes": lambda raw: clean_text(raw, limit=MAX_NOTES, name="Notes", multiline=True),
        "country": country_code,
        "currency": currency_code,
    }


def value_kind(raw: Any) -> tuple[str | None, str | None]:
    """'total' (a lifetime total, the default) or 'period' (a count for a period)."""
    kind = raw.strip().lower() if isinstance(raw, str) else raw
    kind = kind or "total"
    return (kind, None) if kind in VALUE_KINDS else (None, BAD_KIND)


def check_record(
    record: dict[str, Any], *, tz: str = "UTC", now: datetime | None = None, source: str = "manual"
) -> Checked:
    """Validate one reading; ``release_id`` must already be resolved to an integer id.

    No ``recorded_at`` means now; no ``value_kind`` means a lifetime total.
    """
    out = Checked()
    rid = record.get("release_id")
    if rid in (None, ""):
        out.errors["release_id"] = "Choose a release"
    else:
        try:
            out.values["release_id"] = int(rid)
        except (TypeError, ValueError):
            out.errors["release_id"] = "Choose a release from the list"
    for name, rule in reading_rules(tz=tz, now=now).items():
        value, error = rule(record.get(name))
        if error:
            out.errors[name] = error
        else:
            out.values[name] = value
    if "metric_type" in out.values and "currency" in out.values:
        problem = money_problem(out.values["metric_type"], out.values["currency"])
        if problem:
            out.errors["currency"] = problem
    out.values["source"] = source if source in SOURCES else "manual"
    return out


def no_release_key(key: Any) -> str:
    return f"No release with key {str(key)[:100]!r}"


def no_release_id(rid: Any) -> str:
    return f"Release {rid} does not exist (any more); choose another"


def shape_errors(record: Any) -> dict[str, str]:
    """What is wrong with a reading's shape before its values are read: it must be a mapping
    of known fields, text where text is meant (a script's JSON may send anything)."""
    if not isinstance(record, dict):
        return {"record": "Each record must be a JSON object"}
    errors = {name: "Unknown field" for name in sorted(set(record) - set(INPUT_FIELDS))}
    for name in (
        "platform",
        "metric_type",
        "source_url",
        "notes",
        "value_kind",
        "country",
        "currency",
    ):
        if record.get(name) is not None and not isinstance(record[name], str):
            errors[name] = "Must be text"
    when = record.get("recorded_at")
    if when is not None and not isinstance(when, str | datetime):
        errors["recorded_at"] = "Must be text"
    value = record.get("metric_value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float | str)):
        errors["metric_value"] = "Must be a whole number"
    return errors


# --------------------------------------------------------------------------- one release

RELEASE_TEXT = {
    "title": "Title",
    "artist_name": "Artist",
    **RELEASE_IDENTIFIERS,
    "suno_clip_id": "Suno clip id",
    "luma_generation_id": "Luma generation id",
}
GENERATION_IDS = ("suno_clip_id", "luma_generation_id")
# what the music and the video were generated from: several lines, kept as written
RELEASE_PROMPTS = {"track_prompt": "Track prompt", "video_prompt": "Video prompt"}
MAX_PROMPT = 4000
RELEASE_URLS = {"track_url": "Track URL", "video_url": "Video URL"}
RELEASE_INPUT_FIELDS = (
    "release_key",
    *RELEASE_TEXT,
    *RELEASE_CODES,
    "approved_at",
    "distribution_status",
    *RELEASE_URLS,
    *RELEASE_PROMPTS,
)


def check_release(fields: dict[str, Any], *, tz: str = "UTC", creating: bool = True) -> Checked:
    """Validate a release's fields (``RELEASE_INPUT_FIELDS``); ``values`` are store columns.

    A field that is absent is left as it is (on create: the column's default); an empty text
    clears it.  No status means pending on create.
    """
    out = Checked()
    for name in sorted(set(fields) - set(RELEASE_INPUT_FIELDS)):
        out.errors[name] = "Unknown field"
    for name, value in fields.items():
        if name in RELEASE_INPUT_FIELDS and value is not None and not isinstance(value, str):
            if not (name == "approved_at" and isinstance(value, datetime)):
                out.errors[name] = "Must be text"

    if "release_key" not in out.errors:
        key, error = release_key(fields.get("release_key"))
        _keep(out, "release_key", key, error)

    for name, label in RELEASE_TEXT.items():
        if name in fields and name not in out.errors:
            text, error = clean_text(
                fields[name],
                limit=MAX_NAME,
                name=label,
                key=name in RELEASE_IDENTIFIERS or name in GENERATION_IDS,
            )
            _keep(out, name, text, error)
    for name, label in RELEASE_PROMPTS.items():
        if name in fields and name not in out.errors:
            text, error = clean_text(fields[name], limit=MAX_PROMPT, name=label, multiline=True)
            _keep(out, name, text, error)
    for name, label in RELEASE_URLS.items():
        if name in fields and name not in out.errors:
            url, error = clean_url(fields[name], name=label)
            _keep(out, name, url, error)
    for name in RELEASE_CODES:  # ISRC and UPC: separators dropped, the check digit checked
        if name in fields and name not in out.errors:
            code, error = check_code(name, fields[name])
            _keep(out, name, code, error)

    status = fields.get("distribution_status")
    if "distribution_status" not in out.errors and (status or creating):
        status = status or "pending"
        if status in DISTRIBUTION_STATUSES:
            out.values["distribution_status"] = status
        else:
            out.errors["distribution_status"] = (
                f"Status must be one of {', '.join(DISTRIBUTION_STATUSES)}"
            )

    approved = fields.get("approved_at")
    if "approved_at" not in out.errors and approved not in (None, ""):
        when, error = parse_timestamp(approved, tz)
        _keep(out, "approved_at", when, error and error.replace("Time", "Approval date"))
    return out


def release_key(raw: Any) -> tuple[str | None, str | None]:
    """A release key as every face reads it (the form, the API, a CSV file, a lookup): text,
    trimmed, at most 255 characters, nothing invisible or broken in it."""
    if raw is not None and not isinstance(raw, str):
        return None, "Must be text"
    key, error = clean_text(raw, limit=10**9, name="Release key", key=True)
    if error:
        return None, error
    if not key:
        return None, "Enter a release key (the workflow's id, e.g. a UUID)"
    if len(key) > MAX_NAME:
        return None, KEY_TOO_LONG
    return key, None


def _keep(out: Checked, name: str, value: Any, error: str | None) -> None:
    if error:
        out.errors[name] = error
    else:
        out.values[name] = value
