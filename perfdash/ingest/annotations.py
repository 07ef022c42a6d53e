"""Checking an annotation before it is stored: one rule for the dashboard form, CLI and API.

An annotation is a dated note on one release or, with no release, on the whole catalog.  A bare
date ("2026-03-01") means that day in the display time zone (stored as its local midnight in
UTC), so the marker lands on the day's bucket in every chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from perfdash import store
from perfdash.ingest.rules import clean_text, release_key
from perfdash.ingest.times import EMPTY_TIME, parse_timestamp

MAX_TEXT = store.MAX_ANNOTATION_TEXT


@dataclass
class CheckedAnnotation:
    release_id: int | None = None
    at: datetime | None = None
    text: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def find_release(engine: Engine, value: Any) -> dict[str, Any] | None:
    """The release a person or script names: a number is perfdash's id; a text is tried as an
    id when it is digits (the dashboard and CLI pass ids as text), then as a release key.

    Only ASCII digits that fit the id column are tried as an id ("²" is a digit to Python
    but not a number, and a 30-digit id would overflow the database's integer), so odd
    input is simply "not found" instead of an error.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        # a number is an id, never a key (a release may have the key "0")
        return store.get_release(engine, value) if 0 < value < 2**31 else None
    raw = str(value).strip()
    if not raw:
        return None
    found = None
    if raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31:
        found = store.get_release(engine, int(raw))
    if found is None and len(raw) <= 255:
        found = store.get_release_by_key(engine, raw)
    return found


def check_annotation(
    engine: Engine, release: Any, when: Any, text: Any, *, tz: str = "UTC"
) -> CheckedAnnotation:
    """Validate every field and report all problems at once, keyed by field name.

    ``release`` may be a release id (int or digits), a release key, or empty for the catalog.
    """
    out = CheckedAnnotation()
    if release is not None and str(release).strip():
        raw = str(release).strip()
        _, key_error = release_key(raw) if isinstance(release, str) else (None, None)
        found = None if key_error else find_release(engine, release)
        if key_error:  # never looked up: NUL or a lone surrogate would reach the driver
            out.errors["release"] = key_error
        elif found is None:
            out.errors["release"] = f"No release with id or key {raw[:100]!r}"
        else:
            out.release_id = found["id"]
    out.at, error = parse_timestamp(when, tz)
    if error:
        out.errors["date"] = "Enter the date of the note" if error == EMPTY_TIME else error
    out.text, error = clean_text(text, limit=MAX_TEXT, name="text")
    if error:
        out.errors["text"] = error
    elif not out.text:
        out.errors["text"] = "Write what happened (e.g. playlist add)"
    return out


def add_annotation(
    engine: Engine,
    release: Any,
    when: Any,
    text: Any,
    *,
    tz: str = "UTC",
    created_by: str | None = None,
) -> tuple[int | None, dict[str, str]]:
    """Check and store; returns (new id, {}) or (None, errors by field) having written nothing."""
    checked = check_annotation(engine, release, when, text, tz=tz)
    if not checked.ok:
        return None, checked.errors
    new_id = store.create_annotation(
        engine, checked.release_id, checked.at, checked.text, created_by=created_by
    )
    return new_id, {}
