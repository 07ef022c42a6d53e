"""Goals through the one write path: a target per release, artist or tag, checked once for
the dashboard's form, the command line and the API with ``ingest.rules``' checks and messages.

A goal's fields, as every face names them:

- ``release`` (a key or id), ``artist`` (exactly as the releases credit it) or ``tag`` (written
  as ``ingest.tags.clean_tag`` reads it, on at least one release): what it is for, one of them;
- ``metric``: a counter or an audience (a score has levels, not a total to reach);
- ``target``: a whole number above 0, written as a value is (``1,000,000`` reads as a million);
- ``by`` (a day, YYYY-MM-DD, today or later) or ``first_days`` (1 to 3,650): the target's
  total by that day, or within that many days of the launch.  For an artist or a tag,
  ``first_days`` is a goal for each of its launches (``perfdash.goals`` judges each one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection, Engine

from perfdash import metrics, store
from perfdash.ingest.annotations import find_release
from perfdash.ingest.rules import MAX_NAME, clean_text, parse_value
from perfdash.ingest.tags import clean_tag

GOAL_FIELDS = ("release", "artist", "tag", "metric", "target", "by", "first_days")
MAX_FIRST_DAYS = 3650


@dataclass
class SavedGoal:
    id: int | None
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.id is not None


def _text(fields: dict[str, Any], name: str, label: str, limit: int, errors: dict) -> str | None:
    raw = fields.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str):
        if name == "release" and isinstance(raw, int) and not isinstance(raw, bool):
            return str(raw)
        errors[name] = "Must be text"
        return None
    text, error = clean_text(raw, limit=limit, name=label, key=True)
    if error:
        errors[name] = error
    return text


def _when(fields: dict[str, Any], today: date, errors: dict) -> tuple[date | None, int | None]:
    by, first = fields.get("by"), fields.get("first_days")
    by = None if by in (None, "") else by
    first = None if first in (None, "") else first
    if (by is None) == (first is None):
        errors["by"] = "Give a day (by) or a number of days after launch (first_days), one of them"
        return None, None
    if by is not None:
        if not isinstance(by, str | date):
            errors["by"] = "Must be a day as YYYY-MM-DD"
            return None, None
        try:
            day = by if isinstance(by, date) else date.fromisoformat(by.strip())
        except ValueError:
            errors["by"] = "Must be a day as YYYY-MM-DD"
            return None, None
        if day < today:
            errors["by"] = f"{day} is in the past; a goal is for today or later"
        elif day.year > 2100:
            errors["by"] = "Must be a day before 2101"
        return day, None
    days, error = parse_value(first)
    if error or days is None or not 1 <= days <= MAX_FIRST_DAYS:
        errors["first_days"] = f"Must be a whole number of days from 1 to {MAX_FIRST_DAYS:,}"
        return None, None
    return None, days


def save_goal(
    bind: Engine | Connection,
    fields: dict[str, Any],
    *,
    today: date,
    created_by: str | None = None,
) -> SavedGoal:
    """Check ``fields`` (every problem at once, by field) and store the goal; nothing is
    written when anything is wrong."""
    if not isinstance(fields, dict):
        return SavedGoal(None, {"goal": "Must be an object of fields"}, "Nothing was saved.")
    errors = {name: "Unknown field" for name in sorted(set(fields) - set(GOAL_FIELDS))}
    release_ref = _text(fields, "release", "Release", MAX_NAME, errors)
    artist = _text(fields, "artist", "Artist", MAX_NAME, errors)
    tag = _tag(fields, errors)
    metric = _text(fields, "metric", "Metric", 50, errors)
    target, error = parse_value(fields.get("target"))
    if error or not target:
        errors["target"] = error.replace("Value", "Target") if error else "Target must be above 0"
    by, first_days = _when(fields, today, errors)
    subjects = (("release", release_ref), ("artist", artist), ("tag", tag))
    named = [n for n, v in subjects if v is not None]
    if len(named) != 1 and not {"release", "artist", "tag"} & set(errors):
        errors["release"] = "Name one release (key or id), one artist or one tag"
    if metric is None and "metric" not in errors:
        errors["metric"] = "Enter the metric (views, streams, ...)"
    release = None
    if release_ref is not None and "release" not in errors:
        release = find_release(bind, release_ref)
        if release is None:
            errors["release"] = f"No release with key or id {release_ref!r}"
    if artist is not None and "artist" not in errors and not store.artist_release_ids(bind, artist):
        errors["artist"] = f"No release is credited to {artist!r}"
    if tag is not None and "tag" not in errors and not store.tagged_release_ids(bind, tag):
        errors["tag"] = f"No release carries the tag {tag!r}"
    if metric is not None and "metric" not in errors:
        kind = metrics.metric_kind(metric, store.metric_kind_overrides(bind))
        if kind.is_score:
            errors["metric"] = f"{metric} is a score (a level): it has no total to reach"
    if errors:
        return SavedGoal(
            None, errors, "Nothing was saved: " + "; ".join(f"{k}: {v}" for k, v in errors.items())
        )
    pk = store.create_goal(
        bind,
        scope=named[0],
        release_id=None if release is None else int(release["id"]),
        artist_name=artist,
        tag=tag,
        metric_type=metric,
        target=int(target),
        due_on=by,
        first_days=first_days,
        created_by=created_by,
    )
    what = release["release_id"] if release is not None else artist or f"tag {tag}"
    each = release is None
    return SavedGoal(
        pk, {}, f"Goal {pk} saved for {what}: {describe(metric, target, by, first_days, each)}."
    )


def _tag(fields: dict[str, Any], errors: dict) -> str | None:
    """The tag as every tag is read (``clean_tag``: "Summer Campaign" is "summer-campaign")."""
    raw = fields.get("tag")
    if raw is None:
        return None
    tag, error = clean_tag(raw)
    if error:
        errors["tag"] = error
    return tag


def describe(
    metric: str,
    target: int,
    due_on: date | None,
    first_days: int | None,
    each_launch: bool = False,
) -> str:
    """The goal in words: '1,000,000 views by 2027-03-01', '100,000 streams in the first 28
    days' (of each launch, for an artist's or a tag's goal)."""
    when = f"by {due_on.isoformat()}" if due_on else f"in the first {first_days} days"
    if each_launch and due_on is None:
        when += " of each launch"
    return f"{metrics.format_number(target)} {metric} {when}"
