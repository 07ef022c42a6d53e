"""/api/v1/insights/prompts: which prompt terms and generation attributes go with launches above
or below the catalog's median, read by ``readout.what_works`` (the What works page's path).

Each term comes with its number of releases, its effect (how much larger the typical launch with
it is than one without, as a fraction) and a 95 % bootstrap interval; ``caveat`` says in words
that this is association, not cause.  ``format=csv`` (or ``Accept: text/csv``) answers the same
rows as CSV, every text cell formula-safe.
"""

from __future__ import annotations

from flask import Response, jsonify

from perfdash import store, what_works
from perfdash.api import http
from perfdash.api.numbers import _bad, _metric


def _day() -> int:
    day = http.int_arg("day", 7, low=1, high=365)
    if day not in what_works.DAYS:
        raise _bad("day", f"must be one of {', '.join(str(d) for d in what_works.DAYS)}")
    return day


def prompts() -> Response:
    """Terms of the prompts and generation attributes against launches of a metric (the
    answer ``what_works.answer`` gives every face)."""
    http.require("viewer")
    tz = http.settings().tz
    day = _day()
    csv = http.wants_csv()
    metric = _metric()
    with store.transaction(http.engine()) as conn:
        try:
            found = what_works.answer(conn, metric, day, tz)
        except what_works.MetricProblem as exc:
            raise _bad("metric", str(exc)) from None
    if csv:
        response = Response(what_works.csv_text(found["terms"]), mimetype="text/csv")
        response.headers["Content-Disposition"] = "attachment; filename=what-works.csv"
        return response
    return jsonify(**found)
