"""The metric kinds editor on the entry page and what a kind changes on the dashboard, in
headless Chromium, checked against the database."""

from __future__ import annotations

from browser import pick, wait_until

from perfdash import store


def _engine(app):
    return app.server.extensions["perfdash"]["engine"]


def _click(dash_duo, selector: str) -> None:
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )
    element.click()


def test_an_editor_sets_a_kind_and_the_dashboard_reads_it(demo_app, start_app, dash_duo):
    engine = _engine(demo_app)
    start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-mk-table")
    row = dash_duo.find_element('#entry-mk-table tr[data-metric="fans"] .mk-kind')
    assert row.text == "audience"
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
        dash_duo.find_element("#entry-mk-type"),
    )
    pick(dash_duo, "entry-mk-type", "playcount")
    wait_until(
        lambda: dash_duo.find_element("#entry-mk-kind input[value='counter']").is_selected(),
        message="the type's current kind is shown",
    )
    _click(dash_duo, "#entry-mk-kind input[value='score']")
    _click(dash_duo, "#entry-mk-lower")
    _click(dash_duo, "#entry-mk-save")
    saved = dash_duo.wait_for_element("#entry-mk-saved")
    assert saved.text == "playcount is now read as a score, lower is better."
    wait_until(
        lambda: (
            dash_duo.find_element('#entry-mk-table tr[data-metric="playcount"] .mk-kind').text
            == "score, lower is better"
        ),
        message="the table follows",
    )
    assert store.metric_kind_overrides(engine) == {"playcount": ("score", True)}

    # the dashboard now shows playcount's level, not a gain (demo-001 has Last.fm numbers)
    release = store.get_release_by_key(engine, "demo-001")["id"]
    dash_duo.driver.get(dash_duo.server_url + f"/dashboard?release={release}&period=28d")
    card = dash_duo.wait_for_element('[data-metric="playcount"] .kpi-level', timeout=15)
    level = int(card.text.replace(",", ""))
    assert level > 0
    text = dash_duo.find_element('[data-metric="playcount"]').text
    assert "level at the end of the period" in text and "gained" not in text
    assert "PLAYCOUNT (LOWER IS BETTER)" in text.upper()
    assert dash_duo.find_elements('[data-metric="playcount"] .kpi-gain') == []
    # views stay a counter
    assert dash_duo.find_elements('[data-metric="views"] .kpi-gain')


def test_an_unchosen_kind_is_refused_in_words(demo_app, start_app, dash_duo):
    start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-mk-save")
    _click(dash_duo, "#entry-mk-save")
    failed = dash_duo.wait_for_element("#entry-mk-failed")
    assert failed.text == "Choose a metric type."
    assert store.metric_kind_overrides(_engine(demo_app)) == {}
