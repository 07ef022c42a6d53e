"""Archive, restore and delete a release from the entry page's release editor in headless
Chromium; the delete question names how many readings go, and the database says the same."""

from __future__ import annotations

from browser import pick, wait_until

from perfdash import store

TIMEOUT = 30
SCROLL = "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});"


def click(dash_duo, selector: str) -> None:
    element = dash_duo.wait_for_element(selector, timeout=TIMEOUT)
    dash_duo.driver.execute_script(SCROLL, element)
    wait_until(element.is_displayed, timeout=TIMEOUT, message=f"{selector} shown")
    element.click()


def pick_in_editor(dash_duo, text: str) -> None:
    dash_duo.driver.execute_script(SCROLL, dash_duo.find_element("#entry-rel-pick"))
    pick(dash_duo, "entry-rel-pick", text)


def test_archive_restore_and_delete_a_release(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    glass = store.get_release_by_key(engine, "demo-002")
    readings = store.count_metrics(engine, glass["id"])
    total = store.count_metrics(engine)
    assert readings > 0
    base = start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-rel-save", timeout=TIMEOUT)
    assert not dash_duo.find_element("#entry-rel-archive").is_displayed()  # New release

    pick_in_editor(dash_duo, "Glass Horizon")
    click(dash_duo, "#entry-rel-archive")
    dash_duo.wait_for_contains_text("#entry-rel-archived", "Archived demo-002", timeout=TIMEOUT)
    assert store.get_release(engine, glass["id"])["archived_at"] is not None
    assert store.count_metrics(engine, glass["id"]) == readings
    wait_until(
        lambda: dash_duo.find_element("#entry-rel-restore").is_displayed(),
        timeout=TIMEOUT,
        message="Restore offered",
    )
    assert "Archived on" in dash_duo.find_element("#entry-rel-archived-note").text

    # the dashboard's picker no longer finds it, nor does its leaderboard list it
    dash_duo.driver.get(f"{base}/dashboard?view=leaderboard&period=all")
    dash_duo.wait_for_element("#dash-leaderboard-table", timeout=TIMEOUT)
    listed = [
        r.get_attribute("data-release")
        for r in dash_duo.find_elements("#dash-leaderboard-table tbody tr")
    ]
    assert listed and str(glass["id"]) not in listed

    # restored: back in the pickers
    dash_duo.driver.get(f"{base}/entry")
    dash_duo.wait_for_element("#entry-rel-save", timeout=TIMEOUT)
    pick_in_editor(dash_duo, "Glass Horizon")
    click(dash_duo, "#entry-rel-restore")
    dash_duo.wait_for_contains_text("#entry-rel-archived", "Restored demo-002", timeout=TIMEOUT)
    assert store.get_release(engine, glass["id"])["archived_at"] is None

    # delete: the question names the release and its readings; "Keep it" keeps it
    click(dash_duo, "#entry-rel-delete")
    asked = f"Glass Horizon — The Circuit Saints (demo-002) and its {readings:,} readings?"
    dash_duo.wait_for_contains_text("#entry-rel-delete-count", asked, timeout=TIMEOUT)
    click(dash_duo, "#entry-rel-delete-cancel")
    wait_until(
        lambda: not dash_duo.find_elements("#entry-rel-delete-count"),
        timeout=TIMEOUT,
        message="question closed",
    )
    assert store.get_release(engine, glass["id"]) is not None
    assert store.count_metrics(engine) == total

    click(dash_duo, "#entry-rel-delete")
    dash_duo.wait_for_element("#entry-rel-delete-count", timeout=TIMEOUT)
    click(dash_duo, "#entry-rel-delete-confirm")
    dash_duo.wait_for_contains_text(
        "#entry-rel-deleted", f"Deleted demo-002 and its {readings:,} reading(s).", timeout=TIMEOUT
    )
    assert store.get_release(engine, glass["id"]) is None
    assert store.count_metrics(engine) == total - readings
    assert "Glass Horizon" not in dash_duo.find_element("#entry-rel-pick").text
    assert dash_duo.get_logs() == []


def test_show_archived_brings_them_into_the_leaderboard_and_the_search(
    demo_app, start_app, dash_duo
):
    from urllib.parse import parse_qs, urlparse

    engine = demo_app.server.extensions["perfdash"]["engine"]
    start_app(demo_app, "/dashboard?view=leaderboard&period=all")
    dash_duo.wait_for_element("#dash-leaderboard-table", timeout=TIMEOUT)

    def listed() -> list[str]:
        return [
            r.get_attribute("data-release")
            for r in dash_duo.find_elements("#dash-leaderboard-table tbody tr")
        ]

    top = int(listed()[0])
    store.set_release_archived(engine, top, True)
    dash_duo.driver.refresh()
    wait_until(lambda: listed() and str(top) not in listed(), timeout=TIMEOUT, message="hidden")

    click(dash_duo, "#dash-archived")
    wait_until(lambda: listed() and listed()[0] == str(top), timeout=TIMEOUT, message="shown")
    query = parse_qs(urlparse(dash_duo.driver.current_url).query)
    assert query["archived"] == ["1"]

    # the picker's search finds the archived release, marked as such
    title = store.get_release(engine, top)["title"]
    click(dash_duo, ".dash-tab-leaderboard")  # stays; the picker sits above the tabs
    pick(dash_duo, "dash-release", title)
    wait_until(
        lambda: "archived" in dash_duo.find_element("#dash-release").text,
        timeout=TIMEOUT,
        message="archived release picked",
    )
    assert dash_duo.get_logs() == []
