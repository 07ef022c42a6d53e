"""Share links in headless Chromium with no cookie: the link shows its view and nothing else;
other pages, other releases and the API refuse it; revoked and expired links say so; an
embedded link has no navigation; an editor makes a link from the dashboard."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa
from auth_helpers import callback_body
from browser import wait_until
from conftest import free_port
from selenium.webdriver.common.keys import Keys

from perfdash import auth, create_app, demo, shares, store
from perfdash.config import Settings
from perfdash.migrations import upgrade
from perfdash.schema import share_links

SECRET = "share-browser-secret-0123456789-abcdefghij"
PASSWORD = "editor password 123"


class Served(tuple):
    """(engine, base URL), with the app for building callback bodies."""

    def __new__(cls, engine, base, app):
        made = super().__new__(cls, (engine, base))
        made.app = app
        return made


@pytest.fixture
def served(tmp_path, dash_duo):
    url = f"sqlite:///{tmp_path / 'share.sqlite3'}"
    engine = store.make_engine(url)
    upgrade(engine)
    demo.load(engine)
    auth.add_user(engine, "eddie", PASSWORD, "editor")
    app = create_app(
        Settings(database_url=url, auth="required", secret_key=SECRET, tz="UTC"), engine=engine
    )
    port = free_port()
    dash_duo.start_server(app, navigate=False, port=port)
    yield Served(engine, f"http://localhost:{port}", app)
    engine.dispose()


def _release(engine, key):
    return store.get_release_by_key(engine, key)


def _make(engine, view, expires=None):
    _, token = shares.create(engine, view, expires, created_by="eddie", tz="UTC")
    return token


def _forget_session(dash_duo) -> None:
    """The browser of a fresh visitor: leave the signed-in page for a blank one (no request
    of it still in flight, and no favicon fetch, can set the session cookie again), then
    drop every cookie the browser holds."""
    dash_duo.driver.get("about:blank")
    dash_duo.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    cookies = dash_duo.driver.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]
    assert cookies == [], cookies


def _browser_fetch(dash_duo, path, body=None, token=None):
    """A request from the page's own JavaScript (what a curious visitor can send)."""
    return dash_duo.driver.execute_async_script(
        "const [path, body, token, done] = arguments;"
        "const init = body ? {method: 'POST', body: JSON.stringify(body),"
        " headers: {'Content-Type': 'application/json'}} : {};"
        "fetch(path, init).then(r => r.text().then(t => done([r.status, t])));",
        path,
        body,
        token,
    )


def test_a_link_shows_its_view_and_nothing_else(served, dash_duo, tmp_path):
    engine, base = served
    mine = _release(engine, "demo-001")
    other = _release(engine, "demo-002")
    token = _make(engine, f"/dashboard?release={mine['id']}&period=28d")

    dash_duo.driver.get(f"{base}/share/{token}")
    dash_duo.wait_for_element("#dash-kpis .perfdash-kpi-grid", timeout=20)
    assert not dash_duo.driver.get_cookies()  # no account, no cookie
    assert "read-only" in dash_duo.find_element("#share-bar").text
    assert not dash_duo.driver.find_elements("css selector", "#nav-entry, #nav-admin, #share-open")
    assert not dash_duo.driver.find_elements("css selector", ".dash-tab-leaderboard")
    assert not dash_duo.driver.find_elements("css selector", "#ann-add")
    picker = dash_duo.find_element("#dash-release")
    assert mine["title"] in picker.text and other["title"] not in picker.text
    wait_until(
        lambda: dash_duo.driver.execute_script(
            "const g = document.querySelector('#dash-series .js-plotly-plot');"
            "return g && g._fullData && g._fullData.length > 0;"
        ),
        timeout=20,
        message="the chart draws",
    )
    dash_duo.driver.save_screenshot(str(tmp_path / "share.png"))
    dash_duo.driver.set_window_size(390, 900)
    dash_duo.driver.save_screenshot(str(tmp_path / "share-390.png"))
    dash_duo.driver.set_window_size(1280, 1000)
    assert not dash_duo.driver.find_elements("css selector", "#page-error.show")

    # from the link's own page: another release is refused, the API and other pages too
    crafted = callback_body(
        served.app,  # the fixture's value
        "callbacks.render_view",
        {
            "dash-release.value": [other["id"]],
            "dash-period.value": "28d",
            "dash-view.active_tab": "release",
        },
        ["dash-release.value"],
    )
    status, text = _browser_fetch(dash_duo, "/_dash-update-component", crafted)
    assert status == 403 and "names a release this link does not show" in text
    assert other["title"] not in text
    status, text = _browser_fetch(dash_duo, "/api/v1/releases")
    assert status == 403 and "no API" in text
    status, _ = _browser_fetch(dash_duo, "/_dash-layout")
    assert status == 200  # the link's own frame
    assert httpx.get(base + "/api/v1/releases").status_code == 401  # no cookie, no token

    # another page in the same browser: the sign-in form, nothing of the catalog
    dash_duo.driver.get(f"{base}/dashboard?release={other['id']}")
    dash_duo.wait_for_element("#login-form")
    dash_duo.driver.get(f"{base}/entry")
    dash_duo.wait_for_element("#login-form")


