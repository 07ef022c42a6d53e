"""Every write of the data-entry tab asks for the editor role on the server side.

A viewer who calls the callbacks directly (not through hidden buttons) gets the refusal in
the page and the database does not change; an editor writes.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from auth_helpers import call_callback, login, pattern_input

from perfdash import auth, create_app, store
from perfdash.config import Settings

SECRET = "s3cr3t-key-for-tests-0123456789-abcdefXYZ"
PASSWORD = "correct horse battery"
REFUSED = "This needs the editor role; you are signed in as viewer"


@pytest.fixture
def app(sqlite_url):
    eng = store.make_engine(sqlite_url)
    auth.add_user(eng, "alice", PASSWORD, "editor")
    auth.add_user(eng, "victor", PASSWORD + " v", "viewer")
    yield create_app(
        Settings(database_url=sqlite_url, auth="required", secret_key=SECRET), engine=eng
    )
    eng.dispose()


@pytest.fixture
def engine(app):
    return app.server.extensions["perfdash"]["engine"]


def _client(app, name, password):
    client = app.server.test_client()
    assert login(client, name, password).status_code == 302
    return client


def _form(release_id):
    when = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    return {
        "entry-submit.n_clicks": 1,
        "entry-release_id.value": release_id,
        "entry-platform.value": "YouTube",
        "entry-metric_type.value": "views",
        "entry-metric_value.value": "1,000",
        "entry-recorded_at.value": when,
        "entry-value_kind.value": "total",
        "entry-changed.data": 0,
    }


def test_viewer_is_refused_everywhere_and_nothing_changes(app, engine):
    rid = store.create_release(engine, "role-rel", title="Role Song")
    existing = store.add_performance_metric(rid, "YouTube", "likes", 5, engine=engine)
    viewer = _client(app, "victor", PASSWORD + " v")

    response = call_callback(viewer, app, "metric_form.submit", _form(rid))
    assert REFUSED in response.get_data(as_text=True)

    response = call_callback(
        viewer,
        app,
        "metric_form.undo",
        {"entry-undo.n_clicks": 1, "entry-last-id.data": existing, "entry-changed.data": 0},
    )
    assert REFUSED in response.get_data(as_text=True)

    response = call_callback(
        viewer,
        app,
        "latest.delete",
        {
            "entry-delete-confirm.n_clicks": 1,
            "entry-delete-target.data": existing,
            "entry-changed.data": 0,
            '{"index":["ALL"],"type":"entry-delete"}.n_clicks': pattern_input(
                "entry-delete", existing
            ),
        },
        changed=["entry-delete-confirm.n_clicks"],
    )
    assert REFUSED in response.get_data(as_text=True)

    response = call_callback(
        viewer,
        app,
        "releases.save_release_cb",
        {
            "entry-rel-save.n_clicks": 1,
            "entry-rel-pick.value": "__new__",
            "entry-rel-key.value": "x",
        },
    )
    assert REFUSED in response.get_data(as_text=True)

    csv_bytes = b"release_key,platform,metric_type,metric_value,recorded_at\nrole-rel,YouTube,views,1,2026-01-01\n"
    response = call_callback(
        viewer,
        app,
        "csv_import.upload",
        {
            "entry-upload.contents": "data:text/csv;base64," + base64.b64encode(csv_bytes).decode(),
            "entry-upload.filename": "x.csv",
        },
    )
    assert REFUSED in response.get_data(as_text=True)

    response = call_callback(
        viewer,
        app,
        "csv_import.confirm",
        {"entry-import-confirm.n_clicks": 1, "entry-import-token.data": "0" * 32},
    )
    assert REFUSED in response.get_data(as_text=True)

    assert store.count_metrics(engine) == 1
    assert store.get_metric(engine, existing) is not None
    assert store.get_release_by_key(engine, "x") is None


def test_editor_writes(app, engine):
    rid = store.create_release(engine, "role-rel", title="Role Song")
    editor = _client(app, "alice", PASSWORD)
    response = call_callback(editor, app, "metric_form.submit", _form(rid))
    assert "Saved YouTube views = 1,000" in response.get_data(as_text=True)
    assert store.count_metrics(engine) == 1
