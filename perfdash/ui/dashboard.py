"""Dashboard tab: releases over a period, KPIs, charts, records, and the catalog leaderboard.

The whole view (releases, period, filters, granularity, total/gain, tab) lives in the URL query
string, so a link or a reload shows the same thing: ``parse_query`` reads it into a
``ViewState`` for ``layout``, ``to_query`` writes it back, and a clientside callback replaces
the browser's URL without reloading (``history.replaceState``, which the shell's
``dcc.Location`` does not hear, so the page is not rebuilt on every change).

Callbacks stay thin: ``store`` aggregates in SQL (one query per chart), ``metrics`` adds up and
compares, ``figures`` draws.  Nothing is kept between requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlencode
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
import pandas as pd
from dash import (
    Dash,
    Input,
    Output,
    State,
    clientside_callback,
    ctx,
    dash_table,
    dcc,
    html,
    no_update,
)
from dash.dash_table.Format import Format, Group

from perfdash import metrics, store
from perfdash.ui import context, insights
from perfdash.ui.figures import charts as figures

PERIODS = [
    ("7d", "7 days"),
    ("28d", "28 days"),
    ("90d", "90 days"),
    ("12m", "12 months"),
    ("all", "All time"),
    ("custom", "Custom"),
]
GRANULARITIES = ("day", "week", "month")
MODES = ("total", "gain")
VIEWS = ("release", "leaderboard")
DEFAULT_PERIOD = "90d"
PAGE_SIZE = 25
PICKER_SIZE = 20  # releases listed before typing; the search box finds the rest
LEADERBOARD_SIZE = 10
TABLE_COLUMNS = [
    ("recorded_at", "Recorded at"),
    ("release", "Release"),
    ("platform", "Platform"),
    ("metric_type", "Metric"),
    ("metric_value", "Value"),
    ("value_kind", "Kind"),
    ("source", "Source"),
    ("notes", "Notes"),
]


# --------------------------------------------------------------------------- view state


@dataclass(frozen=True)
class ViewState:
    """Everything the URL says about the view; defaults for whatever it does not say."""

    releases: tuple[int, ...] = ()
    period: str = DEFAULT_PERIOD
    start: date | None = None
    end: date | None = None
    compare: bool = False
    platforms: tuple[str, ...] = ()
    metric: str | None = None
    granularity: str = "day"
    mode: str = "total"
    view: str = "release"
    leaderboard_metric: str | None = None


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def parse_query(query: dict[str, list[str]]) -> ViewState:
    """The view a URL query asks for; values that make no sense are dropped, not fatal."""

    def one(key: str) -> str | None:
        values = query.get(key) or []
        return values[0] if values else None

    releases: list[int] = []
    for value in query.get("release", []):
        for part in value.split(","):
            if part.strip().isdigit() and int(part) not in releases:
                releases.append(int(part))
    period = one("period") or DEFAULT_PERIOD
    start, end = _date(one("from")), _date(one("to"))
    if period not in dict(PERIODS):
        period = DEFAULT_PERIOD
    if period == "custom" and (start is None or end is None or end < start):
        period, start, end = DEFAULT_PERIOD, None, None
    if period != "custom":
        start = end = None
    granularity = one("granularity")
    mode = one("mode")
    view = one("view")
    return ViewState(
        releases=tuple(releases),
        period=period,
        start=start,
        end=end,
        compare=one("compare") in ("1", "true", "yes"),
        platforms=tuple(p.lower() for p in query.get("platform", []) if p.strip()),
        metric=one("metric") or None,
        granularity=granularity if granularity in GRANULARITIES else "day",
        mode=mode if mode in MODES else "total",
        view=view if view in VIEWS else "release",
        leaderboard_metric=one("lbmetric") or None,
    )


def to_query(state: ViewState) -> str:
    """The URL query string ('?release=3&period=28d...') that ``parse_query`` reads back."""
    pairs: list[tuple[str, str]] = [("release", str(r)) for r in state.releases]
    pairs.append(("period", state.period))
    if state.period == "custom" and state.start and state.end:
        pairs += [("from", state.start.isoformat()), ("to", state.end.isoformat())]
    if state.compare:
        pairs.append(("compare", "1"))
    pairs += [("platform", p) for p in state.platforms]
    if state.metric:
        pairs.append(("metric", state.metric))
    pairs += [("granularity", state.granularity), ("mode", state.mode)]
    if state.view != "release":
        pairs.append(("view", state.view))
    if state.leaderboard_metric:
        pairs.append(("lbmetric", state.leaderboard_metric))
    return "?" + urlencode(pairs)


def state_from_controls(
    releases, period, start, end, compare, platforms, metric, granularity, mode, view, lb_metric
) -> ViewState:
    """The controls' values as a ViewState (what the callbacks receive, normalised)."""
    if isinstance(releases, int | str):
        releases = [releases]
    return ViewState(
        releases=tuple(int(r) for r in releases or [] if str(r).isdigit()),
        period=period or DEFAULT_PERIOD,
        start=_date(start) if period == "custom" else None,
        end=_date(end) if period == "custom" else None,
        compare=bool(compare),
        platforms=tuple(platforms or ()),
        metric=metric,
        granularity=granularity if granularity in GRANULARITIES else "day",
        mode=mode if mode in MODES else "total",
        view=view if view in VIEWS else "release",
        leaderboard_metric=lb_metric,
    )


