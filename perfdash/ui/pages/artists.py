"""/artists: one artist's releases together, and every artist ranked.

``?artist=NAME&period=28d&metric=views`` is the view (in the URL as it changes, so Back undoes
a change and a link shows the same).  The numbers come from ``perfdash.readout`` (``artist``,
``artist_board``), the API's read path for ``/api/v1/artists``: each metric reads as its kind
says (counters and audiences add up over the releases, a score is the mean level, never a
sum), each release has its share of a counter's gain, and the artist's launches are drawn
against each other, day 0 at each one's launch.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, State, clientside_callback, dcc, html, no_update

from perfdash import metrics, readout, store
from perfdash.ui import components, context
from perfdash.ui.components import SYNC_URL, THEME_STORE, page_view
from perfdash.ui.figures import charts
from perfdash.ui.figures import insights as figures
from perfdash.ui.panels import goals, share
from perfdash.web import shares

PERIODS = [("7d", "7 days"), ("28d", "28 days"), ("90d", "90 days"), ("12m", "12 months")]
DEFAULT_PERIOD = "28d"
LAUNCH_DAYS = 28
ARTIST_PATH = "/artists"


def _one(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key) or [None]
    return values[0]


def to_query(artist: str | None, period: str | None, metric: str | None) -> str:
    """The page's view as a query string (what the URL and a saved link carry)."""
    pairs = [("artist", artist), ("period", period), ("metric", metric)]
    return "?" + urlencode([(k, v) for k, v in pairs if v])


def layout(query: dict[str, list[str]], link: dict | None = None) -> html.Div:
    """The page for a URL query; ``link``: a share link's artist page (``perfdash.shares``),
    its artist and period fixed, the other artists neither offered nor ranked."""
    with store.transaction(context.read_engine()) as conn:
        listed = store.list_artists(conn)
        types = store.list_metric_types(conn)
    if link is not None:
        listed = [a for a in listed if [a["artist_name"]] == query.get("artist")]
    names = [a["artist_name"] for a in listed]
    artist = _one(query, "artist")
    artist = artist if artist in names else None
    period = _one(query, "period")
    period = period if period in dict(PERIODS) else DEFAULT_PERIOD
    metric = _one(query, "metric")
    metric = metric if metric in types else _headline(types)
    picker = dcc.Dropdown(
        id="art-artist",
        options=[
            {"label": f"{a['artist_name']} ({a['releases']})", "value": a["artist_name"]}
            for a in listed
        ],
        value=artist,
        placeholder="Pick an artist" if names else "No artists yet",
        searchable=link is None,
        disabled=link is not None,
        clearable=link is None,
    )
    controls = dbc.Row(
        [
            dbc.Col([dbc.Label("Artist", html_for="art-artist"), picker], md=5),
            dbc.Col(
                [
                    dbc.Label("Metric", html_for="art-metric"),
                    dcc.Dropdown(
                        id="art-metric",
                        options=[{"label": t, "value": t} for t in types],
                        value=metric,
                        clearable=False,
                    ),
                ],
                md=3,
            ),
            dbc.Col(
                [
                    dbc.Label("Period"),
                    dbc.RadioItems(
                        id="art-period",
                        options=[
                            {"label": label, "value": v, "disabled": link is not None}
                            for v, label in PERIODS
                        ],
                        value=period,
                        inline=True,
                    ),
                ],
                md=4,
            ),
        ],
        className="g-3 mb-3",
    )
    return html.Div(
        [
            dcc.Store(id="art-query", data=to_query(artist, period, metric)),
            dcc.Store(id=page_view("artists")),
            html.Div(id="art-url-sync", hidden=True),
            _share(to_query(artist, period, metric) if artist else None, link),
            html.H4("Artists"),
            controls,
            html.Div(id="art-when", className="text-muted small mb-2"),
            dcc.Loading(html.Div(id="art-view"), type="dot"),
            html.H5("Artists ranked", className="mt-3", hidden=link is not None),
            dcc.Loading(html.Div(id="art-board", hidden=link is not None), type="dot"),
        ]
    )


def _share(query: str | None, link: dict | None) -> html.Div | None:
    """Share this artist (editors; a share link's visitor makes no link)."""
    if link is not None:
        return None
    view = ARTIST_PATH + query if query else None
    return share.panel("artists", view, "this artist's releases")


def _headline(types: list[str]) -> str | None:
    preferred = [t for t in ("views", "streams") if t in types]
    return preferred[0] if preferred else (types[0] if types else None)


def _artist_href(name: str, period: str, metric: str | None) -> str:
    return "/artists" + to_query(name, period, metric)


def _release_href(ids: list[int], period: str, metric: str | None) -> str:
    pairs = [("release", i) for i in ids] + [("period", period)]
    return "/dashboard?" + urlencode(pairs + ([("metric", metric)] if metric else []))


