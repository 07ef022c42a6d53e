"""A share link embedded in another site's page, in headless Chromium: an origin listed in
PERFDASH_EMBED_ORIGINS shows the view inside its iframe; any other origin gets nothing (the
browser itself refuses the frame on the app's frame-ancestors answer)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
from browser import wait_until
from conftest import free_port

from perfdash import create_app, demo, shares, store
from perfdash.config import Settings
from perfdash.migrations import upgrade

SECRET = "embed-browser-secret-0123456789-abcdefghij"


def _host(port: int, frame_url: str) -> http.server.ThreadingHTTPServer:
    """Another site on its own origin: one page holding the share link in an iframe."""
    page = (
        "<!doctype html><title>Label intranet</title><h1>Weekly numbers</h1>"
        f'<iframe id="perfdash" src="{frame_url}" width="1100" height="900"></iframe>'
    ).encode()

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def embedded(tmp_path, dash_duo) -> Iterator[dict]:
    allowed_port, other_port, app_port = free_port(), free_port(), free_port()
    url = f"sqlite:///{tmp_path / 'embed.sqlite3'}"
    engine = store.make_engine(url)
    upgrade(engine)
    demo.load(engine)
    settings = Settings(
        database_url=url,
        auth="required",
        secret_key=SECRET,
        tz="UTC",
        embed_origins=(f"http://127.0.0.1:{allowed_port}",),
    )
    app = create_app(settings, engine=engine)
    dash_duo.start_server(app, navigate=False, port=app_port)
    release = store.get_release_by_key(engine, "demo-001")
    _, token = shares.create(
        engine, f"/dashboard?release={release['id']}&period=28d", None, created_by="eddie", tz="UTC"
    )
    frame = f"http://localhost:{app_port}/share/{token}?embed=1"
    hosts = [_host(allowed_port, frame), _host(other_port, frame)]
    yield {
        "allowed": f"http://127.0.0.1:{allowed_port}/",
        "other": f"http://127.0.0.1:{other_port}/",
        "title": release["title"],
    }
    for host in hosts:
        host.shutdown()
    engine.dispose()


def _frame_shows_kpis(dash_duo) -> bool:
    driver = dash_duo.driver
    driver.switch_to.default_content()
    driver.switch_to.frame(driver.find_element("css selector", "#perfdash"))
    try:
        return bool(driver.find_elements("css selector", "#dash-kpis .perfdash-kpi-grid"))
    finally:
        driver.switch_to.default_content()


def test_an_allowed_origin_shows_the_view_in_its_iframe(embedded, dash_duo, tmp_path):
    dash_duo.driver.get(embedded["allowed"])
    wait_until(lambda: _frame_shows_kpis(dash_duo), timeout=30, message="the embed draws")
    driver = dash_duo.driver
    driver.switch_to.frame(driver.find_element("css selector", "#perfdash"))
    wait_until(
        lambda: embedded["title"] in driver.find_element("css selector", "#dash-release").text
    )
    assert not driver.find_elements("css selector", ".navbar, #share-bar, #nav-entry")
    driver.switch_to.default_content()
    driver.save_screenshot(str(tmp_path / "embedded.png"))


def test_another_origin_gets_no_frame(embedded, dash_duo):
    dash_duo.driver.get(embedded["allowed"])  # the same link draws where it is allowed ...
    wait_until(lambda: _frame_shows_kpis(dash_duo), timeout=30, message="the embed draws")
    dash_duo.driver.get(embedded["other"])  # ... and not on a site the setting does not name
    dash_duo.wait_for_text_to_equal("h1", "Weekly numbers")
    for _ in range(10):  # a refused frame stays empty however long the page waits
        assert not _frame_shows_kpis(dash_duo)
        threading.Event().wait(0.5)
