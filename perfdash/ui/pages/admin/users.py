"""The admin page's users: who may sign in, with which role; add, change role, reset password,
remove -- what ``perfdash user`` does, through the same ``auth`` and ``store`` functions.

A new password or a removal ends every session of the user in the same transaction (the
store does it, as for the command line).  Every callback asks for the admin role on the
server; the page refuses to render for anyone else.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from perfdash import auth, store
from perfdash.ui import components, context
from perfdash.ui.pages.admin.scope import artist_picker, artists_text
from perfdash.vocab import ROLES

ROLE_HELP = {
    "viewer": "viewer: reads every page",
    "editor": "editor: also records, imports and shares",
    "admin": "admin: also manages users, tokens and share links",
}
VERSION = "admin-users-version"


def _fail(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="danger", id="admin-user-failed")


def _done(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="success", id="admin-user-done")


def users_table(rows: list[dict]) -> html.Div:
    """Every user, role, when added and how many browsers are signed in; an empty state."""
    if not rows:
        return dbc.Alert(
            "No users yet. Add the first one below: give it the admin role, since once a user "
            "exists perfdash asks everyone to sign in (from its next start on this machine).",
            color="info",
            id="admin-users-empty",
        )
    engine = context.engine()
    body = [
        html.Tr(
            [
                html.Td(r["username"], className="admin-user-name"),
                html.Td(r["role"], className="admin-user-role"),
                html.Td(artists_text(r.get("artists")), className="admin-user-artists"),
                html.Td(f"{r['created_at']:%Y-%m-%d}" if r.get("created_at") else "—"),
                html.Td(f"{store.count_sessions(engine, r['username']):,}"),
            ],
            **{"data-user": r["username"]},
        )
        for r in rows
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th("User"),
                html.Th("Role"),
                html.Th("Reads"),
                html.Th("Added"),
                html.Th("Signed in"),
            ]
        )
    )
    return dbc.Table([head, html.Tbody(body)], size="sm", hover=True, id="admin-users-table")


def _options(rows: list[dict]) -> list[dict]:
    return [{"label": f"{r['username']} ({r['role']})", "value": r["username"]} for r in rows]


def section() -> html.Div:
    rows = store.list_users(context.engine())
    roles = [{"label": ROLE_HELP[r], "value": r} for r in ROLES]
    add = dbc.Card(
        dbc.CardBody(
            [
                html.H6("Add a user"),
                dbc.Label("User name", html_for="admin-user-name"),
                dbc.Input(id="admin-user-name", maxLength=100, autoComplete="off"),
                dbc.Label("Role", className="mt-2"),
                dbc.RadioItems(id="admin-user-role", options=roles, value="viewer"),
                dbc.Label("Password", html_for="admin-user-password", className="mt-2"),
                dbc.Input(id="admin-user-password", type="password", autoComplete="new-password"),
                dbc.FormText(f"At least {auth.MIN_PASSWORD} characters."),
                artist_picker("admin-user-artists"),
                html.Div(
                    dbc.Button("Add user", id="admin-user-add", color="primary"), className="mt-2"
                ),
            ]
        ),
        className="h-100",
    )
    change = dbc.Card(
        dbc.CardBody(
            [
                html.H6("Change a user"),
                dbc.Label("User", html_for="admin-pick"),
                dcc.Dropdown(id="admin-pick", options=_options(rows), placeholder="Choose a user"),
                dbc.Label("New role", className="mt-2"),
                dbc.RadioItems(id="admin-role", options=roles, inline=True),
                dbc.Button(
                    "Change role",
                    id="admin-role-save",
                    size="sm",
                    color="secondary",
                    className="mt-1",
                ),
                dbc.Label("New password", html_for="admin-password", className="mt-3 d-block"),
                dbc.InputGroup(
                    [
                        dbc.Input(
                            id="admin-password", type="password", autoComplete="new-password"
                        ),
                        dbc.Button("Set password", id="admin-password-save", color="secondary"),
                    ],
                    size="sm",
                ),
                dbc.FormText("Signs the user out of every browser."),
                html.Div(
                    dbc.Button(
                        "Remove user…", id="admin-remove", color="danger", outline=True, size="sm"
                    ),
                    className="mt-3",
                ),
            ]
        ),
        className="h-100",
    )
    question = dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Remove this user?")),
            dbc.ModalBody(id="admin-remove-question"),
            dbc.ModalFooter(
                [
                    dbc.Button("Keep", id="admin-remove-cancel", color="secondary"),
                    dbc.Button("Remove", id="admin-remove-confirm", color="danger"),
                ]
            ),
        ],
        id="admin-remove-modal",
        is_open=False,
    )
    return html.Section(
        [
            html.H4("Users"),
            html.Div(users_table(rows), id="admin-users-list"),
            dbc.Row(
                [dbc.Col(add, md=6, className="mb-2"), dbc.Col(change, md=6, className="mb-2")]
            ),
            html.Div(id="admin-user-result", className="mt-2"),
            question,
            dcc.Store(id=VERSION, data=0),
        ],
        id="admin-users",
    )


def _admin() -> str | None:
    """The acting admin's name, or raises PermissionDenied."""
    auth.require_role("admin")
    return (auth.current_user() or {}).get("username")