def _shown(value, kind: metrics.MetricKind) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "–"
    return metrics.format_level(value) if kind.is_score else metrics.format_gain(value)


def board_table(board: pd.DataFrame, kind: metrics.MetricKind, period: str) -> html.Div:
    """Artists ranked: a counter's or an audience's gain over their releases, a score's mean
    level; each name opens that artist."""
    if board.empty:
        return html.Div(
            f"No artist has {kind.metric_type} in this period. Give releases an artist name "
            "(Data entry, a CSV artist_name column) and record their numbers.",
            className="text-muted small",
            id="art-board-empty",
        )
    head = "Mean level" if kind.is_score else kind.gain_word.capitalize()
    rows = [
        html.Tr(
            [
                html.Td(str(i + 1)),
                html.Td(
                    dcc.Link(
                        r.artist_name,
                        href=_artist_href(r.artist_name, period, kind.metric_type),
                        className="art-board-link",
                    )
                ),
                html.Td(str(int(r.releases)), className="text-end"),
                html.Td(
                    _shown(r.total if kind.is_score else r.gain, kind),
                    className="text-end art-board-value",
                ),
            ],
            className="art-board-row",
            **{"data-artist": r.artist_name},
        )
        for i, r in enumerate(board.itertuples())
    ]
    header = html.Thead(
        html.Tr(
            [
                html.Th("#"),
                html.Th("Artist"),
                html.Th("Releases", className="text-end"),
                html.Th(f"{head} ({kind.label()})", className="text-end"),
            ]
        )
    )
    return dbc.Table([header, html.Tbody(rows)], size="sm", hover=True, responsive=True)


def release_table(found: readout.Artist, kind: metrics.MetricKind, period: str) -> dbc.Table:
    """The artist's releases with the metric's gain (a score's level), share and total."""
    shares = {int(r.release_id): r for r in found.shares(kind.metric_type).itertuples()}
    rows = []
    for release in found.releases:
        row = shares.get(int(release["id"]))
        gain = None if row is None else (row.total if kind.is_score else row.gain)
        share = None if row is None or pd.isna(row.share) else row.share
        total = None if row is None or kind.is_score else row.total
        when = release["approved_at"]
        rows.append(
            html.Tr(
                [
                    html.Td(
                        dcc.Link(
                            store.release_label(release),
                            href=_release_href([int(release["id"])], period, kind.metric_type),
                        )
                    ),
                    html.Td(f"{when:%Y-%m-%d}" if when else "–", className="text-nowrap"),
                    html.Td(_shown(gain, kind), className="text-end art-rel-gain"),
                    html.Td("–" if share is None else f"{share:.0%}", className="text-end"),
                    html.Td(metrics.format_number(total), className="text-end"),
                ],
                className="art-release",
                **{"data-release": str(release["id"])},
            )
        )
    what = "Level" if kind.is_score else kind.gain_word.capitalize()
    header = html.Thead(
        html.Tr(
            [
                html.Th("Release"),
                html.Th("Approved"),
                html.Th(f"{what} ({kind.label()})", className="text-end"),
                html.Th("Share", className="text-end"),
                html.Th("Total", className="text-end"),
            ]
        )
    )
    return dbc.Table([header, html.Tbody(rows)], size="sm", hover=True, responsive=True)


def _launch_chart(conn, ids: list[int], names: dict, metric: str, tz: str, template: str):
    """The artist's launches against each other: day 0 at each one's launch, the artist's
    own median dashed."""
    launches = store.launch_dates(conn, ids)
    series = store.release_series(conn, ids, metric_types=[metric], bucket="day", tz=tz)
    combined = metrics.combine_platforms(metrics.totals_and_gains(series))
    aligned = metrics.align_launches(combined, metrics.launch_days(launches, tz), LAUNCH_DAYS)
    if aligned.empty:
        return charts.empty_figure(f"No {metric} in these releases' first days", template)
    fig = figures.launch_figure(
        aligned,
        metrics.median_launch_curve(aligned, "total"),
        names=names,
        metric_type=metric,
        horizon=LAUNCH_DAYS,
        template=template,
    )
    return fig.update_layout(title=f"First {LAUNCH_DAYS} days of each release: {metric} total")


def _empty(listed: bool) -> dbc.Alert:
    if listed:
        return dbc.Alert("Pick an artist to see its releases together.", color="secondary")
    return dbc.Alert(
        "No release has an artist name yet: add one in Data entry (or a CSV artist_name "
        "column), or load the demo catalog with `perfdash demo`.",
        color="secondary",
        id="art-empty",
    )


