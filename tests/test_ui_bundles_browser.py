"""The dashboard's first view in Chromium: no DataTable bundle is fetched, the records table
still fills, and the big bundles arrive compressed (read from the browser's own resource
timing, not from the server)."""

from __future__ import annotations

from browser import wait_until

TIMEOUT = 30

RESOURCES = """return performance.getEntriesByType('resource').map(e => ({
    name: e.name, encoded: e.encodedBodySize, decoded: e.decodedBodySize}));"""


def test_the_first_view_fetches_no_datatable_and_compressed_bundles(demo_app, start_app, dash_duo):
    start_app(demo_app, "/dashboard")
    dash_duo.wait_for_element('[data-metric="views"] .kpi-gain', timeout=TIMEOUT)
    wait_until(
        lambda: len(dash_duo.find_elements("#dash-table tbody tr")) == 25,
        timeout=TIMEOUT,
        message="a page of records",
    )
    wait_until(
        lambda: dash_duo.find_elements("#dash-series .trace"), timeout=TIMEOUT, message="chart"
    )
    resources = dash_duo.driver.execute_script(RESOURCES)
    names = [r["name"] for r in resources]
    assert [n for n in names if "dash_table" in n] == []
    plotly = next(r for r in resources if "/plotly/package_data/plotly" in r["name"])
    assert plotly["decoded"] > 4_000_000  # plotly.js itself...
    assert plotly["encoded"] < 0.35 * plotly["decoded"]  # ...travelled compressed
    scripts = [r for r in resources if "/_dash-component-suites/" in r["name"]]
    assert len(scripts) >= 8
    assert sum(r["encoded"] for r in scripts) < 0.35 * sum(r["decoded"] for r in scripts)
    assert dash_duo.get_logs() == []  # no console errors: nothing asked for a missing bundle
