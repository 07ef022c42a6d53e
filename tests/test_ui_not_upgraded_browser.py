"""A page opened on a database perfdash never upgraded says so and what to run, in the outage
banner, instead of "Database unavailable" (the store's DatabaseNotUpgradedError, a 503 whose
answer carries the words, read by assets/session.js)."""

from __future__ import annotations

import time

from perfdash import create_app
from perfdash.config import Settings

TIMEOUT = 30


def outage_text(dash_duo) -> str:
    return dash_duo.driver.execute_script(
        "const b = document.getElementById('page-outage');"
        "return b && b.offsetParent !== null ? b.innerText.trim() : '';"
    )


def test_the_banner_names_the_missing_tables_and_the_cure(dash_duo, tmp_path):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'never.sqlite3'}", auth="off"))
    port = __import__("conftest").free_port()
    dash_duo.start_server(app, navigate=False, port=port)
    dash_duo.driver.get(f"http://localhost:{port}/entry")
    deadline = time.time() + TIMEOUT
    while time.time() < deadline and "perfdash db upgrade" not in outage_text(dash_duo):
        time.sleep(0.2)
    text = outage_text(dash_duo)
    assert text.startswith("The database has no perfdash tables"), text
    assert "run `perfdash db upgrade`" in text
    assert "Database unavailable" not in text and "no such table" not in text
    dash_duo.driver.save_screenshot(str(tmp_path / "not-upgraded.png"))
    __import__("shutil").copy(tmp_path / "not-upgraded.png", "/tmp/perfdash-not-upgraded.png")
