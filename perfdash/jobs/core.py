"""Submitting a job and reading one back: the interface every face (page, API, CLI) uses.

Faces check the caller's role before they submit (``auth.require_role``, ``http.require``):
the executor trusts what is queued.  ``view`` is the one shape of a job for the page and the
API: ``{"id", "kind", "state", "progress", "result", "executor", ...}``, with a running job
whose heartbeat stopped reported ``failed``.
"""

from __future__ import annotations

import re
from typing import Any

from perfdash import store
from perfdash.jobs import executors
from perfdash.jobs.context import KINDS, JobContext, JobError, JobRunning, UnknownJobError

_ID = re.compile(r"^[0-9a-f]{32}$")

STOPPED = {
    "import": "The import stopped (its process died); nothing was written. Start it again.",
    "collect": "The collection stopped (its process died). Readings already written are kept.",
    "alerts": "The alert run stopped (its process died); alerts not sent will go next time.",
    "digest": "The digest run stopped (its process died); digests not sent will go next time.",
}


def check_id(job_id: Any) -> str:
    if not isinstance(job_id, str) or not _ID.match(job_id):
        raise UnknownJobError("Unknown job")
    return job_id


def submit(
    ctx: JobContext,
    kind: str,
    params: dict[str, Any],
    *,
    upload_id: str | None = None,
    exclusive: str | None = None,
    dedupe_key: str | None = None,
    created_by: str | None = None,
    executor: str | None = None,
) -> str:
    """Queue a job and hand it to its executor; returns its id.  ``JobRunning`` when an
    ``exclusive`` job of the same name is queued or running."""
    if kind not in KINDS:
        raise JobError(f"Unknown kind of job {kind!r}")
    executor = executor or ctx.settings.job_executor
    job_id, created = store.create_job(
        ctx.jobs_engine,
        kind=kind,
        executor=executor,
        params=params,
        upload_id=upload_id,
        exclusive=exclusive,
        dedupe_key=dedupe_key,
        created_by=created_by,
        stale_before=ctx.stale_before(),
    )
    if not created:
        raise JobRunning(job_id, f"A {kind} job is already running (job {job_id})")
    executors.dispatch(ctx, job_id, executor)
    return job_id


def save_upload(
    ctx: JobContext, data: bytes, *, filename: str | None = None, created_by: str | None = None
) -> str:
    """Keep an uploaded file for its import: an hour at most (expired ones go first)."""
    return store.save_upload(ctx.jobs_engine, data, filename=filename, created_by=created_by)


def discard_upload(ctx: JobContext, upload_id: Any) -> None:
    """Remove an upload whose preview was abandoned (replaced by another file)."""
    if isinstance(upload_id, str) and _ID.match(upload_id):
        store.delete_upload(ctx.jobs_engine, upload_id)


def submit_import(
    ctx: JobContext, upload_id: str, *, create_missing: bool, created_by: str | None = None
) -> str:
    """Import an upload (``save_upload``) as a job, all-or-nothing."""
    try:
        check_id(upload_id)
    except UnknownJobError:
        raise JobError("Unknown upload; upload the file again") from None
    if not store.upload_exists(ctx.jobs_engine, upload_id):
        raise JobError(
            "The uploaded file is no longer on the server (uploads are kept for an hour); "
            "upload it again"
        )
    params = {"create_missing": bool(create_missing), "tz": ctx.settings.tz}
    return submit(ctx, "import", params, upload_id=upload_id, created_by=created_by)


def submit_collect(
    ctx: JobContext,
    *,
    created_by: str | None = None,
    interactive: bool = True,
    executor: str | None = None,
    dedupe_key: str | None = None,
) -> str:
    """Start a collection run, one at a time across every host: ``JobRunning`` names the one
    already running, so two runs never spend a platform's quota twice."""
    try:
        return submit(
            ctx,
            "collect",
            {"interactive": interactive},
            exclusive="collect",
            dedupe_key=dedupe_key,
            created_by=created_by,
            executor=executor,
        )
    except JobRunning as exc:
        raise JobRunning(
            exc.job_id, f"A collection is already running (job {exc.job_id})"
        ) from None


def view(ctx: JobContext, job_id: str) -> dict[str, Any] | None:
    """The job as the page and the API show it, or None when there is no such job."""
    row = store.get_job(ctx.jobs_engine, check_id(job_id))
    if row is None:
        return None
    state, result = row["state"], row["result"]
    if _dead(ctx, row):
        state = "failed"
        result = {"summary": STOPPED.get(row["kind"], "The job stopped."), "stopped": True}
    return {
        "id": row["id"],
        "kind": row["kind"],
        "state": state,
        "executor": row["executor"],
        "progress": row["progress"] or {},
        "result": result,
        "attempts": row["attempts"],
        "runner": row["runner"],
        "created_by": row["created_by"],
        "created_at": row["created_at"],
        "started_at": row["started_at"],
        "heartbeat_at": row["heartbeat_at"],
        "finished_at": row["finished_at"],
    }


def _dead(ctx: JobContext, row: dict[str, Any]) -> bool:
    """A running job whose heartbeat stopped, or a thread job that never started: the process
    that had it died (a queued Celery job is waiting for a worker, which is not death)."""
    stale_before = ctx.stale_before()
    if row["state"] == "running":
        return row["heartbeat_at"] is None or row["heartbeat_at"] < stale_before
    if row["state"] == "queued" and row["executor"] == "thread":
        return row["created_at"] < stale_before
    return False
