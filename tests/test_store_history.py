"""A view's period off the rollup's days (the time just before a period that runs to now):
on PostgreSQL ``store.history`` reads its history and its whole days from the rollup and only
the readings of the days at its edges; the figures equal those read from every reading, and
those pandas computes from every row, on both backends.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import views  # noqa: E402
from perfdash import metrics, store  # noqa: E402
from perfdash.store import history, periods  # noqa: E402

BERLIN = "Europe/Berlin"
T0 = datetime(2026, 3, 12, tzinfo=UTC)  # Berlin's switch to summer time is on day 17


def _rows(release: int, seed: int, days: int) -> list[dict]:
    """Hourly totals that mostly grow and sometimes drop (some on the hour a day starts), on
    platforms in mixed case; a per-day count; per-country counts and money in USD."""
    rng = random.Random(seed)
    out, value = [], 5000
    for hour in range(24 * days):
        at = T0 + timedelta(hours=hour, minutes=rng.randint(0, 59))
        value += -rng.randint(1, 90) if rng.random() < 0.12 else rng.randint(0, 70)
        base = dict(release_id=release, recorded_at=at, source="api")
        out.append(
            dict(
                base,
                platform=rng.choice(["YouTube", "youtube", "Spotify"]),
                metric_type="views",
                metric_value=value,
                value_kind="total",
            )
        )
        if hour % 24 == 5:
            out.append(
                dict(
                    base,
                    platform="Spotify",
                    metric_type="streams",
                    metric_value=rng.randint(0, 400),
                    value_kind="period",
                )
            )
            for country in ("US", "DE"):
                out.append(
                    dict(
                        base,
                        platform="Spotify",
                        metric_type="streams",
                        metric_value=rng.randint(0, 90),
                        value_kind="period",
                        country=country,
                    )
                )
            out.append(
                dict(
                    base,
                    platform="Spotify",
                    metric_type="earnings",
                    metric_value=rng.randint(0, 9_000_000),
                    value_kind="period",
                    country="US",
                    currency="USD",
                )
            )
    return out


@pytest.fixture
def catalog(engine):
    store.set_rollup_zones(engine, [BERLIN, "UTC"])
    ids = [store.create_release(engine, f"h{i}") for i in range(3)]
    rows = _rows(ids[0], 1, 40) + _rows(ids[1], 2, 12) + _rows(ids[2], 3, 3)
    store.insert_metrics(engine, rows)
    return engine, ids


def _without_rollup(fn):
    """``fn()`` as the readings alone answer it (no rollup zone in the transaction)."""
    saved = periods._transaction_zones
    periods._transaction_zones = lambda bind: []
    try:
        return fn()
    finally:
        periods._transaction_zones = saved


# (start, end) off midnight at the start; ends at a local midnight (the previous period of a
# period that runs to now), off midnight, across the switch, shorter than the margin
PERIODS = [
    (
        T0 + timedelta(days=9, hours=13, minutes=7),
        metrics.local_midnight((T0 + timedelta(days=30)).date(), BERLIN),
    ),
    (
        T0 + timedelta(days=14, hours=1),
        metrics.local_midnight((T0 + timedelta(days=21)).date(), BERLIN),
    ),
    (T0 + timedelta(days=2, hours=22, minutes=30), T0 + timedelta(days=26, hours=4)),
    (
        T0 + timedelta(days=5, hours=3),
        metrics.local_midnight((T0 + timedelta(days=7)).date(), BERLIN),
    ),
    (
        T0 + timedelta(days=30, hours=8),
        metrics.local_midnight((T0 + timedelta(days=60)).date(), "UTC"),
    ),
    (
        T0 - timedelta(days=3, hours=2),
        metrics.local_midnight((T0 + timedelta(days=4)).date(), BERLIN),
    ),
]


@pytest.mark.parametrize("start, end", PERIODS)
def test_a_period_off_midnight_equals_every_reading_and_pandas(catalog, start, end):
    eng, ids = catalog
    for subset in (ids, ids[:1], ids[1:]):
        gains = store.period_gains(eng, subset, start=start, end=end, metric_types=["views"])
        rows = pd.concat([views.fetch_all_rows(eng, r) for r in subset], ignore_index=True)
        naive = views.period_gains_in_pandas(rows[rows["metric_type"] == "views"], start, end)
        pd.testing.assert_frame_equal(
            gains.reset_index(drop=True), naive.reset_index(drop=True), check_dtype=False
        )
        assert len(gains) > 0
        every = store.period_gains(eng, subset, start=start, end=end)
        slow = _without_rollup(lambda s=subset: store.period_gains(eng, s, start=start, end=end))
        pd.testing.assert_frame_equal(every, slow)


@pytest.mark.parametrize("start, end", PERIODS)
def test_filters_countries_and_money_agree_with_every_reading(catalog, start, end):
    eng, ids = catalog
    for filters in [
        {"metric_types": ["views"]},
        {"platforms": ["YOUTUBE"]},
        {"metric_types": ["streams"], "country": "US"},
        {"metric_types": ["streams"]},  # every territory: per-country counts added up
        {"metric_types": ["earnings"], "currency": "USD"},
    ]:

        def read(filters=filters):
            return store.period_gains(eng, ids, start=start, end=end, **filters)

        fast = read()
        pd.testing.assert_frame_equal(fast, _without_rollup(read))
    assert int(store.period_gains(eng, ids, start=start, end=end)["corrections"].sum()) > 0


def test_the_rollup_serves_the_whole_days_on_postgresql(catalog):
    eng, ids = catalog
    start, end = PERIODS[0]
    zones = store.rollup_zones(eng)
    if not zones:  # SQLite: no rollup; the readings answer (the tests above)
        assert store.rollup_zone_for(eng, start, end) is None
        return
    territory = periods._territory(eng, None, None, ids, None, None)
    inside = history._inside(eng, zones[0], ids, start, end, None, None, territory)
    assert inside is not None
    short = history._inside(
        eng, zones[0], ids, start, start + timedelta(days=1), None, None, territory
    )
    assert short is None  # no whole rollup day after the edge: the readings alone
