"""Every Dash write path refuses a viewer and nobody on the server side; nothing changes.

Each write callback is called over HTTP exactly as the renderer would call it, as nobody (no
session), as a viewer and as an editor.  Nobody and the viewer must leave every table exactly as
it was and must not reach any store write function (a spy checks the role at each call); the
editor's identical request must change something, which proves the request reached the write.

``test_every_callback_is_classified`` fails when a callback is added without being listed here
as a write path (with a request) or as read-only, so a new write path cannot go untested.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from auth_helpers import call_callback, callback_for, login, pattern_id, pattern_input

from perfdash import auth, create_app, csvio, store
from perfdash.config import CollectorEnv, Settings
from perfdash.schema import metadata

SECRET = "write-paths-secret-0123456789-abcdefghijk"
USERS = {"vera": "viewer", "eddie": "editor"}
PASSWORD = "correct horse battery"

# Callbacks that only read (or only change what the browser shows).
READ_ONLY = {
    "shell.route",
    "components.search",
    "latest.latest",
    "metric_form.edit",
    "metric_form.editing_mode",
    "releases.pick_release",
    "release_admin.buttons",
    "release_admin.ask",  # asks; the delete is release_admin.delete
    "metric_kinds.pick_kind",
    "csv_import.ready",
    "overview.overview",
    "overview.attention",
    "overview.query",
    "overview.tag_goals",
    "releases.archived_options",
    "csv_import.poll",
    "collect_now.poll",
    "alerts.alerts_list",
    "launches.launch_chart",
    "artists.query_string",
    "release_tags.show_tags",
    "launches.tag_releases",
    "artists.artist_view",
    "what_works.terms",
    "what_works.export",  # a download of what the page shows
    "goals.show",
    "annotations.list_notes",
    "annotations.date_from_click",
    "users.refresh_users",
    "users.ask_remove",  # asks; the removal is users.remove_user
    "tokens.refresh_tokens",
    "tokens.ask_revoke",
    "digests.refresh",
    "digests.preview",
    "share.open_share",
    "share.list_links",
    "shares.refresh_shares",
    "shares.ask_revoke_share",  # asks; the revocation is shares.revoke_share
}
# Writes any signed-in user may make to their own rows only (their digest subscriptions, their
# saved views): tests/test_ui_digests.py and tests/test_ui_saved_views.py send each as nobody,
# as a viewer for themselves and for someone else.
SELF_WRITES = {
    "digests.add",
    "digests.remove",
    "saved_views.save_view",
    "saved_views.delete_view",
    "saved_views.make_default",
}
# The admin page's writes need the admin role, not the editor's: tests/test_ui_admin.py sends
# each as nobody, viewer, editor and admin; a share link is revoked by its creator or an admin
# (tests/test_web_shares.py).
ADMIN_WRITES = {
    "shares.revoke_share",
    "share.revoke_link",
    "users.add_user",
    "users.change_user",
    "users.remove_user",
    "tokens.create_token",
    "tokens.revoke_token",
}
READ_ONLY_MODULES = ("perfdash.ui.pages.dashboard",)
WRITE_PREFIXES = (
    "add_",
    "insert_",
    "update_",
    "delete_",
    "create_",
    "upsert_",
    "set_",
    "record_",
    "claim_",
    "revoke_",
    "remove_",
    "save_",
    "start_",
    "import_",
)


def _qualname(func) -> str:
    module = func.__module__.rsplit(".", 1)[-1]
    return f"{module}.{func.__name__}"


# --------------------------------------------------------------------------- the requests


def _metric_form(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "entry-submit.n_clicks": 1,
        "entry-release_id.value": w["release"],
        "entry-platform.value": "YouTube",
        "entry-metric_type.value": "views",
        "entry-metric_value.value": "4,321",
        "entry-recorded_at.value": "2026-01-10T10:00",
        "entry-value_kind.value": "total",
        "entry-notes.value": "from the role test",
    }


def _edit_form(w: dict[str, Any]) -> dict[str, Any]:
    return {**_metric_form(w), "entry-editing.data": w["metric"], "entry-metric_value.value": "9"}


def _undo(w):
    return {"entry-undo.n_clicks": 1, "entry-last-id.data": w["metric"]}


def _delete(w):
    return (
        {"entry-delete-confirm.n_clicks": 1, "entry-delete-target.data": w["metric"]},
        ["entry-delete-confirm.n_clicks"],
    )


def _release_form(w):
    return {
        "entry-rel-save.n_clicks": 1,
        "entry-rel-pick.value": "__new__",
        "entry-rel-key.value": "role-test-new",
        "entry-rel-title.value": "Made by the role test",
        "entry-rel-artist.value": "Tester",
        "entry-rel-status.value": "pending",
    }


def _release_edit_form(w):
    return {
        **_release_form(w),
        "entry-rel-pick.value": w["release"],
        "entry-rel-key.value": "role-test-1",
        "entry-rel-title.value": "Renamed by the role test",
    }


CSV = (
    "release_key,platform,metric_type,metric_value,recorded_at\n"
    "role-test-1,Deezer,fans,77,2026-01-05T00:00:00Z\n"
)


def _upload(w):
    data = base64.b64encode(CSV.encode()).decode()
    return {
        "entry-upload.contents": f"data:text/csv;base64,{data}",
        "entry-upload.filename": "x.csv",
    }


def _confirm(w):
    return {"entry-import-confirm.n_clicks": 1, "entry-import-token.data": w["token"]}


def _add_note(w):
    return {
        "ann-add.n_clicks": 1,
        "dash-release.value": [w["release"]],
        "ann-date.value": "2026-01-03",
        "ann-text.value": "playlist add",
        "ann-catalog.value": False,
    }


def _delete_note(w):
    key = '{"index":["ALL"],"type":"ann-delete"}.n_clicks'
    return (
        {key: pattern_input("ann-delete", w["note"])},
        [f"{pattern_id('ann-delete', w['note'])}.n_clicks"],
    )


def _add_goal(w):
    return {
        "goal-add.n_clicks": 1,
        "dash-release.value": [w["release"]],
        "goal-for.value": "release",
        "goal-metric.value": "views",
        "goal-target.value": "1,000,000",
        "goal-when.value": "by",
        "goal-value.value": "2099-03-01",
    }


def _remove_goal(w):
    key = '{"index":["ALL"],"type":"goal-delete"}.n_clicks'
    return (
        {key: pattern_input("goal-delete", w["goal"])},
        [f"{pattern_id('goal-delete', w['goal'])}.n_clicks"],
    )


def _entry_delete_button(w):
    key = '{"index":["ALL"],"type":"entry-delete"}.n_clicks'
    return (
        {key: pattern_input("entry-delete", w["metric"])},
        [f"{pattern_id('entry-delete', w['metric'])}.n_clicks"],
    )


def _archive(w):
    return (
        {"entry-rel-archive.n_clicks": 1, "entry-rel-pick.value": w["release"]},
        ["entry-rel-archive.n_clicks"],
    )


def _delete_release(w):
    return {"entry-rel-delete-confirm.n_clicks": 1, "entry-rel-pick.value": w["release"]}


def _save_tags(w):
    return {
        "entry-rel-tags-save.n_clicks": 1,
        "entry-rel-pick.value": w["release"],
        "entry-rel-tags.value": "summer-campaign, lofi",
    }


def _metric_kind(w):
    return {
        "entry-mk-save.n_clicks": 1,
        "entry-mk-type.value": "views",
        "entry-mk-kind.value": "score",
        "entry-mk-lower.value": False,
    }


def _share_link(w):
    view = f"/dashboard?release={w['release']}&period=28d"
    return {
        "share-create.n_clicks": 1,
        '{"page":["ALL"],"type":"share-view"}.data': [
            {"id": {"page": "dashboard", "type": "share-view"}, "property": "data", "value": view}
        ],
    }


def _collect_now(w):
    return {"collect-now-button.n_clicks": 1}


# name -> (request builder, does the editor's request change the database?)
WRITES: dict[str, tuple[Callable, bool]] = {
    "collect_now.collect_now": (_collect_now, False),  # no platform answers in tests
    "metric_form.submit": (_metric_form, True),
    "metric_form.submit/edit": (_edit_form, True),
    "metric_form.undo": (_undo, True),
    "latest.delete": (_delete, True),
    "releases.save_release_cb": (_release_form, True),
    "releases.save_release_cb/edit": (_release_edit_form, True),
    "csv_import.upload": (_upload, False),  # a dry run: stores the file, not rows
    "csv_import.confirm": (_confirm, True),  # the import runs as a job
    "annotations.add_note": (_add_note, True),
    "annotations.delete_note": (_delete_note, True),
    "goals.add": (_add_goal, True),
    "goals.remove": (_remove_goal, True),
    "metric_kinds.save_kind": (_metric_kind, True),
    "release_admin.archive": (_archive, True),
    "release_admin.delete": (_delete_release, True),
    "share.create_link": (_share_link, True),
    "release_tags.save_tags": (_save_tags, True),
}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def world(sqlite_url, tmp_path, monkeypatch):
    closed_port = {  # collectors, if they ever ran here, meet a closed port: no network
        var: "http://127.0.0.1:9"
        for var in (
            "PERFDASH_YOUTUBE_BASE_URL",
            "PERFDASH_LASTFM_BASE_URL",
            "PERFDASH_DEEZER_BASE_URL",
            "PERFDASH_SPOTIFY_API_URL",
            "PERFDASH_SPOTIFY_ACCOUNTS_URL",
        )
    }
    for var, url in closed_port.items():  # for a run that reads the environment itself
        monkeypatch.setenv(var, url)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # csvio's upload/job files
    engine = store.make_engine(sqlite_url)
    for name, role in USERS.items():
        auth.add_user(engine, name, PASSWORD, role)
    release = store.create_release(engine, "role-test-1", title="Role Test", artist_name="RT")
    metric = store.add_performance_metric(
        release, "YouTube", "views", 1000, engine=engine, recorded_at=None
    )
    note = None
    if hasattr(store, "create_annotation"):
        note = store.create_annotation(
            engine, release, store.to_utc("2026-01-02T00:00:00Z"), "launch day"
        )
    goal = store.create_goal(
        engine,
        scope="release",
        release_id=release,
        metric_type="views",
        target=5000,
        due_on=date(2099, 1, 1),
    )
    settings = Settings(
        database_url=sqlite_url,
        auth="required",
        secret_key=SECRET,
        collector_env=CollectorEnv(closed_port),
    )
    app = create_app(settings, engine=engine)
    yield {
        "app": app,
        "engine": engine,
        "release": release,
        "metric": metric,
        "note": note,
        "goal": goal,
    }
    engine.dispose()


@pytest.fixture
def spy(monkeypatch):
    """Record every store/csvio write call with the caller's role at that moment."""
    calls: list[tuple[str, str | None]] = []

    def wrap(name, func):
        def spied(*args, **kwargs):
            try:
                role = auth.current_role()
            except RuntimeError:  # outside a request (a background import job)
                role = "job"
            calls.append((name, role))
            return func(*args, **kwargs)

        return spied

    for module in (store, csvio):
        for name in dir(module):
            func = getattr(module, name)
            if callable(func) and name.startswith(WRITE_PREFIXES) and not isinstance(func, type):
                monkeypatch.setattr(module, name, wrap(f"{module.__name__}.{name}", func))
    return calls


