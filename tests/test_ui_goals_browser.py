"""Goals on the dashboard in headless Chromium: an editor (local, login off) sets a goal for the
picked release, reads its progress bar, status and projected day, sees a bad goal refused by
field, and removes the goal."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from browser import wait_until as _wait_until
from selenium.webdriver.common.by import By

from perfdash import create_app, store
from perfdash.config import Settings
from perfdash.migrations import upgrade

TIMEOUT = 30


def wait_until(condition, *, message: str) -> None:
    _wait_until(condition, timeout=TIMEOUT, message=message)


def _click(dash_duo, selector: str) -> None:
    """Click as a person does once nothing covers the button: a picker's calendar opened by
    the typing before (or the page still settling) would take a click at the window's edge."""
    button = dash_duo.find_element(selector)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    dash_duo.driver.execute_script("document.activeElement && document.activeElement.blur();")
    wait_until(
        lambda: dash_duo.driver.execute_script(
            "const r = arguments[0].getBoundingClientRect();"
            "const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
            "return top === arguments[0] || arguments[0].contains(top);",
            button,
        ),
        message=f"{selector} uncovered",
    )
    button.click()


def _type(dash_duo, selector: str, text: str) -> None:
    box = dash_duo.find_element(selector)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.clear()
    box.send_keys(text)


def test_set_read_and_remove_a_goal_on_the_dashboard(sqlite_url, start_app, dash_duo):
    engine = store.make_engine(sqlite_url)
    upgrade(engine)
    rel = store.create_release(engine, "rel-a", title="Neon Tides", artist_name="Nova Vale")
    today = datetime.now(UTC).date()
    store.insert_metrics(
        engine,
        [
            dict(
                release_id=rel,
                platform="YouTube",
                metric_type="views",
                metric_value=1000 * n,
                recorded_at=datetime.combine(today - timedelta(days=61 - n), time(12), tzinfo=UTC),
            )
            for n in range(1, 61)
        ],
    )
    app = create_app(Settings(database_url=sqlite_url, tz="UTC"), engine=engine)
    start_app(app, f"/dashboard?release={rel}&period=28d")
    wait_until(lambda: dash_duo.find_elements("#goal-none"), message="the empty goals list")
    assert "No goals yet" in dash_duo.find_element("#goal-none").text

    by = (today + timedelta(days=60)).isoformat()
    _type(dash_duo, "#goal-metric", "views")
    _type(dash_duo, "#goal-target", "9O,000")  # a letter O: refused by field
    _type(dash_duo, "#goal-value", by)
    _click(dash_duo, "#goal-add")
    wait_until(
        lambda: "Nothing was saved" in dash_duo.find_element("#goal-result").text,
        message="the refusal",
    )
    assert "target" in dash_duo.find_element("#goal-result").text
    assert store.list_goals(engine) == []

    _type(dash_duo, "#goal-target", "90,000")
    _click(dash_duo, "#goal-add")
    wait_until(lambda: dash_duo.find_elements(".goal-item"), message="the goal in the list")
    assert "saved for rel-a: 90,000 views by" in dash_duo.find_element("#goal-result").text
    assert dash_duo.find_element(".goal-what").text == f"Neon Tides: 90,000 views by {by}"
    assert dash_duo.find_element(".goal-status").text == "on track"
    progress = dash_duo.find_element(".goal-progress").text
    assert progress.startswith("60,000 of 90,000 (67%): on track, projected ")
    bar = dash_duo.find_element(".goal-item .progress-bar")
    assert bar.get_attribute("aria-valuenow") == "67"

    _click(dash_duo, ".goal-item button")
    wait_until(lambda: dash_duo.find_elements("#goal-none"), message="the goal removed")
    assert store.list_goals(engine) == []


