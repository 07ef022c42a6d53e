"""Share this view: an editor turns the page's current view into a read-only link
(optionally expiring), sees it once with the code to embed it, and lists and revokes their own
links.  ``perfdash.shares`` checks the view and makes the token; only its hash is stored.

The dialog is one for every page that offers it (the dashboard, an artist's page, the overview
of a tag).  The page tells it what to share: ``panel(page, ...)`` puts the dialog and a store
for the view on the page, and ``follow`` keeps that store equal to the page's own view (its
query store, in the browser, with no request); the dialog reads the store, so it never needs to
know a page's controls, and no page imports another.
"""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from flask import has_request_context, request

from perfdash import auth, shares, store
from perfdash.ui import components, context

VERSION = "share-version"
VIEW = "share-view"
FOLLOW = """function(query) {
    const needs = %s;
    if (needs && !new URLSearchParams(query || '').get(needs)) { return null; }
    return %s + (query || '');
}"""
SHOW = """function(views) {
    return (views || []).some(v => v) ? {} : {display: 'none'};
}"""


def view_id(page: str) -> dict[str, str]:
    """The id of the store that holds the view ``page`` would share (a path and query)."""
    return {"type": VIEW, "page": page}


def _me() -> str | None:
    return (auth.current_user() or {}).get("username")


def panel(page: str, view: str | None, subject: str = "these releases") -> html.Div | None:
    """The button and its dialog, for editors only (a viewer may not make links).

    ``view``: what the page shows now (``/artists?artist=...``), None while it has nothing a
    link may show (the overview without a tag: the button waits hidden); ``subject`` says what
    the link's visitor sees, in words."""
    if not has_request_context() or not auth.role_allows(auth.current_role(), "editor"):
        return None
    body = [
        html.P(
            f"Anyone with the link sees {subject} over this period, read-only, without an "
            "account: no other release, no other page, nothing they can change. They may switch "
            "how it is drawn (the metric, platforms and the like).",
            className="small",
        ),
        dbc.Label("Expires (optional)", html_for="share-expires"),
        dbc.Input(id="share-expires", type="text", placeholder="YYYY-MM-DD, empty for never"),
        dbc.FormText("The link stops working as that day begins."),
        html.Div(dbc.Button("Create link", id="share-create", color="primary"), className="mt-2"),
        html.Div(id="share-result", className="mt-3"),
        html.H6("Your share links", className="mt-3"),
        html.Div(id="share-list"),
    ]
    return html.Div(
        [
            dbc.Button(
                "Share this view…",
                id="share-open",
                color="secondary",
                outline=True,
                size="sm",
                className="mb-2",
                style={} if view else {"display": "none"},
            ),
            dbc.Modal(
                [dbc.ModalHeader(dbc.ModalTitle("Share this view")), dbc.ModalBody(body)],
                id="share-modal",
                is_open=False,
                size="lg",
            ),
            dcc.Store(id=VERSION, data=0),
            dcc.Store(id=view_id(page), data=view),
        ],
        className="d-flex justify-content-end",
    )


def links_table(rows: list[dict], *, revocable: bool, id_: str, tz: str) -> html.Div:
    """Links with their view, creator, expiry and state; a revoke button on live ones."""
    if not rows:
        return html.P(
            "No share links yet. Open a dashboard view, an artist or a tag's overview and "
            "press “Share this view…”.",
            className="text-muted small",
            id=f"{id_}-empty",
        )
    zone = ZoneInfo(tz)
    body = []
    for r in rows:
        state = shares.status(r)
        ends = f"{r['expires_at'].astimezone(zone):%Y-%m-%d %H:%M}" if r["expires_at"] else "never"
        action = (
            dbc.Button(
                "Revoke",
                id={"type": "share-revoke", "index": r["id"]},
                color="danger",
                outline=True,
                size="sm",
                n_clicks=0,
            )
            if revocable and state == "live"
            else None
        )
        body.append(
            html.Tr(
                [
                    html.Td(str(r["id"])),
                    html.Td(html.Code(r["view"]), className="text-break"),
                    html.Td(r["created_by"] or "—"),
                    html.Td(ends),
                    html.Td(state, className="share-state"),
                    html.Td(action),
                ],
                **{"data-share": str(r["id"])},
            )
        )
    head = html.Thead(
        html.Tr(
            [
                html.Th("#"),
                html.Th("View"),
                html.Th("By"),
                html.Th("Expires"),
                html.Th("State"),
                html.Th(),
            ]
        )
    )
    return dbc.Table([head, html.Tbody(body)], size="sm", id=id_, responsive=True)


