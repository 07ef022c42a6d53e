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

from perfdash import ingest, store

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


def check_annotation(
    engine: Engine, release: Any, when: Any, text: Any, *, tz: str = "UTC"
) -> CheckedAnnotation:
    """Validate every field and report all problems at once, keyed by field name.

    ``release`` may be a release id (int or digits), a release key, or empty for the catalog.
    """
    out = CheckedAnnotation()
    if release is not None and str(release).strip():
        raw = str(release).strip()
        found = None
        if isinstance(release, int) or raw.isdigit():
            found = store.get_release(engine, int(raw))
        if found is None:
            found = store.get_release_by_key(engine, raw)
        if found is None:
            out.errors["release"] = f"No release with id or key {raw!r}"
        else:
            out.release_id = found["id"]
    out.at, error = ingest.parse_timestamp(when, tz)
    if error:
        out.errors["date"] = error.replace("when the value was recorded", "the date of the note")
    out.text, error = ingest.clean_text(text, limit=MAX_TEXT, name="text")
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
