"""/api/v1/artists and /api/v1/artists/NAME on SQLite and PostgreSQL: hand-computed gains,
shares and levels, the same numbers as /kpis for the artist's releases, and the refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from perfdash import create_app, store
from perfdash.config import Settings

VIEW = "from=2026-01-01&to=2026-01-31"


def T(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def world(db_url, engine):
    a = store.create_release(
        engine,
        "rel-a",
        title="Neon Tides",
        artist_name="Kiro & The Static",
        approved_at=T(2025, 11, 1),
    )
    b = store.create_release(
        engine,
        "rel-b",
        title="Glass Horizon",
        artist_name="Kiro & The Static",
        approved_at=T(2025, 12, 1),
    )
    c = store.create_release(engine, "rel-c", title="Low Orbit", artist_name="Lumen Drift")
    store.create_release(engine, "rel-d", title="Unread", artist_name="Silent Type")
    rows = [
        (a, "YouTube", "views", 1000, T(2025, 12, 31, 12)),
        (a, "YouTube", "views", 1500, T(2026, 1, 20, 12)),  # +500
        (a, "TikTok", "views", 100, T(2025, 12, 30, 12)),
        (a, "TikTok", "views", 1100, T(2026, 1, 15, 12)),  # +1000
        (b, "YouTube", "views", 10, T(2025, 12, 31, 12)),
        (b, "YouTube", "views", 510, T(2026, 1, 25, 12)),  # +500
        (c, "YouTube", "views", 0, T(2025, 12, 31, 12)),
        (c, "YouTube", "views", 4000, T(2026, 1, 25, 12)),  # +4000
        (a, "Deezer", "rank", 12, T(2026, 1, 28, 12)),
        (b, "Deezer", "rank", 7, T(2026, 1, 28, 12)),
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


def test_artists_are_ranked_by_the_gain_of_their_releases(world):
    body = world.get(f"/api/v1/artists?metric=views&{VIEW}").get_json()
    assert body["metric"] == "views" and body["kind"] == "counter"
    rows = [
        (r["artist_name"], r["gain"], r["releases"], r["active_releases"]) for r in body["artists"]
    ]
    assert rows == [
        ("Lumen Drift", 4000, 1, 1),
        ("Kiro & The Static", 2000, 2, 2),
        ("Silent Type", None, 1, 0),  # no reading in the period: listed last
    ]


def test_a_score_ranks_artists_by_mean_level_never_a_sum(world):
    body = world.get(f"/api/v1/artists?metric=rank&{VIEW}").get_json()
    first = body["artists"][0]
    assert first["artist_name"] == "Kiro & The Static"
    assert first["level"] == 9.5 and first["gain"] is None  # (12 + 7) / 2, not 19


def test_one_artist_has_its_releases_shares_and_the_kpis_of_kpis(world):
    name = quote("Kiro & The Static", safe="")
    body = world.get(f"/api/v1/artists/{name}?metric=views&{VIEW}").get_json()
    assert body["artist_name"] == "Kiro & The Static"
    releases = {r["release_key"]: r for r in body["releases"]}
    assert list(releases) == ["rel-a", "rel-b"]  # oldest approval first
    assert (releases["rel-a"]["gain"], releases["rel-a"]["share"]) == (1500, 0.75)
    assert (releases["rel-b"]["gain"], releases["rel-b"]["share"]) == (500, 0.25)
    assert releases["rel-a"]["total"] == 2600
    same = world.get(f"/api/v1/kpis?release=rel-a&release=rel-b&{VIEW}").get_json()
    assert body["kpis"] == same["kpis"]
    views = next(k for k in body["kpis"] if k["metric_type"] == "views")
    assert views["gain"] == 2000


def test_platform_narrows_the_artist(world):
    name = quote("Kiro & The Static", safe="")
    body = world.get(f"/api/v1/artists/{name}?metric=views&platform=tiktok&{VIEW}").get_json()
    gains = {r["release_key"]: r["gain"] for r in body["releases"]}
    assert gains == {"rel-a": 1000, "rel-b": None}


@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        ("/api/v1/artists/Nobody", 404, "name"),
        ("/api/v1/artists/" + "x" * 300, 400, "name"),
        ("/api/v1/artists/bad%01name", 400, "name"),
        ("/api/v1/artists/%20", 400, "name"),
        ("/api/v1/artists?from=2026-13-01", 400, "from"),
        ("/api/v1/artists?limit=0", 400, "limit"),
    ],
)
def test_refusals_name_the_field(world, path, status, field):
    answer = world.get(path)
    assert answer.status_code == status
    details = answer.get_json()["error"]["details"]
    assert details and details[0]["field"] == field
