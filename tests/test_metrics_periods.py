"""metrics.periods: presets and previous periods in whole local days, across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from perfdash import metrics


def test_period_presets_cover_whole_local_days():
    now = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # already March 11 in Berlin
    p = metrics.period_for("7d", "Europe/Berlin", now=now)
    assert p.start == datetime(2026, 3, 4, 23, 0, tzinfo=UTC)  # March 5 00:00 CET
    assert p.end == now and p.cut  # six whole days and today so far: never past now
    assert p.days == pytest.approx(6 + 0.5 / 24)
    assert p.previous().end == p.start and p.previous().days == pytest.approx(p.days)
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
    p = metrics.period_for(
        "custom",
        "Europe/Berlin",
        start_date=date(2026, 3, 13),
        end_date=date(2026, 4, 9),
        now=datetime(2026, 5, 1, tzinfo=UTC),
    )
    assert not p.cut
    prev = p.previous("Europe/Berlin")
    local = prev.start.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.hour, local.minute) == (0, 0)
    assert prev.end == p.start
    assert (p.start.astimezone(ZoneInfo("Europe/Berlin")).date() - local.date()).days == 28
    naive = p.previous()  # without a zone: the same length in hours, which starts at 01:00
    assert naive.start.astimezone(ZoneInfo("Europe/Berlin")).hour == 1


def test_a_period_never_runs_past_now_and_the_previous_one_has_the_cut_length():
    now = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
    # the Alerts page's old link: two weeks into the future
    p = metrics.period_for(
        "custom", "UTC", start_date=date(2026, 11, 18), end_date=date(2026, 12, 16), now=now
    )
    assert (p.start, p.end, p.cut) == (datetime(2026, 11, 18, tzinfo=UTC), now, True)
    prev = p.previous("UTC")
    assert prev.end == p.start
    assert prev.end - prev.start == now - datetime(2026, 11, 18, tzinfo=UTC)  # 15 d 13 h
    assert prev.start == datetime(2026, 11, 2, 11, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="after today"):
        metrics.period_for(
            "custom", "UTC", start_date=date(2026, 12, 4), end_date=date(2026, 12, 9), now=now
        )
    everything = metrics.period_for("all", "UTC", now=now)
    assert everything.end == now and everything.previous() is None


def test_buckets_partly_outside_the_period_or_not_ended_are_incomplete():
    now = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
    p = metrics.period_for(
        "custom", "UTC", start_date=date(2026, 11, 4), end_date=date(2026, 12, 31), now=now
    )
    weeks = pd.Series(pd.to_datetime(["2026-11-02", "2026-11-09", "2026-11-23", "2026-11-30"]))
    # Nov 2 week starts before Nov 4; Nov 30 week has not ended
    assert metrics.bucket_complete(weeks, "week", "UTC", p, now).tolist() == [
        False,
        True,
        True,
        False,
    ]
    days = pd.Series(pd.to_datetime(["2026-12-01", "2026-12-02", "2026-12-03"]))
    assert metrics.bucket_complete(days, "day", "UTC", p, now).tolist() == [True, True, False]
    months = pd.Series(pd.to_datetime(["2026-11-01", "2026-12-01"]))
    assert metrics.bucket_complete(months, "month", "UTC", p, now).tolist() == [False, False]
    starts, ends = metrics.bucket_bounds(months, "month", "Europe/Berlin")
    assert ends.iloc[0] == pd.Timestamp("2026-11-30 23:00", tz="UTC")  # Dec 1 00:00 CET
    assert metrics.bucket_complete(days.iloc[0:0], "day", "UTC", p, now).tolist() == []


def test_a_period_between_instants_is_cut_at_now_and_refuses_the_impossible():
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    period = metrics.period_between(start, datetime(2026, 3, 5, 9, tzinfo=UTC), now=now)
    assert (period.start, period.end, period.cut) == (
        start,
        datetime(2026, 3, 5, 9, tzinfo=UTC),
        False,
    )
    assert period.previous().start == datetime(2026, 2, 25, 9, tzinfo=UTC)
    cut = metrics.period_between(start, datetime(2026, 4, 1, tzinfo=UTC), now=now)
    assert cut.cut and cut.end == now and cut.read_end == datetime(2026, 4, 1, tzinfo=UTC)
    assert cut.previous().start == start - (now - start)  # the cut length, not a full one
    with pytest.raises(ValueError, match="end is not after"):
        metrics.period_between(start, start, now=now)
    with pytest.raises(ValueError, match="after now"):
        metrics.period_between(now, now + timedelta(hours=1), now=now)
    with pytest.raises(ValueError, match="offset"):
        metrics.period_between(start.replace(tzinfo=None), now, now=now)
