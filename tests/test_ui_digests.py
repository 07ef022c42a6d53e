"""The digests page's writes through /_dash-update-component, as the renderer posts them:
nobody is refused, a viewer subscribes only themselves (a crafted user name is ignored) and
cannot end someone else's subscription; an admin may do both for anyone."""

from __future__ import annotations

import pytest
from auth_helpers import call_callback, login

from perfdash import auth, create_app, store
from perfdash.config import Settings

SECRET = "digest-writes-secret-0123456789-abcdefghij"
PASSWORD = "correct horse battery"


@pytest.fixture
def world(sqlite_url):
    engine = store.make_engine(sqlite_url)
    for name, role in (("vera", "viewer"), ("otto", "viewer"), ("ada", "admin")):
        auth.add_user(engine, name, PASSWORD, role)
    app = create_app(
        Settings(database_url=sqlite_url, auth="required", secret_key=SECRET), engine=engine
    )
    yield app, engine
    engine.dispose()


def _client(app, who):
    client = app.server.test_client()
    if who:
        assert login(client, who, PASSWORD).status_code == 302
    return client


def _add(who_for: str | None, target: str = "x@label.example") -> dict:
    return {
        "digest-subscribe.n_clicks": 1,
        "digest-user.value": who_for,
        "digest-channel.value": "email",
        "digest-target.value": target,
        "digest-period.value": "week",
        "digest-version.data": 0,
    }


def _mine(engine, name: str) -> list[str]:
    uid = store.get_user(engine, name)["id"]
    return [s["target"] for s in store.list_digest_subscriptions(engine, user_id=uid)]


def test_nobody_is_refused(world):
    app, engine = world
    response = call_callback(_client(app, None), app, "digests.add", _add("vera"))
    assert response.status_code == 401
    assert store.list_digest_subscriptions(engine) == []


def test_a_viewer_subscribes_only_themselves(world):
    app, engine = world
    vera = _client(app, "vera")
    response = call_callback(vera, app, "digests.add", _add("otto", "vera@label.example"))
    assert response.status_code == 200
    assert "Subscribed vera" in response.get_data(as_text=True)
    assert _mine(engine, "vera") == ["vera@label.example"] and _mine(engine, "otto") == []
    bad = call_callback(vera, app, "digests.add", _add(None, "nope"))
    assert "must look like name@example.com" in bad.get_data(as_text=True)
    assert _mine(engine, "vera") == ["vera@label.example"]


def test_a_viewer_cannot_end_someone_elses(world):
    app, engine = world
    otto_id = store.get_user(engine, "otto")["id"]
    theirs = store.add_digest_subscription(engine, otto_id, "email", "o@label.example", "day")
    values = {
        "digest-unsubscribe.n_clicks": 1,
        "digest-pick.value": str(theirs),
        "digest-version.data": 0,
    }
    response = call_callback(_client(app, "vera"), app, "digests.remove", values)
    assert "no such subscription of yours" in response.get_data(as_text=True)
    assert _mine(engine, "otto") == ["o@label.example"]
    crafted = dict(values, **{"digest-pick.value": "1 OR 1=1"})
    assert "no such subscription" in call_callback(
        _client(app, "vera"), app, "digests.remove", crafted
    ).get_data(as_text=True)
    # an admin may subscribe and unsubscribe anyone
    ada = _client(app, "ada")
    assert "Subscribed otto" in call_callback(
        ada, app, "digests.add", _add("otto", "otto@label.example")
    ).get_data(as_text=True)
    assert "Ended subscription" in call_callback(ada, app, "digests.remove", values).get_data(
        as_text=True
    )
    assert _mine(engine, "otto") == ["otto@label.example"]
