"""The bulk write path (CSV blocks through COPY on PostgreSQL) stores exactly what was given:
awkward text, empty strings versus NULL, big values, microseconds, time zones; it counts
what it wrote, skips what is there already, and writes all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pytest

from perfdash import store

AWKWARD = [
    None,
    "",
    " leading and trailing ",
    'quote " and, comma',
    "line\nbreak\r\nand\ttab",
    "back\\slash \\N inside",
    "\\N",  # exactly the NULL marker: must stay text (the slow path takes the chunk)
    "ünïcødé ✓ 🎵",
    "=cmd|' /C calc'!A0",
]


@pytest.fixture
def release(engine) -> int:
    return store.create_release(engine, "copy-1", title="Copy")


def urls_for(n: int) -> list:
    return [None, "https://x.test/a,b"] + [""] * (n - 2)


def frame_for(release: int, notes: list) -> pd.DataFrame:
    base = datetime(2026, 3, 29, 0, 30, 15, 123456, tzinfo=UTC)
    n = len(notes)
    return pd.DataFrame(
        {
            "release_id": release,
            "platform": [f"Plat{i % 3}" if i % 2 else f"plat{i % 3}" for i in range(n)],
            "metric_type": "views",
            "metric_value": [0, 2**63 - 1] + list(range(7, 7 + n - 2)),
            "recorded_at": [base + timedelta(minutes=17 * i) for i in range(n)],
            "value_kind": ["total", "period"] * (n // 2) + ["total"] * (n % 2),
            "source": "csv",
            "source_url": urls_for(n),
            "notes": notes,
        }
    )


@pytest.mark.parametrize("expect_new", [False, True])
@pytest.mark.parametrize("notes", [AWKWARD, [n for n in AWKWARD if n != "\\N"]])
def test_bulk_insert_round_trips_every_value(engine, release, notes, expect_new):
    frame = frame_for(release, notes)
    result = store.insert_metrics(engine, frame, expect_new=expect_new)
    assert result == store.WriteResult(len(frame), 0)
    stored = sorted(
        store.latest_metrics(engine, release, limit=100), key=lambda r: r["recorded_at"]
    )
    assert [r["notes"] for r in stored] == notes
    assert [r["source_url"] for r in stored] == urls_for(len(notes))
    assert [r["metric_value"] for r in stored] == frame["metric_value"].tolist()
    assert [r["platform"] for r in stored] == frame["platform"].tolist()
    assert [r["value_kind"] for r in stored] == frame["value_kind"].tolist()
    assert [r["recorded_at"] for r in stored] == frame["recorded_at"].tolist()
    again = store.insert_metrics(engine, frame, expect_new=expect_new)  # all stored already
    assert again == store.WriteResult(0, len(frame))
    assert store.count_metrics(engine, release) == len(frame)


def test_bulk_insert_converts_offsets_to_utc(engine, release):
    plus2 = timezone(timedelta(hours=2))
    frame = pd.DataFrame(
        {
            "release_id": [release, release],
            "platform": "YouTube",
            "metric_type": "views",
            "metric_value": [1, 2],
            "recorded_at": [datetime(2026, 6, 1, 2, 0, tzinfo=plus2), "2026-06-01T03:00:00Z"],
        }
    )
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True, format="ISO8601")
    store.insert_metrics(engine, frame)
    stored = sorted(r["recorded_at"] for r in store.latest_metrics(engine, release))
    assert stored == [datetime(2026, 6, 1, 0, tzinfo=UTC), datetime(2026, 6, 1, 3, tzinfo=UTC)]


@pytest.mark.slow
def test_bulk_insert_many_chunks(engine, release):
    n = 120_001 if engine.dialect.name == "postgresql" else 5_001
    start = datetime(2025, 1, 1, tzinfo=UTC)
    frame = pd.DataFrame(
        {
            "release_id": release,
            "platform": "Spotify",
            "metric_type": "streams",
            "metric_value": range(n),
            "recorded_at": pd.date_range(start, periods=n, freq="min"),
        }
    )
    assert store.insert_metrics(engine, frame).written == n
    assert store.count_metrics(engine, release) == n
    newest = store.latest_metrics(engine, release, limit=1)[0]
    assert newest["metric_value"] == n - 1
    assert newest["recorded_at"] == start + timedelta(minutes=n - 1)


def T(*args, tz=UTC) -> datetime:
    return datetime(*args, tzinfo=tz)


def _frame(release, n, start=None, platform="YouTube", kind="total"):
    start = start or T(2026, 1, 1)
    return pd.DataFrame(
        {
            "release_id": release,
            "platform": platform,
            "metric_type": "views",
            "metric_value": [10 * i for i in range(n)],
            "recorded_at": [start + timedelta(hours=i) for i in range(n)],
            "value_kind": kind,
            "source": "csv",
        }
    )


def test_bulk_insert_is_idempotent_and_counts(engine, release):
    frame = _frame(release, 500)
    assert store.insert_metrics(engine, frame) == store.WriteResult(500, 0)
    assert store.insert_metrics(engine, frame) == store.WriteResult(0, 500)
    # mixed-case platform is the same platform for deduplication
    upper = frame.assign(platform="YOUTUBE")
    assert store.insert_metrics(engine, upper).written == 0
    # duplicates inside one batch count once
    twice = pd.concat([_frame(release, 3, start=T(2027, 1, 1))] * 2)
    assert store.insert_metrics(engine, twice) == store.WriteResult(3, 3)
    assert store.count_metrics(engine, release) == 503
    rows = store.get_performance_metrics_for_release(release, engine=engine)
    assert rows[-1]["metric_value"] == 0 and rows[-1]["recorded_at"] == T(2026, 1, 1)


def test_bulk_insert_is_all_or_nothing(engine, release):
    frame = _frame(release, 100)
    frame.loc[50, "release_id"] = release + 1000
    with pytest.raises(store.UnknownReleaseError):
        store.insert_metrics(engine, frame)
    bad = _frame(release, 10)
    bad.loc[5, "metric_value"] = -3
    with pytest.raises(store.InvalidValueError, match="negative"):
        store.insert_metrics(engine, bad)
    assert store.count_metrics(engine) == 0


def test_bulk_insert_in_callers_transaction_rolls_back(engine, release):
    with pytest.raises(RuntimeError):
        with engine.begin() as conn:
            store.insert_metrics(conn, _frame(release, 20))
            assert store.count_metrics(conn) == 20
            raise RuntimeError("abort")
    assert store.count_metrics(engine) == 0
