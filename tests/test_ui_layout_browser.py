"""The dashboard's layout at a desktop, a middle and a phone width in headless Chromium: where
the KPI cards, the navbar, the chart's title and toolbar, and the first chart end up on the
screen as a person sees it."""

from __future__ import annotations

from browser import wait_until

from perfdash import store

TIMEOUT = 30


def resize(dash_duo, width: int, height: int) -> None:
    """The page as a screen of this size shows it (CDP: headless windows have a minimum width)."""
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
    )


def box(dash_duo, selector: str) -> dict | None:
    return dash_duo.driver.execute_script(
        "const e = document.querySelector(arguments[0]); if (!e) return null;"
        "const r = e.getBoundingClientRect(); const s = getComputedStyle(e);"
        "return {top: r.top + window.scrollY, left: r.left, right: r.right,"
        " bottom: r.bottom + window.scrollY, width: r.width, height: r.height,"
        " shown: s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0};",
        selector,
    )


def card_rows(dash_duo) -> list[int]:
    """How many KPI cards sit on each row, top to bottom."""
    tops = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#dash-kpis .kpi'))"
        ".map(e => Math.round(e.getBoundingClientRect().top));"
    )
    rows: dict[int, int] = {}
    for top in tops:
        rows[top] = rows.get(top, 0) + 1
    return [rows[t] for t in sorted(rows)]


def overlaps(a: dict, b: dict) -> bool:
    return not (
        a["right"] <= b["left"]
        or b["right"] <= a["left"]
        or a["bottom"] <= b["top"]
        or b["bottom"] <= a["top"]
    )


def test_layout_at_desktop_middle_and_phone_widths(demo_app, start_app, dash_duo):
    resize(dash_duo, 1280, 900)
    start_app(demo_app, "/dashboard")
    dash_duo.wait_for_element('[data-metric="views"] .kpi-gain', timeout=TIMEOUT)
    wait_until(lambda: len(card_rows(dash_duo)) >= 1, timeout=TIMEOUT, message="cards")
    cards = sum(card_rows(dash_duo))
    assert cards == 7  # the demo release has seven metrics
    assert card_rows(dash_duo) == [7]
    # the navbar's links are in the bar, no toggler
    assert box(dash_duo, "#nav-entry")["shown"]
    assert not box(dash_duo, "#nav-toggler")["shown"]
    # the chart's title and its toolbar side by side, not on top of each other
    dash_duo.driver.execute_script(
        "document.querySelector('#dash-series').scrollIntoView({block: 'center'});"
    )
    dash_duo.driver.execute_script(
        "const g = document.querySelector('#dash-series .js-plotly-plot');"
        "g.dispatchEvent(new MouseEvent('mousemove', {bubbles: true}));"
    )
    title = box(dash_duo, "#dash-series .gtitle")
    modebar = box(dash_duo, "#dash-series .modebar")
    assert title and title["shown"]
    if modebar and modebar["shown"]:
        assert not overlaps(title, modebar), (title, modebar)

    # a middle width: two even rows, never six and a lone card
    resize(dash_duo, 900, 900)
    wait_until(lambda: card_rows(dash_duo) == [4, 3], timeout=TIMEOUT, message="4 + 3 cards")

    # a phone: navbar folded under its toggler, filters under a button, the chart near the top
    resize(dash_duo, 390, 844)
    dash_duo.driver.get(dash_duo.driver.current_url)
    dash_duo.wait_for_element('[data-metric="views"] .kpi-gain', timeout=TIMEOUT)
    wait_until(
        lambda: box(dash_duo, "#dash-series .gtitle") is not None,
        timeout=TIMEOUT,
        message="chart drawn",
    )
    assert box(dash_duo, "#nav-toggler")["shown"]
    assert not box(dash_duo, "#nav-entry")["shown"]
    chart = box(dash_duo, "#dash-series")
    assert chart["top"] < 600, f"the first chart starts {chart['top']:.0f} px down"
    assert box(dash_duo, "body")["width"] <= 390  # nothing makes the page scroll sideways
    title = box(dash_duo, "#dash-series .gtitle")
    modebar = box(dash_duo, "#dash-series .modebar")
    assert not (modebar and modebar["shown"] and overlaps(title, modebar))
    # the cards are one row that scrolls sideways
    assert len(card_rows(dash_duo)) == 1

    dash_duo.find_element("#nav-toggler").click()
    wait_until(lambda: box(dash_duo, "#nav-entry")["shown"], timeout=TIMEOUT, message="menu open")
    dash_duo.find_element("#nav-toggler").click()
    wait_until(
        lambda: not box(dash_duo, "#nav-entry")["shown"], timeout=TIMEOUT, message="menu closed"
    )
    assert not box(dash_duo, "#dash-metric")["shown"]
    assert not box(dash_duo, "#view-name")["shown"]  # saving and sharing fold with the filters
    dash_duo.find_element("#dash-filters-toggle").click()
    wait_until(lambda: box(dash_duo, "#dash-metric")["shown"], timeout=TIMEOUT, message="filters")
    wait_until(lambda: box(dash_duo, "#view-name")["shown"], timeout=TIMEOUT, message="views")
    assert dash_duo.get_logs() == []


