"""/api/v1/insights/prompts: which prompt terms and generation attributes go with launches above
or below the catalog's median, read by ``readout.what_works`` (the What works page's path).

Each term comes with its number of releases, its effect (how much larger the typical launch with
it is than one without, as a fraction) and a 95 % bootstrap interval; ``caveat`` says in words
that this is association, not cause.  ``format=csv`` (or ``Accept: text/csv``) answers the same
rows as CSV, every text cell formula-safe.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from flask import Response, jsonify

from perfdash import metrics, readout, store
from perfdash.api import http
from perfdash.api.numbers import _bad, _default_metric, _metric
from perfdash.csvio.export import rows_csv

DAYS = (7, 28)
CSV_COLUMNS = ["term", "n", "effect", "ci_low", "ci_high", "above", "also"]


def _day() -> int:
    day = http.int_arg("day", 7, low=1, high=365)
    if day not in DAYS:
        raise _bad("day", f"must be one of {', '.join(str(d) for d in DAYS)}")
    return day


def rows_of(found: readout.WhatWorks) -> list[dict[str, Any]]:
    return [
        {
            "term": r.term,
            "n": int(r.n),
            "effect": round(float(r.effect), 4),
            "ci_low": round(float(r.ci_low), 4),
            "ci_high": round(float(r.ci_high), 4),
            "above": int(r.above),
            "also": list(r.also),
        }
        for r in found.terms.itertuples()
    ]


def prompts() -> Response:
    """Terms of the prompts and generation attributes against launches of a metric."""
    http.require("viewer")
    tz = http.settings().tz
    day = _day()
    csv = http.wants_csv()
    with store.transaction(http.engine()) as conn:
        types = store.list_metric_types(conn)
        metric = _metric() or _default_metric(types)
        if metric is not None and metric not in types:
            raise _bad("metric", f"no release has {metric} readings")
        kind = metrics.metric_kind(metric or "", readout.kinds(conn))
        if metric is not None and kind.is_score:
            raise _bad("metric", f"{metric} is a score (a level): launches are compared by gains")
        found = (
            readout.what_works(conn, metric, day, tz)
            if metric
            else readout.WhatWorks(pd.DataFrame(columns=metrics.TERM_COLUMNS), 0, None)
        )
    rows = rows_of(found)
    if csv:
        flat = [{**r, "also": "; ".join(r["also"])} for r in rows]
        response = Response(rows_csv(flat, CSV_COLUMNS), mimetype="text/csv")
        response.headers["Content-Disposition"] = "attachment; filename=what-works.csv"
        return response
    return jsonify(
        metric=metric,
        day=day,
        releases=found.releases,
        median=found.median,
        min_releases=metrics.PROMPT_MIN_RELEASES,
        caveat=metrics.PROMPT_CAVEAT,
        terms=rows,
    )
