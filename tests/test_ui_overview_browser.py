"""The catalog overview, the first page, in headless Chromium: its numbers against the store's,
its chart per platform, and one click into a release's own view."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from browser import graph_traces, pick, wait_until

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


def _query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def _shown_kpi(dash_duo) -> str:
    return dash_duo.find_element('.ov-kpi[data-metric="views"] .ov-kpi-main').text


def test_the_overview_filters_by_platform_in_its_url_and_back_undoes_it(
    demo_app, start_app, dash_duo
):
    """Pick YouTube: the KPIs, chart, top releases and risers read YouTube only (as the readout
    computes them), the URL says platform=youtube, Back returns to every platform; the risers
    are the catalog's (store.risers), not a re-sort of the top gainers."""
    engine = _engine(demo_app)
    start_app(demo_app, "/overview?period=28d")
    dash_duo.wait_for_element('.ov-kpi[data-metric="views"] .ov-kpi-main', timeout=TIMEOUT)
    period = metrics.period_for("28d", "UTC")
    previous = period.previous("UTC")
    kind = metrics.metric_kind("views")

    def expected(platforms):
        with store.transaction(engine) as conn:
            numbers = readout.summary(conn, None, platforms, period, previous)
            board, _ = readout.leaderboard(conn, kind, period, previous, platforms, limit=5)
            rising = readout.risers(conn, kind, period, previous, platforms, 5)
        views = next(k for k in numbers.kpis if k.metric_type == "views")
        return metrics.format_gain(views.gain), board["release_id"].tolist(), rising

    every, every_top, _ = expected([])
    wait_until(lambda: _shown_kpi(dash_duo) == every, timeout=TIMEOUT, message="all platforms")
    wait_until(lambda: _query(dash_duo).get("period") == ["28d"], message="the view in the URL")
    start_length = dash_duo.driver.execute_script("return window.history.length")

    pick(dash_duo, "ov-platform", "YouTube")
    youtube, youtube_top, youtube_rising = expected(["youtube"])
    assert youtube != every
    wait_until(lambda: _shown_kpi(dash_duo) == youtube, timeout=TIMEOUT, message="YouTube KPI")
    wait_until(lambda: _query(dash_duo).get("platform") == ["youtube"], message="URL platform")
    assert dash_duo.driver.execute_script("return window.history.length") == start_length + 1
    wait_until(
        lambda: {t["name"] for t in graph_traces(dash_duo, "ov-chart") or []} == {"YouTube"},
        timeout=TIMEOUT,
        message="one line, YouTube",
    )
    assert "on YouTube" in dash_duo.find_element("#ov-when").text

    def shown(css):
        return [int(e.get_attribute("data-release")) for e in dash_duo.find_elements(css)]

    wait_until(lambda: shown(".ov-top-item") == youtube_top, message="YouTube's top releases")
    assert shown(".ov-riser") == youtube_rising["release_id"].tolist()
    assert not youtube_rising.empty
    riser = dash_duo.find_elements(".ov-riser")[0].text
    assert metrics.format_gain(youtube_rising["rise"].iloc[0]) in riser
    href = dash_duo.find_elements(".ov-top-item .ov-link")[0].get_attribute("href")
    assert parse_qs(urlparse(href).query)["platform"] == ["youtube"]  # the release, same view

    dash_duo.driver.back()
    wait_until(lambda: _shown_kpi(dash_duo) == every, timeout=TIMEOUT, message="Back: all")
    assert "platform" not in _query(dash_duo)
    wait_until(
        lambda: "YouTube" not in dash_duo.find_element("#ov-platform").text,
        message="filter cleared",
    )
    assert "on every platform" in dash_duo.find_element("#ov-when").text
    wait_until(lambda: shown(".ov-top-item") == every_top, message="every platform's top")
    assert dash_duo.get_logs() == []


def test_an_overview_link_with_an_unknown_platform_says_so(demo_app, start_app, dash_duo):
    start_app(demo_app, "/overview?period=fortnight&platform=myspace&platform=YouTube")
    alert = dash_duo.wait_for_element("#ov-url-problems", timeout=TIMEOUT)
    assert "platform 'myspace' has no readings" in alert.text
    assert "period 'fortnight' is not one of" in alert.text
    wait_until(
        lambda: "on YouTube," in dash_duo.find_element("#ov-when").text,
        timeout=TIMEOUT,
        message="YouTube kept, the period read as 28 days",
    )
    assert "YouTube" in dash_duo.find_element("#ov-platform").text
