"""The dashboard's tag filter in headless Chromium over the demo catalog: choosing a tag puts
it in the URL and narrows the release picker to the tag's releases (the chosen release stays),
a search finds only tagged releases, a reload keeps both, and clearing it lists the catalog."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from browser import pick, wait_until
from conftest import free_port
from selenium.webdriver.common.by import By

from perfdash import create_app, demo, store
from perfdash.config import Settings
from perfdash.migrations import upgrade

OPTIONS = ".dash-dropdown-content .dash-dropdown-option"


@pytest.fixture
def served(tmp_path, dash_duo):
    url = f"sqlite:///{tmp_path / 'tags.sqlite3'}"
    engine = store.make_engine(url)
    upgrade(engine)
    demo.load(engine)
    app = create_app(Settings(database_url=url, tz="UTC"), engine=engine)
    port = free_port()
    dash_duo.start_server(app, navigate=False, port=port)
    yield engine, f"http://localhost:{port}"
    engine.dispose()


def _titles(engine, keys) -> set[str]:
    return {store.release_label(store.get_release_by_key(engine, k)) for k in keys}


def _listed(dash_duo, typed: str = "") -> set[str]:
    """The picker's options as a person sees them on opening it (after typing ``typed``)."""
    dash_duo.find_element("#dash-release").click()
    search = dash_duo.wait_for_element(".dash-dropdown-content input.dash-dropdown-search")
    if typed:
        search.send_keys(typed)
        time.sleep(1.5)  # the server's search answers
    texts = {o.text for o in dash_duo.driver.find_elements(By.CSS_SELECTOR, OPTIONS)}
    dash_duo.driver.find_element(By.TAG_NAME, "body").send_keys("\ue00c")  # Escape
    return texts


def _query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlsplit(dash_duo.driver.current_url).query)


def test_the_picker_is_narrowed_by_a_tag(served, dash_duo):
    engine, base = served
    lofi = _titles(engine, demo.TAGS["lofi"])
    first = store.get_release_by_key(engine, "demo-001")
    chosen = store.release_label(first)
    assert chosen not in lofi
    dash_duo.driver.get(f"{base}/dashboard?release={first['id']}&period=28d")
    dash_duo.wait_for_element("#dash-kpis .perfdash-kpi-grid", timeout=30)
    assert len(_listed(dash_duo)) > len(lofi) + 1

    pick(dash_duo, "dash-tag", "lofi")
    wait_until(lambda: _query(dash_duo).get("tag") == ["lofi"], message="tag in the URL")
    assert _query(dash_duo)["release"] == [str(first["id"])]  # the view stays as it was
    wait_until(lambda: _listed(dash_duo) == lofi | {chosen}, timeout=15, message="narrowed")
    # a search finds tagged releases only: "demo" is in every release's key
    assert _listed(dash_duo, "demo") <= lofi | {chosen}

    dash_duo.driver.refresh()
    dash_duo.wait_for_element("#dash-kpis .perfdash-kpi-grid", timeout=30)
    assert _query(dash_duo)["tag"] == ["lofi"]
    assert "lofi" in dash_duo.find_element("#dash-tag").text
    assert _listed(dash_duo) == lofi | {chosen}

    dash_duo.find_element("#dash-tag .dash-dropdown-clear").click()
    wait_until(lambda: "tag" not in _query(dash_duo), message="tag gone from the URL")
    wait_until(lambda: len(_listed(dash_duo)) > len(lofi) + 1, message="the catalog again")
