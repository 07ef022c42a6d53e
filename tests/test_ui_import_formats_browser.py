"""The data-entry tab's CSV import with a distributor's and a platform's export, in Chromium:
the preview names the format recognised and how each column maps, lists the lines no release
matched, and the import writes the readings (a second time: nothing)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser import wait_until
from selenium.webdriver.common.by import By

from perfdash import create_app, store
from perfdash.config import Settings
from perfdash.migrations import upgrade

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


@pytest.fixture
def catalog_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'formats.sqlite3'}"
    engine = store.make_engine(url)
    upgrade(engine)
    store.create_release(
        engine, "night-drive", title="Night Drive", artist_name="Nova", isrc="USRC17607839"
    )
    store.create_release(
        engine, "glass-horizon", title="Glass Horizon", artist_name="Nova", isrc="QZES62400001"
    )
    app = create_app(Settings(database_url=url, tz="UTC"), engine=engine)
    yield app, engine
    engine.dispose()


def _click(dash_duo, selector: str = "", xpath: str = "") -> None:
    if xpath:
        wait_until(lambda: dash_duo.driver.find_elements(By.XPATH, xpath), message=xpath)
        element = dash_duo.driver.find_element(By.XPATH, xpath)
    else:
        element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )
    element.click()


def _confirm(dash_duo, done: str) -> None:
    wait_until(
        lambda: dash_duo.find_element("#entry-import-confirm").get_attribute("disabled") is None
    )
    _click(dash_duo, "#entry-import-confirm")
    dash_duo.wait_for_contains_text("#entry-import-done", done, timeout=60)


def test_distrokid_and_spotify_previews_name_the_format_and_import(
    catalog_app, start_app, dash_duo, tmp_path
):
    app, engine = catalog_app
    start_app(app, "/entry")
    dash_duo.wait_for_element("#entry-upload")

    statement = tmp_path / "DistroKid_2026-03.tsv"
    shutil.copy(FIXTURES / "distrokid.tsv", statement)
    dash_duo.find_element("#entry-upload input[type=file]").send_keys(str(statement))
    dash_duo.wait_for_contains_text("#entry-import-format", "DistroKid bank details (TSV)")
    mapping = dash_duo.find_element("#entry-import-mapping").text
    assert "Country of Sale country" in mapping
    assert "Earnings (USD) earnings, in USD" in mapping
    assert "ISRC release match (first)" in mapping
    dash_duo.wait_for_contains_text(
        "#entry-import-unknown", "Midnight Protocol by Lumen Drift (ISRC GBAYE2600017"
    )
    assert "8 rows" in dash_duo.find_element("#entry-import-summary").text
    assert "Night Drive — Nova" in dash_duo.find_element("#entry-import-summary").text
    assert dash_duo.find_element("#entry-import-confirm").get_attribute("disabled") is not None
    table = dash_duo.find_element("#entry-import-table").text
    assert "4.862311 USD" in table and "1520" in table and " DE" in table
    dash_duo.find_element("#entry-import-preview").screenshot(str(tmp_path / "preview.png"))
    _click(dash_duo, xpath="//label[@for='entry-import-create']")
    _confirm(dash_duo, "Added 14 row(s); 0 were already there.")
    made = store.get_release_by_key(engine, "isrc-GBAYE2600017")
    assert made["title"] == "Midnight Protocol" and made["isrc"] == "GBAYE2600017"
    assert store.count_metrics(engine) == 14

    timeline = tmp_path / "Night Drive-timeline.csv"
    shutil.copy(FIXTURES / "Night Drive-timeline.csv", timeline)
    dash_duo.find_element("#entry-upload input[type=file]").send_keys(str(timeline))
    dash_duo.wait_for_contains_text(
        "#entry-import-format", "Spotify for Artists: timeline (audience or song)"
    )
    mapping = dash_duo.find_element("#entry-import-mapping").text
    assert "streams streams that day" in mapping and "(file name)" in mapping
    wait_until(lambda: not dash_duo.driver.find_elements(By.ID, "entry-import-unknown"))
    dash_duo.wait_for_contains_text("#entry-import-table", "601")
    _confirm(dash_duo, "Added 3 row(s); 0 were already there.")
    night = store.get_release_by_key(engine, "night-drive")
    assert (
        store.count_metrics(engine, night["id"]) == 10 + 3
    )  # its statement readings, then the days

    again = tmp_path / "again" / "Night Drive-timeline.csv"
    again.parent.mkdir()
    shutil.copy(FIXTURES / "Night Drive-timeline.csv", again)
    dash_duo.find_element("#entry-upload input[type=file]").send_keys(str(again))
    dash_duo.wait_for_contains_text("#entry-import-format", "Spotify for Artists")
    _confirm(dash_duo, "Added 0 row(s); 3 were already there.")