def release_link(state: ViewState, release_id: int) -> str:
    """The query of one release's view, keeping the leaderboard's period and metric."""
    return to_query(
        ViewState(
            releases=(release_id,),
            period=state.period,
            start=state.start,
            end=state.end,
            metric=state.leaderboard_metric,
            granularity=state.granularity,
            mode=state.mode,
            leaderboard_metric=state.leaderboard_metric,
        )
    )


def view_of(query: str | None) -> ViewState:
    """The ViewState a query string ('?release=...') describes."""
    return parse_query(parse_qs((query or "").lstrip("?")))


def resolve_period(state: ViewState, tz: str, now: datetime | None = None) -> metrics.Period:
    """The UTC range the state's period covers (a broken custom range falls back to 90 days)."""
    if state.period == "custom":
        try:
            return metrics.period_for(
                "custom", tz, now=now, start_date=state.start, end_date=state.end
            )
        except ValueError:
            return metrics.period_for(DEFAULT_PERIOD, tz, now=now)
    return metrics.period_for(state.period, tz, now=now)


def period_dates(period: metrics.Period, tz: str) -> tuple[str | None, str]:
    """The local first and last day a period covers, as the date picker shows them."""
    zone = ZoneInfo(tz)
    last = (period.end.astimezone(zone) - timedelta(seconds=1)).date().isoformat()
    first = period.start.astimezone(zone).date().isoformat() if period.start else None
    return first, last


def describe_period(period: metrics.Period, tz: str) -> str:
    first, last = period_dates(period, tz)
    return f"{first} to {last}" if first else f"all time to {last}"


# --------------------------------------------------------------------------- layout


def release_options(query: str = "", limit: int = 50) -> list[dict]:
    return [
        {"label": store.release_label(r), "value": r["id"]}
        for r in store.search_releases(context.engine(), query, limit=limit)
    ]


def empty_catalog() -> dbc.Alert:
    return dbc.Alert(
        [
            html.H4("No releases yet", className="alert-heading"),
            html.P(
                [
                    "Add a release and its first metric on the ",
                    html.A("Data entry", href="/entry"),
                    " tab, or load the demo catalog with ",
                    html.Code("perfdash demo"),
                    ".",
                ]
            ),
        ],
        color="info",
        id="dash-empty",
    )


def _control(label: str, component, width: int, html_for: str | None = None) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=html_for), component], md=width)


