"""Where a release is heard, in headless Chromium: the world map drawn from perfdash's own
topojson asset (no CDN), the top countries table, the country filter in the URL and the KPIs,
and the empty state that says what to import."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from browser import pick
from browser import wait_until as _wait_until
from selenium.webdriver.common.by import By

from perfdash import create_app, store
from perfdash.config import Settings
from perfdash.migrations import upgrade

TIMEOUT = 30
SCROLL = "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});"


def wait_until(condition, *, message: str) -> None:
    _wait_until(condition, timeout=TIMEOUT, message=message)


@pytest.fixture
def places_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'places.sqlite3'}"
    engine = store.make_engine(url)
    upgrade(engine)
    heard = store.create_release(engine, "rel-heard", title="Heard Everywhere")
    quiet = store.create_release(engine, "rel-quiet", title="Only Worldwide")
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)

    def row(rid, value, country="", metric="streams", currency=""):
        return dict(
            release_id=rid,
            platform="Spotify",
            metric_type=metric,
            metric_value=value,
            recorded_at=at,
            value_kind="period",
            source="csv",
            country=country,
            currency=currency,
        )

    store.insert_metrics(
        engine,
        [
            row(heard, 100),  # worldwide: its countries are in it, never added to it
            row(heard, 60, "US"),
            row(heard, 25, "DE"),
            row(heard, 15, "BR"),
            row(heard, 4_120_000, "US", "earnings", "USD"),
            row(heard, 2_500_000, "DE", "earnings", "EUR"),
            row(quiet, 70),
        ],
    )
    app = create_app(Settings(database_url=url, tz="UTC"), engine=engine)
    yield app, heard, quiet
    engine.dispose()


def table_rows(dash_duo) -> list[list[str]]:
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#places-top tbody tr'))"
        ".map(tr => Array.from(tr.cells).map(td => td.textContent.trim()));"
    )


def map_locations(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(
        "const g = document.querySelector('#places-map .js-plotly-plot');"
        "return g && g._fullData && g._fullData[0] && g._fullData[0].type === 'choropleth'"
        " ? Array.from(g._fullData[0].locations) : [];"
    )


def drawn_countries(dash_duo) -> int:
    """Country shapes plotly drew: only there once the topojson has loaded."""
    return dash_duo.driver.execute_script(
        "return document.querySelectorAll('#places-map path.choroplethlocation').length;"
    )


def streams_gain(dash_duo) -> str:
    return dash_duo.driver.execute_script(
        "const c = document.querySelector('[data-metric=\"streams\"] .kpi-gain');"
        "return c ? c.textContent : '';"
    )


def test_map_top_countries_and_the_country_filter(places_app, start_app, dash_duo):
    app, heard, quiet = places_app
    base = start_app(app, "/")
    dash_duo.driver.set_window_size(1280, 1000)
    dash_duo.driver.get(f"{base}/dashboard?release={heard}&metric=streams&period=28d")
    wait_until(lambda: len(table_rows(dash_duo)) == 3, message="the top countries")
    assert [r[:3] for r in table_rows(dash_duo)] == [
        ["1", "United States (US)", "60"],
        ["2", "Germany (DE)", "25"],
        ["3", "Brazil (BR)", "15"],
    ]
    assert table_rows(dash_duo)[0][3] == "60.0%"
    # below the fold the map waits: no graph drawn until its place scrolls into view
    below = dash_duo.driver.execute_script(
        "return document.getElementById('places-panel').getBoundingClientRect().top"
        " > window.innerHeight + 300;"
    )
    assert below, "the places panel should start below the fold at 1280 x 1000"
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#places-panel .js-plotly-plot") == []
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, ".places-map-waiting")
    dash_duo.driver.execute_script(SCROLL, dash_duo.find_element("#places-panel"))
    wait_until(lambda: sorted(map_locations(dash_duo)) == ["BRA", "DEU", "USA"], message="map")
    wait_until(lambda: drawn_countries(dash_duo) == 3, message="the map drawn from the asset")
    requested = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => n.includes('topojson') || n.includes('cdn.plot.ly'));"
    )
    assert requested and all("/assets/topojson/world_110m.json" in n for n in requested)
    # all territories: the worldwide 100, not 100 + 60 + 25 + 15
    wait_until(lambda: "100" in streams_gain(dash_duo), message="the worldwide KPI")
    assert "200" not in streams_gain(dash_duo)
    if os.environ.get("PERFDASH_SCREENSHOTS"):  # to look at: the panel in view
        panel = dash_duo.find_element("#places-panel")
        dash_duo.driver.execute_script(SCROLL, panel)
        dash_duo.driver.save_screenshot(os.environ["PERFDASH_SCREENSHOTS"] + "/places.png")

    element = dash_duo.find_element("#dash-country")
    dash_duo.driver.execute_script(SCROLL, element)
    pick(dash_duo, "dash-country", "Germany")
    wait_until(lambda: "country=DE" in dash_duo.driver.current_url, message="country in the URL")
    wait_until(lambda: streams_gain(dash_duo).strip().lstrip("+") == "25", message="DE's KPI")
    wait_until(
        lambda: any(
            "Germany" in r[1]
            for r in table_rows(dash_duo)
            if dash_duo.driver.find_element(By.CSS_SELECTOR, "#places-top tr.table-active")
        ),
        message="the chosen country marked in the table",
    )
    # a reload of the URL keeps the filter
    dash_duo.driver.get(dash_duo.driver.current_url)
    wait_until(lambda: "Germany" in dash_duo.find_element("#dash-country").text, message="kept")
    wait_until(lambda: streams_gain(dash_duo).strip().lstrip("+") == "25", message="DE again")

    dash_duo.driver.set_window_size(390, 900)
    dash_duo.driver.get(f"{base}/dashboard?release={quiet}&metric=streams&period=28d")
    empty = dash_duo.wait_for_element("#places-empty", timeout=TIMEOUT)
    assert "Import a distributor statement" in empty.text and "country" in empty.text
    if os.environ.get("PERFDASH_SCREENSHOTS"):
        dash_duo.driver.execute_script(SCROLL, empty)
        dash_duo.driver.save_screenshot(os.environ["PERFDASH_SCREENSHOTS"] + "/places-390.png")
    assert dash_duo.get_logs() in ([], None) or all(
        "cdn.plot.ly" not in str(entry) for entry in dash_duo.get_logs()
    )


def card(dash_duo, metric: str, part: str, currency: str | None = None) -> str:
    """The text of one KPI card's part (``kpi-gain``, ``kpi-rate``), '' when there is none."""
    where = f'[data-metric="{metric}"]' + (f'[data-currency="{currency}"]' if currency else "")
    return dash_duo.driver.execute_script(
        f"const c = document.querySelector('{where} .{part}'); return c ? c.textContent : '';"
    )