def _titles_fit(dash_duo, graph: str) -> list[dict]:
    """Each title line of a chart and whether it ends inside the chart's drawing."""
    return dash_duo.driver.execute_script(
        "const g = document.querySelector(arguments[0]); if (!g) return [];"
        "const svg = g.querySelector('.main-svg'); if (!svg) return [];"
        "const edge = svg.getBoundingClientRect();"
        "return Array.from(g.querySelectorAll('.gtitle')).map(t => {"
        " const r = t.getBoundingClientRect();"
        " return {text: t.textContent, left: r.left, right: r.right, edge: edge.right,"
        "  inside: r.width > 0 && r.left >= edge.left && r.right <= edge.right}; });",
        f"#{graph}",
    )


def test_long_chart_titles_fit_a_phone(demo_app, start_app, dash_duo, tmp_path):
    """At 390 px the longest demo release's chart titles, the per-platform bars' and the
    overview's are broken into lines that end inside the chart (Plotly cuts, never wraps)."""
    engine = demo_app.server.extensions["perfdash"]["engine"]
    release = store.get_release_by_key(engine, "demo-026")["id"]  # the longest title + artist
    other = store.get_release_by_key(engine, "demo-004")["id"]
    resize(dash_duo, 390, 844)
    start_app(demo_app, f"/dashboard?release={release}&period=90d")
    for graph in ("dash-series", "dash-bars"):
        wait_until(
            lambda graph=graph: _titles_fit(dash_duo, graph),
            timeout=TIMEOUT,
            message=f"{graph} drawn",
        )
        titles = _titles_fit(dash_duo, graph)
        assert all(t["inside"] for t in titles), titles
    series = _titles_fit(dash_duo, "dash-series")[0]["text"]
    assert "Last Transmission" in series and "views gained per" in series
    dash_duo.driver.save_screenshot(str(tmp_path / "phone-dashboard.png"))
    # two releases: a longer subject, the words saying what is drawn kept whole
    dash_duo.driver.get(
        dash_duo.driver.current_url.split("?")[0] + f"?release={release}&release={other}"
    )
    wait_until(
        lambda: " vs" in " ".join(t["text"] for t in _titles_fit(dash_duo, "dash-series")),
        timeout=TIMEOUT,
        message="two releases drawn",
    )
    titles = _titles_fit(dash_duo, "dash-series")
    assert all(t["inside"] for t in titles), titles
    assert "views gained per" in titles[0]["text"]
    dash_duo.driver.get(dash_duo.driver.current_url.split("/dashboard")[0] + "/overview")
    wait_until(lambda: _titles_fit(dash_duo, "ov-chart"), timeout=TIMEOUT, message="overview")
    titles = _titles_fit(dash_duo, "ov-chart")
    assert all(t["inside"] for t in titles), titles
    dash_duo.driver.save_screenshot(str(tmp_path / "phone-overview.png"))
    assert dash_duo.get_logs() == []
