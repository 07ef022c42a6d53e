"""/api/v1/artists and /api/v1/artists/NAME: the artist pages' numbers for scripts.

An artist is the releases that carry its name.  Both answers are read by ``perfdash.readout``
(``artist_board``, ``artist``), the artist page's read path, with the period, platforms and
metric given as on ``/kpis`` (``from``/``to`` local days, ``platform`` repeatable, ``metric``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from flask import Response, jsonify

from perfdash import metrics, readout, store
from perfdash.api import http, numbers
from perfdash.ingest.rules import MAX_NAME, clean_text

MAX_ARTISTS = 500


def _num(value: Any) -> int | float | None:
    """A number of a frame's row for JSON: None for a missing one (NA, NaN)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return numbers._number(value)


def _measure(kind: metrics.MetricKind, gain: Any, total: Any, prev_gain: Any, prev_total: Any):
    """A row's numbers as the kind reads them: a gain for a counter or an audience, a level
    for a score (never both)."""
    if kind.is_score:
        return {
            "gain": None,
            "previous_gain": None,
            "level": _num(total),
            "previous_level": _num(prev_total),
        }
    return {"gain": _num(gain), "previous_gain": _num(prev_gain)}


def artists() -> Response:
    """Every artist with its number of releases, ranked for a metric over the period."""
    http.require("viewer")
    tz = http.settings().tz
    limit = http.int_arg("limit", MAX_ARTISTS, low=1, high=MAX_ARTISTS)
    period, previous = numbers._window(tz)
    with store.transaction(http.engine()) as conn:
        listed = store.list_artists(conn)
        metric = numbers._metric() or numbers._default_metric(store.list_metric_types(conn))
        kind = metrics.metric_kind(metric or "", readout.kinds(conn))
        board = (
            readout.artist_board(conn, kind, period, previous, numbers._platforms())
            if metric
            else None
        )
    counts = {a["artist_name"]: a["releases"] for a in listed}
    rows, seen = [], set()
    for r in [] if board is None else board.itertuples():
        seen.add(r.artist_name)
        rows.append(
            {
                "artist_name": r.artist_name,
                "releases": counts.get(r.artist_name, int(r.releases)),
                "active_releases": int(r.releases),
                **_measure(kind, r.gain, r.total, r.previous_gain, r.previous_total),
            }
        )
    for name, count in counts.items():  # no reading of the metric in the period
        if name not in seen:
            rows.append(
                {
                    "artist_name": name,
                    "releases": count,
                    "active_releases": 0,
                    **_measure(kind, None, None, None, None),
                }
            )
    return jsonify(
        **numbers._span(period, previous, tz),
        metric=metric,
        kind=kind.kind if metric else None,
        lower_is_better=kind.lower_is_better,
        artists=rows[:limit],
    )


def artist_detail(name: str) -> Response:
    """One artist: its releases with each one's gain and share of the metric, and every
    metric's KPI over them."""
    http.require("viewer")
    tz = http.settings().tz
    wanted, problem = clean_text(name, limit=MAX_NAME, name="Artist")
    if problem or not wanted:
        raise numbers._bad("name", problem or "give an artist name")
    period, previous = numbers._window(tz)
    with store.transaction(http.engine()) as conn:
        found = readout.artist(conn, wanted, numbers._platforms(), period, previous)
        if found is None:
            raise http.ApiError(
                404,
                f"No release has the artist name {wanted!r}",
                [{"field": "name", "message": "not found"}],
            )
        types = store.list_metric_types(conn, found.release_ids)
        metric = numbers._metric() or numbers._default_metric(types)
    kind = metrics.metric_kind(metric or "", found.summary.overrides)
    shares = found.shares(metric) if metric else None
    by_id = {} if shares is None else {int(r.release_id): r for r in shares.itertuples()}
    releases = []
    for release in found.releases:
        row = by_id.get(int(release["id"]))
        releases.append(
            {
                "release_key": release["release_id"],
                "title": numbers._text(release["title"]),
                "approved_at": numbers._time(release["approved_at"], tz),
                **(
                    _measure(kind, None, None, None, None)
                    if row is None
                    else _measure(kind, row.gain, row.total, row.previous_gain, None)
                ),
                "total": None if row is None or kind.is_score else _num(row.total),
                "share": None if row is None else _num(row.share),
            }
        )
    return jsonify(
        **numbers._span(period, previous, tz),
        artist_name=wanted,
        metric=metric,
        kind=kind.kind if metric else None,
        releases=releases,
        kpis=[numbers.kpi_out(k) for k in metrics.order_kpis(found.summary.kpis, metric)],
    )
