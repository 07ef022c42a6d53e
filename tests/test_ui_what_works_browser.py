"""The What works page in headless Chromium: the caveat, the terms with their releases, effects
and intervals as a person reads them, the switch to day 28, and the CSV export."""

from __future__ import annotations

import csv
import glob
import os

from browser import wait_until as _wait_until
from prompt_catalog import build_catalog
from selenium.webdriver.common.by import By

from perfdash import create_app, store
from perfdash.config import Settings
from perfdash.migrations import upgrade

TIMEOUT = 30


def wait_until(condition, *, message: str) -> None:
    _wait_until(condition, timeout=TIMEOUT, message=message)


def _row(dash_duo, term: str) -> list[str]:
    row = dash_duo.driver.find_element(By.CSS_SELECTOR, f"#ww-terms tr[data-term='{term}']")
    return [td.text for td in row.find_elements(By.TAG_NAME, "td")]


def test_what_works_shows_found_and_null_terms_and_exports(sqlite_url, start_app, dash_duo):
    engine = store.make_engine(sqlite_url)
    upgrade(engine)
    build_catalog(engine)
    app = create_app(Settings(database_url=sqlite_url, tz="UTC"), engine=engine)
    start_app(app, "/what-works")
    wait_until(lambda: dash_duo.find_elements("#ww-terms"), message="the terms table")
    assert "Association, not cause" in dash_duo.find_element("#ww-caveat").text

    lofi = _row(dash_duo, "track: lofi")
    assert lofi[1] == "12"
    assert lofi[2].startswith("+") and 150 <= int(lofi[2].strip("+ %")) <= 300
    assert "includes 0" not in lofi[3]
    assert "same releases:" in lofi[0] and "track: lofi beats" in lofi[0]
    rain = _row(dash_duo, "track: rain")
    assert rain[1] == "12" and "includes 0" in rain[3]
    note = dash_duo.find_element("#ww-note").text
    assert "24 releases launched at least 7 days ago" in note
    assert "fewer than 5 releases are not shown" in note

    day28 = dash_duo.driver.find_element(
        By.XPATH, "//div[@id='ww-day']//label[normalize-space()='28 days']"
    )
    day28.click()
    wait_until(
        lambda: "at least 28 days ago" in dash_duo.find_element("#ww-note").text,
        message="the day-28 comparison",
    )
    assert _row(dash_duo, "track: lofi")[1] == "12"

    dash_duo.find_element("#ww-export").click()
    wait_until(
        lambda: glob.glob(os.path.join(dash_duo.download_path, "perfdash-what-works-*.csv")),
        message="the CSV download",
    )
    path = glob.glob(os.path.join(dash_duo.download_path, "perfdash-what-works-*.csv"))[0]
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    shown = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#ww-terms tbody tr")
    assert len(rows) == len(shown)
    assert {"track: lofi", "track: rain"} <= {r["term"] for r in rows}


def test_what_works_empty_catalog_says_what_to_do(sqlite_url, start_app, dash_duo):
    engine = store.make_engine(sqlite_url)
    upgrade(engine)
    pk = store.create_release(engine, "rel-1", title="Only one", track_prompt="lofi")
    from datetime import UTC, datetime

    store.insert_metrics(
        engine,
        [
            dict(
                release_id=pk,
                platform="YouTube",
                metric_type="views",
                metric_value=5,
                recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        ],
    )
    app = create_app(Settings(database_url=sqlite_url, tz="UTC"), engine=engine)
    start_app(app, "/what-works")
    wait_until(lambda: dash_duo.find_elements("#ww-empty"), message="the empty state")
    text = dash_duo.find_element("#ww-empty").text
    assert "Nothing to show yet: 1 releases" in text and "Add prompts to releases" in text
