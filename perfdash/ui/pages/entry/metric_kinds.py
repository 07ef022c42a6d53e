"""The metric kinds editor: how each metric type's numbers are read (counter, audience, score).

Known types come with their kind; a type perfdash does not know reads as a counter until an
editor says otherwise here (or with ``perfdash metric-kind set``).  The write is
``store.set_metric_kind``, behind the editor role checked on the server.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update

from perfdash import auth, metrics, store
from perfdash.ui import components, context
from perfdash.vocab import KNOWN_METRIC_KINDS

KIND_LABELS = {
    "counter": "Counter: a lifetime total that grows (views, streams)",
    "audience": "Audience: a total that moves both ways (followers, fans)",
    "score": "Score: a level, not a count (rank, popularity)",
}


def kinds_table(overrides: dict[str, tuple[str, bool]], types: list[str]) -> dbc.Table:
    """Every recorded or set metric type, its kind and where the kind comes from."""
    rows = []
    for name in sorted(set(types) | set(overrides)):
        kind = metrics.metric_kind(name, overrides)
        origin = (
            "set by an editor"
            if name in overrides
            else ("known" if name in KNOWN_METRIC_KINDS else "default")
        )
        lower = ", lower is better" if kind.lower_is_better else ""
        rows.append(
            html.Tr(
                [
                    html.Td(name),
                    html.Td(f"{kind.kind}{lower}", className="mk-kind"),
                    html.Td(origin),
                ],
                **{"data-metric": name},
            )
        )
    head = html.Thead(html.Tr([html.Th("Metric type"), html.Th("Kind"), html.Th("From")]))
    return dbc.Table([head, html.Tbody(rows)], size="sm", id="entry-mk-table")


def _read() -> tuple[dict[str, tuple[str, bool]], list[str]]:
    with store.transaction(context.engine()) as conn:
        return store.metric_kind_overrides(conn), store.list_metric_types(conn)


FEEDBACK = ("entry-mk-type", "entry-mk-kind", "entry-mk-lower")


def _feedback(field: str) -> html.Div:
    """Where a value of ``field`` refused before the callback runs is shown (session.js); a
    save clears it."""
    return html.Div(id=f"{field}-error", className="form-feedback-error")


def section() -> html.Div:
    overrides, types = _read()
    names = sorted(set(types) | set(overrides))
    return html.Div(
        [
            html.H4("Metric kinds", className="mt-5"),
            html.P(
                "How a metric's numbers are read on the dashboard: a counter's period is what "
                "it gained, an audience's its net change, a score's its level and how it moved.",
                className="text-muted small",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label("Metric type", html_for="entry-mk-type"),
                            dcc.Dropdown(
                                id="entry-mk-type",
                                options=[{"label": n, "value": n} for n in names],
                                placeholder="Choose a metric type",
                            ),
                            _feedback("entry-mk-type"),
                        ],
                        md=4,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Kind", html_for="entry-mk-kind"),
                            dbc.RadioItems(
                                id="entry-mk-kind",
                                options=[{"label": t, "value": k} for k, t in KIND_LABELS.items()],
                            ),
                            _feedback("entry-mk-kind"),
                            dbc.Checkbox(
                                id="entry-mk-lower",
                                label="Lower is better (a rank or chart position)",
                                value=False,
                            ),
                            _feedback("entry-mk-lower"),
                        ],
                        md=6,
                    ),
                ],
                className="mb-2",
            ),
            dbc.Button("Save kind", id="entry-mk-save", color="primary"),
            html.Div(id="entry-mk-result", className="mt-3"),
            html.Div(kinds_table(overrides, types), id="entry-mk-list", className="mt-2"),
        ]
    )


def register(app: Dash) -> None:
    @app.callback(
        Output("entry-mk-kind", "value"),
        Output("entry-mk-lower", "value"),
        Input("entry-mk-type", "value"),
        prevent_initial_call=True,
    )
    def pick_kind(metric_type):
        if not metric_type:
            return None, False
        overrides, _ = _read()
        kind = metrics.metric_kind(metric_type, overrides)
        return kind.kind, kind.lower_is_better

    @app.callback(
        Output("entry-mk-result", "children"),
        Output("entry-mk-list", "children"),
        *[Output(f"{field}-error", "children") for field in FEEDBACK],
        Input("entry-mk-save", "n_clicks"),
        State("entry-mk-type", "value"),
        State("entry-mk-kind", "value"),
        State("entry-mk-lower", "value"),
        prevent_initial_call=True,
    )
    def save_kind(n_clicks, metric_type, kind, lower):
        if not n_clicks:
            return no_update, no_update, *[no_update] * len(FEEDBACK)
        return *_save_kind(metric_type, kind, lower), *[""] * len(FEEDBACK)


def _save_kind(metric_type, kind, lower) -> tuple:
    """The save's message and the refreshed table (field messages are cleared by the caller)."""
    try:
        auth.require_role("editor")
    except auth.PermissionDenied as exc:
        return components.denied(exc), no_update
    if not metric_type or not kind:
        missing = "metric type" if not metric_type else "kind"
        return dbc.Alert(f"Choose a {missing}.", color="danger", id="entry-mk-failed"), no_update
    user = auth.current_user() or {}
    try:
        row = store.set_metric_kind(
            context.engine(),
            metric_type,
            kind,
            lower_is_better=bool(lower),
            updated_by=user.get("username"),
        )
    except store.PerformanceDbError as exc:
        return dbc.Alert(
            f"Nothing was saved: {exc}", color="danger", id="entry-mk-failed"
        ), no_update
    lower_text = ", lower is better" if row["lower_is_better"] else ""
    saved = dbc.Alert(
        f"{row['metric_type']} is now read as a {row['kind']}{lower_text}.",
        color="success",
        id="entry-mk-saved",
    )
    return saved, kinds_table(*_read())
