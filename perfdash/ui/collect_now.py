""" "Collect now" on the data-entry tab: run the collectors once and show the summary.

Only editors see the button, and the callback checks the role again on the server.  The run is
the same ``collectors.runner.run`` the scheduled ``perfdash collect`` does (credentials from
the server's environment); while it runs the button is disabled and a status line says so.
Scheduled collection stays the normal way in: this is for "I just set the ids, show me now".
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, html, no_update
from flask import has_request_context

from perfdash import auth
from perfdash.ui import context


def layout() -> html.Div:
    """The panel for editors; nothing for others (or outside a request, e.g. a unit test)."""
    if not has_request_context() or not auth.role_allows(auth.current_role(), "editor"):
        return html.Div()
    return html.Div(
        [
            dbc.Button(
                "Collect now",
                id="collect-now-button",
                color="secondary",
                outline=True,
                size="sm",
                n_clicks=0,
            ),
            html.Span(
                "Reads YouTube, Last.fm, Deezer and Spotify for releases with platform ids.",
                className="text-secondary small ms-2",
            ),
            html.Div(id="collect-now-status", className="small mt-1", role="status"),
            html.Div(id="collect-now-result", className="mt-2"),
        ]
    )


def summary_view(summary) -> dbc.Alert:
    lines = summary.lines()
    color = "danger" if summary.failed else "success"
    return dbc.Alert(
        [
            html.Div(lines[0], id="collect-now-headline", className="fw-semibold"),
            *(html.Div(line, className="small") for line in lines[1:]),
        ],
        color=color,
        className="py-2",
    )


def register(app: Dash) -> None:
    @app.callback(
        Output("collect-now-result", "children"),
        Input("collect-now-button", "n_clicks"),
        running=[
            (Output("collect-now-button", "disabled"), True, False),
            (Output("collect-now-status", "children"), "Collecting… this can take a minute.", ""),
        ],
        prevent_initial_call=True,
    )
    def collect_now(n_clicks: int | None):
        if not n_clicks:
            return no_update
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return dbc.Alert(f"Not allowed: {exc}. Nothing was collected.", color="warning")
        from perfdash.collectors import runner
        from perfdash.collectors.base import RetryPolicy

        # Shorter retries than the scheduled run: a web worker should not wait minutes.
        quick = RetryPolicy(attempts=2, backoff=1.0, max_wait=5.0)
        return summary_view(runner.run(context.engine(), retry=quick, timeout=10.0))
