"""Data entry tab: record one metric with a validated form."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update

from perfdash import ingest, metrics, store
from perfdash.ui import context
from perfdash.ui.dashboard import release_options

FIELDS = [
    "release_id",
    "platform",
    "metric_type",
    "metric_value",
    "recorded_at",
    "source_url",
    "notes",
]


def _field(label: str, control, field: str, help_text: str | None = None) -> dbc.Col:
    children = [dbc.Label(label, html_for=f"entry-{field}"), control]
    children.append(html.Div(id=f"entry-{field}-error", className="form-feedback-error"))
    if help_text:
        children.append(dbc.FormText(help_text))
    return dbc.Col(children, md=6, className="mb-3")


def layout(query: dict[str, list[str]]) -> html.Div:
    settings = context.settings()
    now_local = datetime.now(UTC).astimezone(ZoneInfo(settings.tz)).strftime("%Y-%m-%dT%H:%M")
    return html.Div(
        [
            html.H4("Record a metric"),
            html.Datalist(
                id="platform-list", children=[html.Option(value=p) for p in metrics.KNOWN_PLATFORMS]
            ),
            html.Datalist(
                id="metric-list",
                children=[html.Option(value=m) for m in metrics.KNOWN_METRIC_TYPES],
            ),
            dbc.Form(
                [
                    dbc.Row(
                        [
                            _field(
                                "Release",
                                dcc.Dropdown(
                                    id="entry-release_id",
                                    options=release_options(),
                                    searchable=True,
                                    placeholder="Search by title, artist or release id",
                                ),
                                "release_id",
                            ),
                            _field(
                                "Platform",
                                dbc.Input(
                                    id="entry-platform", list="platform-list", placeholder="YouTube"
                                ),
                                "platform",
                            ),
                            _field(
                                "Metric type",
                                dbc.Input(
                                    id="entry-metric_type", list="metric-list", placeholder="views"
                                ),
                                "metric_type",
                            ),
                            _field(
                                "Value",
                                dbc.Input(
                                    id="entry-metric_value",
                                    inputMode="numeric",
                                    placeholder="12,345",
                                ),
                                "metric_value",
                                "A whole number; 12,345 and 12 345 are fine.",
                            ),
                            _field(
                                f"Recorded at ({settings.tz})",
                                dbc.Input(
                                    id="entry-recorded_at", type="datetime-local", value=now_local
                                ),
                                "recorded_at",
                            ),
                            _field(
                                "The value is",
                                dbc.RadioItems(
                                    id="entry-value_kind",
                                    options=[
                                        {"label": "a lifetime total", "value": "total"},
                                        {"label": "a count for a period", "value": "period"},
                                    ],
                                    value="total",
                                    inline=True,
                                ),
                                "value_kind",
                            ),
                            _field(
                                "Source URL",
                                dbc.Input(
                                    id="entry-source_url", type="url", placeholder="https://"
                                ),
                                "source_url",
                            ),
                            _field(
                                "Notes",
                                dbc.Textarea(id="entry-notes", maxLength=ingest.MAX_NOTES),
                                "notes",
                            ),
                        ]
                    ),
                    dbc.Button("Save metric", id="entry-submit", color="primary"),
                ]
            ),
            html.Div(id="entry-result", className="mt-3"),
        ]
    )


def register(app: Dash) -> None:
    @app.callback(
        Output("entry-result", "children"),
        *[Output(f"entry-{f}-error", "children") for f in FIELDS],
        Input("entry-submit", "n_clicks"),
        *[State(f"entry-{f}", "value") for f in FIELDS],
        State("entry-value_kind", "value"),
        prevent_initial_call=True,
    )
    def submit(n_clicks, *values):
        if not n_clicks:
            return (no_update,) * (len(FIELDS) + 1)
        record = dict(zip(FIELDS, values[:-1], strict=True))
        record["value_kind"] = values[-1]
        checked = ingest.check_record(record, tz=context.settings().tz)
        errors = [checked.errors.get(f, "") for f in FIELDS]
        if not checked.ok:
            return dbc.Alert(
                "Nothing was saved: fix the fields marked below.", color="danger"
            ), *errors
        try:
            row_id = store.add_performance_metric(
                engine=context.engine(),
                **{
                    k: checked.values[k]
                    for k in (
                        "release_id",
                        "platform",
                        "metric_type",
                        "metric_value",
                        "source_url",
                        "notes",
                    )
                },
                recorded_at=checked.values["recorded_at"],
                value_kind=checked.values["value_kind"],
                source="manual",
            )
        except store.PerformanceDbError as exc:
            return dbc.Alert(f"Nothing was saved: {exc}", color="danger"), *errors
        v = checked.values
        return (
            dbc.Alert(
                f"Saved {v['platform']} {v['metric_type']} = {v['metric_value']:,} (row {row_id}).",
                color="success",
                id="entry-saved",
            ),
            *errors,
        )
