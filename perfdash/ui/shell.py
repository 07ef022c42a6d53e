"""The frame around every page: the navbar, the theme switch, the error banner, and the
routing of a URL to its page.  ``PAGES`` is the one list of pages: the navbar's links and the
router are both made from it.

Routing is this explicit page list, not Dash pages (``dash.register_page`` with
``use_pages``), because the test suite (and any process) makes many apps:

* Dash pages keeps its pages in one global dict, ``dash.page_registry``, which every app made
  in the process writes into and reads from; ``register_page`` also refuses to run before an
  app exists or inside a request.  ``PAGES`` is a tuple made once at import, the same for every
  app, and nothing writes to it.
* Its router is a callback added on an app's first request, so ``app.callback_map`` does not
  list it before (tests check every callback for its write rights), and it routes with ids of
  its own (``_pages_location``, ``_pages_content``) where users' bookmarks and the tests rely on
  ``url`` and ``page``; its 404 layout is not told which path was asked for.

A page is a module (or package) with ``layout(query)`` and ``register(app)``; the router looks
its layout up on the module when it is called.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, clientside_callback, dcc, html
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate
from flask import has_request_context

from perfdash import auth
from perfdash.shares import kind as link_kind
from perfdash.shares import shared_query as shares_query
from perfdash.ui import context, errors
from perfdash.ui.components import PAGE_VIEW, THEME_STORE
from perfdash.ui.pages import (
    admin,
    alerts,
    artists,
    dashboard,
    digests,
    entry,
    launches,
    overview,
    what_works,
)
from perfdash.ui.panels import share
from perfdash.web import shares

Query = dict[str, list[str]]

THEME = """function(dark) {
    document.documentElement.setAttribute('data-bs-theme', dark ? 'dark' : 'light');
    return dark ? 'plotly_dark' : 'plotly_white';
}"""


@dataclass(frozen=True)
class Page:
    path: str
    label: str
    module: ModuleType
    aliases: tuple[str, ...] = ()  # other paths that show it (not in the navbar)
    role: str = "viewer"  # the navbar links it for this role and above (the page checks too)

    @property
    def nav_id(self) -> str:
        return "nav-" + self.path.strip("/")

    @property
    def layout(self) -> Callable[[Query], Component]:
        return self.module.layout


PAGES = (
    Page("/overview", "Overview", overview, aliases=("/",)),
    Page("/dashboard", "Dashboard", dashboard),
    Page("/entry", "Data entry", entry),
    Page("/alerts", "Alerts", alerts),
    Page("/launches", "Launches", launches),
    Page("/artists", "Artists", artists),
    Page("/digests", "Digests", digests),
    Page("/what-works", "What works", what_works),
    Page("/admin", "Admin", admin, role="admin"),
)
HOME = PAGES[0]
# what a share link's bar says it shows, by the link's kind (``shares.kind``)
SHOWS = {"dashboard": "these releases", "artist": "this artist", "tag": "this tag's releases"}


def page_at(pathname: str | None) -> Page | None:
    path = (pathname or "/").rstrip("/") or "/"
    return next((p for p in PAGES if path == p.path or path in p.aliases), None)


def layout() -> html.Div:
    """The frame; built per request, so the navbar names who is signed in.  A share link's
    frame has no navigation: a line that says what it is, or nothing when embedded."""
    link = shares.current() if has_request_context() else None
    return html.Div(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            dcc.Store(id=THEME_STORE, data="plotly_white"),
            navbar() if link is None else share_bar(link),
            errors.outage_banner(),
            errors.error_banner(),
            dbc.Container(id="page", fluid=True),
        ]
    )


def _shown_pages() -> list[Page]:
    """The pages the navbar links: a page above the visitor's role is left out (it would
    only say no)."""
    if not has_request_context():
        return [p for p in PAGES if p.role == "viewer"]
    role = auth.current_role()
    return [p for p in PAGES if auth.role_allows(role, p.role)]


def navbar() -> dbc.Navbar:
    links = [
        dbc.NavLink(p.label, href=p.path, id=p.nav_id, active="partial") for p in _shown_pages()
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("perfdash", href=HOME.path),
                dbc.NavbarToggler(id="nav-toggler", n_clicks=0),
                # below md the links, the switch and the user fold under the toggler
                dbc.Collapse(
                    [
                        dbc.Nav(links, navbar=True, className="me-auto"),
                        dbc.Switch(
                            id="theme-dark",
                            label="Dark",
                            value=False,
                            persistence=True,
                            className="text-light mb-0 my-2 my-md-0",
                        ),
                        user_indicator(),
                    ],
                    id="nav-collapse",
                    is_open=False,
                    navbar=True,
                ),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        expand="md",
        className="mb-3",
    )


def share_bar(link: dict) -> Component | None:
    """What a share link's visitor sees above its view instead of the navbar."""
    if shares.embedded():
        return None
    ends = link.get("expires_at")
    tz = context.settings().tz
    until = f" until {ends.astimezone(ZoneInfo(tz)):%Y-%m-%d %H:%M} ({tz})" if ends else ""
    return html.Div(
        [
            html.Strong("perfdash", className="me-2"),
            html.Span(
                f"A shared view, read-only{until}. It shows "
                + SHOWS[link_kind(link)]
                + " over this period only; sign in for the rest of the catalog.",
                id="share-bar-text",
            ),
        ],
        id="share-bar",
        className="bg-dark text-light small px-3 py-2 mb-3",
    )


