"""What the admin page's users and tokens share about artist scopes: the picker of the
artists a new viewer may be limited to, and how a list shows an account's artists."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from perfdash import store
from perfdash.ui import context


def artists_text(artists: list[str] | None) -> str:
    """What an account reads, as the admin lists show it."""
    return ", ".join(artists) if artists else "all artists"


def artist_picker(component_id: str) -> html.Div:
    """The artists a new viewer may be limited to (none chosen: the whole catalog)."""
    names = [a["artist_name"] for a in store.list_artists(context.engine(), archived=True)]
    return html.Div(
        [
            dbc.Label("Limit to artists (viewer only)", html_for=component_id),
            dcc.Dropdown(
                id=component_id,
                options=[{"label": n, "value": n} for n in names],
                multi=True,
                placeholder="All artists",
            ),
            html.Div(
                "An account limited to artists sees only their releases, everywhere.",
                className="form-text",
            ),
        ],
        className="mt-2 mb-2",
    )
