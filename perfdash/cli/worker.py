"""``perfdash worker [--beat]``: the Celery worker that runs background jobs from Redis.

The Procfile's ``worker:`` line.  With ``--beat`` it also sends the scheduled collection and
alert runs (PERFDASH_COLLECT_SCHEDULE, PERFDASH_ALERTS_SCHEDULE, cron strings in UTC); every
worker may run with ``--beat``: each schedule's slot runs once (``jobs.schedules``).
"""

from __future__ import annotations

import click

from perfdash.cli.common import settings_for


@click.command()
@click.option("--beat", is_flag=True, help="Also send the scheduled collection and alert runs.")
@click.option(
    "--concurrency", type=int, default=2, show_default=True, help="Jobs run at the same time."
)
@click.option("--loglevel", default="INFO", show_default=True, help="Celery's log level.")
def worker(beat: bool, concurrency: int, loglevel: str) -> None:
    """Run background jobs (imports, collection, alerts) from the Redis queue."""
    settings = settings_for(None)
    if not settings.redis_url:
        raise click.ClickException(
            "perfdash worker needs REDIS_URL (Redis is the job queue); without it jobs run in "
            "the web process, and schedules come from cron (docs/deployment.md)"
        )
    if settings.is_sqlite and not settings.allow_sqlite:
        raise click.ClickException(
            "perfdash worker needs DATABASE_URL of the PostgreSQL database the web uses "
            "(or PERFDASH_ALLOW_SQLITE=1 on one machine)"
        )
    from perfdash.jobs.celery_app import worker_argv
    from perfdash.jobs.worker import worker_app

    app = worker_app(settings)
    if beat:
        from perfdash.jobs.cron import schedules

        for name, cron in schedules(settings).items():
            click.echo(f"schedule {name}: {cron} (UTC)")
    app.worker_main(worker_argv(settings, beat=beat, concurrency=concurrency, loglevel=loglevel))
