"""The admin page over HTTP: its writes need the admin role on the server, they do what the
command line does (sessions end with a new password or a removal), and bad input is refused
with a message that names the field, changing nothing."""

from __future__ import annotations

import pytest
from auth_helpers import call_callback, login

from perfdash import auth, create_app, store
from perfdash.config import Settings

SECRET = "admin-page-secret-0123456789-abcdefghijk"
PASSWORD = "correct horse battery"
USERS = {"ada": "admin", "eddie": "editor", "vera": "viewer"}


@pytest.fixture
def world(sqlite_url):
    engine = store.make_engine(sqlite_url)
    for name, role in USERS.items():
        auth.add_user(engine, name, PASSWORD, role)
    auth.create_token(engine, "nightly", "viewer")
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


def _answer(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


ADD = {
    "admin-user-add.n_clicks": 1,
    "admin-user-name.value": "newbie",
    "admin-user-role.value": "editor",
    "admin-user-password.value": "a long enough password",
}
WRITES = {
    "users.add_user": (ADD, None),
    "users.change_user": (
        {
            "admin-role-save.n_clicks": 1,
            "admin-pick.value": "vera",
            "admin-role.value": "editor",
        },
        ["admin-role-save.n_clicks"],
    ),
    "users.change_user/password": (
        {
            "admin-password-save.n_clicks": 1,
            "admin-pick.value": "vera",
            "admin-password.value": "another long password",
        },
        ["admin-password-save.n_clicks"],
    ),
    "users.remove_user": (
        {"admin-remove-confirm.n_clicks": 1, "admin-pick.value": "vera"},
        None,
    ),
    "tokens.create_token": (
        {
            "admin-token-create.n_clicks": 1,
            "admin-token-name.value": "ci",
            "admin-token-role.value": "editor",
        },
        None,
    ),
    "tokens.revoke_token": (
        {"admin-token-confirm.n_clicks": 1, "admin-token-pick.value": "nightly"},
        None,
    ),
}


def _state(engine):
    users = [
        (u["username"], u["role"], store.get_user(engine, u["username"])["password_hash"])
        for u in store.list_users(engine)
    ]
    tokens = [(t["name"], t["role"], t["revoked"]) for t in store.list_api_tokens(engine)]
    return users, tokens


@pytest.mark.parametrize("who", [None, "vera", "eddie"])
@pytest.mark.parametrize("name", sorted(WRITES))
def test_only_an_admin_writes(world, name, who):
    app, engine = world
    client = _client(app, who)
    before = _state(engine)
    values, changed = WRITES[name]
    response = call_callback(client, app, name.split("/")[0], values, changed)
    if who is None:
        assert response.status_code == 401
    else:
        assert "This needs the admin role; you are signed in as" in _answer(response)
    assert _state(engine) == before


@pytest.mark.parametrize("name", sorted(WRITES))
def test_the_same_request_as_admin_writes(world, name):
    app, engine = world
    client = _client(app, "ada")
    before = _state(engine)
    values, changed = WRITES[name]
    text = _answer(call_callback(client, app, name.split("/")[0], values, changed))
    assert "admin-user-failed" not in text and "admin-token-failed" not in text, text
    assert _state(engine) != before


def test_the_admin_page_refuses_everyone_else(world):
    app, _ = world
    for who in ("vera", "eddie"):
        text = _answer(
            call_callback(
                _client(app, who),
                app,
                "shell.route",
                {
                    "url.pathname": "/admin",
                    "url.search": "",
                    '{"page":["ALL"],"type":"page-view"}.data': [],
                },
            )
        )
        assert "Admins only" in text and "admin-users-table" not in text
    text = _answer(
        call_callback(_client(app, "ada"), app, "shell.route", {"url.pathname": "/admin"})
    )
    assert "admin-users-table" in text and "nightly" in text


def test_a_new_password_and_a_removal_end_the_users_sessions(world):
    app, engine = world
    vera = _client(app, "vera")
    assert store.count_sessions(engine, "vera") == 1
    admin = _client(app, "ada")
    values, changed = WRITES["users.change_user/password"]
    text = _answer(call_callback(admin, app, "users.change_user", values, changed))
    assert "signed out everywhere" in text
    assert store.count_sessions(engine, "vera") == 0
    assert vera.get("/dashboard").status_code == 302  # back to the sign-in page
    assert auth.authenticate(engine, "vera", "another long password")

    eddie = _client(app, "eddie")
    values = {"admin-remove-confirm.n_clicks": 1, "admin-pick.value": "eddie"}
    text = _answer(call_callback(admin, app, "users.remove_user", values))
    assert "Removed eddie." in text
    assert store.get_user(engine, "eddie") is None
    assert eddie.get("/dashboard").status_code == 302


def test_the_token_secret_is_shown_once_and_works(world):
    app, engine = world
    admin = _client(app, "ada")
    values, _ = WRITES["tokens.create_token"]
    body = call_callback(admin, app, "tokens.create_token", values).get_json()
    shown = str(body["response"]["admin-token-result"])
    found = [w for w in shown.replace("'", " ").split() if w.startswith(auth.TOKEN_PREFIX)]
    assert len(found) == 1
    secret = found[0]
    answer = app.server.test_client().get(
        "/api/v1/releases", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status_code == 200
    # the list shows the name, never the secret
    listed = _answer(
        call_callback(admin, app, "tokens.refresh_tokens", {"admin-tokens-version.data": 1})
    )
    assert "ci" in listed and secret not in listed


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({**ADD, "admin-user-name.value": ""}, "The user name is empty"),
        ({**ADD, "admin-user-name.value": "tab\there"}, "control character"),
        ({**ADD, "admin-user-name.value": "x" * 101}, "at most 100 characters"),
        ({**ADD, "admin-user-name.value": "vera"}, "A user named 'vera' already exists"),
        ({**ADD, "admin-user-password.value": "short"}, "The password is too short"),
        ({**ADD, "admin-user-password.value": None}, "The password is empty"),
        ({**ADD, "admin-user-role.value": "owner"}, "Choose a role"),
    ],
)
def test_bad_new_users_are_refused_by_name(world, values, message):
    app, engine = world
    before = _state(engine)
    text = _answer(call_callback(_client(app, "ada"), app, "users.add_user", values))
    assert message in text
    assert _state(engine) == before


