"""Cold page loads and interactions in headless Chromium, timed by the page itself.

Each load is a new Chromium with an empty profile (nothing cached).  Before the page's own
scripts run, ``PROBE`` (added through the DevTools protocol, so the page's CSP does not apply)
wraps ``fetch`` to count Dash's callback requests and note when each answer was read, notes
when each chart first drew a trace, and hooks every Plotly graph's ``plotly_afterplot``.  Times
are ``performance.now()``: milliseconds since the navigation started.  Bytes come from
Chromium's performance log: ``Network.loadingFinished.encodedDataLength`` is what crossed the
wire (headers and compressed bodies), ``Network.dataReceived.dataLength`` the decoded bodies.
When the first view is complete, Chromium's own ``Performance.getMetrics`` says how long the
page ran script and laid out (style and layout), and the page how many elements it holds.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CALLBACK_PATH = "_dash-update-component"
QUIET_MS = 500  # no callback in flight for this long: the view is complete

PROBE = """
(() => {
  const b = window.__bench = {fetches: 0, inflight: 0, lastFetchEnd: 0, firstChart: null,
                              lastClick: null, plots: {}, drawnAt: {}};
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : (input && input.url) || '';
    const p = fetch0.apply(this, arguments);
    if (!url.includes('CALLBACK_PATH')) return p;
    b.fetches++; b.inflight++;
    const done = () => { b.inflight--; b.lastFetchEnd = performance.now(); };
    return p.then(r => { r.clone().arrayBuffer().then(done, done); return r; },
                  e => { done(); throw e; });
  };
  document.addEventListener('click', () => { b.lastClick = performance.now(); }, true);
  const tick = () => {
    document.querySelectorAll('.js-plotly-plot').forEach(gd => {
      const holder = gd.closest('[id]');
      const id = holder ? holder.id : '?';
      if (!gd.__benchHooked && typeof gd.on === 'function') {
        gd.__benchHooked = true;
        b.plots[id] = b.plots[id] || [];
        gd.on('plotly_afterplot', () => b.plots[id].push(performance.now()));
      }
      if (!(id in b.drawnAt) && gd.querySelector('.trace')) {
        b.drawnAt[id] = performance.now();
        if (b.firstChart === null) b.firstChart = b.drawnAt[id];
      }
    });
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
""".replace("CALLBACK_PATH", CALLBACK_PATH)

STATE = """
const b = window.__bench || {};
const drawn = {};
document.querySelectorAll('.js-plotly-plot').forEach(gd => {
  const holder = gd.closest('[id]');
  drawn[holder ? holder.id : '?'] = gd.querySelectorAll('.trace').length;
});
return {now: performance.now(), fetches: b.fetches, inflight: b.inflight,
        lastFetchEnd: b.lastFetchEnd, firstChart: b.firstChart, lastClick: b.lastClick,
        plots: b.plots, drawnAt: b.drawnAt, drawn: drawn};
"""


@dataclass
class Load:
    """One cold load and the interactions made on it."""

    first_chart_ms: float
    view_complete_ms: float
    callback_requests: int
    transfer_bytes: int
    decoded_bytes: int
    requests: int
    dash_table_requests: int
    charts_drawn: int
    dom_elements: int = 0
    script_ms: float = 0.0
    layout_ms: float = 0.0
    interactions_ms: list[float] = field(default_factory=list)


def chromium() -> webdriver.Chrome:
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Performance.enable", {})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
    return driver


def browser_version() -> str:
    driver = chromium()
    try:
        return driver.capabilities.get("browserVersion", "")
    finally:
        driver.quit()


def _state(driver: webdriver.Chrome) -> dict[str, Any]:
    return driver.execute_script(STATE)


def _wait(driver, done, *, timeout: float, what: str) -> dict[str, Any]:
    deadline = time.time() + timeout
    while True:
        state = _state(driver)
        if done(state):
            return state
        if time.time() > deadline:
            raise TimeoutError(f"{what}: not done after {timeout:.0f} s; page state {state}")
        time.sleep(0.05)


def _quiet(state: dict[str, Any]) -> bool:
    return state["inflight"] == 0 and state["now"] - state["lastFetchEnd"] >= QUIET_MS


def _network(driver: webdriver.Chrome) -> dict[str, int]:
    """Bytes and requests in the performance log since it was last read."""
    urls: dict[str, str] = {}
    encoded = decoded = 0
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        method, params = message.get("method"), message.get("params", {})
        if method == "Network.requestWillBeSent":
            urls[params["requestId"]] = params["request"]["url"]
        elif method == "Network.loadingFinished":
            encoded += int(params.get("encodedDataLength", 0))
        elif method == "Network.dataReceived":
            decoded += int(params.get("dataLength", 0))
    return {
        "transfer_bytes": encoded,
        "decoded_bytes": decoded,
        "requests": len(urls),
        "dash_table_requests": sum("dash_table" in u for u in urls.values()),
    }


def _work(driver: webdriver.Chrome) -> dict[str, Any]:
    """What the page made the browser do so far: script and layout time, elements held."""
    found = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    seconds = {m["name"]: m["value"] for m in found}
    return {
        "dom_elements": int(
            driver.execute_script("return document.getElementsByTagName('*').length;")
        ),
        "script_ms": round(1000 * seconds.get("ScriptDuration", 0.0), 1),
        "layout_ms": round(
            1000 * (seconds.get("LayoutDuration", 0.0) + seconds.get("RecalcStyleDuration", 0.0)), 1
        ),
    }


def cold_load(
    url: str,
    charts: list[str],
    clicks: list[tuple[str, str]],
    *,
    timeout: float = 120,
) -> Load:
    """Open ``url`` in a new Chromium; the view is complete when every graph in ``charts`` drew
    a trace and no callback has been in flight for ``QUIET_MS``.  Then each ``(group id,
    label)`` of ``clicks`` is clicked, timed until every chart redrew and the callbacks are
    quiet."""
    driver = chromium()
    try:
        driver.get(url)
        state = _wait(
            driver,
            lambda s: all(s["drawn"].get(c, 0) > 0 for c in charts) and _quiet(s),
            timeout=timeout,
            what=f"first view of {url}",
        )
        net = _network(driver)
        work = _work(driver)
        drawn_at = [max([state["drawnAt"][c], *state["plots"].get(c, [])]) for c in charts]
        load = Load(
            first_chart_ms=round(state["firstChart"], 1),
            view_complete_ms=round(max([state["lastFetchEnd"], *drawn_at]), 1),
            callback_requests=state["fetches"],
            charts_drawn=sum(state["drawn"].get(c, 0) > 0 for c in charts),
            **net,
            **work,
        )
        for group, label in clicks:
            load.interactions_ms.append(_interact(driver, charts, group, label, timeout))
        return load
    finally:
        driver.quit()


def _interact(driver, charts: list[str], group: str, label: str, timeout: float) -> float:
    element = driver.find_element(
        By.XPATH, f"//*[@id='{group}']//label[normalize-space()='{label}']"
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    before = _state(driver)["now"]
    element.click()

    def redrawn(s: dict[str, Any]) -> bool:
        clicked = s["lastClick"] or 0
        return (
            clicked > before
            and all(any(t > clicked for t in s["plots"].get(c, [])) for c in charts)
            and _quiet(s)
        )

    state = _wait(driver, redrawn, timeout=timeout, what=f"{label} in #{group}")
    clicked = state["lastClick"]
    last_draw = max(max(t for t in state["plots"][c] if t > clicked) for c in charts)
    end = max(last_draw, state["lastFetchEnd"])
    return round(end - clicked, 1)
