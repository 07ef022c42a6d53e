""" "Collect now" on the data-entry tab, in headless Chromium against a local fake Deezer API."""

from __future__ import annotations

import time

from fake_platforms import FakeApis, ok

from perfdash import create_app, store
from perfdash.config import CollectorEnv, Settings
from perfdash.migrations import upgrade


def test_collect_now_button_runs_collectors_and_shows_summary(tmp_path, start_app, dash_duo):
    fake = FakeApis()
    try:

        def slow_track(_query):  # long enough for the page to show the source being read
            time.sleep(2.5)
            return ok({"id": 3135556, "rank": 812345})

        fake.on("/deezer/track/3135556", slow_track)
        fake.on("/deezer/artist/27", ok({"id": 27, "nb_fan": 4567890}))
        url = f"sqlite:///{tmp_path / 'collect.sqlite3'}"
        engine = store.make_engine(url)
        upgrade(engine)
        pk = store.create_release(
            engine, "r1", title="Harder", deezer_track_id="3135556", deezer_artist_id="27"
        )
        deezer_only = CollectorEnv({"PERFDASH_DEEZER_BASE_URL": fake.base_urls["deezer"]})
        app = create_app(Settings(database_url=url, collector_env=deezer_only), engine=engine)

        start_app(app, "/entry")
        dash_duo.wait_for_element("#entry-submit", timeout=30)
        button = dash_duo.wait_for_element("#collect-now-button", timeout=30)
        dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
        button.click()
        # while it runs: the source being read, the button disabled, no summary yet (read in
        # one snapshot of the page, so the three are seen at the same moment)
        snapshot = (
            "const c = document.querySelector('#collect-now-current');"
            "return [c ? c.textContent : '',"
            " document.querySelector('#collect-now-result').textContent,"
            " document.querySelector('#collect-now-button').disabled];"
        )
        seen = []
        deadline = time.time() + 10
        while time.time() < deadline:
            seen = dash_duo.driver.execute_script(snapshot)
            if "Collecting from deezer" in seen[0]:
                break
            time.sleep(0.1)
        assert seen == ["Collecting from deezer…", "", True], seen
        dash_duo.wait_for_contains_text(
            "#collect-now-headline", "1 releases, 2 rows written, 0 already present", timeout=20
        )
        assert dash_duo.find_element("#collect-now-status").text == ""  # progress cleared
        alert = dash_duo.find_element("#collect-now-result").text
        assert "Quota used: youtube" not in alert and "deezer 2 requests" in alert
        assert "youtube: YOUTUBE_API_KEY not set" in alert
        assert not dash_duo.find_element("#collect-now-button").get_attribute("disabled")
        got = {
            r["metric_type"]: r["metric_value"]
            for r in store.get_performance_metrics_for_release(pk, engine=engine)
        }
        assert got == {"rank": 812345, "fans": 4567890}

        engine.dispose()
    finally:
        fake.close()


def test_collect_now_is_for_editors_only(sqlite_url):
    from perfdash.ui.panels import collect_now

    engine = store.make_engine(sqlite_url)
    app = create_app(Settings(database_url=sqlite_url), engine=engine)
    server = app.server
    with server.test_request_context("/entry"):
        assert "collect-now-button" in str(collect_now.layout())  # login off: local admin
    server.extensions["perfdash"]["login_required"] = True
    with server.test_request_context("/entry"):
        assert "collect-now-button" not in str(collect_now.layout())  # not signed in
    assert "collect-now-button" not in str(collect_now.layout())  # no request at all
    engine.dispose()
