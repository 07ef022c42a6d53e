"""Archive, restore and delete a release from the entry page's release editor in headless
Chromium; the delete question names how many readings go, and the database says the same."""

from __future__ import annotations

import time

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


def options_for(dash_duo, text: str) -> str:
    """What the editor's picker offers once ``text`` is typed (the server's search answered)."""
    dash_duo.driver.execute_script(SCROLL, dash_duo.find_element("#entry-rel-pick"))
    dash_duo.find_element("#entry-rel-pick").click()
    search = dash_duo.wait_for_element(".dash-dropdown-content input.dash-dropdown-search")
    search.send_keys(text)

    def shown() -> str:
        return " | ".join(
            o.text for o in dash_duo.find_elements(".dash-dropdown-content .dash-dropdown-option")
        )

    time.sleep(2)  # the server's answer replaces the first list
    return shown()


def test_the_editors_picker_searches_the_whole_catalog_on_the_server(demo_app, start_app, dash_duo):
    """Eighty releases more than the fifty the picker lists first: the oldest is found by its
    key, its title and its artist; archived ones stay hidden."""
    engine = demo_app.server.extensions["perfdash"]["engine"]
    for i in range(80):
        store.create_release(engine, f"bulk-{i:03d}", title=f"Filler {i:03d}")
    store.create_release(
        engine, "zz-hidden-key", title="Cellar Tapes", artist_name="Quiet Northern Band"
    )
    gone = store.create_release(engine, "zz-gone", title="Old Cellar Song")
    store.set_release_archived(engine, gone, True)
    start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-rel-save", timeout=TIMEOUT)
    for text in ("zz-hidden", "Cellar Tapes", "Northern Band"):
        offered = options_for(dash_duo, text)
        assert "Cellar Tapes — Quiet Northern Band (zz-hidden-key)" in offered, offered
        assert "Old Cellar Song" not in offered
        dash_duo.driver.find_element("tag name", "body").send_keys("\ue00c")
        dash_duo.driver.refresh()
        dash_duo.wait_for_element("#entry-rel-save", timeout=TIMEOUT)
    pick_in_editor(dash_duo, "zz-hidden")
    wait_until(
        lambda: dash_duo.find_element("#entry-rel-key").get_attribute("value") == "zz-hidden-key",
        timeout=TIMEOUT,
        message="the found release in the form",
    )
    assert dash_duo.find_element("#entry-rel-title").get_attribute("value") == "Cellar Tapes"
    assert dash_duo.get_logs() == []


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

    # the editor's picker hides it too, until "include archived releases" is on
    dash_duo.driver.get(f"{base}/entry")
    dash_duo.wait_for_element("#entry-rel-save", timeout=TIMEOUT)
    assert "Glass Horizon" not in options_for(dash_duo, "Glass")
    dash_duo.driver.find_element("tag name", "body").send_keys("\ue00c")
    click(dash_duo, "#entry-rel-show-archived")
    # restored: back in the pickers
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
