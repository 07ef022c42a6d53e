"""/api/v1/forecast: the next days of one release's total, with an 80 % band and its backtest.

Read by ``readout.forecasts``, the path the dashboard's forecast toggle draws from, so the
chart and a script see the same numbers.  The method is ``metrics.forecast``'s (its docstring
and docs/numbers.md say it in full); ``backtest`` says how well it did on this series' past.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, jsonify, request

from perfdash import metrics, readout, store
from perfdash.api import http
from perfdash.api.numbers import _bad, _default_metric, _metric
from perfdash.ingest.annotations import find_release

DEFAULT_DAYS = 28
MAX_DAYS = 90
MAX_PLATFORM = 100


def _release(conn) -> dict[str, Any]:
    values = request.args.getlist("release")
    if not values or not values[0].strip():
        raise _bad("release", "give one release (key or id)")
    if len(values) > 1:
        raise _bad("release", "give one release, not several")
    release = find_release(conn, values[0])
    if release is None:
        raise http.ApiError(
            404,
            f"No release with key or id {values[0]!r}",
            [{"field": "release", "message": "not found"}],
        )
    return release


def _platform() -> str | None:
    values = [p.strip().lower() for p in request.args.getlist("platform") if p.strip()]
    if len(values) > 1:
        raise _bad("platform", "give one platform, or none for all of them")
    if values and len(values[0]) > MAX_PLATFORM:
        raise _bad("platform", f"longer than {MAX_PLATFORM} characters")
    return values[0] if values else None


def _round(value: float) -> int:
    return int(round(float(value)))


def forecast() -> Response:
    """The release's total over the next ``days`` days: each day's forecast and band."""
    http.require("viewer")
    tz = http.settings().tz
    days = http.int_arg("days", DEFAULT_DAYS, low=1, high=MAX_DAYS)
    platform = _platform()
    with store.transaction(http.engine()) as conn:
        release = _release(conn)
        types = store.list_metric_types(conn, [release["id"]])
        metric = _metric() or _default_metric(types)
        if metric is None:
            raise _bad("metric", "the release has no readings yet")
        if metric not in types:
            raise _bad("metric", f"the release has no {metric} readings")
        if platform is not None and platform not in store.list_platform_keys(conn, [release["id"]]):
            raise _bad("platform", f"the release has no readings on {platform}")
        kind = metrics.metric_kind(metric, readout.kinds(conn))
        if kind.is_score:
            raise _bad("metric", f"{metric} is a score (a level, not a total): no forecast")
        found = readout.forecasts(
            conn,
            [release["id"]],
            metric,
            [platform] if platform else [],
            tz,
            days,
            per_platform=False,
        )
    outlook = next(iter(found.values()), readout.Outlook(None, "it has no numbers"))
    body: dict[str, Any] = {
        "release_key": release["release_id"],
        "metric": metric,
        "kind": kind.kind,
        "platform": platform or readout.ALL_PLATFORMS,
        "days": days,
        "time_zone": str(ZoneInfo(tz)),
        "method": metrics.FORECAST_METHOD,
    }
    result = outlook.forecast
    if result is None:
        return jsonify(
            **body,
            points=[],
            last_day=None,
            last_total=None,
            backtest={"mape_28d": None, "band_coverage": None, "origins": 0},
            message=f"No forecast: {outlook.reason}.",
        )
    back = result.backtest
    return jsonify(
        **body,
        last_day=result.last_day.isoformat(),
        last_total=_round(result.last_total),
        points=[
            {
                "date": p.date.isoformat(),
                "value": _round(p.value),
                "low": _round(p.low),
                "high": _round(p.high),
            }
            for p in result.points.itertuples()
        ],
        backtest={
            "mape_28d": None if back.mape_28d is None else round(back.mape_28d, 4),
            "band_coverage": None if back.band_coverage is None else round(back.band_coverage, 4),
            "origins": back.origins,
        },
        message=None,
    )
