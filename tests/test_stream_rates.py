"""The per-stream rate over matched rows only (earnings and streams of the same release,
platform, country and local day), on SQLite and PostgreSQL: never total earnings over total
streams from different rows, worldwide pairs before per-country ones, one currency at a time;
the store's pairs, the pure rate, and the API's KPIs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from perfdash import auth, create_app, metrics, readout, store
from perfdash.config import Settings

DAY = datetime(2026, 1, 10, tzinfo=UTC)
START, END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)


def reading(rid, metric, value, *, country="", currency="", day=0, hour=10, platform="Spotify"):
    return dict(
        release_id=rid,
        platform=platform,
        metric_type=metric,
        metric_value=value,
        recorded_at=DAY + timedelta(days=day, hours=hour),
        value_kind="period",
        source="csv",
        country=country,
        currency=currency,
    )


@pytest.fixture
def catalog(engine):
    """A on Spotify: a DE statement line (4 USD for 1,000 streams), a DE month with earnings
    and no streams, US streams without earnings, a worldwide timeline without earnings, FR
    earnings and streams at two hours of one day, and EUR for the DE line; B on YouTube:
    worldwide earnings and streams (2 USD for 4,000) and a DE line (1 USD for 100)."""
    a = store.create_release(engine, "rel-a", title="A")
    b = store.create_release(engine, "rel-b", title="B")
    store.insert_metrics(
        engine,
        [
            reading(a, "earnings", 4_000_000, country="DE", currency="USD"),
            reading(a, "streams", 1_000, country="DE"),
            reading(a, "earnings", 9_000_000, country="DE", currency="USD", day=1),
            reading(a, "streams", 50_000, country="US", day=2),
            reading(a, "streams", 2_000_000),
            reading(a, "earnings", 1_000_000, country="FR", currency="USD", hour=8),
            reading(a, "streams", 500, country="FR", hour=20),
            reading(a, "earnings", 3_000_000, country="DE", currency="EUR"),
            reading(b, "earnings", 2_000_000, currency="USD", platform="YouTube"),
            reading(b, "streams", 4_000, platform="YouTube"),
            reading(b, "earnings", 1_000_000, country="DE", currency="USD", platform="YouTube"),
            reading(b, "streams", 100, country="DE", platform="YouTube"),
        ],
    )
    return a, b


def pairs(engine, currency, **kw):
    frame = store.paired_earnings(
        engine, None, start=START, end=END, currency=currency, tz="UTC", **kw
    )
    return sorted(
        (int(r.release_id), r.platform_key, r.country, int(r.earned), int(r.streams), int(r.days))
        for r in frame.itertuples()
    )


def test_only_rows_with_both_on_one_day_pair(engine, catalog):
    a, b = catalog
    assert pairs(engine, "USD") == [
        (a, "spotify", "DE", 4_000_000, 1_000, 1),
        (a, "spotify", "FR", 1_000_000, 500, 1),
        (b, "youtube", "", 2_000_000, 4_000, 1),
        (b, "youtube", "DE", 1_000_000, 100, 1),
    ]
    assert pairs(engine, "EUR") == [(a, "spotify", "DE", 3_000_000, 1_000, 1)]
    assert pairs(engine, "USD", country="DE") == [
        (a, "spotify", "DE", 4_000_000, 1_000, 1),
        (b, "youtube", "DE", 1_000_000, 100, 1),
    ]
    assert pairs(engine, "USD", country="US") == []
    assert pairs(engine, "USD", platforms=["youtube"]) == [
        (b, "youtube", "", 2_000_000, 4_000, 1),
        (b, "youtube", "DE", 1_000_000, 100, 1),
    ]


def test_the_day_is_local(engine, catalog):
    """08:00 and 20:00 UTC are one day in UTC but two on Kiritimati (UTC+14): FR unpaired."""
    a, _ = catalog
    assert (a, "spotify", "FR", 1_000_000, 500, 1) in pairs(engine, "USD")
    kiritimati = store.paired_earnings(
        engine, [a], start=START, end=END, currency="USD", tz="Pacific/Kiritimati"
    )
    assert list(kiritimati["country"]) == ["DE"]


def rate(engine, currency, country=None):
    period = metrics.Period(START, END, END)
    with store.transaction(engine) as conn:
        return readout.stream_rates(conn, None, [], period, country, tz="UTC").get(currency)


def test_the_rate_is_matched_rows_worldwide_pairs_first_and_per_currency(engine, catalog):
    # A: its countries' pairs (no worldwide pair); B: its worldwide pair, not also its DE one
    usd = rate(engine, "USD")
    assert (usd.earned, usd.streams) == (7_000_000, 5_500)
    assert usd.micro_per_stream == pytest.approx(7_000_000 / 5_500)
    # what total earnings / total streams would have said, from rows that do not belong together
    naive = (4 + 9 + 1 + 2 + 1) * 1_000_000 / (1_000 + 50_000 + 2_000_000 + 500 + 4_000 + 100)
    assert abs(usd.micro_per_stream - naive) > 1_000
    de = rate(engine, "USD", "DE")
    assert (de.earned, de.streams) == (5_000_000, 1_100)
    assert rate(engine, "USD", "US") is None
    eur = rate(engine, "EUR")
    assert (eur.earned, eur.streams, eur.micro_per_stream) == (3_000_000, 1_000, 3_000.0)


def test_the_pure_rate_keeps_worldwide_pairs_over_countries():
    columns = store.PAIRED_COLUMNS
    both = pd.DataFrame(
        [(1, "spotify", "", 10, 5, 1), (1, "spotify", "DE", 4, 1, 1), (2, "deezer", "FR", 6, 3, 1)],
        columns=columns,
    )
    found = metrics.per_stream_rate(both)
    assert (found.earned, found.streams) == (16, 8)
    assert metrics.per_stream_rate(pd.DataFrame([], columns=columns)) is None
    silent = pd.DataFrame([(1, "spotify", "", 10, 0, 1)], columns=columns)
    assert metrics.per_stream_rate(silent) is None


def test_the_api_gives_the_rate_beside_earnings(engine, db_url, catalog):
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    token = {"Authorization": f"Bearer {auth.create_token(engine, 'rate', 'viewer')}"}
    client = app.server.test_client()

    def money(query=""):
        answer = client.get(f"/api/v1/kpis?from=2026-01-01&to=2026-01-31{query}", headers=token)
        assert answer.status_code == 200, answer.get_json()
        return {k["currency"]: k for k in answer.get_json()["kpis"] if k["currency"]}

    usd = money()["USD"]
    # the KPI counts A's countries and B's worldwide earnings (16 USD); the rate matched rows only
    assert usd["gain"] == 16_000_000
    assert (usd["rate_earned"], usd["rate_streams"]) == (7_000_000, 5_500)
    assert usd["rate_micros_per_stream"] == round(7_000_000 / 5_500, 6)
    assert money()["EUR"]["rate_micros_per_stream"] == 3_000.0
    us = money("&country=US")
    assert us == {}  # no money in the US: no card, no rate
    streams = client.get("/api/v1/kpis?from=2026-01-01&to=2026-01-31", headers=token).get_json()
    assert all("rate_micros_per_stream" not in k for k in streams["kpis"] if not k["currency"])