def user_indicator() -> Component:
    """Who is signed in and a sign-out button (a real form POST with CSRF)."""
    if not has_request_context() or not auth.login_required():
        return html.Span(
            "local admin",
            id="nav-user",
            className="navbar-text small text-secondary ms-3",
            title="perfdash run on this machine with no users: no sign-in needed",
        )
    user = auth.current_user()
    if user is None:
        return html.A("Sign in", href="/login", id="nav-user", className="nav-link ms-3")
    return html.Form(
        [
            html.Span(
                f"{user['username']} ({user['role']})",
                id="nav-user",
                className="navbar-text small text-light me-2",
            ),
            dbc.Input(type="hidden", name="csrf_token", value=auth.csrf_token()),
            dbc.Button(
                "Sign out", id="nav-logout", type="submit", size="sm", color="outline-light"
            ),
        ],
        action="/logout",
        method="POST",
        className="d-flex align-items-center ms-3 mb-0",
    )


def not_found(pathname: str | None) -> dbc.Alert:
    return dbc.Alert(
        [f"There is no page at {pathname}. ", html.A("Open the overview", href=HOME.path)],
        color="warning",
    )


def register(app: Dash) -> None:
    """The router, the theme switch, and every page's callbacks."""

    @app.callback(
        Output("page", "children"),
        Input("url", "pathname"),
        Input("url", "search"),
        State({"type": PAGE_VIEW, "page": ALL}, "data"),
    )
    def route(pathname: str | None, search: str | None, shown: list[str | None] | None = None):
        """The page for the URL; none when the URL is the view the page already shows (a page
        that writes its view into the URL, see ``components.page_view``)."""
        if f"{pathname or ''}{search or ''}" in (shown or []):
            raise PreventUpdate
        link = shares.current()
        if link is not None:  # web.shares let this in for the link's own page only
            query = shares_query(link, parse_qs((search or "").lstrip("?")))
            shown_by = {"artist": artists, "tag": overview}.get(link_kind(link), dashboard)
            return shown_by.layout(query, link=link)
        page = page_at(pathname)
        if page is None:
            return not_found(pathname)
        return page.layout(parse_qs((search or "").lstrip("?")))

    clientside_callback(THEME, Output(THEME_STORE, "data"), Input("theme-dark", "value"))
    clientside_callback(
        "function(n, open) { return n ? !open : open; }",
        Output("nav-collapse", "is_open"),
        Input("nav-toggler", "n_clicks"),
        State("nav-collapse", "is_open"),
        prevent_initial_call=True,
    )
    for page in PAGES:
        page.module.register(app)
    share.register(app)  # the dialog several pages show (each tells it its view)
