"""The latest entries of the chosen release, each with Edit and Delete.

Delete asks first (a modal naming the reading), then checks the editor role on the server and
removes the row; ``entry-changed`` reloads the table after any change on the page.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, html, no_update

from perfdash import auth, store
from perfdash.ui import components, context
from perfdash.ui.errors import message_of

LATEST_ROWS = 15
HEADINGS = ("Recorded", "Platform", "Metric", "Value", "Kind", "Source", "")


def section() -> html.Div:
    return html.Div(
        [
            html.H5("Latest entries for the selected release", className="mt-4"),
            html.Div(id="entry-latest"),
            dbc.Modal(
                [
                    dbc.ModalHeader(dbc.ModalTitle("Delete this entry?")),
                    dbc.ModalBody(id="entry-delete-body"),
                    dbc.ModalFooter(
                        [
                            dbc.Button("Cancel", id="entry-delete-cancel", color="secondary"),
                            dbc.Button("Delete", id="entry-delete-confirm", color="danger"),
                        ]
                    ),
                ],
                id="entry-delete-modal",
                is_open=False,
            ),
        ]
    )


def _row(r: dict[str, Any], zone: ZoneInfo) -> html.Tr:
    buttons = [
        dbc.Button(
            "Edit",
            id={"type": "entry-edit", "index": r["id"]},
            size="sm",
            color="secondary",
            className="me-1",
        ),
        dbc.Button(
            "Delete", id={"type": "entry-delete", "index": r["id"]}, size="sm", color="danger"
        ),
    ]
    return html.Tr(
        [
            html.Td(r["recorded_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M")),
            html.Td(r["platform"]),
            html.Td(r["metric_type"]),
            html.Td(f"{r['metric_value']:,}", className="text-end"),
            html.Td(r["value_kind"]),
            html.Td(r["source"]),
            html.Td(buttons),
        ],
        id=f"entry-row-{r['id']}",
    )


def latest_table(release_id: int | None, tz: str) -> Any:
    if not release_id:
        return html.P("Choose a release above to see its latest entries.", className="text-muted")
    rows = store.latest_metrics(context.engine(), int(release_id), limit=LATEST_ROWS)
    if not rows:
        return html.P("No entries for this release yet.", className="text-muted")
    zone = ZoneInfo(tz)
    head = html.Thead(html.Tr([html.Th(h) for h in HEADINGS]))
    body = html.Tbody([_row(r, zone) for r in rows])
    return dbc.Table([head, body], size="sm", striped=True, id="entry-latest-table")


def _question(row: dict[str, Any], tz: str) -> str:
    when = row["recorded_at"].astimezone(ZoneInfo(tz))
    return (
        f"{row['platform']} {row['metric_type']} = {row['metric_value']:,} recorded "
        f"{when:%Y-%m-%d %H:%M} (row {row['id']}). This cannot be undone."
    )


def _delete(target: int, changed: int | None) -> tuple:
    """The confirmed delete: (modal open, body, target, message, changed)."""
    try:
        auth.require_role("editor")
        removed = store.delete_metric(context.engine(), int(target))
    except auth.PermissionDenied as exc:
        return False, no_update, None, components.denied(exc), no_update
    except store.PerformanceDbError as exc:
        return False, no_update, None, dbc.Alert(message_of(exc), color="danger"), no_update
    text = f"Deleted row {target}." if removed else f"Row {target} was already gone."
    done = dbc.Alert(text, color="info", id="entry-deleted")
    return False, no_update, None, done, (changed or 0) + 1


def register(app: Dash) -> None:
    @app.callback(
        Output("entry-latest", "children"),
        Input("entry-release_id", "value"),
        Input("entry-changed", "data"),
    )
    def latest(release_id, _changed):
        return latest_table(release_id, context.settings().tz)

    @app.callback(
        Output("entry-delete-modal", "is_open"),
        Output("entry-delete-body", "children"),
        Output("entry-delete-target", "data"),
        Output("entry-result", "children", allow_duplicate=True),
        Output("entry-changed", "data", allow_duplicate=True),
        Input({"type": "entry-delete", "index": ALL}, "n_clicks"),
        Input("entry-delete-cancel", "n_clicks"),
        Input("entry-delete-confirm", "n_clicks"),
        State("entry-delete-target", "data"),
        State("entry-changed", "data"),
        prevent_initial_call=True,
    )
    def delete(_clicks, _cancel, _confirm, target, changed):
        """A row's Delete opens the question; Delete in it removes the row, Cancel does not."""
        trigger = ctx.triggered_id
        if trigger == "entry-delete-cancel" or (trigger == "entry-delete-confirm" and not target):
            return False, no_update, None, no_update, no_update
        if trigger == "entry-delete-confirm":
            return _delete(target, changed)
        if not isinstance(trigger, dict) or not any(c.get("value") for c in ctx.triggered):
            return no_update, no_update, no_update, no_update, no_update
        row = store.get_metric(context.engine(), int(trigger["index"]))
        if row is None:
            return False, no_update, None, no_update, (changed or 0) + 1
        return True, _question(row, context.settings().tz), row["id"], no_update, no_update