def register(app: Dash) -> None:
    @app.callback(
        Output("art-query", "data"),
        Input("art-artist", "value"),
        Input("art-period", "value"),
        Input("art-metric", "value"),
        State("art-query", "data"),
    )
    def query_string(artist, period, metric, current):
        query = to_query(artist, period or DEFAULT_PERIOD, metric)
        return no_update if query == current else query

    share.follow(app, "artists", "art-query", ARTIST_PATH, needs="artist")
    clientside_callback(
        SYNC_URL,
        Output(page_view("artists"), "data"),
        Output("url", "search"),
        Output("url", "href"),
        Output("art-url-sync", "children"),
        Input("art-query", "data"),
        State("art-url-sync", "children"),
    )

    @app.callback(
        Output("art-when", "children"),
        Output("art-view", "children"),
        Output("art-board", "children"),
        Input("art-query", "data"),
        Input(THEME_STORE, "data"),
    )
    def artist_view(query, template):
        parsed = parse_qs((query or "").lstrip("?"))
        artist, metric = _one(parsed, "artist"), _one(parsed, "metric")
        preset = _one(parsed, "period") or DEFAULT_PERIOD
        preset = preset if preset in dict(PERIODS) else DEFAULT_PERIOD
        tz, template = context.settings().tz, template or "plotly_white"
        period = metrics.period_for(preset, tz)
        previous = period.previous(tz)
        with store.transaction(context.read_engine()) as conn:
            kind = metrics.metric_kind(metric or "", readout.kinds(conn))
            ranked = metric and shares.current() is None
            board = readout.artist_board(conn, kind, period, previous) if ranked else pd.DataFrame()
            found = readout.artist(conn, artist, [], period, previous) if artist else None
            listed = bool(store.list_artists(conn)) if found is None else True
            view = _empty(listed) if found is None else _artist_block(conn, found, kind, preset)
            if found is not None and metric:
                names = {int(r["id"]): store.release_label(r) for r in found.releases}
                chart = _launch_chart(conn, found.release_ids, names, metric, tz, template)
                share = _share_chart(found, kind, names, template)
                view = [view, _charts(share, chart)]
        when = f"{dict(PERIODS)[preset]} to now, compared with the {dict(PERIODS)[preset]} before."
        shown = board_table(board, kind, preset) if metric else _empty(listed)
        if shares.current() is not None:  # a share link shows its artist, not the others
            shown = None
        return when, view, shown


def _share_chart(found: readout.Artist, kind: metrics.MetricKind, names: dict, template: str):
    if kind.kind != "counter":
        word = "a score" if kind.is_score else "an audience (a net change)"
        return charts.empty_figure(f"{kind.metric_type} is {word}: it has no share", template)
    split = found.summary.breakdown_by_release(kind.metric_type)
    return charts.release_share(split, names, kind=kind, template=template)


def _charts(share, launch) -> dbc.Row:
    graph = {"config": {"displaylogo": False, "responsive": True}}
    return dbc.Row(
        [
            dbc.Col(dcc.Graph(id="art-share", figure=share, **graph), md=5),
            dbc.Col(dcc.Graph(id="art-launches", figure=launch, **graph), md=7),
        ],
        className="mb-2",
    )


def _artist_block(conn, found: readout.Artist, kind: metrics.MetricKind, preset: str):
    """The artist's KPI cards (its releases' numbers together, each kind as it reads) and its
    releases table."""
    kpis = metrics.order_kpis(found.summary.kpis, kind.metric_type)
    cards = [_kpi_card(k) for k in kpis]
    ids = found.release_ids
    return html.Div(
        [
            html.H5(
                [
                    found.name,
                    html.Small(
                        f" · {len(ids)} release{'s' if len(ids) != 1 else ''}",
                        className="text-muted",
                    ),
                ],
                id="art-name",
            ),
            components.kpi_grid(cards)
            if cards
            else dbc.Alert("No numbers for these releases in this period.", color="secondary"),
            dcc.Link(
                "Open these releases on the dashboard",
                href=_release_href(ids[:20], preset, kind.metric_type),
                className="small d-inline-block my-2",
                id="art-dashboard-link",
            ),
            release_table(found, kind, preset),
            goals.artist_goals(conn, found.name, context.settings().tz),
        ]
    )


def _kpi_card(kpi: metrics.Kpi) -> html.Div:
    main = metrics.format_level(kpi.total) if kpi.kind == "score" else metrics.gain_text(kpi)
    word = {"counter": "gained", "audience": "net change"}.get(kpi.kind, "mean level")
    body = [
        html.Div(metrics.kpi_label(kpi), className="small text-uppercase text-muted"),
        html.Div(main, className="art-kpi-main fs-4 fw-bold"),
        html.Div(word, className="small text-muted"),
        html.Div(metrics.change_text(kpi), className="small text-muted"),
    ]
    return html.Div(
        dbc.Card(dbc.CardBody(body), className="h-100"),
        className="art-kpi",
        **{"data-metric": kpi.metric_type},
    )