def money_cards(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('[data-metric=\"earnings\"]'))"
        ".map(c => c.getAttribute('data-currency'));"
    )


def test_a_country_and_a_currency_choose_the_kpis(places_app, start_app, dash_duo):
    """Every currency its own card; the currency picker keeps one, the country filter counts
    that country's rows, both in the URL; the rate pairs the US line's earnings and streams."""
    app, heard, _ = places_app
    base = start_app(app, "/")
    dash_duo.driver.set_window_size(1280, 1000)
    dash_duo.driver.get(f"{base}/dashboard?release={heard}&metric=streams&period=28d")
    wait_until(lambda: sorted(money_cards(dash_duo)) == ["EUR", "USD"], message="both cards")
    assert card(dash_duo, "earnings", "kpi-gain", "USD").strip() == "$4.12"
    assert card(dash_duo, "earnings", "kpi-gain", "EUR").strip() == "€2.50"
    element = dash_duo.find_element("#dash-currency")
    dash_duo.driver.execute_script(SCROLL, element)
    pick(dash_duo, "dash-currency", "EUR")
    wait_until(lambda: "currency=EUR" in dash_duo.driver.current_url, message="currency in URL")
    wait_until(lambda: money_cards(dash_duo) == ["EUR"], message="only the euro card")
    assert card(dash_duo, "earnings", "kpi-gain", "EUR").strip() == "€2.50"
    # the euros were earned in DE beside DE's 25 streams: 0.10 EUR a stream
    wait_until(lambda: "€0.100000" in card(dash_duo, "earnings", "kpi-rate", "EUR"), message="€")
    pick(dash_duo, "dash-country", "United States")
    wait_until(lambda: "country=US" in dash_duo.driver.current_url, message="country in URL")
    wait_until(lambda: streams_gain(dash_duo).strip().lstrip("+") == "60", message="US streams")
    wait_until(lambda: money_cards(dash_duo) == [], message="no euro earned in the US")
    pick(dash_duo, "dash-currency", "USD")
    wait_until(lambda: money_cards(dash_duo) == ["USD"], message="the dollar card")
    assert card(dash_duo, "earnings", "kpi-gain", "USD").strip() == "$4.12"
    # 4.12 USD for the US line's 60 streams: 0.068667 a stream, row against row
    wait_until(
        lambda: "$0.068667" in card(dash_duo, "earnings", "kpi-rate", "USD"), message="the rate"
    )
    assert "over 60 streams" in card(dash_duo, "earnings", "kpi-rate", "USD")
    if os.environ.get("PERFDASH_SCREENSHOTS"):
        dash_duo.driver.execute_script("window.scrollTo(0, 0);")
        dash_duo.driver.save_screenshot(os.environ["PERFDASH_SCREENSHOTS"] + "/country-filter.png")
    dash_duo.driver.get(dash_duo.driver.current_url)  # a reload keeps both
    wait_until(lambda: money_cards(dash_duo) == ["USD"], message="kept after a reload")
    assert "United States" in dash_duo.find_element("#dash-country").text
    assert "USD" in dash_duo.find_element("#dash-currency").text


def test_the_overview_shows_where_the_catalog_is_heard(places_app, start_app, dash_duo):
    app, _, _ = places_app
    start_app(app, "/")
    dash_duo.driver.set_window_size(1280, 1000)

    def rows():
        return dash_duo.driver.execute_script(
            "return Array.from(document.querySelectorAll('#ov-places-top tbody tr'))"
            ".map(tr => Array.from(tr.cells).map(td => td.textContent.trim()));"
        )

    wait_until(lambda: len(rows()) == 3, message="the catalog's top countries")
    dash_duo.driver.execute_script(SCROLL, dash_duo.find_element("#ov-places-panel"))
    assert [r[1:4] for r in rows()] == [
        ["United States (US)", "60", "60.0%"],
        ["Germany (DE)", "25", "25.0%"],
        ["Brazil (BR)", "15", "15.0%"],
    ]
    wait_until(
        lambda: (
            dash_duo.driver.execute_script(
                "return document.querySelectorAll('#ov-places-map path.choroplethlocation').length;"
            )
            == 3
        ),
        message="the overview's map drawn",
    )
    if os.environ.get("PERFDASH_SCREENSHOTS"):
        panel = dash_duo.find_element("#ov-places-panel")
        dash_duo.driver.execute_script(SCROLL, panel)
        dash_duo.driver.save_screenshot(os.environ["PERFDASH_SCREENSHOTS"] + "/overview-map.png")
