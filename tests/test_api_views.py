"""/api/v1/views on SQLite and PostgreSQL: each token sees, saves and deletes its own views
only; a taken name is 409 unless replace; bad names and views are 400 naming the field with
nothing saved; without a token, only an open install answers, with its one shared list."""

from __future__ import annotations

import pytest
from bad_inputs import VIEW_NAME_CASES

from perfdash import auth, create_app, store
from perfdash.config import Settings
from perfdash.ingest import views

SECRET = "saved-views-api-secret-0123456789-abcdefgh"


@pytest.fixture
def api(db_url, engine):
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    alice = {"Authorization": f"Bearer {auth.create_token(engine, 'alice', 'viewer')}"}
    bob = {"Authorization": f"Bearer {auth.create_token(engine, 'bob', 'editor')}"}
    return app.server.test_client(), engine, alice, bob


def test_a_token_saves_lists_and_deletes_its_own_views(api):
    client, engine, alice, bob = api
    made = client.post(
        "/api/v1/views",
        json={"name": "Summer launch", "view": "/dashboard?release=3&period=28d"},
        headers=alice,
    )
    assert made.status_code == 201
    body = made.get_json()
    assert (body["name"], body["view"], body["url"], body["is_default"]) == (
        "Summer launch",
        "?release=3&period=28d",
        "/dashboard?release=3&period=28d",
        False,
    )
    assert made.headers["Location"] == f"/api/v1/views/{body['id']}"
    client.post("/api/v1/views", json={"name": "Bob's", "view": "?release=1"}, headers=bob)
    mine = client.get("/api/v1/views", headers=alice).get_json()["views"]
    assert [v["name"] for v in mine] == ["Summer launch"]
    theirs = client.get("/api/v1/views", headers=bob).get_json()["views"]
    assert [v["name"] for v in theirs] == ["Bob's"]
    assert client.delete(f"/api/v1/views/{theirs[0]['id']}", headers=alice).status_code == 404
    assert len(store.list_saved_views(engine, views.token_owner("bob"))) == 1
    assert client.delete(f"/api/v1/views/{body['id']}", headers=alice).status_code == 204
    assert client.get("/api/v1/views", headers=alice).get_json()["views"] == []
    assert client.delete(f"/api/v1/views/{body['id']}", headers=alice).status_code == 404
    assert client.delete(f"/api/v1/views/{2**40}", headers=alice).status_code == 404


def test_a_taken_name_is_409_unless_replaced_and_default_moves(api):
    client, engine, alice, _ = api
    first = client.post(
        "/api/v1/views", json={"name": "A", "view": "?release=1", "default": True}, headers=alice
    ).get_json()
    taken = client.post("/api/v1/views", json={"name": "A", "view": "?release=2"}, headers=alice)
    assert taken.status_code == 409
    assert taken.get_json()["error"]["details"][0]["field"] == "name"
    assert "replace" in taken.get_json()["error"]["message"]
    again = client.post(
        "/api/v1/views", json={"name": "A", "view": "?release=2", "replace": True}, headers=alice
    )
    assert again.status_code == 200
    assert again.get_json()["id"] == first["id"] and again.get_json()["is_default"] is True
    client.post(
        "/api/v1/views", json={"name": "B", "view": "?release=5", "default": True}, headers=alice
    )
    listed = client.get("/api/v1/views", headers=alice).get_json()["views"]
    assert [(v["name"], v["view"], v["is_default"]) for v in listed] == [
        ("A", "?release=2", False),
        ("B", "?release=5", True),
    ]


@pytest.mark.parametrize(
    ("case", "raw", "words"), VIEW_NAME_CASES, ids=[c[0] for c in VIEW_NAME_CASES]
)
def test_a_bad_name_is_400_naming_it(api, case, raw, words):
    client, engine, alice, _ = api
    answer = client.post("/api/v1/views", json={"name": raw, "view": "?release=1"}, headers=alice)
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["details"][0]["field"] == "name"
    assert words in error["message"] or words in answer.get_data(as_text=True)
    assert store.list_saved_views(engine, views.token_owner("alice")) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "view": "?evil=1"}, "view"),
        ({"name": "x", "view": "/artists?artist=a"}, "view"),
        ({"name": "x", "view": 3}, "view"),
        ({"name": "x"}, "view"),
        ({"name": "x", "view": "?release=1", "default": "yes"}, "default"),
        ({"name": "x", "view": "?release=1", "replace": 1}, "replace"),
        ({"name": "x", "view": "?release=1", "owner": "user:vera"}, "owner"),
    ],
)
def test_a_bad_view_or_field_is_400_naming_it(api, body, field):
    client, engine, alice, _ = api
    answer = client.post("/api/v1/views", json=body, headers=alice)
    assert answer.status_code == 400
    assert answer.get_json()["error"]["details"][0]["field"] == field
    assert store.list_saved_views(engine, views.token_owner("alice")) == []


def test_without_a_token_an_open_install_has_one_shared_list(api):
    client, engine, alice, _ = api
    made = client.post("/api/v1/views", json={"name": "Ours", "view": "?period=7d"})
    assert made.status_code == 201
    assert [v["name"] for v in store.list_saved_views(engine, views.ANONYMOUS)] == ["Ours"]
    assert [v["name"] for v in client.get("/api/v1/views").get_json()["views"]] == ["Ours"]
    assert client.get("/api/v1/views", headers=alice).get_json()["views"] == []


def test_with_sign_in_on_a_token_is_needed(db_url, engine):
    app = create_app(
        Settings(database_url=db_url, auth="required", secret_key=SECRET), engine=engine
    )
    client = app.server.test_client()
    assert client.get("/api/v1/views").status_code == 401
    assert client.post("/api/v1/views", json={"name": "x", "view": "?period=7d"}).status_code == 401
    assert store.list_saved_views(engine, views.ANONYMOUS) == []
    bad = {"Authorization": "Bearer pdt_not-a-token"}
    assert client.get("/api/v1/views", headers=bad).status_code == 401
