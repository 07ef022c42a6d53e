"""The tags of the release picked in the release editor: shown, changed, saved.

Tags are typed as one comma-separated text ("summer-campaign, lofi") and written by
``ingest.tags.tag_release`` (the API's and the CLI's path too), which normalises them and
refuses a bad one with its reason; nothing changes then.  Saving needs the editor role,
checked on the server first.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html, no_update

from perfdash import auth, store
from perfdash.ingest.tags import MAX_TAGS, tag_release
from perfdash.ui import components, context
from perfdash.ui.errors import message_of
from perfdash.ui.pages.entry.releases import NEW_RELEASE


def section() -> html.Div:
    return html.Div(
        [
            dbc.Label("Tags (campaigns, moods, series)", html_for="entry-rel-tags"),
            dbc.InputGroup(
                [
                    dbc.Input(
                        id="entry-rel-tags",
                        placeholder="summer-campaign, lofi",
                        disabled=True,
                    ),
                    dbc.Button(
                        "Save tags", id="entry-rel-tags-save", color="secondary", disabled=True
                    ),
                ]
            ),
            html.Div(
                f"Separate tags with commas; at most {MAX_TAGS}. Pick a release above first.",
                id="entry-rel-tags-help",
                className="form-text",
            ),
            html.Div(id="entry-rel-tags-result", className="mt-2"),
        ],
        className="mt-3 mb-3",
        style={"maxWidth": "40rem"},
    )


def register(app: Dash) -> None:
    @app.callback(
        Output("entry-rel-tags", "value"),
        Output("entry-rel-tags", "disabled"),
        Output("entry-rel-tags-save", "disabled"),
        Output("entry-rel-tags-result", "children", allow_duplicate=True),
        Input("entry-rel-pick", "value"),
        prevent_initial_call=True,
    )
    def show_tags(pk):
        if pk in (None, NEW_RELEASE):
            return "", True, True, None
        tags = store.release_tags_of(context.engine(), [int(pk)]).get(int(pk), [])
        return ", ".join(tags), False, False, None

    @app.callback(
        Output("entry-rel-tags-result", "children"),
        Output("entry-rel-tags", "value", allow_duplicate=True),
        Input("entry-rel-tags-save", "n_clicks"),
        State("entry-rel-pick", "value"),
        State("entry-rel-tags", "value"),
        prevent_initial_call=True,
    )
    def save_tags(n_clicks, pk, text):
        if not n_clicks or pk in (None, NEW_RELEASE):
            return no_update, no_update
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return components.denied(exc), no_update
        try:
            changed = tag_release(context.engine(), int(pk), text or "", mode="set")
        except store.PerformanceDbError as exc:
            return dbc.Alert(f"Nothing was saved: {message_of(exc)}", color="danger"), no_update
        if not changed.ok:
            failed = dbc.Alert(f"Nothing was saved: {changed.error}", color="danger")
            return html.Div(failed, id="entry-rel-tags-failed"), no_update
        shown = ", ".join(changed.tags)
        said = f"Tags saved: {shown}." if shown else "Tags cleared."
        return dbc.Alert(said, color="success", id="entry-rel-tags-saved"), shown
