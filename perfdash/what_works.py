"""What works as every face answers it: the page, ``GET /api/v1/insights/prompts`` and
``perfdash insights prompts`` read the same terms (``readout.what_works``) and hand back the same
answer, so the three cannot drift apart.

``answer`` is the API's JSON object (metric, day, releases, median, the least number of releases
a term needs, the caveat, and each term with its number of releases, effect and 95 % bootstrap
interval, rounded to 4 places); ``csv_text`` the same rows as the API's CSV.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Connection

from perfdash import metrics, readout, store
from perfdash.csvio.export import rows_csv

DAYS = (7, 28)
CSV_COLUMNS = ["term", "n", "effect", "ci_low", "ci_high", "above", "also"]


class MetricProblem(ValueError):
    """The metric cannot be read for What works; the message says why (naming it)."""


def choose_metric(conn: Connection, metric: str | None) -> str | None:
    """The metric asked for, or the dashboard's default (views, then streams, then the
    first); None when nothing is recorded.  A metric nobody records, or a score, raises
    ``MetricProblem``."""
    types = store.list_metric_types(conn)
    if metric is None:
        preferred = [t for t in ("views", "streams") if t in types]
        return preferred[0] if preferred else (types[0] if types else None)
    if metric not in types:
        raise MetricProblem(f"no release has {metric} readings")
    if metrics.metric_kind(metric, readout.kinds(conn)).is_score:
        raise MetricProblem(f"{metric} is a score (a level): launches are compared by gains")
    return metric


def percent(value: float) -> str:
    """An effect or a bound as the page shows it: '+200 %'."""
    return f"{value * 100:+.0f} %"


def rows_of(found: readout.WhatWorks, places: int | None = 4) -> list[dict[str, Any]]:
    """Each term's row; numbers rounded to ``places`` (the API's), or as computed (None: the
    page's, which rounds only when it shows them)."""

    def num(x: Any) -> float:
        return float(x) if places is None else round(float(x), places)

    return [
        {
            "term": r.term,
            "n": int(r.n),
            "effect": num(r.effect),
            "ci_low": num(r.ci_low),
            "ci_high": num(r.ci_high),
            "above": int(r.above),
            "also": list(r.also),
        }
        for r in found.terms.itertuples()
    ]


def read(
    conn: Connection, metric: str | None, day: int, tz: str
) -> tuple[str | None, readout.WhatWorks]:
    """The metric (``choose_metric``) and its terms ``day`` days after launch."""
    if day not in DAYS:
        raise ValueError(f"day must be one of {', '.join(str(d) for d in DAYS)}")
    metric = choose_metric(conn, metric)
    found = (
        readout.what_works(conn, metric, day, tz)
        if metric
        else readout.WhatWorks(pd.DataFrame(columns=metrics.TERM_COLUMNS), 0, None)
    )
    return metric, found


def answer(conn: Connection, metric: str | None, day: int, tz: str) -> dict[str, Any]:
    """The terms of the prompts and generation attributes against launches of ``metric``
    (checked by ``choose_metric``) ``day`` days after launch, as the API answers them."""
    return answer_of(*read(conn, metric, day, tz), day)


def answer_of(metric: str | None, found: readout.WhatWorks, day: int) -> dict[str, Any]:
    return {
        "metric": metric,
        "day": day,
        "releases": found.releases,
        "median": found.median,
        "min_releases": metrics.PROMPT_MIN_RELEASES,
        "caveat": metrics.PROMPT_CAVEAT,
        "terms": rows_of(found),
    }


def csv_text(terms: list[dict[str, Any]]) -> str:
    """The terms as CSV (``also`` joined by "; "), every text cell formula-safe."""
    return rows_csv([{**r, "also": "; ".join(r["also"])} for r in terms], CSV_COLUMNS)