def layout(query: dict[str, list[str]]) -> html.Div:
    engine = context.engine()
    if store.count_releases(engine) == 0:
        return html.Div([empty_catalog()])
    tz = context.settings().tz
    state = parse_query(query)
    options = release_options(limit=PICKER_SIZE)
    known = {o["value"] for o in options}
    selected: list[int] = []
    for rid in state.releases:
        release = store.get_release(engine, rid)
        if release is None:
            continue
        selected.append(rid)
        if rid not in known:
            options.insert(0, {"label": store.release_label(release), "value": rid})
    if not selected and options and not state.releases:
        selected = [options[0]["value"]]
    metric_types = store.list_metric_types(engine, selected) if selected else []
    metric = state.metric if state.metric in metric_types else _default_metric(metric_types)
    platform_keys = store.list_platform_keys(engine, selected) if selected else []
    period = resolve_period(state, tz)
    first, last = period_dates(period, tz)
    catalog_metrics = store.list_metric_types(engine)
    lb_metric = (
        state.leaderboard_metric
        if state.leaderboard_metric in catalog_metrics
        else _default_metric(catalog_metrics)
    )
    filters = dbc.Card(
        dbc.CardBody(
            [
                dbc.Row(
                    [
                        _control(
                            "Releases (pick several to compare)",
                            dcc.Dropdown(
                                id="dash-release",
                                options=options,
                                value=selected,
                                multi=True,
                                searchable=True,
                                placeholder="Search by title, artist or release id",
                            ),
                            6,
                            "dash-release",
                        ),
                        _control(
                            "Metric",
                            dcc.Dropdown(
                                id="dash-metric",
                                options=[{"label": t, "value": t} for t in metric_types],
                                value=metric,
                                clearable=False,
                            ),
                            3,
                            "dash-metric",
                        ),
                        _control(
                            "Platforms (all when empty)",
                            dcc.Dropdown(
                                id="dash-platform",
                                options=_platform_options(platform_keys),
                                value=[p for p in state.platforms if p in platform_keys],
                                multi=True,
                                placeholder="All platforms",
                            ),
                            3,
                            "dash-platform",
                        ),
                    ],
                    className="g-3",
                ),
                dbc.Row(
                    [
                        _control(
                            "Period",
                            dbc.RadioItems(
                                id="dash-period",
                                options=[{"label": t, "value": v} for v, t in PERIODS],
                                value=state.period,
                                inline=True,
                            ),
                            5,
                        ),
                        _control(
                            f"Dates ({tz})",
                            dcc.DatePickerRange(
                                id="dash-range",
                                start_date=first,
                                end_date=last,
                                display_format="YYYY-MM-DD",
                                first_day_of_week=1,
                                start_date_id="dash-range-start",
                                end_date_id="dash-range-end",
                            ),
                            3,
                        ),
                        _control(
                            "Compare",
                            dbc.Switch(
                                id="dash-compare",
                                label="with the previous period",
                                value=state.compare,
                            ),
                            2,
                        ),
                        _control(
                            "Granularity",
                            dbc.RadioItems(
                                id="dash-granularity",
                                options=[{"label": g, "value": g} for g in GRANULARITIES],
                                value=state.granularity,
                                inline=True,
                            ),
                            2,
                        ),
                    ],
                    className="g-3 mt-1",
                ),
            ]
        ),
        className="mb-3",
    )
    release_view = html.Div(
        [
            dcc.Loading(html.Div(id="dash-kpis", className="mb-3"), type="dot"),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.RadioItems(
                            id="dash-mode",
                            options=[
                                {"label": "Running total", "value": "total"},
                                {"label": "Gain per period", "value": "gain"},
                            ],
                            value=state.mode,
                            inline=True,
                        ),
                        md=6,
                    ),
                ]
            ),
            dcc.Loading(
                [
                    dcc.Graph(id="dash-series", config={"displaylogo": False}),
                    html.Div(id="dash-note", className="text-muted small mb-3"),
                ],
                type="default",
            ),
            insights.annotation_panel(),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Loading(dcc.Graph(id="dash-bars", config={"displaylogo": False})),
                        md=7,
                    ),
                    dbc.Col(
                        dcc.Loading(dcc.Graph(id="dash-share", config={"displaylogo": False})),
                        md=5,
                    ),
                ],
                className="mb-3",
            ),
            html.Div(
                [
                    html.H5("Records", className="d-inline me-3"),
                    dbc.Button(
                        "Export shown rows to CSV",
                        id="dash-export",
                        size="sm",
                        color="secondary",
                        outline=True,
                    ),
                    dcc.Download(id="dash-download"),
                ],
                className="mb-2",
            ),
            dcc.Loading(
                [
                    dash_table.DataTable(
                        id="dash-table",
                        columns=_table_columns(),
                        data=[],
                        page_action="custom",
                        page_current=0,
                        page_size=PAGE_SIZE,
                        page_count=1,
                        sort_action="custom",
                        sort_mode="single",
                        sort_by=[{"column_id": "recorded_at", "direction": "desc"}],
                        style_table={"overflowX": "auto"},
                        # Bootstrap's variables follow the light/dark switch
                        style_cell={
                            "textAlign": "left",
                            "fontSize": "0.9rem",
                            "backgroundColor": "var(--bs-body-bg)",
                            "color": "var(--bs-body-color)",
                            "borderColor": "var(--bs-border-color)",
                        },
                        style_header={
                            "fontWeight": "600",
                            "backgroundColor": "var(--bs-tertiary-bg)",
                        },
                        style_cell_conditional=[
                            {"if": {"column_id": "metric_value"}, "textAlign": "right"}
                        ],
                    ),
                    html.Div(id="dash-table-note", className="text-muted small"),
                ]
            ),
        ]
    )
    leaderboard_view = html.Div(
        [
            dbc.Row(
                [
                    _control(
                        "Rank releases by",
                        dcc.Dropdown(
                            id="dash-lb-metric",
                            options=[{"label": t, "value": t} for t in catalog_metrics],
                            value=lb_metric,
                            clearable=False,
                        ),
                        3,
                        "dash-lb-metric",
                    ),
                ],
                className="mb-3",
            ),
            dcc.Loading(html.Div(id="dash-leaderboard")),
        ]
    )
    return html.Div(
        [
            filters,
            dbc.Tabs(
                [
                    dbc.Tab(release_view, label="Releases", tab_id="release"),
                    dbc.Tab(
                        leaderboard_view,
                        label="Leaderboard",
                        tab_id="leaderboard",
                        label_class_name="dash-tab-leaderboard",
                    ),
                ],
                id="dash-view",
                active_tab=state.view,
                className="mb-3",
            ),
            dcc.Store(id="dash-query"),
            html.Div(id="dash-url-sync", hidden=True),
        ]
    )


