"""/launches: releases' first days side by side, day 0 at each one's launch, against the
catalog's median launch.

``metrics`` aligns the launches and takes the median, ``figures.insights`` draws them with each
release's notes on its own day since launch.  ``?release=1,2&metric=views`` chooses what a link
shows.
"""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html, no_update
from sqlalchemy import Connection

from perfdash import metrics, store
from perfdash.ui import components, context
from perfdash.ui.components import THEME_STORE
from perfdash.ui.figures import insights as figures
from perfdash.ui.panels import freshness

DEFAULT_HORIZON = 28
LISTED = 1000  # releases offered (the picker has no server-side search)
MAX_TAGGED = 20  # a tag's releases put in the picker at once


def layout(query: dict[str, list[str]]) -> html.Div:
    """The page; ``?release=1,2`` (or ``?tag=lofi``: that tag's releases) and ``?metric=``
    choose what it compares."""
    tag = (query.get("tag") or [None])[0]
    with store.transaction(context.read_engine()) as conn:
        options = components.release_options(conn, limit=LISTED)
        types = store.list_metric_types(conn)
        tags = store.list_tags(conn)
        tagged = store.tagged_release_ids(conn, tag) if tag else []
    known = {o["value"] for o in options}
    wanted = [int(v) for q in query.get("release", []) for v in q.split(",") if v.isdigit()]
    wanted = wanted or tagged[:MAX_TAGGED]
    selected = [v for v in wanted if v in known] or [o["value"] for o in options[:2]]
    metric = (query.get("metric") or [None])[0]
    if metric not in types:
        metric = next((t for t in ("views", "streams") if t in types), types[0] if types else None)
    return html.Div(
        [
            html.H4("Launches compared"),
            _controls(options, selected, types, metric),
            _tag_picker(tags, tag if tagged else None),
            dcc.Loading(dcc.Graph(id="launch-chart", config={"displaylogo": False})),
            html.Ul(id="launch-summary"),
            html.Div(id="launch-note", className="text-muted small"),
        ]
    )


def _controls(
    options: list[dict], selected: list[int], types: list[str], metric: str | None
) -> dbc.Row:
    releases = dcc.Dropdown(
        id="launch-releases",
        options=options,
        value=selected,
        multi=True,
        searchable=True,
        placeholder="Pick releases to compare",
    )
    metrics_picker = dcc.Dropdown(
        id="launch-metric",
        options=[{"label": t, "value": t} for t in types],
        value=metric,
        clearable=False,
    )
    horizon = dbc.RadioItems(
        id="launch-horizon",
        options=[{"label": f"{d} days", "value": d} for d in metrics.LAUNCH_HORIZONS],
        value=DEFAULT_HORIZON,
        inline=True,
    )
    mode = dbc.RadioItems(
        id="launch-mode",
        options=[{"label": "Totals", "value": "total"}, {"label": "Gains", "value": "gain"}],
        value="total",
        inline=True,
    )
    return dbc.Row(
        [
            dbc.Col([dbc.Label("Releases", html_for="launch-releases"), releases], md=6),
            dbc.Col([dbc.Label("Metric", html_for="launch-metric"), metrics_picker], md=2),
            dbc.Col([dbc.Label("First"), horizon], md=2),
            dbc.Col([dbc.Label("Show"), mode], md=2),
        ],
        className="g-3 mb-3",
    )


def _tag_picker(tags: list[dict], tag: str | None) -> dbc.Row:
    """A tag puts its releases (the first ``MAX_TAGGED``) in the picker above."""
    picker = dcc.Dropdown(
        id="launch-tag",
        options=[{"label": f"{t['tag']} ({t['releases']})", "value": t["tag"]} for t in tags],
        value=tag,
        placeholder="Compare a tag's releases" if tags else "No tags yet",
        disabled=not tags,
    )
    return dbc.Row(
        dbc.Col([dbc.Label("Tag", html_for="launch-tag"), picker], md=4), className="mb-3"
    )


