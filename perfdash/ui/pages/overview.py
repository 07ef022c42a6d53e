"""/ (and /overview): the whole catalog at a glance, the page a label manager opens first.

A KPI strip per metric with its change, the catalog's gain per day by platform, the top releases
and the risers of the period, where the catalog is heard (a world map and the top countries of
its per-country streams), the week's spike alerts and the stale releases; every release
named is a link to its own view on the dashboard.  With a tag chosen, the tag's goals with their
progress (``panels.goals.tag_goals``) and, for editors, a share link of the tag's overview
(``panels.share``).  The numbers come from ``perfdash.readout``, the dashboard's and the API's
read path.

A share link of a tag (``perfdash.shares``) shows this page with its tag and period fixed: the
tag's numbers, chart, lists and goals, not the catalog's alerts and freshness, and the releases
named without links to pages the link does not open.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, State, clientside_callback, dcc, html, no_update

from perfdash import alerts, metrics, readout, store
from perfdash.ui import components, context
from perfdash.ui.components import THEME_STORE
from perfdash.ui.figures import charts
from perfdash.ui.panels import freshness, goals, places, share
from perfdash.web import shares

PERIODS = [("7d", "7 days"), ("28d", "28 days"), ("90d", "90 days")]
DEFAULT_PERIOD = "28d"
OVERVIEW_PATH = "/overview"
TOP = 5
ALERT_DAYS = 7


def layout(query: dict[str, list[str]], link: dict | None = None) -> html.Div:
    """The overview for a URL query (``?period=28d&platform=youtube&tag=lofi``); what the URL
    asks for that cannot be shown is said at the top, not dropped without a word.  ``link``: a
    share link's tag, its tag and period fixed, the catalog's alerts and freshness left out."""
    asked = (query.get("period") or [DEFAULT_PERIOD])[0]
    period = asked if asked in dict(PERIODS) else DEFAULT_PERIOD
    with store.transaction(context.read_engine()) as conn:
        keys = store.list_platform_keys(conn)
        tags = store.list_tags(conn)
    if link is not None:
        tags = [t for t in tags if [t["tag"]] == query.get("tag")]
    wanted = [p.strip().lower() for p in query.get("platform", []) if p.strip()]
    problems = [] if asked == period else [f"period {asked!r} is not one of 7d, 28d, 90d"]
    problems += [f"platform {p!r} has no readings" for p in wanted if p not in keys]
    asked_tag = (query.get("tag") or [None])[0]
    tag = asked_tag if asked_tag in {t["tag"] for t in tags} else None
    problems += [f"tag {asked_tag!r} is on no release"] if asked_tag and not tag else []
    shown = [p for p in dict.fromkeys(wanted) if p in keys]
    fixed = link is not None
    return html.Div(
        [
            _problems(problems),
            _share(overview_query(period, shown, tag) if tag else None, link),
            html.Div(
                [
                    html.H4(
                        f"Tag {tag}" if fixed else "Catalog overview", className="d-inline me-3"
                    ),
                    dbc.RadioItems(
                        id="ov-period",
                        options=[
                            {"label": label, "value": v, "disabled": fixed} for v, label in PERIODS
                        ],
                        value=period,
                        inline=True,
                        className="d-inline-block",
                    ),
                ],
                className="mb-2",
            ),
            dbc.Row(
                dbc.Col(
                    [
                        dbc.Label("Platforms (all when empty)", html_for="ov-platform"),
                        dcc.Dropdown(
                            id="ov-platform",
                            options=[
                                {"label": metrics.platform_label(k), "value": k} for k in keys
                            ],
                            value=shown,
                            multi=True,
                            placeholder="All platforms",
                            clearable=True,
                        ),
                    ],
                    md=6,
                    lg=4,
                ),
                className="mb-2 ov-platform-filter",
            ),
            html.Div(
                dcc.Dropdown(
                    id="ov-tag",
                    options=[
                        {"label": f"{t['tag']} ({t['releases']})", "value": t["tag"]} for t in tags
                    ],
                    value=tag,
                    placeholder="Every release (or pick a tag)" if tags else "No tags yet",
                    disabled=not tags or fixed,
                    clearable=not fixed,
                ),
                className="mb-2 ov-tag-filter",
                title="Only the releases with this tag",
            ),
            html.Div(id="ov-when", className="text-muted small mb-2"),
            dcc.Loading(html.Div(id="ov-kpis", className="mb-3"), type="dot"),
            html.Div(id="ov-goals"),
            dcc.Loading(dcc.Graph(id="ov-chart", config={"displaylogo": False}), type="default"),
            dbc.Row(
                [
                    dbc.Col([html.H5("Top releases"), html.Div(id="ov-top")], md=6),
                    dbc.Col([html.H5("Rising"), html.Div(id="ov-risers")], md=6),
                ],
                className="mb-3",
            ),
            places.panel(
                "ov-places", "Where the tag is heard" if fixed else "Where the catalog is heard"
            ),
            None if fixed else _attention(),
            dcc.Store(id="ov-query"),
            dcc.Store(id=components.page_view("overview")),
            html.Div(id="ov-url-sync", hidden=True),
        ]
    )


def _attention() -> dbc.Row:
    """The catalog's alerts and stale releases (every release: never on a tag's link)."""
    return dbc.Row(
        [
            dbc.Col(
                [
                    html.H5(f"Alerts, last {ALERT_DAYS} days, every platform"),
                    html.Div(id="ov-alerts"),
                ]
            ),
            dbc.Col([html.H5("Freshness"), html.Div(id="ov-stale")]),
        ]
    )


def _share(query: str | None, link: dict | None) -> html.Div | None:
    """Share this tag's overview (editors, once a tag is chosen; a link's visitor makes none)."""
    if link is not None:
        return None
    return share.panel("overview", OVERVIEW_PATH + query if query else None, "this tag's releases")


def _problems(problems: list[str]) -> dbc.Alert | None:
    if not problems:
        return None
    return dbc.Alert(
        [
            html.Strong("This link asks for something that cannot be shown: "),
            html.Ul([html.Li(p) for p in problems], className="mb-0"),
        ],
        color="warning",
        id="ov-url-problems",
        dismissable=True,
    )


def overview_query(preset: str | None, platforms: list[str] | None, tag: str | None = None) -> str:
    """The overview's view as its URL's query string."""
    pairs = [("period", preset or DEFAULT_PERIOD)] + [("platform", p) for p in platforms or []]
    return "?" + urlencode(pairs + ([("tag", tag)] if tag else []))


def _release_href(release_id: int, period: str, platforms: list[str] | None = None) -> str:
    """The release's own view on the dashboard, for the same period and platforms."""
    pairs = [("release", release_id), ("period", period)]
    return "/dashboard?" + urlencode(pairs + [("platform", p) for p in platforms or []])


