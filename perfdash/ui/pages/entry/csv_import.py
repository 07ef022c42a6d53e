"""CSV import on the data-entry page: upload, see what would be imported, confirm.

The upload is a dry run of ``csvio.import_csv`` (the same function the CLI and the benchmarks
call): nothing is written until the user confirms, and a file with any problem cannot be
confirmed.  The file waits in the database (``jobs.save_upload``: any host can import it; a
replaced preview's file is removed, an abandoned one expires after an hour).  The confirmed
import runs as a job (``jobs.submit_import``) that the page polls, all-or-nothing; a job that
is gone or whose process died is shown as such and the poll stops.  Every step checks the
editor role on the server.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update

from perfdash import auth, csvio, jobs
from perfdash.ui import components, context
from perfdash.web import limits

PREVIEW_COLUMNS = [
    "line",
    "release",
    "platform",
    "metric_type",
    "metric_value",
    "recorded_at",
    "value_kind",
    "country",
]


def section() -> html.Div:
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
            dcc.Store(id="entry-import-unknown-count", data=0),
            dcc.Store(id="entry-import-job"),
            dcc.Interval(id="entry-import-poll", interval=500, disabled=True),
        ]
    )


def decode_upload(contents: str) -> bytes:
    """The bytes of a dcc.Upload data URL."""
    try:
        _, b64 = contents.split(",", 1)
        return base64.b64decode(b64, validate=False)
    except (ValueError, binascii.Error) as exc:
        raise csvio.CsvImportError("The upload could not be read; try again") from exc


def upload_too_big(size: int, max_upload_mb: int) -> str | None:
    """Why a file of ``size`` bytes is refused, or None (the body limit of ``web.limits``
    leaves room for Dash's JSON around the file, so the file itself is checked here)."""
    if size <= max_upload_mb * limits.MB:
        return None
    return (
        f"The file is {size / limits.MB:,.1f} MB, larger than the limit of {max_upload_mb} MB "
        "(PERFDASH_MAX_UPLOAD_MB); split it, or import it with `perfdash import`. "
        "Nothing was changed."
    )


def preview(report: csvio.ImportReport) -> Any:
    """What the dry run found: the file's shape, its first rows, and what stops the import."""
    if report.fatal:
        return dbc.Alert(report.fatal, color="danger", id="entry-import-fatal")
    separator = csvio.DELIMITERS.get(report.delimiter, report.delimiter)
    listed = ", ".join(report.releases[:20]) + (" ..." if report.release_count > 20 else "")
    parts: list[Any] = [
        html.P(
            f"{report.filename}: {report.rows:,} rows ({separator}-separated) for "
            f"{report.release_count:,} release(s): {listed}",
            id="entry-import-summary",
        )
    ]
    if report.column_map:
        parts.append(_format(report))
    if report.ignored_columns:
        parts.append(html.P(f"Ignored column(s): {', '.join(report.ignored_columns)}"))
    if report.preview:
        parts.append(_first_rows(report.preview))
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
                    html.Strong(
                        f"{len(report.unknown_keys):,} unknown release key(s): "
                        if not report.column_map
                        else f"{len(report.unknown_keys):,} release(s) no line matched "
                        "(by ISRC, UPC, then artist and title): "
                    ),
                    "; ".join(report.unknown_keys),
                    html.Div(
                        "Import stays off until you tick “Create the unknown releases in the "
                        "same import” below, or add those releases first (Releases, above)."
                    ),
                ],
                color="warning",
                id="entry-import-unknown",
            )
        )
    return html.Div(parts)


def _format(report: csvio.ImportReport) -> html.Div:
    """The export recognised from the header and what each of its columns is read as."""
    return html.Div(
        [
            html.P(
                [html.Strong("Recognised: "), report.format_label],
                id="entry-import-format",
                className="mb-1",
            ),
            dbc.Table(
                [
                    html.Thead(html.Tr([html.Th("Column in the file"), html.Th("Read as")])),
                    html.Tbody(
                        [
                            html.Tr([html.Td(name), html.Td(meaning)])
                            for name, meaning in report.column_map
                        ]
                    ),
                ],
                size="sm",
                bordered=True,
                id="entry-import-mapping",
                className="mb-3",
            ),
        ]
    )


def _cell(row: dict[str, Any], column: str) -> str:
    """A preview cell; money as its amount and currency (4.862311 USD), not micro-units."""
    value = row.get(column, "")
    if column == "metric_value" and row.get("currency"):
        whole, micro = divmod(int(value), 1_000_000)
        return f"{whole:,}.{micro:06d} {row['currency']}"
    return str(value)


def _first_rows(rows: list[dict[str, Any]]) -> dbc.Table:
    return dbc.Table(
        [
            html.Thead(html.Tr([html.Th(c) for c in PREVIEW_COLUMNS])),
            html.Tbody(
                [html.Tr([html.Td(_cell(row, c)) for c in PREVIEW_COLUMNS]) for row in rows]
            ),
        ],
        size="sm",
        id="entry-import-table",
    )


