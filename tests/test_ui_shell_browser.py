"""End to end in headless Chromium through the shell's navigation: pick a release on the
dashboard, see its chart, add a metric on the entry page, see it back on the dashboard.
"""

from __future__ import annotations

from browser import graph_traces, pick, wait_until

from perfdash import store


def chart_traces(dash_duo):
    return graph_traces(dash_duo, "dash-series")


def test_pick_release_then_add_metric_and_see_it(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    base = start_app(demo_app, "/dashboard?mode=total")  # running totals, to compare with rows

    # the picker is multi-select (compare releases): drop the default release, then pick one
    # by searching its title
    dash_duo.wait_for_element("#dash-release .dash-dropdown-clear").click()
    dash_duo.wait_for_contains_text("#dash-series", "Pick a release")
    pick(dash_duo, "dash-release", "Glass Horizon")
    dash_duo.wait_for_contains_text("#dash-series", "Glass Horizon")
    wait_until(lambda: chart_traces(dash_duo) and len(chart_traces(dash_duo)) >= 2)
    names = {t["name"] for t in chart_traces(dash_duo)}
    assert {"YouTube", "TikTok"} <= names

    # the YouTube line ends at the newest total in the database
    release = store.get_release_by_key(engine, "demo-002")
    rows = [
        r
        for r in store.get_performance_metrics_for_release(release["id"], engine=engine)
        if r["platform"] == "YouTube" and r["metric_type"] == "views"
    ]
    youtube = next(t for t in chart_traces(dash_duo) if t["name"] == "YouTube")
    assert youtube["y"][-1] == rows[0]["metric_value"]

    # switch to data entry, record a new metric type for that release
    dash_duo.find_element("#nav-entry").click()
    dash_duo.wait_for_element("#entry-submit")
    pick(dash_duo, "entry-release_id", "Glass Horizon")
    dash_duo.find_element("#entry-platform").send_keys("YouTube")
    dash_duo.find_element("#entry-metric_type").send_keys("shares")
    dash_duo.find_element("#entry-metric_value").send_keys("12,345")
    dash_duo.find_element("#entry-submit").click()
    dash_duo.wait_for_contains_text("#entry-result", "Saved YouTube shares = 12,345")
    assert store.count_metrics(engine, release["id"]) == len(
        store.get_performance_metrics_for_release(release["id"], engine=engine)
    )
    shares = [
        r
        for r in store.get_performance_metrics_for_release(release["id"], engine=engine)
        if r["metric_type"] == "shares"
    ]
    assert [r["metric_value"] for r in shares] == [12345]

    # back on the dashboard, the new metric is there with its value
    dash_duo.driver.get(f"{base}/dashboard?release={release['id']}&mode=total")
    dash_duo.wait_for_contains_text("#dash-series", "Glass Horizon")
    pick(dash_duo, "dash-metric", "shares")
    wait_until(lambda: (chart_traces(dash_duo) or [{}])[0].get("y") == [12345])
