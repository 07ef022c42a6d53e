"""Dated notes (a playlist add, a TikTok campaign) under a chart, and on it as markers.

The panel adds a note to the release its page has chosen (or to the whole catalog) and lists
the notes; clicking a day on the chart fills in the date.  It reads its page's release picker
and chart by the ids the page hands to ``register``, and it bumps ``VERSION`` after every
change so the page's chart can redraw its markers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from sqlalchemy import Connection, Engine

from perfdash import auth, store
from perfdash.ingest.annotations import add_annotation
from perfdash.ui import components, context
from perfdash.ui.figures import insights as figures

VERSION = "ann-version"  # a counter: every added or deleted note moves it on
LISTED = 30  # newest notes listed under the chart


def panel(listed: list | None = None, *, read_only: bool = False) -> html.Div:
    """The form and the list (``listed``: ``notes_list`` of the releases the page was built
    for, so showing it takes no callback; later releases and notes redraw it); ``read_only``
    (a share link's page): the list alone."""
    if read_only:
        return html.Div(
            [
                dcc.Store(id=VERSION, data=0),
                html.H6("Notes", className="mt-2"),
                html.Ul(listed, id="ann-list", className="small text-muted mt-2"),
            ],
            id="ann-panel",
        )
    return html.Div(
        [
            dcc.Store(id=VERSION, data=0),
            html.H6("Notes", className="mt-2"),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Input(
                                id="ann-date",
                                placeholder="Date, e.g. 2026-03-01 (or click the chart)",
                                type="text",
                            ),
                            html.Div(id="ann-date-error", className="form-feedback-error"),
                        ],
                        md=3,
                    ),
                    dbc.Col(
                        [
                            dbc.Input(
                                id="ann-text",
                                placeholder="What happened (playlist add, TikTok campaign…)",
                                maxlength=store.MAX_ANNOTATION_TEXT,
                                type="text",
                            ),
                            html.Div(id="ann-text-error", className="form-feedback-error"),
                        ],
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
            html.Ul(listed, id="ann-list", className="small text-muted mt-2"),
        ],
        id="ann-panel",
    )


@dataclass(frozen=True)
class Marks:
    """What a chart of some releases marks: their notes (and the catalog's), their approvals."""

    notes: list[dict]
    approved: dict[str, datetime]


def chart_marks(bind: Engine | Connection, release_ids: Sequence[int]) -> Marks:
    ids = list(release_ids)
    launches = store.launch_dates(bind, ids) if ids else pd.DataFrame()
    approved = {
        store.release_label(
            {"title": r.title, "artist_name": r.artist_name, "release_id": r.release_key}
        ): r.approved_at
        for r in launches.itertuples()
    }
    return Marks(store.list_annotations(bind, ids), approved)


def mark_chart(fig: go.Figure, marks: Marks, tz: str) -> go.Figure:
    """A time series with the notes and approval dates as markers."""
    return figures.add_annotation_markers(fig, marks.notes, tz=tz, approved=marks.approved)


def notes_list(
    bind: Engine | Connection, release_ids: Sequence[int], tz: str, *, deletable: bool = True
) -> list:
    items = []
    for r in store.list_annotations(bind, list(release_ids))[-LISTED:]:
        local = figures.local_time(r["at"], tz)
        who = r["release_key"] or "whole catalog"
        items.append(
            html.Li(
                [
                    f"{local:%Y-%m-%d} · {who} · {r['text']} ",
                    None
                    if not deletable
                    else html.Button(
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


def _refused(message: str, color: str = "danger") -> tuple:
    return dbc.Alert(message, color=color, className="py-1"), no_update, no_update


def register(app: Dash, *, releases: str, chart: str) -> None:
    """The panel's callbacks, reading the page's release picker ``releases`` and its time
    series ``chart`` (a dcc.Graph whose clicks give the date)."""

    @app.callback(
        Output("ann-result", "children"),
        Output(VERSION, "data"),
        Output("ann-text", "value"),
        Output("ann-date-error", "children"),  # a refused value's words (session.js) go
        Output("ann-text-error", "children"),
        Input("ann-add", "n_clicks"),
        State(releases, "value"),
        State("ann-date", "value"),
        State("ann-text", "value"),
        State("ann-catalog", "value"),
        State(VERSION, "data"),
        prevent_initial_call=True,
    )
    def add_note(_clicks, release_value, when, text, catalog, version):
        return *_add_note(release_value, when, text, catalog, version), "", ""

    def _add_note(release_value, when, text, catalog, version) -> tuple:
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return _refused(str(exc))
        ids = components.chosen_ids(release_value)
        if not catalog and not ids:
            return _refused("Pick a release or tick Whole catalog", "warning")
        new_id, errors = add_annotation(
            context.engine(),
            None if catalog else ids[0],
            when,
            text,
            tz=context.settings().tz,
            created_by="dashboard",
        )
        if errors:
            return _refused(
                "Nothing was saved: " + "; ".join(f"{k}: {v}" for k, v in errors.items())
            )
        return f"Note #{new_id} added.", (version or 0) + 1, ""

    @app.callback(
        Output("ann-list", "children"),
        Input(releases, "value"),
        Input(VERSION, "data"),
        prevent_initial_call=True,  # the page lists the first releases' notes itself
    )
    def list_notes(release_value, _version):
        return notes_list(
            context.engine(),
            components.chosen_ids(release_value),
            context.settings().tz,
            deletable=auth.role_allows(auth.current_role(), "editor"),
        )

    @app.callback(
        Output(VERSION, "data", allow_duplicate=True),
        Input({"type": "ann-delete", "index": ALL}, "n_clicks"),
        State(VERSION, "data"),
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

    @app.callback(Output("ann-date", "value"), Input(chart, "clickData"), prevent_initial_call=True)
    def date_from_click(click):
        points = (click or {}).get("points") or []
        if not points or "x" not in points[0]:
            return no_update
        return str(points[0]["x"])[:10]
