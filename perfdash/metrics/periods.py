"""Periods in whole local days: what "last 28 days" means in the configured time zone.

Every period is a half-open UTC range whose ends are local midnights, so the dashboard, the
API and the daily rollup (which counts local days) agree on where a day begins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PERIOD_PRESETS: dict[str, int | None] = {"7d": 7, "28d": 28, "90d": 90, "12m": 365, "all": None}


@dataclass(frozen=True)
class Period:
    """A half-open [start, end) range in UTC, with the display dates it came from."""

    start: datetime | None
    end: datetime

    @property
    def days(self) -> float | None:
        return None if self.start is None else (self.end - self.start).total_seconds() / 86400

    def previous(self, tz: str | None = None) -> Period | None:
        """The period of the same length just before this one.

        With ``tz``, a period of whole local days gives the same number of whole local days
        (a 90-day period across a DST switch is not a multiple of 24 hours; stepping back in
        hours would start the previous period at 23:00 or 01:00, a day nobody asked for, and
        off the daily rollup's day boundaries).
        """
        if self.start is None:
            return None
        if tz is not None:
            zone = ZoneInfo(tz)
            first, last = self.start.astimezone(zone), self.end.astimezone(zone)
            if first.time() == time.min and last.time() == time.min:
                days = (last.date() - first.date()).days
                return Period(local_midnight(first.date() - timedelta(days=days), tz), self.start)
        return Period(self.start - (self.end - self.start), self.start)


def local_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def period_for(
    preset: str | None,
    tz: str,
    *,
    now: datetime | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
) -> Period:
    """The period a preset (or a custom date range, end date included) covers.

    Presets end at the end of today in ``tz`` and cover whole local days.
    """
    now = now or datetime.now(UTC)
    today = now.astimezone(ZoneInfo(tz)).date()
    if preset == "custom" or (start_date and end_date and preset is None):
        if start_date is None or end_date is None:
            raise ValueError("a custom period needs a start and an end date")
        if end_date < start_date:
            raise ValueError("the period's end date is before its start date")
        return Period(
            local_midnight(start_date, tz), local_midnight(end_date + timedelta(days=1), tz)
        )
    if preset not in PERIOD_PRESETS:
        raise ValueError(f"unknown period {preset!r}; use one of {', '.join(PERIOD_PRESETS)}")
    end = local_midnight(today + timedelta(days=1), tz)
    days = PERIOD_PRESETS[preset]
    if days is None:
        return Period(None, end)
    return Period(local_midnight(today - timedelta(days=days - 1), tz), end)
