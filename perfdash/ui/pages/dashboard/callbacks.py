"""The dashboard's callbacks: the controls become one query string, every view listens to it.

``query_string`` is the one place the controls become a view (``dash-query``); a clientside
callback puts it in the shell's ``dcc.Location``, which adds a history entry per change (so
Back undoes it), and in the page's view store, which tells the router that the URL is the one
already shown, so the page is not rebuilt on every change; Back changes the URL to one the
page does not show, and the router builds the page for it.  The first view of a page build
replaces the entry it was built for (a bare ``/dashboard`` gets its full query).  Each view then
reads what it shows in one ``store.transaction`` (``data``) and draws it (``figures``,
``render``).  Nothing is kept between requests.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from dash import Dash, Input, Output, State, clientside_callback, ctx, html, no_update

from perfdash import metrics, store
from perfdash.ui import components, context
from perfdash.ui.components import SYNC_URL, THEME_STORE, page_view
from perfdash.ui.figures import charts
from perfdash.ui.pages.dashboard import data, outlook, places, records, render
from perfdash.ui.pages.dashboard.state import (
    DEFAULT_PERIOD,
    ViewState,
    default_metric,
    describe_period,
    period_dates,
    preset_of,
    resolve_period,
    state_from_controls,
    step_period,
    to_query,
    view_of,
    window,
)
from perfdash.ui.panels import annotations, freshness, goals

CONTROLS = [
    Input("dash-release", "value"),
    Input("dash-period", "value"),
    Input("dash-range", "start_date"),
    Input("dash-range", "end_date"),
    Input("dash-compare", "value"),
    Input("dash-platform", "value"),
    Input("dash-metric", "value"),
    Input("dash-granularity", "value"),
    Input("dash-mode", "value"),
    Input("dash-view", "active_tab"),
    Input("dash-lb-metric", "value"),
    Input("dash-archived", "value"),
    Input("dash-forecast", "value"),
    Input("dash-country", "value"),
]


def register(app: Dash) -> None:
    components.register_search(app, "dash-release", archived_from="dash-archived")
    _register_controls(app)
    _register_release_view(app)
    records.register(app)
    places.register(app)
    _register_leaderboard(app)
    annotations.register(app, releases="dash-release", chart="dash-series")
    goals.register(app, releases="dash-release")


def _register_controls(app: Dash) -> None:
    @app.callback(
        Output("dash-metric", "options"),
        Output("dash-metric", "value"),
        Output("dash-platform", "options"),
        Output("dash-platform", "value"),
        Input("dash-release", "value"),
        State("dash-metric", "value"),
        State("dash-platform", "value"),
        prevent_initial_call=True,
    )
    def choices(release_ids, metric, platforms):
        with store.transaction(context.read_engine()) as conn:
            types, keys = data.choices(conn, release_ids or [])
        return (
            [{"label": t, "value": t} for t in types],
            metric if metric in types else default_metric(types),
            render.platform_options(keys),
            [p for p in platforms or [] if p in keys],
        )

    @app.callback(
        Output("dash-period", "value"),
        Output("dash-range", "start_date"),
        Output("dash-range", "end_date"),
        Input("dash-period", "value"),
        Input("dash-range", "start_date"),
        Input("dash-range", "end_date"),
        Input("dash-prev", "n_clicks"),
        Input("dash-next", "n_clicks"),
        prevent_initial_call=True,
    )
    def period_sync(preset, start, end, _prev=None, _next=None):
        """A preset fills in its dates; picking dates by hand makes the period custom;
        previous / next step by the period's own length."""
        tz = context.settings().tz
        if ctx.triggered_id in ("dash-prev", "dash-next"):
            return _step(preset, start, end, -1 if ctx.triggered_id == "dash-prev" else 1, tz)
        if ctx.triggered_id == "dash-period":
            if preset == "custom":
                if start:
                    return no_update, no_update, no_update
                # after "All time": the dates a custom period without a start falls back to
                first, last = period_dates(resolve_period(ViewState(period="custom"), tz), tz)
                return no_update, first, last
            first, last = period_dates(metrics.period_for(preset, tz), tz)
            return no_update, first, last
        if not start or not end:
            return no_update, no_update, no_update
        first, last = period_dates(
            resolve_period(ViewState(period=preset or DEFAULT_PERIOD), tz), tz
        )
        if preset != "custom" and (start[:10], end[:10]) == (first, last):
            return no_update, no_update, no_update
        return "custom", no_update, no_update

    clientside_callback(
        "function(n, open) { return n ? !open : open; }",
        Output("dash-filters", "is_open"),
        Input("dash-filters-toggle", "n_clicks"),
        State("dash-filters", "is_open"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output("dash-prev", "disabled"),
        Output("dash-next", "disabled"),
        Input("dash-query", "data"),
    )
    def steps(query):
        """No step from all time; no next step once the period ends today."""
        state = view_of(query)
        if state.period == "all":
            return True, True
        tz = context.settings().tz
        _, last = period_dates(resolve_period(state, tz), tz)
        return False, last >= _today(tz).isoformat()

    @app.callback(Output("dash-query", "data"), *CONTROLS, State("dash-query", "data"))
    def query_string(*values):
        """The one place the controls become a view; every data callback listens to it."""
        *controls, current = values
        query = to_query(state_from_controls(*controls))
        return no_update if query == current else query

    # The view goes into the shell's URL: a new history entry per change, so Back undoes it;
    # the page's view store tells the router that URL is already shown.
    clientside_callback(
        SYNC_URL,
        Output(page_view("dashboard"), "data"),
        Output("url", "search"),
        Output("url", "href"),
        Output("dash-url-sync", "children"),
        Input("dash-query", "data"),
        State("dash-url-sync", "children"),
    )


def _today(tz: str) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(tz)).date()


