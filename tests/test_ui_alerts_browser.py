"""/alerts in headless Chromium: the demo's spikes and the stale releases are listed, and an
alert clicks through to the chart.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

from browser import graph_traces, wait_until

from perfdash import store


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
    page = dash_duo.find_element("#page").text if dash_duo.find_elements("#page") else ""
    assert "perfdash/alerts.py" not in dash_duo.driver.page_source
    assert "Your administrator can change these thresholds." in (
        page or dash_duo.driver.page_source
    )
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
    to = parse_qs(urlparse(dash_duo.driver.current_url).query)["to"][0]
    assert to <= datetime.now(UTC).date().isoformat()  # the link never reaches past today
    wait_until(
        lambda: len(graph_traces(dash_duo, "dash-series") or []) >= 2,
        timeout=30,
        message="the release's chart",
    )
    dash_duo.wait_for_contains_text("#dash-series", "Wildfire Memory", timeout=30)
