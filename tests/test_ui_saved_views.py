"""The dashboard's saved-view writes through /_dash-update-component, as the renderer posts
them: nobody is refused; a viewer saves, replaces, deletes and sets the default of their own
views only (a crafted id of someone else's changes nothing); bad names are refused beside the
field; on an open install without sign-in everyone shares one list; a bare /dashboard opens
the default (in the page the router builds: no callback more)."""

from __future__ import annotations

import json

import pytest
from auth_helpers import call_callback, login, pattern_id, pattern_input
from bad_inputs import VIEW_NAME_CASES

from perfdash import auth, create_app, store
from perfdash.config import Settings
from perfdash.ingest import views

SECRET = "saved-views-ui-secret-0123456789-abcdefghij"
PASSWORD = "correct horse battery"
VERA, OTTO = views.user_owner("vera"), views.user_owner("otto")


@pytest.fixture
def world(db_url, engine):
    for name in ("vera", "otto"):
        auth.add_user(engine, name, PASSWORD, "viewer")
    app = create_app(
        Settings(database_url=db_url, auth="required", secret_key=SECRET, tz="UTC"),
        engine=engine,
    )
    return app, engine


def _client(app, who):
    client = app.server.test_client()
    if who:
        assert login(client, who, PASSWORD).status_code == 302
    return client


def _save(name, query="?release=1&period=28d", replace=False):
    values = {
        "view-save.n_clicks": 1,
        "view-replace.n_clicks": 1 if replace else None,
        "view-name.value": name,
        "dash-query.data": query,
    }
    changed = ["view-replace.n_clicks" if replace else "view-save.n_clicks"]
    return values, changed


def _post(client, app, name, values_changed):
    values, changed = values_changed
    return call_callback(client, app, name, values, changed)


