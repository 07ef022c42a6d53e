"""The dashboard's one answer to a change: the controls resolved, the view read once, every
output drawn.

A change of any control used to travel through a chain of callbacks (the period's dates, then
the query, then one callback per chart, the records, the leaderboard and the step buttons),
each a round trip.  Here it is one function of the controls: the period and the metric
choices are settled first (a preset fills in its dates, dates picked by hand make it custom,
new releases bring their own metrics and platforms), then everything the view shows is read
in one ``store.read_snapshot`` (one snapshot, which lets the store ask once what several
reads need) through ``data`` (``perfdash.readout``) and drawn
with ``render``, ``records`` and ``perfdash.ui.figures``.  What it returns names the outputs
that change; the rest stay as they are.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dash import html
from sqlalchemy import Connection

from perfdash import metrics, store
from perfdash.ui import context
from perfdash.ui.figures import charts
from perfdash.ui.pages.dashboard import data, outlook, places, records, render
from perfdash.ui.pages.dashboard.state import (
    DEFAULT_PERIOD,
    PERIODS,
    ViewState,
    default_metric,
    describe_period,
    period_dates,
    preset_of,
    resolve_period,
    state_from_controls,
    step_period,
    to_query,
    window,
)
from perfdash.ui.panels import annotations, freshness

RELEASES = "dash-release.value"
TAG = "dash-tag.value"  # narrows the picker and the leaderboard; a release's numbers stay
PERIOD = "dash-period.value"
RANGE = ("dash-range.start_date", "dash-range.end_date")
STEPS = {"dash-prev.n_clicks": -1, "dash-next.n_clicks": 1}
REDRAW = ("theme-store.data", f"{annotations.VERSION}.data")  # same numbers, drawn again
TABLE = {"dash-table-sort.data": 0, "dash-table-prev.n_clicks": -1, "dash-table-next.n_clicks": 1}


@dataclass(frozen=True)
class Controls:
    """What the filters hold when the change arrives (as the browser sent it)."""

    releases: Any
    period: str | None
    start: str | None
    end: str | None
    compare: bool | None
    platforms: list[str] | None
    metric: str | None
    granularity: str | None
    mode: str | None
    view: str | None
    lb_metric: str | None
    archived: bool | None
    forecast: str | None
    country: str | None
    currency: str | None
    tag: str | None = None


def today(tz: str) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(tz)).date()


def steps_disabled(state: ViewState, tz: str) -> tuple[bool, bool]:
    """No step from all time; no next step once the period ends today."""
    if state.period == "all":
        return True, True
    _, last = period_dates(resolve_period(state, tz), tz)
    return False, last >= today(tz).isoformat()


def settle_period(
    triggered: Collection[str], preset: str | None, start: str | None, end: str | None, tz: str
) -> tuple[str, str | None, str | None]:
    """The preset and dates the change leaves: a preset fills in its dates, picking dates by
    hand makes the period custom, previous / next step by the period's own length."""
    preset = preset if preset in dict(PERIODS) else DEFAULT_PERIOD
    step = next((STEPS[t] for t in STEPS if t in triggered), None)
    if step is not None:
        if preset == "all" or not start or not end:
            return preset, start, end
        now = today(tz)
        stepped = step_period(
            date.fromisoformat(start[:10]), date.fromisoformat(end[:10]), step, now
        )
        if stepped is None:
            return preset, start, end
        first, last = stepped
        return preset_of(first, last, now), first.isoformat(), last.isoformat()
    if PERIOD in triggered:
        if preset == "custom":
            if start:
                return preset, start, end
            # after "All time": the dates a custom period without a start falls back to
            first, last = period_dates(resolve_period(ViewState(period="custom"), tz), tz)
            return preset, first, last
        first, last = period_dates(metrics.period_for(preset, tz), tz)
        return preset, first, last
    if any(t in triggered for t in RANGE) and start and end and preset != "custom":
        first, last = period_dates(resolve_period(ViewState(period=preset), tz), tz)
        if (start[:10], end[:10]) != (first, last):
            return "custom", start, end
    return preset, start, end


