"""Insights pages: /alerts (spike alerts, freshness, notes) and /launches (launch comparison),
plus the annotation panel and chart markers the dashboard embeds.

Callbacks stay thin: ``alerts.build_alerts`` finds alerts, ``metrics`` aligns launches and
judges freshness, ``insight_figures`` draws, ``annotations``/``store`` read and write notes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from perfdash import alerts, auth, metrics, store
from perfdash.annotations import add_annotation
from perfdash.config import ConfigError
from perfdash.ui import context
from perfdash.ui.figures import insights as insight_figures


@dataclass(frozen=True)
class Page:
    """What shell.TABS routes to: a layout function of the URL query."""

    layout: Callable[[dict[str, list[str]]], html.Div]


ALERT_WINDOWS = [(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "12 months")]
DEFAULT_ALERT_WINDOW = 180


# --------------------------------------------------------------------------- freshness


def freshness_note(release_ids: Sequence[int]) -> str:
    """One line for a chart: newest number, source, time zone, and whether any release is
    older than its own collection schedule allows."""
    engine, tz = context.engine(), context.settings().tz
    try:
        rule = alerts.stale_rule_from_env()
    except ConfigError as exc:
        return str(exc)
    ids = list(release_ids)
    frame = store.release_freshness(engine, ids)
    hours = alerts.release_stale_hours(engine, ids, rule)
    return metrics.combined_freshness(frame, hours, tz, fallback_hours=rule.fallback_hours).text()


def kpi_freshness(
    release_ids: Sequence[int], platforms: Sequence[str] | None = None
) -> dict[str, metrics.Freshness] | str:
    """Per metric type, how fresh a KPI card's numbers are (or the configuration error)."""
    engine, tz = context.engine(), context.settings().tz
    try:
        rule = alerts.stale_rule_from_env()
    except ConfigError as exc:
        return str(exc)
    ids = list(release_ids)
    frame = store.metric_freshness(engine, ids, platforms=platforms)
    hours = alerts.release_stale_hours(engine, ids, rule)
    return metrics.freshness_by_metric(frame, hours, tz, fallback_hours=rule.fallback_hours)


def catalog_freshness() -> html.Div:
    """The /alerts freshness list: every release judged against its own schedule."""
    engine = context.engine()
    tz = context.settings().tz
    try:
        rule = alerts.stale_rule_from_env()
    except ConfigError as exc:
        return dbc.Alert(str(exc), color="danger", id="freshness-summary")
    frame = store.release_freshness(engine)
    if frame.empty:
        return html.Div("No numbers recorded yet.", id="freshness-summary")
    hours = alerts.release_stale_hours(engine, None, rule)
    summary = metrics.combined_freshness(
        frame.sort_values("newest_at").tail(1), hours, tz, fallback_hours=rule.fallback_hours
    )
    labels = {r["id"]: store.release_label(r) for r in store.search_releases(engine, limit=1000)}
    stale = []
    for r in frame.itertuples():
        f = metrics.freshness(
            r.newest_at,
            r.source,
            tz,
            stale_after_hours=hours.get(int(r.release_id), rule.fallback_hours),
        )
        if f.stale:
            stale.append(
                html.Li(
                    f"{labels.get(r.release_id, r.release_id)}: {f.text()}",
                    className="freshness-stale",
                )
            )
    rule_text = (
        f"A release is stale when its newest number is older than {rule.factor:g}× its usual "
        f"interval between readings (at least {rule.floor_hours:g} hour); releases with fewer "
        f"than {rule.min_runs} readings: {rule.fallback_hours:g} hours (PERFDASH_STALE_HOURS)."
    )
    return html.Div(
        [
            html.P(f"Catalog: {summary.text()}"),
            html.P(
                f"{len(stale)} of {len(frame)} releases are stale."
                if stale
                else "Every release has a number as recent as its collection schedule."
            ),
            html.Ul(stale[:20], className="small text-muted") if stale else None,
            html.P(rule_text, className="small text-muted"),
        ],
        id="freshness-summary",
    )


# --------------------------------------------------------------------------- annotations