def _default_metric(types: list[str]) -> str | None:
    preferred = [t for t in ("views", "streams") if t in types]
    return preferred[0] if preferred else (types[0] if types else None)


def _platform_options(keys: list[str]) -> list[dict]:
    return [{"label": metrics.platform_label(k), "value": k} for k in keys]


def _table_columns() -> list[dict]:
    out = []
    for cid, name in TABLE_COLUMNS:
        col = {"id": cid, "name": name}
        if cid == "metric_value":
            col.update(type="numeric", format=Format().group(Group.yes))
        out.append(col)
    return out


# --------------------------------------------------------------------------- pieces


def kpi_cards(
    kpis: list[metrics.Kpi],
    has_previous: bool,
    freshness: Mapping[str, metrics.Freshness] | None = None,
) -> dbc.Row:
    """One card per metric: gain in the period, total at its end, change vs previous, and
    how fresh its own numbers are (newest reading, source, time zone; a stale badge when a
    release's newest number is older than its collection schedule allows)."""
    cards = []
    freshness = freshness or {}
    for kpi in kpis:
        change = metrics.change_text(kpi) if has_previous else "all time: nothing to compare"
        colour = "text-muted"
        if kpi.change is not None and has_previous:
            colour = "text-success" if kpi.change >= 0 else "text-danger"
        body = [
            html.Div(kpi.metric_type, className="kpi-metric text-uppercase small text-muted"),
            html.H3("–" if kpi.gain is None else f"{kpi.gain:+,.0f}", className="kpi-gain mb-0"),
            html.Div("gained in the period", className="small text-muted"),
            html.Div(
                ["Total ", html.Span(metrics.format_number(kpi.total), className="kpi-total")],
                className="small",
            ),
            html.Div(change, className=f"kpi-change small {colour}"),
        ]
        if kpi.corrections:
            body.append(
                dbc.Badge(
                    f"{kpi.corrections} correction{'s' if kpi.corrections > 1 else ''}",
                    color="warning",
                    className="kpi-corrections mt-1",
                    title="A platform lowered a total in this period; the drop is counted.",
                )
            )
        fresh = freshness.get(kpi.metric_type)
        if fresh is not None:
            body.append(
                html.Div(
                    fresh.short_text(),
                    className="kpi-freshness small text-muted mt-1",
                    title=fresh.text(),
                )
            )
            if fresh.stale:
                body.append(
                    dbc.Badge("stale", color="danger", className="kpi-stale", title=fresh.text())
                )
        cards.append(
            dbc.Col(
                html.Div(
                    dbc.Card(dbc.CardBody(body)),
                    className="kpi",
                    **{"data-metric": kpi.metric_type},
                ),
                xs=6,
                md=3,
                lg=2,
            )
        )
    return dbc.Row(cards, className="g-2")


