"""Tags in headless Chromium on the demo catalog: set in the release editor (a bad tag refused,
nothing changed), then the overview filtered by a tag, its numbers the tag's releases' only,
the tag in the URL (Back undoes it)."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlparse

from browser import graph_traces, pick, wait_until

from perfdash import metrics, readout, store
from perfdash.demo import TAGS

TIMEOUT = 30
SCROLL = "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});"
SHOTS = os.environ.get("PERFDASH_SCREENSHOTS")


def _query(dash_duo) -> dict:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def _type(dash_duo, selector: str, text: str) -> None:
    box = dash_duo.wait_for_element(selector, timeout=TIMEOUT)
    dash_duo.driver.execute_script(SCROLL, box)
    wait_until(box.is_enabled, timeout=TIMEOUT, message=f"{selector} enabled")
    box.clear()
    box.send_keys(text)


def test_tags_are_set_in_the_release_editor(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    glass = store.get_release_by_key(engine, "demo-002")
    start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-rel-save", timeout=TIMEOUT)
    assert not dash_duo.find_element("#entry-rel-tags").is_enabled()  # New release: no tags
    dash_duo.driver.execute_script(SCROLL, dash_duo.find_element("#entry-rel-pick"))
    pick(dash_duo, "entry-rel-pick", "Glass Horizon")
    _type(dash_duo, "#entry-rel-tags", "Summer Campaign, lofi")
    dash_duo.find_element("#entry-rel-tags-save").click()
    dash_duo.wait_for_contains_text(
        "#entry-rel-tags-saved", "Tags saved: lofi, summer-campaign.", timeout=TIMEOUT
    )
    wait_until(
        lambda: (
            dash_duo.find_element("#entry-rel-tags").get_attribute("value")
            == "lofi, summer-campaign"
        )
    )
    assert store.release_tags_of(engine, [glass["id"]])[glass["id"]] == ["lofi", "summer-campaign"]
    _type(dash_duo, "#entry-rel-tags", "lofi, rock&roll")
    dash_duo.find_element("#entry-rel-tags-save").click()
    dash_duo.wait_for_contains_text("#entry-rel-tags-failed", "'rock&roll'", timeout=TIMEOUT)
    assert "Nothing was saved" in dash_duo.find_element("#entry-rel-tags-failed").text
    assert store.release_tags_of(engine, [glass["id"]])[glass["id"]] == ["lofi", "summer-campaign"]


def test_the_overview_filters_by_tag(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    period = metrics.period_for("28d", "UTC")
    with store.transaction(engine) as conn:
        ids = store.tagged_release_ids(conn, "summer-campaign")
        tagged = readout.summary(conn, ids, [], period, period.previous("UTC"))
        whole = readout.summary(conn, None, [], period, period.previous("UTC"))
    assert len(ids) == len(TAGS["summer-campaign"])
    views = next(k for k in tagged.kpis if k.metric_type == "views")
    catalog = next(k for k in whole.kpis if k.metric_type == "views")
    assert 0 < views.gain < catalog.gain
    start_app(demo_app, "/")
    card = '.ov-kpi[data-metric="views"] .ov-kpi-main'
    dash_duo.wait_for_element(card, timeout=TIMEOUT)
    wait_until(lambda: dash_duo.find_element(card).text == metrics.format_gain(catalog.gain))
    pick(dash_duo, "ov-tag", "summer-campaign")
    wait_until(
        lambda: dash_duo.find_element(card).text == metrics.format_gain(views.gain),
        timeout=TIMEOUT,
        message="the tag's views",
    )
    assert "Tag summer-campaign (5 releases)" in dash_duo.find_element("#ov-when").text
    assert _query(dash_duo)["tag"] == ["summer-campaign"]
    listed = [int(e.get_attribute("data-release")) for e in dash_duo.find_elements(".ov-top-item")]
    assert listed and set(listed) <= set(ids)
    if SHOTS:
        dash_duo.driver.save_screenshot(os.path.join(SHOTS, "overview-tag.png"))
    dash_duo.driver.back()
    wait_until(
        lambda: dash_duo.find_element(card).text == metrics.format_gain(catalog.gain),
        timeout=TIMEOUT,
        message="Back: the whole catalog again",
    )
    assert "tag" not in _query(dash_duo)


def test_launches_compares_a_tags_releases(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    ids = store.tagged_release_ids(engine, "lofi")
    base = start_app(demo_app, "/launches")
    dash_duo.driver.get(f"{base}/launches?tag=lofi")

    def lines():
        return [t["name"] for t in graph_traces(dash_duo, "launch-chart") or []]

    wait_until(lambda: len(lines()) == len(ids) + 1, timeout=TIMEOUT, message="lofi's launches")
    names = {store.release_label(store.get_release(engine, i)) for i in ids}
    assert set(lines()[:-1]) == names
    # another tag from its picker: its releases are compared instead
    pick(dash_duo, "launch-tag", "synthwave-series")
    series = store.tagged_release_ids(engine, "synthwave-series")
    wait_until(lambda: len(lines()) == len(series) + 1, timeout=TIMEOUT, message="the series")