def _outcome(job: dict[str, Any]) -> dbc.Alert:
    """The finished job's summary and its problems."""
    result = job.get("result") or {}
    body: list[Any] = [html.Span(result.get("summary", ""))]
    if result.get("problems"):
        body.append(html.Ul([html.Li(p) for p in result["problems"]]))
    color = "success" if job["state"] == "done" else "danger"
    return dbc.Alert(body, color=color, id="entry-import-done")


GONE = "This import is no longer known to the server (it was removed); upload the file again."


def _user() -> str | None:
    return (auth.current_user() or {}).get("username")


def register(app: Dash) -> None:
    @app.callback(
        Output("entry-import-preview", "children"),
        Output("entry-import-token", "data"),
        Output("entry-import-confirm", "disabled"),
        Output("entry-import-result", "children"),
        Output("entry-upload", "contents"),
        Output("entry-import-unknown-count", "data"),
        Input("entry-upload", "contents"),
        State("entry-upload", "filename"),
        State("entry-import-token", "data"),
        prevent_initial_call=True,
    )
    def upload(contents, filename, previous):
        # contents is cleared after reading, so choosing the same file again works
        if not contents:
            return no_update, no_update, no_update, no_update, no_update, no_update
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return components.denied(exc), None, True, "", None, 0
        try:
            data = decode_upload(contents)
        except csvio.CsvImportError as exc:
            return dbc.Alert(str(exc), color="danger"), None, True, "", None, 0
        too_big = upload_too_big(len(data), context.settings().max_upload_mb)
        if too_big:
            fatal = dbc.Alert(too_big, color="danger", id="entry-import-fatal")
            return fatal, None, True, "", None, 0
        report = csvio.import_csv(
            context.engine(), data, dry_run=True, tz=context.settings().tz, filename=filename
        )
        report.filename = filename or report.filename
        can_import = report.fatal is None and report.problem_count == 0 and report.rows > 0
        if previous:  # the preview this one replaces was abandoned: its file goes
            jobs.discard_upload(context.jobs(), previous)
        token = None
        if can_import:  # kept in the database for the import, whichever host runs it
            token = jobs.save_upload(context.jobs(), data, filename=filename, created_by=_user())
        unknown = len(report.unknown_keys)
        return preview(report), token, not can_import, "", None, unknown

    @app.callback(
        Output("entry-import-confirm", "disabled", allow_duplicate=True),
        Input("entry-import-create", "value"),
        Input("entry-import-unknown-count", "data"),
        State("entry-import-token", "data"),
        prevent_initial_call=True,
    )
    def ready(create_missing, unknown, token):
        """Import waits for the box to be ticked while the file names releases that do not
        exist: importing would refuse the whole file."""
        return not token or bool(unknown and not create_missing)

    @app.callback(
        Output("entry-import-poll", "disabled"),
        Output("entry-import-progress", "style"),
        Output("entry-import-progress", "value", allow_duplicate=True),
        Output("entry-import-confirm", "disabled", allow_duplicate=True),
        Output("entry-import-result", "children", allow_duplicate=True),
        Output("entry-import-job", "data"),
        Output("entry-import-token", "data", allow_duplicate=True),
        Input("entry-import-confirm", "n_clicks"),
        State("entry-import-token", "data"),
        State("entry-import-create", "value"),
        prevent_initial_call=True,
    )
    def confirm(n_clicks, token, create_missing):
        if not n_clicks or not token:
            return (no_update,) * 7
        try:
            auth.require_role("editor")  # before anything is queued
            job_id = jobs.submit_import(
                context.jobs(), token, create_missing=bool(create_missing), created_by=_user()
            )
        except auth.PermissionDenied as exc:
            return True, no_update, 0, False, components.denied(exc), None, no_update
        except jobs.JobError as exc:
            return True, no_update, 0, True, dbc.Alert(str(exc), color="danger"), None, None
        running = html.Div("Importing ...", id="entry-import-running")
        return False, {"display": "flex"}, 0, True, running, job_id, None

    @app.callback(
        Output("entry-import-progress", "value"),
        Output("entry-import-progress", "label"),
        Output("entry-import-poll", "disabled", allow_duplicate=True),
        Output("entry-import-result", "children", allow_duplicate=True),
        Output("entry-import-job", "data", allow_duplicate=True),
        Output("entry-changed", "data", allow_duplicate=True),
        Input("entry-import-poll", "n_intervals"),
        State("entry-import-job", "data"),
        State("entry-changed", "data"),
        prevent_initial_call=True,
    )
    def poll(_n, job_id, changed):
        if not job_id:
            return no_update, no_update, True, no_update, no_update, no_update
        try:
            job = jobs.view(context.jobs(), job_id)
        except jobs.UnknownJobError:
            job = None
        if job is None:  # gone: say so and stop polling
            return (
                0,
                "",
                True,
                dbc.Alert(GONE, color="danger", id="entry-import-done"),
                None,
                no_update,
            )
        progress = job["progress"]
        total = progress.get("total") or 0
        pct = int(100 * progress.get("done", 0) / total) if total else 0
        if job["state"] in ("queued", "running"):
            label = f"{progress.get('done', 0):,} / {total:,} rows" if total else "waiting…"
            return pct, label, False, no_update, no_update, no_update
        ok = job["state"] == "done"
        done = 100 if ok else pct
        return done, "done" if ok else "failed", True, _outcome(job), None, (changed or 0) + 1