@pytest.mark.parametrize(
    ("values", "status", "message"),
    [
        ({**ADD, "admin-user-name.value": ["x"]}, 400, "user name must be text"),
        ({**ADD, "admin-user-password.value": "a\x00b" * 5}, 400, "password holds a NUL"),
        ({**ADD, "admin-user-add.n_clicks": -1}, 400, "add user must be a count"),
        ({**ADD, "admin-user-role.value": 3}, 400, "role must be text"),
    ],
)
def test_wrong_json_types_are_refused_before_the_callback(world, values, status, message):
    app, engine = world
    before = _state(engine)
    response = call_callback(_client(app, "ada"), app, "users.add_user", values)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert _state(engine) == before


def test_the_last_admin_and_ones_own_account_stay(world):
    app, engine = world
    admin = _client(app, "ada")
    text = _answer(
        call_callback(
            admin,
            app,
            "users.change_user",
            {
                "admin-role-save.n_clicks": 1,
                "admin-pick.value": "ada",
                "admin-role.value": "viewer",
            },
            ["admin-role-save.n_clicks"],
        )
    )
    assert "'ada' is the only admin" in text
    text = _answer(
        call_callback(
            admin,
            app,
            "users.remove_user",
            {"admin-remove-confirm.n_clicks": 1, "admin-pick.value": "ada"},
        )
    )
    assert "You cannot remove your own account" in text
    assert store.get_user(engine, "ada")["role"] == "admin"


