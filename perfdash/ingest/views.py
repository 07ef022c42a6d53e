"""Saved dashboard views: the rules a view's name and query are held to, and the one write path
(the dashboard's "Save view" and ``/api/v1/views`` both come through here).

Who owns a view: a saved view belongs to whoever saved it, so ``owner`` is one text, never
shown: ``user:NAME`` for a signed-in user, ``token:NAME`` for an API token (tokens are not
tied to a user), and ``ANONYMOUS`` (``""``) for everyone on an open local install without
sign-in, which has one person at its keyboard: they share one list and one default.  The
prefixes keep a user called ``token:ci`` apart from the token ``ci``.

A name is text as every other (``rules.text_problem``: control, broken and invisible
characters refused), trimmed, 1 to ``MAX_NAME`` characters, unique per owner (exactly as
typed: "Summer" and "summer" are two views).  Saving under a name the owner already uses
replaces that view only when the caller says so; otherwise it is refused with ``exists`` set,
so the face can ask.  A view is a dashboard URL query (``?release=3&period=28d``, or the same
after ``/dashboard``) naming only keys the dashboard reads; what its values mean is the
dashboard's to judge when it is opened, as for any bookmark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy.engine import Connection, Engine

from perfdash import store
from perfdash.ingest.rules import text_problem

ANONYMOUS = ""  # the one owner of an open install without sign-in
MAX_NAME = 80
MAX_VIEW = 2000
MAX_VIEWS = 100  # an owner's saved views
DASHBOARD = "/dashboard"
VIEW_KEYS = (
    "release",
    "period",
    "from",
    "to",
    "compare",
    "archived",
    "platform",
    "metric",
    "granularity",
    "mode",
    "view",
    "lbmetric",
    "forecast",
    "country",
    "tag",
)


def user_owner(username: str) -> str:
    return f"user:{username}"


def token_owner(token_name: str) -> str:
    return f"token:{token_name}"


def clean_view_name(raw: Any) -> tuple[str | None, str | None]:
    """A view's name, trimmed, or why it is refused (naming "View name")."""
    if not isinstance(raw, str):
        return None, "View name must be text"
    problem = text_problem(raw, limit=MAX_NAME, name="View name")
    if problem:
        return None, problem
    name = raw.strip()
    if not name:
        return None, "View name is empty: type a name for this view"
    return name, None


def clean_view_query(raw: Any) -> tuple[str | None, str | None]:
    """A dashboard view as its URL query (``?release=3&period=28d``), or why it is refused."""
    if not isinstance(raw, str):
        return None, "View must be text: a dashboard query such as ?release=3&period=28d"
    problem = text_problem(raw, limit=MAX_VIEW, name="View", key=True)
    if problem:
        return None, problem
    text = raw.strip()
    if text.startswith(DASHBOARD):
        text = text[len(DASHBOARD) :]
    if not text.startswith("?") or not text.lstrip("?"):
        return None, "View must be a dashboard query such as ?release=3&period=28d"
    pairs = parse_qsl(text[1:], keep_blank_values=True)
    unknown = sorted({k for k, _ in pairs if k not in VIEW_KEYS})
    if unknown:
        shown = ", ".join(repr(k[:30]) for k in unknown[:3])
        return None, f"View names {shown}, which the dashboard does not read"
    if not pairs:
        return None, "View must be a dashboard query such as ?release=3&period=28d"
    for key, value in pairs:  # what %-escapes hide is held to the same rules
        problem = text_problem(value, limit=MAX_VIEW, name=f"View's {key}", key=True)
        if problem:
            return None, problem
    return "?" + urlencode(pairs), None


@dataclass(frozen=True)
class ViewSave:
    """What ``save_view`` did: the view's id, or why nothing changed (``field`` names the
    input; ``exists``: the name is taken and replacing was not asked for)."""

    id: int | None = None
    name: str | None = None
    error: str | None = None
    field: str | None = None
    exists: bool = False
    replaced: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


def save_view(
    bind: Engine | Connection,
    owner: str,
    name: Any,
    view: Any,
    *,
    replace: bool = False,
    default: bool = False,
) -> ViewSave:
    """Save ``view`` as the owner's ``name``: both checked first, a taken name replaced only
    with ``replace``, ``default`` making it the owner's default; a refusal changes nothing."""
    clean_name, problem = clean_view_name(name)
    if problem:
        return ViewSave(error=problem, field="name")
    query, problem = clean_view_query(view)
    if problem:
        return ViewSave(error=problem, field="view")
    with store.transaction(bind) as conn:
        taken = store.saved_view_named(conn, owner, clean_name)
        if taken is not None and not replace:
            return ViewSave(
                name=clean_name,
                error=f"You already have a view named {clean_name!r}",
                field="name",
                exists=True,
            )
        if taken is None and store.count_saved_views(conn, owner) >= MAX_VIEWS:
            return ViewSave(
                error=f"You have {MAX_VIEWS} saved views, the most there may be: delete one first",
                field="name",
            )
        view_id = store.upsert_saved_view(conn, owner, clean_name, query, default=default)
    return ViewSave(id=view_id, name=clean_name, replaced=taken is not None)


def delete_view(bind: Engine | Connection, owner: str, view_id: Any) -> bool:
    """Delete the owner's view ``view_id``; False (nothing changed) when they have none such."""
    if not is_view_id(view_id):
        return False
    return store.delete_saved_view(bind, owner, int(view_id))


def make_default(bind: Engine | Connection, owner: str, view_id: Any) -> bool:
    """Make the owner's view ``view_id`` their default, or (None) have no default; False
    (nothing changed) when they have no view with this id."""
    if view_id is None:
        return store.set_default_view(bind, owner, None)
    if not is_view_id(view_id):
        return False
    return store.set_default_view(bind, owner, int(view_id))


def is_view_id(value: Any) -> bool:
    """A JSON number that can be a view's id (a serial): never a bool, text or float."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31
