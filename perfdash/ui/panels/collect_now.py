""" "Collect now" on the data-entry tab: run the collectors once, showing each source's progress,
then the summary.

Only editors see the button, and both callbacks check the role again on the server.  The run is
the same ``collect.run`` the scheduled ``perfdash collect`` does (credentials from the
settings of the process that runs it).  It runs as a background job (``jobs.submit_collect``:
a thread of the web worker, or a Celery worker with REDIS_URL; its state in the database, so
any host answers the poll) and the panel polls it, so the page says which source is being read
and how many of its releases are done while it runs, and a worker timeout never cuts a slow
run short.  One collection runs at a time: a click while one runs shows that one.  A job that
is gone or whose process died is shown as such and the poll stops.  Scheduled collection stays the normal way in:
this is for "I just set the ids, show me now".
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update
from flask import has_request_context

from perfdash import auth, jobs
from perfdash.ui import context


def layout() -> html.Div:
    """The panel for editors; nothing for others (or outside a request, e.g. a unit test)."""
    if not has_request_context() or not auth.role_allows(auth.current_role(), "editor"):
        return html.Div()
    return html.Div(
        [
            dbc.Button(
                "Collect now",
                id="collect-now-button",
                color="secondary",
                outline=True,
                size="sm",
                n_clicks=0,
            ),
            html.Span(
                "Reads YouTube, Last.fm, Deezer and Spotify for releases with platform ids.",
                className="text-secondary small ms-2",
            ),
            html.Div(id="collect-now-status", className="small mt-1", role="status"),
            html.Div(id="collect-now-result", className="mt-2"),
            dcc.Store(id="collect-now-job"),
            dcc.Interval(id="collect-now-poll", interval=600, disabled=True),
        ]
    )


QUEUED = "A collection is queued (job {id}), waiting for a worker…"
GONE = "This collection is no longer known to the server; press Collect now again."


def summary_view(lines: list[str], failed: bool) -> dbc.Alert:
    return dbc.Alert(
        [
            html.Div(lines[0], id="collect-now-headline", className="fw-semibold"),
            *(html.Div(line, className="small") for line in lines[1:]),
        ],
        color="danger" if failed else "success",
        className="py-2",
    )


def progress_view(state: dict[str, Any]) -> list:
    """What the running job has said: the source being read, then each finished source."""
    current = state.get("current") or "Starting…"
    return [
        dbc.Spinner(size="sm", spinner_class_name="me-2"),
        html.Span(current, id="collect-now-current"),
        *(html.Div(line, className="text-secondary") for line in state.get("finished", [])),
    ]


def register(app: Dash) -> None:
    @app.callback(
        Output("collect-now-job", "data"),
        Output("collect-now-poll", "disabled"),
        Output("collect-now-button", "disabled"),
        Output("collect-now-status", "children"),
        Output("collect-now-result", "children"),
        Input("collect-now-button", "n_clicks"),
        prevent_initial_call=True,
    )
    def collect_now(n_clicks: int | None):
        if not n_clicks:
            return (no_update,) * 5
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            alert = dbc.Alert(f"Not allowed: {exc}. Nothing was collected.", color="warning")
            return None, True, False, "", alert
        user = (auth.current_user() or {}).get("username")
        try:
            job_id = jobs.submit_collect(context.jobs(), created_by=user)
        except jobs.JobRunning as exc:
            return exc.job_id, False, True, progress_view({"current": f"{exc}…"}), None
        except jobs.JobError as exc:
            return None, True, False, "", dbc.Alert(str(exc), color="danger")
        return job_id, False, True, progress_view({}), None

    @app.callback(
        Output("collect-now-poll", "disabled", allow_duplicate=True),
        Output("collect-now-button", "disabled", allow_duplicate=True),
        Output("collect-now-status", "children", allow_duplicate=True),
        Output("collect-now-result", "children", allow_duplicate=True),
        Input("collect-now-poll", "n_intervals"),
        State("collect-now-job", "data"),
        prevent_initial_call=True,
    )
    def poll(_n: int, token: str | None):
        if not token:
            return True, False, "", no_update
        try:
            auth.require_role("editor")
            job = jobs.view(context.jobs(), token)
        except (auth.PermissionDenied, jobs.UnknownJobError) as exc:
            return True, False, "", dbc.Alert(str(exc), color="warning")
        if job is None:  # gone: say so and stop polling
            return True, False, "", dbc.Alert(GONE, color="danger", id="collect-now-gone")
        if job["state"] == "queued":
            return False, True, progress_view({"current": QUEUED.format(id=job["id"])}), no_update
        if job["state"] == "running":
            return False, True, progress_view(job["progress"]), no_update
        result = job["result"] or {}
        if job["state"] == "done":
            return True, False, "", summary_view(result["lines"], result["failed"])
        return True, False, "", dbc.Alert(result.get("summary", "Failed"), color="danger")
