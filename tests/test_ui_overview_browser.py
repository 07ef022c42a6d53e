"""The catalog overview, the first page, in headless Chromium: its numbers against the store's,
its chart per platform, and one click into a release's own view."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from browser import graph_traces, wait_until

from perfdash import metrics, readout, store

TIMEOUT = 30


def _engine(app):
    return app.server.extensions["perfdash"]["engine"]


def test_the_overview_is_the_first_page_and_opens_a_release(demo_app, start_app, dash_duo):
    engine = _engine(demo_app)
    start_app(demo_app, "/")
    card = dash_duo.wait_for_element('.ov-kpi[data-metric="views"] .ov-kpi-main', timeout=TIMEOUT)
    # the catalog's 28 days as the readout (the dashboard's and the API's path) computes them
    period = metrics.period_for("28d", "UTC")
    with store.transaction(engine) as conn:
        numbers = readout.summary(conn, None, [], period, period.previous("UTC"))
        kind = metrics.metric_kind("views")
        board, _ = readout.leaderboard(conn, kind, period, period.previous("UTC"), limit=50)
    views = next(k for k in numbers.kpis if k.metric_type == "views")
    wait_until(lambda: card.text == metrics.format_gain(views.gain), message="views KPI")
    assert views.gain > 0
    fans = dash_duo.find_element('.ov-kpi[data-metric="fans"]').text
    assert "net change" in fans  # an audience reads as its net change
    assert "Whole catalog" in dash_duo.find_element("#ov-when").text
    # seven metrics' cards in one row on a wide screen, never six and a lone card
    dash_duo.driver.set_window_size(1400, 1000)
    tops = lambda: dash_duo.driver.execute_script(  # noqa: E731
        "return Array.from(document.querySelectorAll('.ov-kpi'))"
        ".map(e => Math.round(e.getBoundingClientRect().top));"
    )
    wait_until(lambda: len(tops()) == 7 and len(set(tops())) == 1, message="one row of 7 cards")
    # each card's number on one line and inside its card (never "+1,151,68" over "1")
    fits = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('.ov-kpi .ov-kpi-main')).map(e => {"
        " const s = getComputedStyle(e);"
        " const lines = Math.round(e.getBoundingClientRect().height / parseFloat(s.lineHeight));"
        " return lines === 1 && e.scrollWidth <= e.clientWidth; });"
    )
    assert fits == [True] * 7, fits

    # the catalog's gain per day, one line per platform
    def platforms():
        return {t["name"] for t in graph_traces(dash_duo, "ov-chart") or []}

    wait_until(lambda: {"YouTube", "TikTok"} <= platforms(), timeout=TIMEOUT, message="lines")
    assert "views gained per day" in dash_duo.find_element("#ov-chart").text

    # the top releases in order, then one click opens the first one's own view
    items = dash_duo.find_elements(".ov-top-item")
    assert [int(i.get_attribute("data-release")) for i in items] == board["release_id"].head(
        5
    ).tolist()
    wait_until(
        lambda: dash_duo.find_elements("#ov-no-alerts, .ov-alert"),
        timeout=TIMEOUT,
        message="alerts",
    )
    dash_duo.wait_for_element("#freshness-summary", timeout=TIMEOUT)
    first = int(items[0].get_attribute("data-release"))
    link = items[0].find_element("css selector", ".ov-link")
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", link
    )
    link.click()
    wait_until(lambda: "/dashboard" in dash_duo.driver.current_url, message="the dashboard")
    query = parse_qs(urlparse(dash_duo.driver.current_url).query)
    assert query["release"] == [str(first)] and query["period"] == ["28d"]
    dash_duo.wait_for_element('[data-metric="views"] .kpi-gain', timeout=TIMEOUT)


def test_the_overview_follows_its_period(demo_app, start_app, dash_duo):
    start_app(demo_app, "/overview?period=7d")
    card = dash_duo.wait_for_element('.ov-kpi[data-metric="views"] .ov-kpi-main', timeout=TIMEOUT)
    period = metrics.period_for("7d", "UTC")
    with store.transaction(_engine(demo_app)) as conn:
        numbers = readout.summary(conn, None, [], period, period.previous("UTC"))
    views = next(k for k in numbers.kpis if k.metric_type == "views")
    wait_until(lambda: card.text == metrics.format_gain(views.gain), message="7-day KPI")
    assert dash_duo.get_logs() == []
