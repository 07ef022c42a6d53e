"""The dashboard's tag filter on SQLite and PostgreSQL, through /_dash-update-component as the
renderer posts it: the tag is in the URL, the release picker lists only the tag's releases
(first options, a search, a change of the tag), a change of the tag alone costs no redraw,
and a tag nobody carries or nobody could carry is said at the top."""

from __future__ import annotations

import json

import pytest
from auth_helpers import VIEW_CALLBACK, call_callback, view_values

from perfdash import create_app, store
from perfdash.config import Settings
from perfdash.ingest.tags import tag_release
from perfdash.ui.pages.dashboard.state import to_query, view_of


@pytest.fixture
def world(db_url, engine):
    ids = {
        name: store.create_release(engine, f"rel-{n}", title=name)
        for n, name in enumerate(("Neon Tides", "Glass Horizon", "Low Orbit", "Neon Rain"))
    }
    tag_release(engine, ids["Neon Tides"], ["lofi"])
    tag_release(engine, ids["Low Orbit"], ["Lofi", "summer campaign"])
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    return app, ids


def _search(client, search, tag, changed="dash-release.search_value", value=()):
    body = {
        "output": "dash-release.options",
        "outputs": {"id": "dash-release", "property": "options"},
        "inputs": [
            {"id": "dash-release", "property": "search_value", "value": search},
            {"id": "dash-tag", "property": "value", "value": tag},
        ],
        "state": [
            {"id": "dash-release", "property": "value", "value": list(value)},
            {"id": "dash-release", "property": "options", "value": []},
            {"id": "dash-archived", "property": "value", "value": False},
        ],
        "changedPropIds": [changed],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [o["label"] for o in response.get_json()["response"]["dash-release"]["options"]]


def test_the_tag_is_in_the_url():
    state = view_of("?release=3&tag=Summer%20Campaign")
    assert state.tag == "summer-campaign"
    assert to_query(state).endswith("&tag=summer-campaign")
    assert view_of(to_query(state)) == state
    assert view_of("?release=3&tag=no%20good!").tag is None
    assert "tag=" not in to_query(view_of("?release=3"))


def test_the_picker_lists_only_the_tags_releases(world):
    app, ids = world
    client = app.server.test_client()
    assert sorted(_search(client, "", "lofi")) == ["Low Orbit", "Neon Tides"]
    assert _search(client, "neon", "lofi") == ["Neon Tides"]
    assert sorted(_search(client, "neon", None)) == ["Neon Rain", "Neon Tides"]
    # a change of the tag lists its releases afresh, keeping the chosen ones
    changed = _search(
        client, None, "summer-campaign", "dash-tag.value", value=[ids["Glass Horizon"]]
    )
    assert changed == ["Low Orbit"]  # the kept option needs its label in current options
    assert sorted(_search(client, None, None, "dash-tag.value")) == sorted(ids)
    assert _search(client, "", "nobody-has-it") == []


def test_a_change_of_the_tag_alone_only_rewrites_the_url(world):
    app, ids = world
    client = app.server.test_client()
    query = f"?release={ids['Neon Tides']}&period=28d&metric=views&granularity=day&mode=gain"
    values = view_values(query, {"dash-tag.value": "lofi", "dash-query.data": query})
    response = call_callback(client, app, VIEW_CALLBACK, values, ["dash-tag.value"])
    assert response.status_code == 200, response.get_data(as_text=True)
    out = response.get_json()["response"]
    assert list(out) == ["dash-query"]
    assert out["dash-query"]["data"].endswith("&tag=lofi")


def test_the_page_for_a_tagged_url(world):
    app, ids = world
    client = app.server.test_client()

    def page(search: str) -> dict:
        body = {
            "output": "page.children",
            "outputs": {"id": "page", "property": "children"},
            "inputs": [
                {"id": "url", "property": "pathname", "value": "/dashboard"},
                {"id": "url", "property": "search", "value": search},
            ],
            "state": [[]],
            "changedPropIds": ["url.pathname"],
        }
        return client.post("/_dash-update-component", json=body).get_json()

    def find(node, wanted):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == wanted:
                return node["props"]
            for value in node.values():
                found = find(value, wanted)
                if found:
                    return found
        elif isinstance(node, list):
            for value in node:
                found = find(value, wanted)
                if found:
                    return found
        return None

    answer = page("?tag=lofi&period=28d")
    picker = find(answer, "dash-release")
    assert sorted(o["label"] for o in picker["options"]) == ["Low Orbit", "Neon Tides"]
    assert picker["value"] and picker["value"][0] in (ids["Low Orbit"], ids["Neon Tides"])
    tag = find(answer, "dash-tag")
    assert tag["value"] == "lofi"
    assert [o["value"] for o in tag["options"]] == ["lofi", "summer-campaign"]
    assert [o["label"] for o in tag["options"]] == ["lofi (2)", "summer-campaign (1)"]
    # a tag nobody carries, and one nobody could, are said at the top
    assert "no release carries the tag 'gone'" in json.dumps(page("?tag=gone"))
    assert "is not a tag" in json.dumps(page("?tag=no%20good!"))


def test_the_leaderboard_holds_the_tags_releases(world, engine):
    """On the Leaderboard tab the tag narrows the board (and its note says so); a change of
    the tag alone there redraws the board, nothing else."""
    app, ids = world
    for name, gain in (("Neon Tides", 50), ("Glass Horizon", 900), ("Low Orbit", 20)):
        for day, value in ((1, 100), (3, 100 + gain)):
            store.add_performance_metric(
                ids[name],
                "YouTube",
                "views",
                value,
                engine=engine,
                recorded_at=store.to_utc(f"2026-03-0{day}T12:00:00Z"),
            )
    client = app.server.test_client()
    query = "?period=custom&from=2026-03-01&to=2026-03-05&view=leaderboard&lbmetric=views"

    def board(tag, changed=None):
        values = view_values(query, {"dash-tag.value": tag, "dash-query.data": query})
        response = call_callback(client, app, VIEW_CALLBACK, values, changed)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["response"]

    everyone = json.dumps(board(None)["dash-leaderboard"])
    assert "Glass Horizon" in everyone and "Neon Tides" in everyone
    tagged = board("lofi", ["dash-tag.value"])
    assert set(tagged) == {"dash-query", "dash-leaderboard"}
    text = json.dumps(tagged["dash-leaderboard"])
    assert "Glass Horizon" not in text and "Neon Tides" in text and "Low Orbit" in text
    assert "Top 10 releases tagged lofi by views gained" in text
    assert text.index("Neon Tides") < text.index("Low Orbit")  # +50 before +20
