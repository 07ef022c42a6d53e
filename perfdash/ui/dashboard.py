"""Dashboard tab: pick a release, see its metrics over time.

Callbacks stay thin: they ask ``store`` for aggregated rows, ``metrics`` for totals and gains
and ``figures`` for the chart.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update

from perfdash import metrics, store
from perfdash.ui import context, figures


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


def layout(query: dict[str, list[str]]) -> html.Div:
    engine = context.engine()
    if store.count_releases(engine) == 0:
        return html.Div([empty_catalog()])
    options = release_options()
    selected = None
    wanted = (query.get("release") or [None])[0]
    if wanted and wanted.isdigit():
        release = store.get_release(engine, int(wanted))
        if release:
            selected = release["id"]
            if selected not in [o["value"] for o in options]:
                options.insert(0, {"label": store.release_label(release), "value": selected})
    if selected is None and options:
        selected = options[0]["value"]
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label("Release", html_for="dash-release"),
                            dcc.Dropdown(
                                id="dash-release",
                                options=options,
                                value=selected,
                                clearable=False,
                                searchable=True,
                                placeholder="Search by title, artist or release id",
                            ),
                        ],
                        md=6,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Metric", html_for="dash-metric"),
                            dcc.Dropdown(id="dash-metric", clearable=False),
                        ],
                        md=3,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Show"),
                            dbc.RadioItems(
                                id="dash-mode",
                                options=[
                                    {"label": "Running total", "value": "total"},
                                    {"label": "Gain per day", "value": "gain"},
                                ],
                                value="total",
                                inline=True,
                            ),
                        ],
                        md=3,
                    ),
                ],
                className="g-3 mb-3",
            ),
            dcc.Loading(dcc.Graph(id="dash-series", config={"displaylogo": False}), type="default"),
            html.Div(id="dash-note", className="text-muted small"),
        ]
    )


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
        options = release_options(search_value)
        keep = [o for o in (current or []) if o["value"] == value]
        return keep + [o for o in options if o["value"] != value]

    @app.callback(
        Output("dash-metric", "options"),
        Output("dash-metric", "value"),
        Input("dash-release", "value"),
        State("dash-metric", "value"),
    )
    def metric_choices(release_id, current):
        if release_id is None:
            return [], None
        types = store.list_metric_types(context.engine(), [release_id])
        if current in types:
            value = current
        else:
            preferred = [t for t in ("views", "streams") if t in types]
            value = preferred[0] if preferred else (types[0] if types else None)
        return [{"label": t, "value": t} for t in types], value

    @app.callback(
        Output("dash-series", "figure"),
        Output("dash-note", "children"),
        Input("dash-release", "value"),
        Input("dash-metric", "value"),
        Input("dash-mode", "value"),
        Input("theme-store", "data"),
    )
    def chart(release_id, metric_type, mode, template):
        template = template or "plotly_white"
        if release_id is None:
            return figures.empty_figure("Pick a release", template), ""
        settings = context.settings()
        engine = context.engine()
        if metric_type is None:
            return (
                figures.empty_figure("This release has no metrics yet", template),
                "Record one on the Data entry tab.",
            )
        series = store.release_series(
            engine, [release_id], metric_types=[metric_type], bucket="day", tz=settings.tz
        )
        gains = metrics.totals_and_gains(series)
        release = store.get_release(engine, release_id) or {}
        fig = figures.time_series(
            gains,
            mode=mode,
            tz=settings.tz,
            template=template,
            title=f"{store.release_label(release)}: {metric_type}",
        )
        newest = series["last_at"].max() if not series.empty else None
        note = (
            f"Newest reading {newest.tz_convert(settings.tz):%Y-%m-%d %H:%M} ({settings.tz})"
            if newest is not None
            else ""
        )
        return fig, note