def snapshot(engine) -> dict[str, list]:
    out = {}
    with engine.connect() as conn:
        names = sa.inspect(conn).get_table_names()
        for table in metadata.sorted_tables:
            if table.name in names:
                out[table.name] = sorted(
                    (tuple(map(str, r)) for r in conn.execute(sa.select(table))), key=str
                )
    return out


def _client(app, who: str | None):
    client = app.server.test_client()
    if who:
        assert login(client, who, PASSWORD).status_code == 302
    return client


def _request(name: str, world):
    builder, _ = WRITES[name]
    built = builder(world)
    values, changed = built if isinstance(built, tuple) else (built, None)
    return name.split("/")[0], values, changed


def _editor_token(world) -> str:
    editor = _client(world["app"], "eddie")
    _, values, _ = _request("csv_import.upload", world)
    response = call_callback(editor, world["app"], "csv_import.upload", values)
    body = response.get_json()["response"]
    token = body["entry-import-token"]["data"]
    assert token, body
    return token


def _skip_if_missing(world, name: str) -> None:
    callback = name.split("/")[0]
    try:
        callback_for(world["app"], callback)
    except AssertionError:
        pytest.skip(f"{callback} is not registered in this build")
    if "note" in name and world["note"] is None:
        pytest.skip("annotations are not in this build")


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("who", [None, "vera"], ids=["nobody", "viewer"])
@pytest.mark.parametrize("name", sorted(WRITES))
def test_write_path_refuses_and_changes_nothing(world, spy, name, who):
    _skip_if_missing(world, name)
    if name == "csv_import.confirm":
        world["token"] = _editor_token(world)
    client = _client(world["app"], who)  # signing in writes a session row: before the spy
    spy.clear()
    before = snapshot(world["engine"])
    callback, values, changed = _request(name, world)
    response = call_callback(client, world["app"], callback, values, changed)
    text = response.get_data(as_text=True)
    if who is None:
        assert response.status_code == 401
    else:
        assert response.status_code in (200, 204)
        refused = (
            "needs the editor role" in text
            or "Not allowed" in text
            or response.status_code == 204
            or response.get_json().get("response") == {}  # silently not updated
        )
        assert refused, text[:1000]
    time.sleep(0.2 if name == "csv_import.confirm" else 0)  # a wrongly started job would write now
    assert [c for c in spy if c[1] != "job"] == [], f"write reached as {who}: {spy}"
    assert snapshot(world["engine"]) == before