def test_an_artists_goal_shows_on_the_artist_page_and_beside_its_release(
    sqlite_url, start_app, dash_duo
):
    from perfdash.ingest.goals import save_goal

    engine = store.make_engine(sqlite_url)
    upgrade(engine)
    today = datetime.now(UTC).date()
    rows = []
    for key, title, per_day in (("rel-a", "Neon Tides", 1000), ("rel-b", "Glass Horizon", 500)):
        rel = store.create_release(engine, key, title=title, artist_name="Nova Vale")
        rows += [
            dict(
                release_id=rel,
                platform="YouTube",
                metric_type="views",
                metric_value=per_day * n,
                recorded_at=datetime.combine(today - timedelta(days=61 - n), time(12), tzinfo=UTC),
            )
            for n in range(1, 61)
        ]
    store.insert_metrics(engine, rows)
    by = (today + timedelta(days=5)).isoformat()
    saved = save_goal(
        engine,
        {"artist": "Nova Vale", "metric": "views", "target": "200,000", "by": by},
        today=today,
    )
    assert saved.ok, saved.errors
    each = save_goal(  # each launch in its first 28 days: a has 28,000, b 14,000
        engine,
        {"artist": "Nova Vale", "metric": "views", "target": "20,000", "first_days": "28"},
        today=today,
    )
    assert each.ok, each.errors
    app = create_app(Settings(database_url=sqlite_url, tz="UTC"), engine=engine)
    start_app(app, "/artists?artist=Nova+Vale&metric=views")
    wait_until(lambda: dash_duo.find_elements("#art-goals .goal-item"), message="artist goals")
    assert dash_duo.find_element("#art-goals .goal-what").text == (
        f"Nova Vale: 200,000 views by {by}"
    )
    assert dash_duo.find_element("#art-goals .goal-status").text == "off track"
    text = dash_duo.find_element("#art-goals .goal-progress").text
    assert text.startswith("90,000 of 200,000 (45%): off track")
    assert not dash_duo.find_elements("#art-goals .goal-item button")  # removed elsewhere
    second = dash_duo.find_elements("#art-goals .goal-item")[1]
    assert second.find_element(By.CSS_SELECTOR, ".goal-what").text == (
        "Nova Vale: 20,000 views in the first 28 days of each launch"
    )
    assert second.find_element(By.CSS_SELECTOR, ".goal-status").text == "missed"
    ended = today - timedelta(days=33)
    assert second.find_element(By.CSS_SELECTOR, ".goal-progress").text == (
        f"newest launch Glass Horizon: 14,000 of 20,000 (70%): missed (ended {ended}); "
        "1 of 2 launches reached it"
    )
    launches = [e.text for e in second.find_elements(By.CSS_SELECTOR, ".goal-launch")]
    assert launches == [
        f"Neon Tides: 28,000 of 20,000 (100%): reached on {today - timedelta(days=41)}",
        f"Glass Horizon: 14,000 of 20,000 (70%): missed (ended {ended})",
    ]

    dash_duo.driver.get(dash_duo.server_url + "/dashboard?release=1&period=28d")
    wait_until(lambda: dash_duo.find_elements("#goal-list .goal-item"), message="dashboard goals")
    assert "Nova Vale: 200,000 views by" in dash_duo.find_element("#goal-list .goal-what").text


def test_set_a_tag_goal_on_the_dashboard_and_read_it_on_the_overview_and_alerts(
    sqlite_url, start_app, dash_duo
):
    engine = store.make_engine(sqlite_url)
    upgrade(engine)
    today = datetime.now(UTC).date()
    rows = []
    for key, title, per_day in (("rel-a", "Neon Tides", 1000), ("rel-b", "Glass Horizon", 500)):
        rel = store.create_release(engine, key, title=title, artist_name="Nova Vale")
        store.set_release_tags(engine, rel, ["summer"])
        rows += [
            dict(
                release_id=rel,
                platform="YouTube",
                metric_type="views",
                metric_value=per_day * n,
                recorded_at=datetime.combine(today - timedelta(days=61 - n), time(12), tzinfo=UTC),
            )
            for n in range(1, 61)
        ]
    store.insert_metrics(engine, rows)
    app = create_app(Settings(database_url=sqlite_url, tz="UTC"), engine=engine)
    start_app(app, "/dashboard?release=1&period=28d")
    wait_until(lambda: dash_duo.find_elements("#goal-none"), message="the empty goals list")

    choose = dash_duo.find_element("#goal-for")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", choose)
    option = dash_duo.find_element("#goal-for option[value='tag:summer']")
    assert option.text == "its tag summer"
    option.click()
    by = (today + timedelta(days=10)).isoformat()
    _type(dash_duo, "#goal-metric", "views")
    _type(dash_duo, "#goal-target", "200,000")  # 90,000 now, 1,500 a day: off track
    _type(dash_duo, "#goal-value", by)
    _click(dash_duo, "#goal-add")
    wait_until(lambda: dash_duo.find_elements(".goal-item"), message="the tag goal in the list")
    assert "saved for tag summer: 200,000 views by" in dash_duo.find_element("#goal-result").text
    assert dash_duo.find_element(".goal-what").text == f"tag summer: 200,000 views by {by}"
    assert dash_duo.find_element(".goal-status").text == "off track"
    progress = dash_duo.find_element(".goal-progress").text
    assert progress.startswith("90,000 of 200,000 (45%): off track, projected ")
    (goal,) = store.list_goals(engine)
    assert (goal["scope"], goal["tag"], goal["target"]) == ("tag", "summer", 200_000)

    dash_duo.driver.get(dash_duo.server_url + "/overview?tag=summer")
    wait_until(lambda: dash_duo.find_elements("#ov-goals .goal-item"), message="overview goals")
    assert dash_duo.find_element("#ov-goals h5").text == "Goals of tag summer"
    assert dash_duo.find_element("#ov-goals .goal-progress").text == progress
    assert not dash_duo.find_elements("#ov-goals .goal-item button")  # read only here
    dash_duo.driver.save_screenshot("/tmp/goals-overview-tag.png")

    dash_duo.driver.get(dash_duo.server_url + "/alerts")
    wait_until(lambda: dash_duo.find_elements(".goal-alert-row"), message="the goal alert")
    row = dash_duo.find_element(".goal-alert-row")
    assert row.find_element(By.CSS_SELECTOR, ".badge").text == "off track"
    assert row.find_element(By.CSS_SELECTOR, ".goal-alert-text").text.startswith(
        f"tag summer: 200,000 views by {by}: 90,000 of 200,000 (45%): off track"
    )
    assert "not sent yet" in row.text
    assert (
        row.find_element(By.CSS_SELECTOR, "a")
        .get_attribute("href")
        .endswith("/overview?tag=summer")
    )
