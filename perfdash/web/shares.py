"""The one door for a share link's visitor: what a request made through a link may reach.

A link opens at ``/share/<token>``.  That page's script (``assets/share.js``) sends the token
in the ``X-Perfdash-Share`` header with every request the Dash renderer makes, so a link works
without a cookie -- in a fresh browser and inside another site's frame, where the session cookie
is not sent.  A request that carries a link (in its path or that header) is a share request,
whoever sends it, signed in or not:

* the link must be live: an unknown, revoked or expired link gets a page (or, for the
  renderer's requests, a JSON answer) that says which, never the app;
* it reaches only the link's page, the renderer's own routes and static files: no other page,
  no API, no sign-in form (``gate``, the sign-in gate's first step);
* a callback must be one of the link's view (``READ_CALLBACKS``, ``ARTIST_CALLBACKS``,
  ``TAG_CALLBACKS``: no write, no release search, no leaderboard, no catalog-wide alerts), and
  every value it sends that names releases, an artist, a tag or the period must be the link's (``check_callback``, after ``ui.inputs`` checked the
  JSON types);
* the role of a share request is none (``auth.current_role``): every write check refuses it;
* only a share link's answers may be framed, by the origins of ``PERFDASH_EMBED_ORIGINS``
  (``frame_ancestors``, read by ``web.security``); everything else stays DENY.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request

from perfdash import shares
from perfdash.web.limits import DASH_CALLBACK, refusal
from perfdash.web.security import error_page

HEADER = "X-Perfdash-Share"
EMBED_HEADER = "X-Perfdash-Embed"
RENDERER_PATHS = ("/_dash-layout", "/_dash-dependencies", DASH_CALLBACK, "/_favicon.ico")
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
# the callbacks of a shared dashboard view (module.function): everything else is refused
READ_CALLBACKS = frozenset(
    {
        "perfdash.ui.shell.route",
        "perfdash.ui.pages.dashboard.callbacks.render_view",
        "perfdash.ui.pages.dashboard.records.export",
        "perfdash.ui.panels.annotations.list_notes",
    }
)
STEPS = ("dash-prev.n_clicks", "dash-next.n_clicks")  # a step moves the period: never
# an artist page's link: its own callbacks (the page leaves the artists' ranking out)
ARTIST_CALLBACKS = frozenset(
    {
        "perfdash.ui.shell.route",
        "perfdash.ui.pages.artists.query_string",
        "perfdash.ui.pages.artists.artist_view",
    }
)
# a tag's overview: its numbers, chart, lists and goals; not the catalog's alerts and freshness
TAG_CALLBACKS = frozenset(
    {
        "perfdash.ui.shell.route",
        "perfdash.ui.pages.overview.query",
        "perfdash.ui.pages.overview.overview",
        "perfdash.ui.pages.overview.tag_goals",
    }
)
CALLBACKS = {"dashboard": READ_CALLBACKS, "artist": ARTIST_CALLBACKS, "tag": TAG_CALLBACKS}
OUTSIDE = "A share link shows its own view only"


def _token() -> str | None:
    if request.path.startswith(shares.SHARE_PATH):
        return request.path[len(shares.SHARE_PATH) :]
    return request.headers.get(HEADER)


def current() -> dict[str, Any] | None:
    """The live link this request was let in by, or None (not a share request)."""
    return g.get("perfdash_share")


def embedded() -> bool:
    """The page asked to be shown without navigation (``?embed=1`` on the link)."""
    return current() is not None and (
        request.args.get("embed") == "1" or request.headers.get(EMBED_HEADER) == "1"
    )


def gate() -> tuple[bool, Any]:
    """``(is a share request, the refusal or None)``: the sign-in gate's first step."""
    token = _token()
    if token is None:
        return False, None
    ext = current_app.extensions["perfdash"]
    link = shares.lookup(ext["engine"], token)
    page = request.path.startswith(shares.SHARE_PATH)
    if link is None or shares.status(link) != "live":
        message = shares.ended_message(link, ext["settings"].tz)
        code = 404 if link is None else 410
        title = "Share link not found" if link is None else "Share link ended"
        return True, (
            error_page(title, message, code, retry=False) if page else refusal(code, message)
        )
    if page and request.method not in ("GET", "HEAD"):
        return True, refusal(405, f"{OUTSIDE}; it cannot be sent anything.")
    if (
        not page
        and request.path not in RENDERER_PATHS
        and not request.path.startswith(STATIC_PREFIXES)
    ):
        return True, refusal(403, f"{OUTSIDE}: no other page, no API. Sign in for more.")
    g.perfdash_share = link
    g.perfdash_share_path = shares.SHARE_PATH + token
    return True, None


