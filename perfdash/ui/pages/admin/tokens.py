"""The admin page's API tokens: create (the secret is shown once, in the answer to the click,
and only its hash is kept) and revoke -- what ``perfdash token`` does, through ``auth`` and
``store``.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from perfdash import auth, store
from perfdash.ui import components, context
from perfdash.ui.pages.admin.scope import artist_picker, artists_text

VERSION = "admin-tokens-version"
TOKEN_ROLES = [
    {"label": "viewer: reads through the API", "value": "viewer"},
    {"label": "editor: also writes (readings, releases, notes, share links)", "value": "editor"},
]


def _fail(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="danger", id="admin-token-failed")


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "never"


def tokens_table(rows: list[dict]) -> html.Div:
    if not rows:
        return dbc.Alert(
            "No API tokens yet. Create one below for a script or a spreadsheet; it is sent as "
            "'Authorization: Bearer <token>'.",
            color="info",
            id="admin-tokens-empty",
        )
    body = [
        html.Tr(
            [
                html.Td(r["name"]),
                html.Td(r["role"]),
                html.Td(artists_text(r.get("artists")), className="admin-token-artists"),
                html.Td("revoked" if r["revoked"] else "active", className="admin-token-state"),
                html.Td(_when(r.get("created_at"))),
                html.Td(_when(r.get("last_used_at"))),
            ],
            **{"data-token": r["name"]},
        )
        for r in rows
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th("Name"),
                html.Th("Role"),
                html.Th("Reads"),
                html.Th("State"),
                html.Th("Created"),
                html.Th("Used"),
            ]
        )
    )
    return dbc.Table([head, html.Tbody(body)], size="sm", hover=True, id="admin-tokens-table")


def _options(rows: list[dict]) -> list[dict]:
    return [
        {"label": f"{r['name']} ({r['role']})", "value": r["name"]}
        for r in rows
        if not r["revoked"]
    ]


def section() -> html.Section:
    rows = store.list_api_tokens(context.engine())
    create = dbc.Card(
        dbc.CardBody(
            [
                html.H6("Create a token"),
                dbc.Label("Name", html_for="admin-token-name"),
                dbc.Input(
                    id="admin-token-name",
                    maxLength=100,
                    autoComplete="off",
                    placeholder="what uses it, e.g. nightly-import",
                ),
                dbc.Label("Role", className="mt-2"),
                dbc.RadioItems(id="admin-token-role", options=TOKEN_ROLES, value="viewer"),
                artist_picker("admin-token-artists"),
                dbc.Button(
                    "Create token", id="admin-token-create", color="primary", className="mt-2"
                ),
            ]
        ),
        className="h-100",
    )
    revoke = dbc.Card(
        dbc.CardBody(
            [
                html.H6("Revoke a token"),
                dcc.Dropdown(
                    id="admin-token-pick", options=_options(rows), placeholder="Choose a token"
                ),
                dbc.Button(
                    "Revoke…",
                    id="admin-token-revoke",
                    color="danger",
                    outline=True,
                    size="sm",
                    className="mt-2",
                ),
                dbc.FormText(" Requests with it are refused from then on.", className="d-block"),
            ]
        ),
        className="h-100",
    )
    question = dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Revoke this token?")),
            dbc.ModalBody(id="admin-token-question"),
            dbc.ModalFooter(
                [
                    dbc.Button("Keep", id="admin-token-cancel", color="secondary"),
                    dbc.Button("Revoke", id="admin-token-confirm", color="danger"),
                ]
            ),
        ],
        id="admin-token-modal",
        is_open=False,
    )
    return html.Section(
        [
            html.H4("API tokens", className="mt-4"),
            html.Div(tokens_table(rows), id="admin-tokens-list"),
            dbc.Row(
                [dbc.Col(create, md=6, className="mb-2"), dbc.Col(revoke, md=6, className="mb-2")]
            ),
            html.Div(id="admin-token-result", className="mt-2"),
            question,
            dcc.Store(id=VERSION, data=0),
        ],
        id="admin-tokens",
    )


def register(app: Dash) -> None:
    @app.callback(
        Output("admin-tokens-list", "children"),
        Output("admin-token-pick", "options"),
        Input(VERSION, "data"),
        prevent_initial_call=True,
    )
    def refresh_tokens(_version):
        try:
            auth.require_role("admin")
        except auth.PermissionDenied as exc:
            return components.denied(exc), []
        rows = store.list_api_tokens(context.engine())
        return tokens_table(rows), _options(rows)

    @app.callback(
        Output("admin-token-result", "children"),
        Output(VERSION, "data"),
        Output("admin-token-name", "value"),
        Input("admin-token-create", "n_clicks"),
        State("admin-token-name", "value"),
        State("admin-token-role", "value"),
        State("admin-token-artists", "value"),
        State(VERSION, "data"),
        prevent_initial_call=True,
    )
    def create_token(n_clicks, name, role, artists, version):
        if not n_clicks:
            return no_update, no_update, no_update
        try:
            auth.require_role("admin")
        except auth.PermissionDenied as exc:
            return components.denied(exc), no_update, no_update
        name = (name or "").strip()
        try:
            secret = auth.create_token(context.engine(), name, role or "", artists or [])
        except (ValueError, store.PerformanceDbError) as exc:
            return _fail(f"No token was created: {exc}."), no_update, no_update
        shown = dbc.Alert(
            [
                html.Div(
                    f"Token {name} ({role}"
                    + (f", limited to {artists_text(sorted(artists))}" if artists else "")
                    + ") created. Copy it now: it is not shown again."
                ),
                html.Code(
                    secret, id="admin-token-secret", className="user-select-all d-block my-2"
                ),
                html.Small("Send it as 'Authorization: Bearer <token>'."),
            ],
            color="success",
            id="admin-token-created",
        )
        return shown, (version or 0) + 1, ""

    @app.callback(
        Output("admin-token-modal", "is_open"),
        Output("admin-token-question", "children"),
        Output("admin-token-result", "children", allow_duplicate=True),
        Input("admin-token-revoke", "n_clicks"),
        Input("admin-token-cancel", "n_clicks"),
        State("admin-token-pick", "value"),
        prevent_initial_call=True,
    )
    def ask_revoke(n_clicks, _cancel, name):
        """Asks first; the revocation is ``revoke_token``."""
        if ctx.triggered_id == "admin-token-cancel" or not n_clicks:
            return False, no_update, no_update
        try:
            auth.require_role("admin")
        except auth.PermissionDenied as exc:
            return False, no_update, components.denied(exc)
        if not name:
            return False, no_update, _fail("Choose a token first.")
        text = f"Revoke {name}? Every script using it is refused from its next request."
        return True, text, no_update

    @app.callback(
        Output("admin-token-modal", "is_open", allow_duplicate=True),
        Output("admin-token-result", "children", allow_duplicate=True),
        Output(VERSION, "data", allow_duplicate=True),
        Output("admin-token-pick", "value"),
        Input("admin-token-confirm", "n_clicks"),
        State("admin-token-pick", "value"),
        State(VERSION, "data"),
        prevent_initial_call=True,
    )
    def revoke_token(n_clicks, name, version):
        if not n_clicks:
            return no_update, no_update, no_update, no_update
        try:
            auth.require_role("admin")
        except auth.PermissionDenied as exc:
            return False, components.denied(exc), no_update, no_update
        if not name:
            return False, _fail("Choose a token first."), no_update, no_update
        if not store.revoke_api_token(context.engine(), name):
            return False, _fail(f"There is no token named {name!r}."), no_update, no_update
        done = dbc.Alert(f"Revoked {name}.", color="success", id="admin-token-revoked")
        return False, done, (version or 0) + 1, None
