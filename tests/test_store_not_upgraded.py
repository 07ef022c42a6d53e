"""A database perfdash never upgraded (no tables) or upgraded by an older perfdash (a column
missing) is not "unavailable": every face says what is wrong and to run `perfdash db upgrade`,
on SQLite and PostgreSQL, without the database's own words."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from auth_helpers import login
from click.testing import CliRunner

from perfdash import auth, create_app, store
from perfdash.cli import main
from perfdash.config import Settings
from perfdash.migrations import upgrade

SECRET = "not-upgraded-secret-0123456789abcdef"
LEAKS = ("no such", "does not exist", "relation", "psycopg", "sqlite3", "Traceback", "LINE ")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path) -> str:
    """A database with no tables at all."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    return request.getfixturevalue("pg_database")


def _no_leak(text: str) -> None:
    for leak in LEAKS:
        assert leak not in text, text


def test_the_store_names_the_cure(empty_url):
    engine = store.make_engine(empty_url)
    with pytest.raises(store.DatabaseNotUpgradedError, match="no perfdash tables") as caught:
        store.get_release(engine, 1)
    assert "perfdash db upgrade" in str(caught.value)
    _no_leak(str(caught.value))
    with pytest.raises(store.DatabaseNotUpgradedError):
        store.count_releases(engine)
    engine.dispose()


def test_an_older_schema_is_named_too(empty_url):
    engine = store.make_engine(empty_url)
    upgrade(engine, "0013")  # before approved_releases.archived_at
    with pytest.raises(store.DatabaseNotUpgradedError, match="older than this perfdash") as caught:
        store.search_releases(engine, "x")
    assert "perfdash db upgrade" in str(caught.value)
    upgrade(engine)
    assert store.search_releases(engine, "x") == []
    engine.dispose()


def test_the_health_check_says_not_upgraded_until_it_is(empty_url):
    app = create_app(Settings(database_url=empty_url))
    client = app.server.test_client()
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert "not upgraded: run perfdash db upgrade" in answer.get_json()["database"]
    engine = app.server.extensions["perfdash"]["engine"]
    upgrade(engine, "0013")
    assert client.get("/healthz").status_code == 503  # an older schema is not enough either
    upgrade(engine)
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    # a newer perfdash upgraded it (a rolling deploy): this one stays healthy meanwhile
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    assert client.get("/healthz").status_code == 200


def test_the_api_answers_503_with_the_cure(empty_url):
    app = create_app(Settings(database_url=empty_url))
    client = app.server.test_client()
    response = client.get("/api/v1/releases", headers={"Authorization": "Bearer pd_x"})
    assert response.status_code == 503, response.get_data(as_text=True)
    message = response.get_json()["error"]["message"]
    assert "no perfdash tables" in message and "perfdash db upgrade" in message
    _no_leak(response.get_data(as_text=True))


def test_the_sign_in_page_and_a_callback_name_the_cure(empty_url):
    app = create_app(Settings(database_url=empty_url, auth="required", secret_key=SECRET))
    client = app.server.test_client()
    response = login(client, "vera", "any password at all")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Database not upgraded" in page and "perfdash db upgrade" in page
    _no_leak(page)
    # a callback's sign-in gate reads the session from the missing table
    client.set_cookie("perfdash_session", "not-a-real-session")
    answer = client.post("/_dash-update-component", json={"output": "x", "inputs": []})
    assert answer.status_code in (401, 503)
    if answer.status_code == 503:
        body = answer.get_json()
        assert body["reason"] == "not-upgraded" and "perfdash db upgrade" in body["error"]


def test_a_pages_callbacks_name_the_cure(empty_url):
    from auth_helpers import call_callback

    app = create_app(Settings(database_url=empty_url, auth="off"))
    client = app.server.test_client()
    # a callback that reports its own failure shows the store's words in the form
    saved = call_callback(
        client,
        app,
        "metric_kinds.save_kind",
        {
            "entry-mk-save.n_clicks": 1,
            "entry-mk-type.value": "views",
            "entry-mk-kind.value": "counter",
            "entry-mk-lower.value": False,
        },
    )
    assert saved.status_code == 200
    assert "no perfdash tables" in saved.get_data(as_text=True)
    assert "perfdash db upgrade" in saved.get_data(as_text=True)
    _no_leak(saved.get_data(as_text=True))
    # one that does not goes to the outage banner with these words (assets/session.js)
    picked = call_callback(client, app, "metric_kinds.pick_kind", {"entry-mk-type.value": "views"})
    assert picked.status_code == 503, picked.get_data(as_text=True)
    body = picked.get_json()
    assert body["reason"] == "not-upgraded"
    assert "no perfdash tables" in body["error"] and "perfdash db upgrade" in body["error"]
    _no_leak(picked.get_data(as_text=True))


@pytest.mark.parametrize("args", [["user", "list"], ["token", "list"], ["export"], ["alerts"]])
def test_the_command_line_names_the_cure(empty_url, args):
    result = CliRunner().invoke(main, [*args, "--database-url", empty_url])
    assert result.exit_code == 1, result.output
    assert "no perfdash tables" in result.output and "perfdash db upgrade" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    _no_leak(result.output)


def test_an_upgraded_database_is_unaffected(empty_url):
    engine = store.make_engine(empty_url)
    upgrade(engine)
    auth.add_user(engine, "vera", "a long password 1", "viewer")
    assert store.get_release(engine, 1) is None
    with engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(sa.text("perfdash_users"))).scalar()
            == 1
        )
    engine.dispose()
