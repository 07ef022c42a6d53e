"""The "Record a metric" form: record one reading, correct one (a row's Edit), undo the last.

Validation and the write are ``ingest.readings.save_reading`` (the same rules as the API and the CSV
import); every write asks ``auth.require_role("editor")`` on the server and shows the refusal
instead of writing.  A change bumps ``entry-changed`` so the latest-entries table reloads.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from perfdash import auth, ingest, metrics, store
from perfdash.ingest.readings import amount_text, below_last_total, save_reading
from perfdash.ui import components, context
from perfdash.ui.errors import message_of
from perfdash.ui.panels import collect_now

CONFIRM_LOW = "entry-confirm-low-button"  # "Save as a correction" under a total below the last
FIELDS = [
    "release_id",
    "platform",
    "metric_type",
    "metric_value",
    "country",
    "currency",
    "recorded_at",
    "source_url",
    "notes",
]
# every field with a message under it: the kind too (a radio group, but a crafted value of it
# is refused by ingest like any other, and the words belong beside it)
ERROR_FIELDS = [*FIELDS, "value_kind"]


def _field(label: str, control, field: str, help_text: str | None = None, md: int = 6) -> dbc.Col:
    children = [dbc.Label(label, html_for=f"entry-{field}"), control]
    children.append(html.Div(id=f"entry-{field}-error", className="form-feedback-error"))
    if help_text:
        children.append(dbc.FormText(help_text))
    return dbc.Col(children, md=md, className="mb-3")


def _local_input(at: datetime, tz: str) -> str:
    """A time as a datetime-local input shows it."""
    return at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")


def _fields(tz: str, options: list[dict], selected: int | None) -> list[dbc.Col]:
    release = dcc.Dropdown(
        id="entry-release_id",
        options=options,
        value=selected,
        searchable=True,
        placeholder="Search by title, artist or release key",
    )
    value_kind = dbc.RadioItems(
        id="entry-value_kind",
        options=[
            {"label": "a lifetime total", "value": "total"},
            {"label": "a count for a period", "value": "period"},
        ],
        value="total",
        inline=True,
    )
    return [
        _field("Release", release, "release_id"),
        _field(
            "Platform",
            dbc.Input(
                id="entry-platform", list="platform-list", placeholder="pick or type a platform"
            ),
            "platform",
            "A known platform from the list, or type another.",
        ),
        _field(
            "Metric type",
            dbc.Input(
                id="entry-metric_type", list="metric-list", placeholder="pick or type a metric"
            ),
            "metric_type",
            "A known type from the list, or type your own.",
        ),
        _field(
            "Value",
            dbc.Input(id="entry-metric_value", inputMode="decimal", placeholder="a whole number"),
            "metric_value",
            "A whole number; 12,345 and 12 345 are fine. Earnings: the amount in its currency "
            "(12.34, up to 6 decimals).",
        ),
        _field(
            "Country",
            dcc.Dropdown(
                id="entry-country",
                options=components.country_options(),
                searchable=True,
                placeholder="Worldwide (type a country or its code)",
            ),
            "country",
            "Empty: a worldwide number. A country: that country's number only.",
            md=3,
        ),
        _field(
            "Currency",
            dcc.Dropdown(
                id="entry-currency",
                options=components.currency_options(),
                searchable=True,
                placeholder="earnings only",
            ),
            "currency",
            "For earnings (ISO 4217: USD, EUR); empty for every other metric.",
            md=3,
        ),
        _field(
            f"Recorded at ({tz})",
            dbc.Input(
                id="entry-recorded_at",
                type="datetime-local",
                value=_local_input(datetime.now(UTC), tz),
            ),
            "recorded_at",
        ),
        _field("The value is", value_kind, "value_kind"),
        _field(
            "Source URL",
            dbc.Input(id="entry-source_url", type="url", placeholder="optional: where you read it"),
            "source_url",
        ),
        _field("Notes", dbc.Textarea(id="entry-notes", maxLength=ingest.MAX_NOTES), "notes"),
    ]


def section(tz: str, options: list[dict], selected: int | None = None) -> html.Div:
    return html.Div(
        [
            html.H4("Record a metric", id="entry-form-title"),
            html.Datalist(
                id="platform-list", children=[html.Option(value=p) for p in metrics.KNOWN_PLATFORMS]
            ),
            html.Datalist(
                id="metric-list",
                children=[html.Option(value=m) for m in metrics.KNOWN_METRIC_TYPES],
            ),
            dbc.Form(
                [
                    dbc.Row(_fields(tz, options, selected)),
                    dbc.Button("Save metric", id="entry-submit", color="primary"),
                    dbc.Button(
                        "Cancel edit",
                        id="entry-cancel-edit",
                        color="secondary",
                        className="ms-2",
                        style={"display": "none"},
                    ),
                ]
            ),
            html.Div(id="entry-result", className="mt-3"),
            html.Div(collect_now.layout(), id="entry-collect-slot", className="mt-2"),
        ]
    )


def _confirm_low(record: dict, last: int, at: datetime, tz: str) -> dbc.Alert:
    """Nothing saved yet: the total is below the last one, which is either a slip or a
    platform's correction; the person says which."""
    when = at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
    return dbc.Alert(
        [
            html.Strong("Not saved yet: "),
            f"{record.get('metric_value')} is below the last {record.get('platform')} "
            f"{record.get('metric_type')} total, {last:,} ({when} {tz}). ",
            "If the platform lowered its count, save it as a correction (the dashboard shows "
            "the drop); otherwise fix the value and press Save metric again.",
            html.Div(
                dbc.Button(
                    "Save as a correction",
                    id={"type": CONFIRM_LOW, "index": 0},
                    color="warning",
                    size="sm",
                    className="mt-2",
                )
            ),
        ],
        color="warning",
        id="entry-confirm-low",
    )


