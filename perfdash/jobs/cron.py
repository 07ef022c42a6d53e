"""The schedules that are on, as cron strings from the settings, and the slot a firing is for.

Pure: the settings in, Celery's crontab and a minute out; no job is touched here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from perfdash.config import Settings

# how far back a firing looks for the slot it is late for (beat fires within seconds)
LOOKBACK_MINUTES = 59


def schedules(settings: Settings) -> dict[str, str]:
    """The schedules that are on: name -> cron string (UTC)."""
    table = {
        "collect": settings.collect_schedule,
        "alerts": settings.alerts_schedule,
        "digest": settings.digest_schedule,
    }
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
