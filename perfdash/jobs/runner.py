"""Running one job: claim it, keep its heartbeat, do its work, record the end.

The same function runs in a web worker's thread and in a Celery task.  Claiming is one
conditional UPDATE, so a job runs once even when a message is delivered twice; a redelivered
job whose process died (running, heartbeat stopped) is claimed again and run from the start,
which is safe because every kind is idempotent.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

from perfdash import store
from perfdash.jobs.context import JobContext, Reporter
from perfdash.jobs.work import WORK

log = logging.getLogger(__name__)


def runner_name() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{threading.get_ident() % 100000}"


def run_job(
    ctx: JobContext,
    job_id: str,
    work: Callable[[JobContext, dict[str, Any], Reporter], tuple[str, dict[str, Any]]]
    | None = None,
) -> str | None:
    """Run the job if this process can claim it; returns its final state, or None when it was
    not ours to run (finished already, or alive elsewhere).  ``work`` replaces the kind's own
    (the CLI's collection with its options)."""
    runner = runner_name()
    if not store.claim_job(ctx.jobs_engine, job_id, runner, stale_before=ctx.stale_before()):
        log.info("job %s: not claimed (finished, or running elsewhere)", job_id)
        return None
    job = store.get_job(ctx.jobs_engine, job_id)
    reporter = Reporter(ctx, job_id, runner)
    stop = threading.Event()
    beat = threading.Thread(
        target=_heartbeat, args=(ctx, job_id, runner, stop), name=f"perfdash-beat-{job_id[:8]}"
    )
    beat.daemon = True
    beat.start()
    work = work or WORK[job["kind"]]
    try:
        state, result = work(ctx, job, reporter)
    except Exception as exc:  # noqa: BLE001 - a job's failure is reported, never lost
        log.exception("job %s (%s) failed", job_id, job["kind"])
        message = str(exc) if isinstance(exc, store.PerformanceDbError) else type(exc).__name__
        state, result = "failed", {"summary": f"The {job['kind']} failed: {message}"}
    finally:
        stop.set()
        beat.join(timeout=5)
    store.finish_job(
        ctx.jobs_engine, job_id, state=state, result=result, runner=runner, progress=reporter.last
    )
    if job["upload_id"]:
        store.delete_upload(ctx.jobs_engine, job["upload_id"])
    _tidy(ctx)
    return state


def _tidy(ctx: JobContext) -> None:
    """Uploads past their hour, finished jobs past a month and share links revoked or expired
    more than 90 days ago go, whoever ran the last job (the daily scheduled collection runs
    one, on a worker or from ``perfdash collect`` in cron)."""
    try:
        store.purge_expired_uploads(ctx.jobs_engine)
        store.delete_old_jobs(ctx.jobs_engine)
        store.purge_ended_share_links(ctx.engine)
    except store.PerformanceDbError as exc:
        log.warning("tidying old uploads, jobs and share links failed: %s", exc)


def _heartbeat(ctx: JobContext, job_id: str, runner: str, stop: threading.Event) -> None:
    interval = max(0.2, ctx.settings.job_stale_seconds / 6)
    while not stop.wait(interval):
        try:
            if not store.job_heartbeat(ctx.jobs_engine, job_id, runner):
                return
        except store.PerformanceDbError as exc:
            log.warning("job %s: heartbeat not saved: %s", job_id, exc)