def answer(
    triggered: Collection[str],
    controls: Controls,
    *,
    template: str | None,
    sort: Any,
    table_page: Any,
    current: str | None,
) -> dict[str, Any]:
    """The outputs (by name, see ``callbacks.OUTPUTS``) a change sets; an empty
    ``triggered`` is the page's first call.  A change that leaves the view as it is (a date
    picker half-way through a range) sets nothing."""
    tz = context.settings().tz
    first_call = not triggered
    table_only = bool(triggered) and all(t in TABLE for t in triggered)
    out: dict[str, Any] = {}
    preset, start, end = settle_period(triggered, controls.period, controls.start, controls.end, tz)
    for name, before, after in (
        ("period", controls.period, preset),
        ("start", controls.start, start),
        ("end", controls.end, end),
    ):
        if before != after:
            out[name] = after
    template = template or "plotly_white"
    with store.read_snapshot(context.read_engine()) as conn:
        metric, platforms = controls.metric, controls.platforms
        if RELEASES in triggered:
            metric, platforms = _choices(conn, controls, out)
        state = state_from_controls(
            controls.releases,
            preset,
            start,
            end,
            controls.compare,
            platforms,
            metric,
            controls.granularity,
            controls.mode,
            controls.view,
            controls.lb_metric,
            controls.archived,
            controls.forecast,
            controls.country,
            controls.currency,
            controls.tag,
        )
        query = to_query(state)
        changed = query != current
        if triggered and all(t == TAG for t in triggered):  # a release's numbers stay
            if changed:
                out["query"] = query
                if state.view == "leaderboard":
                    out["leaderboard"] = _leaderboard(conn, state, tz)
            return out
        if not (first_call or changed or table_only or any(t in triggered for t in REDRAW)):
            return out
        if changed:
            out["query"] = query
        if first_call or changed:
            out["prev_disabled"], out["next_disabled"] = steps_disabled(state, tz)
        if state.view == "leaderboard":
            if first_call or changed:
                out["leaderboard"] = _leaderboard(conn, state, tz)
            return out
        overrides = None
        if not table_only:
            overrides = _release_view(conn, state, tz, template, out)
            out.update(places.view(conn, state, tz, template))
        if first_call or changed or table_only:
            step = next((TABLE[t] for t in TABLE if t in triggered), 0) if table_only else 0
            out.update(records.page(conn, state, tz, sort, table_page, step, overrides))
    return out


def _choices(conn: Connection, controls: Controls, out: dict[str, Any]):
    """New releases: the metrics and platforms they have; the chosen ones that remain."""
    ids = [int(r) for r in _ids(controls.releases)]
    types, keys = data.choices(conn, ids)
    metric = controls.metric if controls.metric in types else default_metric(types)
    platforms = [p for p in controls.platforms or [] if p in keys]
    out.update(
        metric_options=[{"label": t, "value": t} for t in types],
        metric=metric,
        platform_options=render.platform_options(keys),
        platforms=platforms,
    )
    return metric, platforms


def _ids(releases: Any) -> list:
    if isinstance(releases, int | str):
        releases = [releases]
    return [r for r in releases or [] if str(r).isdigit()]


def _release_view(
    conn: Connection, state: ViewState, tz: str, template: str, out: dict[str, Any]
) -> dict[str, tuple[str, bool]] | None:
    """The KPIs, the time series with its note, the per-platform bars and share, into
    ``out``; the metric kinds the view read (the records' table shows them too).

    One summary read serves the KPIs, the bars and the share; the collection schedules
    that judge freshness are read once for the KPI cards and the chart's note."""
    if not state.releases:
        empty = charts.empty_figure("Pick a release", template)
        out.update(kpis=None, bars=empty, share=empty, series=empty, note="")
        return None
    period, previous = window(state, tz)
    numbers = data.period_gains(conn, state, period, previous)
    names = data.names(conn, state.releases)
    wanted = numbers.kpis or state.metric is not None  # else no card or note judges them
    known = freshness.schedules(conn, state.releases) if wanted else None
    out.update(
        _summary(conn, state, tz, template, numbers, names, period, previous is not None, known)
    )
    out.update(_chart(conn, state, tz, template, numbers.overrides, names, period, previous, known))
    return numbers.overrides


