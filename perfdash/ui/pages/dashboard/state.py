"""The dashboard's view as a value: what the URL query says, what the controls say, and the
periods they cover.

The whole view (releases, period, filters, country, the picker's tag, granularity, total/gain, tab) lives in the URL query
string, so a link or a reload shows the same thing: ``parse_query`` reads it into a
``ViewState``, ``to_query`` writes it back.  Everything here is pure: no request, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode
from zoneinfo import ZoneInfo

from perfdash import metrics
from perfdash.ingest.rules import country_code, currency_code
from perfdash.ingest.tags import clean_tag
from perfdash.ui.inputs import MAX_ID

PERIODS = [
    ("7d", "7 days"),
    ("28d", "28 days"),
    ("90d", "90 days"),
    ("12m", "12 months"),
    ("all", "All time"),
    ("custom", "Custom"),
]
GRANULARITIES = ("day", "week", "month")
MODES = ("total", "gain")
VIEWS = ("release", "leaderboard")
FORECASTS = (0, 7, 28, 90)  # days of forecast drawn after today; 0: none
DEFAULT_PERIOD = "90d"


@dataclass(frozen=True)
class ViewState:
    """Everything the URL says about the view; defaults for whatever it does not say."""

    releases: tuple[int, ...] = ()
    period: str = DEFAULT_PERIOD
    start: date | None = None
    end: date | None = None
    compare: bool = False
    archived: bool = False  # archived releases in the picker's search and the leaderboard
    platforms: tuple[str, ...] = ()
    metric: str | None = None
    granularity: str = "day"
    mode: str = "gain"  # gain per bucket: a running total from zero flattens mature releases
    view: str = "release"
    leaderboard_metric: str | None = None
    forecast: int = 0  # days of forecast drawn dotted after today (FORECASTS)
    country: str | None = None  # one ISO 3166-1 country; None: all territories
    currency: str | None = None  # money in one ISO 4217 currency; None: every currency
    tag: str | None = None  # the release picker lists only this tag's releases; None: all


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def _sane(text: str) -> bool:
    """Text a name can be: no NUL (``%00``), no lone surrogate, not absurdly long."""
    if "\x00" in text or len(text) > 200:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_query(query: dict[str, list[str]]) -> ViewState:
    """The view a URL query asks for; values that make no sense are dropped, not fatal."""

    def one(key: str) -> str | None:
        values = [v for v in query.get(key) or [] if _sane(v)]
        return values[0] if values else None

    releases: list[int] = []
    for value in query.get("release", []):
        for part in value.split(","):
            # a release pk is a 32-bit serial: a larger number names no release, like a deleted one
            if part.strip().isdigit() and int(part) <= MAX_ID and int(part) not in releases:
                releases.append(int(part))
    period = one("period") or DEFAULT_PERIOD
    start, end = _date(one("from")), _date(one("to"))
    if period not in dict(PERIODS):
        period = DEFAULT_PERIOD
    if period == "custom" and (start is None or end is None or end < start):
        period, start, end = DEFAULT_PERIOD, None, None
    if period != "custom":
        start = end = None
    granularity = one("granularity")
    mode = one("mode")
    view = one("view")
    return ViewState(
        releases=tuple(releases),
        period=period,
        start=start,
        end=end,
        compare=one("compare") in ("1", "true", "yes"),
        archived=one("archived") in ("1", "true", "yes"),
        platforms=tuple(p.lower() for p in query.get("platform", []) if p.strip() and _sane(p)),
        metric=one("metric") or None,
        granularity=granularity if granularity in GRANULARITIES else "day",
        mode=mode if mode in MODES else "gain",
        view=view if view in VIEWS else "release",
        leaderboard_metric=one("lbmetric") or None,
        forecast=_forecast(one("forecast")),
        country=country_code(one("country"))[0] or None,
        currency=currency_code(one("currency"))[0] or None,
        tag=_tag(one("tag")),
    )


def _tag(raw: Any) -> str | None:
    """A tag as ``ingest.tags`` reads it (``Summer Campaign`` is summer-campaign); None: none
    or one no release could carry."""
    return clean_tag(raw)[0] if isinstance(raw, str) and raw.strip() else None


def url_problems(query: dict[str, list[str]]) -> list[str]:
    """What a URL query asked for that ``parse_query`` had to drop, in words for the page.

    A shared link that names a period or date nobody can show must say so: silently showing
    the default view lets a person believe they are looking at what the link named.
    """

    def one(key: str) -> str | None:
        values = query.get(key) or []
        return values[0] if values else None

    problems = []
    bad_ids = [
        part.strip()
        for value in query.get("release", [])
        for part in value.split(",")
        if part.strip() and (not part.strip().isdigit() or int(part) > MAX_ID)
    ]
    if bad_ids:
        problems.append(f"release {', '.join(repr(b) for b in bad_ids)} is not a release id")
    period = one("period")
    default = dict(PERIODS)[DEFAULT_PERIOD]
    if period is not None and period not in dict(PERIODS):
        problems.append(f"period {period!r} is not one of {', '.join(dict(PERIODS))}")
    for key in ("from", "to"):
        text = one(key)
        if text is not None and _date(text) is None:
            problems.append(f"{key} {text!r} is not a date (YYYY-MM-DD)")
    if period == "custom":
        start, end = _date(one("from")), _date(one("to"))
        if (one("from") is None or one("to") is None) and not problems:
            problems.append("a custom period needs both from and to dates")
        elif start and end and end < start:
            problems.append(f"to {end.isoformat()} is before from {start.isoformat()}")
    for key, allowed in (("granularity", GRANULARITIES), ("mode", MODES), ("view", VIEWS)):
        text = one(key)
        if text is not None and text not in allowed:
            problems.append(f"{key} {text!r} is not one of {', '.join(allowed)}")
    country = one("country")
    if country is not None and country_code(country)[1]:
        problems.append(
            f"country {country[:20]!r} is not an ISO 3166-1 code; all territories are shown"
        )
    currency = one("currency")
    if currency is not None and currency_code(currency)[1]:
        problems.append(
            f"currency {currency[:20]!r} is not an ISO 4217 code; every currency is shown"
        )
    tag = one("tag")
    if tag is not None and tag.strip() and clean_tag(tag)[1]:
        problems.append(
            f"tag {tag[:40]!r} is not a tag: {clean_tag(tag)[1]}; all releases are listed"
        )
    if any(p.startswith(("period", "from", "to", "a custom")) for p in problems):
        problems.append(f"the period shown is the default, {default}")
    return problems


def step_period(first: date, last: date, step: int, today: date) -> tuple[date, date] | None:
    """The period of the same number of days before (``step`` -1) or after (+1) the days
    ``first`` to ``last``; None when there is nothing later to show.

    A later period never runs past ``today``: it is the same length ending today, so stepping
    back from "last 28 days" and forward again comes home.
    """
    days = (last - first).days + 1
    if step < 0:
        return first - timedelta(days=days), first - timedelta(days=1)
    end = min(last + timedelta(days=days), today)
    start = end - timedelta(days=days - 1)
    return None if start <= first else (start, end)


def preset_of(first: date, last: date, today: date) -> str:
    """The preset whose days are exactly ``first`` to ``last`` (ending today), else custom."""
    if last == today:
        for key, days in metrics.PERIOD_PRESETS.items():
            if days is not None and (last - first).days + 1 == days:
                return key
    return "custom"


def to_query(state: ViewState) -> str:
    """The URL query string ('?release=3&period=28d...') that ``parse_query`` reads back."""
    pairs: list[tuple[str, str]] = [("release", str(r)) for r in state.releases]
    pairs.append(("period", state.period))
    if state.period == "custom" and state.start and state.end:
        pairs += [("from", state.start.isoformat()), ("to", state.end.isoformat())]
    if state.compare:
        pairs.append(("compare", "1"))
    if state.archived:
        pairs.append(("archived", "1"))
    pairs += [("platform", p) for p in state.platforms]
    if state.metric:
        pairs.append(("metric", state.metric))
    pairs += [("granularity", state.granularity), ("mode", state.mode)]
    if state.view != "release":
        pairs.append(("view", state.view))
    if state.leaderboard_metric:
        pairs.append(("lbmetric", state.leaderboard_metric))
    if state.forecast:
        pairs.append(("forecast", str(state.forecast)))
    if state.country:
        pairs.append(("country", state.country))
    if state.currency:
        pairs.append(("currency", state.currency))
    if state.tag:
        pairs.append(("tag", state.tag))
    return "?" + urlencode(pairs)


def _forecast(value: object) -> int:
    """A forecast length the dashboard offers (anything else: none)."""
    text = str(value or "0")
    return int(text) if text.isascii() and text.isdigit() and int(text) in FORECASTS else 0


def state_from_controls(
    releases: Any,
    period: str | None,
    start: str | None,
    end: str | None,
    compare: bool | None,
    platforms: list[str] | None,
    metric: str | None,
    granularity: str | None,
    mode: str | None,
    view: str | None,
    lb_metric: str | None,
    archived: bool | None = False,
    forecast: Any = 0,
    country: str | None = None,
    currency: str | None = None,
    tag: Any = None,
) -> ViewState:
    """The controls' values as a ViewState (what the callbacks receive, normalised)."""
    if isinstance(releases, int | str):
        releases = [releases]
    return ViewState(
        releases=tuple(int(r) for r in releases or [] if str(r).isdigit()),
        period=period or DEFAULT_PERIOD,
        start=_date(start) if period == "custom" else None,
        end=_date(end) if period == "custom" else None,
        compare=bool(compare),
        platforms=tuple(platforms or ()),
        metric=metric,
        granularity=granularity if granularity in GRANULARITIES else "day",
        mode=mode if mode in MODES else "gain",
        view=view if view in VIEWS else "release",
        leaderboard_metric=lb_metric,
        archived=bool(archived),
        forecast=_forecast(forecast),
        country=country_code(country)[0] or None,
        currency=currency_code(currency)[0] or None,
        tag=_tag(tag),
    )


