"""The Celery app: Redis as the broker and the beat schedule from settings (its tasks are
registered by ``jobs.worker``, the only place that runs them).

Made per process from the settings (``make_celery``), never at import: the web side needs it
only to queue a task, ``perfdash worker`` to run them.  Choices:

- ``task_acks_late`` with ``task_reject_on_worker_lost``: a task is acknowledged when it ends,
  so a worker killed mid-job leaves the message to be delivered again (the jobs are
  idempotent, and ``runner.run_job`` claims a job once: a redelivered message of a finished
  or still-beating job does nothing);
- ``visibility_timeout`` (``PERFDASH_JOB_REDELIVER_SECONDS``): how long Redis waits for the
  acknowledgement of a message whose worker vanished before another worker gets it;
- ``worker_prefetch_multiplier=1``: a long import does not hold other jobs hostage;
- no result backend: a job's state and result are its row in the database.
"""

from __future__ import annotations

import ssl
import tempfile
from pathlib import Path

from celery import Celery

from perfdash.config import Settings
from perfdash.jobs.cron import crontab_for, schedules


def make_celery(settings: Settings) -> Celery:
    app = Celery("perfdash", broker=settings.redis_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue=settings.job_queue,
        broker_transport_options={"visibility_timeout": settings.job_redeliver_seconds},
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=5,
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        timezone="UTC",
        enable_utc=True,
        worker_hijack_root_logger=False,
        beat_schedule={
            name: {
                "task": "perfdash.scheduled",
                "schedule": crontab_for(cron),
                "args": (name,),
                "options": {"queue": settings.job_queue},
            }
            for name, cron in schedules(settings).items()
        },
        beat_schedule_filename=str(Path(tempfile.gettempdir()) / "perfdash-celerybeat-schedule"),
    )
    if settings.redis_url and settings.redis_url.startswith("rediss://"):
        required = ssl.CERT_REQUIRED if settings.redis_tls_verify else ssl.CERT_NONE
        app.conf.broker_use_ssl = {"ssl_cert_reqs": required}
    app.perfdash_settings = settings  # the worker's own settings (its credentials included)

    return app


def worker_argv(settings: Settings, *, beat: bool, concurrency: int, loglevel: str) -> list[str]:
    """The arguments of ``celery worker`` for ``perfdash worker``."""
    argv = [
        "worker",
        f"--queues={settings.job_queue}",
        f"--concurrency={concurrency}",
        f"--loglevel={loglevel}",
        "--without-gossip",
        "--without-mingle",
    ]
    if beat:
        argv.append("--beat")
    return argv