def kpi_strip(kpis: list[metrics.Kpi], has_previous: bool) -> html.Div | dbc.Alert:
    """One small card per metric: the catalog's gain (a score's mean level) and its change."""
    if not kpis:
        return dbc.Alert("No numbers in this period yet.", color="secondary", id="ov-empty")
    cards = []
    for kpi in metrics.order_kpis(kpis):
        main = metrics.format_level(kpi.total) if kpi.kind == "score" else metrics.gain_text(kpi)
        word = {"counter": "gained", "audience": "net change"}.get(kpi.kind, "mean level")
        judged = (
            kpi.metric_kind.better(kpi.change)
            if kpi.kind == "score"
            else (None if kpi.change is None else kpi.change >= 0)
        )
        colour = {True: "text-success", False: "text-danger"}.get(judged, "text-muted")
        change = metrics.change_text(kpi) if has_previous else ""
        body = [
            html.Div(metrics.kpi_label(kpi), className="small text-uppercase text-muted"),
            html.Div(main, className="ov-kpi-main fw-bold"),
            html.Div(word, className="small text-muted"),
            html.Div(change, className=f"ov-kpi-change small {colour}"),
        ]
        cards.append(
            html.Div(
                dbc.Card(dbc.CardBody(body), className="h-100"),
                className="ov-kpi",
                **{"data-metric": kpi.metric_type},
            )
        )
    return components.kpi_grid(cards)


def release_list(
    board: pd.DataFrame,
    period: str,
    column: str,
    kind: metrics.MetricKind,
    css: str,
    suffix: str = "",
    platforms: list[str] | None = None,
) -> html.Div | html.Ol:
    """Ranked releases, each a link to its own view."""
    if board.empty:
        return html.Div("Nothing in this period.", className="text-muted small")
    items = []
    for r in board.itertuples():
        name = store.release_label(
            {"title": r.title, "release_id": r.release_key, "artist_name": r.artist_name}
        )
        value = getattr(r, column)
        shown = metrics.format_level(value) if kind.is_score else metrics.format_gain(value)
        items.append(
            html.Li(
                [
                    html.Span(name, className="ov-name")
                    if shares.current() is not None  # a link opens no release's own view
                    else dcc.Link(
                        name,
                        href=_release_href(int(r.release_id), period, platforms),
                        className="ov-link",
                    ),
                    html.Span(f" {shown} {kind.metric_type}{suffix}", className="text-muted small"),
                ],
                className=css,
                **{"data-release": str(int(r.release_id))},
            )
        )
    return html.Ol(items, className="mb-0")


def alert_list(found: list[alerts.Alert], period: str) -> html.Div:
    if not found:
        return html.Div("No spikes.", className="text-muted small", id="ov-no-alerts")
    return html.Ul(
        [
            html.Li(
                [
                    f"{a.day:%Y-%m-%d} ",
                    dcc.Link(a.label, href=a.path(), className="ov-alert-link"),
                    html.Span(f": {a.items[0].text()}", className="small text-muted"),
                ],
                className="ov-alert",
            )
            for a in found[:TOP]
        ]
    )


