"""/alerts: the days a release gained far more than usual, the goals reached or fallen off
track, and how fresh the catalog is.

``alerts.build_alerts`` finds the spikes and ``goals.goal_alerts`` the goals' alerts (the very
alerts the alert run posts, each marked sent once it was); the freshness summary is the
freshness panel's.  ``?days=`` picks the spikes' window, so a link shows the same list.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, dcc, html

from perfdash import alerts, goals, store
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
            html.H5("Goals", className="mt-4"),
            html.P(
                "A goal raises an alert when it is reached, and when its projected day falls "
                "after its last day (off track); each is sent once to the alert webhook.",
                className="text-muted small",
            ),
            dcc.Loading(html.Div(id="alerts-goals")),
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


def goals_table(found: list[goals.GoalAlert], sent: set[str]) -> html.Div | dbc.Alert:
    """The goals' alerts now: reached or off track, what the goal says, where to see it, and
    whether the alert run has posted it yet."""
    if not found:
        return dbc.Alert(
            "No goal is reached or off track.", color="secondary", id="alerts-goals-none"
        )
    rows = [
        html.Tr(
            [
                html.Td(
                    dbc.Badge(a.status, color="success" if a.status == "reached" else "warning")
                ),
                html.Td(a.line, className="goal-alert-text"),
                html.Td("sent" if a.key in sent else "not sent yet", className="small"),
                html.Td(dcc.Link("Open", href=a.path, className="alert-link")),
            ],
            className="goal-alert-row",
        )
        for a in found
    ]
    head = html.Thead(html.Tr([html.Th("Goal"), html.Th("Progress"), html.Th("Sent"), html.Th()]))
    return dbc.Table([head, html.Tbody(rows)], id="alerts-goals-table", hover=True, size="sm")


def register(app: Dash) -> None:
    @app.callback(
        Output("alerts-list", "children"),
        Output("alerts-goals", "children"),
        Output("alerts-freshness", "children"),
        Input("alerts-window", "value"),
    )
    def alerts_list(days):
        tz = context.settings().tz
        since = datetime.now(UTC).date() - timedelta(days=int(days or DEFAULT_WINDOW))
        rule = context.settings().spike_rule
        with store.transaction(context.read_engine()) as conn:
            found = alerts.build_alerts(conn, since=since, tz=tz, rule=rule)
            goal_alerts = goals.goal_alerts(conn, tz)
            sent = store.sent_alert_keys(conn, [a.key for a in goal_alerts])
            catalog = freshness.catalog(conn, tz)
        return alerts_table(found), goals_table(goal_alerts, sent), catalog
