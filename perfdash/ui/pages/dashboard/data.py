"""The reads each dashboard view makes: the numbers come from ``perfdash.readout`` (the read
path the API shares), the controls' choices and the records' pages from the store.

Every function takes the connection of its callback's one ``store.transaction``, so a view's
reads share one checkout and one snapshot (a chart's series, baseline and drops agree with
each other) and the store's error translation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection

from perfdash import metrics, readout, store
from perfdash.ingest.rules import is_money
from perfdash.ui import components
from perfdash.ui.pages.dashboard.state import ViewState, default_metric
from perfdash.vocab import MONEY_METRICS

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
    currencies: tuple[str, ...] = ()  # the catalog's money currencies (the currency picker)
    tags: Sequence[dict] = ()  # every tag with its number of releases (the picker's tag filter)


Line = readout.Line


def controls(conn: Connection, state: ViewState) -> Controls | None:
    """The filters' options and values; None when the catalog has no release at all."""
    if store.count_releases(conn) == 0:
        return None
    options, selected = components.picker_options(
        conn, state.releases, limit=PICKER_SIZE, tag=state.tag
    )
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
        currencies=tuple(
            sorted({c for money in MONEY_METRICS for c in store.view_currencies(conn, None, money)})
        ),
        tags=store.list_tags(conn),
    )


def money_currency(
    conn: Connection, release_ids: Sequence[int] | None, metric: str | None, chosen: str | None
) -> str | None:
    """The one currency a money metric's chart, leaderboard and map are read in: the chosen
    one, else the first the releases (None: the catalog) have; None for any other metric."""
    if not is_money(metric):
        return None
    if chosen:
        return chosen
    found = store.view_currencies(conn, None if release_ids is None else list(release_ids), metric)
    return found[0] if found else None


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
) -> readout.Summary:
    """Each metric's KPI over the view's releases and platforms, now and in the previous period."""
    return readout.summary(
        conn,
        state.releases,
        state.platforms,
        period,
        previous,
        country=state.country,
        currency=state.currency,
    )


def stream_rates(
    conn: Connection, state: ViewState, period: metrics.Period, tz: str
) -> dict[str, metrics.StreamRate | None]:
    """Per currency, the earnings per stream of the view's matched rows (``readout.stream_rates``)."""
    return readout.stream_rates(conn, state.releases, state.platforms, period, state.country, tz=tz)


def line(
    conn: Connection,
    state: ViewState,
    period: metrics.Period,
    previous: metrics.Period | None,
    tz: str,
) -> Line:
    """The chosen metric's line (see ``readout.line``); with ``compare`` the previous period's
    line shifted onto this one."""
    return readout.line(
        conn,
        state.releases,
        state.metric,
        state.platforms,
        period,
        state.granularity,
        tz,
        previous if state.compare else None,
        country=state.country,
        currency=money_currency(conn, state.releases, state.metric, state.currency),
    )


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
        end=period.read_end,
        country=state.country,  # the chart's country, and money's currency when it is shown
        currency=state.currency if is_money(state.metric) else None,
    )
    count = store.count_records(conn, state.releases, **where)
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(max(0, page), pages - 1)
    frame = store.metric_records(
        conn, state.releases, **where, sort=sort, offset=page * PAGE_SIZE, limit=PAGE_SIZE
    )
    return frame, count, pages, page


def kinds(conn: Connection) -> dict[str, tuple[str, bool]]:
    return readout.kinds(conn)


def leaderboard(
    conn: Connection,
    kind: metrics.MetricKind,
    period: metrics.Period,
    previous: metrics.Period | None,
    platforms: Sequence[str] = (),
    archived: bool = False,
    country: str | None = None,
    currency: str | None = None,
    tag: str | None = None,
) -> tuple[pd.DataFrame, dict[int, float]]:
    """The top releases (see ``readout.leaderboard``), ``LEADERBOARD_SIZE`` of them, in one
    country or all territories; with ``tag``, of that tag's releases only."""
    tagged = store.tagged_release_ids(conn, tag, archived=archived) if tag else None
    return readout.leaderboard(
        conn,
        kind,
        period,
        previous,
        platforms,
        LEADERBOARD_SIZE,
        archived=archived,
        country=country,
        currency=currency,
        release_ids=tagged,
    )
