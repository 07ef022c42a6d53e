"""Archive, restore and delete the release picked in the release editor.

Archiving keeps the release and every reading and takes it out of the pickers and the
leaderboard; deleting removes the release with its readings, after a question that says how
many readings go.  Both need the editor role, checked on the server before anything changes.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from perfdash import auth, store
from perfdash.ui import components, context
from perfdash.ui.pages.entry.releases import NEW_RELEASE, editor_options

HIDDEN = {"display": "none"}
SHOWN = {"display": "inline-block"}


def section() -> html.Div:
    question = dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Delete this release?")),
            dbc.ModalBody(id="entry-rel-delete-question"),
            dbc.ModalFooter(
                [
                    dbc.Button("Keep it", id="entry-rel-delete-cancel", color="secondary"),
                    dbc.Button("Delete", id="entry-rel-delete-confirm", color="danger"),
                ]
            ),
        ],
        id="entry-rel-delete-modal",
        is_open=False,
    )
    buttons = html.Div(
        [
            html.Span(id="entry-rel-archived-note", className="text-muted small me-2"),
            dbc.Button(
                "Archive",
                id="entry-rel-archive",
                color="secondary",
                outline=True,
                size="sm",
                className="me-2",
                title="Keep it and its readings; hide it from pickers and the leaderboard",
            ),
            dbc.Button(
                "Restore",
                id="entry-rel-restore",
                color="secondary",
                outline=True,
                size="sm",
                className="me-2",
                style=HIDDEN,
            ),
            dbc.Button("Delete…", id="entry-rel-delete", color="danger", outline=True, size="sm"),
        ],
        id="entry-rel-admin",
        style=HIDDEN,
    )
    # the result stays in sight when the buttons go (a deleted release leaves the editor)
    return html.Div(
        [
            buttons,
            html.Div(id="entry-rel-admin-result", className="mt-2"),
            question,
            dcc.Store(id="entry-rel-admin-version", data=0),
        ],
        className="mt-2",
    )


def _picked(pk) -> dict | None:
    if pk in (None, NEW_RELEASE):
        return None
    return store.get_release(context.engine(), int(pk))


def register(app: Dash) -> None:
    @app.callback(
        Output("entry-rel-admin", "style"),
        Output("entry-rel-archive", "style"),
        Output("entry-rel-restore", "style"),
        Output("entry-rel-archived-note", "children"),
        Input("entry-rel-pick", "value"),
        Input("entry-rel-admin-version", "data"),
    )
    def buttons(pk, _version):
        """Archive for a release in use, Restore for an archived one, nothing for a new one."""
        release = _picked(pk)
        if release is None:
            return HIDDEN, no_update, no_update, ""
        archived = release.get("archived_at")
        if not archived:
            return {"display": "block"}, SHOWN, HIDDEN, ""
        when = archived.astimezone(ZoneInfo(context.settings().tz)).strftime("%Y-%m-%d")
        return {"display": "block"}, HIDDEN, SHOWN, f"Archived on {when}."

    @app.callback(
        Output("entry-rel-admin-result", "children"),
        Output("entry-rel-admin-version", "data"),
        Output("entry-rel-pick", "options", allow_duplicate=True),
        Output("entry-release_id", "options", allow_duplicate=True),
        Input("entry-rel-archive", "n_clicks"),
        Input("entry-rel-restore", "n_clicks"),
        State("entry-rel-pick", "value"),
        State("entry-rel-admin-version", "data"),
        prevent_initial_call=True,
    )
    def archive(_archive, _restore, pk, version):
        if not ctx.triggered or not ctx.triggered[0].get("value"):
            return no_update, no_update, no_update, no_update
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return components.denied(exc), no_update, no_update, no_update
        release = _picked(pk)
        if release is None:
            return dbc.Alert("Pick a release first.", color="warning"), *(no_update,) * 3
        archived = ctx.triggered_id == "entry-rel-archive"
        engine = context.engine()
        store.set_release_archived(engine, release["id"], archived)
        key = release["release_id"]
        text = (
            f"Archived {key}: it keeps its readings and no longer shows in pickers or the "
            "leaderboard. Restore brings it back."
            if archived
            else f"Restored {key}: it shows in pickers and the leaderboard again."
        )
        with store.transaction(engine) as conn:
            editable = editor_options(conn, release["id"])
            options, _ = components.picker_options(conn, [], with_key=True)
        done = dbc.Alert(text, color="info", id="entry-rel-archived")
        return done, (version or 0) + 1, editable, options

    @app.callback(
        Output("entry-rel-delete-modal", "is_open"),
        Output("entry-rel-delete-question", "children"),
        Output("entry-rel-admin-result", "children", allow_duplicate=True),
        Input("entry-rel-delete", "n_clicks"),
        Input("entry-rel-delete-cancel", "n_clicks"),
        State("entry-rel-pick", "value"),
        prevent_initial_call=True,
    )
    def ask(n_clicks, _cancel, pk):
        """The question names the release and how many readings go with it."""
        if ctx.triggered_id == "entry-rel-delete-cancel" or not n_clicks:
            return False, no_update, no_update
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return False, no_update, components.denied(exc)
        release = _picked(pk)
        if release is None:
            return False, no_update, dbc.Alert("Pick a release first.", color="warning")
        count = store.count_metrics(context.engine(), release["id"])
        readings = f"{count:,} reading{'' if count == 1 else 's'}"
        return (
            True,
            [
                html.P(
                    [
                        "Delete ",
                        html.Strong(store.release_label(release)),
                        f" ({release['release_id']}) and its {readings}?",
                    ],
                    id="entry-rel-delete-count",
                ),
                html.P(
                    "This cannot be undone. Archive keeps the release and hides it instead.",
                    className="text-muted small mb-0",
                ),
            ],
            no_update,
        )

    @app.callback(
        Output("entry-rel-delete-modal", "is_open", allow_duplicate=True),
        Output("entry-rel-admin-result", "children", allow_duplicate=True),
        Output("entry-rel-pick", "options", allow_duplicate=True),
        Output("entry-rel-pick", "value", allow_duplicate=True),
        Output("entry-release_id", "options", allow_duplicate=True),
        Output("entry-changed", "data", allow_duplicate=True),
        Input("entry-rel-delete-confirm", "n_clicks"),
        State("entry-rel-pick", "value"),
        State("entry-changed", "data"),
        prevent_initial_call=True,
    )
    def delete(n_clicks, pk, changed):
        if not n_clicks:
            return (no_update,) * 6
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return False, components.denied(exc), *(no_update,) * 4
        release = _picked(pk)
        if release is None:
            gone = dbc.Alert("That release is already gone.", color="warning")
            return False, gone, *(no_update,) * 4
        engine = context.engine()
        count = store.count_metrics(engine, release["id"])
        store.delete_release(engine, release["id"])
        with store.transaction(engine) as conn:
            editable = editor_options(conn)
            options, _ = components.picker_options(conn, [], with_key=True)
        done = dbc.Alert(
            f"Deleted {release['release_id']} and its {count:,} reading(s).",
            color="info",
            id="entry-rel-deleted",
        )
        return False, done, editable, NEW_RELEASE, options, (changed or 0) + 1