def register(app: Dash) -> None:
    @app.callback(
        Output("admin-users-list", "children"),
        Output("admin-pick", "options"),
        Input(VERSION, "data"),
        prevent_initial_call=True,
    )
    def refresh_users(_version):
        try:
            auth.require_role("admin")
        except auth.PermissionDenied as exc:
            return components.denied(exc), []
        rows = store.list_users(context.engine())
        return users_table(rows), _options(rows)

    @app.callback(
        Output("admin-user-result", "children"),
        Output(VERSION, "data"),
        Output("admin-user-password", "value"),
        Input("admin-user-add", "n_clicks"),
        State("admin-user-name", "value"),
        State("admin-user-role", "value"),
        State("admin-user-password", "value"),
        State("admin-user-artists", "value"),
        State(VERSION, "data"),
        prevent_initial_call=True,
    )
    def add_user(n_clicks, name, role, password, artists, version):
        if not n_clicks:
            return no_update, no_update, no_update
        try:
            _admin()
        except auth.PermissionDenied as exc:
            return components.denied(exc), no_update, no_update
        name = (name or "").strip()
        if role not in ROLES:
            return _fail("Choose a role for the new user."), no_update, no_update
        engine = context.engine()
        try:
            if store.get_user(engine, name):
                raise ValueError(f"A user named {name!r} already exists")
            auth.add_user(engine, name, password or "", role, artists or [])
        except (ValueError, store.PerformanceDbError) as exc:
            return _fail(f"Nobody was added: {exc}."), no_update, no_update
        limited = f", limited to {artists_text(sorted(artists))}" if artists else ""
        return _done(f"Added {name} as {role}{limited}."), (version or 0) + 1, ""

    @app.callback(
        Output("admin-user-result", "children", allow_duplicate=True),
        Output(VERSION, "data", allow_duplicate=True),
        Output("admin-password", "value"),
        Input("admin-role-save", "n_clicks"),
        Input("admin-password-save", "n_clicks"),
        State("admin-pick", "value"),
        State("admin-role", "value"),
        State("admin-password", "value"),
        State(VERSION, "data"),
        prevent_initial_call=True,
    )
    def change_user(_role_clicks, _password_clicks, username, role, password, version):
        if not ctx.triggered or not ctx.triggered[0].get("value"):
            return no_update, no_update, no_update
        try:
            me = _admin()
        except auth.PermissionDenied as exc:
            return components.denied(exc), no_update, no_update
        if not username:
            return _fail("Choose a user first."), no_update, no_update
        engine = context.engine()
        if ctx.triggered_id == "admin-role-save":
            if role not in ROLES:
                return _fail("Choose the new role."), no_update, no_update
            if problem := auth.access_change_problem(
                store.list_users(engine), username, role=role, by=me
            ):
                return _fail(f"Nothing was changed: {problem}."), no_update, no_update
            store.update_user(engine, username, role=role)
            done = f"{username} is now {role}; it counts from their next click."
            return _done(done), (version or 0) + 1, no_update
        try:
            if not store.get_user(engine, username):
                raise ValueError(f"There is no user named {username!r}")
            auth.set_password(engine, username, password or "")
        except (ValueError, store.PerformanceDbError) as exc:
            return _fail(f"The password was not changed: {exc}."), no_update, no_update
        done = f"Set a new password for {username}; they were signed out everywhere."
        return _done(done), (version or 0) + 1, ""

    @app.callback(
        Output("admin-remove-modal", "is_open"),
        Output("admin-remove-question", "children"),
        Output("admin-user-result", "children", allow_duplicate=True),
        Input("admin-remove", "n_clicks"),
        Input("admin-remove-cancel", "n_clicks"),
        State("admin-pick", "value"),
        prevent_initial_call=True,
    )
    def ask_remove(n_clicks, _cancel, username):
        """Asks first; the removal is ``remove_user``."""
        if ctx.triggered_id == "admin-remove-cancel" or not n_clicks:
            return False, no_update, no_update
        try:
            me = _admin()
        except auth.PermissionDenied as exc:
            return False, no_update, components.denied(exc)
        if not username:
            return False, no_update, _fail("Choose a user first.")
        engine = context.engine()
        if problem := auth.access_change_problem(store.list_users(engine), username, by=me):
            return False, no_update, _fail(f"Nothing was changed: {problem}.")
        sessions = store.count_sessions(engine, username)
        text = (
            f"Remove {username}? They can no longer sign in, and their "
            f"{sessions:,} signed-in browser{'' if sessions == 1 else 's'} "
            "stop working at once. This cannot be undone."
        )
        return True, text, no_update

    @app.callback(
        Output("admin-remove-modal", "is_open", allow_duplicate=True),
        Output("admin-user-result", "children", allow_duplicate=True),
        Output(VERSION, "data", allow_duplicate=True),
        Output("admin-pick", "value"),
        Input("admin-remove-confirm", "n_clicks"),
        State("admin-pick", "value"),
        State(VERSION, "data"),
        prevent_initial_call=True,
    )
    def remove_user(n_clicks, username, version):
        if not n_clicks:
            return no_update, no_update, no_update, no_update
        try:
            me = _admin()
        except auth.PermissionDenied as exc:
            return False, components.denied(exc), no_update, no_update
        engine = context.engine()
        if not username:
            return False, _fail("Choose a user first."), no_update, no_update
        if problem := auth.access_change_problem(store.list_users(engine), username, by=me):
            return False, _fail(f"Nothing was changed: {problem}."), no_update, no_update
        store.delete_user(engine, username)
        return False, _done(f"Removed {username}."), (version or 0) + 1, None
