"""/what-works: which words and phrases of the prompts, and which generation attributes, go with
launches above or below the catalog's median, each with its releases, effect and interval.

The numbers come from ``readout.what_works`` (the API's ``/insights/prompts`` path); the page
states plainly that this is association, not cause, shows nothing for a term on fewer than
``metrics.PROMPT_MIN_RELEASES`` releases, and exports the table it shows as CSV.
``?metric=&day=`` choose what a link shows.
"""

from __future__ import annotations

from datetime import UTC, datetime

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html

from perfdash import metrics, readout, store, what_works
from perfdash.csvio.export import rows_csv
from perfdash.ui import context

DAYS = ("7", "28")
COLUMNS = ["term", "n", "effect", "ci_low", "ci_high", "above", "also"]


def _metric_choice(types: list[str], wanted: str | None) -> str | None:
    if wanted in types:
        return wanted
    return next((t for t in ("views", "streams") if t in types), types[0] if types else None)


def layout(query: dict[str, list[str]]) -> html.Div:
    """The page; ``?metric=`` and ``?day=7|28`` choose what it compares."""
    with store.transaction(context.read_engine()) as conn:
        overrides = readout.kinds(conn)
        types = [
            t
            for t in store.list_metric_types(conn)
            if not metrics.metric_kind(t, overrides).is_score
        ]
    metric = _metric_choice(types, (query.get("metric") or [None])[0])
    day = (query.get("day") or ["7"])[0]
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label("Metric", html_for="ww-metric"),
                    dcc.Dropdown(
                        id="ww-metric",
                        options=[{"label": t, "value": t} for t in types],
                        value=metric,
                        clearable=False,
                    ),
                ],
                md=3,
            ),
            dbc.Col(
                [
                    dbc.Label("Launches compared by their total after"),
                    dbc.RadioItems(
                        id="ww-day",
                        options=[{"label": f"{d} days", "value": d} for d in DAYS],
                        value=day if day in DAYS else "7",
                        inline=True,
                    ),
                ],
                md=5,
            ),
            dbc.Col(
                [
                    dbc.Button("Export CSV", id="ww-export", size="sm", color="secondary"),
                    dcc.Download(id="ww-download"),
                ],
                md=4,
                className="text-md-end align-self-end",
            ),
        ],
        className="g-3 mb-3",
    )
    return html.Div(
        [
            html.H4("What works"),
            html.P(
                "Words and phrases of the track and video prompts, and how each release was "
                "generated, against how big its launch was.",
                className="text-muted",
            ),
            dbc.Alert(metrics.PROMPT_CAVEAT, color="warning", id="ww-caveat", className="small"),
            controls,
            dcc.Store(id="ww-rows"),
            dcc.Loading(html.Div(id="ww-table")),
            html.Div(id="ww-note", className="text-muted small mt-2"),
        ]
    )


def _pct(value: float) -> str:
    return what_works.percent(value)


def _table(rows: list[dict]) -> dbc.Table:
    head = html.Thead(
        html.Tr(
            [
                html.Th("Term"),
                html.Th("Releases", className="text-end"),
                html.Th("Typical launch vs without", className="text-end"),
                html.Th("95 % interval", className="text-end"),
                html.Th("Above the median", className="text-end d-none d-md-table-cell"),
            ]
        )
    )
    body = []
    for r in rows:
        sure = r["ci_low"] > 0 or r["ci_high"] < 0
        colour = "" if not sure else ("text-success" if r["effect"] > 0 else "text-danger")
        also = r["also"]
        term = [html.Span(r["term"], className="ww-term")]
        if also:
            term.append(html.Div("same releases: " + ", ".join(also), className="small text-muted"))
        body.append(
            html.Tr(
                [
                    html.Td(term),
                    html.Td(r["n"], className="text-end ww-n"),
                    html.Td(_pct(r["effect"]), className=f"text-end ww-effect fw-bold {colour}"),
                    html.Td(
                        [
                            html.Span(f"{_pct(r['ci_low'])} to {_pct(r['ci_high'])}"),
                            None if sure else html.Div("includes 0", className="small text-muted"),
                        ],
                        className="text-end ww-interval text-nowrap",
                    ),
                    html.Td(
                        f"{r['above']} of {r['n']}", className="text-end d-none d-md-table-cell"
                    ),
                ],
                **{"data-term": r["term"]},
            )
        )
    return dbc.Table(
        [head, html.Tbody(body)], size="sm", hover=True, id="ww-terms", responsive=True
    )


def _rows(found: readout.WhatWorks) -> list[dict]:
    return [
        {
            "term": r.term,
            "n": int(r.n),
            "effect": float(r.effect),
            "ci_low": float(r.ci_low),
            "ci_high": float(r.ci_high),
            "above": int(r.above),
            "also": list(r.also),
        }
        for r in found.terms.itertuples()
    ]


def register(app: Dash) -> None:
    @app.callback(
        Output("ww-table", "children"),
        Output("ww-note", "children"),
        Output("ww-rows", "data"),
        Input("ww-metric", "value"),
        Input("ww-day", "value"),
    )
    def terms(metric, day):
        if not metric:
            return _empty("No metrics recorded yet: import or record some first."), "", []
        day = int(day) if day in DAYS else 7
        tz = context.settings().tz
        with store.transaction(context.read_engine()) as conn:
            found = readout.what_works(conn, metric, day, tz)
        rows = _rows(found)
        least = metrics.PROMPT_MIN_RELEASES
        if not rows:
            return (
                _empty(
                    f"Nothing to show yet: {found.releases} releases have {metric} from launch "
                    f"to day {day}, and a term needs at least {least} releases with it and "
                    f"{least} without. Add prompts to releases (track_prompt, video_prompt) "
                    "or wait for more launches."
                ),
                "",
                [],
            )
        note = (
            f"{found.releases} releases launched at least {day} days ago, compared by their "
            f"{metric} total {day} days after launch (median {metrics.format_number(found.median)}"
            f"). Effect: the typical (geometric mean) launch with the term against those "
            f"without; intervals from {metrics.PROMPT_REPS:,} bootstrap resamples, seeded so "
            f"they repeat. Terms on fewer than {least} releases are not shown."
        )
        return _table(rows), note, rows

    @app.callback(
        Output("ww-download", "data"),
        Input("ww-export", "n_clicks"),
        State("ww-rows", "data"),
        prevent_initial_call=True,
    )
    def export(_clicks, rows):
        flat = [{**r, "also": "; ".join(r.get("also") or [])} for r in rows or []]
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        return dcc.send_string(rows_csv(flat, COLUMNS), f"perfdash-what-works-{stamp}.csv")


def _empty(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="secondary", id="ww-empty")
