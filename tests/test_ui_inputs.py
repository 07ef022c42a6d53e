"""Callback inputs of the wrong JSON type are refused with a message naming the field, never
coerced; ids past 32 bits, NUL and lone surrogates never reach the database as its own error.

Crafted bodies are posted to /_dash-update-component with the Flask test client, on SQLite and
PostgreSQL, as anyone with a browser's developer tools could send them.
"""

from __future__ import annotations

import pytest
from auth_helpers import VIEW_CALLBACK, call_callback, pattern_id, pattern_input, view_values

from perfdash import create_app, store
from perfdash.config import Settings
from perfdash.ui import inputs

RAW = (
    "out of range",
    "operator does not exist",
    "cannot contain NUL",
    "psycopg",
    "sqlite3",
    "Traceback",
)


@pytest.fixture
def app(db_url, engine):
    return create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)


@pytest.fixture
def release(engine):
    return store.create_release(engine, "in-1", title="Inputs Song")


def refused(response, message: str) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code == 400, text
    body = response.get_json()
    assert message in body["error"], body["error"]
    assert "Nothing was changed" in body["error"] and body["request_id"]
    assert not any(raw in text for raw in RAW), text


def post(client, app, name, values):
    """``call_callback``, with the dashboard's picker search told apart from the entry page's."""
    if name != "components.search":
        return call_callback(client, app, name, values)
    search = values["dash-release.search_value"]
    return client.post(
        "/_dash-update-component",
        json={
            "output": "dash-release.options",
            "outputs": {"id": "dash-release", "property": "options"},
            "inputs": [
                {"id": "dash-release", "property": "search_value", "value": search},
                {"id": "dash-tag", "property": "value", "value": values.get("dash-tag.value")},
            ],
            "state": [
                {"id": "dash-release", "property": "value", "value": []},
                {"id": "dash-release", "property": "options", "value": []},
                {"id": "dash-archived", "property": "value", "value": False},
            ],
            "changedPropIds": ["dash-release.search_value"],
        },
    )


def form(release_id, **changes):
    values = {
        "entry-submit.n_clicks": 1,
        "entry-release_id.value": release_id,
        "entry-platform.value": "YouTube",
        "entry-metric_type.value": "views",
        "entry-metric_value.value": "5",
        "entry-recorded_at.value": "2026-01-02T03:04",
        "entry-value_kind.value": "total",
        "entry-changed.data": 0,
    }
    values.update(changes)
    return values


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"entry-release_id.value": True}, "release must be a whole number id, not true"),
        ({"entry-release_id.value": 2.5}, "release must be a whole number id, not 2.5"),
        ({"entry-release_id.value": 1e400}, "release must be a whole number id"),
        ({"entry-release_id.value": "abc"}, 'release must be a whole number id, not "abc"'),
        ({"entry-release_id.value": 99999999999}, "release must be an id from 1 to 2,147,483,647"),
        ({"entry-platform.value": ["YouTube"]}, 'platform must be text, not ["YouTube"]'),
        ({"entry-notes.value": {"a": 1}}, 'notes must be text, not {"a": 1}'),
        ({"entry-editing.data": "abc"}, 'editing must be a whole number id, not "abc"'),
        ({"entry-editing.data": 1e400}, "editing must be a whole number id"),
        ({"entry-metric_value.value": [5]}, "metric_value must be a whole number"),
        ({"entry-submit.n_clicks": "1"}, "save must be a count"),
    ],
)
def test_the_reading_form_refuses_wrong_types_and_writes_nothing(
    app, engine, release, changes, message
):
    client = app.server.test_client()
    submit = ["entry-submit.n_clicks"]
    response = call_callback(client, app, "metric_form.submit", form(release, **changes), submit)
    refused(response, message)
    assert store.count_metrics(engine) == 0
    # the same form with honest values saves
    ok = call_callback(client, app, "metric_form.submit", form(release), submit)
    assert ok.status_code == 200 and "Saved YouTube views = 5" in ok.get_data(as_text=True)
    assert store.count_metrics(engine) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"entry-platform.value": ["YouTube"]}, "entry-platform"),
        ({"entry-metric_value.value": [5]}, "entry-metric_value"),
        ({"entry-release_id.value": "abc"}, "entry-release_id"),
        ({"entry-value_kind.value": {"kind": "total"}}, "entry-value_kind"),
        ({"entry-editing.data": "abc"}, "entry-editing"),  # a store: no place, the banner
        ({"entry-submit.n_clicks": "1"}, "entry-submit"),
    ],
)
def test_a_refusal_names_the_component_it_belongs_to(app, release, changes, field):
    """assets/session.js puts the words beside ``<field>-error`` when the page has one."""
    client = app.server.test_client()
    response = call_callback(client, app, "metric_form.submit", form(release, **changes))
    assert response.status_code == 400
    assert response.get_json()["field"] == field


