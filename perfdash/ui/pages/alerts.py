"""/alerts: the days a release gained far more than usual, and how fresh the catalog is.

``alerts.build_alerts`` finds the spikes; the freshness summary is the freshness panel's.
``?days=`` picks the window, so a link shows the same list.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, dcc, html

from perfdash import alerts, store
from perfdash.ui import context
from perfdash.ui.panels import freshness

WINDOWS = [(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "12 months")]
DEFAULT_WINDOW = 180


def layout(query: dict[str, list[str]]) -> html.Div:
    rule = context.settings().spike_rule
    window = (query.get("days") or [str(DEFAULT_WINDOW)])[0]
    window = int(window) if window.isdigit() else DEFAULT_WINDOW
    return html.Div(
        [
            html.H4("Spike alerts"),
            html.P(
                f"A day is a spike when a release's gain on one platform is more than "
                f"{rule.factor:g}× its median daily gain over the previous {rule.window_days} "
                f"days and more than {rule.min_gain:,.0f}; releases with fewer than "
                f"{rule.min_history} days of history are not judged. "
                "Your administrator can change these thresholds.",
                className="text-muted small",
            ),
            dbc.RadioItems(
                id="alerts-window",
                options=[{"label": label, "value": days} for days, label in WINDOWS],
                value=window,
                inline=True,
                className="mb-2",
            ),
            dcc.Loading(html.Div(id="alerts-list"), type="default"),
            html.H5("Freshness", className="mt-4"),
            dcc.Loading(html.Div(id="alerts-freshness")),
        ]
    )


def alerts_table(found: list[alerts.Alert]) -> html.Div | dbc.Alert:
    if not found:
        return dbc.Alert("No spikes in this period.", color="success", id="alerts-none")
    rows = [
        html.Tr(
            [
                html.Td(f"{alert.day:%Y-%m-%d}"),
                html.Td(alert.label),
                html.Td(html.Ul([html.Li(i.text()) for i in alert.items], className="mb-0")),
                html.Td(
                    dcc.Link(
                        "Open chart",
                        href=alert.path(),
                        className="alert-link",
                        id={"type": "alert-open", "index": alert.key},
                    )
                ),
            ],
            className="alert-row",
        )
        for alert in found
    ]
    head = html.Thead(html.Tr([html.Th("Day"), html.Th("Release"), html.Th("Spike"), html.Th()]))
    return dbc.Table([head, html.Tbody(rows)], id="alerts-table", hover=True, size="sm")


def register(app: Dash) -> None:
    @app.callback(
        Output("alerts-list", "children"),
        Output("alerts-freshness", "children"),
        Input("alerts-window", "value"),
    )
    def alerts_list(days):
        tz = context.settings().tz
        since = datetime.now(UTC).date() - timedelta(days=int(days or DEFAULT_WINDOW))
        rule = context.settings().spike_rule
        with store.transaction(context.read_engine()) as conn:
            found = alerts.build_alerts(conn, since=since, tz=tz, rule=rule)
            catalog = freshness.catalog(conn, tz)
        return alerts_table(found), catalog
