"""In headless Chromium: sign in, see who you are, be refused a write as a viewer, sign out.

The login page is plain HTML (no Dash), so the server is started without dash_duo's
wait-for-renderer navigation and the browser is driven to /login directly.
"""

from __future__ import annotations

import pytest
from browser import pick
from conftest import free_port
from selenium.webdriver.common.by import By

from perfdash import auth, create_app, demo, store
from perfdash.config import Settings
from perfdash.migrations import upgrade

SECRET = "browser-test-secret-0123456789-abcdefghij"


@pytest.fixture
def demo_app_engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    engine = store.make_engine(url)
    upgrade(engine)
    demo.load(engine)
    yield engine, url
    engine.dispose()


def _sign_in(dash_duo, base: str, name: str, password: str) -> None:
    dash_duo.driver.get(base + "/entry")  # the gate sends us to /login?next=/entry
    dash_duo.wait_for_element("#login-form")
    assert "/login?next=%2Fentry" in dash_duo.driver.current_url
    dash_duo.find_element("#username").send_keys(name)
    dash_duo.find_element("#password").send_keys(password)
    dash_duo.find_element("#login-submit").click()


def test_sign_in_role_check_and_sign_out(demo_app_engine, dash_duo):
    engine, url = demo_app_engine
    auth.add_user(engine, "vera", "viewer password 1", "viewer")
    auth.add_user(engine, "eddie", "editor password 1", "editor")
    app = create_app(Settings(database_url=url, auth="required", secret_key=SECRET), engine=engine)
    port = free_port()
    dash_duo.start_server(app, navigate=False, port=port)
    base = f"http://localhost:{port}"

    # a wrong password stays on the form with a message
    _sign_in(dash_duo, base, "vera", "not the password")
    dash_duo.wait_for_contains_text("#login-message", "Wrong user name or password")

    # the viewer signs in, lands on the page she asked for, sees her name
    dash_duo.find_element("#password").send_keys("viewer password 1")
    dash_duo.find_element("#username").clear()
    dash_duo.find_element("#username").send_keys("vera")
    dash_duo.find_element("#login-submit").click()
    dash_duo.wait_for_element("#entry-submit")
    dash_duo.wait_for_contains_text("#nav-user", "vera (viewer)")
    cookies = {c["name"]: c for c in dash_duo.driver.get_cookies()}
    assert cookies["perfdash_session"]["httpOnly"] is True
    assert cookies["perfdash_session"]["sameSite"] == "Lax"

    # saving a metric as a viewer is refused on the server; nothing is written
    before = store.count_metrics(engine)
    pick(dash_duo, "entry-release_id", "Glass Horizon")
    dash_duo.find_element("#entry-platform").send_keys("YouTube")
    dash_duo.find_element("#entry-metric_type").send_keys("shares")
    dash_duo.find_element("#entry-metric_value").send_keys("5")
    dash_duo.find_element("#entry-submit").click()
    dash_duo.wait_for_contains_text("#entry-result", "needs the editor role")
    assert store.count_metrics(engine) == before

    # signing out (a form POST with the CSRF token) ends the session
    dash_duo.find_element("#nav-logout").click()
    dash_duo.wait_for_contains_text("#login-message", "You are signed out")
    dash_duo.driver.get(base + "/dashboard")
    dash_duo.wait_for_element("#login-form")

    # the editor can save
    _sign_in(dash_duo, base, "eddie", "editor password 1")
    dash_duo.wait_for_element("#entry-submit")
    dash_duo.wait_for_contains_text("#nav-user", "eddie (editor)")
    pick(dash_duo, "entry-release_id", "Glass Horizon")
    dash_duo.find_element("#entry-platform").send_keys("YouTube")
    dash_duo.find_element("#entry-metric_type").send_keys("shares")
    dash_duo.find_element("#entry-metric_value").send_keys("5")
    dash_duo.find_element("#entry-submit").click()
    dash_duo.wait_for_contains_text("#entry-result", "Saved")
    assert store.count_metrics(engine) == before + 1
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#page-error.show")

    # the user is removed while the page is open: the next callback is refused, the page says
    # the session ended (greyed, what it shows kept) and offers to sign in again, back here
    store.delete_user(engine, "eddie")
    dash_duo.find_element("#entry-submit").click()
    dash_duo.wait_for_contains_text("#page-outage", "Your session has ended")
    assert "the numbers shown are from" in dash_duo.find_element("#page-outage").text
    assert "perfdash-stale" in dash_duo.find_element("body").get_attribute("class")
    dash_duo.find_element("#page-outage-login").click()
    dash_duo.wait_for_element("#login-form")
    assert "next=%2Fentry" in dash_duo.driver.current_url
    assert store.count_metrics(engine) == before + 1