def _summary(
    conn, state, tz, template, numbers, names, period, has_previous, known
) -> dict[str, Any]:
    kpis = metrics.order_kpis(numbers.kpis, state.metric)
    kind = metrics.metric_kind(state.metric or "", numbers.overrides)
    if len(state.releases) > 1:  # several releases: each on its own, never summed
        split = numbers.breakdown_by_release(kind.metric_type)
        return dict(
            kpis=render.kpi_rows(numbers.by_release(), names, has_previous, state.metric),
            bars=charts.release_bars(split, names, kind=kind, template=template),
            share=charts.release_share(split, names, kind=kind, template=template),
        )
    platforms = list(state.platforms) or None
    fresh = freshness.by_metric(conn, state.releases, platforms, tz, known) if kpis else {}
    rates = data.stream_rates(conn, state, period, tz) if any(k.currency for k in kpis) else {}
    breakdown = numbers.breakdown(kind.metric_type)
    return dict(
        kpis=render.kpi_section(kpis, has_previous, fresh, rates),
        bars=charts.platform_bars(breakdown, kind=kind, compare=state.compare, template=template),
        share=charts.platform_share(breakdown, kind=kind, template=template),
    )


def _chart(conn, state, tz, template, overrides, names, period, previous, known) -> dict[str, Any]:
    if state.metric is None:
        empty = charts.empty_figure("No metrics recorded for this release yet", template)
        return dict(series=empty, note=render.no_metrics(names))
    line = data.line(conn, state, period, previous, tz)
    kind = metrics.metric_kind(state.metric, overrides)
    if line.series.empty:
        empty = charts.empty_figure("Nothing matches these filters", template)
        return dict(series=empty, note=render.no_match(state, period, tz))
    marks = annotations.chart_marks(conn, state.releases)
    note = freshness.chart_note(conn, state.releases, tz, known)
    currency = data.money_currency(conn, state.releases, state.metric, state.currency)
    drawn = _series(line, names, state, kind, tz, template, currency)
    fig, ahead = outlook.draw(conn, drawn, line, state, kind, period, names, tz)
    fig = annotations.mark_chart(fig, marks, tz)
    text = f"{describe_period(period, tz)} · {note}"
    return dict(
        series=fig, note=[text, html.Div(ahead, id="dash-forecast-note")] if ahead else text
    )


def _series(line, names, state, kind, tz, template, currency=None):
    """The time series of one metric: per platform for one release, per release for several;
    money in ``currency``."""
    subject = " vs ".join(names.values()) if len(names) > 1 else next(iter(names.values()))
    return charts.time_series(
        line.gains,
        mode=state.mode,
        release_names=names,
        tz=tz,
        template=template,
        title=charts.series_title(subject, kind, state.mode, state.granularity),
        colour_by="release" if len(state.releases) > 1 else "platform",
        drops=line.drops,
        previous=line.previous,
        granularity=state.granularity,
        kind=kind,
        currency=currency,
    )


def _leaderboard(conn: Connection, state: ViewState, tz: str):
    metric = state.leaderboard_metric
    if not metric:
        return render.no_leaderboard()
    period, previous = window(state, tz)
    kind = metrics.metric_kind(metric, data.kinds(conn))
    currency = data.money_currency(conn, None, metric, state.currency)
    board, before = data.leaderboard(
        conn,
        kind,
        period,
        previous,
        state.platforms,
        archived=state.archived,
        country=state.country,
        currency=currency,
        tag=state.tag,
    )
    return render.leaderboard_view(
        board, before, state, kind, period, tz, data.LEADERBOARD_SIZE, currency
    )