def _qualname(entry: dict[str, Any]) -> str:
    func = entry.get("callback")
    func = getattr(func, "__wrapped__", func)
    return f"{func.__module__}.{func.__name__}" if func else ""


def _releases(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def value_problem(link: dict[str, Any], key: str, value: Any, *, state: bool) -> str | None:
    """Why one callback value lies outside the link, or None."""
    fixed = shares.pinned(link)
    period = (fixed.get("period") or [shares.DEFAULT_PERIOD])[0]
    if key == "url.pathname":
        return None if value == g.get("perfdash_share_path") else "asks for another page"
    if key == "url.search":
        return shares.query_problem(link, value or "", needs_releases=False)
    if key == "art-query.data":
        if value is None and state:
            return None
        return shares.query_problem(link, value or "", needs_releases=True)
    if key == "art-artist.value" and [value] != fixed.get("artist"):
        return "names an artist this link does not show"
    if key == "art-period.value" and value != period:
        return "changes the link's period"
    if key == "ov-query.data":
        if value is None and state:
            return None
        return shares.query_problem(link, value or "", needs_releases=True)
    if key == "ov-tag.value" and [value] != fixed.get("tag"):
        return "names a tag this link does not show"
    if key == "ov-period.value" and value != period:
        return "changes the link's period"
    if key == "dash-query.data":
        if value is None and state:
            return None
        return shares.query_problem(link, value or "", needs_releases=True)
    if key == "dash-release.value":
        ids = _releases(value)
        if not ids or any(r not in link["release_ids"] for r in ids):
            return "names a release this link does not show"
    if key == "dash-period.value" and value != period:
        return "changes the link's period"
    if key in ("dash-range.start_date", "dash-range.end_date") and period == "custom":
        wanted = (fixed.get("from" if key.endswith("start_date") else "to") or [None])[0]
        if (value or "")[:10] != wanted:
            return "changes the link's dates"
    if key == "dash-compare.value" and bool(value) != ("compare" in fixed):
        return "changes the link's comparison"
    if key == "dash-view.active_tab" and value not in (None, "release"):
        return "asks for the leaderboard"
    if key in STEPS and value:
        return "steps the link's period"
    return None


def check_callback(callback_map: dict[str, Any]):
    """``before_request`` after ``ui.inputs``: a share request's callback must be one of its
    view's, and every release or period it sends the link's."""
    link = current()
    if link is None or request.path != DASH_CALLBACK:
        return None
    body = request.get_json(silent=True) or {}
    entry = callback_map.get(body.get("output")) if isinstance(body.get("output"), str) else None
    allowed = CALLBACKS[shares.kind(link)]
    if entry is None or _qualname(entry) not in allowed:
        return refusal(403, f"{OUTSIDE}; nothing can be changed or looked up through it.")
    changed = body.get("changedPropIds") or []
    if any(name in STEPS for name in changed):
        return refusal(403, f"{OUTSIDE}: this request steps the link's period.")
    for part in ("inputs", "state"):
        for item in body.get(part) or []:
            for one in item if isinstance(item, list) else [item]:
                if not isinstance(one.get("id"), str):
                    continue  # a pattern id (the router's page views): no scope in it
                key = f"{one['id']}.{one.get('property')}"
                problem = value_problem(link, key, one.get("value"), state=part == "state")
                if problem:
                    return refusal(403, f"{OUTSIDE}: this request {problem}.")
    return None


def frame_ancestors() -> str | None:
    """The CSP ``frame-ancestors`` of a share link's answers (None: 'none' and DENY)."""
    if current() is None:
        return None
    origins = current_app.extensions["perfdash"]["settings"].embed_origins
    return " ".join(origins) if origins else None


def install(server, callback_map) -> None:
    """The callback check on ``server``; ``callback_map`` gives the app's callbacks (the
    gate itself is ``web.login``'s first step)."""
    server.before_request(lambda: check_callback(callback_map()))


__all__ = ["current", "embedded", "frame_ancestors", "gate", "install", "value_problem"]
