"""Every GET route of the OpenAPI document, each of its query parameters (and path parts)
holding a NUL: a 400 naming the parameter on SQLite and PostgreSQL, never the database's
refusal (PostgreSQL cannot compare text holding NUL) or a 500."""

from __future__ import annotations

import pytest

from perfdash import auth, create_app, store
from perfdash.config import Settings

HEADERS = {"Accept-Encoding": "identity"}


@pytest.fixture
def client(db_url, engine):
    rid = store.create_release(engine, "args-1", title="Args", artist_name="Arguer")
    token = auth.create_token(engine, "args", "editor")
    app = create_app(Settings(database_url=db_url), engine=engine)
    client = app.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client, rid


def _routes(client) -> list[tuple[str, list[dict]]]:
    doc = client.get("/api/v1/openapi.json", headers=HEADERS).get_json()
    base = doc["servers"][0]["url"].rstrip("/")
    return [
        (base + path, ops["get"].get("parameters", []))
        for path, ops in doc["paths"].items()
        if "get" in ops
    ]


def test_a_nul_in_any_query_parameter_is_refused_naming_it(client):
    client, rid = client
    tried = 0
    for path, params in _routes(client):
        concrete = path
        for p in params:
            if p["in"] == "path":
                concrete = concrete.replace("{" + p["name"] + "}", str(rid))
        for p in params:
            if p["in"] != "query":
                continue
            for value in ("%00", "a%00b"):
                response = client.get(f"{concrete}?{p['name']}={value}", headers=HEADERS)
                text = response.get_data(as_text=True)
                assert response.status_code == 400, (path, p["name"], text)
                message = response.get_json()["error"]["message"]
                assert f"query parameter '{p['name']}' holds a NUL" in message, message
                tried += 1
    assert tried > 40


def test_a_nul_in_a_path_part_is_refused(client):
    client, _ = client
    response = client.get("/api/v1/artists/Arg%00uer", headers=HEADERS)
    assert response.status_code == 400
    assert "path part 'name' holds a NUL" in response.get_json()["error"]["message"]
    response = client.get("/api/v1/artists/Arguer", headers=HEADERS)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