def test_a_refusal_of_no_one_field_names_none(app, release):
    client = app.server.test_client()
    body = {"output": "x.children", "inputs": "x"}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 400 and "field" not in response.get_json()
    edit = call_callback(
        client,
        app,
        "metric_form.edit",
        {'{"index":["ALL"],"type":"entry-edit"}.n_clicks': pattern_input("entry-edit", "abc")},
        changed=[pattern_id("entry-edit", "abc") + ".n_clicks"],
    )
    assert edit.status_code == 400 and "field" not in edit.get_json()


def test_every_form_field_has_a_place_for_its_refusal():
    """The entry page's fields and the notes' each have an ``<id>-error`` element (the metric
    kinds' too: tests/test_ui_field_refusal_browser.py)."""
    from perfdash.ui.pages.entry import metric_form, releases
    from perfdash.ui.panels import annotations

    ids: set[str] = set()

    def walk(node) -> None:
        if hasattr(node, "id") and isinstance(getattr(node, "id", None), str):
            ids.add(node.id)
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str | int | float):
                walk(child)

    for part in (
        metric_form.section("UTC", []),
        releases.section([]),
        annotations.panel(),
    ):
        walk(part)
    fields = [f"entry-{f}" for f in metric_form.ERROR_FIELDS]
    fields += [f"entry-rel-{f}" for f in releases.RELEASE_FORM]
    fields += ["ann-date", "ann-text"]
    missing = [f for f in fields if f not in ids or f"{f}-error" not in ids]
    assert missing == [], missing


def test_an_edit_button_index_that_is_no_row_is_refused(app, engine, release):
    client = app.server.test_client()
    for index in ("abc", 2**40, True, -1):
        response = call_callback(
            client,
            app,
            "metric_form.edit",
            {'{"index":["ALL"],"type":"entry-edit"}.n_clicks': pattern_input("entry-edit", index)},
            changed=[pattern_id("entry-edit", index) + ".n_clicks"],
        )
        refused(response, "edit: the row must be")


@pytest.mark.parametrize(
    ("name", "values", "message"),
    [
        (VIEW_CALLBACK, {"dash-release.value": ["abc"]}, "release must be a whole number id"),
        (VIEW_CALLBACK, {"dash-release.value": [99999999999]}, "release must be an id from"),
        (VIEW_CALLBACK, {"dash-release.value": "\ud800"}, "release must be a"),
        (VIEW_CALLBACK, {"dash-release.value": 1}, "release must be a list of release ids"),
        (
            VIEW_CALLBACK,
            {"dash-period.value": "abc"},
            'period must be one of 7d, 28d, 90d, 12m, all, custom, not "abc"',
        ),
        (
            VIEW_CALLBACK,
            {"dash-period.value": "28d", "dash-forecast.value": "1\u00b2"},
            "forecast must be one of 0, 7, 28, 90",
        ),
        (
            VIEW_CALLBACK,
            {"dash-period.value": "28d", "theme-store.data": "abc"},
            'theme must be one of plotly_white, plotly_dark, not "abc"',
        ),
        (
            "overview.overview",
            {"ov-period.value": "abc", "theme-store.data": "plotly_white"},
            'period must be one of 7d, 28d, 90d, not "abc"',
        ),
        (
            "components.search",
            {"dash-release.search_value": "So\x00ng"},
            "release search holds a NUL character",
        ),
        (
            "components.search",
            {"dash-release.search_value": "\ud800"},
            "release search holds a character that is not valid Unicode",
        ),
        (
            "components.search",
            {"dash-release.search_value": "x", "dash-tag.value": ["lofi"]},
            "tag must be text",
        ),
        (
            VIEW_CALLBACK,
            {"dash-release.value": [1], "dash-tag.value": "lo\x00fi"},
            "tag holds a NUL character",
        ),
        (
            VIEW_CALLBACK,
            {"dash-release.value": [1], "dash-metric.value": "\ud800"},
            "metric holds a character that is not valid Unicode",
        ),
        (
            VIEW_CALLBACK,
            {"dash-release.value": [1], "dash-platform.value": "YouTube"},
            "platform must be a list of names",
        ),
        (
            VIEW_CALLBACK,
            {"dash-release.value": [1], "dash-compare.value": "yes"},
            'compare must be true or false, not "yes"',
        ),
        ("annotations.date_from_click", {"dash-series.clickData": [1]}, "chart click must be"),
        ("launches.launch_chart", {"launch-releases.value": [True]}, "releases must be"),
        ("alerts.alerts_list", {"alerts-window.value": "30"}, "window must be a whole number"),
    ],
)
def test_read_callbacks_refuse_wrong_types_naming_the_field(app, release, name, values, message):
    refused(post(app.server.test_client(), app, name, values), message)


