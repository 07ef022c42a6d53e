"""The dashboard page's components: the filters, the release view (KPIs, chart, notes,
platform charts, records) and the leaderboard view, built for the view the URL asks for.

What the URL already says is in the layout: the controls' values, the dates of the period,
the step buttons, and ``dash-query`` (the view as the controls will say it), so the page's one
first callback (see callbacks) only reads and draws what the view shows.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import dcc, html

from perfdash import store
from perfdash.ui import context
from perfdash.ui.components import country_options, currency_options, page_view
from perfdash.ui.pages.dashboard import data, places, records, render
from perfdash.ui.pages.dashboard.data import Controls
from perfdash.ui.pages.dashboard.state import (
    FORECASTS,
    GRANULARITIES,
    PERIODS,
    ViewState,
    parse_query,
    period_dates,
    resolve_period,
    state_from_controls,
    to_query,
    url_problems,
)
from perfdash.ui.pages.dashboard.view import steps_disabled
from perfdash.ui.panels import annotations, goals, saved_views, share

SERIES_HEIGHT = 420  # charts.time_series
BARS_HEIGHT = 340  # charts.platform_bars, platform_share and the releases' ones
GRAPH_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": [
        "select2d",
        "lasso2d",
        "autoScale2d",
        "toggleSpikelines",
        "hoverClosestCartesian",
        "hoverCompareCartesian",
    ],
}


def layout(query: dict[str, list[str]], link: dict | None = None) -> html.Div:
    """The page for a URL query (``?release=3&period=28d...``).

    ``link``: a share link's view (``perfdash.shares``), read-only: its releases and period
    shown but not changeable, no leaderboard, no notes or goals form, nothing that writes.
    A bare ``/dashboard`` (no query) opens the viewer's default saved view, if they have one.
    """
    shared = link is not None
    if not query and not shared:
        default = saved_views.default_view()
        if default is not None:
            query = parse_qs(default["view"].lstrip("?"))
    state = parse_query(query)
    tz = context.settings().tz
    with store.transaction(context.read_engine()) as conn:
        c = data.controls(conn, state)
        notes = annotations.notes_list(conn, c.selected, tz, deletable=not shared) if c else []
    if c is None:
        return html.Div([empty_catalog()])
    if shared:  # the picker offers the link's releases, never the catalog's
        c = replace(c, options=[o for o in c.options if o["value"] in link["release_ids"]])
    shown = shown_state(state, c, tz)
    tabs = [
        dbc.Tab(_release_view(state, notes, c.selected, shared), label="Releases", tab_id="release")
    ]
    if not shared:
        tabs.append(
            dbc.Tab(
                _leaderboard_view(c),
                label="Leaderboard",
                tab_id="leaderboard",
                label_class_name="dash-tab-leaderboard",
            )
        )
    return html.Div(
        [
            problems_alert(url_problems(query) + _missing(state, c)),
            _filters(state, c, tz, shown, shared),
            dbc.Tabs(
                tabs,
                id="dash-view",
                active_tab=state.view,
                className="mb-3",
            ),
            dcc.Store(id="dash-query", data=to_query(shown)),
            dcc.Store(id="dash-built", data=to_query(shown)),
            dcc.Store(id=page_view("dashboard")),
        ]
    )


def _view_bar(view: str) -> dbc.Row:
    """Save this view (and the saved ones) on the left, share it on the right."""
    return dbc.Row(
        [
            dbc.Col(saved_views.panel(), md=7, lg=6),
            dbc.Col(share.panel("dashboard", view), md=5, lg=6),
        ],
        className="g-2 align-items-start",
    )


def shown_state(state: ViewState, c: Controls, tz: str) -> ViewState:
    """The view the controls of the page hold for the URL's ``state`` (what the first call of
    the view callback reads from them): the releases, metric and platforms that exist."""
    first, last = period_dates(resolve_period(state, tz), tz)
    return state_from_controls(
        c.selected,
        state.period,
        first,
        last,
        state.compare,
        [p for p in state.platforms if p in c.platform_keys],
        c.metric,
        state.granularity,
        state.mode,
        state.view,
        c.leaderboard_metric,
        state.archived,
        state.forecast,
        state.country,
        state.currency,
        state.tag,
    )


def _missing(state: ViewState, c: Controls) -> list[str]:
    """The URL's releases, metric and platforms that the catalog does not hold (any more)."""
    problems = [
        f"release {r} does not exist (it may have been deleted)"
        for r in state.releases
        if r not in c.selected
    ]
    if state.metric and c.metric_types and state.metric not in c.metric_types:
        problems.append(f"metric {state.metric!r} has no readings for these releases")
    problems += [
        f"platform {p!r} has no readings for these releases"
        for p in state.platforms
        if c.platform_keys and p not in c.platform_keys
    ]
    if state.tag and state.tag not in {t["tag"] for t in c.tags}:
        problems.append(f"no release carries the tag {state.tag!r}")
    return problems


