"""The load test's dashboard view sends what a browser sends: the same callback requests, as
many of each, recorded by the server for Chromium and then for ``loadtest/dash_client.py``."""

from __future__ import annotations

import asyncio
import importlib.util
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from flask import request

RUN = Path(__file__).resolve().parents[1] / "loadtest" / "run.py"
TIMEOUT = 30
QUIET = 2.0  # seconds without a callback request: the browser's view is complete


def load_run():
    spec = importlib.util.spec_from_file_location("perfdash_loadtest_browser", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def recorded_outputs(app) -> list[str]:
    """The output spec of every callback request the app answers, in order."""
    seen: list[str] = []

    @app.server.before_request
    def _record():
        if request.path == "/_dash-update-component" and request.method == "POST":
            seen.append((request.get_json(silent=True) or {}).get("output", "?"))

    return seen


def wait_quiet(seen: list[str]) -> None:
    deadline = time.time() + TIMEOUT
    count, since = len(seen), time.time()
    while time.time() < deadline:
        time.sleep(0.2)
        if len(seen) != count:
            count, since = len(seen), time.time()
        elif count and time.time() - since >= QUIET:
            return
    raise AssertionError(f"callbacks never went quiet: {seen}")


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/dashboard?release=3&period=28d", "#dash-series .trace"),
        ("/dashboard?view=leaderboard", "#dash-leaderboard-table"),
    ],
)
def test_the_dashboard_view_sends_what_the_browser_sends(
    demo_app, start_app, dash_duo, path, shown
):
    dash_client = load_run().dash_client
    seen = recorded_outputs(demo_app)
    base = start_app(demo_app, "/")
    wait_quiet(seen)  # dash_duo opened "/" first: its requests are not this view's
    seen.clear()
    dash_duo.driver.get(base + path)
    dash_duo.wait_for_element(shown, timeout=TIMEOUT)
    wait_quiet(seen)
    browser = list(seen)
    seen.clear()

    async def emulate():
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            return await dash_client.show(client, path)

    view = asyncio.run(emulate())
    assert view.failures == []
    assert Counter(seen) == Counter(browser)
    assert Counter(view.requests) == Counter(browser)
    # the view's data callbacks are among them (the KPIs, the chart, the records, the board)
    wanted = "dash-leaderboard.children" if "leaderboard" in path else "dash-series.figure"
    assert any(wanted in output for output in browser)
