"""/api/v1/kpis, /series and /leaderboard: the dashboard's numbers for scripts and spreadsheets.

Each answer is read by ``perfdash.readout``, the read path of the dashboard's callbacks, so a
script and the page show the same numbers for the same view.  A view is given as the
dashboard's URL gives it: releases (key or id, repeatable; none is the whole catalog),
platforms (repeatable), a metric, ``from``/``to`` as local days (``to`` included) or ISO 8601
date-times with an offset (``to`` excluded); both omitted: the dashboard's default, the last
90 days.  A period never runs past now: the answer
says where it stops (``to``, ``cut_at_now``) and which buckets are not complete.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from flask import Response, jsonify, request

from perfdash import metrics, readout, store
from perfdash.api import http
from perfdash.ingest import rules
from perfdash.ingest.annotations import find_release
from perfdash.ingest.tags import clean_tag

DEFAULT_DAYS = "90d"
GRANULARITIES = ("day", "week", "month")
MODES = ("gain", "total")
MAX_RELEASES = 20
MAX_LEADERBOARD = 100
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2100, 12, 31)
TIME_FORMS = "must be a day (YYYY-MM-DD) or an ISO 8601 date-time with its offset"
OFFSET_AS_SPACE = re.compile(r" (\d{2}(?::?\d{2})?)$")


def _bad(field: str, message: str) -> http.ApiError:
    return http.ApiError(400, f"{field}: {message}", [{"field": field, "message": message}])


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.args.get(name) or default
    if value not in allowed:
        raise _bad(name, f"must be one of {', '.join(allowed)}")
    return value


def _releases(conn) -> list[dict[str, Any]]:
    values = request.args.getlist("release")
    if len(values) > MAX_RELEASES:
        raise _bad("release", f"at most {MAX_RELEASES} releases")
    found = []
    for value in values:
        release = find_release(conn, value)
        if release is None:
            raise http.ApiError(
                404,
                f"No release with key or id {value!r}",
                [{"field": "release", "message": "not found"}],
            )
        if release["id"] not in [r["id"] for r in found]:
            found.append(release)
    return found


def _tag(conn) -> list[int] | None:
    """The releases ``tag=`` narrows the view to (None: no tag given); a tag no release
    carries is 404, as an unknown release is."""
    raw = request.args.get("tag")
    if raw is None or raw == "":
        return None
    tag, problem = clean_tag(raw)
    if problem:
        raise _bad("tag", problem)
    ids = readout.tagged(conn, tag)
    if not ids:
        raise http.ApiError(
            404, f"No release carries the tag {tag!r}", [{"field": "tag", "message": "not found"}]
        )
    return ids


def _narrowed(releases: list[dict[str, Any]], tagged: list[int] | None) -> list[int] | None:
    """The view's release ids: those named (kept only if tagged), else the tag's, else None."""
    named = [r["id"] for r in releases]
    if tagged is None:
        return named or None
    return [i for i in named if i in set(tagged)] if named else tagged


def _metric() -> str | None:
    metric = request.args.get("metric")
    if metric is not None and len(metric) > store.MAX_METRIC_TYPE:
        raise _bad("metric", f"longer than {store.MAX_METRIC_TYPE} characters")
    return metric or None


def _country() -> str | None:
    """``country``: one ISO 3166-1 alpha-2 code; absent or empty: all territories."""
    code, error = rules.country_code(request.args.get("country"))
    if error:
        raise _bad("country", error)
    return code or None


def _currency(metric: str | None) -> str | None:
    """``currency`` for money (``earnings``): an ISO 4217 code; money is never summed across
    currencies, so a money metric needs one, and any other metric has none."""
    code, error = rules.currency_code(request.args.get("currency"))
    if error:
        raise _bad("currency", error)
    if rules.is_money(metric) and not code:
        raise _bad("currency", rules.NEEDS_CURRENCY)
    if code and not rules.is_money(metric):
        raise _bad("currency", rules.NO_CURRENCY_HERE)
    return code or None


def _platforms() -> list[str]:
    return [p.strip().lower() for p in request.args.getlist("platform") if p.strip()]


def _bound(name: str, tz: str) -> tuple[date | datetime | None, datetime | None]:
    """``from`` or ``to`` as given: a local day (``YYYY-MM-DD``) or an ISO 8601 date-time with
    its offset; the day itself (or None) and the instant it stands for (a day's ``to`` is the
    next local midnight: the day is included)."""
    if name not in request.args:
        return None, None
    raw = request.args.get(name, "").strip()
    if len(raw) > 40:
        raise _bad(name, "longer than 40 characters")
    if "T" not in raw.upper():
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise _bad(name, TIME_FORMS) from None
        if not FIRST_DAY <= day <= LAST_DAY:
            raise _bad(name, f"must be between {FIRST_DAY} and {LAST_DAY}")
        return day, metrics.local_midnight(day + timedelta(days=1 if name == "to" else 0), tz)
    # an unencoded "+01:00" arrives as " 01:00" (a query string's "+" is a space)
    raw = OFFSET_AS_SPACE.sub(r"+\1", raw)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise _bad(name, TIME_FORMS) from None
    if moment.tzinfo is None:
        raise _bad(name, "a date-time needs its offset from UTC (Z, +01:00, -05:00)")
    if not FIRST_DAY <= moment.astimezone(ZoneInfo(tz)).date() <= LAST_DAY:
        raise _bad(name, f"must be between {FIRST_DAY} and {LAST_DAY}")
    return None, moment


def _window(tz: str) -> tuple[metrics.Period, metrics.Period | None]:
    """The period ``from``/``to`` name and the previous one: local days as the dashboard's
    custom range (whole days, ``to`` included), or exact instants (``to`` excluded)."""
    (first, start), (last, end) = _bound("from", tz), _bound("to", tz)
    if start is None and end is None:
        period = metrics.period_for(DEFAULT_DAYS, tz)
        return period, period.previous(tz)
    if start is None:
        raise _bad("from", "give from with to")
    try:
        if first is not None and (last is not None or end is None):
            today = datetime.now(ZoneInfo(tz)).date()
            period = metrics.period_for("custom", tz, start_date=first, end_date=last or today)
        else:
            today = datetime.now(ZoneInfo(tz)).date()
            end = end or metrics.local_midnight(today + timedelta(days=1), tz)  # through today
            period = metrics.period_between(start, end)
    except ValueError as exc:
        field = "to" if "end" in str(exc) else "from"
        raise _bad(field, str(exc)) from None
    return period, period.previous(tz)


def _time(value: datetime | None, tz: str) -> str | None:
    return None if value is None else value.astimezone(ZoneInfo(tz)).isoformat()


def _text(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


def _number(value: Any) -> int | float | None:
    """An exact int for whole numbers (gains and totals), a float for a score's mean level."""
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        if value != value:
            return None
        return int(value) if float(value).is_integer() else float(value)
    return int(value)