def annotation_panel() -> html.Div:
    """Add a note to the selected release (or the catalog) and list the notes; clicking a
    date on the time-series chart fills the date."""
    return html.Div(
        [
            dcc.Store(id="ann-version", data=0),
            html.H6("Notes", className="mt-2"),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Input(
                            id="ann-date",
                            placeholder="Date, e.g. 2026-03-01 (or click the chart)",
                            type="text",
                        ),
                        md=3,
                    ),
                    dbc.Col(
                        dbc.Input(
                            id="ann-text",
                            placeholder="What happened (playlist add, TikTok campaign…)",
                            maxlength=store.MAX_ANNOTATION_TEXT,
                            type="text",
                        ),
                        md=5,
                    ),
                    dbc.Col(
                        dbc.Checkbox(id="ann-catalog", label="Whole catalog", value=False),
                        md=2,
                        className="pt-2",
                    ),
                    dbc.Col(dbc.Button("Add note", id="ann-add", color="secondary"), md=2),
                ],
                className="g-2",
            ),
            html.Div(id="ann-result", className="small mt-1"),
            html.Ul(id="ann-list", className="small text-muted mt-2"),
        ],
        id="ann-panel",
    )


def _selected(release_value) -> list[int]:
    if release_value is None:
        return []
    if isinstance(release_value, int | str):
        release_value = [release_value]
    return [int(v) for v in release_value if str(v).isdigit()]


def mark_chart(fig: go.Figure, release_ids: Sequence[int], tz: str) -> go.Figure:
    """The dashboard's time series with its notes and approval dates as markers."""
    engine = context.engine()
    ids = list(release_ids)
    notes = store.list_annotations(engine, ids)
    launches = store.launch_dates(engine, ids) if ids else pd.DataFrame()
    approved = {
        store.release_label(
            {"title": r.title, "artist_name": r.artist_name, "release_id": r.release_key}
        ): r.approved_at
        for r in launches.itertuples()
    }
    return insight_figures.add_annotation_markers(fig, notes, tz=tz, approved=approved)


def notes_list(release_ids: Sequence[int], tz: str) -> list:
    rows = store.list_annotations(context.engine(), list(release_ids))
    items = []
    for r in rows[-30:]:
        local = insight_figures.local_time(r["at"], tz)
        who = r["release_key"] or "whole catalog"
        items.append(
            html.Li(
                [
                    f"{local:%Y-%m-%d} · {who} · {r['text']} ",
                    html.Button(
                        "×",
                        id={"type": "ann-delete", "index": r["id"]},
                        className="btn btn-link btn-sm p-0 text-danger",
                        title="Delete this note",
                        n_clicks=0,
                    ),
                ],
                className="ann-item",
            )
        )
    return items or [html.Li("No notes yet.", className="ann-none")]


# --------------------------------------------------------------------------- /alerts


def alerts_layout(query: dict[str, list[str]]) -> html.Div:
    try:
        rule = alerts.spike_rule_from_env()
    except ConfigError as exc:
        return dbc.Alert(str(exc), color="danger", id="alerts-config-error")
    window = (query.get("days") or [str(DEFAULT_ALERT_WINDOW)])[0]
    window = int(window) if window.isdigit() else DEFAULT_ALERT_WINDOW
    return html.Div(
        [
            html.H4("Spike alerts"),
            html.P(
                f"A day is a spike when a release's gain on one platform is more than "
                f"{rule.factor:g}× its median daily gain over the previous {rule.window_days} "
                f"days and more than {rule.min_gain:,.0f}; releases with fewer than "
                f"{rule.min_history} days of history are not judged. "
                "Configure with PERFDASH_SPIKE_* (see perfdash/alerts.py).",
                className="text-muted small",
            ),
            dbc.RadioItems(
                id="alerts-window",
                options=[{"label": label, "value": days} for days, label in ALERT_WINDOWS],
                value=window,
                inline=True,
                className="mb-2",
            ),
            dcc.Loading(html.Div(id="alerts-list"), type="default"),
            html.H5("Freshness", className="mt-4"),
            dcc.Loading(html.Div(id="alerts-freshness")),
        ]
    )


def alerts_table(found: list[alerts.Alert]) -> html.Div:
    if not found:
        return dbc.Alert("No spikes in this period.", color="success", id="alerts-none")
    rows = []
    for alert in found:
        rows.append(
            html.Tr(
                [
                    html.Td(f"{alert.day:%Y-%m-%d}"),
                    html.Td(alert.label),
                    html.Td(html.Ul([html.Li(i.text()) for i in alert.items], className="mb-0")),
                    html.Td(
                        dcc.Link(
                            "Open chart",
                            href=alert.path(),
                            className="alert-link",
                            id={"type": "alert-open", "index": alert.key},
                        )
                    ),
                ],
                className="alert-row",
            )
        )
    head = html.Thead(html.Tr([html.Th("Day"), html.Th("Release"), html.Th("Spike"), html.Th()]))
    return dbc.Table([head, html.Tbody(rows)], id="alerts-table", hover=True, size="sm")


