"""The entry page's checks in headless Chromium, as a person meets them: a total below the last
one asks to be confirmed as a correction, a failed release save does not follow the person to the
next release, a file with unknown releases keeps Import off until the box is ticked, and a file's
problems come in line order."""

from __future__ import annotations

from browser import pick, wait_until
from selenium.webdriver.common.by import By

from perfdash import store

TIMEOUT = 30
SCROLL = "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});"


def click(dash_duo, selector: str) -> None:
    element = dash_duo.wait_for_element(selector, timeout=TIMEOUT)
    dash_duo.driver.execute_script(SCROLL, element)
    element.click()


def totals(engine, release_id: int, platform: str, metric: str) -> list[int]:
    """The release's totals of one platform and metric, newest first."""
    rows = store.get_performance_metrics_for_release(release_id, engine=engine)
    return [
        r["metric_value"] for r in rows if r["platform"] == platform and r["metric_type"] == metric
    ]


def fill(dash_duo, platform: str, metric: str, value: str) -> None:
    for field, text in (("platform", platform), ("metric_type", metric), ("metric_value", value)):
        box = dash_duo.find_element(f"#entry-{field}")
        box.clear()
        box.send_keys(text)


def test_a_total_below_the_last_asks_to_be_confirmed(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    glass = store.get_release_by_key(engine, "demo-002")
    last = totals(engine, glass["id"], "YouTube", "views")[0]
    before = store.count_metrics(engine)
    start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-submit", timeout=TIMEOUT)
    pick(dash_duo, "entry-release_id", "Glass Horizon")
    fill(dash_duo, "YouTube", "views", "100")
    click(dash_duo, "#entry-submit")
    warning = dash_duo.wait_for_element("#entry-confirm-low", timeout=TIMEOUT)
    assert f"100 is below the last YouTube views total, {last:,}" in warning.text
    assert "Not saved yet" in warning.text
    assert store.count_metrics(engine) == before  # nothing written on the first press

    # the person meant it: saved as a correction
    click(dash_duo, "#entry-confirm-low button")
    dash_duo.wait_for_contains_text("#entry-saved", "Saved YouTube views = 100", timeout=TIMEOUT)
    assert store.count_metrics(engine) == before + 1
    assert totals(engine, glass["id"], "YouTube", "views")[0] == 100

    # a total above the last one saves at once, no question
    tiktok = totals(engine, glass["id"], "TikTok", "views")[0]
    fill(dash_duo, "TikTok", "views", f"{tiktok + 5:,}")
    click(dash_duo, "#entry-submit")
    dash_duo.wait_for_contains_text(
        "#entry-saved", f"Saved TikTok views = {tiktok + 5:,}", timeout=TIMEOUT
    )
    assert dash_duo.find_elements("#entry-confirm-low") == []
    assert totals(engine, glass["id"], "TikTok", "views")[0] == tiktok + 5
    assert store.count_metrics(engine) == before + 2

    # a slip caught: pressing Save metric again with the value fixed needs no confirmation
    likes = totals(engine, glass["id"], "YouTube", "likes")[0]
    fill(dash_duo, "YouTube", "likes", "7")
    click(dash_duo, "#entry-submit")
    dash_duo.wait_for_element("#entry-confirm-low", timeout=TIMEOUT)
    fill(dash_duo, "YouTube", "likes", f"{likes + 9:,}")
    click(dash_duo, "#entry-submit")
    dash_duo.wait_for_contains_text(
        "#entry-saved", f"Saved YouTube likes = {likes + 9:,}", timeout=TIMEOUT
    )
    assert store.count_metrics(engine) == before + 3
    assert totals(engine, glass["id"], "YouTube", "likes")[0] == likes + 9
    assert 7 not in totals(engine, glass["id"], "YouTube", "likes")
    assert dash_duo.get_logs() == []


def test_a_failed_release_save_stays_with_its_release(demo_app, start_app, dash_duo):
    start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-rel-save", timeout=TIMEOUT)
    dash_duo.find_element("#entry-rel-key").send_keys("demo-001")  # taken
    click(dash_duo, "#entry-rel-save")
    dash_duo.wait_for_contains_text(
        "#entry-rel-key-error", "A release with key 'demo-001' already exists", timeout=TIMEOUT
    )
    assert dash_duo.find_elements("#entry-rel-failed")
    # the next release picked in the editor starts clean
    dash_duo.driver.execute_script(SCROLL, dash_duo.find_element("#entry-rel-pick"))
    pick(dash_duo, "entry-rel-pick", "Glass Horizon")
    wait_until(
        lambda: dash_duo.find_element("#entry-rel-key").get_attribute("value") == "demo-002",
        timeout=TIMEOUT,
        message="Glass Horizon in the editor",
    )
    wait_until(
        lambda: dash_duo.find_elements("#entry-rel-failed") == [],
        timeout=TIMEOUT,
        message="the old failure gone",
    )
    assert dash_duo.find_element("#entry-rel-key-error").text == ""


def test_unknown_releases_keep_import_off_and_problems_come_in_line_order(
    demo_app, start_app, dash_duo, tmp_path
):
    header = "release_key,platform,metric_type,metric_value,recorded_at,value_kind"
    unknown = tmp_path / "unknown.csv"
    unknown.write_text(
        f"{header}\nnew-key-1,Deezer,fans,10,2026-01-01T00:00:00Z,total\n", encoding="utf-8"
    )
    # problems in different columns on lines 2..4: a check column by column finds them
    # out of line order
    broken = tmp_path / "broken.csv"
    broken.write_text(
        f"{header}\n"
        "demo-001,YouTube,views,-1,2026-01-01T00:00:00Z,total\n"
        "demo-001,YouTube,views,5,not-a-time,total\n"
        "demo-001,,views,5,2026-01-02T00:00:00Z,total\n",
        encoding="utf-8",
    )
    start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-upload", timeout=TIMEOUT)
    dash_duo.find_element("#entry-upload input[type=file]").send_keys(str(unknown))
    alert = dash_duo.wait_for_element("#entry-import-unknown", timeout=TIMEOUT)
    assert "new-key-1" in alert.text
    assert "Create the unknown releases in the same import" in alert.text
    assert "--create-missing" not in dash_duo.find_element("#entry-import-preview").text

    def disabled() -> bool:
        return dash_duo.find_element("#entry-import-confirm").get_attribute("disabled") is not None

    wait_until(disabled, timeout=TIMEOUT, message="Import off while the box is unticked")
    box = dash_duo.driver.find_element(By.XPATH, "//label[@for='entry-import-create']")
    dash_duo.driver.execute_script(SCROLL, box)
    box.click()
    wait_until(lambda: not disabled(), timeout=TIMEOUT, message="Import on once ticked")
    box.click()
    wait_until(disabled, timeout=TIMEOUT, message="Import off again")

    dash_duo.find_element("#entry-upload input[type=file]").send_keys(str(broken))
    problems = dash_duo.wait_for_element("#entry-import-problems", timeout=TIMEOUT)
    wait_until(lambda: "line 4" in problems.text, timeout=TIMEOUT, message="problems listed")
    items = [li.text for li in problems.find_elements(By.TAG_NAME, "li")]
    lines = [int(t.split(",")[0].split(":")[0].removeprefix("line ")) for t in items]
    assert lines == sorted(lines) and set(lines) == {2, 3, 4}, items
    assert disabled()
    assert dash_duo.get_logs() == []
