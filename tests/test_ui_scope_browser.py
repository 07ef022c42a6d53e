"""A viewer limited to one artist, in headless Chromium: signed in through the sign-in form, the
overview's top releases and the dashboard's leaderboard list that artist's releases only, and
a URL naming another artist's release shows it as an unknown one."""

from __future__ import annotations

import pytest
from browser import wait_until
from conftest import free_port

from perfdash import auth, create_app, store
from perfdash.config import Settings

SECRET = "scope-browser-secret-0123456789-abcdefghij"
PASSWORD = "nova viewer password"
MINE = "Nova Vale"
SHOT = "/tmp/perfdash-scope-overview.png"  # what the scoped viewer saw, to look at


@pytest.fixture
def served(demo_db, dash_duo):
    engine = store.make_engine(demo_db)
    auth.add_user(engine, "nova", PASSWORD, "viewer", [MINE])
    app = create_app(
        Settings(database_url=demo_db, auth="required", secret_key=SECRET), engine=engine
    )
    port = free_port()
    dash_duo.start_server(app, navigate=False, port=port)
    rows = store.releases_page(engine, limit=1000)
    yield engine, f"http://localhost:{port}", rows
    engine.dispose()


def _texts(dash_duo, selector: str) -> list[str]:
    return [e.text for e in dash_duo.find_elements(selector)]


def test_a_scoped_viewer_sees_only_its_artist_on_the_overview_and_leaderboard(served, dash_duo):
    engine, base, rows = served
    mine = {r["title"] for r in rows if r["artist_name"] == MINE}
    theirs = {r["title"] for r in rows if r["artist_name"] != MINE}
    dash_duo.driver.get(base + "/login?next=/overview%3Fperiod%3D90d")  # the demo ends a month ago
    dash_duo.wait_for_element("#login-form")
    dash_duo.find_element("#username").send_keys("nova")
    dash_duo.find_element("#password").send_keys(PASSWORD)
    dash_duo.find_element("#login-submit").click()

    # the overview: its top releases are the artist's
    dash_duo.wait_for_element("#ov-top .ov-link", timeout=20)
    wait_until(lambda: _texts(dash_duo, "#ov-top .ov-link"), message="top releases")
    top = _texts(dash_duo, "#ov-top .ov-link")
    assert top and all(any(t in shown for t in mine) for shown in top), top
    page = dash_duo.find_element("body").text
    assert f"{MINE}'s releases on every platform" in dash_duo.find_element("#ov-when").text
    dash_duo.driver.save_screenshot(SHOT)
    assert not [t for t in theirs if t in page]
    assert not [a for a in ("Lumen Drift", "The Circuit Saints", "Kiro") if a in page]

    # the leaderboard: every one of the artist's releases, no other
    dash_duo.driver.get(base + "/dashboard?view=leaderboard&period=90d")
    dash_duo.wait_for_element("#dash-leaderboard-table tbody tr", timeout=20)
    wait_until(
        lambda: len(dash_duo.find_elements("#dash-leaderboard-table tbody tr")) == len(mine),
        message="the artist's releases ranked",
    )
    ranked = _texts(dash_duo, "#dash-leaderboard-table .lb-link")
    assert {t for t in mine if any(t in r for r in ranked)} == mine
    assert not [t for t in theirs if any(t in r for r in ranked)]

    # another artist's release in the URL is an unknown one, in the same words
    other = next(r for r in rows if r["artist_name"] != MINE)
    dash_duo.driver.get(base + f"/dashboard?release={other['id']}&period=90d")
    said = dash_duo.wait_for_element("#dash-url-problems", timeout=20).text
    assert f"release {other['id']} does not exist (it may have been deleted)" in said
    assert other["title"] not in dash_duo.find_element("body").text
