"""The dashboard's callbacks: one server callback answers every change of the controls.

A change of any control (releases, period and its steps, dates, filters, tab, theme, a note,
the records' order and page) is one request: ``view.answer`` settles the period and the
metric choices, reads the view once and returns every output that changes (the controls it
settled, ``dash-query``, the step buttons, KPIs, charts, records, leaderboard).  The page's
first call is the same callback with what the layout already filled in from the URL.

``dash-query`` holds the view as a URL query (``dash-built`` the first one, as the layout
filled it in); a clientside callback puts it in the shell's
``dcc.Location``, which adds a history entry per change (so Back undoes it), and in the page's
view store, which tells the router that the URL is the one already shown, so the page is not
rebuilt on every change; Back changes the URL to one the page does not show, and the router
builds the page for it.  The first view of a page build replaces the entry it was built for
(a bare ``/dashboard`` gets its full query).  Nothing is kept between requests.
"""

from __future__ import annotations

from dash import Dash, Input, Output, State, clientside_callback, ctx, no_update

from perfdash.ui import components
from perfdash.ui.components import THEME_STORE, page_view
from perfdash.ui.pages.dashboard import places, records, view
from perfdash.ui.panels import annotations, goals, saved_views, share

CONTROLS = [
    Input("dash-release", "value"),
    Input("dash-period", "value"),
    Input("dash-range", "start_date"),
    Input("dash-range", "end_date"),
    Input("dash-compare", "value"),
    Input("dash-platform", "value"),
    Input("dash-metric", "value"),
    Input("dash-granularity", "value"),
    Input("dash-mode", "value"),
    Input("dash-view", "active_tab"),
    Input("dash-lb-metric", "value"),
    Input("dash-archived", "value"),
    Input("dash-forecast", "value"),
    Input("dash-country", "value"),
    Input("dash-currency", "value"),
    Input("dash-tag", "value"),
]
OTHER_INPUTS = [
    Input("dash-prev", "n_clicks"),
    Input("dash-next", "n_clicks"),
    Input(THEME_STORE, "data"),
    Input(annotations.VERSION, "data"),
    Input(records.SORT, "data"),
    Input("dash-table-prev", "n_clicks"),
    Input("dash-table-next", "n_clicks"),
]
OUTPUTS = {
    "period": Output("dash-period", "value"),
    "start": Output("dash-range", "start_date"),
    "end": Output("dash-range", "end_date"),
    "metric_options": Output("dash-metric", "options"),
    "metric": Output("dash-metric", "value"),
    "platform_options": Output("dash-platform", "options"),
    "platforms": Output("dash-platform", "value"),
    "query": Output("dash-query", "data"),
    "prev_disabled": Output("dash-prev", "disabled"),
    "next_disabled": Output("dash-next", "disabled"),
    "kpis": Output("dash-kpis", "children"),
    "series": Output("dash-series", "figure"),
    "note": Output("dash-note", "children"),
    "bars": Output("dash-bars", "figure"),
    "share": Output("dash-share", "figure"),
    "table_body": Output("dash-table-body", "children"),
    "table_rows": Output("dash-table-rows", "data"),
    "table_page": Output("dash-table-page", "data"),
    "table_note": Output("dash-table-note", "children"),
    "table_prev": Output("dash-table-prev", "disabled"),
    "table_next": Output("dash-table-next", "disabled"),
    "leaderboard": Output("dash-leaderboard", "children"),
    "places_map": Output("places-map-figure", "data"),
    "places_table": Output("places-table", "children"),
}
# The first view of a page build replaces the entry it was built for, at once (a later
# replace could land on an entry that Back or Forward has since moved to); every later view
# is a new entry.  Both tell the shell's Location what the URL is.
FIRST_URL = """function(search) {
    const skip = window.dash_clientside.no_update;
    if (!search) { return [skip, skip, skip]; }
    const view = window.location.pathname + search;
    if (window.location.search !== search) {
        window.history.replaceState(window.history.state, '', view);
    }
    return [view, search, window.location.origin + view];
}"""
SYNC_URL = """function(search) {
    const skip = window.dash_clientside.no_update;
    if (!search) { return [skip, skip, skip]; }
    const view = window.location.pathname + search;
    return [view, search, window.location.origin + view];
}"""


def register(app: Dash) -> None:
    components.register_search(
        app, "dash-release", archived_from="dash-archived", tag_from="dash-tag"
    )
    _register_view(app)
    records.register(app)
    places.register(app)
    annotations.register(app, releases="dash-release", chart="dash-series")
    goals.register(app, releases="dash-release")
    share.follow(app, "dashboard", "dash-query", "/dashboard")
    saved_views.register(app)
    clientside_callback(
        "function(n, open) { return n ? !open : open; }",
        Output("dash-filters", "is_open"),
        Input("dash-filters-toggle", "n_clicks"),
        State("dash-filters", "is_open"),
        prevent_initial_call=True,
    )
    # The view goes into the shell's URL: a new history entry per change, so Back undoes it;
    # the page's view store tells the router that URL is already shown.
    clientside_callback(
        FIRST_URL,
        Output(page_view("dashboard"), "data"),
        Output("url", "search"),
        Output("url", "href"),
        Input("dash-built", "data"),
    )
    clientside_callback(
        SYNC_URL,
        Output(page_view("dashboard"), "data", allow_duplicate=True),
        Output("url", "search", allow_duplicate=True),
        Output("url", "href", allow_duplicate=True),
        Input("dash-query", "data"),
        prevent_initial_call=True,
    )


def _register_view(app: Dash) -> None:
    @app.callback(
        *OUTPUTS.values(),
        *CONTROLS,
        *OTHER_INPUTS,
        State("dash-query", "data"),
        State("dash-table-page", "data"),
    )
    def render_view(*values):
        """Every output of the view that a change of the controls changes, in one answer."""
        controls = view.Controls(*values[: len(CONTROLS)])
        prev, next_, template, _notes, sort, table_prev, table_next, current, table_page = values[
            len(CONTROLS) :
        ]
        clicked = {
            "dash-prev.n_clicks": prev,
            "dash-next.n_clicks": next_,
            "dash-table-prev.n_clicks": table_prev,
            "dash-table-next.n_clicks": table_next,
        }
        # a button that was never clicked did not step (a body naming every input changed)
        triggered = [
            t for t in ctx.triggered_prop_ids if t != "." and (t not in clicked or clicked[t])
        ]
        out = view.answer(
            triggered,
            controls,
            template=template,
            sort=sort,
            table_page=table_page,
            current=current,
        )
        return [out.get(name, no_update) for name in OUTPUTS]