def problems_alert(problems: list[str]) -> dbc.Alert | None:
    """What the link asked for that cannot be shown: said at the top, not silently dropped."""
    if not problems:
        return None
    return dbc.Alert(
        [
            html.Strong("This link asks for something that cannot be shown: "),
            html.Ul([html.Li(p) for p in problems], className="mb-0"),
        ],
        color="warning",
        id="dash-url-problems",
        dismissable=True,
    )


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


def _filters(
    state: ViewState, c: Controls, tz: str, shown: ViewState, shared: bool = False
) -> html.Div:
    """The filters, and saving or sharing the view they make; on a phone folded under one
    button, so the numbers come first.  A share link's releases and period are fixed: shown,
    not offered."""
    rows = [_pickers(state, c, shared), _period_row(state, tz, shown, shared)]
    card = dbc.Card(dbc.CardBody(rows), className="mb-3")
    folded = html.Div([card, None if shared else _view_bar("/dashboard" + to_query(shown))])
    return html.Div(
        [
            dbc.Button(
                "Filters: releases, metric, country, currency, period; saved views, share ▾",
                id="dash-filters-toggle",
                color="secondary",
                outline=True,
                size="sm",
                className="d-md-none mb-2 w-100",
            ),
            dbc.Collapse(folded, id="dash-filters", is_open=False, className="dash-filters"),
        ]
    )


def _pickers(state: ViewState, c: Controls, shared: bool = False) -> dbc.Row:
    releases = dcc.Dropdown(
        id="dash-release",
        options=c.options,
        value=c.selected,
        multi=True,
        searchable=not shared,
        disabled=shared,
        clearable=not shared,
        placeholder="Search by title, artist or release id",
    )
    archived = dbc.Switch(
        id="dash-archived",
        label="include archived releases (search and leaderboard)",
        value=state.archived,
        className="small mt-1 mb-0",
        style={"display": "none"} if shared else None,
    )
    metric = dcc.Dropdown(
        id="dash-metric",
        options=[{"label": t, "value": t} for t in c.metric_types],
        value=c.metric,
        clearable=False,
    )
    platforms = dcc.Dropdown(
        id="dash-platform",
        options=render.platform_options(c.platform_keys),
        value=[p for p in state.platforms if p in c.platform_keys],
        multi=True,
        placeholder="All platforms",
    )
    tags = {t["tag"] for t in c.tags}
    tag = dcc.Dropdown(
        id="dash-tag",
        options=[{"label": f"{t['tag']} ({t['releases']})", "value": t["tag"]} for t in c.tags],
        value=state.tag if state.tag in tags else None,
        placeholder="Any tag",
        searchable=True,
        disabled=shared,
    )
    country = dcc.Dropdown(
        id="dash-country",
        options=country_options(),
        value=state.country,
        placeholder="All territories",
        searchable=True,
    )
    # money is read one currency at a time (never summed across): the catalog's currencies,
    # and the URL's even when no reading is in it yet (a dropdown shows no unknown value)
    currency = dcc.Dropdown(
        id="dash-currency",
        options=currency_options(sorted({*c.currencies, *filter(None, [state.currency])})),
        value=state.currency,
        placeholder="Every currency",
        searchable=True,
    )
    return dbc.Row(
        [
            _control(
                "Releases (pick several to compare)",
                html.Div([releases, _tag_row(archived, tag, shared)]),
                4,
                "dash-release",
            ),
            _control("Metric", metric, 2, "dash-metric"),
            _control("Platforms (all when empty)", platforms, 2, "dash-platform"),
            _control("Country", country, 2, "dash-country"),
            _control("Currency", currency, 2, "dash-currency"),
        ],
        className="g-3",
    )


def _tag_row(archived: dbc.Switch, tag: dcc.Dropdown, shared: bool) -> html.Div:
    """Under the picker: archived releases too, and the tag that narrows what it lists."""
    narrow = html.Div(
        [
            dbc.Label("Releases tagged", html_for="dash-tag", class_name="small mb-0 me-2"),
            html.Div(tag, style={"minWidth": "12rem"}),
        ],
        className="d-flex align-items-center",
        style={"display": "none"} if shared else None,
    )
    return html.Div([archived, narrow], className="d-flex flex-wrap align-items-center gap-2 mt-1")


