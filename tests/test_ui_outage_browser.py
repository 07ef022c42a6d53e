"""An open dashboard whose database goes away: the page says so and greys its stale numbers.

The test stops a PostgreSQL cluster of its own (``own_postgres``), never the shared server,
with sign-in on, so the callbacks' answers are the sign-in gate's 503 (it cannot read the
session): the page must still show the banner.  Started again, the next change brings fresh
numbers, and the banner and the grey go.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

from selenium.webdriver.common.by import By

from perfdash import auth, create_app, store
from perfdash.config import Settings
from perfdash.migrations import upgrade

SECRET = "outage-browser-secret-0123456789abcdef"
PASSWORD = "viewer password 1"
TIMEOUT = 30


def wait_until(condition, message: str) -> None:
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message)


def choose_period(dash_duo, label: str) -> None:
    element = dash_duo.driver.find_element(
        By.XPATH, f"//div[@id='dash-period']//label[normalize-space()='{label}']"
    )
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def page_opacity(dash_duo) -> float:
    return float(
        dash_duo.driver.execute_script(
            "return getComputedStyle(document.getElementById('page')).opacity"
        )
    )


def outage_text(dash_duo) -> str:
    """The outage banner's text as shown, "" when it is closed (read in one go: it re-renders)."""
    return dash_duo.driver.execute_script(
        "const b = document.getElementById('page-outage');"
        "return b && b.offsetParent !== null ? b.innerText.trim() : '';"
    )


def test_the_page_shows_the_outage_and_greys_stale_numbers(own_postgres, dash_duo, tmp_path):
    url = own_postgres.create_database("outage")
    engine = store.make_engine(url)
    upgrade(engine)
    auth.add_user(engine, "vera", PASSWORD, "viewer")
    rid = store.create_release(engine, "out-1", title="Outage Song", artist_name="Down")
    now = datetime.now(UTC)
    for days, value in ((40, 1000), (20, 4000), (2, 9000)):
        store.add_performance_metric(
            rid, "YouTube", "views", value, recorded_at=now - timedelta(days=days), engine=engine
        )
    app = create_app(Settings(database_url=url, auth="required", secret_key=SECRET), engine=engine)
    port = __import__("conftest").free_port()
    dash_duo.start_server(app, navigate=False, port=port)
    base = f"http://localhost:{port}"

    dash_duo.driver.get(f"{base}/dashboard?release={rid}&period=28d")
    dash_duo.wait_for_element("#login-form", timeout=TIMEOUT)
    dash_duo.find_element("#username").send_keys("vera")
    dash_duo.find_element("#password").send_keys(PASSWORD)
    dash_duo.find_element("#login-submit").click()
    # 28 days: 9,000 now less 1,000 before the period
    dash_duo.wait_for_contains_text("#dash-kpis", "+8,000", timeout=TIMEOUT)
    assert outage_text(dash_duo) == "" and page_opacity(dash_duo) == 1.0
    loaded = datetime.now().astimezone()

    own_postgres.stop()
    choose_period(dash_duo, "7 days")
    wait_until(lambda: "Database unavailable" in outage_text(dash_duo), "no outage banner")
    text = outage_text(dash_duo)
    shown = re.search(r"the numbers shown are from (\d\d):(\d\d)", text)
    assert shown, text
    stamp = loaded.replace(hour=int(shown[1]), minute=int(shown[2]), second=0, microsecond=0)
    assert abs((stamp - loaded).total_seconds()) < 120, (text, loaded)
    assert text.startswith("Database unavailable \u2014 the numbers shown are from")
    wait_until(lambda: page_opacity(dash_duo) < 0.6, "the stale numbers are not greyed")
    assert "+8,000" in dash_duo.find_element("#dash-kpis").text  # the old ones, greyed
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#page-error.show")
    dash_duo.driver.save_screenshot(str(tmp_path / "outage.png"))
    __import__("shutil").copy(tmp_path / "outage.png", "/tmp/perfdash-outage.png")

    own_postgres.start()
    assert own_postgres.wait_ready(), "PostgreSQL did not come back"
    choose_period(dash_duo, "90 days")
    wait_until(
        lambda: outage_text(dash_duo) == "", "the banner stayed after the database came back"
    )
    wait_until(lambda: page_opacity(dash_duo) == 1.0, "the page stayed grey")
    # 90 days holds the first reading: fresh from the database, no previous period
    dash_duo.wait_for_contains_text(
        "#dash-kpis", "nothing recorded in the previous period", timeout=TIMEOUT
    )
    engine.dispose()
