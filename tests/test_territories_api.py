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


def countries(client, headers, query=""):
    answer = client.get(f"/api/v1/countries?{VIEW}{query}", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_countries_sum_per_country_readings_only_and_money_in_one_currency(api):
    client, editor, _ = api
    client.post("/api/v1/metrics", json=RECORDS, headers=editor)
    body = countries(client, editor, "&metric=streams")
    assert body["metric"] == "streams" and body["currency"] is None
    assert [(c["country"], c["value"], c["releases"]) for c in body["countries"]] == [
        ("US", 15, 2),
        ("DE", 4, 1),
        ("FR", 3, 1),
    ]
    assert [c["share"] for c in body["countries"]] == [
        round(15 / 22, 6),
        round(4 / 22, 6),
        round(3 / 22, 6),
    ]
    assert body["countries"][0]["name"] == "United States"
    # rel-a's worldwide 30 is in no country: the countries' 22 is not the catalog's 38 ...
    assert kpis(client, editor)[("streams", None)] == 38
    # ... but for rel-b, which has no worldwide series, the countries add up to its figure
    only_b = countries(client, editor, "&metric=streams&release=rel-b")["countries"]
    assert (
        sum(c["value"] for c in only_b) == kpis(client, editor, "&release=rel-b")[("streams", None)]
    )
    assert countries(client, editor)["metric"] == "streams"  # the default where streams exist
    usd = countries(client, editor, "&metric=earnings&currency=usd")
    assert usd["currency"] == "USD"
    assert [(c["country"], c["value"]) for c in usd["countries"]] == [("US", 42_250_000)]
    eur = countries(client, editor, "&metric=earnings&currency=EUR")["countries"]
    assert [(c["country"], c["value"]) for c in eur] == [("DE", 38_000_000)]
    spotify_only = countries(client, editor, "&metric=streams&platform=YouTube")["countries"]
    assert spotify_only == []


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("metric=earnings", 400, "currency"),
        ("metric=streams&currency=USD", 400, "currency"),
        ("metric=streams&release=nope", 404, "release"),
        ("metric=streams&tag=nobody-has-it", 404, "tag"),
    ],
)
def test_countries_refuses_a_bad_argument_naming_it(api, query, status, field):
    client, editor, _ = api
    answer = client.get(f"/api/v1/countries?{VIEW}&{query}", headers=editor)
    assert answer.status_code == status, answer.get_json()
    assert answer.get_json()["error"]["details"][0]["field"] == field


def test_listing_readings_takes_country_and_currency(api):
    client, editor, _ = api
    client.post("/api/v1/metrics", json=RECORDS, headers=editor)

    def listed(query):
        answer = client.get(f"/api/v1/metrics?limit=100&{query}", headers=editor)
        assert answer.status_code == 200, answer.get_json()
        return sorted(
            (r["metric_type"], r["country"], r["metric_value"]) for r in answer.json["data"]
        )

    assert listed("country=us") == [
        ("earnings", "US", 1_000_000),
        ("earnings", "US", 41_250_000),
        ("streams", "US", 5),
        ("streams", "US", 10),
    ]
    assert listed("country=DE&currency=eur") == [("earnings", "DE", 38_000_000)]
    assert len(listed("")) == len(RECORDS)
    bad = client.get("/api/v1/metrics?country=Germany", headers=editor)
    assert bad.status_code == 400 and bad.json["error"]["details"][0]["field"] == "country"