def test_embedded_link_has_no_navigation(served, dash_duo, tmp_path):
    engine, base = served
    mine = _release(engine, "demo-001")
    token = _make(engine, f"/dashboard?release={mine['id']}&period=90d")
    dash_duo.driver.get(f"{base}/share/{token}?embed=1")
    dash_duo.wait_for_element("#dash-kpis .perfdash-kpi-grid", timeout=20)
    assert not dash_duo.driver.find_elements("css selector", "#share-bar, .navbar")
    dash_duo.driver.save_screenshot(str(tmp_path / "embed.png"))


def test_revoked_and_expired_links_say_so(served, dash_duo):
    engine, base = served
    mine = _release(engine, "demo-001")
    revoked = _make(engine, f"/dashboard?release={mine['id']}")
    store.revoke_share_link(engine, store.list_share_links(engine)[0]["id"])
    dash_duo.driver.get(f"{base}/share/{revoked}")
    message = dash_duo.wait_for_element("#error-message").text
    assert message == "This share link was revoked. Ask whoever sent it for a new one."

    expired = _make(engine, f"/dashboard?release={mine['id']}", "2030-01-01")
    with engine.begin() as conn:  # the clock moved on: the link's day came
        conn.execute(
            sa.update(share_links)
            .where(share_links.c.revoked_at.is_(None))
            .values(expires_at=(datetime.now(UTC) - timedelta(hours=1)).replace(tzinfo=None))
        )
    dash_duo.driver.get(f"{base}/share/{expired}")
    assert "This share link expired on" in dash_duo.wait_for_element("#error-message").text
    dash_duo.driver.get(f"{base}/share/pds_made-up")
    assert "does not exist" in dash_duo.wait_for_element("#error-message").text


def test_an_editor_makes_a_link_from_the_dashboard(served, dash_duo):
    engine, base = served
    mine = _release(engine, "demo-001")
    dash_duo.driver.get(base + f"/login?next=/dashboard?release={mine['id']}%26period=28d")
    dash_duo.wait_for_element("#login-form")
    dash_duo.find_element("#username").send_keys("eddie")
    dash_duo.find_element("#password").send_keys(PASSWORD)
    dash_duo.find_element("#login-submit").click()
    dash_duo.wait_for_element("#dash-kpis .perfdash-kpi-grid", timeout=20)
    dash_duo.wait_for_element("#share-open").click()
    dash_duo.wait_for_element("#share-table-empty", timeout=20)
    dash_duo.find_element("#share-expires").send_keys("2020-01-01")
    dash_duo.find_element("#share-create").click()
    assert "is not in the future" in dash_duo.wait_for_element("#share-failed").text
    dash_duo.find_element("#share-expires").send_keys(Keys.CONTROL, "a", Keys.BACKSPACE)
    dash_duo.find_element("#share-create").click()
    url = dash_duo.wait_for_element("#share-url").get_attribute("value")
    assert url.startswith(base + "/share/pds_")
    assert "?embed=1" in dash_duo.find_element("#share-embed").text
    dash_duo.wait_for_element("#share-table .share-state")
    [link] = store.list_share_links(engine, created_by="eddie")
    assert link["release_ids"] == [mine["id"]] and "period=28d" in link["view"]
    assert url.rsplit("/", 1)[1] not in json.dumps(link, default=str)  # only its hash is kept
    dash_duo.find_element(f'#share-table [data-share="{link["id"]}"] button').click()
    dash_duo.wait_for_element("#share-revoked")
    assert store.get_share_link(engine, link["id"])["revoked_at"] is not None


