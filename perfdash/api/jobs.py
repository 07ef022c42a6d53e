"""/api/v1/imports, /api/v1/collect and /api/v1/jobs/ID: background jobs over HTTP.

``POST /imports`` takes a CSV body (the import format, or an export perfdash recognises from
its header: a distributor's statement, a Spotify for Artists or YouTube Studio file), keeps it in the database and queues an
all-or-nothing import; ``POST /collect`` queues a collection run (one at a time: a second
request answers 409 naming the running one).  Both answer 202 with ``Location:
/api/v1/jobs/ID`` and the job, which ``GET /jobs/ID`` reports: ``{"id", "kind", "state":
queued|running|done|failed, "progress", "result", "executor"}``.  The editor role is checked
before anything is queued.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Response, current_app, jsonify, request

from perfdash import jobs
from perfdash.api import http
from perfdash.csvio import formats
from perfdash.csvio.reader import check_columns, read_header
from perfdash.csvio.report import CsvImportError

# a CSV or a TSV file (a DistroKid statement is tab-separated), as scripts and browsers label it
UPLOAD_TYPES = ("text/csv", "text/tab-separated-values", "text/plain", "application/octet-stream")
JOB_FIELDS = ("id", "kind", "state", "executor", "progress", "result", "attempts")
TIME_FIELDS = ("created_at", "started_at", "heartbeat_at", "finished_at")


def _ctx() -> jobs.JobContext:
    return current_app.extensions["perfdash"]["jobs"]


def job_out(job: dict[str, Any]) -> dict[str, Any]:
    out = {name: job[name] for name in JOB_FIELDS}
    out.update({name: http.iso(job[name]) for name in TIME_FIELDS})
    return out


def _accepted(job_id: str, status: int = 202) -> Response:
    job = jobs.view(_ctx(), job_id)
    response = jsonify(job_out(job) if job else {"id": job_id})
    response.status_code = status
    response.headers["Location"] = f"{http.API_PREFIX}/jobs/{job_id}"
    return response


def post_import() -> Response:
    role = http.require("editor")
    mimetype = request.mimetype or ""
    if mimetype not in UPLOAD_TYPES:
        raise http.ApiError(415, "Send the CSV file as the body with 'Content-Type: text/csv'")
    body = request.get_data(cache=False)
    if not body.strip():
        raise http.ApiError(400, "The body is empty; send the CSV file (header line first)")
    create_missing = request.args.get("create_missing", "0").strip().lower()
    if create_missing not in ("0", "1", "true", "false", ""):
        raise http.ApiError(
            400, "create_missing must be 1 or 0", [{"field": "create_missing", "message": "1 or 0"}]
        )
    _check_header(body)
    filename = request.args.get("filename") or "api-import.csv"
    if len(filename) > 255:
        raise http.ApiError(400, "filename is longer than 255 characters", [{"field": "filename"}])
    ctx = _ctx()
    upload_id = jobs.save_upload(ctx, body, filename=filename, created_by=_who(role))
    try:
        job_id = jobs.submit_import(
            ctx, upload_id, create_missing=create_missing in ("1", "true"), created_by=_who(role)
        )
    except jobs.JobError as exc:
        raise http.ApiError(503, str(exc)) from None
    return _accepted(job_id)


def post_collect() -> Response:
    role = http.require("editor")
    try:
        job_id = jobs.submit_collect(_ctx(), created_by=_who(role), interactive=False)
    except jobs.JobRunning as exc:
        raise http.ApiError(
            409,
            f"{exc}; see {http.API_PREFIX}/jobs/{exc.job_id}",
            [{"field": "job", "message": exc.job_id}],
            headers={"Location": f"{http.API_PREFIX}/jobs/{exc.job_id}"},
        ) from None
    except jobs.JobError as exc:
        raise http.ApiError(503, str(exc)) from None
    return _accepted(job_id)


def get_job(job_id: str) -> Response:
    http.require("viewer")
    try:
        job = jobs.view(_ctx(), job_id)
    except jobs.UnknownJobError:
        job = None
    if job is None:
        raise http.ApiError(404, f"No job with id {job_id}")
    return jsonify(job_out(job))


def _check_header(body: bytes) -> None:
    """The header line is checked before anything is queued (the rows are the job's): the
    import format's columns, or the header of an export the importer recognises."""
    try:
        names, _ = read_header(io.BytesIO(body))
        if formats.detect(names) is None:
            check_columns(names, formats.known_labels())
    except UnicodeDecodeError:
        raise http.ApiError(400, "The file is not UTF-8 text; nothing was queued") from None
    except CsvImportError as exc:
        raise http.ApiError(400, f"{exc}; nothing was queued") from None


def _who(role: str | None) -> str:
    return f"api ({role})" if role else "api"