def created(url: str) -> dbc.Alert:
    embed = f'<iframe src="{url}?embed=1" width="100%" height="900" frameborder="0"></iframe>'
    return dbc.Alert(
        [
            html.Div("Link created. Copy it now: it is not shown again."),
            dbc.Input(value=url, readonly=True, id="share-url", className="my-2"),
            html.Small("To embed it in a site your admin allowed (PERFDASH_EMBED_ORIGINS):"),
            html.Pre(embed, id="share-embed", className="small user-select-all mb-0"),
        ],
        color="success",
        id="share-created",
    )


def follow(app: Dash, page: str, source: str, path: str, needs: str | None = None) -> None:
    """Keep ``page``'s view to share equal to ``path`` + its query store ``source``; with
    ``needs``, nothing to share (the button hidden) until the query names that key."""
    app.clientside_callback(
        FOLLOW % (json.dumps(needs), json.dumps(path)),
        Output(view_id(page), "data"),
        Input(source, "data"),
        prevent_initial_call=True,
    )


def register(app: Dash) -> None:
    """The dialog's callbacks, once for every page that shows it (``ui.shell``)."""
    app.clientside_callback(
        SHOW,
        Output("share-open", "style"),
        Input({"type": VIEW, "page": ALL}, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output("share-modal", "is_open"),
        Input("share-open", "n_clicks"),
        prevent_initial_call=True,
    )
    def open_share(n_clicks):
        return bool(n_clicks)

    # not on the page's first call: the dialog starts closed, and a request in the first
    # view waits for a worker beside the view's own
    @app.callback(
        Output("share-list", "children"),
        Input(VERSION, "data"),
        Input("share-modal", "is_open"),
        prevent_initial_call=True,
    )
    def list_links(_version, is_open):
        if not is_open or not auth.role_allows(auth.current_role(), "editor"):
            return no_update
        rows = store.list_share_links(context.engine(), created_by=_me())
        return links_table(rows, revocable=True, id_="share-table", tz=context.settings().tz)

    @app.callback(
        Output("share-result", "children"),
        Output(VERSION, "data"),
        Input("share-create", "n_clicks"),
        State({"type": VIEW, "page": ALL}, "data"),
        State("share-expires", "value"),
        State(VERSION, "data"),
        prevent_initial_call=True,
    )
    def create_link(n_clicks, views, expires, version):
        if not n_clicks:
            return no_update, no_update
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return components.denied(exc), no_update
        settings = context.settings()
        view = next((v for v in views or [] if isinstance(v, str) and v), None)
        try:
            _, token = shares.create(
                context.engine(),
                view,
                (expires or "").strip(),
                created_by=_me(),
                tz=settings.tz,
            )
        except shares.ShareError as exc:
            return dbc.Alert(
                f"No link was made: {exc}.", color="danger", id="share-failed"
            ), no_update
        return created(shares.url_for(request.host_url, token)), (version or 0) + 1

    @app.callback(
        Output(VERSION, "data", allow_duplicate=True),
        Output("share-result", "children", allow_duplicate=True),
        Input({"type": "share-revoke", "index": ALL}, "n_clicks"),
        State(VERSION, "data"),
        prevent_initial_call=True,
    )
    def revoke_link(clicks, version):
        trigger = ctx.triggered_id
        if not trigger or not any(clicks or []):
            return no_update, no_update
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return no_update, components.denied(exc)
        engine = context.engine()
        link = store.get_share_link(engine, trigger["index"])
        if link is None or not shares.may_revoke(link, _me(), auth.current_role()):
            return no_update, dbc.Alert(
                "Nothing was changed: that link is not yours to revoke.", color="danger"
            )
        store.revoke_share_link(engine, link["id"])
        done = dbc.Alert(
            f"Revoked link {link['id']}: it no longer opens.", color="info", id="share-revoked"
        )
        return (version or 0) + 1, done
