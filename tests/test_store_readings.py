"""Store tests of readings one at a time: record, read back, refuse.

Every one runs on SQLite and on PostgreSQL (the ``engine`` fixture).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from perfdash import store
from perfdash.schema import content_performance


def T(*args, tz=UTC) -> datetime:
    return datetime(*args, tzinfo=tz)


@pytest.fixture
def release(engine) -> int:
    return store.create_release(engine, "rel-1", title="Neon Tides", artist_name="Nova Vale")


def test_add_and_get_round_trip(engine, release):
    first = store.add_performance_metric(
        release,
        "YouTube",
        "views",
        100,
        "https://youtu.be/x",
        "first",
        engine=engine,
        recorded_at=T(2026, 1, 1, 12),
    )
    second = store.add_performance_metric(
        release, "YouTube", "views", 150, engine=engine, recorded_at=T(2026, 1, 2, 12)
    )
    rows = store.get_performance_metrics_for_release(release, engine=engine)
    assert [r["id"] for r in rows] == [second, first]  # newest first
    assert rows[1] == {
        "id": first,
        "release_id": release,
        "platform": "YouTube",
        "metric_type": "views",
        "metric_value": 100,
        "recorded_at": T(2026, 1, 1, 12),
        "source_url": "https://youtu.be/x",
        "notes": "first",
    }


def test_timestamps_are_stored_in_utc(engine, release):
    berlin = datetime(2026, 6, 1, 2, 30, tzinfo=__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    store.add_performance_metric(
        release, "Spotify", "streams", 5, engine=engine, recorded_at=berlin
    )
    (row,) = store.get_performance_metrics_for_release(release, engine=engine)
    assert row["recorded_at"] == T(2026, 6, 1, 0, 30)
    assert row["recorded_at"].utcoffset() == timedelta(0)


def test_add_metric_max_value_and_errors(engine, release):
    big = 2**63 - 1
    rid = store.add_performance_metric(release, "YouTube", "views", big, engine=engine)
    assert store.get_metric(engine, rid)["metric_value"] == big
    with pytest.raises(store.InvalidValueError, match="64 bits"):
        store.add_performance_metric(release, "YouTube", "views", 2**63, engine=engine)
    with pytest.raises(store.InvalidValueError, match="negative"):
        store.add_performance_metric(release, "YouTube", "views", -1, engine=engine)
    with pytest.raises(store.InvalidValueError, match="whole number"):
        store.add_performance_metric(release, "YouTube", "views", float("nan"), engine=engine)
    with pytest.raises(store.InvalidValueError, match="whole number"):
        store.add_performance_metric(release, "YouTube", "views", "12", engine=engine)
    with pytest.raises(store.InvalidValueError, match="platform"):
        store.add_performance_metric(release, "", "views", 1, engine=engine)
    with pytest.raises(store.UnknownReleaseError):
        store.add_performance_metric(release + 999, "YouTube", "views", 1, engine=engine)
    assert store.count_metrics(engine) == 1


def test_duplicate_reading_is_refused(engine, release):
    at = T(2026, 3, 1)
    store.add_performance_metric(release, "YouTube", "views", 1, engine=engine, recorded_at=at)
    with pytest.raises(store.DuplicateMetricError, match="already recorded"):
        store.add_performance_metric(release, "youtube", "views", 2, engine=engine, recorded_at=at)
    assert store.count_metrics(engine) == 1


def test_unknown_release_everywhere(engine):
    assert store.get_release(engine, 12345) is None
    assert store.get_performance_metrics_for_release(12345, engine=engine) == []
    with pytest.raises(store.UnknownReleaseError, match="12345"):
        store.insert_metrics(
            engine,
            [
                dict(
                    release_id=12345,
                    platform="x",
                    metric_type="y",
                    metric_value=1,
                    recorded_at=T(2026, 1, 1),
                )
            ],
        )
    with pytest.raises(store.UnknownReleaseError):
        store.update_release(engine, 12345, title="x")


def test_sql_injection_in_text_is_stored_as_text(engine, release):
    nasty = "x'); DELETE FROM content_performance; --"
    mid = store.add_performance_metric(release, nasty, "views", 1, engine=engine, notes=nasty)
    assert store.get_metric(engine, mid)["notes"] == nasty
    with engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(content_performance)).scalar() == 1
        )
