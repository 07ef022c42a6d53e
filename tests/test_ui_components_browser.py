"""The release picker in headless Chromium: a person types a release's key, title or artist and
picks what the server found; the browser must not filter the server's answer away."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from browser import dropdown_text, wait_until
from selenium.webdriver.common.by import By

from perfdash import store

TIMEOUT = 30
OPTIONS = ".dash-dropdown-content .dash-dropdown-option"


def shown_options(dash_duo) -> list[str]:
    return [o.text for o in dash_duo.driver.find_elements(By.CSS_SELECTOR, OPTIONS)]


def search(dash_duo, dropdown_id: str, text: str) -> None:
    dash_duo.wait_for_element(f"#{dropdown_id}", timeout=TIMEOUT).click()
    box = dash_duo.wait_for_element(
        ".dash-dropdown-content input.dash-dropdown-search", timeout=TIMEOUT
    )
    box.send_keys(text)


def test_dashboard_picker_finds_a_release_by_its_key(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    blue = store.get_release_by_key(engine, "demo-021")
    label = store.release_label(blue)  # "Blue Frequency — Nova Vale": the key is not in it
    assert "demo-021" not in label
    start_app(demo_app, "/dashboard")
    dash_duo.wait_for_element('[data-metric="views"] .kpi-gain', timeout=TIMEOUT)
    dash_duo.find_element("#dash-release .dash-dropdown-clear").click()
    dash_duo.wait_for_contains_text("#dash-series", "Pick a release", timeout=TIMEOUT)

    # the key: exactly that release is offered, then picked
    search(dash_duo, "dash-release", "demo-021")
    wait_until(
        lambda: shown_options(dash_duo) == [label],
        timeout=TIMEOUT,
        message="only Blue Frequency offered for demo-021",
    )
    assert "No options found" not in dash_duo.find_element(".dash-dropdown-content").text
    dash_duo.find_element(OPTIONS).click()
    dash_duo.find_element("body").send_keys("\ue00c")  # Escape closes the menu
    wait_until(
        lambda: (
            parse_qs(urlparse(dash_duo.driver.current_url).query).get("release")
            == [str(blue["id"])]
        ),
        timeout=TIMEOUT,
        message="release in the URL",
    )
    assert dropdown_text(dash_duo, "dash-release") == label
    dash_duo.wait_for_contains_text("#dash-series", "Blue Frequency", timeout=TIMEOUT)

    # part of a key, an artist: the server's matches all stay listed
    dash_duo.find_element("#dash-release .dash-dropdown-clear").click()
    search(dash_duo, "dash-release", "nova vale")
    nova = [r for r in store.search_releases(engine, "nova vale")]
    wait_until(
        lambda: sorted(shown_options(dash_duo)) == sorted(store.release_label(r) for r in nova),
        timeout=TIMEOUT,
        message="every Nova Vale release offered",
    )
    assert len(nova) > 1
    assert dash_duo.get_logs() == []
