"""Schedules for ``perfdash worker --beat``: cron strings from the settings, each slot run once.

Celery beat sends ``perfdash.scheduled(name)`` when a schedule is due.  Several workers may run
with ``--beat`` (two dynos, a deploy's overlap), so each firing claims the slot it belongs to
(the schedule's name and the minute it was due, ``perfdash_jobs.dedupe_key``): the first claim
runs, the others find the slot taken and do nothing.  A collection also waits its turn behind a
collection already running (one at a time, see ``jobs.submit_collect``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from perfdash.config import Settings
from perfdash.jobs.core import JobContext, JobRunning, submit

log = logging.getLogger(__name__)

# how far back a firing looks for the slot it is late for (beat fires within seconds)
LOOKBACK_MINUTES = 59


def schedules(settings: Settings) -> dict[str, str]:
    """The schedules that are on: name -> cron string (UTC)."""
    table = {"collect": settings.collect_schedule, "alerts": settings.alerts_schedule}
    return {name: cron for name, cron in table.items() if cron}


def crontab_for(cron: str):
    """Celery's crontab for a five-field cron string (minute hour day month weekday)."""
    from celery.schedules import crontab

    minute, hour, day_of_month, month_of_year, day_of_week = cron.split()
    return crontab(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
    )


def last_slot(cron: str, now: datetime) -> datetime | None:
    """The minute, at most an hour ago, at which ``cron`` was last due (None if none was)."""
    schedule = crontab_for(cron)
    moment = now.astimezone(UTC).replace(second=0, microsecond=0)
    for _ in range(LOOKBACK_MINUTES + 1):
        if (
            moment.minute in schedule.minute
            and moment.hour in schedule.hour
            and moment.day in schedule.day_of_month
            and moment.month in schedule.month_of_year
            and moment.isoweekday() % 7 in schedule.day_of_week
        ):
            return moment
        moment -= timedelta(minutes=1)
    return None


def run_scheduled(ctx: JobContext, name: str, now: datetime | None = None) -> str | None:
    """Claim this firing's slot and run the job here (we are in a worker already); returns
    the job's state, or None when another worker had the slot or the schedule is off."""
    from perfdash.jobs.runner import run_job

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
