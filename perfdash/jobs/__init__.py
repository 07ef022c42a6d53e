"""Background jobs: one interface for a CSV import, a collection run, a scheduled alert run and
whatever comes next.

A job is a row (``store.create_job``) that any host can read: the page that polls it, the API's
``GET /api/v1/jobs/ID`` and the process that runs it need not be the same machine.  It runs on
one of two executors:

- ``thread`` (the default: the embedded single machine): a thread of the process that
  accepted it;
- ``celery`` (the default when ``REDIS_URL`` is set): a task on Redis for ``perfdash worker``,
  acknowledged late (a worker that dies mid-job leaves the message to be delivered again, and
  the jobs are idempotent: an import is all-or-nothing and skips rows already stored).

While it runs, the job renews a heartbeat; a running job whose heartbeat stopped is shown as
failed ("the process died"), whichever executor ran it.  Modules, from the bottom up:
``context`` (kinds, errors, the context, the reporter), ``cron`` (the schedules' cron strings),
``celery_app`` (the Celery app), ``work`` (what each kind does), ``runner`` (claim, heartbeat,
finish), ``executors`` (thread, Celery, inline), ``core`` (submit, view, uploads),
``schedules`` (each slot once), ``worker`` (the Celery worker's tasks).
"""

from perfdash.jobs.context import KINDS, JobContext, JobError, JobRunning, UnknownJobError
from perfdash.jobs.core import (
    check_id,
    discard_upload,
    save_upload,
    submit,
    submit_collect,
    submit_import,
    view,
)

__all__ = [
    "KINDS",
    "JobContext",
    "JobError",
    "JobRunning",
    "UnknownJobError",
    "check_id",
    "discard_upload",
    "save_upload",
    "submit",
    "submit_collect",
    "submit_import",
    "view",
]
