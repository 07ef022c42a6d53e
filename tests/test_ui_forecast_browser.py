"""The dashboard's forecast toggle in headless Chromium: a person turns it on, reads the dotted
line and its band after today and the sentence saying what it is, and turns it off again."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from browser import graph_traces
from browser import wait_until as _wait_until
from selenium.webdriver.common.by import By

from perfdash import create_app, store
from perfdash.config import Settings

TIMEOUT = 30


def wait_until(condition, *, message: str) -> None:
    _wait_until(condition, timeout=TIMEOUT, message=message)


def _app(sqlite_url):
    engine = store.make_engine(sqlite_url)
    from perfdash.migrations import upgrade

    upgrade(engine)
    release = store.create_release(engine, "rel-steady", title="Steady Song")
    today = datetime.now(UTC).date()
    rows = []
    for back in range(100, 0, -1):  # up to yesterday: 1,000 views a day, give or take 40
        at = datetime.combine(today - timedelta(days=back), time(12), tzinfo=UTC)
        value = 1000 * (101 - back) + (40 if back % 2 else -40)
        rows.append(
            dict(
                release_id=release,
                platform="YouTube",
                metric_type="views",
                metric_value=value,
                recorded_at=at,
            )
        )
    store.insert_metrics(engine, rows)
    return create_app(Settings(database_url=sqlite_url, tz="UTC"), engine=engine), release, today


def _choose(dash_duo, label: str) -> None:
    element = dash_duo.driver.find_element(
        By.XPATH, f"//div[@id='dash-forecast']//label[normalize-space()='{label}']"
    )
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def _traces(dash_duo) -> dict[str, dict]:
    return {t["name"]: t for t in graph_traces(dash_duo, "dash-series") or []}


def test_forecast_toggle_draws_and_explains_the_next_days(sqlite_url, start_app, dash_duo):
    app, release, today = _app(sqlite_url)
    base = start_app(app, f"/dashboard?release={release}&period=28d&mode=total")
    wait_until(lambda: "YouTube" in _traces(dash_duo), message="the chart")
    assert not any("forecast" in name for name in _traces(dash_duo))

    _choose(dash_duo, "28 days")
    wait_until(lambda: "YouTube forecast" in _traces(dash_duo), message="the forecast line")
    line = _traces(dash_duo)["YouTube forecast"]
    band = _traces(dash_duo)["YouTube forecast: 80% band"]
    # anchored on yesterday's total, then tomorrow and the 27 days after it
    assert line["x"][0][:10] == (today - timedelta(days=1)).isoformat()
    assert line["x"][1][:10] == (today + timedelta(days=1)).isoformat()
    assert len(line["x"]) == 29 and len(band["x"]) == 28
    assert line["y"][0] == 100_040
    # the total grows by about 1,000 a day: day 28 ahead is about 129,000
    assert abs(line["y"][-1] - 129_040) < 2_000
    assert line["y"] == sorted(line["y"])
    note = dash_duo.find_element("#dash-forecast-note").text
    assert "Forecast of the next 28 days" in note
    assert "a projection, not a recorded number" in note
    assert "band held" in note and "Steady Song · YouTube" in note
    assert "forecast=28" in dash_duo.driver.current_url

    _choose(dash_duo, "off")
    wait_until(
        lambda: not any("forecast" in name for name in _traces(dash_duo)),
        message="the forecast gone",
    )
    assert not dash_duo.find_elements("#dash-forecast-note")

    # weekly gains cannot carry a daily band: the page says so instead of drawing it
    dash_duo.driver.get(
        f"{base}/dashboard?release={release}&period=28d&granularity=week&forecast=7"
    )
    wait_until(
        lambda: "pick day, or Running total" in dash_duo.find_element("#dash-note").text,
        message="the reason there is no forecast",
    )
    assert not any("forecast" in name for name in _traces(dash_duo))
