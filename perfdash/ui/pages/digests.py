"""/digests: who gets the catalog's daily or weekly digest, by email or Slack.

Everyone signed in manages their own subscriptions here; an admin also those of any user (what
``perfdash digest subscribe`` does), and anyone can read the digest as it would go out now.
The rules an address or a webhook URL is checked by are ``ingest.digests``'; sending is
``perfdash.digests``' (a worker's schedule or ``perfdash digest --send``).
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update

from perfdash import auth, digests, store
from perfdash.digests.render import text_body
from perfdash.ingest.digests import SubscriptionError, subscribe
from perfdash.ui import components, context
from perfdash.ui.panels.digests import subscriptions_table

VERSION = "digest-version"
CHANNELS = [
    {"label": "Email", "value": "email"},
    {"label": "Slack (incoming webhook)", "value": "slack"},
]
PERIODS = [
    {"label": "Weekly (Monday to Sunday, sent on Monday)", "value": "week"},
    {"label": "Daily (yesterday)", "value": "day"},
]


def _whoami() -> tuple[dict | None, bool]:
    """The signed-in user's row (None when sign-in is off) and whether they are an admin."""
    user = auth.current_user()
    row = store.get_user(context.engine(), user["username"]) if user else None
    return row, auth.role_allows(auth.current_role(), "admin")


def _visible(me: dict | None, admin: bool) -> list[dict]:
    engine = context.engine()
    if admin:
        return store.list_digest_subscriptions(engine)
    return store.list_digest_subscriptions(engine, user_id=me["id"]) if me else []


def _options(rows: list[dict]) -> list[dict]:
    return [
        {
            "label": f"#{r['id']} {r['username']}: {r['period']} by {r['channel']}",
            "value": str(r["id"]),
        }
        for r in rows
    ]


def layout(query: dict[str, list[str]]) -> html.Div:
    me, admin = _whoami()
    users = store.list_users(context.engine()) if admin else []
    rows = _visible(me, admin)
    if me is None and not users:
        return html.Div(
            dbc.Alert(
                [
                    html.H5("Digests belong to users"),
                    html.P(
                        "Add a user first (Admin page, or perfdash user add NAME), then "
                        "subscribe them here or with perfdash digest subscribe.",
                        className="mb-0",
                    ),
                ],
                color="info",
                id="digest-no-users",
            )
        )
    whom = (
        [
            dbc.Label("For", html_for="digest-user"),
            dcc.Dropdown(
                id="digest-user",
                options=[{"label": u["username"], "value": u["username"]} for u in users],
                value=me["username"] if me else None,
                placeholder="Choose a user",
                clearable=False,
            ),
        ]
        if admin
        else [dcc.Dropdown(id="digest-user", options=[], value=None, style={"display": "none"})]
    )
    form = dbc.Card(
        dbc.CardBody(
            [
                html.H6("Subscribe"),
                *whom,
                dbc.Label("How", className="mt-2"),
                dbc.RadioItems(id="digest-channel", options=CHANNELS, value="email", inline=True),
                dbc.Label("Address or webhook URL", html_for="digest-target", className="mt-2"),
                dbc.Input(
                    id="digest-target",
                    maxLength=500,
                    autoComplete="off",
                    placeholder="name@label.example, or https://hooks.slack.com/services/…",
                ),
                dbc.FormFeedback(id="digest-target-error", type="invalid"),
                dbc.Label("How often", className="mt-2"),
                dbc.RadioItems(id="digest-period", options=PERIODS, value="week"),
                dbc.Button("Subscribe", id="digest-subscribe", color="primary", className="mt-2"),
            ]
        ),
        className="h-100",
    )
    end = dbc.Card(
        dbc.CardBody(
            [
                html.H6("Unsubscribe"),
                dcc.Dropdown(
                    id="digest-pick", options=_options(rows), placeholder="Choose a subscription"
                ),
                dbc.Button(
                    "Unsubscribe",
                    id="digest-unsubscribe",
                    color="danger",
                    outline=True,
                    size="sm",
                    className="mt-2",
                ),
                html.H6("Read it now", className="mt-4"),
                dbc.RadioItems(
                    id="digest-preview-period", options=PERIODS, value="week", className="small"
                ),
                dbc.Button("Show the digest", id="digest-preview", color="secondary", size="sm"),
            ]
        ),
        className="h-100",
    )
    return html.Div(
        [
            html.H4("Digests"),
            html.P(
                "The catalog's last whole week or day: KPIs with their change, top releases and "
                "risers, spikes, stale releases and a chart, sent once to each subscriber "
                "(by the worker's schedule, or perfdash digest --send).",
                className="text-muted small",
            ),
            html.Div(subscriptions_table(rows), id="digest-list"),
            dbc.Row([dbc.Col(form, md=6, className="mb-2"), dbc.Col(end, md=6, className="mb-2")]),
            html.Div(id="digest-result", className="mt-2"),
            dcc.Loading(html.Pre(id="digest-text", className="small mt-2"), type="dot"),
            dcc.Store(id=VERSION, data=0),
        ],
        id="digest-page",
    )


