"""The /api/v1 endpoints through Flask's test client, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from perfdash import auth, create_app, store
from perfdash.api import http
from perfdash.config import Settings

WHEN = "2026-03-01T12:00:00Z"


@dataclass
class Api:
    app: object
    client: object
    engine: object
    editor: dict
    viewer: dict
    r1: int
    r2: int

    def count(self) -> int:
        return store.count_metrics(self.engine)


@pytest.fixture
def api_env(db_url):
    engine = store.make_engine(db_url)
    app = create_app(Settings(database_url=db_url), engine=engine)
    editor = auth.create_token(engine, "script", "editor")
    viewer = auth.create_token(engine, "reader", "viewer")
    r1 = store.create_release(engine, "rel-1", title="First", artist_name="A")
    r2 = store.create_release(engine, "rel-2", title="Second", youtube_video_id="dQw4w9WgXcQ")
    yield Api(
        app,
        app.server.test_client(),
        engine,
        {"Authorization": f"Bearer {editor}"},
        {"Authorization": f"Bearer {viewer}"},
        r1,
        r2,
    )
    engine.dispose()


def rec(**changes):
    base = {
        "release_key": "rel-1",
        "platform": "YouTube",
        "metric_type": "views",
        "metric_value": 1200,
        "recorded_at": WHEN,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not ...}


# --------------------------------------------------------------------------- releases


def test_list_and_create_releases(api_env):
    c = api_env.client
    body = c.get("/api/v1/releases").get_json()
    assert [r["release_key"] for r in body["data"]] == ["rel-1", "rel-2"]
    assert body["data"][1]["youtube_video_id"] == "dQw4w9WgXcQ"
    assert body["next_cursor"] is None

    r = c.post(
        "/api/v1/releases",
        json={"release_key": "rel-3", "title": "Third", "spotify_track_id": "x" * 22},
        headers=api_env.editor,
    )
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    assert created["release_key"] == "rel-3" and created["spotify_track_id"] == "x" * 22
    assert store.get_release_by_key(api_env.engine, "rel-3")["title"] == "Third"
    assert c.get(r.headers["Location"]).get_json()["title"] == "Third"

    page1 = c.get("/api/v1/releases?limit=2").get_json()
    assert len(page1["data"]) == 2 and page1["next_cursor"]
    page2 = c.get(f"/api/v1/releases?limit=2&cursor={page1['next_cursor']}").get_json()
    assert [r["release_key"] for r in page2["data"]] == ["rel-3"]
    assert page2["next_cursor"] is None
    assert [r["release_key"] for r in c.get("/api/v1/releases?q=secon").get_json()["data"]] == [
        "rel-2"
    ]


def test_create_release_errors(api_env):
    c = api_env.client
    dup = c.post("/api/v1/releases", json={"release_key": "rel-1"}, headers=api_env.editor)
    assert dup.status_code == 409
    bad = c.post(
        "/api/v1/releases",
        json={"release_key": "rel-9", "distribution_status": "gone", "track_url": "ftp://x"},
        headers=api_env.editor,
    )
    assert bad.status_code == 400
    assert {d["field"] for d in bad.get_json()["error"]["details"]} == {
        "distribution_status",
        "track_url",
    }
    assert store.get_release_by_key(api_env.engine, "rel-9") is None
    assert (
        c.post("/api/v1/releases", json={"release_key": "x"}, headers=api_env.viewer).status_code
        == 403
    )
    assert c.post("/api/v1/releases", json={"release_key": "x"}).status_code == 401
    assert c.get("/api/v1/releases/999").status_code == 404


# --------------------------------------------------------------------------- metrics


def test_post_metrics_then_idempotent_repost(api_env):
    c = api_env.client
    batch = [
        rec(),
        rec(metric_type="likes", metric_value="1,234"),
        rec(release_key=..., release_id=api_env.r2, platform="spotify", metric_type="streams"),
    ]
    r = c.post("/api/v1/metrics", json=batch, headers=api_env.editor)
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"written": 3, "already_present": 0}
    assert api_env.count() == 3
    again = c.post(
        "/api/v1/metrics", json=[rec(platform="youtube"), *batch[1:]], headers=api_env.editor
    )
    assert again.get_json() == {"written": 0, "already_present": 3}
    assert api_env.count() == 3
    rows = c.get("/api/v1/metrics?metric_type=likes").get_json()["data"]
    assert len(rows) == 1
    assert rows[0]["metric_value"] == 1234
    assert rows[0]["release_key"] == "rel-1"
    assert rows[0]["source"] == "api"
    assert rows[0]["recorded_at"] == WHEN


def test_one_bad_record_writes_nothing(api_env):
    batch = [rec(metric_value=i, recorded_at=f"2026-03-01T12:{i:02d}:00Z") for i in range(10)]
    batch[7]["metric_value"] = -3
    r = api_env.client.post("/api/v1/metrics", json=batch, headers=api_env.editor)
    assert r.status_code == 400
    err = r.get_json()["error"]
    assert err["details"] == [
        {"index": 7, "field": "metric_value", "message": err["details"][0]["message"]}
    ]
    assert "negative" in err["details"][0]["message"]
    assert "Record 7" in err["message"]
    assert api_env.count() == 0


FUTURE = (datetime.now(UTC) + timedelta(days=2)).isoformat()
BAD_PAYLOADS = [
    ("not an array", {"platform": "YouTube"}, 400, None),
    ("empty array", [], 400, None),
    ("record not object", ["views"], 400, "record"),
    ("no release", [rec(release_key=...)], 400, "release_key"),
    ("unknown release key", [rec(release_key="nope")], 400, "release_key"),
    ("unknown release id", [rec(release_key=..., release_id=99999)], 400, "release_id"),
    ("release id as text", [rec(release_key=..., release_id="1")], 400, "release_id"),
    ("key and id disagree", [rec(release_id=424242)], 400, "release_id"),
    ("negative value", [rec(metric_value=-1)], 400, "metric_value"),
    ("decimal value", [rec(metric_value=1.5)], 400, "metric_value"),
    ("value too large", [rec(metric_value=2**63)], 400, "metric_value"),
    ("value is bool", [rec(metric_value=True)], 400, "metric_value"),
    ("value is text", [rec(metric_value="lots")], 400, "metric_value"),
    ("value missing", [rec(metric_value=...)], 400, "metric_value"),
    ("platform missing", [rec(platform=...)], 400, "platform"),
    ("platform too long", [rec(platform="x" * 101)], 400, "platform"),
    ("metric type not text", [rec(metric_type=5)], 400, "metric_type"),
    ("bad time", [rec(recorded_at="yesterday")], 400, "recorded_at"),
    ("future time", [rec(recorded_at=FUTURE)], 400, "recorded_at"),
    ("bad value kind", [rec(value_kind="daily")], 400, "value_kind"),
    ("bad url", [rec(source_url="javascript:alert(1)")], 400, "source_url"),
    ("notes too long", [rec(notes="n" * 2001)], 400, "notes"),
    ("unknown field", [rec(views=3)], 400, "views"),
    ("control chars", [rec(notes="a\x00b")], 400, "notes"),
]


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [pytest.param(p, s, f, id=name) for name, p, s, f in BAD_PAYLOADS],
)
def test_bad_payloads_write_nothing(api_env, payload, status, field):
    batch = payload if not isinstance(payload, list) or not payload else [rec(), *payload]
    r = api_env.client.post("/api/v1/metrics", json=batch, headers=api_env.editor)
    assert r.status_code == status, r.get_json()
    err = r.get_json()["error"]
    assert err["status"] == status
    if field:
        assert err["details"][0]["field"] == field
        assert err["details"][0]["index"] == 1  # the good record 0 comes first
    assert api_env.count() == 0


def test_transport_errors(api_env):
    c, h = api_env.client, api_env.editor
    r = c.post("/api/v1/metrics", data="[]", headers={**h, "Content-Type": "text/csv"})
    assert r.status_code == 415
    r = c.post("/api/v1/metrics", data="[{", headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 400 and "JSON" in r.get_json()["error"]["message"]
    big = b"[" + b" " * (http.MAX_BODY_BYTES + 10) + b"]"
    r = c.post("/api/v1/metrics", data=big, headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 413 and r.get_json()["error"]["status"] == 413
    too_many = [rec(metric_value=1)] * (http.MAX_BATCH + 1)
    assert c.post("/api/v1/metrics", json=too_many, headers=h).status_code == 413
    r = c.put("/api/v1/metrics", json=[], headers=h)
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    r = c.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.is_json
    assert c.post("/api/v1/nothing-here").status_code == 404
    assert api_env.count() == 0


def test_auth_failures(api_env):
    c = api_env.client
    post = lambda headers: c.post("/api/v1/metrics", json=[rec()], headers=headers)  # noqa: E731
    assert post({}).status_code == 401
    assert post({}).headers["WWW-Authenticate"].startswith("Bearer")
    assert post({"Authorization": "Bearer pdt_wrong"}).status_code == 401
    assert post({"Authorization": "Basic abc"}).status_code == 401
    assert post(api_env.viewer).status_code == 403
    assert api_env.count() == 0
    store.revoke_api_token(api_env.engine, "script")
    assert post(api_env.editor).status_code == 401
    assert api_env.count() == 0


def test_reads_need_token_when_login_required(api_env):
    c = api_env.client
    assert c.get("/api/v1/metrics").status_code == 200  # open while login is off
    api_env.app.server.extensions["perfdash"]["login_required"] = True
    assert c.get("/api/v1/metrics").status_code == 401
    assert c.get("/api/v1/releases").status_code == 401
    assert c.get("/api/v1/metrics", headers={"Authorization": "Bearer bad"}).status_code == 401
    assert c.get("/api/v1/metrics", headers=api_env.viewer).status_code == 200
    assert c.get("/api/v1/releases", headers=api_env.editor).status_code == 200
    assert c.get("/healthz").status_code == 200


def test_get_metrics_filters_pages_and_csv(api_env):
    c = api_env.client
    batch = [
        rec(metric_value=v, recorded_at=f"2026-03-0{d}T10:00:00Z", platform=p, metric_type=m)
        for d, (p, m, v) in enumerate(
            [
                ("YouTube", "views", 10),
                ("youtube", "likes", 2),
                ("Spotify", "streams", 30),
                ("YouTube", "views", 15),
                ("Deezer", "fans", 4),
            ],
            start=1,
        )
    ]
    batch.append(rec(release_key="rel-2", notes="=HYPERLINK(1)", metric_value=99))
    assert c.post("/api/v1/metrics", json=batch, headers=api_env.editor).status_code == 200

    def values(query):
        r = c.get("/api/v1/metrics" + query)
        assert r.status_code == 200, r.get_json()
        return [row["metric_value"] for row in r.get_json()["data"]]

    assert values("?platform=YOUTUBE") == [10, 2, 15, 99]
    assert values("?platform=youtube&metric_type=views&release_key=rel-1") == [10, 15]
    assert values(f"?release_id={api_env.r2}") == [99]
    assert values("?release_key=unknown") == []
    assert values("?from=2026-03-02&to=2026-03-04") == [2, 30]
    first = c.get("/api/v1/metrics?limit=4").get_json()
    assert len(first["data"]) == 4 and first["next_cursor"]
    rest = c.get(f"/api/v1/metrics?limit=4&cursor={first['next_cursor']}").get_json()
    assert [r["metric_value"] for r in rest["data"]] == [4, 99] and rest["next_cursor"] is None

    csv1 = c.get("/api/v1/metrics?format=csv&release_key=rel-2")
    assert csv1.mimetype == "text/csv"
    lines = csv1.get_data(as_text=True).splitlines()
    assert lines[0].startswith("id,release_key,release_id,platform,metric_type,metric_value")
    assert len(lines) == 2 and ",'=HYPERLINK(1)" in lines[1]
    csv2 = c.get("/api/v1/metrics?platform=deezer", headers={"Accept": "text/csv"})
    assert csv2.get_data(as_text=True).splitlines()[1].split(",")[3:6] == ["Deezer", "fans", "4"]

    for bad in (
        "?limit=0",
        f"?limit={http.MAX_PAGE + 1}",
        "?cursor=x",
        "?from=soon",
        "?format=xml",
        "?format=",
    ):
        assert c.get("/api/v1/metrics" + bad).status_code == 400, bad


def test_get_and_delete_one_metric(api_env):
    c = api_env.client
    c.post("/api/v1/metrics", json=[rec()], headers=api_env.editor)
    metric_id = c.get("/api/v1/metrics").get_json()["data"][0]["id"]
    assert c.get(f"/api/v1/metrics/{metric_id}").get_json()["release_key"] == "rel-1"
    assert c.delete(f"/api/v1/metrics/{metric_id}").status_code == 401
    assert c.delete(f"/api/v1/metrics/{metric_id}", headers=api_env.viewer).status_code == 403
    assert api_env.count() == 1
    assert c.delete(f"/api/v1/metrics/{metric_id}", headers=api_env.editor).status_code == 204
    assert api_env.count() == 0
    assert c.delete(f"/api/v1/metrics/{metric_id}", headers=api_env.editor).status_code == 404
    assert c.get(f"/api/v1/metrics/{metric_id}").status_code == 404


def test_served_document_names_the_resources_and_the_enforced_batch_limit(api_env):
    doc = api_env.client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {
        "/releases",
        "/releases/{release_id}",
        "/metrics",
        "/metrics/{metric_id}",
        "/annotations",
        "/annotations/{annotation_id}",
        "/imports",
        "/collect",
        "/jobs/{job_id}",
        "/kpis",
        "/series",
        "/leaderboard",
        "/countries",
        "/forecast",
        "/artists",
        "/artists/{name}",
        "/insights/prompts",
        "/goals",
        "/goals/{goal_id}",
        "/shares",
        "/shares/{share_id}",
        "/tags",
        "/releases/{release_id}/tags",
        "/views",
        "/views/{view_id}",
    }
    assert (
        doc["paths"]["/metrics"]["post"]["requestBody"]["content"]["application/json"]["schema"][
            "maxItems"
        ]
        == http.MAX_BATCH
    )


def test_dash_routes_unaffected(api_env):
    """Dash's own POST route still answers (the API's limits and JSON errors are scoped)."""
    c = api_env.client
    payload = {
        "output": "page.children",
        "outputs": {"id": "page", "property": "children"},
        "inputs": [
            {"id": "url", "property": "pathname", "value": "/nowhere"},
            {"id": "url", "property": "search", "value": ""},
        ],
        "state": [[]],  # the router's State of every page's view store (ALL): none shown
        "changedPropIds": ["url.pathname"],
    }
    r = c.post("/_dash-update-component", json=payload)
    assert r.status_code == 200
    assert "There is no page at /nowhere" in r.get_data(as_text=True).replace("\\u002f", "/")
    assert c.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


def test_database_down_answers_503_json(sqlite_url):
    engine = store.make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")
    app = create_app(Settings(database_url=sqlite_url), engine=engine)
    c = app.server.test_client()
    r = c.get("/api/v1/metrics")
    assert r.status_code == 503 and r.is_json
    assert "unavailable" in r.get_json()["error"]["message"]
    r = c.post("/api/v1/metrics", json=[rec()], headers={"Authorization": "Bearer pdt_x"})
    assert r.status_code == 503
    assert c.get("/healthz").status_code == 503
    engine.dispose()
