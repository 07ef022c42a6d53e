"""/artists in headless Chromium on the demo catalog: the artist leaderboard, an artist's
releases together with their gains and shares, the URL (Back undoes a change), and an empty
catalog's message."""

from __future__ import annotations

import os
import time
from urllib.parse import parse_qs, urlparse

from browser import graph_traces, pick, wait_until
from selenium.webdriver.common.by import By

from perfdash import create_app, metrics, readout, store
from perfdash.config import Settings

SHOTS = os.environ.get("PERFDASH_SCREENSHOTS")  # a folder: save what the page looks like


def _query(dash_duo) -> dict:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def _shot(dash_duo, name: str) -> None:
    if SHOTS:
        dash_duo.driver.save_screenshot(os.path.join(SHOTS, f"{name}.png"))


def test_artist_page_ranks_artists_and_shows_one_artists_releases(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    period = metrics.period_for("28d", "UTC")
    with store.transaction(engine) as conn:
        board = readout.artist_board(
            conn, metrics.metric_kind("views"), period, period.previous("UTC")
        )
        nova = readout.artist(conn, "Nova Vale", [], period, period.previous("UTC"))
    base = start_app(demo_app, "/artists")
    dash_duo.driver.get(f"{base}/artists")
    dash_duo.wait_for_element(".art-board-row", timeout=30)
    rows = dash_duo.find_elements(".art-board-row")
    assert [r.get_attribute("data-artist") for r in rows] == board["artist_name"].tolist()
    assert len(rows) == 4
    first = rows[0].find_element(By.CSS_SELECTOR, ".art-board-value").text
    assert first == metrics.format_gain(board["gain"].iloc[0])
    _shot(dash_duo, "artists-board")

    # the picker opens an artist: its releases, their gains adding up to its KPI
    pick(dash_duo, "art-artist", "Nova Vale")
    wait_until(lambda: len(dash_duo.find_elements(".art-release")) == 8, timeout=30)
    assert dash_duo.find_element("#art-name").text.startswith("Nova Vale")
    assert _query(dash_duo)["artist"] == ["Nova Vale"]
    views = next(k for k in nova.summary.kpis if k.metric_type == "views")
    card = dash_duo.find_element('.art-kpi[data-metric="views"] .art-kpi-main').text
    assert card == metrics.format_gain(views.gain)
    shown = [
        int(e.text.replace(",", "").replace("+", ""))
        for e in dash_duo.find_elements(".art-rel-gain")
        if e.text not in ("–", "")
    ]
    assert sum(shown) == views.gain
    wait_until(lambda: graph_traces(dash_duo, "art-launches"), timeout=30)
    names = [t["name"] for t in graph_traces(dash_duo, "art-launches")]
    assert all("Nova Vale" in n for n in names[:-1]) and len(names) >= 2
    _shot(dash_duo, "artists-nova")

    # a change goes into the URL; Back undoes it
    for label in dash_duo.find_elements("#art-period label"):
        if label.text == "7 days":
            label.click()
    wait_until(lambda: _query(dash_duo).get("period") == ["7d"], message="period in URL")
    dash_duo.driver.back()
    wait_until(lambda: _query(dash_duo).get("period") == ["28d"], message="Back")
    wait_until(
        lambda: dash_duo.find_element("#art-period input:checked").get_attribute("value") == "28d"
    )
    wait_until(lambda: dash_duo.find_element("#art-name").text.startswith("Nova Vale"))

    # an artist in the board is a link to its own view
    def open_lumen():  # once the board is drawn (no loading veil over it)
        link = dash_duo.find_element('.art-board-row[data-artist="Lumen Drift"] a')
        dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
        try:
            link.click()
        except Exception:  # covered (a toast, a sticky bar): the click a person makes anyway
            dash_duo.driver.execute_script("arguments[0].click();", link)
        return True

    wait_until(open_lumen, timeout=20, message="the board's link clicked")
    wait_until(lambda: _query(dash_duo).get("artist") == ["Lumen Drift"], message="link")
    wait_until(lambda: dash_duo.find_element("#art-name").text.startswith("Lumen Drift"))
    if SHOTS:  # dark, and a phone's width
        dash_duo.find_element("#theme-dark").click()
        dash_duo.driver.set_window_size(390, 1400)
        wait_until(lambda: len(dash_duo.find_elements(".art-release")) == 7)
        wait_until(lambda: graph_traces(dash_duo, "art-launches"), timeout=30)
        wait_until(
            lambda: (
                not dash_duo.driver.execute_script(
                    "return document.querySelector('[data-dash-is-loading=\"true\"]')"
                )
            ),
            timeout=30,
        )
        time.sleep(1)
        _shot(dash_duo, "artists-dark-390")


def test_an_empty_catalog_says_what_to_do(sqlite_url, start_app, dash_duo):
    engine = store.make_engine(sqlite_url)
    app = create_app(Settings(database_url=sqlite_url, tz="UTC"), engine=engine)
    base = start_app(app, "/artists")
    dash_duo.driver.get(f"{base}/artists")
    message = dash_duo.wait_for_element("#art-empty", timeout=30).text
    assert "No release has an artist name yet" in message
    engine.dispose()
