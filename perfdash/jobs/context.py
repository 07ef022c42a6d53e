"""What every part of a job shares: its kinds, its errors, the context it runs in and the
reporter its work tells progress to.  The bottom of the jobs package: it imports no sibling but
the Celery app's factory, on first use."""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from perfdash import store
from perfdash.config import Settings

log = logging.getLogger(__name__)

KINDS = ("import", "collect", "alerts", "digest")
STATES = ("queued", "running", "done", "failed")


class JobError(Exception):
    """A job cannot be started; the message says why and what to do."""


class UnknownJobError(JobError):
    """An id that is no job's (ids come from browsers and scripts, so they are checked)."""


class JobRunning(JobError):
    """Only one job of this kind may run at a time, and one does: ``job_id``."""

    def __init__(self, job_id: str, message: str) -> None:
        super().__init__(message)
        self.job_id = job_id


class JobContext:
    """What submitting and running jobs needs: the settings, the data's engine and the job
    tables' engine (the same one on PostgreSQL).  One per app or worker process, never module
    state; the Celery app is made on first use (importing Celery costs ~0.3 s)."""

    def __init__(self, settings: Settings, engine: Engine, jobs_engine: Engine | None = None):
        self.settings = settings
        self.engine = engine
        self.jobs_engine = jobs_engine or store.jobs_engine_for(engine)

    @functools.cached_property
    def celery(self):
        from perfdash.jobs.celery_app import make_celery

        return make_celery(self.settings)

    @property
    def stale_after(self) -> timedelta:
        return timedelta(seconds=self.settings.job_stale_seconds)

    def stale_before(self) -> datetime:
        return datetime.now(UTC) - self.stale_after


class Reporter:
    """What the work tells the job's row while it runs (the heartbeat thread renews it too)."""

    def __init__(self, ctx: JobContext, job_id: str, runner: str) -> None:
        self.ctx, self.job_id, self.runner = ctx, job_id, runner
        self.last: dict[str, Any] = {}

    def progress(self, progress: dict[str, Any]) -> None:
        self.last = dict(progress)
        try:
            store.job_heartbeat(self.ctx.jobs_engine, self.job_id, self.runner, self.last)
        except store.PerformanceDbError as exc:  # progress is best effort; the work goes on
            log.warning("job %s: progress not saved: %s", self.job_id, exc)
