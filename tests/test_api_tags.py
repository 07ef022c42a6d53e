"""``tag=`` on /api/v1/kpis, /series and /leaderboard on SQLite and PostgreSQL: the view narrowed
to the tag's releases, with hand-computed numbers, and the refusals naming ``tag``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from perfdash import create_app, store
from perfdash.config import Settings
from perfdash.ingest.tags import tag_release

VIEW = "from=2026-01-01&to=2026-01-31"


def T(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def client(db_url, engine):
    a = store.create_release(engine, "rel-a", title="Neon Tides")
    b = store.create_release(engine, "rel-b", title="Glass Horizon")
    c = store.create_release(engine, "rel-c", title="Low Orbit")
    tag_release(engine, a, ["Summer Campaign", "lofi"])
    tag_release(engine, b, ["summer-campaign"])
    rows = [
        (a, "YouTube", "views", 100, T(2025, 12, 31, 12)),
        (a, "YouTube", "views", 400, T(2026, 1, 20, 12)),  # +300
        (b, "YouTube", "views", 0, T(2025, 12, 31, 12)),
        (b, "YouTube", "views", 50, T(2026, 1, 10, 12)),  # +50
        (c, "YouTube", "views", 0, T(2025, 12, 31, 12)),
        (c, "YouTube", "views", 9000, T(2026, 1, 10, 12)),  # +9000, not tagged
    ]
    store.insert_metrics(
        engine,
        [
            dict(release_id=r, platform=p, metric_type=m, metric_value=v, recorded_at=t)
            for r, p, m, v, t in rows
        ],
    )
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    return app.server.test_client()


def _views(body) -> dict:
    return next(k for k in body["kpis"] if k["metric_type"] == "views")


def test_kpis_of_a_tag_add_up_its_releases_only(client):
    assert _views(client.get(f"/api/v1/kpis?tag=summer-campaign&{VIEW}").get_json())["gain"] == 350
    assert (
        _views(client.get(f"/api/v1/kpis?tag=Summer%20Campaign&{VIEW}").get_json())["gain"] == 350
    )
    assert _views(client.get(f"/api/v1/kpis?{VIEW}").get_json())["gain"] == 9350
    # a named release outside the tag is left out
    body = client.get(f"/api/v1/kpis?tag=lofi&release=rel-a&release=rel-c&{VIEW}").get_json()
    assert _views(body)["gain"] == 300


def test_the_leaderboard_of_a_tag(client):
    body = client.get(f"/api/v1/leaderboard?metric=views&tag=summer-campaign&{VIEW}").get_json()
    assert [(r["release_key"], r["gain"]) for r in body["rows"]] == [("rel-a", 300), ("rel-b", 50)]


def test_the_series_of_a_tag_sums_its_releases(client):
    body = client.get(f"/api/v1/series?metric=views&tag=summer-campaign&{VIEW}").get_json()
    assert body["catalog"] is True
    values = [p["value"] for s in body["series"] for p in s["points"] if p["value"]]
    assert sum(values) == 350


@pytest.mark.parametrize(
    ("query", "status"),
    [("tag=nobody-has-it", 404), ("tag=no%20good!", 400), ("tag=" + "x" * 60, 400)],
)
def test_a_bad_or_unknown_tag_is_named(client, query, status):
    for path in ("kpis", "leaderboard", "series"):
        answer = client.get(f"/api/v1/{path}?{query}&{VIEW}")
        assert answer.status_code == status, path
        assert answer.get_json()["error"]["details"][0]["field"] == "tag"


def test_releases_list_their_tags_and_filter_by_one(client):
    body = client.get("/api/v1/releases").get_json()
    assert [(r["release_key"], r["tags"]) for r in body["data"]] == [
        ("rel-a", ["lofi", "summer-campaign"]),
        ("rel-b", ["summer-campaign"]),
        ("rel-c", []),
    ]
    tagged = client.get("/api/v1/releases?tag=Summer%20Campaign").get_json()["data"]
    assert [r["release_key"] for r in tagged] == ["rel-a", "rel-b"]
    assert [
        r["release_key"] for r in client.get("/api/v1/releases?tag=lofi").get_json()["data"]
    ] == ["rel-a"]
    # the tag narrows a search and pages like the rest of the list
    page = client.get("/api/v1/releases?tag=summer-campaign&limit=1").get_json()
    assert [r["release_key"] for r in page["data"]] == ["rel-a"]
    rest = client.get(
        f"/api/v1/releases?tag=summer-campaign&limit=1&cursor={page['next_cursor']}"
    ).get_json()
    assert [r["release_key"] for r in rest["data"]] == ["rel-b"]
    assert client.get("/api/v1/releases?tag=lofi&q=glass").get_json()["data"] == []
    assert client.get("/api/v1/releases?tag=nobody-has-it").get_json()["data"] == []
    one = client.get(f"/api/v1/releases/{tagged[1]['id']}").get_json()
    assert one["tags"] == ["summer-campaign"]


@pytest.mark.parametrize("raw", ["no%20good!", "x" * 60, "a%09b"])
def test_a_bad_tag_filter_on_releases_is_named(client, raw):
    answer = client.get(f"/api/v1/releases?tag={raw}")
    assert answer.status_code == 400
    assert answer.get_json()["error"]["details"][0]["field"] == "tag"
