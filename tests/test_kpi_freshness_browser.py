"""KPI cards say how fresh their numbers are: newest reading, its source, the time zone."""

from __future__ import annotations

from browser import wait_until

from perfdash import store


def test_kpi_row_states_newest_reading_source_and_zone(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    release = store.get_release_by_key(engine, "demo-002")
    newest = store.get_performance_metrics_for_release(release["id"], engine=engine, limit=1)[0]
    base = start_app(demo_app, "/dashboard")
    dash_duo.driver.get(f"{base}/dashboard?release={release['id']}&period=28d")
    dash_duo.wait_for_element(".kpi-freshness", timeout=30)
    wait_until(lambda: "Newest number" in dash_duo.find_element(".kpi-freshness").text, timeout=30)
    text = dash_duo.find_element(".kpi-freshness").text
    assert f"{newest['recorded_at']:%Y-%m-%d %H:%M}" in text
    assert "(UTC)" in text
    assert "demo" in text.lower()