def test_bad_tokens_are_refused_by_name(world):
    app, engine = world
    admin = _client(app, "ada")
    before = _state(engine)
    for name, role, message in [
        ("", "viewer", "The token name is empty"),
        ("nightly", "viewer", "A token named 'nightly' already exists"),
        ("x", "admin", "role must be viewer or editor"),
    ]:
        values = {
            "admin-token-create.n_clicks": 1,
            "admin-token-name.value": name,
            "admin-token-role.value": role,
        }
        text = _answer(call_callback(admin, app, "tokens.create_token", values))
        assert message in text and "No token was created" in text
    assert _state(engine) == before


def test_the_admin_page_lists_everyones_digest_subscriptions(world):
    app, engine = world
    vera = store.get_user(engine, "vera")["id"]
    eddie = store.get_user(engine, "eddie")["id"]
    store.add_digest_subscription(engine, vera, "email", "vera@label.example", "week")
    store.add_digest_subscription(
        engine, eddie, "slack", "https://hooks.slack.com/services/T0/B0/secretpart", "day"
    )
    text = _answer(
        call_callback(_client(app, "ada"), app, "shell.route", {"url.pathname": "/admin"})
    )
    assert "admin-digests-list" in text and "digest-table" in text
    assert "vera" in text and "weekly" in text and "daily" in text
    assert "secretpart" not in text  # a webhook is shown masked, as on the Digests page
    assert '"href":"\\u002fdigests","id":"admin-digests-link"' in text
    for who in ("vera", "eddie"):
        page = _answer(
            call_callback(_client(app, who), app, "shell.route", {"url.pathname": "/admin"})
        )
        assert "admin-digests-list" not in page and "vera@label.example" not in page


def test_an_admin_limits_a_new_viewer_and_token_to_artists(world):
    app, engine = world
    store.create_release(engine, "n-1", title="Neon Tides", artist_name="Nova Vale")
    store.create_release(engine, "l-1", title="Glass", artist_name="Lumen Drift")
    ada = _client(app, "ada")
    page = _answer(call_callback(ada, app, "shell.route", {"url.pathname": "/admin"}))
    assert "admin-user-artists" in page and "Lumen Drift" in page and "Nova Vale" in page
    scoped = {**ADD, "admin-user-role.value": "viewer", "admin-user-artists.value": ["Nova Vale"]}
    text = _answer(call_callback(ada, app, "users.add_user", scoped))
    assert "Added newbie as viewer, limited to Nova Vale." in text
    assert auth.scope_of_user(engine, "newbie") == frozenset({"Nova Vale"})
    listed = _answer(
        call_callback(ada, app, "users.refresh_users", {"admin-users-version.data": 1})
    )
    assert "Nova Vale" in listed and "all artists" in listed

    editor = {**ADD, "admin-user-name.value": "ed2", "admin-user-artists.value": ["Nova Vale"]}
    text = _answer(call_callback(ada, app, "users.add_user", editor))
    assert "must have the viewer role (it has editor)" in text
    assert store.get_user(engine, "ed2") is None
    promote = {
        "admin-role-save.n_clicks": 1,
        "admin-pick.value": "newbie",
        "admin-role.value": "editor",
    }
    text = _answer(
        call_callback(ada, app, "users.change_user", promote, ["admin-role-save.n_clicks"])
    )
    assert "stays a viewer" in text and store.get_user(engine, "newbie")["role"] == "viewer"

    token = {
        "admin-token-create.n_clicks": 1,
        "admin-token-name.value": "nova-feed",
        "admin-token-role.value": "viewer",
        "admin-token-artists.value": ["Nova Vale", "Lumen Drift"],
    }
    text = _answer(call_callback(ada, app, "tokens.create_token", token))
    assert "Token nova-feed (viewer, limited to Lumen Drift, Nova Vale) created" in text
    row = next(t for t in store.list_api_tokens(engine) if t["name"] == "nova-feed")
    assert row["artists"] == ["Lumen Drift", "Nova Vale"]
    listed = _answer(
        call_callback(ada, app, "tokens.refresh_tokens", {"admin-tokens-version.data": 1})
    )
    assert "Lumen Drift, Nova Vale" in listed
