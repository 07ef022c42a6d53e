"""metrics.periods: presets and previous periods in whole local days, across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from perfdash import metrics


def test_period_presets_cover_whole_local_days():
    now = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # already March 11 in Berlin
    p = metrics.period_for("7d", "Europe/Berlin", now=now)
    assert p.start == datetime(2026, 3, 4, 23, 0, tzinfo=UTC)  # March 5 00:00 CET
    assert p.end == datetime(2026, 3, 11, 23, 0, tzinfo=UTC)
    assert p.days == 7
    assert p.previous().end == p.start and p.previous().days == 7
    assert metrics.period_for("all", "UTC", now=now).start is None
    custom = metrics.period_for(
        "custom", "UTC", start_date=date(2026, 1, 1), end_date=date(2026, 1, 31)
    )
    assert custom.days == 31
    with pytest.raises(ValueError, match="before"):
        metrics.period_for("custom", "UTC", start_date=date(2026, 2, 1), end_date=date(2026, 1, 1))
    with pytest.raises(ValueError, match="unknown period"):
        metrics.period_for("3y", "UTC")


def test_previous_period_keeps_whole_local_days_across_dst():
    # 2026-03-29: Berlin moves to summer time; 28 local days before 2026-04-10 hold 671 hours
    p = metrics.period_for("28d", "Europe/Berlin", now=datetime(2026, 4, 9, 12, tzinfo=UTC))
    prev = p.previous("Europe/Berlin")
    local = prev.start.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.hour, local.minute) == (0, 0)
    assert prev.end == p.start
    assert (p.start.astimezone(ZoneInfo("Europe/Berlin")).date() - local.date()).days == 28
    naive = p.previous()  # without a zone: the same length in hours, which starts at 01:00
    assert naive.start.astimezone(ZoneInfo("Europe/Berlin")).hour == 1
