"""/launches in headless Chromium: two launches compared with the catalog's median."""

from __future__ import annotations

import pandas as pd
from browser import graph_markers, graph_traces, pick, wait_until
from selenium.webdriver.common.by import By

from perfdash import store
from perfdash.ui.figures.insights import MEDIAN_TRACE, NOTES_TRACE


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
