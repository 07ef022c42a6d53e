"""Read-only share links: what a link may show, how it is made, and when it stops working.

A share link is a dashboard view (``/dashboard?release=3&period=28d``), an artist's page
(``/artists?artist=Nova%20Vale&period=28d``) or the overview of one tag
(``/overview?tag=summer-campaign&period=28d``) that opens without an account at
``/share/<token>``.  Its scope is pinned when it is made: its releases, its artist or its tag,
its period (preset or dates, with or without the previous period to compare) and the release
view (never the leaderboard, the artists' ranking or the whole catalog's overview).  A visitor
may change how the view is drawn (metric, platforms, granularity, total or gain, a forecast),
nothing else.  An artist's or a tag's link shows the releases that carry it when it is opened
(a release tagged later joins the campaign's link).

Tokens are random strings shown once, in the link; only their SHA-256 is stored, as for API
tokens.  A link ends when revoked (by its creator or an admin) or at its expiry; the web layer
(``perfdash.web.shares``) is the one place that lets a link's visitor in, and it asks this
module what the link allows.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from perfdash import store
from perfdash.metrics import PERIOD_PRESETS

TOKEN_PREFIX = "pds_"
SHARE_PATH = "/share/"
MAX_RELEASES = 50
MAX_YEARS = 5
DEFAULT_PERIOD = "90d"
PERIODS = (*PERIOD_PRESETS, "custom")
GRANULARITIES = ("day", "week", "month")
MODES = ("total", "gain")
# what a view may say; the first group is pinned by the link, the second the visitor may change
PINNED = ("period", "from", "to", "compare", "view")
FREE = ("platform", "metric", "granularity", "mode", "forecast", "country", "currency")
FORECASTS = ("7", "28", "90")  # days of forecast the dashboard may draw after today
KNOWN = ("release", *PINNED, *FREE, "archived", "lbmetric", "embed")
ARTIST_PATH = "/artists"
ARTIST_PERIODS = ("7d", "28d", "90d", "12m")  # the artist page's
ARTIST_PINNED = ("artist", "period")
ARTIST_FREE = ("metric",)
TAG_PATH = "/overview"
TAG_PATHS = (TAG_PATH, "/")  # the overview, and its alias
TAG_PERIODS = ("7d", "28d", "90d")  # the overview's
TAG_PINNED = ("tag", "period")
TAG_FREE = ("platform",)


class ShareError(ValueError):
    """A view or an expiry a link cannot be made of; ``field`` names what was wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _sane(text: str, field: str) -> str:
    if len(text) > 200 or any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text):
        raise ShareError("view", f"{field} {text[:40]!r} is not a name a view can hold")
    return text


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ShareError("view", f"{field} {text[:40]!r} is not a date (YYYY-MM-DD)") from None


