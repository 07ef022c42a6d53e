"""The table of digest subscriptions: who gets the catalog's digest, how often, where to
(an address or webhook shown masked).  The Digests page manages them; the admin page shows
everyone's beside users and tokens.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from perfdash.ingest.digests import masked


def subscriptions_table(rows: list[dict]) -> html.Div:
    if not rows:
        return dbc.Alert(
            "No digest subscriptions yet. Subscribe below to get the catalog's numbers by email "
            "or in a Slack channel.",
            color="info",
            id="digest-empty",
        )
    head = html.Thead(html.Tr([html.Th("#"), html.Th("User"), html.Th("Period"), html.Th("To")]))
    body = [
        html.Tr(
            [
                html.Td(str(r["id"])),
                html.Td(r["username"]),
                html.Td({"week": "weekly", "day": "daily"}[r["period"]]),
                html.Td(f"{r['channel']}: {masked(r['channel'], r['target'])}"),
            ],
            className="digest-row",
            **{"data-subscription": str(r["id"])},
        )
        for r in rows
    ]
    return dbc.Table([head, html.Tbody(body)], size="sm", hover=True, id="digest-table")
