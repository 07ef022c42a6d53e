"""Territories and money through the API on SQLite and PostgreSQL: records written with a
country and a currency and read back, ``country=`` on /kpis, /series and /leaderboard by the
rule of docs/numbers.md, money per currency, and refusals that name the field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from perfdash import auth, create_app, store
from perfdash.config import Settings
from perfdash.ingest import rules

VIEW = "from=2026-01-01&to=2026-01-31"


@pytest.fixture
def api(db_url):
    engine = store.make_engine(db_url)
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    editor = {"Authorization": f"Bearer {auth.create_token(engine, 'script', 'editor')}"}
    store.create_release(engine, "rel-a", title="A")
    store.create_release(engine, "rel-b", title="B")
    yield app.server.test_client(), editor, engine
    engine.dispose()


def record(key, metric, value, country="", currency="", day=10):
    return {
        "release_key": key,
        "platform": "Spotify",
        "metric_type": metric,
        "metric_value": value,
        "recorded_at": datetime(2026, 1, day, 12, tzinfo=UTC).isoformat(),
        "value_kind": "period",
        "country": country,
        "currency": currency,
    }


RECORDS = [
    record("rel-a", "streams", 30),
    record("rel-a", "streams", 10, "us"),
    record("rel-a", "streams", 4, "DE"),
    record("rel-b", "streams", 5, "US"),
    record("rel-b", "streams", 3, "FR"),
    record("rel-a", "earnings", 41_250_000, "US", "USD"),
    record("rel-b", "earnings", 1_000_000, "US", "USD"),
    record("rel-a", "earnings", 38_000_000, "DE", "eur"),
]


def test_records_carry_country_and_currency_both_ways(api):
    client, editor, _ = api
    posted = client.post("/api/v1/metrics", json=RECORDS, headers=editor)
    assert posted.status_code in (200, 201), posted.get_json()
    again = client.post("/api/v1/metrics", json=RECORDS, headers=editor).get_json()
    assert again["written"] == 0 and again["already_present"] == len(RECORDS)
    rows = client.get("/api/v1/metrics?limit=100", headers=editor).get_json()["data"]
    assert sorted((r["metric_type"], r["country"], r["currency"]) for r in rows)[:3] == [
        ("earnings", "DE", "EUR"),
        ("earnings", "US", "USD"),
        ("earnings", "US", "USD"),
    ]
    assert {r["country"] for r in rows if r["metric_type"] == "streams"} == {"", "US", "DE", "FR"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"country": "Germany"}, "country", rules.BAD_COUNTRY),
        ({"country": 49}, "country", "Must be text"),
        ({"metric_type": "earnings"}, "currency", rules.NEEDS_CURRENCY),
        ({"currency": "USD"}, "currency", rules.NO_CURRENCY_HERE),
        ({"metric_type": "earnings", "currency": "XYZ"}, "currency", rules.BAD_CURRENCY),
    ],
)
def test_a_bad_code_is_refused_naming_the_field_and_nothing_is_written(
    api, changes, field, message
):
    client, editor, engine = api
    bad = {**record("rel-a", "streams", 1), **changes}
    answer = client.post("/api/v1/metrics", json=[record("rel-a", "views", 1), bad], headers=editor)
    assert answer.status_code == 400
    details = answer.get_json()["error"]["details"]
    assert any(d.get("field") == field and message in d["message"] for d in details), details
    assert store.count_metrics(engine) == 0


def kpis(client, headers, query=""):
    answer = client.get(f"/api/v1/kpis?{VIEW}{query}", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return {(k["metric_type"], k["currency"]): k["gain"] for k in answer.get_json()["kpis"]}


def test_kpis_count_worldwide_or_countries_never_both_and_money_per_currency(api):
    client, editor, _ = api
    client.post("/api/v1/metrics", json=RECORDS, headers=editor)
    # all territories: rel-a's worldwide 30 (its countries are in it) + rel-b's countries 8
    assert kpis(client, editor) == {
        ("streams", None): 38,
        ("earnings", "EUR"): 38_000_000,
        ("earnings", "USD"): 42_250_000,
    }
    assert kpis(client, editor, "&country=us") == {
        ("streams", None): 15,
        ("earnings", "USD"): 42_250_000,
    }
    assert kpis(client, editor, "&country=DE&release=rel-a") == {
        ("streams", None): 4,
        ("earnings", "EUR"): 38_000_000,
    }


def test_leaderboard_and_series_take_country_and_currency(api):
    client, editor, _ = api
    client.post("/api/v1/metrics", json=RECORDS, headers=editor)
    board = client.get(f"/api/v1/leaderboard?{VIEW}&metric=streams&country=US", headers=editor)
    body = board.get_json()
    assert body["country"] == "US"
    assert [(r["release_key"], r["gain"]) for r in body["rows"]] == [("rel-a", 10), ("rel-b", 5)]
    money = client.get(
        f"/api/v1/leaderboard?{VIEW}&metric=earnings&currency=USD", headers=editor
    ).get_json()
    assert [(r["release_key"], r["gain"]) for r in money["rows"]] == [
        ("rel-a", 41_250_000),
        ("rel-b", 1_000_000),
    ]
    series = client.get(
        f"/api/v1/series?{VIEW}&release=rel-b&metric=streams&country=FR", headers=editor
    ).get_json()
    assert sum(p["value"] or 0 for s in series["series"] for p in s["points"]) == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("metric=streams&country=ZZ", "country"),
        ("metric=streams&country=USA", "country"),
        ("metric=earnings", "currency"),
        ("metric=streams&currency=USD", "currency"),
        ("metric=earnings&currency=dollars", "currency"),
    ],
)
def test_bad_country_or_currency_in_a_read_is_a_400_naming_it(api, query, field):
    client, editor, _ = api
    answer = client.get(f"/api/v1/leaderboard?{VIEW}&{query}", headers=editor)
    assert answer.status_code == 400
    assert answer.get_json()["error"]["details"][0]["field"] == field
