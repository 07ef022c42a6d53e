"""Data entry tab: record, correct and remove metrics; create and edit releases; import CSV.

Callbacks stay thin: validation is ``ingest.check_record`` (the same rules as the API and the
CSV import), writes go through ``store``, the CSV path is ``csvio.import_csv`` (the same
function the CLI and the benchmarks call).  Every write callback asks
``auth.require_role("editor")`` on the server and shows the refusal instead of writing.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from perfdash import auth, csvio, ingest, metrics, store
from perfdash.schema import DISTRIBUTION_STATUSES, RELEASE_IDENTIFIERS
from perfdash.ui import context
from perfdash.ui.panels import collect_now

FIELDS = [
    "release_id",
    "platform",
    "metric_type",
    "metric_value",
    "recorded_at",
    "source_url",
    "notes",
]
NEW_RELEASE = "__new__"
RELEASE_FORM = ["key", "title", "artist", "approved", "status", *RELEASE_IDENTIFIERS]
LATEST_ROWS = 15


# --------------------------------------------------------------------------- plain functions


def release_options(query: str = "", limit: int = 50) -> list[dict]:
    return [
        {"label": f"{store.release_label(r)} ({r['release_id']})", "value": r["id"]}
        for r in store.search_releases(context.engine(), query, limit=limit)
    ]


def save_metric(
    engine,
    record: dict[str, Any],
    *,
    tz: str,
    now: datetime | None = None,
    editing: int | None = None,
) -> tuple[int | None, dict[str, str], str]:
    """Validate and write one form submission: (row id, errors by field, message).

    Kept free of Dash so the table-driven test drives exactly what the form does.
    """
    checked = ingest.check_record(record, tz=tz, now=now)
    if not checked.ok:
        return None, checked.errors, "Nothing was saved: fix the fields marked below."
    v = checked.values
    fields = {k: v[k] for k in ("platform", "metric_type", "metric_value", "source_url", "notes")}
    try:
        if editing is not None:
            store.update_metric(
                engine,
                editing,
                release_id=v["release_id"],
                recorded_at=v["recorded_at"],
                value_kind=v["value_kind"],
                **fields,
            )
            row_id = editing
        else:
            row_id = store.add_performance_metric(
                v["release_id"],
                **fields,
                recorded_at=v["recorded_at"],
                value_kind=v["value_kind"],
                source="manual",
                engine=engine,
            )
    except store.UnknownReleaseError:
        errors = {"release_id": "That release does not exist (any more); choose another"}
        return None, errors, "Nothing was saved: fix the fields marked below."
    except store.DuplicateMetricError:
        errors = {
            "recorded_at": "This release already has this platform and metric at this time; "
            "edit that entry instead"
        }
        return None, errors, "Nothing was saved: fix the fields marked below."
    except store.PerformanceDbError as exc:
        return None, {}, f"Nothing was saved: {exc}"
    verb = "Updated" if editing is not None else "Saved"
    return (
        row_id,
        {},
        f"{verb} {v['platform']} {v['metric_type']} = {v['metric_value']:,} (row {row_id}).",
    )


def save_release(
    engine, pk: int | None, form: dict[str, Any], *, tz: str
) -> tuple[int | None, dict[str, str], str]:
    """Create (``pk`` None) or update a release from the form: (id, errors by field, message)."""
    errors: dict[str, str] = {}
    key = (form.get("key") or "").strip()
    if not key:
        errors["key"] = "Enter a release key (the workflow's id, e.g. a UUID)"
    elif len(key) > 255:
        errors["key"] = "The release key is longer than 255 characters"
    fields: dict[str, Any] = {}
    for name, column, label in (("title", "title", "Title"), ("artist", "artist_name", "Artist")):
        text, error = ingest.clean_text(form.get(name), limit=255, name=label)
        if error:
            errors[name] = error
        fields[column] = text
    status = form.get("status") or "pending"
    if status not in DISTRIBUTION_STATUSES:
        errors["status"] = f"Status must be one of {', '.join(DISTRIBUTION_STATUSES)}"
    fields["distribution_status"] = status
    if form.get("approved"):
        when, error = ingest.parse_timestamp(form["approved"], tz)
        if error:
            errors["approved"] = error.replace("Time", "Approval date")
        fields["approved_at"] = when
    for column, label in RELEASE_IDENTIFIERS.items():
        text, error = ingest.clean_text(form.get(column), limit=255, name=label)
        if error:
            errors[column] = error
        fields[column] = text
    if errors:
        return None, errors, "Nothing was saved: fix the fields marked below."
    try:
        if pk is None:
            pk = store.create_release(engine, key, **fields)
            verb = "Created"
        else:
            store.update_release(engine, pk, release_id=key, **fields)
            verb = "Updated"
    except store.DuplicateReleaseError:
        return None, {"key": f"A release with key {key!r} already exists"}, "Nothing was saved."
    except store.PerformanceDbError as exc:
        return None, {}, f"Nothing was saved: {exc}"
    return pk, {}, f"{verb} release {key!r}."


def decode_upload(contents: str) -> bytes:
    """The bytes of a dcc.Upload data URL."""
    try:
        _, b64 = contents.split(",", 1)
        return base64.b64decode(b64, validate=False)
    except (ValueError, binascii.Error) as exc:
        raise csvio.CsvImportError("The upload could not be read; try again") from exc


# --------------------------------------------------------------------------- layout


def _field(label: str, control, field: str, help_text: str | None = None, md: int = 6) -> dbc.Col:
    children = [dbc.Label(label, html_for=f"entry-{field}"), control]
    children.append(html.Div(id=f"entry-{field}-error", className="form-feedback-error"))
    if help_text:
        children.append(dbc.FormText(help_text))
    return dbc.Col(children, md=md, className="mb-3")


def _rel_field(label: str, control, field: str, md: int = 4) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label(label, html_for=f"entry-rel-{field}"),
            control,
            html.Div(id=f"entry-rel-{field}-error", className="form-feedback-error"),
        ],
        md=md,
        className="mb-3",
    )


def _now_local(tz: str) -> str:
    return datetime.now(UTC).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")


def _metric_form(tz: str, options: list[dict], selected: int | None = None) -> html.Div:
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
                    dbc.Row(
                        [
                            _field(
                                "Release",
                                dcc.Dropdown(
                                    id="entry-release_id",
                                    options=options,
                                    value=selected,
                                    searchable=True,
                                    placeholder="Search by title, artist or release key",
                                ),
                                "release_id",
                            ),
                            _field(
                                "Platform",
                                dbc.Input(
                                    id="entry-platform", list="platform-list", placeholder="YouTube"
                                ),
                                "platform",
                                "A known platform from the list, or type another.",
                            ),
                            _field(
                                "Metric type",
                                dbc.Input(
                                    id="entry-metric_type", list="metric-list", placeholder="views"
                                ),
                                "metric_type",
                                "A known type from the list, or type your own.",
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
                                f"Recorded at ({tz})",
                                dbc.Input(
                                    id="entry-recorded_at",
                                    type="datetime-local",
                                    value=_now_local(tz),
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


def _latest_section() -> html.Div:
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


def _release_section(options: list[dict]) -> html.Div:
    status = dbc.Select(
        id="entry-rel-status",
        options=[{"label": s, "value": s} for s in DISTRIBUTION_STATUSES],
        value="pending",
    )
    ident_cols = [
        _rel_field(label, dbc.Input(id=f"entry-rel-{col}"), col, md=3)
        for col, label in RELEASE_IDENTIFIERS.items()
    ]
    return html.Div(
        [
            html.H4("Releases", className="mt-5"),
            dbc.Row(
                dbc.Col(
                    [
                        dbc.Label("Create or edit", html_for="entry-rel-pick"),
                        dcc.Dropdown(
                            id="entry-rel-pick",
                            options=[{"label": "New release", "value": NEW_RELEASE}, *options],
                            value=NEW_RELEASE,
                            clearable=False,
                            searchable=True,
                        ),
                    ],
                    md=6,
                    className="mb-3",
                )
            ),
            dbc.Row(
                [
                    _rel_field("Release key", dbc.Input(id="entry-rel-key"), "key"),
                    _rel_field("Title", dbc.Input(id="entry-rel-title"), "title"),
                    _rel_field("Artist", dbc.Input(id="entry-rel-artist"), "artist"),
                    _rel_field(
                        "Approved at",
                        dbc.Input(id="entry-rel-approved", type="datetime-local"),
                        "approved",
                    ),
                    _rel_field("Status", status, "status"),
                ]
            ),
            html.H6("Platform identifiers (used by collectors)"),
            dbc.Row(ident_cols),
            dbc.Button("Save release", id="entry-rel-save", color="primary"),
            html.Div(id="entry-rel-result", className="mt-3"),
        ]
    )


def _import_section() -> html.Div:
    return html.Div(
        [
            html.H4("Import a CSV file", className="mt-5"),
            html.P(
                [
                    "Columns: ",
                    html.Code(", ".join(csvio.EXPORT_COLUMNS[:8])),
                    " (release_id instead of release_key also works). Comma, semicolon or tab "
                    "separated, UTF-8; times without a zone are read in the configured zone. "
                    "Nothing is written until you confirm; the import is all-or-nothing.",
                ]
            ),
            dcc.Upload(
                id="entry-upload",
                children=html.Div(["Drop a CSV file here or ", html.A("choose one")]),
                className="perfdash-upload",
                style={
                    "border": "2px dashed var(--bs-border-color)",
                    "borderRadius": "0.5rem",
                    "padding": "1.5rem",
                    "textAlign": "center",
                },
                multiple=False,
            ),
            dcc.Loading(html.Div(id="entry-import-preview", className="mt-3")),
            dbc.Checkbox(
                id="entry-import-create",
                label="Create the unknown releases in the same import",
                value=False,
                className="mt-2",
            ),
            dbc.Button(
                "Import",
                id="entry-import-confirm",
                color="primary",
                disabled=True,
                className="mt-2",
            ),
            dbc.Progress(
                id="entry-import-progress", value=0, className="mt-3", style={"display": "none"}
            ),
            html.Div(id="entry-import-result", className="mt-3"),
            dcc.Store(id="entry-import-token"),
            dcc.Interval(id="entry-import-poll", interval=500, disabled=True),
        ]
    )


def layout(query: dict[str, list[str]]) -> html.Div:
    settings = context.settings()
    options = release_options()
    selected = None
    wanted = (query.get("release") or [""])[0]
    if wanted.isdigit():
        release = store.get_release(context.engine(), int(wanted))
        if release:
            selected = release["id"]
            if selected not in [o["value"] for o in options]:
                options.insert(0, {"label": store.release_label(release), "value": selected})
    return html.Div(
        [
            dcc.Store(id="entry-last-id"),
            dcc.Store(id="entry-editing"),
            dcc.Store(id="entry-delete-target"),
            dcc.Store(id="entry-changed", data=0),
            _metric_form(settings.tz, options, selected),
            _latest_section(),
            _release_section(options),
            _import_section(),
        ]
    )


# --------------------------------------------------------------------------- rendering


def _denied(exc: auth.PermissionDenied) -> dbc.Alert:
    return dbc.Alert(f"Nothing was changed: {exc}", color="danger")


def _latest_table(release_id: int | None, tz: str) -> Any:
    if not release_id:
        return html.P("Choose a release above to see its latest entries.", className="text-muted")
    rows = store.latest_metrics(context.engine(), int(release_id), limit=LATEST_ROWS)
    if not rows:
        return html.P("No entries for this release yet.", className="text-muted")
    zone = ZoneInfo(tz)
    body = [
        html.Tr(
            [
                html.Td(r["recorded_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M")),
                html.Td(r["platform"]),
                html.Td(r["metric_type"]),
                html.Td(f"{r['metric_value']:,}", className="text-end"),
                html.Td(r["value_kind"]),
                html.Td(r["source"]),
                html.Td(
                    [
                        dbc.Button(
                            "Edit",
                            id={"type": "entry-edit", "index": r["id"]},
                            size="sm",
                            color="secondary",
                            className="me-1",
                        ),
                        dbc.Button(
                            "Delete",
                            id={"type": "entry-delete", "index": r["id"]},
                            size="sm",
                            color="danger",
                        ),
                    ]
                ),
            ],
            id=f"entry-row-{r['id']}",
        )
        for r in rows
    ]
    head = html.Thead(
        html.Tr(
            [html.Th(h) for h in ("Recorded", "Platform", "Metric", "Value", "Kind", "Source", "")]
        )
    )
    return dbc.Table([head, html.Tbody(body)], size="sm", striped=True, id="entry-latest-table")


def _preview(report: csvio.ImportReport) -> Any:
    if report.fatal:
        return dbc.Alert(report.fatal, color="danger", id="entry-import-fatal")
    parts: list[Any] = [
        html.P(
            f"{report.filename}: {report.rows:,} rows ({csvio.DELIMITERS.get(report.delimiter, report.delimiter)}"
            f"-separated) for {report.release_count:,} release(s): "
            + ", ".join(report.releases[:20])
            + (" ..." if report.release_count > 20 else ""),
            id="entry-import-summary",
        )
    ]
    if report.ignored_columns:
        parts.append(html.P(f"Ignored column(s): {', '.join(report.ignored_columns)}"))
    if report.preview:
        cols = [
            "line",
            "release",
            "platform",
            "metric_type",
            "metric_value",
            "recorded_at",
            "value_kind",
        ]
        parts.append(
            dbc.Table(
                [
                    html.Thead(html.Tr([html.Th(c) for c in cols])),
                    html.Tbody(
                        [html.Tr([html.Td(str(row[c])) for c in cols]) for row in report.preview]
                    ),
                ],
                size="sm",
                id="entry-import-table",
            )
        )
    if report.problem_count:
        parts.append(
            dbc.Alert(
                [
                    html.Strong(f"{report.problem_count:,} problem(s); nothing can be imported:"),
                    html.Ul([html.Li(p) for p in report.problem_lines(limit=200)]),
                ],
                color="danger",
                id="entry-import-problems",
            )
        )
    if report.unknown_keys:
        parts.append(
            dbc.Alert(
                [
                    html.Strong(f"{len(report.unknown_keys):,} unknown release key(s): "),
                    ", ".join(report.unknown_keys),
                    html.Div("Tick the box below to create them in the same import."),
                ],
                color="warning",
                id="entry-import-unknown",
            )
        )
    return html.Div(parts)


# --------------------------------------------------------------------------- callbacks


def register(app: Dash) -> None:  # noqa: C901 - one closure per callback
    collect_now.register(app)  # "Collect now" panel of the collectors

    @app.callback(
        Output("entry-release_id", "options"),
        Input("entry-release_id", "search_value"),
        State("entry-release_id", "value"),
        State("entry-release_id", "options"),
        prevent_initial_call=True,
    )
    def search(search_value, value, current):
        if search_value is None:
            return no_update
        options = release_options(search_value or "")
        if value is not None and value not in [o["value"] for o in options]:
            options = [o for o in (current or []) if o["value"] == value] + options
        return options

    @app.callback(
        Output("entry-result", "children"),
        *[Output(f"entry-{f}-error", "children") for f in FIELDS],
        Output("entry-last-id", "data"),
        Output("entry-editing", "data"),
        Output("entry-changed", "data"),
        Input("entry-submit", "n_clicks"),
        *[State(f"entry-{f}", "value") for f in FIELDS],
        State("entry-value_kind", "value"),
        State("entry-editing", "data"),
        State("entry-changed", "data"),
        prevent_initial_call=True,
    )
    def submit(n_clicks, *values):
        skip = (no_update,) * (len(FIELDS) + 4)
        if not n_clicks:
            return skip
        *form, kind, editing, changed = values
        record = dict(zip(FIELDS, form, strict=True))
        record["value_kind"] = kind
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return _denied(exc), *[""] * len(FIELDS), no_update, no_update, no_update
        row_id, errors, message = save_metric(
            context.engine(), record, tz=context.settings().tz, editing=editing
        )
        texts = [errors.get(f, "") for f in FIELDS]
        if row_id is None:
            return (
                dbc.Alert(message, color="danger", id="entry-failed"),
                *texts,
                no_update,
                no_update,
                no_update,
            )
        confirmation = dbc.Alert(
            [
                html.Span(message, id="entry-saved-text"),
                dbc.Button("Undo", id="entry-undo", size="sm", color="link", className="ms-2")
                if editing is None
                else None,
            ],
            color="success",
            id="entry-saved",
        )
        return confirmation, *texts, (row_id if editing is None else None), None, (changed or 0) + 1

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
            return _denied(exc), no_update, no_update
        try:
            removed = store.delete_metric(context.engine(), int(row_id))
        except store.PerformanceDbError as exc:
            return dbc.Alert(f"Could not undo: {exc}", color="danger"), no_update, no_update
        text = (
            f"Undone: row {row_id} was removed." if removed else f"Row {row_id} was already gone."
        )
        return dbc.Alert(text, color="info", id="entry-undone"), None, (changed or 0) + 1

    @app.callback(
        Output("entry-latest", "children"),
        Input("entry-release_id", "value"),
        Input("entry-changed", "data"),
    )
    def latest(release_id, _changed):
        return _latest_table(release_id, context.settings().tz)

    @app.callback(
        Output("entry-platform", "value"),
        Output("entry-metric_type", "value"),
        Output("entry-metric_value", "value"),
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
        trigger = ctx.triggered_id
        if trigger == "entry-cancel-edit":
            return (no_update,) * 7 + (None,)
        if not isinstance(trigger, dict) or not any(c.get("value") for c in ctx.triggered):
            return (no_update,) * 8
        row = store.get_metric(context.engine(), int(trigger["index"]))
        if row is None:
            return (no_update,) * 8
        tz = ZoneInfo(context.settings().tz)
        return (
            row["platform"],
            row["metric_type"],
            f"{row['metric_value']:,}",
            row["recorded_at"].astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
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
        trigger = ctx.triggered_id
        if trigger == "entry-delete-cancel":
            return False, no_update, None, no_update, no_update
        if trigger == "entry-delete-confirm":
            if not target:
                return False, no_update, None, no_update, no_update
            try:
                auth.require_role("editor")
                removed = store.delete_metric(context.engine(), int(target))
            except auth.PermissionDenied as exc:
                return False, no_update, None, _denied(exc), no_update
            except store.PerformanceDbError as exc:
                return False, no_update, None, dbc.Alert(str(exc), color="danger"), no_update
            text = f"Deleted row {target}." if removed else f"Row {target} was already gone."
            return (
                False,
                no_update,
                None,
                dbc.Alert(text, color="info", id="entry-deleted"),
                (changed or 0) + 1,
            )
        if not isinstance(trigger, dict) or not any(c.get("value") for c in ctx.triggered):
            return no_update, no_update, no_update, no_update, no_update
        row = store.get_metric(context.engine(), int(trigger["index"]))
        if row is None:
            return False, no_update, None, no_update, (changed or 0) + 1
        when = row["recorded_at"].astimezone(ZoneInfo(context.settings().tz))
        body = (
            f"{row['platform']} {row['metric_type']} = {row['metric_value']:,} recorded "
            f"{when:%Y-%m-%d %H:%M} (row {row['id']}). This cannot be undone."
        )
        return True, body, row["id"], no_update, no_update

    # ------------------------------------------------------------------ releases

    rel_outputs = [
        "key",
        "title",
        "artist",
        "approved",
        "status",
        *RELEASE_IDENTIFIERS,
    ]

    @app.callback(
        *[Output(f"entry-rel-{f}", "value") for f in rel_outputs],
        Input("entry-rel-pick", "value"),
        prevent_initial_call=True,
    )
    def pick_release(pk):
        if pk in (None, NEW_RELEASE):
            return ("", "", "", None, "pending", *[""] * len(RELEASE_IDENTIFIERS))
        release = store.get_release(context.engine(), int(pk))
        if release is None:
            return (no_update,) * len(rel_outputs)
        approved = release.get("approved_at")
        approved_text = (
            approved.astimezone(ZoneInfo(context.settings().tz)).strftime("%Y-%m-%dT%H:%M")
            if approved
            else None
        )
        return (
            release["release_id"],
            release.get("title") or "",
            release.get("artist_name") or "",
            approved_text,
            release.get("distribution_status") or "pending",
            *[release.get(c) or "" for c in RELEASE_IDENTIFIERS],
        )

    @app.callback(
        Output("entry-rel-result", "children"),
        *[Output(f"entry-rel-{f}-error", "children") for f in rel_outputs],
        Output("entry-rel-pick", "options"),
        Output("entry-rel-pick", "value"),
        Output("entry-release_id", "options", allow_duplicate=True),
        Input("entry-rel-save", "n_clicks"),
        State("entry-rel-pick", "value"),
        *[State(f"entry-rel-{f}", "value") for f in rel_outputs],
        prevent_initial_call=True,
    )
    def save_release_cb(n_clicks, pk, *values):
        blank = [""] * len(rel_outputs)
        if not n_clicks:
            return no_update, *blank, no_update, no_update, no_update
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return _denied(exc), *blank, no_update, no_update, no_update
        form = dict(zip(rel_outputs, values, strict=True))
        target = None if pk in (None, NEW_RELEASE) else int(pk)
        new_pk, errors, message = save_release(
            context.engine(), target, form, tz=context.settings().tz
        )
        texts = [errors.get(f, "") for f in rel_outputs]
        if new_pk is None:
            return (
                dbc.Alert(message, color="danger", id="entry-rel-failed"),
                *texts,
                no_update,
                no_update,
                no_update,
            )
        options = release_options()
        if new_pk not in [o["value"] for o in options]:
            release = store.get_release(context.engine(), new_pk)
            options.insert(0, {"label": store.release_label(release), "value": new_pk})
        return (
            dbc.Alert(message, color="success", id="entry-rel-saved"),
            *texts,
            [{"label": "New release", "value": NEW_RELEASE}, *options],
            new_pk,
            options,
        )

    # ------------------------------------------------------------------ CSV import

    @app.callback(
        Output("entry-import-preview", "children"),
        Output("entry-import-token", "data"),
        Output("entry-import-confirm", "disabled"),
        Output("entry-import-result", "children"),
        Output("entry-upload", "contents"),
        Input("entry-upload", "contents"),
        State("entry-upload", "filename"),
        prevent_initial_call=True,
    )
    def upload(contents, filename):
        # contents is cleared after reading, so choosing the same file again works
        if not contents:
            return no_update, no_update, no_update, no_update, no_update
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return _denied(exc), None, True, "", None
        try:
            data = decode_upload(contents)
            token = csvio.save_upload(data)
        except csvio.CsvImportError as exc:
            return dbc.Alert(str(exc), color="danger"), None, True, "", None
        report = csvio.import_csv(
            context.engine(),
            csvio.job_path(token, ".csv"),
            dry_run=True,
            tz=context.settings().tz,
        )
        report.filename = filename or report.filename
        can_import = report.fatal is None and report.problem_count == 0 and report.rows > 0
        return _preview(report), (token if can_import else None), not can_import, "", None

    @app.callback(
        Output("entry-import-poll", "disabled"),
        Output("entry-import-progress", "style"),
        Output("entry-import-progress", "value", allow_duplicate=True),
        Output("entry-import-confirm", "disabled", allow_duplicate=True),
        Output("entry-import-result", "children", allow_duplicate=True),
        Input("entry-import-confirm", "n_clicks"),
        State("entry-import-token", "data"),
        State("entry-import-create", "value"),
        prevent_initial_call=True,
    )
    def confirm(n_clicks, token, create_missing):
        if not n_clicks or not token:
            return no_update, no_update, no_update, no_update, no_update
        try:
            auth.require_role("editor")
            csvio.start_import_job(
                context.engine(),
                token,
                create_missing=bool(create_missing),
                tz=context.settings().tz,
            )
        except auth.PermissionDenied as exc:
            return True, no_update, 0, False, _denied(exc)
        except csvio.CsvImportError as exc:
            return True, no_update, 0, True, dbc.Alert(str(exc), color="danger")
        return (
            False,
            {"display": "flex"},
            0,
            True,
            html.Div("Importing ...", id="entry-import-running"),
        )

    @app.callback(
        Output("entry-import-progress", "value"),
        Output("entry-import-progress", "label"),
        Output("entry-import-poll", "disabled", allow_duplicate=True),
        Output("entry-import-result", "children", allow_duplicate=True),
        Output("entry-import-token", "data", allow_duplicate=True),
        Output("entry-changed", "data", allow_duplicate=True),
        Input("entry-import-poll", "n_intervals"),
        State("entry-import-token", "data"),
        State("entry-changed", "data"),
        prevent_initial_call=True,
    )
    def poll(_n, token, changed):
        if not token:
            return no_update, no_update, True, no_update, no_update, no_update
        try:
            state = csvio.read_job(token)
        except csvio.CsvImportError as exc:
            return 0, "", True, dbc.Alert(str(exc), color="danger"), None, no_update
        if state is None:
            return no_update, no_update, no_update, no_update, no_update, no_update
        total = state.get("total") or 0
        pct = int(100 * state.get("done", 0) / total) if total else 0
        if state["state"] == "running":
            return (
                pct,
                f"{state.get('done', 0):,} / {total:,} rows",
                False,
                no_update,
                no_update,
                no_update,
            )
        ok = state.get("ok", False)
        body: list[Any] = [html.Span(state.get("summary", ""))]
        if state.get("problems"):
            body.append(html.Ul([html.Li(p) for p in state["problems"]]))
        alert = dbc.Alert(body, color="success" if ok else "danger", id="entry-import-done")
        return 100 if ok else pct, "done" if ok else "failed", True, alert, None, (changed or 0) + 1
