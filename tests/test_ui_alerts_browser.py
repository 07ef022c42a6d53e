"""Insights in headless Chromium: alerts click through to the chart, launches compared, and a
note added from the dashboard shows as a marker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
from browser import graph_markers, graph_traces, pick, wait_until
from selenium.webdriver.common.by import By

from perfdash import store
from perfdash.ui.figures.insights import APPROVED_TRACE, MEDIAN_TRACE, NOTES_TRACE


def test_alerts_view_lists_demo_spikes_and_opens_the_chart(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    viral = store.get_release_by_key(engine, "demo-019")
    # collected hourly until 5 hours ago: stale by its own schedule (daily demo releases are not)
    hourly = store.create_release(engine, "hourly-1", title="Hourly Song")
    last = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=5)
    for h in range(12):
        store.add_performance_metric(
            hourly, "YouTube", "views", 10 * h, engine=engine, recorded_at=last - timedelta(hours=h)
        )
    start_app(demo_app, "/alerts")
    dash_duo.wait_for_element("#alerts-table", timeout=30)
    rows = dash_duo.find_elements(".alert-row")
    text = " ".join(r.text for r in rows)
    # both viral days of the demo (in the last 180 days) are listed, newest first; no steady
    # release is
    assert len(rows) == 2, text
    assert "(demo-019)" in rows[0].text and "(demo-007)" in rows[1].text
    assert "×" in text and "views" in text
    dash_duo.wait_for_contains_text("#freshness-summary", "Newest number", timeout=30)
    assert "1 of 31 releases are stale." in dash_duo.find_element("#freshness-summary").text
    stale = [el.text for el in dash_duo.find_elements(".freshness-stale")]
    assert len(stale) == 1 and stale[0].startswith("Hourly Song: Newest number")
    assert f"{last:%Y-%m-%d %H:%M} (UTC), entered by hand — stale: 5" in stale[0]
    assert stale[0].endswith("(its schedule allows 2 h)")

    dash_duo.find_element(".alert-link").click()
    wait_until(
        lambda: "/dashboard" in dash_duo.driver.current_url, message="navigation to the chart"
    )
    assert f"release={viral['id']}" in dash_duo.driver.current_url
    wait_until(
        lambda: len(graph_traces(dash_duo, "dash-series") or []) >= 2,
        timeout=30,
        message="the release's chart",
    )
    dash_duo.wait_for_contains_text("#dash-series", "Wildfire Memory", timeout=30)


def test_compare_two_launches_with_the_catalog_median(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    ids = store.release_ids_for_keys(engine, ["demo-002", "demo-005"])
    # a note on day 3 of demo-002's launch (day 0 = its approval date), one on another release
    launch = store.launch_dates(engine, [ids["demo-002"]]).iloc[0]
    day0 = min(launch.approved_at, launch.first_at).normalize()
    noted = day0 + pd.Timedelta(days=3, hours=12)
    store.create_annotation(engine, ids["demo-002"], noted, "TikTok campaign")
    store.create_annotation(
        engine, store.get_release_by_key(engine, "demo-009")["id"], noted, "not picked"
    )
    base = start_app(demo_app, "/launches")
    dash_duo.driver.get(f"{base}/launches?release={ids['demo-002']}&release={ids['demo-005']}")

    def names():
        return [t["name"] for t in graph_traces(dash_duo, "launch-chart") or []]

    wait_until(lambda: MEDIAN_TRACE in names(), timeout=30, message="launch chart")
    assert names() == [
        "Glass Horizon — The Circuit Saints",
        "Velvet Static — Nova Vale",
        MEDIAN_TRACE,
    ]
    traces = graph_traces(dash_duo, "launch-chart")
    assert traces[0]["x"][0] == 0 and traces[0]["x"][-1] == 27  # first 28 days
    # the note is drawn on Glass Horizon's day 3, with its text on hover; nothing else is
    wait_until(
        lambda: (
            graph_markers(dash_duo, "launch-chart", NOTES_TRACE)
            == [
                {
                    "x": 3,
                    "text": f"day 3 ({noted:%Y-%m-%d}): TikTok campaign "
                    "(Glass Horizon — The Circuit Saints)",
                }
            ]
        ),
        timeout=30,
        message="the note's marker on the launch chart",
    )
    drawn = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#launch-chart .annotation-text")
    assert [el.text for el in drawn] == ["▼"]
    summary = dash_duo.find_element("#launch-summary").text
    assert "Glass Horizon" in summary and "median launch by" in summary and "at day 7" in summary

    # first 7 days as gains: every line stops at day 6
    for label in dash_duo.find_elements("#launch-horizon label"):
        if label.text.startswith("7"):
            label.click()
    for label in dash_duo.find_elements("#launch-mode label"):
        if label.text == "Gains":
            label.click()
    wait_until(
        lambda: all(t["x"][-1] == 6 for t in graph_traces(dash_duo, "launch-chart")),
        message="7-day view",
    )
    pick(dash_duo, "launch-releases", "Echo Chamber")
    wait_until(lambda: len(names()) == 4, message="a third release")


def marker_texts(dash_duo, name: str) -> list[str]:
    """Hover texts of the dashboard chart's markers named ``name`` (Notes / Approved)."""
    return [m["text"] for m in graph_markers(dash_duo, "dash-series", name)]


def test_add_a_note_from_the_dashboard_and_see_its_marker(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    rid = store.get_release_by_key(engine, "demo-002")["id"]
    base = start_app(demo_app, "/dashboard")
    dash_duo.driver.get(f"{base}/dashboard?release={rid}&period=all&metric=views")
    wait_until(
        lambda: len(graph_traces(dash_duo, "dash-series") or []) >= 2,
        timeout=30,
        message="the release's chart",
    )
    # the approval date is shown without being entered
    wait_until(
        lambda: any(
            "Glass Horizon" in t and "approved" in t for t in marker_texts(dash_duo, APPROVED_TRACE)
        ),
        timeout=30,
        message="the approval marker",
    )
    day = (datetime.now(UTC) - timedelta(days=10)).date().isoformat()
    dash_duo.find_element("#ann-date").send_keys(day)
    dash_duo.find_element("#ann-text").send_keys("Playlist add")
    # a click through JS: the chart's loading overlay may cover the button for a moment
    dash_duo.driver.execute_script("arguments[0].click();", dash_duo.find_element("#ann-add"))
    dash_duo.wait_for_contains_text("#ann-result", "added", timeout=30)
    wait_until(
        lambda: marker_texts(dash_duo, NOTES_TRACE) == [f"{day}: Playlist add (demo-002)"],
        timeout=30,
        message="the note's marker",
    )
    # a symbol on the plot at that day (the marker is drawn, not only listed)
    drawn = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#dash-series .annotation-text")
    assert any(el.text == "▼" for el in drawn)
    assert NOTES_TRACE not in {t["name"] for t in graph_traces(dash_duo, "dash-series")}
    dash_duo.wait_for_contains_text("#ann-list", "Playlist add", timeout=30)
    rows = store.list_annotations(engine, [rid], include_catalog=False)
    assert [(r["text"], r["created_by"]) for r in rows] == [("Playlist add", "dashboard")]