# --------------------------------------------------------------------------- /launches


def _day0(launches: pd.DataFrame, tz: str) -> dict[int, pd.Timestamp]:
    """Launch day per release in ``tz``: the approval date, or the first metric when there is
    no approval date or it is later than the first metric (an adopted database stamps rows
    with the time they were copied)."""
    out = {}
    for r in launches.itertuples():
        at = r.approved_at
        if pd.isna(at) or (not pd.isna(r.first_at) and r.first_at < at):
            at = r.first_at
        if pd.isna(at):
            continue
        out[int(r.release_id)] = at.tz_convert(tz).tz_localize(None).normalize()
    return out


def launches_layout(query: dict[str, list[str]]) -> html.Div:
    engine = context.engine()
    releases = store.search_releases(engine, limit=1000)
    options = [{"label": store.release_label(r), "value": r["id"]} for r in releases]
    known = {o["value"] for o in options}
    wanted = [int(v) for q in query.get("release", []) for v in q.split(",") if v.isdigit()]
    selected = [v for v in wanted if v in known] or [o["value"] for o in options[:2]]
    types = store.list_metric_types(engine)
    metric = (query.get("metric") or [None])[0]
    if metric not in types:
        metric = next((t for t in ("views", "streams") if t in types), types[0] if types else None)
    return html.Div(
        [
            html.H4("Launches compared"),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label("Releases", html_for="launch-releases"),
                            dcc.Dropdown(
                                id="launch-releases",
                                options=options,
                                value=selected,
                                multi=True,
                                searchable=True,
                                placeholder="Pick releases to compare",
                            ),
                        ],
                        md=6,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Metric", html_for="launch-metric"),
                            dcc.Dropdown(
                                id="launch-metric",
                                options=[{"label": t, "value": t} for t in types],
                                value=metric,
                                clearable=False,
                            ),
                        ],
                        md=2,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("First"),
                            dbc.RadioItems(
                                id="launch-horizon",
                                options=[
                                    {"label": f"{d} days", "value": d}
                                    for d in metrics.LAUNCH_HORIZONS
                                ],
                                value=28,
                                inline=True,
                            ),
                        ],
                        md=2,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Show"),
                            dbc.RadioItems(
                                id="launch-mode",
                                options=[
                                    {"label": "Totals", "value": "total"},
                                    {"label": "Gains", "value": "gain"},
                                ],
                                value="total",
                                inline=True,
                            ),
                        ],
                        md=2,
                    ),
                ],
                className="g-3 mb-3",
            ),
            dcc.Loading(dcc.Graph(id="launch-chart", config={"displaylogo": False})),
            html.Ul(id="launch-summary"),
            html.Div(id="launch-note", className="text-muted small"),
        ]
    )


def launch_view(release_ids: Sequence[int], metric: str, horizon: int, mode: str, template: str):
    engine = context.engine()
    tz = context.settings().tz
    launches = store.launch_dates(engine)
    day0 = _day0(launches, tz)
    series = store.release_series(engine, None, metric_types=[metric], bucket="day", tz=tz)
    combined = metrics.combine_platforms(metrics.totals_and_gains(series))
    aligned = metrics.align_launches(combined, day0, horizon)
    curve = metrics.median_launch_curve(aligned, mode)
    totals_median = metrics.median_launch_curve(aligned, "total")
    labels = {
        int(r.release_id): store.release_label(
            {"title": r.title, "artist_name": r.artist_name, "release_id": r.release_key}
        )
        for r in launches.itertuples()
    }
    names = {rid: labels.get(rid, f"#{rid}") for rid in release_ids}
    fig = insight_figures.launch_figure(
        aligned,
        curve,
        names=names,
        value=mode,
        metric_type=metric,
        horizon=horizon,
        template=template,
    )
    notes = store.list_annotations(engine, list(names), include_catalog=False)
    fig = insight_figures.add_launch_markers(
        fig, notes, day0=day0, names=names, tz=tz, horizon=horizon
    )
    summary = []
    at = min(7, horizon - 1)
    for rid, name in names.items():
        comp = metrics.compare_to_median(aligned, totals_median, rid, day=at)
        text = comp.text() if comp else "no numbers in its first days"
        summary.append(html.Li(f"{name}: {text}", className="launch-compare"))
    released = len({r for r in aligned["release_id"].unique()}) if not aligned.empty else 0
    note = (
        f"Day 0 is the approval date (or the first metric). The median is over the "
        f"{released} releases with {metric} in their first {horizon} days; at each day only "
        "releases that have reached it count; ▼ marks a release's notes on its day since "
        "launch. " + freshness_note(list(release_ids))
    )
    return fig, summary, note