def test_honest_read_callbacks_still_answer(app, release):
    client = app.server.test_client()
    response = post(client, app, "components.search", {"dash-release.search_value": "Inp"})
    assert response.status_code == 200 and "Inputs Song" in response.get_data(as_text=True)
    response = call_callback(client, app, VIEW_CALLBACK, {"dash-release.value": [release]})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    ["?release=99999999999&period=28d", "?release=1&metric=%00&platform=%00", "?release=9" * 3],
)
def test_a_view_naming_impossible_values_shows_no_database_text(app, release, query):
    client = app.server.test_client()
    response = call_callback(client, app, VIEW_CALLBACK, view_values(query))
    text = response.get_data(as_text=True)
    assert response.status_code in (200, 204), text
    assert not any(raw in text for raw in RAW), text
    # the page built for the URL (what holds those values first) shows no database text either
    page = client.post(
        "/_dash-update-component",
        json={
            "output": "page.children",
            "outputs": {"id": "page", "property": "children"},
            "inputs": [
                {"id": "url", "property": "pathname", "value": "/dashboard"},
                {"id": "url", "property": "search", "value": query},
            ],
            "state": [[]],
            "changedPropIds": ["url.search"],
        },
    )
    assert page.status_code == 200 and not any(raw in page.get_data(as_text=True) for raw in RAW)


def test_every_callback_input_has_a_kind_and_every_kind_an_input(app):
    used = set()
    for entry in app.callback_map.values():
        for item in [*entry["inputs"], *entry["state"]]:
            component = item["id"]
            if component.startswith("{"):
                import json

                component = json.loads(component)
            used.add(inputs.kind_key(component, item["property"]))
    assert used - set(inputs.KINDS) == set(), "inputs without a kind in ui/inputs.py"
    assert set(inputs.KINDS) - used == set(), "kinds of inputs no callback has"


def test_an_api_cursor_past_32_bits_is_the_end_of_the_list(app, release):
    client = app.server.test_client()
    for path in ("/api/v1/releases", "/api/v1/metrics"):
        response = client.get(path, query_string={"cursor": 2**63 - 1})
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json()["data"] == []


def test_a_link_naming_a_release_past_32_bits_says_so():
    from perfdash.ui.pages.dashboard.state import parse_query, url_problems

    query = {"release": ["99999999999,3"]}
    assert parse_query(query).releases == (3,)
    assert url_problems(query) == ["release '99999999999' is not a release id"]


def test_a_body_shaped_unlike_its_callback_is_refused_not_a_crash(app):
    client = app.server.test_client()
    route = {
        "output": "page.children",
        "outputs": {"id": "page", "property": "children"},
        "inputs": [{"id": "url", "property": "pathname", "value": "/dashboard"}],
        "changedPropIds": ["url.pathname"],
    }
    refused(client.post("/_dash-update-component", json=route), "sends 1 inputs where")
    nowhere = {**route, "output": "nothing.children"}
    refused(client.post("/_dash-update-component", json=nowhere), "names no callback")
    for body in ([], {"output": "page.children", "inputs": "x"}, {"inputs": [5]}):
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 400, body


def test_a_pages_single_button_of_index_0_and_the_view_stores_pass(app, engine, release):
    """Index 0 (a page's one "Save as a correction") and ids without an index (the pages' view
    stores) are what the page itself sends."""
    assert (
        inputs.body_problem(
            {
                "inputs": [
                    [
                        {
                            "id": {"type": "entry-confirm-low-button", "index": 0},
                            "property": "n_clicks",
                            "value": 1,
                        }
                    ]
                ],
                "state": [
                    [
                        {
                            "id": {"type": "page-view", "page": "dashboard"},
                            "property": "data",
                            "value": "/dashboard",
                        }
                    ]
                ],
                "changedPropIds": ['{"index":0,"type":"entry-confirm-low-button"}.n_clicks'],
            }
        )
        is None
    )