def _sign_in(dash_duo, base, next_path):
    dash_duo.driver.get(base + "/login?next=" + next_path)
    dash_duo.wait_for_element("#login-form")
    dash_duo.find_element("#username").send_keys("eddie")
    dash_duo.find_element("#password").send_keys(PASSWORD)
    dash_duo.find_element("#login-submit").click()


def test_an_editor_shares_an_artist_and_the_link_opens_with_no_cookie(served, dash_duo, tmp_path):
    engine, base = served
    _sign_in(dash_duo, base, "/artists?artist=Nova%20Vale%26period=90d")
    assert "Nova Vale" in dash_duo.wait_for_element("#art-name", timeout=20).text
    dash_duo.wait_for_element("#share-open").click()
    dash_duo.wait_for_element("#share-table-empty", timeout=20)
    wait_until(
        lambda: "this artist's releases" in dash_duo.find_element("#share-modal").text, timeout=20
    )
    dash_duo.find_element("#share-create").click()
    url = dash_duo.wait_for_element("#share-url").get_attribute("value")
    assert url.startswith(base + "/share/pds_")
    [link] = store.list_share_links(engine, created_by="eddie")
    assert link["view"] == "/artists?artist=Nova+Vale&period=90d&metric=views"

    _forget_session(dash_duo)  # a fresh visitor: no session, no account
    dash_duo.driver.get(url)
    assert "Nova Vale" in dash_duo.wait_for_element("#art-name", timeout=20).text
    assert not dash_duo.driver.get_cookies()
    assert "this artist" in dash_duo.find_element("#share-bar").text
    assert not dash_duo.driver.find_elements("css selector", "#share-open, #nav-entry")
    rows = dash_duo.driver.find_elements("css selector", ".art-release")
    nova = {r["id"] for r in store.search_releases(engine, "Nova Vale")}
    assert rows and {int(r.get_attribute("data-release")) for r in rows} <= nova
    assert dash_duo.find_element("#art-artist").text.strip().startswith("Nova Vale")
    assert not dash_duo.driver.find_elements("css selector", "#page-error.show")
    dash_duo.driver.save_screenshot(str(tmp_path / "artist-link.png"))


def test_a_tags_overview_is_shared_from_its_button_and_opens_alone(served, dash_duo, tmp_path):
    engine, base = served
    _sign_in(dash_duo, base, "/overview")
    dash_duo.wait_for_element("#ov-kpis .ov-kpi", timeout=20)
    assert not dash_duo.find_element("#share-open").is_displayed()  # the catalog: no link
    dash_duo.select_dcc_dropdown("#ov-tag", value="summer-campaign (5)")
    wait_until(
        lambda: dash_duo.find_element("#share-open").is_displayed(),
        timeout=20,
        message="the share button shows once a tag is chosen",
    )
    dash_duo.find_element("#share-open").click()
    dash_duo.wait_for_element("#share-table-empty", timeout=20)
    dash_duo.find_element("#share-create").click()
    url = dash_duo.wait_for_element("#share-url").get_attribute("value")
    [link] = store.list_share_links(engine, created_by="eddie")
    assert link["view"] == "/overview?tag=summer-campaign&period=28d"

    _forget_session(dash_duo)
    dash_duo.driver.get(url)
    when = dash_duo.wait_for_element("#ov-when", timeout=20)
    wait_until(lambda: "Tag summer-campaign (5 releases)" in when.text, timeout=20)
    assert not dash_duo.driver.get_cookies()
    tagged = set(store.tagged_release_ids(engine, "summer-campaign"))
    listed = dash_duo.driver.find_elements("css selector", ".ov-top-item, .ov-riser")
    assert listed and {int(li.get_attribute("data-release")) for li in listed} <= tagged
    assert not dash_duo.driver.find_elements("css selector", "#ov-alerts, #ov-stale, .ov-link")
    assert not dash_duo.driver.find_elements("css selector", "#page-error.show")
    wait_until(
        lambda: dash_duo.driver.execute_script(
            "const g = document.querySelector('#ov-chart .js-plotly-plot');"
            "return g && g._fullData && g._fullData.length > 0;"
        ),
        timeout=20,
        message="the tag's chart draws",
    )
    dash_duo.driver.set_window_size(1280, 1400)
    dash_duo.driver.save_screenshot("/tmp/tagshare-tag-link.png")
    dash_duo.driver.save_screenshot(str(tmp_path / "tag-link.png"))
