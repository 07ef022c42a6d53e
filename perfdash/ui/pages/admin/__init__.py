"""/admin: users, API tokens, share links and digest subscriptions, in the browser -- what ``perfdash user`` and
``perfdash token`` do on the command line, through the same ``auth`` and ``store`` functions.

Admins only: anyone else gets a page that says so, and every callback asks for the admin role
again on the server (a page that is not shown is no check).
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, html

from perfdash import auth
from perfdash.ui.pages.admin import digests, shares, tokens, users


def refused(role: str | None) -> dbc.Alert:
    who = f"you are signed in as {role}" if role else "you are not signed in"
    return dbc.Alert(
        [
            html.H5("Admins only"),
            html.P(
                f"The admin page manages users, API tokens, share links and digests; {who}. "
                "Ask an admin if you need a change.",
                className="mb-0",
            ),
        ],
        color="warning",
        id="admin-refused",
    )


def layout(query: dict[str, list[str]]) -> html.Div:
    role = auth.current_role()
    if not auth.role_allows(role, "admin"):
        return html.Div(refused(role))
    return html.Div(
        [
            html.P(
                "Manage who signs in and which scripts reach the API. The same can be done "
                "with perfdash user … and perfdash token … on the command line.",
                className="text-muted small",
            ),
            users.section(),
            tokens.section(),
            shares.section(),
            digests.section(),
        ],
        id="admin-page",
    )


def register(app: Dash) -> None:
    users.register(app)
    tokens.register(app)
    shares.register(app)


__all__ = ["layout", "refused", "register"]
