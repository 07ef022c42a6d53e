"""The Celery worker's side: the app with its tasks registered, and the worker process's
job context.  The web side only sends tasks by name (``executors``), so it never imports this."""

from __future__ import annotations

from celery import Celery

from perfdash import store
from perfdash.config import Settings
from perfdash.jobs.celery_app import make_celery
from perfdash.jobs.context import JobContext
from perfdash.jobs.runner import run_job
from perfdash.jobs.schedules import run_scheduled


def worker_app(settings: Settings) -> Celery:
    """The Celery app of ``perfdash worker``: the web's app plus the tasks it runs."""
    app = make_celery(settings)

    @app.task(name="perfdash.run_job", bind=True)
    def run_job_task(task, job_id: str) -> str | None:
        return run_job(worker_context(task.app), job_id)

    @app.task(name="perfdash.scheduled", bind=True)
    def scheduled_task(task, name: str) -> str | None:
        return run_scheduled(worker_context(task.app), name)

    return app


def worker_context(app: Celery) -> JobContext:
    """The worker process's job context, made on its first task (after the fork, so every
    pool process has its own connection pool)."""
    ctx = getattr(app, "perfdash_context", None)
    if ctx is None:
        settings = app.perfdash_settings
        ctx = JobContext(settings, store.engine_from_settings(settings))
        app.perfdash_context = ctx
    return ctx