def normalise_view(engine: Engine, view: Any) -> tuple[str, list[int]]:
    """The canonical view (``/dashboard?release=3&period=28d...``) and its releases.

    Refused, with the reason: anything but a dashboard view of existing releases, a
    leaderboard, a period that makes no sense, a key the dashboard does not know.
    """
    if not isinstance(view, str) or not view.strip():
        raise ShareError("view", "view must be a dashboard link such as /dashboard?release=3")
    if len(view) > 2000:
        raise ShareError("view", "view must be a dashboard link of at most 2,000 characters")
    if any(ord(ch) < 32 for ch in view):
        raise ShareError("view", "view holds a control character (a tab, a line break...)")
    parts = urlsplit(view.strip())
    if parts.path.rstrip("/") == ARTIST_PATH:
        return _artist_view(engine, parse_qs(parts.query, keep_blank_values=True)), []
    if (parts.path.rstrip("/") or "/") in TAG_PATHS:
        return _tag_view(engine, parse_qs(parts.query, keep_blank_values=True)), []
    if parts.path.rstrip("/") != "/dashboard":
        raise ShareError(
            "view",
            "only dashboard views, artist pages and a tag's overview can be shared, not "
            f"{parts.path[:60] or 'this link'!r}",
        )
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - set(KNOWN))
    if unknown:
        raise ShareError("view", f"the view names unknown settings: {', '.join(unknown[:5])}")

    def one(key: str, default: str | None = None) -> str | None:
        values = query.get(key) or []
        return _sane(values[0], key) if values and values[0] != "" else default

    ids: list[int] = []
    for value in query.get("release", []):
        for part in value.split(","):
            part = part.strip()
            if not part.isdigit() or int(part) > 2**31 - 1:
                raise ShareError("view", f"release {part[:20]!r} is not a release id")
            if int(part) not in ids:
                ids.append(int(part))
    if not ids:
        raise ShareError("view", "a shared view needs at least one release (release=ID)")
    if len(ids) > MAX_RELEASES:
        raise ShareError("view", f"a shared view holds at most {MAX_RELEASES} releases")
    missing = sorted(set(ids) - set(store.existing_release_ids(engine, ids)))
    if missing:
        raise ShareError("view", f"release {', '.join(map(str, missing))} does not exist")
    if one("view", "release") != "release":
        raise ShareError(
            "view", "a leaderboard ranks the whole catalog and cannot be shared; share releases"
        )
    period = one("period", DEFAULT_PERIOD)
    if period not in PERIODS:
        raise ShareError("view", f"period {period!r} is not one of {', '.join(PERIODS)}")
    pairs = [("release", str(r)) for r in ids] + [("period", period)]
    if period == "custom":
        start, end = one("from"), one("to")
        if not start or not end:
            raise ShareError("view", "a custom period needs both from and to dates")
        first, last = _date(start, "from"), _date(end, "to")
        if last < first:
            raise ShareError("view", f"to {last} is before from {first}")
        pairs += [("from", first.isoformat()), ("to", last.isoformat())]
    if one("compare") in ("1", "true", "yes"):
        pairs.append(("compare", "1"))
    pairs += [("platform", _sane(p, "platform").lower()) for p in query.get("platform", []) if p]
    if metric := one("metric"):
        pairs.append(("metric", metric))
    granularity, mode = one("granularity", "day"), one("mode", "gain")
    if granularity not in GRANULARITIES:
        raise ShareError("view", f"granularity {granularity!r} is not one of day, week, month")
    if mode not in MODES:
        raise ShareError("view", f"mode {mode!r} is not one of total, gain")
    pairs += [("granularity", granularity), ("mode", mode)]
    if forecast := one("forecast"):
        if forecast not in (*FORECASTS, "0"):
            raise ShareError("view", f"forecast {forecast!r} is not one of 7, 28, 90")
        if forecast != "0":
            pairs.append(("forecast", forecast))
    if country := one("country"):
        if not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise ShareError("view", f"country {country!r} is not a two-letter code such as DE")
        pairs.append(("country", country.upper()))
    if currency := one("currency"):
        if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
            raise ShareError("view", f"currency {currency!r} is not a code such as USD")
        pairs.append(("currency", currency.upper()))
    return "/dashboard?" + urlencode(pairs), ids


def _artist_view(engine: Engine, query: dict[str, list[str]]) -> str:
    """The canonical artist page (``/artists?artist=NAME&period=28d&metric=views``)."""
    unknown = sorted(set(query) - {*ARTIST_PINNED, *ARTIST_FREE, "embed"})
    if unknown:
        raise ShareError("view", f"the view names unknown settings: {', '.join(unknown[:5])}")
    artist = (query.get("artist") or [""])[0]
    if not artist.strip():
        raise ShareError("view", "a shared artist page needs its artist (artist=NAME)")
    artist = _sane(artist, "artist")
    if artist not in {a["artist_name"] for a in store.list_artists(engine)}:
        raise ShareError("view", f"no release carries the artist {artist!r}")
    period = (query.get("period") or ["28d"])[0] or "28d"
    if period not in ARTIST_PERIODS:
        raise ShareError("view", f"period {period!r} is not one of {', '.join(ARTIST_PERIODS)}")
    pairs = [("artist", artist), ("period", period)]
    if metric := (query.get("metric") or [""])[0]:
        pairs.append(("metric", _sane(metric, "metric")))
    return ARTIST_PATH + "?" + urlencode(pairs)


