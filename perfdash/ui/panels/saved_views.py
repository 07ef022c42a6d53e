"""Saved views on the dashboard: name the view on screen ("Save view"), open one from the
list, delete one, make one the default that a bare /dashboard opens.

The list is drawn with the page (``panel``) and redrawn only by a save, a delete or a change
of the default, so the dashboard's first view asks the server nothing more: opening a view is
a link to its URL, which the router builds like any bookmark.  Whose views these are is
``owner``: the signed-in user's, or on an open install without sign-in its one shared list
(``ingest.views``); a share link's visitor has none.  ``ingest.views`` judges every name and
view, and the store touches only the owner's rows, so a crafted id of someone else's view
changes nothing.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from flask import g, has_request_context

from perfdash import auth, store
from perfdash.ingest import views
from perfdash.ui import context

LIST = "view-list"
DASHBOARD = "/dashboard"


def owner() -> str | None:
    """Whose saved views this request sees and saves; None: nobody's (signed out while sign-in
    is on, or a share link's visitor)."""
    if not has_request_context() or g.get("perfdash_share") is not None:
        return None
    user = auth.current_user()
    if user:
        return views.user_owner(user["username"])
    return None if auth.login_required() else views.ANONYMOUS


def default_view() -> dict[str, Any] | None:
    """The default view of this request's owner (what a bare /dashboard opens), or None."""
    who = owner()
    return None if who is None else store.default_saved_view(context.read_engine(), who)


def panel() -> html.Div | None:
    """The name field with its "Save view" button, the replace question and the list."""
    who = owner()
    if who is None:
        return None
    rows = store.list_saved_views(context.read_engine(), who)
    name = dbc.InputGroup(
        [
            dbc.Input(
                id="view-name",
                type="text",
                placeholder="Name this view",
            ),
            dbc.Button("Save view", id="view-save", color="primary", n_clicks=0),
        ],
        size="sm",
    )
    ask = dbc.Alert(
        [
            html.Span(id="view-ask-text"),
            dbc.Button(
                "Replace it", id="view-replace", color="warning", size="sm", className="ms-2"
            ),
        ],
        id="view-ask",
        color="warning",
        is_open=False,
        className="py-2 mt-2 mb-0 small",
    )
    return html.Div(
        [
            dbc.Label(
                "Name of the view to save", html_for="view-name", class_name="visually-hidden"
            ),
            name,
            html.Div(id="view-name-problem", className="invalid-feedback d-block"),
            ask,
            html.Div(id="view-result", className="small mt-1"),
            html.Details(views_list(rows), id=LIST, className="mt-1 small"),
        ],
        id="view-panel",
        className="mb-2",
    )


def views_list(rows: list[dict[str, Any]]) -> list:
    """The summary line and a table: each view's name links to it, with its buttons."""
    summary = html.Summary(f"Saved views ({len(rows)})", id="view-summary")
    if not rows:
        return [summary, html.P("No saved views yet.", className="text-muted mb-0")]
    body = []
    for r in rows:
        if r["is_default"]:
            mark = dbc.Badge("default", color="success", className="ms-2")
            toggle = _button("Unset default", "view-undefault", r["id"], "secondary")
        else:
            mark = None
            toggle = _button("Make default", "view-default", r["id"], "secondary")
        body.append(
            html.Tr(
                [
                    html.Td(
                        [
                            dcc.Link(
                                r["name"],
                                href=DASHBOARD + r["view"],
                                className="saved-view-link",
                                title=r["view"],
                            ),
                            mark,
                        ]
                    ),
                    html.Td([toggle, _button("Delete", "view-delete", r["id"], "danger")]),
                ],
                **{"data-view": str(r["id"])},
            )
        )
    table = dbc.Table(html.Tbody(body), size="sm", className="mb-0", id="view-table")
    return [summary, table]


def _button(label: str, kind: str, view_id: int, color: str) -> dbc.Button:
    return dbc.Button(
        label,
        id={"type": kind, "index": view_id},
        color=color,
        outline=True,
        size="sm",
        className="ms-1",
        n_clicks=0,
    )


def _fail(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="danger", className="py-2 mb-0", id="view-failed")


def _done(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="success", className="py-2 mb-0", id="view-done")


def _refresh(who: str) -> list:
    return views_list(store.list_saved_views(context.engine(), who))


def _clicked() -> Any:
    """The pattern id of the button clicked now (None: a redraw, not a click)."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered or not ctx.triggered[0].get("value"):
        return None
    return trigger.get("index")


NOBODY = "Nothing was saved: sign in to keep views of your own."


def register(app: Dash) -> None:
    @app.callback(
        Output("view-name", "invalid"),
        Output("view-name-problem", "children"),
        Output("view-ask", "is_open"),
        Output("view-ask-text", "children"),
        Output("view-result", "children"),
        Output(LIST, "children"),
        Input("view-save", "n_clicks"),
        Input("view-replace", "n_clicks"),
        State("view-name", "value"),
        State("dash-query", "data"),
        prevent_initial_call=True,
    )
    def save_view(save_clicks, replace_clicks, name, query):
        """Save the view on screen under the typed name; a taken name asks first."""
        replace = ctx.triggered_id == "view-replace"
        if not (replace_clicks if replace else save_clicks):
            return (no_update,) * 6
        who = owner()
        if who is None:
            return False, "", False, "", _fail(NOBODY), no_update
        typed = "" if name is None else name  # a field never typed in holds nothing
        saved = views.save_view(context.engine(), who, typed, query or "", replace=replace)
        if saved.exists:
            question = f"{saved.error}. Replace it with the view on screen?"
            return False, "", True, question, "", no_update
        if saved.field == "name":
            return True, saved.error, False, "", "", no_update
        if not saved.ok:
            return False, "", False, "", _fail(f"Nothing was saved: {saved.error}."), no_update
        verb = "Replaced" if saved.replaced else "Saved"
        return False, "", False, "", _done(f"{verb} view {saved.name!r}."), _refresh(who)

    @app.callback(
        Output(LIST, "children", allow_duplicate=True),
        Output("view-result", "children", allow_duplicate=True),
        Input({"type": "view-delete", "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def delete_view(_clicks):
        """Delete one of the owner's views (someone else's id finds nothing)."""
        view_id = _clicked()
        if view_id is None:
            return no_update, no_update
        who = owner()
        if who is None:
            return no_update, _fail("Nothing was deleted: sign in to keep views of your own.")
        if not views.delete_view(context.engine(), who, view_id):
            return no_update, _fail("Nothing was deleted: you have no such saved view.")
        return _refresh(who), _done("Deleted the view.")

    @app.callback(
        Output(LIST, "children", allow_duplicate=True),
        Output("view-result", "children", allow_duplicate=True),
        Input({"type": "view-default", "index": ALL}, "n_clicks"),
        Input({"type": "view-undefault", "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def make_default(_make, _unset):
        """Make a view the default a bare /dashboard opens, or have no default."""
        view_id = _clicked()
        if view_id is None:
            return no_update, no_update
        who = owner()
        if who is None:
            return no_update, _fail("Nothing was changed: sign in to keep views of your own.")
        unset = ctx.triggered_id.get("type") == "view-undefault"
        engine = context.engine()
        view = store.get_saved_view(engine, who, view_id) if views.is_view_id(view_id) else None
        if view is None or (unset and not view["is_default"]):
            return no_update, _fail("Nothing was changed: you have no such saved view.")
        views.make_default(engine, who, None if unset else view["id"])
        text = (
            "No default view: /dashboard opens as it comes."
            if unset
            else "Default view set: /dashboard opens it."
        )
        return _refresh(who), _done(text)