def _step(preset: str | None, start: str | None, end: str | None, step: int, tz: str):
    """The dates (and preset, when they are one) of the period before or after the shown one."""
    if preset == "all" or not start or not end:
        return no_update, no_update, no_update
    today = _today(tz)
    stepped = step_period(date.fromisoformat(start[:10]), date.fromisoformat(end[:10]), step, today)
    if stepped is None:
        return no_update, no_update, no_update
    first, last = stepped
    return preset_of(first, last, today), first.isoformat(), last.isoformat()


def _register_release_view(app: Dash) -> None:
    @app.callback(
        Output("dash-kpis", "children"),
        Output("dash-bars", "figure"),
        Output("dash-share", "figure"),
        Input("dash-query", "data"),
        Input(THEME_STORE, "data"),
    )
    def summary(query, template):
        state = view_of(query)
        if state.view != "release":
            return no_update, no_update, no_update
        template = template or "plotly_white"
        if not state.releases:
            empty = charts.empty_figure("Pick a release", template)
            return None, empty, empty
        tz = context.settings().tz
        period, previous = window(state, tz)
        with store.transaction(context.read_engine()) as conn:
            numbers = data.period_gains(conn, state, period, previous)
            kpis = metrics.order_kpis(numbers.kpis, state.metric)
            platforms = list(state.platforms) or None
            fresh = freshness.by_metric(conn, state.releases, platforms, tz) if kpis else {}
            names = data.names(conn, state.releases) if len(state.releases) > 1 else {}
            rates = data.stream_rates(conn, state, period) if _money(kpis) else {}
        kind = metrics.metric_kind(state.metric or "", numbers.overrides)
        if names:  # several releases: each on its own, never summed
            split = numbers.breakdown_by_release(kind.metric_type)
            return (
                render.kpi_rows(numbers.by_release(), names, previous is not None, state.metric),
                charts.release_bars(split, names, kind=kind, template=template),
                charts.release_share(split, names, kind=kind, template=template),
            )
        breakdown = numbers.breakdown(kind.metric_type)
        return (
            render.kpi_section(kpis, previous is not None, fresh, rates),
            charts.platform_bars(breakdown, kind=kind, compare=state.compare, template=template),
            charts.platform_share(breakdown, kind=kind, template=template),
        )

    @app.callback(
        Output("dash-series", "figure"),
        Output("dash-note", "children"),
        Input("dash-query", "data"),
        Input(THEME_STORE, "data"),
        Input(annotations.VERSION, "data"),
    )
    def chart(query, template, _notes=None):
        state = view_of(query)
        if state.view != "release":
            return no_update, no_update
        template = template or "plotly_white"
        if not state.releases:
            return charts.empty_figure("Pick a release", template), ""
        tz = context.settings().tz
        period, previous = window(state, tz)
        with store.transaction(context.read_engine()) as conn:
            names = data.names(conn, state.releases)
            if state.metric is None:
                empty = charts.empty_figure("No metrics recorded for this release yet", template)
                return empty, render.no_metrics(names)
            line = data.line(conn, state, period, previous, tz)
            kind = metrics.metric_kind(state.metric, data.kinds(conn))
            if line.series.empty:
                empty = charts.empty_figure("Nothing matches these filters", template)
                return empty, render.no_match(state, period, tz)
            marks = annotations.chart_marks(conn, state.releases)
            note = freshness.chart_note(conn, state.releases, tz)
            fig, ahead = outlook.draw(
                conn,
                _series(line, names, state, kind, tz, template),
                line,
                state,
                kind,
                period,
                names,
                tz,
            )
        fig = annotations.mark_chart(fig, marks, tz)
        text = f"{describe_period(period, tz)} · {note}"
        return fig, [text, html.Div(ahead, id="dash-forecast-note")] if ahead else text


def _money(kpis: list[metrics.Kpi]) -> bool:
    return any(k.currency for k in kpis)


def _series(
    line: data.Line,
    names: dict[int, str],
    state: ViewState,
    kind: metrics.MetricKind,
    tz: str,
    template: str,
):
    """The time series of one metric: per platform for one release, per release for several."""
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
    )


def _register_leaderboard(app: Dash) -> None:
    @app.callback(Output("dash-leaderboard", "children"), Input("dash-query", "data"))
    def leaderboard(query):
        state = view_of(query)
        if state.view != "leaderboard":
            return no_update
        metric = state.leaderboard_metric
        if not metric:
            return render.no_leaderboard()
        tz = context.settings().tz
        period, previous = window(state, tz)
        with store.transaction(context.read_engine()) as conn:
            kind = metrics.metric_kind(metric, data.kinds(conn))
            board, before = data.leaderboard(
                conn,
                kind,
                period,
                previous,
                state.platforms,
                archived=state.archived,
                country=state.country,
            )
        return render.leaderboard_view(
            board, before, state, kind, period, tz, data.LEADERBOARD_SIZE
        )