@pytest.mark.parametrize("name", sorted(WRITES))
def test_the_same_request_as_editor_writes(world, spy, name):
    """The requests above are real: an editor's identical request does write."""
    _skip_if_missing(world, name)
    if name == "csv_import.confirm":
        world["token"] = _editor_token(world)
    client = _client(world["app"], "eddie")  # its session row is no write of the callback's
    before = snapshot(world["engine"])
    callback, values, changed = _request(name, world)
    spy.clear()
    response = call_callback(client, world["app"], callback, values, changed)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    assert "needs the editor role" not in response.get_data(as_text=True)
    if WRITES[name][1]:
        assert spy, "the editor's request reached no write function"
    assert all(role in ("editor", "job") for _, role in spy), spy
    if WRITES[name][1]:
        deadline = time.monotonic() + 20
        while snapshot(world["engine"]) == before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert snapshot(world["engine"]) != before


def test_entry_delete_button_alone_writes_nothing(world, spy):
    """Clicking a row's delete button only opens the confirmation, for anyone."""
    client = _client(world["app"], "vera")
    spy.clear()  # signing in wrote the session
    before = snapshot(world["engine"])
    values, changed = _entry_delete_button(world)
    call_callback(client, world["app"], "latest.delete", values, changed)
    assert spy == [] and snapshot(world["engine"]) == before


def test_every_callback_is_classified(world):
    known_writes = {name.split("/")[0] for name in WRITES} | ADMIN_WRITES | SELF_WRITES
    unclassified = []
    for entry in world["app"].callback_map.values():
        func = entry.get("callback")
        func = getattr(func, "__wrapped__", func)
        if func is None or func.__module__.startswith(READ_ONLY_MODULES):
            continue
        name = _qualname(func)
        if name not in READ_ONLY and name not in known_writes:
            unclassified.append(name)
    assert unclassified == [], (
        "new callbacks: add each to WRITES (with a request) or READ_ONLY in "
        f"{__file__}: {sorted(set(unclassified))}"
    )
