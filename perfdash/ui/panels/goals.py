"""Goals beside what they are for: each goal of the chosen releases, their artists and their
tags with a progress bar, its status and the projected day (``perfdash.goals``, the read path
the API and the command line share), and a form to set one for the release, its artist or one
of its tags (``ingest.goals``' rules).  An artist's or a tag's goal in the first days lists each
launch under it.  ``artist_goals`` and ``tag_goals`` are the read-only lists the artist page
and the overview show.

The panel reads its page's release picker by the id the page hands to ``register``.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from perfdash import auth, goals, store
from perfdash.ingest.goals import save_goal
from perfdash.ui import components, context

VERSION = "goal-version"  # moves on after every change so the list redraws
COLOURS = {
    "reached": "success",
    "on track": "info",
    "off track": "warning",
    "missed": "danger",
    "no forecast": "secondary",
}


TAG_CHOICE = "tag:"  # a goal-for value naming one of the release's tags: "tag:lofi"


def for_options(release_ids: list[int]) -> list[dict]:
    """What a goal set here can be for: the first chosen release, its artist, each of its
    tags."""
    out = [
        {"label": "this release", "value": "release"},
        {"label": "its artist", "value": "artist"},
    ]
    if release_ids:
        tags = store.release_tags_of(context.read_engine(), release_ids[:1])
        out += [
            {"label": f"its tag {t}", "value": TAG_CHOICE + t} for t in tags.get(release_ids[0], [])
        ]
    return out


def panel(listed: list | None = None, options: list[dict] | None = None) -> html.Div:
    """The goals of the chosen releases and the form to set one (``listed``: ``goal_list`` of
    the releases the page was built for, ``options``: their ``for_options``, so showing it
    takes no callback)."""
    form = dbc.Row(
        [
            dbc.Col(
                dbc.Select(
                    id="goal-for",
                    options=options or for_options([]),
                    value="release",
                ),
                md=2,
            ),
            dbc.Col(dbc.Input(id="goal-metric", placeholder="metric, e.g. views"), md=2),
            dbc.Col(dbc.Input(id="goal-target", placeholder="target, e.g. 1,000,000"), md=2),
            dbc.Col(
                dbc.Select(
                    id="goal-when",
                    options=[
                        {"label": "by the day", "value": "by"},
                        {"label": "in the first N days", "value": "first_days"},
                    ],
                    value="by",
                ),
                md=2,
            ),
            dbc.Col(dbc.Input(id="goal-value", placeholder="2027-03-01 or 28"), md=2),
            dbc.Col(dbc.Button("Set goal", id="goal-add", color="secondary"), md=2),
        ],
        className="g-2",
    )
    return html.Div(
        [
            dcc.Store(id=VERSION, data=0),
            html.H6("Goals", className="mt-2"),
            html.Div(listed, id="goal-list"),
            form,
            html.Div(id="goal-result", className="small mt-1"),
        ],
        id="goal-panel",
        className="mb-3",
    )


def _item(view: goals.GoalView, removable: bool = True) -> html.Div:
    p = view.progress
    return html.Div(
        [
            html.Div(
                [
                    html.Span(f"{view.subject}: {view.what}", className="fw-bold goal-what"),
                    " ",
                    dbc.Badge(
                        p.status, color=COLOURS.get(p.status, "secondary"), className="goal-status"
                    ),
                    html.Button(
                        "×",
                        id={"type": "goal-delete", "index": view.goal["id"]},
                        className="btn btn-link btn-sm p-0 ms-2 text-danger",
                        title="Remove this goal",
                        n_clicks=0,
                    )
                    if removable
                    else None,
                ]
            ),
            dbc.Progress(value=round(100 * p.share), className="my-1", style={"height": "8px"}),
            html.Div(view.detail(), className="small text-muted goal-progress"),
            html.Ul(
                [html.Li(x.text(), className="goal-launch") for x in view.launches],
                className="small text-muted mb-0 goal-launches",
            )
            if view.launches
            else None,
        ],
        className="goal-item mb-2",
        **{"data-goal": str(view.goal["id"])},
    )


def goal_list(release_ids: list[int]) -> list:
    """The goals of the releases, of their artists and of their tags, each with its
    progress."""
    if not release_ids:
        return [html.Div("Pick a release to see its goals.", className="small text-muted")]
    tz = context.settings().tz
    with store.transaction(context.read_engine()) as conn:
        artists = sorted(
            {
                r["artist_name"]
                for r in map(lambda i: store.get_release(conn, i), release_ids)
                if r and r.get("artist_name")
            }
        )
        tags = sorted({t for ts in store.release_tags_of(conn, release_ids).values() for t in ts})
        found = goals.views(conn, tz, release_ids=release_ids, artists=artists, tags=tags)
    if not found:
        return [
            html.Div(
                "No goals yet: set one below, e.g. 1,000,000 views by a day.",
                className="small text-muted",
                id="goal-none",
            )
        ]
    return [_item(v) for v in found]


def artist_goals(conn, name: str, tz: str) -> html.Div:
    """An artist's own goals with their progress (read only: goals are set and removed on the
    dashboard, with ``perfdash goal`` or through the API), for the artist page."""
    today = datetime.now(ZoneInfo(tz)).date()
    found = goals.views(conn, tz, release_ids=[], artists=[name], today=today)
    body = (
        [_item(v, removable=False) for v in found]
        if found
        else [
            html.Div(
                "No goals for this artist: set one on the dashboard (its artist) or with "
                "perfdash goal add --artist.",
                className="small text-muted",
            )
        ]
    )
    return html.Div([html.H6("Goals", className="mt-3"), *body], id="art-goals")


def tag_goals(conn, tag: str | None, tz: str) -> html.Div | None:
    """A tag's goals with their progress, read only, for the overview when a tag is chosen
    (nothing without a tag: the catalog has no goal of its own)."""
    if not tag:
        return None
    today = datetime.now(ZoneInfo(tz)).date()
    found = goals.views(conn, tz, release_ids=[], artists=[], tags=[tag], today=today)
    body = (
        [_item(v, removable=False) for v in found]
        if found
        else [
            html.Div(
                f"No goals for tag {tag}: set one on the dashboard (a release with the tag) or "
                "with perfdash goal add --tag.",
                className="small text-muted",
                id="ov-goals-none",
            )
        ]
    )
    return html.Div([html.H5(f"Goals of tag {tag}"), *body], className="mb-3")


def register(app: Dash, *, releases: str) -> None:
    @app.callback(
        Output("goal-list", "children"),
        Output("goal-for", "options"),
        Input(releases, "value"),
        Input(VERSION, "data"),
        prevent_initial_call=True,  # the page lists the first releases' goals itself
    )
    def show(release_value, _version):
        ids = components.chosen_ids(release_value)
        return goal_list(ids), for_options(ids)

    @app.callback(
        Output("goal-result", "children"),
        Output(VERSION, "data"),
        Input("goal-add", "n_clicks"),
        State(releases, "value"),
        State("goal-for", "value"),
        State("goal-metric", "value"),
        State("goal-target", "value"),
        State("goal-when", "value"),
        State("goal-value", "value"),
        State(VERSION, "data"),
        prevent_initial_call=True,
    )
    def add(_clicks, release_value, scope, metric, target, when, value, version):
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return dbc.Alert(str(exc), color="danger", className="py-1"), no_update
        ids = components.chosen_ids(release_value)
        if not ids:
            return dbc.Alert("Pick a release first", color="warning", className="py-1"), no_update
        fields = {
            "metric": metric,
            "target": target,
            ("first_days" if when == "first_days" else "by"): value,
        }
        with store.transaction(context.engine()) as conn:
            if scope == "artist":
                release = store.get_release(conn, ids[0]) or {}
                fields["artist"] = release.get("artist_name") or ""
            elif isinstance(scope, str) and scope.startswith(TAG_CHOICE):
                fields["tag"] = scope[len(TAG_CHOICE) :]
            else:
                fields["release"] = ids[0]
            today = datetime.now(ZoneInfo(context.settings().tz)).date()
            saved = save_goal(conn, fields, today=today, created_by="dashboard")
        if not saved.ok:
            return dbc.Alert(saved.message, color="danger", className="py-1"), no_update
        return saved.message, (version or 0) + 1

    @app.callback(
        Output(VERSION, "data", allow_duplicate=True),
        Input({"type": "goal-delete", "index": ALL}, "n_clicks"),
        State(VERSION, "data"),
        prevent_initial_call=True,
    )
    def remove(clicks, version):
        trigger = ctx.triggered_id
        if not trigger or not any(clicks or []):
            return no_update
        try:
            auth.require_role("editor")
        except auth.PermissionDenied:
            return no_update
        store.delete_goal(context.engine(), trigger["index"])
        return (version or 0) + 1