def _tag_view(engine: Engine, query: dict[str, list[str]]) -> str:
    """The canonical overview of one tag (``/overview?tag=summer-campaign&period=28d``).

    The tag is normalised as a release's tags are (``Summer Campaign`` is
    ``summer-campaign``) and must be on a release: a link of a tag nobody carries would show
    an empty page, or, later, whatever gets that tag by accident.  Without a tag the overview
    is the whole catalog, which no link shows.

    Made through an engine limited to artists (``store.scoped``: an artist-scoped account's),
    it is refused: a tag spans artists, and a link's visitor reads the tag's releases when the
    link is opened, not kept to its maker's artists.  (Scoped accounts are viewers and make no
    link today; this keeps a tag's link from widening one if that ever changes.  A dashboard
    view or an artist's page made so is kept to the scope by the store's own lookups.)"""
    from perfdash.ingest.tags import clean_tag

    if store.scope_of(engine) is not None:
        raise ShareError(
            "view",
            "an account limited to artists cannot share a tag's overview (a tag spans "
            "artists); share an artist's page instead",
        )

    unknown = sorted(set(query) - {*TAG_PINNED, *TAG_FREE, "embed"})
    if unknown:
        raise ShareError("view", f"the view names unknown settings: {', '.join(unknown[:5])}")
    raw = (query.get("tag") or [""])[0]
    if not raw.strip():
        raise ShareError(
            "view", "the overview shows the whole catalog: share it for one tag (tag=NAME)"
        )
    tag, problem = clean_tag(_sane(raw, "tag"))
    if problem or tag is None:
        raise ShareError("view", problem or "Tag is empty")
    if tag not in {t["tag"] for t in store.list_tags(engine)}:
        raise ShareError("view", f"tag {tag!r} is on no release: no link can show it")
    period = (query.get("period") or ["28d"])[0] or "28d"
    if period not in TAG_PERIODS:
        raise ShareError("view", f"period {period!r} is not one of {', '.join(TAG_PERIODS)}")
    platforms = [_sane(p, "platform").strip().lower() for p in query.get("platform", [])]
    pairs = [("tag", tag), ("period", period)] + [("platform", p) for p in platforms if p]
    return TAG_PATH + "?" + urlencode(pairs)


def kind(link: dict[str, Any]) -> str:
    """What a link shows: "dashboard" (releases), "artist" (an artist's page) or "tag" (the
    overview of one tag)."""
    path = urlsplit(link["view"]).path
    return {ARTIST_PATH: "artist", TAG_PATH: "tag"}.get(path, "dashboard")


def is_artist(link: dict[str, Any]) -> bool:
    """An artist's page rather than a dashboard view of releases."""
    return kind(link) == "artist"


def is_tag(link: dict[str, Any]) -> bool:
    """The overview of one tag."""
    return kind(link) == "tag"


def parse_expiry(value: Any, tz: str, now: datetime | None = None) -> datetime | None:
    """When a link stops working: None (never), a date (the link ends as that day begins in
    ``tz``) or an ISO time with its offset; refused when past or more than five years away."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise ShareError("expires", "expires must be a date such as 2027-01-01")
    now = now or datetime.now(UTC)
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            at = datetime.combine(day, time.min, tzinfo=ZoneInfo(tz)).astimezone(UTC)
        else:
            at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ShareError(
            "expires", f"expires {text[:40]!r} is not a date (YYYY-MM-DD) or an ISO time"
        ) from None
    if at.tzinfo is None:
        raise ShareError("expires", "expires needs a time zone offset, e.g. +00:00")
    at = at.astimezone(UTC)
    if at <= now:
        raise ShareError("expires", f"expires {text!r} is not in the future")
    if at > now + timedelta(days=365 * MAX_YEARS + 2):
        raise ShareError("expires", f"expires is more than {MAX_YEARS} years away")
    return at


def create(
    engine: Engine, view: Any, expires: Any, *, created_by: str | None, tz: str
) -> tuple[int, str]:
    """Make a link of ``view``; its id and its token (shown once, in the link)."""
    canonical, ids = normalise_view(engine, view)
    expires_at = parse_expiry(expires, tz)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    share_id = store.create_share_link(
        engine, hash_token(token), canonical, ids, created_by=created_by, expires_at=expires_at
    )
    return share_id, token


def url_for(base: str, token: str) -> str:
    return base.rstrip("/") + SHARE_PATH + token


def lookup(engine: Engine, token: str | None) -> dict[str, Any] | None:
    """The link of ``token`` (live or not), or None when no link has it."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    return store.share_link_by_hash(engine, hash_token(token))