def leaderboard_table(
    board: pd.DataFrame, previous: dict[int, int], metric: str, state: ViewState
) -> html.Div:
    """Rank, release (a link to its view), gain, total and trend vs the previous period."""
    if board.empty:
        return dbc.Alert(
            f"No release has {metric} readings in this period. Try a longer period.",
            color="secondary",
            id="dash-leaderboard-empty",
        )
    rows = []
    for rank, r in enumerate(board.itertuples(), start=1):
        prev = previous.get(int(r.release_id))
        arrow = metrics.trend_arrow(r.gain, prev)
        colour = {"▲": "text-success", "▼": "text-danger"}.get(arrow, "text-muted")
        title = "vs previous period: " + (metrics.format_number(prev) if prev is not None else "–")
        rows.append(
            html.Tr(
                [
                    html.Td(rank),
                    html.Td(
                        dcc.Link(
                            store.release_label(
                                {
                                    "title": r.title,
                                    "release_id": r.release_key,
                                    "artist_name": r.artist_name,
                                }
                            ),
                            href="/dashboard" + release_link(state, int(r.release_id)),
                            className="lb-link",
                        )
                    ),
                    html.Td(f"{r.gain:+,}", className="lb-gain text-end"),
                    html.Td(f"{r.total:,}", className="text-end"),
                    html.Td(arrow, className=f"lb-trend {colour}", title=title),
                ],
                **{"data-release": str(int(r.release_id))},
            )
        )
    return dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th("#"),
                        html.Th("Release"),
                        html.Th(f"{metric} gained", className="text-end"),
                        html.Th("Total", className="text-end"),
                        html.Th("Trend"),
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        hover=True,
        size="sm",
        id="dash-leaderboard-table",
    )


def _window(state: ViewState, tz: str) -> tuple[metrics.Period, metrics.Period | None]:
    period = resolve_period(state, tz)
    return period, period.previous(tz)


def _names(engine, release_ids) -> dict[int, str]:
    out = {}
    for rid in release_ids:
        release = store.get_release(engine, rid)
        out[rid] = store.release_label(release) if release else f"#{rid}"
    return out