def _span(period: metrics.Period, previous: metrics.Period | None, tz: str) -> dict[str, Any]:
    return {
        "from": _time(period.start, tz),
        "to": _time(period.end, tz),
        "cut_at_now": period.cut,
        "previous_from": _time(previous.start, tz) if previous else None,
        "previous_to": _time(previous.end, tz) if previous else None,
    }


def kpi_out(kpi: metrics.Kpi, rate: metrics.StreamRate | None = None) -> dict[str, Any]:
    """A KPI as JSON; money's carries its per-stream rate over the matched rows (null: none)."""
    return {
        "metric_type": kpi.metric_type,
        "kind": kpi.kind,
        "lower_is_better": kpi.lower_is_better,
        "gain": _number(kpi.gain),
        "total": _number(kpi.total),
        "previous_gain": _number(kpi.previous_gain),
        "change": _number(kpi.change),
        "currency": kpi.currency or None,
        **(
            {
                "rate_micros_per_stream": round(rate.micro_per_stream, 6) if rate else None,
                "rate_streams": rate.streams if rate else None,
                "rate_earned": rate.earned if rate else None,
            }
            if kpi.currency
            else {}
        ),
    }


def kpis() -> Response:
    """Every metric's KPI over the releases (none: the whole catalog) and platforms."""
    http.require("viewer")
    tz = http.settings().tz
    period, previous = _window(tz)
    country = _country()
    with store.transaction(http.engine()) as conn:
        releases = _releases(conn)
        ids = _narrowed(releases, _tag(conn))
        platforms = _platforms()
        numbers = readout.summary(conn, ids, platforms, period, previous, country=country)
        money = any(k.currency for k in numbers.kpis)
        rates = readout.stream_rates(conn, ids, platforms, period, country, tz=tz) if money else {}
    return jsonify(
        **_span(period, previous, tz),
        country=country,
        releases=[r["release_id"] for r in releases],
        kpis=[kpi_out(k, rates.get(k.currency)) for k in metrics.order_kpis(numbers.kpis)],
    )