def _names(launches: pd.DataFrame, release_ids: Sequence[int]) -> dict[int, str]:
    labels = {
        int(r.release_id): store.release_label(
            {"title": r.title, "artist_name": r.artist_name, "release_id": r.release_key}
        )
        for r in launches.itertuples()
    }
    return {rid: labels.get(rid, f"#{rid}") for rid in release_ids}


def _summary(aligned: pd.DataFrame, names: dict[int, str], horizon: int) -> list[html.Li]:
    """Each release against the catalog's median total a week (or the horizon) in."""
    totals_median = metrics.median_launch_curve(aligned, "total")
    day = min(7, horizon - 1)
    items = []
    for rid, name in names.items():
        comp = metrics.compare_to_median(aligned, totals_median, rid, day=day)
        text = comp.text() if comp else "no numbers in its first days"
        items.append(html.Li(f"{name}: {text}", className="launch-compare"))
    return items


def _note(aligned: pd.DataFrame, metric: str, horizon: int, fresh: str) -> str:
    released = len({r for r in aligned["release_id"].unique()}) if not aligned.empty else 0
    return (
        f"Day 0 is the approval date (or the first metric). The median is over the "
        f"{released} releases with {metric} in their first {horizon} days; at each day only "
        "releases that have reached it count; ▼ marks a release's notes on its day since "
        "launch. " + fresh
    )


def _read(conn: Connection, release_ids: list[int], metric: str, tz: str) -> tuple:
    """Launch days, the metric's daily series of the whole catalog, the chosen releases'
    names and notes, and the freshness line: everything the chart reads."""
    launches = store.launch_dates(conn)
    series = store.release_series(conn, None, metric_types=[metric], bucket="day", tz=tz)
    names = _names(launches, release_ids)
    notes = store.list_annotations(conn, list(names), include_catalog=False)
    return (
        metrics.launch_days(launches, tz),
        series,
        names,
        notes,
        freshness.chart_note(conn, release_ids, tz),
    )


def register(app: Dash) -> None:
    @app.callback(
        Output("launch-releases", "value"),
        Input("launch-tag", "value"),
        prevent_initial_call=True,
    )
    def tag_releases(tag):
        """The tag's releases (those the picker lists) become the ones compared."""
        if not tag:
            return no_update
        with store.transaction(context.read_engine()) as conn:
            ids = store.tagged_release_ids(conn, tag)
        return ids[:MAX_TAGGED] if ids else no_update

    @app.callback(
        Output("launch-chart", "figure"),
        Output("launch-summary", "children"),
        Output("launch-note", "children"),
        Input("launch-releases", "value"),
        Input("launch-metric", "value"),
        Input("launch-horizon", "value"),
        Input("launch-mode", "value"),
        Input(THEME_STORE, "data"),
    )
    def launch_chart(release_ids, metric, horizon, mode, template):
        template = template or "plotly_white"
        ids = components.chosen_ids(release_ids)
        if not ids or not metric:
            fig = go.Figure().update_layout(template=template, title="Pick releases to compare")
            return fig, [], ""
        horizon, mode, tz = int(horizon or DEFAULT_HORIZON), mode or "total", context.settings().tz
        with store.transaction(context.read_engine()) as conn:
            day0, series, names, notes, fresh = _read(conn, ids, metric, tz)
        combined = metrics.combine_platforms(metrics.totals_and_gains(series))
        aligned = metrics.align_launches(combined, day0, horizon)
        fig = figures.launch_figure(
            aligned,
            metrics.median_launch_curve(aligned, mode),
            names=names,
            value=mode,
            metric_type=metric,
            horizon=horizon,
            template=template,
        )
        fig = figures.add_launch_markers(fig, notes, day0=day0, names=names, tz=tz, horizon=horizon)
        return fig, _summary(aligned, names, horizon), _note(aligned, metric, horizon, fresh)