# --------------------------------------------------------------------------- callbacks

alerts_page = Page(alerts_layout)
launches_page = Page(launches_layout)


def register(app: Dash) -> None:
    @app.callback(
        Output("alerts-list", "children"),
        Output("alerts-freshness", "children"),
        Input("alerts-window", "value"),
    )
    def alerts_list(days):
        tz = context.settings().tz
        today = datetime.now(UTC).date()
        found = alerts.build_alerts(
            context.engine(),
            since=today - timedelta(days=int(days or DEFAULT_ALERT_WINDOW)),
            tz=tz,
            rule=alerts.spike_rule_from_env(),
        )
        return alerts_table(found), catalog_freshness()

    @app.callback(
        Output("launch-chart", "figure"),
        Output("launch-summary", "children"),
        Output("launch-note", "children"),
        Input("launch-releases", "value"),
        Input("launch-metric", "value"),
        Input("launch-horizon", "value"),
        Input("launch-mode", "value"),
        Input("theme-store", "data"),
    )
    def launch_chart(release_ids, metric, horizon, mode, template):
        template = template or "plotly_white"
        ids = _selected(release_ids)
        if not ids or not metric:
            fig = go.Figure().update_layout(template=template, title="Pick releases to compare")
            return fig, [], ""
        return launch_view(ids, metric, int(horizon or 28), mode or "total", template)

    @app.callback(
        Output("ann-result", "children"),
        Output("ann-version", "data"),
        Output("ann-text", "value"),
        Input("ann-add", "n_clicks"),
        State("dash-release", "value"),
        State("ann-date", "value"),
        State("ann-text", "value"),
        State("ann-catalog", "value"),
        State("ann-version", "data"),
        prevent_initial_call=True,
    )
    def add_note(_clicks, release_value, when, text, catalog, version):
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return dbc.Alert(str(exc), color="danger", className="py-1"), no_update, no_update
        ids = _selected(release_value)
        if not catalog and not ids:
            return (
                dbc.Alert(
                    "Pick a release or tick Whole catalog", color="warning", className="py-1"
                ),
                no_update,
                no_update,
            )
        release = None if catalog else ids[0]
        new_id, errors = add_annotation(
            context.engine(),
            release,
            when,
            text,
            tz=context.settings().tz,
            created_by="dashboard",
        )
        if errors:
            message = "Nothing was saved: " + "; ".join(f"{k}: {v}" for k, v in errors.items())
            return dbc.Alert(message, color="danger", className="py-1"), no_update, no_update
        return f"Note #{new_id} added.", (version or 0) + 1, ""

    @app.callback(
        Output("ann-list", "children"),
        Input("dash-release", "value"),
        Input("ann-version", "data"),
    )
    def list_notes(release_value, _version):
        return notes_list(_selected(release_value), context.settings().tz)

    @app.callback(
        Output("ann-version", "data", allow_duplicate=True),
        Input({"type": "ann-delete", "index": ALL}, "n_clicks"),
        State("ann-version", "data"),
        prevent_initial_call=True,
    )
    def delete_note(clicks, version):
        trigger = ctx.triggered_id
        if not trigger or not any(clicks or []):
            return no_update
        try:
            auth.require_role("editor")
        except auth.PermissionDenied:
            return no_update
        store.delete_annotation(context.engine(), trigger["index"])
        return (version or 0) + 1

    @app.callback(
        Output("ann-date", "value"),
        Input("dash-series", "clickData"),
        prevent_initial_call=True,
    )
    def date_from_click(click):
        points = (click or {}).get("points") or []
        if not points or "x" not in points[0]:
            return no_update
        return str(points[0]["x"])[:10]
