"""Saved views in headless Chromium, signed in as a viewer: an empty name is refused beside the
field, a view is saved, a taken name asks before replacing, the list survives a reload and
opens a view, "Make default" makes a bare /dashboard open it, and the first view asks the
server no more callbacks with saved views than without."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from browser import dropdown_text, wait_until
from conftest import free_port
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from perfdash import auth, create_app, demo, store
from perfdash.config import Settings
from perfdash.ingest import views
from perfdash.migrations import upgrade

SECRET = "saved-views-browser-secret-0123456789-abcd"
PASSWORD = "viewer password 123"
COUNT = (
    "return performance.getEntriesByType('resource')"
    ".filter(e => e.name.includes('_dash-update-component')).length"
)


@pytest.fixture
def served(tmp_path, dash_duo):
    url = f"sqlite:///{tmp_path / 'views.sqlite3'}"
    engine = store.make_engine(url)
    upgrade(engine)
    demo.load(engine)
    auth.add_user(engine, "vera", PASSWORD, "viewer")
    app = create_app(
        Settings(database_url=url, auth="required", secret_key=SECRET, tz="UTC"), engine=engine
    )
    port = free_port()
    dash_duo.start_server(app, navigate=False, port=port)
    yield engine, f"http://localhost:{port}"
    engine.dispose()


def _query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlsplit(dash_duo.driver.current_url).query)


def _settled_requests(dash_duo) -> int:
    """Callback requests of this page load once the view is drawn and nothing more comes."""
    dash_duo.wait_for_element("#dash-kpis .perfdash-kpi-grid", timeout=30)
    before = -1
    while True:
        time.sleep(1.0)
        now = dash_duo.driver.execute_script(COUNT)
        if now == before:
            return now
        before = now


def _type_name(dash_duo, text: str) -> None:
    field = dash_duo.find_element("#view-name")
    field.send_keys(Keys.CONTROL, "a", Keys.BACKSPACE)
    if text:
        field.send_keys(text)


def _open_list(dash_duo) -> None:
    details = dash_duo.find_element("#view-list")
    if details.get_attribute("open") is None:
        dash_duo.find_element("#view-summary").click()


def test_save_reload_open_and_default(served, dash_duo):
    engine, base = served
    a = store.get_release_by_key(engine, "demo-001")
    b = store.get_release_by_key(engine, "demo-002")
    dash_duo.driver.get(base + f"/login?next=/dashboard?release={a['id']}%26period=28d")
    dash_duo.wait_for_element("#login-form")
    dash_duo.find_element("#username").send_keys("vera")
    dash_duo.find_element("#password").send_keys(PASSWORD)
    dash_duo.find_element("#login-submit").click()
    without_views = _settled_requests(dash_duo)
    assert "Saved views (0)" in dash_duo.find_element("#view-summary").text

    # an empty name is refused beside the field, nothing saved
    dash_duo.find_element("#view-save").click()
    dash_duo.wait_for_text_to_equal(
        "#view-name-problem", "View name is empty: type a name for this view"
    )
    assert "is-invalid" in dash_duo.find_element("#view-name").get_attribute("class")
    assert store.list_saved_views(engine, views.user_owner("vera")) == []

    _type_name(dash_duo, "Launch A")
    dash_duo.find_element("#view-save").click()
    dash_duo.wait_for_contains_text("#view-result", "Saved view 'Launch A'")
    dash_duo.wait_for_text_to_equal("#view-summary", "Saved views (1)")
    assert dash_duo.find_element("#view-name-problem").text == ""

    # another view; its name taken asks first, and nothing changes until Replace
    dash_duo.driver.get(base + f"/dashboard?release={b['id']}&period=7d")
    dash_duo.wait_for_element("#dash-kpis .perfdash-kpi-grid", timeout=30)
    _type_name(dash_duo, "Launch A")
    dash_duo.find_element("#view-save").click()
    dash_duo.wait_for_contains_text("#view-ask", "already have a view named 'Launch A'")
    [saved] = store.list_saved_views(engine, views.user_owner("vera"))
    assert f"release={a['id']}" in saved["view"] and "period=28d" in saved["view"]
    _type_name(dash_duo, "Launch B")
    dash_duo.find_element("#view-save").click()
    dash_duo.wait_for_contains_text("#view-result", "Saved view 'Launch B'")
    dash_duo.wait_for_text_to_equal("#view-summary", "Saved views (2)")

    # after a reload the list is there; opening a view shows it
    dash_duo.driver.refresh()
    dash_duo.wait_for_element("#dash-kpis .perfdash-kpi-grid", timeout=30)
    assert _query(dash_duo)["release"] == [str(b["id"])]
    _open_list(dash_duo)
    links = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#view-table .saved-view-link")
    assert [link.text for link in links] == ["Launch A", "Launch B"]
    links[0].click()
    wait_until(lambda: _query(dash_duo).get("release") == [str(a["id"])], message="view A open")
    assert _query(dash_duo)["period"] == ["28d"]
    wait_until(lambda: a["title"] in dropdown_text(dash_duo, "dash-release"), message="picker A")
    assert b["title"] not in dropdown_text(dash_duo, "dash-release")

    # Launch A becomes the default: a bare /dashboard opens it
    _open_list(dash_duo)
    row = dash_duo.find_element(f'#view-table [data-view="{saved["id"]}"]')
    row.find_element(By.XPATH, ".//button[normalize-space()='Make default']").click()
    dash_duo.wait_for_contains_text("#view-result", "Default view set")
    assert store.default_saved_view(engine, views.user_owner("vera"))["name"] == "Launch A"
    dash_duo.driver.get(base + "/dashboard")
    with_views = _settled_requests(dash_duo)
    query = _query(dash_duo)
    assert query["release"] == [str(a["id"])] and query["period"] == ["28d"]
    assert a["title"] in dropdown_text(dash_duo, "dash-release")
    # the saved views cost the first view no callback request
    assert with_views == without_views, (with_views, without_views)

    # Delete one: the list and the store lose it
    _open_list(dash_duo)
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#view-table tr")
    rows[1].find_element(By.XPATH, ".//button[normalize-space()='Delete']").click()
    dash_duo.wait_for_text_to_equal("#view-summary", "Saved views (1)")
    names = [v["name"] for v in store.list_saved_views(engine, views.user_owner("vera"))]
    assert names == ["Launch A"]