def _period_row(state: ViewState, tz: str, shown: ViewState, shared: bool = False) -> dbc.Row:
    first, last = period_dates(resolve_period(state, tz), tz)
    preset = dbc.RadioItems(
        id="dash-period",
        options=[{"label": t, "value": v, "disabled": shared} for v, t in PERIODS],
        value=state.period,
        inline=True,
    )
    dates = dcc.DatePickerRange(
        id="dash-range",
        start_date=first,
        end_date=last,
        display_format="YYYY-MM-DD",
        first_day_of_week=1,
        start_date_id="dash-range-start",
        end_date_id="dash-range-end",
        disabled=shared,
    )
    compare = dbc.Switch(
        id="dash-compare", label="with the previous period", value=state.compare, disabled=shared
    )
    granularity = dbc.RadioItems(
        id="dash-granularity",
        options=[{"label": g, "value": g} for g in GRANULARITIES],
        value=state.granularity,
        inline=True,
    )
    no_prev, no_next = steps_disabled(shown, tz)
    steps = dbc.ButtonGroup(
        [
            dbc.Button(
                "◀ Previous",
                id="dash-prev",
                title="the period just before this one",
                disabled=no_prev,
            ),
            dbc.Button(
                "Next ▶", id="dash-next", title="the period just after this one", disabled=no_next
            ),
        ],
        size="sm",
        className="mt-1",
        style={"display": "none"} if shared else None,
    )
    return dbc.Row(
        [
            _control("Period", html.Div([preset, steps]), 5),
            _control(f"Dates ({tz})", dates, 3),
            _control("Compare", compare, 2),
            _control("Granularity", granularity, 2),
        ],
        className="g-3 mt-1",
    )


def _release_view(
    state: ViewState, notes: list, state_releases: list[int], shared: bool = False
) -> html.Div:
    mode = dbc.RadioItems(
        id="dash-mode",
        options=[
            {"label": "Running total", "value": "total"},
            {"label": "Gain per period", "value": "gain"},
        ],
        value=state.mode,
        inline=True,
    )
    return html.Div(
        [
            dcc.Loading(html.Div(id="dash-kpis", className="mb-3"), type="dot"),
            dbc.Row([dbc.Col(mode, md=6), dbc.Col(_forecast_control(state), md=6)]),
            dcc.Loading(
                [
                    _graph("dash-series", SERIES_HEIGHT, loading=False),
                    html.Div(id="dash-note", className="text-muted small mb-3"),
                ],
                type="default",
            ),
            annotations.panel(notes, read_only=shared),
            None
            if shared
            else goals.panel(goals.goal_list(state_releases), goals.for_options(state_releases)),
            dbc.Row(
                [
                    dbc.Col(_graph("dash-bars", BARS_HEIGHT), md=7),
                    dbc.Col(_graph("dash-share", BARS_HEIGHT), md=5),
                ],
                className="mb-3",
            ),
            places.panel(),
            records.section(),
            # a share link's page: the view's query reads a leaderboard metric; unseen
            _hidden_leaderboard() if shared else None,
        ]
    )


def _forecast_control(state: ViewState) -> html.Div:
    """Off, or the next 7 / 28 / 90 days drawn dotted after today, in a shaded 80 % band."""
    return html.Div(
        [
            html.Span("Forecast ", className="small text-muted me-2"),
            dbc.RadioItems(
                id="dash-forecast",
                options=[{"label": "off", "value": "0"}]
                + [{"label": f"{d} days", "value": str(d)} for d in FORECASTS[1:]],
                value=str(state.forecast),
                inline=True,
                className="d-inline-block",
            ),
        ],
        title="A forecast from a damped trend of the daily gains, with its 80 % band",
    )


def _graph(graph_id: str, height: int, *, loading: bool = True) -> dcc.Loading | dcc.Graph:
    """A chart of the view.  Until the view's answer draws it: a blank of the chart's height
    (no axes or grid to draw while the answer is on its way, nothing moves when it comes)
    on a transparent ground (either theme).  No logo, and none of the mode bar's selection
    and hover-mode buttons: nothing on the page reads a selection."""
    blank = {
        "data": [],
        "layout": {
            "height": height,
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
        },
    }
    graph = dcc.Graph(id=graph_id, figure=blank, config=GRAPH_CONFIG)
    return dcc.Loading(graph) if loading else graph


def _hidden_leaderboard() -> html.Div:
    """The leaderboard's control and box, never filled (a share link's page: the view's one
    callback answers them too, and refuses the leaderboard tab)."""
    return html.Div(
        [dcc.Dropdown(id="dash-lb-metric", options=[]), html.Div(id="dash-leaderboard")],
        style={"display": "none"},
    )


def _leaderboard_view(c: Controls) -> html.Div:
    return html.Div(
        [
            dbc.Row(
                [
                    _control(
                        "Rank releases by",
                        dcc.Dropdown(
                            id="dash-lb-metric",
                            options=[{"label": t, "value": t} for t in c.catalog_metrics],
                            value=c.leaderboard_metric,
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