def release_link(state: ViewState, release_id: int) -> str:
    """The query of one release's view, keeping the leaderboard's period and metric."""
    return to_query(
        ViewState(
            releases=(release_id,),
            period=state.period,
            start=state.start,
            end=state.end,
            metric=state.leaderboard_metric,
            granularity=state.granularity,
            mode=state.mode,
            leaderboard_metric=state.leaderboard_metric,
            country=state.country,
            currency=state.currency,
        )
    )


def view_of(query: str | None) -> ViewState:
    """The ViewState a query string ('?release=...') describes."""
    return parse_query(parse_qs((query or "").lstrip("?")))


def resolve_period(state: ViewState, tz: str, now: datetime | None = None) -> metrics.Period:
    """The UTC range the state's period covers (a broken custom range falls back to 90 days)."""
    if state.period == "custom":
        try:
            return metrics.period_for(
                "custom", tz, now=now, start_date=state.start, end_date=state.end
            )
        except ValueError:
            return metrics.period_for(DEFAULT_PERIOD, tz, now=now)
    return metrics.period_for(state.period, tz, now=now)


def period_dates(period: metrics.Period, tz: str) -> tuple[str | None, str]:
    """The local first and last day a period covers, as the date picker shows them."""
    zone = ZoneInfo(tz)
    last = (period.end.astimezone(zone) - timedelta(seconds=1)).date().isoformat()
    first = period.start.astimezone(zone).date().isoformat() if period.start else None
    return first, last


def describe_period(period: metrics.Period, tz: str) -> str:
    """'2026-11-18 to 2026-12-03 (cut at now, 13:05)': a period that would run past now says
    where it stops."""
    first, last = period_dates(period, tz)
    text = f"{first} to {last}" if first else f"all time to {last}"
    if period.cut:
        text += f" (up to now, {period.end.astimezone(ZoneInfo(tz)):%H:%M})"
    return text


def window(state: ViewState, tz: str) -> tuple[metrics.Period, metrics.Period | None]:
    """The state's period and the previous one of the same length (None for all time)."""
    period = resolve_period(state, tz)
    return period, period.previous(tz)


def default_metric(types: list[str]) -> str | None:
    """The metric shown when the URL names none (or one the releases do not have)."""
    preferred = [t for t in ("views", "streams") if t in types]
    return preferred[0] if preferred else (types[0] if types else None)
