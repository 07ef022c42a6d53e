"""The admin page in headless Chromium: an admin adds a user, creates a token (seen once, and
it works) and revokes it after a question; a viewer gets the refusal page and no Admin link."""

from __future__ import annotations

import httpx
import pytest
from browser import pick, wait_until
from conftest import free_port

from perfdash import auth, create_app, store
from perfdash.config import Settings
from perfdash.migrations import upgrade

SECRET = "admin-browser-secret-0123456789-abcdefghij"
PASSWORD = "admin password 123"


@pytest.fixture
def served(tmp_path, dash_duo):
    url = f"sqlite:///{tmp_path / 'admin.sqlite3'}"
    engine = store.make_engine(url)
    upgrade(engine)
    auth.add_user(engine, "ada", PASSWORD, "admin")
    auth.add_user(engine, "vera", PASSWORD, "viewer")
    app = create_app(Settings(database_url=url, auth="required", secret_key=SECRET), engine=engine)
    port = free_port()
    dash_duo.start_server(app, navigate=False, port=port)
    yield engine, f"http://localhost:{port}"
    engine.dispose()


def _sign_in(dash_duo, base, name):
    dash_duo.driver.get(base + "/login?next=/admin")
    dash_duo.wait_for_element("#login-form")
    dash_duo.find_element("#username").send_keys(name)
    dash_duo.find_element("#password").send_keys(PASSWORD)
    dash_duo.find_element("#login-submit").click()


def _click(dash_duo, selector):
    element = dash_duo.wait_for_element(selector)
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )
    element.click()


def test_an_admin_adds_a_user_and_creates_and_revokes_a_token(served, dash_duo, tmp_path):
    engine, base = served
    _sign_in(dash_duo, base, "ada")
    dash_duo.wait_for_element("#admin-users-table")
    assert dash_duo.find_element("#nav-admin").text == "Admin"
    dash_duo.wait_for_element("#admin-tokens-empty")  # no tokens yet: the empty state

    # a password too short is refused, naming the rule; nothing is added
    dash_duo.find_element("#admin-user-name").send_keys("nova")
    _click(dash_duo, "#admin-user-role input[value='editor']")
    dash_duo.find_element("#admin-user-password").send_keys("short")
    _click(dash_duo, "#admin-user-add")
    dash_duo.wait_for_contains_text("#admin-user-failed", "The password is too short")
    assert store.get_user(engine, "nova") is None

    dash_duo.find_element("#admin-user-password").send_keys(" but now long enough")
    _click(dash_duo, "#admin-user-add")
    dash_duo.wait_for_contains_text("#admin-user-done", "Added nova as editor.")
    dash_duo.wait_for_element('#admin-users-table tr[data-user="nova"]')
    assert (
        dash_duo.find_element('#admin-users-table tr[data-user="nova"] .admin-user-role').text
        == "editor"
    )
    assert store.get_user(engine, "nova")["role"] == "editor"
    assert dash_duo.find_element("#admin-user-password").get_attribute("value") == ""

    # a token: its secret is shown once, and it opens the API
    dash_duo.find_element("#admin-token-name").send_keys("nightly-import")
    _click(dash_duo, "#admin-token-role input[value='editor']")
    _click(dash_duo, "#admin-token-create")
    secret = dash_duo.wait_for_element("#admin-token-secret").text
    assert secret.startswith(auth.TOKEN_PREFIX)
    assert "not shown again" in dash_duo.find_element("#admin-token-created").text
    dash_duo.wait_for_element('#admin-tokens-table tr[data-token="nightly-import"]')
    dash_duo.driver.save_screenshot(str(tmp_path / "admin.png"))
    headers = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(base + "/api/v1/releases", headers=headers).status_code == 200
    assert secret not in dash_duo.find_element("#admin-tokens-list").text

    # reloaded, the page lists the token but can never show its secret again
    dash_duo.driver.get(base + "/admin")
    dash_duo.wait_for_element('#admin-tokens-table tr[data-token="nightly-import"]')
    assert secret not in dash_duo.driver.page_source

    # revoking asks first; keeping changes nothing; revoking refuses the token
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
        dash_duo.find_element("#admin-token-pick"),
    )
    pick(dash_duo, "admin-token-pick", "nightly-import")
    _click(dash_duo, "#admin-token-revoke")
    dash_duo.wait_for_contains_text("#admin-token-question", "Revoke nightly-import?")
    _click(dash_duo, "#admin-token-cancel")
    wait_until(
        lambda: not dash_duo.driver.find_elements("css selector", ".modal-backdrop, .modal.show"),
        message="the question closes",
    )
    assert httpx.get(base + "/api/v1/releases", headers=headers).status_code == 200
    _click(dash_duo, "#admin-token-revoke")
    dash_duo.wait_for_contains_text("#admin-token-question", "Revoke nightly-import?")
    _click(dash_duo, "#admin-token-confirm")
    dash_duo.wait_for_contains_text("#admin-token-revoked", "Revoked nightly-import.")
    wait_until(
        lambda: (
            dash_duo.find_element(
                '#admin-tokens-table tr[data-token="nightly-import"] .admin-token-state'
            ).text
            == "revoked"
        ),
        message="the table shows the token revoked",
    )
    assert httpx.get(base + "/api/v1/releases", headers=headers).status_code == 401
    dash_duo.driver.set_window_size(390, 900)
    dash_duo.driver.save_screenshot(str(tmp_path / "admin-390.png"))


def test_a_viewer_is_refused_the_admin_page(served, dash_duo):
    _, base = served
    _sign_in(dash_duo, base, "vera")
    dash_duo.wait_for_contains_text("#admin-refused", "Admins only")
    assert "you are signed in as viewer" in dash_duo.find_element("#admin-refused").text
    assert not dash_duo.driver.find_elements("css selector", "#nav-admin")
    assert not dash_duo.driver.find_elements("css selector", "#admin-users-table")
