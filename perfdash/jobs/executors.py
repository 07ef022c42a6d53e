"""Where a queued job runs: a thread of this process, a Celery worker through Redis, or
``inline``: in the foreground of the caller (``perfdash collect``, a scheduled task)."""

from __future__ import annotations

import logging
import threading

from perfdash import store
from perfdash.jobs.context import JobContext, JobError
from perfdash.jobs.runner import run_job

log = logging.getLogger(__name__)


def dispatch(ctx: JobContext, job_id: str, executor: str) -> None:
    """Hand a queued job to ``executor``.  A queue that cannot be reached fails the job at
    once with a message, rather than leaving it queued for a worker that never hears of it."""
    if executor == "inline":
        return  # the caller runs it in the foreground (the CLI, a scheduled task)
    if executor == "thread":
        thread = threading.Thread(
            target=run_job, args=(ctx, job_id), name=f"perfdash-job-{job_id[:8]}", daemon=True
        )
        thread.start()
        return
    if executor == "celery":
        try:
            ctx.celery.send_task("perfdash.run_job", args=[job_id], queue=ctx.settings.job_queue)
        except Exception as exc:  # noqa: BLE001 - kombu raises several kinds for a lost broker
            log.warning("queueing job %s failed: %s", job_id, exc)
            message = "The job queue (Redis) is unavailable; nothing was started. Try again."
            store.finish_job(ctx.jobs_engine, job_id, state="failed", result={"summary": message})
            raise JobError(message) from None
        return
    raise JobError(f"Unknown job executor {executor!r}")
