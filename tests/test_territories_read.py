"""Worldwide and per-country numbers read together without counting anything twice, and money
never summed across currencies, on both backends and on every read path (the daily rollup on
PostgreSQL when a period is whole days, the readings otherwise)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from perfdash import store

DAY = datetime(2026, 5, 1, tzinfo=UTC)
# whole UTC days (the rollup serves them on PostgreSQL) and a period cut inside a day (readings)
PERIODS = {
    "days": (DAY - timedelta(days=1), DAY + timedelta(days=3)),
    "cut": (DAY - timedelta(hours=23, minutes=30), DAY + timedelta(days=2, hours=5)),
}


def reading(
    rid, metric, value, *, country="", currency="", hours=10, kind="period", platform="Spotify"
):
    return dict(
        release_id=rid,
        platform=platform,
        metric_type=metric,
        metric_value=value,
        recorded_at=DAY + timedelta(hours=hours),
        value_kind=kind,
        source="csv",
        country=country,
        currency=currency,
    )


@pytest.fixture
def catalog(engine):
    """Release A: Spotify streams worldwide (30) and per country (US 10, DE 4), the same
    streams twice; release B: only per country (US 5, FR 3); B's lifetime listeners per
    country; earnings of A in two currencies."""
    a = store.create_release(engine, "rel-a", title="A")
    b = store.create_release(engine, "rel-b", title="B")
    rows = [
        reading(a, "streams", 30),
        reading(a, "streams", 10, country="US"),
        reading(a, "streams", 4, country="DE"),
        reading(b, "streams", 5, country="US"),
        reading(b, "streams", 3, country="FR"),
        reading(b, "listeners", 700, country="US", kind="total", hours=1),
        reading(b, "listeners", 900, country="US", kind="total", hours=30),
        reading(b, "listeners", 50, country="FR", kind="total", hours=2),
        reading(a, "earnings", 41_250_000, country="US", currency="USD"),
        reading(a, "earnings", 2_000_000, country="US", currency="USD", hours=20),
        reading(a, "earnings", 38_000_000, country="DE", currency="EUR"),
    ]
    store.insert_metrics(engine, rows)
    return a, b


def gains(engine, ids=None, **kw):
    start, end = PERIODS[kw.pop("period", "days")]
    frame = store.period_gains(engine, ids, start=start, end=end, **kw)
    return {
        (int(r), m): int(g)
        for r, m, g in zip(frame["release_id"], frame["metric_type"], frame["gain"], strict=True)
    }


@pytest.mark.parametrize("period", list(PERIODS))
def test_all_territories_take_worldwide_where_it_exists_else_the_countries(engine, catalog, period):
    a, b = catalog
    if engine.dialect.name == "postgresql":  # both read paths are taken
        served = store.rollup_zone_for(engine, *PERIODS[period])
        assert served == ("UTC" if period == "days" else None)
    assert gains(engine, metric_types=["streams"], period=period) == {
        (a, "streams"): 30,  # worldwide: its countries are already in it
        (b, "streams"): 8,  # no worldwide series: US + FR
    }


@pytest.mark.parametrize("period", list(PERIODS))
def test_one_country_counts_that_countrys_series_only(engine, catalog, period):
    a, b = catalog
    assert gains(engine, metric_types=["streams"], country="US", period=period) == {
        (a, "streams"): 10,
        (b, "streams"): 5,
    }
    assert gains(engine, metric_types=["streams"], country="DE", period=period) == {
        (a, "streams"): 4
    }
    assert gains(engine, metric_types=["streams"], country="JP", period=period) == {}


@pytest.mark.parametrize("period", list(PERIODS))
def test_per_country_lifetime_totals_are_read_by_country_never_mixed(engine, catalog, period):
    _, b = catalog
    # all territories: the newest of two countries' totals would mean nothing: not counted
    assert (b, "listeners") not in gains(engine, metric_types=["listeners"], period=period)
    us = gains(engine, [b], metric_types=["listeners"], country="US", period=period)
    assert us == {(b, "listeners"): 200}  # 700 -> 900 within the period
    start, end = PERIODS[period]
    before = store.totals_before(engine, [b], DAY + timedelta(hours=5), country="US")
    assert before["baseline"].tolist() == [700]
    drops = store.total_drops(engine, [b], start=start, end=end, country="FR")
    assert drops.empty


@pytest.mark.parametrize("period", list(PERIODS))
def test_money_is_read_one_currency_at_a_time(engine, catalog, period):
    a, _ = catalog
    assert gains(engine, period=period, metric_types=["earnings"]) == {}  # no currency: none
    assert gains(engine, metric_types=["earnings"], currency="USD", period=period) == {
        (a, "earnings"): 43_250_000
    }
    assert gains(engine, metric_types=["earnings"], currency="EUR", period=period) == {
        (a, "earnings"): 38_000_000
    }
    assert store.view_currencies(engine, None, "earnings") == ["EUR", "USD"]


@pytest.mark.parametrize("period", list(PERIODS))
def test_the_leaderboard_follows_the_same_rule(engine, catalog, period):
    a, b = catalog
    start, end = PERIODS[period]
    board = store.leaderboard(engine, "streams", start=start, end=end)
    assert list(zip(board["release_key"], board["gain"], strict=True)) == [
        ("rel-a", 30),
        ("rel-b", 8),
    ]
    us = store.leaderboard(engine, "streams", start=start, end=end, country="US")
    assert list(zip(us["release_key"], us["gain"], strict=True)) == [("rel-a", 10), ("rel-b", 5)]
    usd = store.leaderboard(engine, "earnings", start=start, end=end, currency="USD")
    assert list(zip(usd["release_key"], usd["gain"], strict=True)) == [("rel-a", 43_250_000)]


@pytest.mark.parametrize("period", list(PERIODS))
def test_series_sum_the_countries_in_their_bucket(engine, catalog, period):
    a, b = catalog
    start, end = PERIODS[period]
    frame = store.release_series(
        engine, [a, b], metric_types=["streams"], start=start, end=end, bucket="day"
    )
    assert {
        int(r): int(v) for r, v in zip(frame["release_id"], frame["sum_value"], strict=True)
    } == {a: 30, b: 8}
    fr = store.release_series(
        engine, [b], metric_types=["streams"], start=start, end=end, country="FR"
    )
    assert fr["sum_value"].tolist() == [3]


def test_top_countries_sum_the_per_country_counts(engine, catalog):
    a, b = catalog
    start, end = PERIODS["days"]
    top = store.top_countries(engine, None, "streams", start=start, end=end)
    assert list(zip(top["country"], top["value"], top["releases"], strict=True)) == [
        ("US", 15, 2),
        ("DE", 4, 1),
        ("FR", 3, 1),
    ]
    one = store.top_countries(engine, [b], "streams", start=start, end=end)
    assert one["country"].tolist() == ["US", "FR"]
    money = store.top_countries(engine, None, "earnings", start=start, end=end, currency="EUR")
    assert list(zip(money["country"], money["value"], strict=True)) == [("DE", 38_000_000)]
    assert store.has_country_readings(engine, [a]) and store.has_country_readings(engine, None)


def test_without_country_readings_nothing_changes(engine):
    rid = store.create_release(engine, "plain")
    store.insert_metrics(
        engine, [reading(rid, "views", v, kind="total", hours=h) for h, v in ((1, 5), (30, 9))]
    )
    assert not store.has_country_readings(engine, None)
    start, end = PERIODS["days"]
    assert gains(engine, metric_types=["views"]) == {(rid, "views"): 4}
    assert store.top_countries(engine, None, "views", start=start, end=end).empty


def test_the_records_list_one_country_or_currency_when_asked(engine, catalog):
    """The readings under the dashboard's chart follow its country filter (and money's
    currency): a listing adds nothing up, so every reading of that country is listed."""
    end = DAY + timedelta(days=3)
    assert store.count_records(engine, None, end=end) == 11
    assert store.count_records(engine, None, end=end, country="US") == 6
    assert store.count_records(engine, None, end=end, currency="USD") == 2
    assert store.count_records(engine, None, end=end, country="DE", currency="EUR") == 1
    page = store.metric_records(engine, None, end=end, country="FR", sort=[("metric_type", "asc")])
    assert list(page["metric_type"]) == ["listeners", "streams"]
    assert set(page["country"]) == {"FR"}