def _line_data(
    engine, state: ViewState, period: metrics.Period, tz: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Buckets, totals/gains and corrections of the chosen metric over one period.

    Several releases are compared on their sum over platforms (one line each).
    """
    where = dict(metric_types=[state.metric], platforms=list(state.platforms) or None)
    with engine.connect() as conn:  # one checkout and one snapshot for the chart's three reads
        return _line_data_on(conn, state, period, tz, where)


def _line_data_on(
    engine, state: ViewState, period: metrics.Period, tz: str, where: dict
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    series = store.release_series(
        engine,
        state.releases,
        start=period.start,
        end=period.end,
        bucket=state.granularity,
        tz=tz,
        **where,
    )
    baseline = (
        store.totals_before(engine, state.releases, period.start, **where)
        if period.start and not series.empty
        else None
    )
    gains = metrics.totals_and_gains(series, baseline)
    drops = store.total_drops(
        engine,
        state.releases,
        start=period.start,
        end=period.end,
        bucket=state.granularity,
        tz=tz,
        **where,
    )
    if len(state.releases) > 1:
        gains = metrics.combine_platforms(gains).assign(platform_key=figures.ALL_PLATFORMS)
        drops = drops.assign(platform_key=figures.ALL_PLATFORMS)
    return series, gains, drops


def _table_rows(frame: pd.DataFrame, tz: str) -> list[dict]:
    if frame.empty:
        return []
    shown = frame.assign(
        recorded_at=frame["recorded_at"].dt.tz_convert(tz).dt.strftime("%Y-%m-%d %H:%M")
    )
    shown["metric_value"] = shown["metric_value"].astype("int64")
    records = shown[[c for c, _ in TABLE_COLUMNS]].astype(object).to_dict("records")
    for rec in records:
        for key, value in rec.items():
            if value is None or (isinstance(value, float) and pd.isna(value)):
                rec[key] = None
            elif key == "metric_value":
                rec[key] = int(value)
    return records


# --------------------------------------------------------------------------- callbacks

FILTERS = [
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
]


def register(app: Dash) -> None:
    @app.callback(
        Output("dash-release", "options"),
        Input("dash-release", "search_value"),
        State("dash-release", "value"),
        State("dash-release", "options"),
        prevent_initial_call=True,
    )
    def search(search_value, value, current):
        if search_value is None:
            return no_update
        chosen = set(value or [])
        keep = [o for o in (current or []) if o["value"] in chosen]
        return keep + [o for o in release_options(search_value) if o["value"] not in chosen]

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
        engine = context.engine()
        ids = list(release_ids or [])
        types = store.list_metric_types(engine, ids) if ids else []
        keys = store.list_platform_keys(engine, ids) if ids else []
        if metric not in types:
            metric = _default_metric(types)
        return (
            [{"label": t, "value": t} for t in types],
            metric,
            _platform_options(keys),
            [p for p in platforms or [] if p in keys],
        )

    @app.callback(
        Output("dash-period", "value"),
        Output("dash-range", "start_date"),
        Output("dash-range", "end_date"),
        Input("dash-period", "value"),
        Input("dash-range", "start_date"),
        Input("dash-range", "end_date"),
        prevent_initial_call=True,
    )
    def period_sync(preset, start, end):
        """A preset fills in its dates; picking dates by hand makes the period custom."""
        tz = context.settings().tz
        if ctx.triggered_id == "dash-period":
            if preset == "custom":
                return no_update, no_update, no_update
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

    @app.callback(Output("dash-query", "data"), *FILTERS, State("dash-query", "data"))
    def query_string(*values):
        """The one place the controls become a view; every data callback listens to it."""
        *controls, current = values
        query = to_query(state_from_controls(*controls))
        return no_update if query == current else query

    clientside_callback(
        """function(search) {
            if (search && window.location.search !== search) {
                window.history.replaceState(window.history.state, '', window.location.pathname + search);
            }
            return '';
        }""",
        Output("dash-url-sync", "children"),
        Input("dash-query", "data"),
    )

    @app.callback(
        Output("dash-kpis", "children"),
        Output("dash-bars", "figure"),
        Output("dash-share", "figure"),
        Input("dash-query", "data"),
        Input("theme-store", "data"),
    )
    def summary(query, template):
        state = view_of(query)
        if state.view != "release":
            return no_update, no_update, no_update
        template = template or "plotly_white"
        if not state.releases:
            empty = figures.empty_figure("Pick a release", template)
            return None, empty, empty
        engine, tz = context.engine(), context.settings().tz
        period, previous = _window(state, tz)
        platforms = list(state.platforms) or None
        with engine.connect() as conn:  # one checkout and one snapshot for both periods
            current = store.period_gains(
                conn, state.releases, start=period.start, end=period.end, platforms=platforms
            )
            before = (
                store.period_gains(
                    conn,
                    state.releases,
                    start=previous.start,
                    end=previous.end,
                    platforms=platforms,
                )
                if previous
                else None
            )
        kpis = metrics.order_kpis(metrics.period_kpis(current, before), state.metric)
        breakdown = metrics.platform_breakdown(current, state.metric or "", before)
        metric = state.metric or ""
        cards = None
        if kpis:
            # every KPI card states how fresh its own numbers are
            fresh = insights.kpi_freshness(state.releases, platforms)
            cards = html.Div(
                [
                    kpi_cards(kpis, previous is not None, fresh if isinstance(fresh, dict) else {}),
                    html.Div(fresh, className="kpi-config-error small text-danger")
                    if isinstance(fresh, str)
                    else None,
                ]
            )
        return (
            cards,
            figures.platform_bars(
                breakdown, metric_type=metric, compare=state.compare, template=template
            ),
            figures.platform_share(breakdown, metric_type=metric, template=template),
        )

    @app.callback(
        Output("dash-series", "figure"),
        Output("dash-note", "children"),
        Input("dash-query", "data"),
        Input("theme-store", "data"),
        Input("ann-version", "data"),
    )
    def chart(query, template, _notes=None):
        state = view_of(query)
        if state.view != "release":
            return no_update, no_update
        template = template or "plotly_white"
        if not state.releases:
            return figures.empty_figure("Pick a release", template), ""
        engine, tz = context.engine(), context.settings().tz
        names = _names(engine, state.releases)
        if state.metric is None:
            return (
                figures.empty_figure("No metrics recorded for this release yet", template),
                dbc.Alert(
                    [
                        f"{', '.join(names.values())} has no metrics yet. Record one on the ",
                        html.A("Data entry", href="/entry"),
                        " tab or import a CSV.",
                    ],
                    color="info",
                    id="dash-no-metrics",
                ),
            )
        period, previous = _window(state, tz)
        series, gains, drops = _line_data(engine, state, period, tz)
        if series.empty:
            where = ", ".join(metrics.platform_label(p) for p in state.platforms) or "any platform"
            return (
                figures.empty_figure("Nothing matches these filters", template),
                dbc.Alert(
                    f"No {state.metric} readings on {where} from "
                    f"{describe_period(period, tz)}. Try a longer period (All time) or clear "
                    "the platform filter.",
                    color="warning",
                    id="dash-no-match",
                ),
            )
        before = None
        if state.compare and previous is not None:
            _, before, _ = _line_data(engine, state, previous, tz)
            before = before.assign(bucket=before["bucket"] + pd.Timedelta(days=round(period.days)))
        title = " vs ".join(names.values()) if len(names) > 1 else next(iter(names.values()))
        fig = figures.time_series(
            gains,
            mode=state.mode,
            release_names=names,
            tz=tz,
            template=template,
            title=f"{title}: {state.metric} per {state.granularity}",
            colour_by="release" if len(state.releases) > 1 else "platform",
            drops=drops,
            previous=before,
        )
        fig = insights.mark_chart(fig, state.releases, tz)
        note = f"{describe_period(period, tz)} · {insights.freshness_note(state.releases)}"
        return fig, note

    @app.callback(
        Output("dash-table", "data"),
        Output("dash-table", "page_count"),
        Output("dash-table", "page_current"),
        Output("dash-table-note", "children"),
        Input("dash-query", "data"),
        Input("dash-table", "page_current"),
        Input("dash-table", "sort_by"),
    )
    def table(query, page, sort_by):
        state = view_of(query)
        if state.view != "release":
            return no_update, no_update, no_update, no_update
        if not state.releases:
            return [], 1, 0, ""
        engine, tz = context.engine(), context.settings().tz
        period, _ = _window(state, tz)
        where = dict(
            metric_types=[state.metric] if state.metric else None,
            platforms=list(state.platforms) or None,
            start=period.start,
            end=period.end,
        )
        if ctx.triggered_id not in ("dash-table", None):
            page = 0  # new filters: back to the first page
        count = store.count_records(engine, state.releases, **where)
        pages = max(1, -(-count // PAGE_SIZE))
        page = min(max(0, int(page or 0)), pages - 1)
        sort = [(s["column_id"], s["direction"]) for s in sort_by or []] or [
            ("recorded_at", "desc")
        ]
        frame = store.metric_records(
            engine, state.releases, **where, sort=sort, offset=page * PAGE_SIZE, limit=PAGE_SIZE
        )
        note = f"{count:,} readings · page {page + 1} of {pages} · times in {tz}"
        return _table_rows(frame, tz), pages, page, note

    @app.callback(
        Output("dash-download", "data"),
        Input("dash-export", "n_clicks"),
        State("dash-table", "data"),
        State("dash-table", "page_current"),
        prevent_initial_call=True,
    )
    def export(_clicks, rows, page):
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        text = metrics.records_csv(rows or [], [c for c, _ in TABLE_COLUMNS])
        return dcc.send_string(text, f"perfdash-records-p{int(page or 0) + 1}-{stamp}.csv")

    @app.callback(Output("dash-leaderboard", "children"), Input("dash-query", "data"))
    def leaderboard(query):
        state = view_of(query)
        if state.view != "leaderboard":
            return no_update
        metric = state.leaderboard_metric
        if not metric:
            return dbc.Alert("No metrics recorded yet.", color="secondary")
        engine, tz = context.engine(), context.settings().tz
        period, previous = _window(state, tz)
        board = store.leaderboard(
            engine, metric, start=period.start, end=period.end, limit=LEADERBOARD_SIZE
        )
        before: dict[int, int] = {}
        if previous is not None and not board.empty:
            prev = store.leaderboard(
                engine,
                metric,
                start=previous.start,
                end=previous.end,
                release_ids=board["release_id"].tolist(),
                limit=LEADERBOARD_SIZE,
            )
            before = dict(
                zip(prev["release_id"].astype(int), prev["gain"].astype(int), strict=True)
            )
        return html.Div(
            [
                html.P(
                    f"Top {LEADERBOARD_SIZE} releases by {metric} gained, "
                    f"{describe_period(period, tz)} ({tz}); trend vs the previous period.",
                    className="text-muted small",
                ),
                leaderboard_table(board, before, metric, state),
            ]
        )
