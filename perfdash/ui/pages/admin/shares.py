"""The admin page's share links: every link anyone made, what it shows, until when, and
revoke (after a question).  Made on the dashboard ("Share this view…") or with
``POST /api/v1/shares``; only a hash of each link's token is kept, so a link is never shown
again here.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from perfdash import auth, shares, store
from perfdash.ui import components, context
from perfdash.ui.panels.share import links_table

VERSION = "admin-shares-version"


def _fail(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="danger", id="admin-share-failed")


def _options(rows: list[dict]) -> list[dict]:
    return [
        {"label": f"#{r['id']} {r['view'][:80]}", "value": r["id"]}
        for r in rows
        if shares.status(r) == "live"
    ]


def _table(rows: list[dict]) -> html.Div:
    return links_table(rows, revocable=False, id_="admin-shares-table", tz=context.settings().tz)


def section() -> html.Section:
    rows = store.list_share_links(context.engine())
    question = dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Revoke this share link?")),
            dbc.ModalBody(id="admin-share-question"),
            dbc.ModalFooter(
                [
                    dbc.Button("Keep", id="admin-share-cancel", color="secondary"),
                    dbc.Button("Revoke", id="admin-share-confirm", color="danger"),
                ]
            ),
        ],
        id="admin-share-modal",
        is_open=False,
    )
    return html.Section(
        [
            html.H4("Share links", className="mt-4"),
            html.Div(_table(rows), id="admin-shares-list"),
            dbc.Row(
                dbc.Col(
                    [
                        dcc.Dropdown(
                            id="admin-share-pick",
                            options=_options(rows),
                            placeholder="Choose a live link",
                        ),
                        dbc.Button(
                            "Revoke…",
                            id="admin-share-revoke",
                            color="danger",
                            outline=True,
                            size="sm",
                            className="mt-2",
                        ),
                    ],
                    md=6,
                )
            ),
            html.Div(id="admin-share-result", className="mt-2"),
            question,
            dcc.Store(id=VERSION, data=0),
        ],
        id="admin-shares",
    )


def register(app: Dash) -> None:
    @app.callback(
        Output("admin-shares-list", "children"),
        Output("admin-share-pick", "options"),
        Input(VERSION, "data"),
        prevent_initial_call=True,
    )
    def refresh_shares(_version):
        try:
            auth.require_role("admin")
        except auth.PermissionDenied as exc:
            return components.denied(exc), []
        rows = store.list_share_links(context.engine())
        return _table(rows), _options(rows)

    @app.callback(
        Output("admin-share-modal", "is_open"),
        Output("admin-share-question", "children"),
        Output("admin-share-result", "children"),
        Input("admin-share-revoke", "n_clicks"),
        Input("admin-share-cancel", "n_clicks"),
        State("admin-share-pick", "value"),
        prevent_initial_call=True,
    )
    def ask_revoke_share(n_clicks, _cancel, share_id):
        """Asks first; the revocation is ``revoke_share``."""
        if ctx.triggered_id == "admin-share-cancel" or not n_clicks:
            return False, no_update, no_update
        try:
            auth.require_role("admin")
        except auth.PermissionDenied as exc:
            return False, no_update, components.denied(exc)
        link = store.get_share_link(context.engine(), share_id) if share_id else None
        if link is None:
            return False, no_update, _fail("Choose a link first.")
        text = f"Revoke link #{link['id']} ({link['view']})? Whoever has it is refused at once."
        return True, text, no_update

    @app.callback(
        Output("admin-share-modal", "is_open", allow_duplicate=True),
        Output("admin-share-result", "children", allow_duplicate=True),
        Output(VERSION, "data"),
        Output("admin-share-pick", "value"),
        Input("admin-share-confirm", "n_clicks"),
        State("admin-share-pick", "value"),
        State(VERSION, "data"),
        prevent_initial_call=True,
    )
    def revoke_share(n_clicks, share_id, version):
        if not n_clicks:
            return no_update, no_update, no_update, no_update
        try:
            auth.require_role("admin")
        except auth.PermissionDenied as exc:
            return False, components.denied(exc), no_update, no_update
        if not share_id or not store.revoke_share_link(context.engine(), share_id):
            return False, _fail("That link is gone or already revoked."), no_update, no_update
        done = dbc.Alert(f"Revoked link #{share_id}.", color="success", id="admin-share-revoked")
        return False, done, (version or 0) + 1, None
