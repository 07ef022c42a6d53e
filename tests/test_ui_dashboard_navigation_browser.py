"""Moving through the dashboard's views in headless Chromium: previous / next period, Back and
Forward through view changes, "Custom" after "All time", and links whose values cannot be shown.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

from browser import wait_until as _wait_until
from selenium.webdriver.common.by import By

from perfdash import store

TIMEOUT = 30
SCROLL = "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});"


def wait_until(condition, *, message: str) -> None:
    _wait_until(condition, timeout=TIMEOUT, message=message)


def query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def click(dash_duo, selector: str) -> None:
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script(SCROLL, element)
    element.click()


def choose(dash_duo, group_id: str, label: str) -> None:
    element = dash_duo.driver.find_element(
        By.XPATH, f"//div[@id='{group_id}']//label[normalize-space()='{label}']"
    )
    dash_duo.driver.execute_script(SCROLL, element)
    element.click()


def checked(dash_duo, group_id: str) -> str | None:
    return dash_duo.driver.execute_script(
        "const i = document.querySelector('#' + arguments[0] + ' input:checked');"
        "return i ? i.labels[0].textContent.trim() : null;",
        group_id,
    )


def dates(dash_duo) -> tuple[str, str]:
    return (
        dash_duo.find_element("#dash-range-start").get_attribute("value"),
        dash_duo.find_element("#dash-range-end").get_attribute("value"),
    )


def history_length(dash_duo) -> int:
    return dash_duo.driver.execute_script("return window.history.length")


def test_previous_and_next_period_step_by_its_length(demo_app, start_app, dash_duo):
    start_app(demo_app, "/dashboard?period=28d")
    dash_duo.wait_for_element('[data-metric="views"] .kpi-gain', timeout=TIMEOUT)
    today = datetime.now(UTC).date()
    first = today - timedelta(days=27)
    wait_until(lambda: dates(dash_duo) == (first.isoformat(), today.isoformat()), message="28d")
    # the period ends today: nothing after it
    wait_until(
        lambda: dash_duo.find_element("#dash-next").get_attribute("disabled") is not None,
        message="next disabled at today",
    )

    click(dash_duo, "#dash-prev")
    before = (first - timedelta(days=28), first - timedelta(days=1))
    wait_until(
        lambda: dates(dash_duo) == (before[0].isoformat(), before[1].isoformat()),
        message="the 28 days before",
    )
    wait_until(lambda: query(dash_duo).get("period") == ["custom"], message="custom in URL")
    assert query(dash_duo)["from"] == [before[0].isoformat()]
    assert query(dash_duo)["to"] == [before[1].isoformat()]
    assert checked(dash_duo, "dash-period") == "Custom"
    wait_until(
        lambda: dash_duo.find_element("#dash-next").get_attribute("disabled") is None,
        message="next enabled",
    )
    # the chart shows those days
    wait_until(
        lambda: before[0].isoformat() in dash_duo.find_element("#dash-note").text,
        message="chart note names the period",
    )

    # two back, then forward twice: home again on the last 28 days
    click(dash_duo, "#dash-prev")
    earlier = before[0] - timedelta(days=28)
    wait_until(lambda: query(dash_duo).get("from") == [earlier.isoformat()], message="56 back")
    click(dash_duo, "#dash-next")
    wait_until(lambda: query(dash_duo).get("from") == [before[0].isoformat()], message="fwd")
    click(dash_duo, "#dash-next")
    wait_until(lambda: query(dash_duo).get("period") == ["28d"], message="back at last 28 days")
    assert "from" not in query(dash_duo)
    assert checked(dash_duo, "dash-period") == "28 days"
    assert dates(dash_duo) == (first.isoformat(), today.isoformat())

    # all time has no step
    choose(dash_duo, "dash-period", "All time")
    wait_until(
        lambda: dash_duo.find_element("#dash-prev").get_attribute("disabled") is not None,
        message="previous disabled for all time",
    )
    # "Custom" after "All time" shows the dates the KPIs and chart use
    choose(dash_duo, "dash-period", "Custom")
    ninety = today - timedelta(days=89)
    wait_until(
        lambda: dates(dash_duo) == (ninety.isoformat(), today.isoformat()),
        message="custom shows the 90 days it uses",
    )
    wait_until(lambda: query(dash_duo).get("from") == [ninety.isoformat()], message="in URL")
    wait_until(
        lambda: dash_duo.find_element("#dash-note").text.startswith(
            f"{ninety.isoformat()} to {today.isoformat()}"
        ),
        message="chart note says the same dates",
    )
    assert dash_duo.get_logs() == []


def test_back_undoes_view_changes(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    glass = store.get_release_by_key(engine, "demo-002")["id"]
    base = start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-submit", timeout=TIMEOUT)
    dash_duo.driver.get(f"{base}/dashboard?release={glass}&period=90d")
    dash_duo.wait_for_element('[data-metric="views"] .kpi-gain', timeout=TIMEOUT)
    wait_until(lambda: query(dash_duo).get("granularity") == ["day"], message="full view in URL")
    start_length = history_length(dash_duo)  # the first view replaced its entry, added none

    choose(dash_duo, "dash-period", "28 days")
    wait_until(lambda: query(dash_duo).get("period") == ["28d"], message="28d")
    choose(dash_duo, "dash-granularity", "week")
    wait_until(lambda: query(dash_duo).get("granularity") == ["week"], message="week")
    assert history_length(dash_duo) == start_length + 2

    dash_duo.driver.back()
    wait_until(lambda: checked(dash_duo, "dash-granularity") == "day", message="day again")
    assert query(dash_duo)["granularity"] == ["day"]
    assert checked(dash_duo, "dash-period") == "28 days"
    dash_duo.driver.back()
    wait_until(lambda: checked(dash_duo, "dash-period") == "90 days", message="90 days again")
    assert query(dash_duo)["period"] == ["90d"]
    dash_duo.driver.forward()
    wait_until(lambda: checked(dash_duo, "dash-period") == "28 days", message="forward to 28d")
    assert checked(dash_duo, "dash-granularity") == "day"
    # Back past the first view leaves the dashboard for the page before it
    dash_duo.driver.back()
    dash_duo.driver.back()
    dash_duo.wait_for_element("#entry-submit", timeout=TIMEOUT)
    assert urlparse(dash_duo.driver.current_url).path == "/entry"
    assert dash_duo.get_logs() == []


def test_a_link_with_values_that_cannot_be_shown_says_so(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    glass = store.get_release_by_key(engine, "demo-002")["id"]
    base = start_app(demo_app, f"/dashboard?release={glass}&release=99999&period=28d")
    alert = dash_duo.wait_for_element("#dash-url-problems", timeout=TIMEOUT)
    assert "release 99999 does not exist" in alert.text
    # the release that exists is shown
    dash_duo.wait_for_contains_text("#dash-series", "Glass Horizon", timeout=TIMEOUT)

    dash_duo.driver.get(f"{base}/dashboard?release=99999")
    alert = dash_duo.wait_for_element("#dash-url-problems", timeout=TIMEOUT)
    assert "release 99999 does not exist" in alert.text
    dash_duo.wait_for_contains_text("#dash-series", "Pick a release", timeout=TIMEOUT)

    dash_duo.driver.get(
        f"{base}/dashboard?release={glass}&period=fortnight&granularity=hour&metric=nope"
    )
    alert = dash_duo.wait_for_element("#dash-url-problems", timeout=TIMEOUT)
    assert "period 'fortnight' is not one of" in alert.text
    assert "granularity 'hour' is not one of day, week, month" in alert.text
    assert "metric 'nope' has no readings" in alert.text
    assert "the period shown is the default, 90 days" in alert.text
    assert checked(dash_duo, "dash-period") == "90 days"

    dash_duo.driver.get(f"{base}/dashboard?release={glass}&period=custom&from=2026-13-45&to=x")
    alert = dash_duo.wait_for_element("#dash-url-problems", timeout=TIMEOUT)
    assert "from '2026-13-45' is not a date (YYYY-MM-DD)" in alert.text
    assert "to 'x' is not a date" in alert.text

    # a link that is fine says nothing
    dash_duo.driver.get(f"{base}/dashboard?release={glass}&period=7d")
    dash_duo.wait_for_element('[data-metric="views"] .kpi-gain', timeout=TIMEOUT)
    assert dash_duo.find_elements("#dash-url-problems") == []
    assert dash_duo.get_logs() == []