def series() -> Response:
    """One metric's buckets per platform (one release, or the whole catalog when none is
    named), or per release (several, summed over platforms), gains or totals, each bucket with
    its span and whether it is complete."""
    http.require("viewer")
    tz = http.settings().tz
    granularity = _choice("granularity", GRANULARITIES, "day")
    mode = _choice("mode", MODES, "gain")
    period, _ = _window(tz)
    platforms = _platforms()
    country = _country()
    with store.transaction(http.engine()) as conn:
        releases = _releases(conn)
        tagged = _tag(conn)
        ids = [r["id"] for r in releases]
        if tagged is not None and releases:
            ids = [i for i in ids if i in set(tagged)]
            releases = [r for r in releases if r["id"] in ids]
            if not releases:
                raise _bad("tag", "none of the named releases carries this tag")
        types = store.list_metric_types(conn, ids or tagged)
        metric = _metric() or _default_metric(types)
        if metric is None:
            return jsonify(**_span(period, None, tz), series=[])
        place = dict(country=country, currency=_currency(metric))
        kind = metrics.metric_kind(metric, readout.kinds(conn))
        if not releases:
            gains = _catalog_gains(
                conn, kind, mode, period, granularity, tz, platforms, place, tagged
            )
        else:
            gains = readout.line(
                conn, ids, metric, platforms, period, granularity, tz, **place
            ).gains
    keys = {r["id"]: r["release_id"] for r in releases}
    out = []
    if not gains.empty:
        for (rid, pkey, metric_type), points in readout.line_points(
            gains, mode, kind, granularity, tz
        ):
            out.append(
                {
                    "release_key": keys.get(rid),
                    "platform": pkey,
                    "metric_type": metric_type,
                    "kind": kind.kind,
                    "points": [
                        {
                            "start": start.isoformat(),
                            "end": end.isoformat(),
                            "value": _number(value),
                            "complete": done,
                        }
                        for start, end, value, done in points
                    ],
                }
            )
    return jsonify(
        **_span(period, None, tz),
        granularity=granularity,
        mode=mode,
        metric=metric,
        kind=kind.kind,
        lower_is_better=kind.lower_is_better,
        catalog=not releases,
        country=country,
        currency=place["currency"],
        series=out,
    )


def _catalog_gains(conn, kind, mode, period, granularity, tz, platforms, place, tagged=None):
    """The catalog's gains per platform, as the overview's chart draws them; refused for a
    score (levels do not add up) and for running totals (the catalog keeps none)."""
    if kind.is_score:
        better = "lower is better" if kind.lower_is_better else "higher is better"
        raise _bad(
            "metric",
            f"{kind.metric_type} is a score (a level, {better}): levels cannot be added up over"
            " the catalog; name a release",
        )
    if mode != "gain":
        raise _bad("mode", "the catalog's series are gains per bucket; name a release for totals")
    return readout.catalog_line(
        conn, kind.metric_type, period, granularity, tz, platforms, **place, release_ids=tagged
    )


def leaderboard() -> Response:
    """The catalog's top releases for a metric on the chosen platforms: by gain, or for a
    score by level (best first), with the previous period's number beside each."""
    http.require("viewer")
    tz = http.settings().tz
    limit = http.int_arg("limit", 10, low=1, high=MAX_LEADERBOARD)
    archived = http.int_arg("archived", 0, low=0, high=1) == 1
    period, previous = _window(tz)
    country = _country()
    with store.transaction(http.engine()) as conn:
        tagged = _tag(conn)
        metric = _metric() or _default_metric(store.list_metric_types(conn, tagged))
        if metric is None:
            return jsonify(**_span(period, previous, tz), metric=None, rows=[])
        currency = _currency(metric)
        kind = metrics.metric_kind(metric, readout.kinds(conn))
        board, before = readout.leaderboard(
            conn,
            kind,
            period,
            previous,
            _platforms(),
            limit,
            archived=archived,
            country=country,
            currency=currency,
            release_ids=tagged,
        )
    rows = []
    for r in board.itertuples():
        prev = before.get(int(r.release_id))
        row = {
            "release_key": r.release_key,
            "title": _text(r.title),
            "artist_name": _text(r.artist_name),
        }
        if kind.is_score:
            row.update(
                gain=None, previous_gain=None, level=_number(r.total), previous_level=_number(prev)
            )
        else:
            row.update(gain=_number(r.gain), previous_gain=_number(prev))
        rows.append(row)
    return jsonify(
        **_span(period, previous, tz),
        metric=metric,
        kind=kind.kind,
        lower_is_better=kind.lower_is_better,
        country=country,
        currency=currency,
        rows=rows,
    )


def _default_metric(types: list[str]) -> str | None:
    """The dashboard's choice when none is named: views, then streams, then the first."""
    preferred = [t for t in ("views", "streams") if t in types]
    return preferred[0] if preferred else (types[0] if types else None)


def countries() -> Response:
    """The top countries of a metric over the releases (none: the catalog) in the period:
    each country's per-country counts summed, its share of the countries' sum, largest first.

    Only readings with a country count (docs/numbers.md "Territories"): a worldwide number
    has no country, so the countries' sum equals the all-territories figure only where no
    worldwide series exists.  Money is read in one currency."""
    http.require("viewer")
    tz = http.settings().tz
    period, _ = _window(tz)
    with store.transaction(http.engine()) as conn:
        releases = _releases(conn)
        ids = _narrowed(releases, _tag(conn))
        types = store.list_metric_types(conn, ids)
        metric = _metric() or ("streams" if "streams" in types else _default_metric(types))
        currency = _currency(metric) if metric else None
        found = (
            readout.places(conn, ids, metric, _platforms(), period, currency) if metric else None
        )
    rows = [] if found is None else found.top
    return jsonify(
        **_span(period, None, tz),
        metric=metric,
        currency=currency,
        releases=[r["release_id"] for r in releases],
        countries=[
            {
                "country": r.country,
                "name": r.name,
                "value": _number(r.value),
                "share": round(float(r.share), 6),
                "releases": int(r.releases),
            }
            for r in (rows.itertuples() if found is not None else [])
        ],
    )
