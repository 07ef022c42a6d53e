"""The reads each dashboard view makes: the store aggregates in SQL, ``metrics`` adds up and
compares.

Every function takes the connection of its callback's one ``store.transaction``, so a view's
reads share one checkout and one snapshot (a chart's series, baseline and drops agree with
each other) and the store's error translation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection

from perfdash import metrics, store
from perfdash.ui import components
from perfdash.ui.figures import charts
from perfdash.ui.pages.dashboard.state import ViewState, default_metric

PICKER_SIZE = 20  # releases listed before typing; the search box finds the rest
PAGE_SIZE = 25  # records per table page
LEADERBOARD_SIZE = 10


@dataclass(frozen=True)
class Controls:
    """What the filters offer and show for a view (the URL's choices that still exist)."""

    options: list[dict]
    selected: list[int]
    metric_types: list[str]
    metric: str | None
    platform_keys: list[str]
    catalog_metrics: list[str]
    leaderboard_metric: str | None


@dataclass(frozen=True)
class Line:
    """One metric over one period, and the previous period's gains moved onto it."""

    series: pd.DataFrame
    gains: pd.DataFrame
    drops: pd.DataFrame
    previous: pd.DataFrame | None


def controls(conn: Connection, state: ViewState) -> Controls | None:
    """The filters' options and values; None when the catalog has no release at all."""
    if store.count_releases(conn) == 0:
        return None
    options, selected = components.picker_options(conn, state.releases, limit=PICKER_SIZE)
    if not selected and options and not state.releases:
        selected = [options[0]["value"]]
    types, keys = choices(conn, selected)
    catalog_metrics = store.list_metric_types(conn)
    return Controls(
        options=options,
        selected=selected,
        metric_types=types,
        metric=state.metric if state.metric in types else default_metric(types),
        platform_keys=keys,
        catalog_metrics=catalog_metrics,
        leaderboard_metric=(
            state.leaderboard_metric
            if state.leaderboard_metric in catalog_metrics
            else default_metric(catalog_metrics)
        ),
    )


def choices(conn: Connection, release_ids: Sequence[int]) -> tuple[list[str], list[str]]:
    """The metric types and platforms the releases have readings of."""
    ids = list(release_ids)
    if not ids:
        return [], []
    return store.list_metric_types(conn, ids), store.list_platform_keys(conn, ids)


def names(conn: Connection, release_ids: Sequence[int]) -> dict[int, str]:
    out = {}
    for release_id in release_ids:
        release = store.get_release(conn, release_id)
        out[release_id] = store.release_label(release) if release else f"#{release_id}"
    return out


def period_gains(
    conn: Connection, state: ViewState, period: metrics.Period, previous: metrics.Period | None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Each metric's gain and total per platform in the period, and in the previous one."""
    platforms = list(state.platforms) or None

    def gains(p: metrics.Period) -> pd.DataFrame:
        return store.period_gains(
            conn, state.releases, start=p.start, end=p.end, platforms=platforms
        )

    return gains(period), (gains(previous) if previous else None)


def line(
    conn: Connection,
    state: ViewState,
    period: metrics.Period,
    previous: metrics.Period | None,
    tz: str,
) -> Line:
    """The chosen metric's buckets (local to ``tz``), totals/gains and corrections, and with
    ``compare`` the previous period's line shifted onto this one."""
    series, gains, drops = _line(conn, state, period, tz)
    before = None
    if state.compare and previous is not None and not series.empty:
        _, before, _ = _line(conn, state, previous, tz)
        before = before.assign(bucket=before["bucket"] + pd.Timedelta(days=round(period.days)))
    return Line(series, gains, drops, before)


def _line(
    conn: Connection, state: ViewState, period: metrics.Period, tz: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Several releases are compared on their sum over platforms (one line each)."""
    where = dict(metric_types=[state.metric], platforms=list(state.platforms) or None)
    bucket = dict(start=period.start, end=period.end, bucket=state.granularity, tz=tz)
    series = store.release_series(conn, state.releases, **bucket, **where)
    baseline = (
        store.totals_before(conn, state.releases, period.start, **where)
        if period.start and not series.empty
        else None
    )
    gains = metrics.totals_and_gains(series, baseline)
    drops = store.total_drops(conn, state.releases, **bucket, **where)
    if len(state.releases) > 1:
        gains = metrics.combine_platforms(gains).assign(platform_key=charts.ALL_PLATFORMS)
        drops = drops.assign(platform_key=charts.ALL_PLATFORMS)
    gains = gains.assign(
        complete=metrics.bucket_complete(gains["bucket"], state.granularity, tz, period)
    )
    return series, gains, drops


def records(
    conn: Connection,
    state: ViewState,
    period: metrics.Period,
    *,
    page: int,
    sort: list[tuple[str, str]],
) -> tuple[pd.DataFrame, int, int, int]:
    """One page of the readings behind the chart: (rows, count, pages, page shown)."""
    where = dict(
        metric_types=[state.metric] if state.metric else None,
        platforms=list(state.platforms) or None,
        start=period.start,
        end=period.end,
    )
    count = store.count_records(conn, state.releases, **where)
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(max(0, page), pages - 1)
    frame = store.metric_records(
        conn, state.releases, **where, sort=sort, offset=page * PAGE_SIZE, limit=PAGE_SIZE
    )
    return frame, count, pages, page


def kinds(conn: Connection) -> dict[str, tuple[str, bool]]:
    """The editors' metric kinds, read with the view's numbers (one snapshot)."""
    return store.metric_kind_overrides(conn)


def leaderboard(
    conn: Connection,
    kind: metrics.MetricKind,
    period: metrics.Period,
    previous: metrics.Period | None,
    platforms: Sequence[str] = (),
) -> tuple[pd.DataFrame, dict[int, float]]:
    """The top releases in the period on the chosen platforms, and the same releases' numbers
    in the previous period: by gain for a counter or an audience (compared with the previous
    gain), by level for a score (best first; compared with the previous period's level)."""
    by = "gain" if not kind.is_score else ("level_asc" if kind.lower_is_better else "level")
    where = dict(platforms=list(platforms) or None, by=by, limit=LEADERBOARD_SIZE)
    board = store.leaderboard(conn, kind.metric_type, start=period.start, end=period.end, **where)
    before: dict[int, float] = {}
    if previous is not None and not board.empty:
        prev = store.leaderboard(
            conn,
            kind.metric_type,
            start=previous.start,
            end=previous.end,
            release_ids=board["release_id"].tolist(),
            **where,
        )
        column = "total" if kind.is_score else "gain"
        cast = float if kind.is_score else int
        before = {int(r): cast(v) for r, v in zip(prev["release_id"], prev[column], strict=True)}
    return board, before
