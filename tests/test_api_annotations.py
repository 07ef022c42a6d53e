"""/api/v1/annotations through Flask's test client (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from perfdash import auth, create_app, store
from perfdash.config import Settings


@pytest.fixture
def client_and_tokens(db_url):
    engine = store.make_engine(db_url)
    store.create_release(engine, "rel-a", title="Neon Tides")
    app = create_app(Settings(database_url=db_url, tz="Europe/Berlin"), engine=engine)
    tokens = {
        "editor": auth.create_token(engine, "ed", "editor"),
        "viewer": auth.create_token(engine, "vi", "viewer"),
    }
    yield app.server.test_client(), tokens, engine
    engine.dispose()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_post_list_delete_annotations(client_and_tokens):
    client, tokens, engine = client_and_tokens
    body = {"release": "rel-a", "date": "2026-03-01", "text": "playlist add"}
    created = client.post("/api/v1/annotations", json=body, headers=bearer(tokens["editor"]))
    assert created.status_code == 201, created.get_json()
    data = created.get_json()["data"]
    # a bare date is that day in the display time zone (Berlin: 23:00 UTC the day before)
    assert data["at"] == "2026-02-28T23:00:00Z"
    assert data["release_key"] == "rel-a" and data["text"] == "playlist add"
    assert data["created_by"] == "api (editor)"
    catalog = client.post(
        "/api/v1/annotations",
        json={"date": "2026-03-05T10:00:00Z", "text": "label campaign"},
        headers=bearer(tokens["editor"]),
    )
    assert catalog.status_code == 201 and catalog.get_json()["data"]["release_id"] is None

    listed = client.get("/api/v1/annotations?release=rel-a").get_json()["data"]
    assert [r["text"] for r in listed] == ["playlist add", "label campaign"]
    assert client.get("/api/v1/annotations?release=nope").status_code == 404

    gone = client.delete(f"/api/v1/annotations/{data['id']}", headers=bearer(tokens["editor"]))
    assert gone.status_code == 204
    again = client.delete(f"/api/v1/annotations/{data['id']}", headers=bearer(tokens["editor"]))
    assert again.status_code == 404
    assert [r["text"] for r in store.list_annotations(engine)] == ["label campaign"]


def test_writes_need_an_editor_and_bad_input_names_the_field(client_and_tokens):
    client, tokens, engine = client_and_tokens
    body = {"release": "rel-a", "date": "2026-03-01", "text": "x"}
    assert client.post("/api/v1/annotations", json=body).status_code == 401
    viewer = client.post("/api/v1/annotations", json=body, headers=bearer(tokens["viewer"]))
    assert viewer.status_code == 403
    bad = client.post(
        "/api/v1/annotations",
        json={"release": "nope", "date": "soon", "text": ""},
        headers=bearer(tokens["editor"]),
    )
    assert bad.status_code == 400
    fields = {d["field"] for d in bad.get_json()["error"]["details"]}
    assert fields == {"release", "date", "text"}
    assert client.delete("/api/v1/annotations/1").status_code == 401
    assert store.list_annotations(engine) == []


def test_json_types_unknown_fields_and_odd_ids_are_refused_not_errors(client_and_tokens):
    client, tokens, engine = client_and_tokens
    editor = bearer(tokens["editor"])
    rid = store.get_release_by_key(engine, "rel-a")["id"]
    # a release whose key looks like another release's id: a JSON number is always the id
    store.create_release(engine, str(rid + 1000), title="Digits")

    def post(body):
        response = client.post("/api/v1/annotations", json=body, headers=editor)
        return response.status_code, {
            d["field"] for d in (response.get_json() or {}).get("error", {}).get("details", [])
        }

    good = {"date": "2026-03-01", "text": "playlist add"}
    assert post({**good, "at": "2026-03-01"}) == (400, {"at"})
    assert post({**good, "release": True}) == (400, {"release"})
    assert post({**good, "release": ["rel-a"]}) == (400, {"release"})
    assert post({**good, "text": 12}) == (400, {"text"})
    assert post({**good, "date": 20260301}) == (400, {"date"})
    assert post({**good, "text": "x" * 499 + "  "}) == (400, {"text"})  # 501 as sent
    assert post({**good, "release": rid + 1000}) == (400, {"release"})  # no such id
    assert post({**good, "release": "²"}) == (400, {"release"})
    assert post({**good, "release": "9" * 30}) == (400, {"release"})
    assert post({**good, "date": "9999-12-31T23:00:00-05:00"}) == (400, {"date"})
    assert store.list_annotations(engine) == []

    by_id = client.post("/api/v1/annotations", json={**good, "release": rid}, headers=editor)
    assert by_id.status_code == 201
    data = by_id.get_json()["data"]
    assert (data["release_id"], data["release_key"]) == (rid, "rel-a")
    assert by_id.headers["Location"] == f"/api/v1/annotations/{data['id']}"
    by_key = client.post(
        "/api/v1/annotations", json={**good, "release": str(rid + 1000)}, headers=editor
    )
    assert by_key.get_json()["data"]["release_key"] == str(rid + 1000)

    assert client.get("/api/v1/annotations?release=" + "9" * 30).status_code == 404
    assert client.get("/api/v1/annotations?start=soon").status_code == 400
    assert client.delete(f"/api/v1/annotations/{2**40}", headers=editor).status_code == 404
    allow = client.options("/api/v1/annotations").headers["Allow"]
    assert sorted(allow.split(", ")) == ["GET", "HEAD", "OPTIONS", "POST"]
    assert client.put("/api/v1/annotations", json=good, headers=editor).status_code == 405
    assert len(store.list_annotations(engine)) == 2


@pytest.mark.parametrize(
    ("release", "words"),
    [("rel\x00", "control characters"), ("rel\u200b", "invisible characters")],
)
def test_a_release_key_the_rules_refuse_is_a_400_naming_it(client_and_tokens, release, words):
    client, tokens, engine = client_and_tokens
    listed = client.get(
        "/api/v1/annotations", query_string={"release": release}, headers=bearer(tokens["viewer"])
    )
    assert listed.status_code == 400, listed.get_data(as_text=True)
    error = listed.get_json()["error"]
    assert error["details"] == [{"field": "release", "message": error["details"][0]["message"]}]
    assert words in error["message"]
    posted = client.post(
        "/api/v1/annotations",
        json={"release": release, "date": "2026-03-01", "text": "x"},
        headers=bearer(tokens["editor"]),
    )
    assert posted.status_code == 400 and words in posted.get_data(as_text=True)
    assert store.list_annotations(engine, None) == []