def register(app: Dash) -> None:
    places.register(app, "ov-places")

    @app.callback(
        Output("ov-query", "data"),
        Input("ov-period", "value"),
        Input("ov-platform", "value"),
        Input("ov-tag", "value"),
        State("ov-query", "data"),
    )
    def query(preset, platforms, tag, current):
        shown = overview_query(preset, platforms, tag)
        return no_update if shown == current else shown

    share.follow(app, "overview", "ov-query", OVERVIEW_PATH, needs="tag")
    clientside_callback(
        components.SYNC_URL,
        Output(components.page_view("overview"), "data"),
        Output("url", "search"),
        Output("url", "href"),
        Output("ov-url-sync", "children"),
        Input("ov-query", "data"),
        State("ov-url-sync", "children"),
    )

    @app.callback(
        Output("ov-when", "children"),
        Output("ov-kpis", "children"),
        Output("ov-chart", "figure"),
        Output("ov-top", "children"),
        Output("ov-risers", "children"),
        Output("ov-places-map-figure", "data"),
        Output("ov-places-table", "children"),
        Input("ov-period", "value"),
        Input("ov-platform", "value"),
        Input("ov-tag", "value"),
        Input(THEME_STORE, "data"),
    )
    def overview(preset, platforms, tag, template):
        tz = context.settings().tz
        template = template or "plotly_white"
        preset = preset or DEFAULT_PERIOD
        platforms = list(platforms or [])
        period = metrics.period_for(preset, tz)
        previous = period.previous(tz)
        with store.transaction(context.read_engine()) as conn:
            ids = readout.tagged(conn, tag or None)
            numbers = readout.summary(conn, ids, platforms, period, previous)
            metric = _headline([k.metric_type for k in numbers.kpis])
            kind = metrics.metric_kind(metric or "", numbers.overrides)
            line = (
                readout.catalog_line(conn, metric, period, "day", tz, platforms, release_ids=ids)
                if metric and not kind.is_score
                else None
            )
            board, _ = (
                readout.leaderboard(
                    conn, kind, period, previous, platforms, limit=TOP, release_ids=ids
                )
                if metric
                else (pd.DataFrame(), {})
            )
            rising = readout.risers(conn, kind, period, previous, platforms, TOP, release_ids=ids)
            heard = "streams" if "streams" in {k.metric_type for k in numbers.kpis} else metric
            where_map = places.draw(
                conn,
                ids,
                heard or "streams",
                platforms,
                period,
                currency=None,
                chosen=None,
                template=template,
                prefix="ov-places",
            )
            scope = store.scope_of(conn)  # an account limited to artists: its catalog is theirs
        where = ", ".join(metrics.platform_label(p) for p in platforms) or "every platform"
        catalog = "Catalog" if scope is None else ", ".join(sorted(scope))
        whole = (
            ("Whole catalog" if scope is None else f"{catalog}'s releases")
            if ids is None
            else f"Tag {tag} ({len(ids)} releases)"
        )
        subject = catalog if ids is None else f"Tag {tag}"
        when = f"{whole} on {where}, {_describe(period, tz)}, compared with the period before."
        if line is None or line.empty:
            chart = charts.empty_figure("No numbers in this period yet", template)
        else:
            chart = charts.time_series(
                line,
                mode="gain",
                release_names={0: "Catalog"},
                tz=tz,
                template=template,
                title=f"{subject}: {charts.axis_title(kind, 'gain', 'day')}, by platform",
                kind=kind,
            )
        column = "total" if kind.is_score else "gain"
        return (
            when,
            kpi_strip(numbers.kpis, previous is not None),
            chart,
            release_list(board, preset, column, kind, "ov-top-item", platforms=platforms),
            release_list(
                rising,
                preset,
                "rise",
                kind,
                "ov-riser",
                " more than the period before",
                platforms=platforms,
            ),
            *where_map,
        )

    @app.callback(Output("ov-goals", "children"), Input("ov-tag", "value"))
    def tag_goals(tag):
        tz = context.settings().tz
        with store.transaction(context.read_engine()) as conn:
            return goals.tag_goals(conn, tag or None, tz)

    @app.callback(
        Output("ov-alerts", "children"),
        Output("ov-stale", "children"),
        Input("ov-period", "value"),
    )
    def attention(preset):
        tz = context.settings().tz
        since = datetime.now(UTC).date() - timedelta(days=ALERT_DAYS)
        with store.transaction(context.read_engine()) as conn:
            found = alerts.build_alerts(
                conn, since=since, tz=tz, rule=context.settings().spike_rule
            )
            stale = freshness.catalog(conn, tz)
        return alert_list(found, preset), stale


def _headline(types: list[str]) -> str | None:
    preferred = [t for t in ("views", "streams") if t in types]
    return preferred[0] if preferred else (types[0] if types else None)


def _describe(period: metrics.Period, tz: str) -> str:
    first = period.start.astimezone(ZoneInfo(tz)).date().isoformat() if period.start else "start"
    last = period.end.astimezone(ZoneInfo(tz))
    return (
        f"{first} to {last:%Y-%m-%d %H:%M} (now)" if period.cut else f"{first} to {last:%Y-%m-%d}"
    )
