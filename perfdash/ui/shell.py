"""The page frame: navigation bar, one URL per tab, routing, the theme switch."""

from __future__ import annotations

from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, clientside_callback, dcc, html
from flask import has_request_context

from perfdash import auth
from perfdash.ui import dashboard, entry, errors, insights

TABS = {
    "/": ("Dashboard", dashboard),
    "/dashboard": ("Dashboard", dashboard),
    "/entry": ("Data entry", entry),
    "/alerts": ("Alerts", insights.alerts_page),
    "/launches": ("Launches", insights.launches_page),
}


def layout() -> html.Div:
    return html.Div(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            dcc.Store(id="theme-store", data="plotly_white"),
            dbc.Navbar(
                dbc.Container(
                    [
                        dbc.NavbarBrand("perfdash", href="/dashboard"),
                        dbc.Nav(
                            [
                                dbc.NavLink(
                                    "Dashboard",
                                    href="/dashboard",
                                    id="nav-dashboard",
                                    active="partial",
                                ),
                                dbc.NavLink(
                                    "Data entry", href="/entry", id="nav-entry", active="partial"
                                ),
                                dbc.NavLink(
                                    "Alerts", href="/alerts", id="nav-alerts", active="partial"
                                ),
                                dbc.NavLink(
                                    "Launches",
                                    href="/launches",
                                    id="nav-launches",
                                    active="partial",
                                ),
                            ],
                            navbar=True,
                            className="me-auto",
                        ),
                        dbc.Switch(
                            id="theme-dark",
                            label="Dark",
                            value=False,
                            persistence=True,
                            className="text-light mb-0",
                        ),
                        user_indicator(),
                    ],
                    fluid=True,
                ),
                color="dark",
                dark=True,
                className="mb-3",
            ),
            errors.error_banner(),
            dbc.Container(id="page", fluid=True),
        ]
    )


def user_indicator() -> html.Component:
    """Navbar item: who is signed in and a sign-out button (a real form POST with CSRF)."""
    if not has_request_context() or not auth.login_required():
        return html.Span(
            "local admin",
            id="nav-user",
            className="navbar-text small text-secondary ms-3",
            title="perfdash run on this machine with no users: no sign-in needed",
        )
    user = auth.current_user()
    if user is None:
        return html.A("Sign in", href="/login", id="nav-user", className="nav-link ms-3")
    return html.Form(
        [
            html.Span(
                f"{user['username']} ({user['role']})",
                id="nav-user",
                className="navbar-text small text-light me-2",
            ),
            dbc.Input(type="hidden", name="csrf_token", value=auth.csrf_token()),
            dbc.Button(
                "Sign out", id="nav-logout", type="submit", size="sm", color="outline-light"
            ),
        ],
        action="/logout",
        method="POST",
        className="d-flex align-items-center ms-3 mb-0",
    )


def register(app: Dash) -> None:
    @app.callback(Output("page", "children"), Input("url", "pathname"), Input("url", "search"))
    def route(pathname: str | None, search: str | None):
        tab = TABS.get((pathname or "/").rstrip("/") or "/")
        if tab is None:
            return dbc.Alert(
                [
                    f"There is no page at {pathname}. ",
                    html.A("Open the dashboard", href="/dashboard"),
                ],
                color="warning",
            )
        query = {k: v for k, v in parse_qs((search or "").lstrip("?")).items()}
        return tab[1].layout(query)

    clientside_callback(
        """function(dark) {
            document.documentElement.setAttribute('data-bs-theme', dark ? 'dark' : 'light');
            return dark ? 'plotly_dark' : 'plotly_white';
        }""",
        Output("theme-store", "data"),
        Input("theme-dark", "value"),
    )
    dashboard.register(app)
    entry.register(app)
    insights.register(app)