def _saved(message: str, editing: int | None) -> dbc.Alert:
    """The confirmation, with Undo for a new reading (an edit is undone by editing again)."""
    undo = dbc.Button("Undo", id="entry-undo", size="sm", color="link", className="ms-2")
    return dbc.Alert(
        [html.Span(message, id="entry-saved-text"), undo if editing is None else None],
        color="success",
        id="entry-saved",
    )


def register(app: Dash) -> None:
    components.register_search(app, "entry-release_id", with_key=True)
    _register_save(app)
    _register_edit(app)
    collect_now.register(app)


def _register_save(app: Dash) -> None:
    @app.callback(
        Output("entry-result", "children"),
        *[Output(f"entry-{f}-error", "children") for f in ERROR_FIELDS],
        Output("entry-last-id", "data"),
        Output("entry-editing", "data"),
        Output("entry-changed", "data"),
        Input("entry-submit", "n_clicks"),
        Input({"type": CONFIRM_LOW, "index": ALL}, "n_clicks"),
        *[State(f"entry-{f}", "value") for f in FIELDS],
        State("entry-value_kind", "value"),
        State("entry-editing", "data"),
        State("entry-changed", "data"),
        prevent_initial_call=True,
    )
    def submit(n_clicks, confirm_clicks, *values):
        confirmed = isinstance(ctx.triggered_id, dict)
        if not (any(confirm_clicks or []) if confirmed else n_clicks):
            return (no_update,) * (len(ERROR_FIELDS) + 4)
        *form, kind, editing, changed = values
        record = {**dict(zip(FIELDS, form, strict=True)), "value_kind": kind}
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            blank = [""] * len(ERROR_FIELDS)
            return components.denied(exc), *blank, no_update, no_update, no_update
        tz = context.settings().tz
        if editing is None and not confirmed:
            low = below_last_total(context.engine(), record, tz=tz)
            if low is not None:
                return _confirm_low(record, *low, tz), *[""] * len(ERROR_FIELDS), *(no_update,) * 3
        row_id, errors, message = save_reading(context.engine(), record, tz=tz, edit=editing)
        texts = [errors.get(f, "") for f in ERROR_FIELDS]
        if row_id is None:
            failed = dbc.Alert(message, color="danger", id="entry-failed")
            return failed, *texts, no_update, no_update, no_update
        last = row_id if editing is None else None
        return _saved(message, editing), *texts, last, None, (changed or 0) + 1

    @app.callback(
        Output("entry-result", "children", allow_duplicate=True),
        Output("entry-last-id", "data", allow_duplicate=True),
        Output("entry-changed", "data", allow_duplicate=True),
        Input("entry-undo", "n_clicks"),
        State("entry-last-id", "data"),
        State("entry-changed", "data"),
        prevent_initial_call=True,
    )
    def undo(n_clicks, row_id, changed):
        if not n_clicks or not row_id:
            return no_update, no_update, no_update
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return components.denied(exc), no_update, no_update
        try:
            removed = store.delete_metric(context.engine(), int(row_id))
        except store.PerformanceDbError as exc:
            return (
                dbc.Alert(f"Could not undo: {message_of(exc)}", color="danger"),
                no_update,
                no_update,
            )
        text = (
            f"Undone: row {row_id} was removed." if removed else f"Row {row_id} was already gone."
        )
        return dbc.Alert(text, color="info", id="entry-undone"), None, (changed or 0) + 1


def _register_edit(app: Dash) -> None:
    @app.callback(
        Output("entry-platform", "value"),
        Output("entry-metric_type", "value"),
        Output("entry-metric_value", "value"),
        Output("entry-country", "value"),
        Output("entry-currency", "value"),
        Output("entry-recorded_at", "value"),
        Output("entry-value_kind", "value"),
        Output("entry-source_url", "value"),
        Output("entry-notes", "value"),
        Output("entry-editing", "data", allow_duplicate=True),
        Input({"type": "entry-edit", "index": ALL}, "n_clicks"),
        Input("entry-cancel-edit", "n_clicks"),
        prevent_initial_call=True,
    )
    def edit(_clicks, _cancel):
        """A row's Edit fills the form with that reading; Cancel edit leaves edit mode."""
        trigger = ctx.triggered_id
        if trigger == "entry-cancel-edit":
            return (no_update,) * 9 + (None,)
        if not isinstance(trigger, dict) or not any(c.get("value") for c in ctx.triggered):
            return (no_update,) * 10
        row = store.get_metric(context.engine(), int(trigger["index"]))
        if row is None:
            return (no_update,) * 10
        money = bool(row.get("currency"))
        return (
            row["platform"],
            row["metric_type"],
            amount_text(row["metric_value"]) if money else f"{row['metric_value']:,}",
            row.get("country") or None,
            row.get("currency") or None,
            _local_input(row["recorded_at"], context.settings().tz),
            row["value_kind"],
            row["source_url"],
            row["notes"],
            row["id"],
        )

    @app.callback(
        Output("entry-form-title", "children"),
        Output("entry-submit", "children"),
        Output("entry-cancel-edit", "style"),
        Input("entry-editing", "data"),
    )
    def editing_mode(editing):
        if editing is None:
            return "Record a metric", "Save metric", {"display": "none"}
        return f"Edit entry (row {editing})", "Save changes", {"display": "inline-block"}