def status(link: dict[str, Any], now: datetime | None = None) -> str:
    """ "live", "revoked" or "expired"."""
    now = now or datetime.now(UTC)
    if link.get("revoked_at"):
        return "revoked"
    if link.get("expires_at") and link["expires_at"] <= now:
        return "expired"
    return "live"


def ended_message(link: dict[str, Any] | None, tz: str = "UTC") -> str:
    """Why a link does not open, in words for its visitor."""
    if link is None:
        return "This share link does not exist. Ask whoever sent it for a new one."
    if status(link) == "revoked":
        return "This share link was revoked. Ask whoever sent it for a new one."
    when = link["expires_at"].astimezone(ZoneInfo(tz))
    return f"This share link expired on {when:%Y-%m-%d %H:%M} ({tz}). Ask for a new one."


def _pinned_keys(link: dict[str, Any]) -> tuple[str, ...]:
    return {"artist": ARTIST_PINNED, "tag": TAG_PINNED}.get(kind(link), PINNED)


def _free_keys(link: dict[str, Any]) -> tuple[str, ...]:
    return {"artist": ARTIST_FREE, "tag": TAG_FREE}.get(kind(link), FREE)


def pinned(link: dict[str, Any]) -> dict[str, list[str]]:
    """The view's pinned settings (period, dates, compare, view; an artist page's artist and
    period; a tag's overview's tag and period) as a parsed query."""
    query = parse_qs(urlsplit(link["view"]).query)
    return {key: query[key] for key in _pinned_keys(link) if key in query}


def query_releases(query: dict[str, list[str]]) -> list[str]:
    return [p.strip() for v in query.get("release", []) for p in v.split(",") if p.strip()]


def query_problem(link: dict[str, Any], query_string: str, *, needs_releases: bool) -> str | None:
    """Why a view (a query string a page sends) lies outside the link's scope, or None.

    Releases must be the link's (some or all of them); the pinned settings must be the
    link's exactly.  ``needs_releases``: a view with no release is refused too (the full
    dashboard query always names them; a URL may leave them to the link).
    """
    query = parse_qs((query_string or "").lstrip("?"), keep_blank_values=True)
    fixed = pinned(link)
    if is_artist(link):
        if query.get("release"):
            return "names a release this link does not show"
        if query.get("artist", fixed["artist"] if not needs_releases else None) != fixed["artist"]:
            return "names an artist this link does not show"
    elif is_tag(link):
        if query.get("release") or query.get("artist"):
            return "names a release this link does not show"
        if query.get("tag", fixed["tag"] if not needs_releases else None) != fixed["tag"]:
            return "names a tag this link does not show"
    else:
        allowed = {str(r) for r in link["release_ids"]}
        releases = query_releases(query)
        if needs_releases and not releases:
            return "names no release of this link"
        if not set(releases) <= allowed:
            return "names a release this link does not show"
    for key in _pinned_keys(link):
        if key in ("artist", "tag"):
            continue
        if key in query or needs_releases:
            if query.get(key) != fixed.get(key) and not (key == "view" and not query.get(key)):
                return f"changes the link's {key}"
    return None


def shared_query(link: dict[str, Any], url_query: dict[str, list[str]]) -> dict[str, list[str]]:
    """The query a link's page is built from: the link's view, with what the visitor may
    change (metric, platforms, granularity, mode, forecast) taken from the page's URL."""
    query = parse_qs(urlsplit(link["view"]).query)
    for key in _free_keys(link):
        if key in url_query:
            query[key] = url_query[key]
    return query


def may_revoke(link: dict[str, Any], who: str | None, role: str | None) -> bool:
    """An admin revokes any link; anyone else only the links they made."""
    return role == "admin" or (who is not None and link.get("created_by") == who)


__all__ = [
    "SHARE_PATH",
    "ShareError",
    "create",
    "ended_message",
    "is_artist",
    "is_tag",
    "kind",
    "lookup",
    "may_revoke",
    "normalise_view",
    "parse_expiry",
    "pinned",
    "query_problem",
    "shared_query",
    "status",
    "url_for",
]
