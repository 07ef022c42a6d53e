"""In headless Chromium: the Content-Security-Policy lets Dash and Plotly work, and blocks nothing.

A listener installed before any page script runs records every ``securitypolicyviolation``
event; it must stay empty while the dashboard draws a chart and the entry form saves a metric,
and must catch a deliberate ``eval`` (so the policy is really enforced).
"""

from __future__ import annotations

from browser import graph_traces, pick, wait_until

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def violations(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script("return window.__csp || ['listener missing']")


def open_with_listener(dash_duo, url: str) -> None:
    dash_duo.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS}
    )
    dash_duo.driver.get(url)


def test_dashboard_and_entry_work_under_the_csp(demo_app, start_app, dash_duo):
    base = start_app(demo_app, "/dashboard")
    open_with_listener(dash_duo, base + "/dashboard")
    pick(dash_duo, "dash-release", "Glass Horizon")
    dash_duo.wait_for_contains_text("#dash-series", "Glass Horizon")
    wait_until(lambda: len(graph_traces(dash_duo, "dash-series") or []) >= 2)
    dash_duo.find_element("#theme-dark").click()  # the clientside callback (an inline script)
    wait_until(
        lambda: (
            dash_duo.driver.execute_script(
                "return document.documentElement.getAttribute('data-bs-theme')"
            )
            == "dark"
        )
    )

    dash_duo.find_element("#nav-entry").click()
    dash_duo.wait_for_element("#entry-submit")
    pick(dash_duo, "entry-release_id", "Glass Horizon")
    dash_duo.find_element("#entry-platform").send_keys("YouTube")
    dash_duo.find_element("#entry-metric_type").send_keys("shares")
    dash_duo.find_element("#entry-metric_value").send_keys("7")
    dash_duo.find_element("#entry-submit").click()
    dash_duo.wait_for_contains_text("#entry-result", "Saved")

    csp = dash_duo.driver.execute_script(
        "return fetch('/dashboard').then(r => r.headers.get('Content-Security-Policy'))"
    )
    assert "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
    assert violations(dash_duo) == []

    # the policy is enforced: evaluating a string is refused and reported
    # (from a timer: DevTools' own script evaluation is exempt from the page's CSP)
    dash_duo.driver.execute_script(
        "setTimeout(() => { try { eval('1'); window.__evalResult = 'allowed'; }"
        " catch (e) { window.__evalResult = e.name; } }, 0);"
    )
    wait_until(lambda: dash_duo.driver.execute_script("return window.__evalResult"))
    assert dash_duo.driver.execute_script("return window.__evalResult") == "EvalError"
    wait_until(lambda: any("script-src" in v for v in violations(dash_duo)))
