"""Schedules for ``perfdash worker --beat``: cron strings from the settings, each slot run once.

Celery beat sends ``perfdash.scheduled(name)`` when a schedule is due.  Several workers may run
with ``--beat`` (two dynos, a deploy's overlap), so each firing claims the slot it belongs to
(the schedule's name and the minute it was due, ``perfdash_jobs.dedupe_key``): the first claim
runs, the others find the slot taken and do nothing.  A collection also waits its turn behind a
collection already running (one at a time, see ``jobs.submit_collect``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from perfdash.jobs.context import JobContext, JobRunning
from perfdash.jobs.core import submit
from perfdash.jobs.cron import last_slot, schedules
from perfdash.jobs.runner import run_job

log = logging.getLogger(__name__)


def run_scheduled(ctx: JobContext, name: str, now: datetime | None = None) -> str | None:
    """Claim this firing's slot and run the job here (we are in a worker already); returns
    the job's state, or None when another worker had the slot or the schedule is off."""
    cron = schedules(ctx.settings).get(name)
    slot = last_slot(cron, now or datetime.now(UTC)) if cron else None
    if slot is None:
        log.info("schedule %s: not due (or off); nothing to do", name)
        return None
    key = f"{name}@{slot:%Y-%m-%dT%H:%MZ}"
    params = {"interactive": False, "schedule": key} if name == "collect" else {"schedule": key}
    try:
        job_id = submit(
            ctx,
            name,
            params,
            exclusive="collect" if name == "collect" else None,
            dedupe_key=key,
            created_by="schedule",
            executor="inline",
        )
    except JobRunning as exc:
        log.info("schedule %s: slot taken or a run is going on (job %s)", key, exc.job_id)
        return None
    return run_job(ctx, job_id)
