"""Tags on releases: the rule every face checks a tag by, and the one write path.

A tag names a campaign, a mood or a series ("summer-campaign", "lofi").  Two spellings of one
tag must not become two tags, so a tag is normalised before it is judged: Unicode NFKC, outer
spaces trimmed, lower case (``casefold``), runs of spaces, underscores and hyphens made one
hyphen and none kept at the ends ("Summer Campaign", "summer_campaign" and "-summer-campaign"
are "summer-campaign").  What is left may hold
letters, digits and inner hyphens, at most ``MAX_TAG`` characters; a release carries at most
``MAX_TAGS``.  Control, broken and invisible characters are refused with the words of
``rules.text_problem``, as for every other text.  The form, the CLI, the API and a CSV file's
``tags`` column (tags between ";" or ",") all come through ``clean_tags``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection, Engine

from perfdash import store
from perfdash.ingest.rules import text_problem

MAX_TAG = 50
MAX_TAGS = 20
TAG_MODES = ("set", "add", "remove")
_SPACES = re.compile(r"[\s_]+")
_TAG = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")  # letters and digits, hyphens inside


def clean_tag(raw: Any) -> tuple[str | None, str | None]:
    """One tag, normalised, or why it is refused."""
    if not isinstance(raw, str):
        return None, "Tag must be text"
    problem = text_problem(raw, limit=10**6, name="Tag", key=True)
    if problem:
        return None, problem
    text = _SPACES.sub("-", unicodedata.normalize("NFKC", raw).strip().casefold())
    text = re.sub("-{2,}", "-", text).strip("-")
    shown = raw.strip()
    if not text:
        return None, "Tag is empty"
    if len(text) > MAX_TAG:
        return (
            None,
            f"Tag {shown[:20]!r}… is too long ({len(text)} characters; the limit is {MAX_TAG})",
        )
    if "_" in text or not _TAG.fullmatch(text):
        bad = next((c for c in text if not (c.isalnum() or c == "-")), "-")
        return None, f"Tag {shown!r} may hold letters, digits and inner hyphens only, not {bad!r}"
    return text, None


def clean_tags(raw: Any) -> tuple[list[str], str | None]:
    """Tags from a list of texts or one comma-separated text, normalised, each once, sorted;
    or why they are refused (naming the tag).  None or "" is no tag."""
    if raw is None:
        return [], None
    if isinstance(raw, str):
        parts = [p for p in raw.split(",") if p.strip()]
    elif isinstance(raw, list | tuple):
        parts = list(raw)
    else:
        return [], "Tags must be a list of texts or one comma-separated text"
    if len(parts) > MAX_TAGS * 5:
        return [], f"Too many tags (a release carries at most {MAX_TAGS})"
    out = []
    for part in parts:
        tag, problem = clean_tag(part)
        if problem:
            return [], problem
        if tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        return [], f"Too many tags ({len(out)}; a release carries at most {MAX_TAGS})"
    return sorted(out), None


@dataclass(frozen=True)
class TagChange:
    """What ``tag_release`` did: the release's tags afterwards, or why nothing changed."""

    tags: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def tag_release(
    bind: Engine | Connection, release_pk: int, raw: Any, *, mode: str = "set"
) -> TagChange:
    """Set (replace), add or remove a release's tags, every tag checked first; a refused tag,
    an unknown release or too many tags change nothing."""
    if mode not in TAG_MODES:
        return TagChange(error=f"Mode must be one of {', '.join(TAG_MODES)}")
    tags, problem = clean_tags(raw)
    if problem:
        return TagChange(error=problem)
    with store.transaction(bind) as conn:
        if store.get_release(conn, release_pk) is None:
            return TagChange(error=f"There is no release with id {release_pk}")
        now = store.release_tags_of(conn, [release_pk]).get(release_pk, [])
        after = _changed(now, tags, mode)
        if len(after) > MAX_TAGS:
            return TagChange(
                error=f"Too many tags ({len(after)}; a release carries at most {MAX_TAGS})"
            )
        store.set_release_tags(conn, release_pk, after)
    return TagChange(after)


def _changed(now: Sequence[str], tags: Sequence[str], mode: str) -> list[str]:
    if mode == "set":
        return sorted(set(tags))
    if mode == "add":
        return sorted(set(now) | set(tags))
    return sorted(set(now) - set(tags))