def _fail(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="danger", id="digest-failed")


def register(app: Dash) -> None:
    @app.callback(
        Output("digest-list", "children"),
        Output("digest-pick", "options"),
        Input(VERSION, "data"),
        prevent_initial_call=True,
    )
    def refresh(_version):
        me, admin = _whoami()
        rows = _visible(me, admin)
        return subscriptions_table(rows), _options(rows)

    @app.callback(
        Output("digest-result", "children"),
        Output("digest-target", "invalid"),
        Output("digest-target-error", "children"),
        Output(VERSION, "data"),
        Input("digest-subscribe", "n_clicks"),
        State("digest-user", "value"),
        State("digest-channel", "value"),
        State("digest-target", "value"),
        State("digest-period", "value"),
        State(VERSION, "data"),
        prevent_initial_call=True,
    )
    def add(n_clicks, username, channel, target, period, version):
        if not n_clicks:
            return no_update, no_update, no_update, no_update
        try:
            auth.require_role("viewer")
        except auth.PermissionDenied as exc:
            return components.denied(exc), False, "", no_update
        me, admin = _whoami()
        engine = context.engine()
        if admin and username:
            whom = store.get_user(engine, username)
        else:
            whom = me
        if whom is None:
            return (
                _fail("Choose a user to subscribe (sign-in is off: there is no you)."),
                False,
                "",
                no_update,
            )
        try:
            new_id = subscribe(engine, whom["id"], channel, target, period)
        except SubscriptionError as exc:
            if exc.field == "target":
                return no_update, True, exc.message, no_update
            return _fail(f"Nothing was subscribed: {exc.message}."), False, "", no_update
        except store.PerformanceDbError as exc:
            return _fail(f"Nothing was subscribed: {exc}."), False, "", no_update
        done = dbc.Alert(
            f"Subscribed {whom['username']} to the {'weekly' if period == 'week' else 'daily'} "
            f"digest by {channel} (#{new_id}).",
            color="success",
            id="digest-subscribed",
        )
        return done, False, "", (version or 0) + 1

    @app.callback(
        Output("digest-result", "children", allow_duplicate=True),
        Output(VERSION, "data", allow_duplicate=True),
        Output("digest-pick", "value"),
        Input("digest-unsubscribe", "n_clicks"),
        State("digest-pick", "value"),
        State(VERSION, "data"),
        prevent_initial_call=True,
    )
    def remove(n_clicks, picked, version):
        if not n_clicks:
            return no_update, no_update, no_update
        if not picked:
            return _fail("Choose a subscription first."), no_update, no_update
        if not str(picked).isdigit() or not 0 < int(picked) < 2**31:
            return _fail("There is no such subscription."), no_update, no_update
        me, admin = _whoami()
        if me is None and not admin:
            return _fail("Sign in to manage your digests."), no_update, no_update
        owner = None if admin else me["id"]
        if not store.remove_digest_subscription(context.engine(), int(picked), user_id=owner):
            return _fail("There is no such subscription of yours."), no_update, no_update
        done = dbc.Alert(f"Ended subscription #{picked}.", color="success", id="digest-ended")
        return done, (version or 0) + 1, None

    @app.callback(
        Output("digest-text", "children"),
        Input("digest-preview", "n_clicks"),
        State("digest-preview-period", "value"),
        prevent_initial_call=True,
    )
    def preview(n_clicks, period):
        if not n_clicks or period not in ("week", "day"):
            return no_update
        settings = context.settings()
        with store.transaction(context.read_engine()) as conn:
            found = digests.build_digest(
                conn,
                period,
                tz=settings.tz,
                spike_rule=settings.spike_rule,
                stale_rule=settings.stale_rule,
            )
        return text_body(found, settings.public_url)
