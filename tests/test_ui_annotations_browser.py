"""The notes panel in headless Chromium: a note added from the dashboard shows as a marker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from browser import graph_markers, graph_traces, wait_until
from selenium.webdriver.common.by import By

from perfdash import store
from perfdash.ui.figures.insights import APPROVED_TRACE, NOTES_TRACE


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