def _answer(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["response"]


def _rows(engine, owner):
    return [(v["name"], v["view"], v["is_default"]) for v in store.list_saved_views(engine, owner)]


def test_nobody_is_refused(world):
    app, engine = world
    response = _post(_client(app, None), app, "saved_views.save_view", _save("Mine"))
    assert response.status_code == 401
    assert _rows(engine, views.ANONYMOUS) == [] and _rows(engine, VERA) == []


def test_a_viewer_saves_and_replaces_their_own(world):
    app, engine = world
    vera = _client(app, "vera")
    out = _answer(_post(vera, app, "saved_views.save_view", _save("Launch week")))
    assert "Saved view 'Launch week'" in json.dumps(out["view-result"])
    assert "Launch week" in json.dumps(out["view-list"])
    assert _rows(engine, VERA) == [("Launch week", "?release=1&period=28d", False)]
    # a taken name asks, and changes nothing until Replace is pressed
    asked = _answer(_post(vera, app, "saved_views.save_view", _save("Launch week", "?release=2")))
    assert asked["view-ask"]["is_open"] is True
    assert "already have a view named 'Launch week'" in asked["view-ask-text"]["children"]
    assert _rows(engine, VERA) == [("Launch week", "?release=1&period=28d", False)]
    replaced = _post(
        vera, app, "saved_views.save_view", _save("Launch week", "?release=2", replace=True)
    )
    assert "Replaced view" in json.dumps(_answer(replaced)["view-result"])
    assert _rows(engine, VERA) == [("Launch week", "?release=2", False)]
    assert _rows(engine, OTTO) == []


@pytest.mark.parametrize(
    ("case", "raw", "words"), VIEW_NAME_CASES, ids=[c[0] for c in VIEW_NAME_CASES]
)
def test_a_bad_name_is_refused_beside_the_field(world, case, raw, words):
    app, engine = world
    response = _post(_client(app, "vera"), app, "saved_views.save_view", _save(raw))
    if not isinstance(raw, str):  # the wrong JSON type: refused before the callback runs
        assert response.status_code == 400
        assert "view name" in response.get_data(as_text=True)
    else:
        out = _answer(response)
        assert out["view-name"]["invalid"] is True
        assert words in out["view-name-problem"]["children"]
    assert _rows(engine, VERA) == []


def test_a_viewer_cannot_touch_someone_elses(world):
    app, engine = world
    theirs = views.save_view(engine, OTTO, "Otto's", "?release=9", default=True).id
    mine = views.save_view(engine, VERA, "Vera's", "?release=1").id
    vera = _client(app, "vera")
    for name, kind in (
        ("saved_views.delete_view", "view-delete"),
        ("saved_views.make_default", "view-default"),
    ):
        key = json.dumps({"index": ["ALL"], "type": kind}, separators=(",", ":"))
        values = {f"{key}.n_clicks": pattern_input(kind, theirs)}
        if kind == "view-default":
            values['{"index":["ALL"],"type":"view-undefault"}.n_clicks'] = []
        out = _answer(
            call_callback(vera, app, name, values, [f"{pattern_id(kind, theirs)}.n_clicks"])
        )
        assert "no such saved view" in json.dumps(out)
    assert _rows(engine, OTTO) == [("Otto's", "?release=9", True)]
    # their own: default set, unset, deleted
    key = '{"index":["ALL"],"type":"view-default"}.n_clicks'
    unset_key = '{"index":["ALL"],"type":"view-undefault"}.n_clicks'
    values = {key: pattern_input("view-default", mine), unset_key: []}
    changed = [f"{pattern_id('view-default', mine)}.n_clicks"]
    out = _answer(call_callback(vera, app, "saved_views.make_default", values, changed))
    assert "Default view set" in json.dumps(out)
    assert _rows(engine, VERA) == [("Vera's", "?release=1", True)]
    values = {key: [], unset_key: pattern_input("view-undefault", mine)}
    changed = [f"{pattern_id('view-undefault', mine)}.n_clicks"]
    _answer(call_callback(vera, app, "saved_views.make_default", values, changed))
    assert _rows(engine, VERA) == [("Vera's", "?release=1", False)]
    delete_key = '{"index":["ALL"],"type":"view-delete"}.n_clicks'
    changed = [f"{pattern_id('view-delete', mine)}.n_clicks"]
    values = {delete_key: pattern_input("view-delete", mine)}
    out = _answer(call_callback(vera, app, "saved_views.delete_view", values, changed))
    assert "Deleted the view" in json.dumps(out)
    assert _rows(engine, VERA) == [] and _rows(engine, OTTO) == [("Otto's", "?release=9", True)]


def test_an_open_install_shares_one_list(db_url, engine):
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    client = app.server.test_client()
    _answer(_post(client, app, "saved_views.save_view", _save("Ours")))
    assert _rows(engine, views.ANONYMOUS) == [("Ours", "?release=1&period=28d", False)]


def test_a_bare_dashboard_opens_the_default(world):
    app, engine = world
    release = store.create_release(engine, "rel-1", title="Neon Tides")
    other = store.create_release(engine, "rel-2", title="Glass Horizon")
    views.save_view(engine, VERA, "Glass", f"?release={other}&period=7d", default=True)
    views.save_view(engine, OTTO, "Neon", f"?release={release}&period=12m", default=True)
    page = {
        "output": "page.children",
        "outputs": {"id": "page", "property": "children"},
        "inputs": [
            {"id": "url", "property": "pathname", "value": "/dashboard"},
            {"id": "url", "property": "search", "value": ""},
        ],
        "state": [[]],
        "changedPropIds": ["url.pathname"],
    }
    text = _client(app, "vera").post("/_dash-update-component", json=page).get_data(as_text=True)
    assert f'"data": "?release={other}&period=7d' in text.replace('":"', '": "')
    assert "Glass (1)" not in text and "Saved views (1)" in text
    # a query of its own is opened as it is
    page["inputs"][1]["value"] = f"?release={release}&period=28d"
    text = _client(app, "vera").post("/_dash-update-component", json=page).get_data(as_text=True)
    assert f"?release={release}&period=28d" in text
    assert f"?release={other}&period=7d&" not in text.split("Saved views")[0]
