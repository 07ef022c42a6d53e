"""Helpers for dash_duo tests: act on Dash 4 components the way a person does."""

from __future__ import annotations

import time

from selenium.webdriver.common.by import By


def pick(dash_duo, dropdown_id: str, text: str, *, timeout: float = 10) -> None:
    """Open a dcc.Dropdown, type ``text`` in its search box, click the first matching option."""
    dash_duo.wait_for_element(f"#{dropdown_id}").click()
    search = dash_duo.wait_for_element(".dash-dropdown-content input.dash-dropdown-search")
    search.send_keys(text)
    deadline = time.time() + timeout
    while time.time() < deadline:
        options = dash_duo.driver.find_elements(
            By.CSS_SELECTOR, ".dash-dropdown-content .dash-dropdown-option"
        )
        for option in options:
            try:
                if text.lower() in option.text.lower():
                    option.click()
                    _close(dash_duo, dropdown_id)
                    return
            except Exception:  # the list re-rendered under us; look again
                break
        time.sleep(0.2)
    raise AssertionError(f"no option containing {text!r} in #{dropdown_id}")


def _close(dash_duo, dropdown_id: str) -> None:
    button = dash_duo.find_element(f"#{dropdown_id}")
    if button.get_attribute("aria-expanded") == "true":
        dash_duo.driver.find_element(By.TAG_NAME, "body").send_keys("\ue00c")  # Escape


def dropdown_text(dash_duo, dropdown_id: str) -> str:
    return dash_duo.find_element(f"#{dropdown_id}-value").text


def graph_traces(dash_duo, graph_id: str) -> list[dict] | None:
    """The traces a dcc.Graph currently draws: name, x and y as the browser has them.

    ``_fullData`` holds decoded arrays; ``data`` may hold Plotly's base64 typed-array form.
    """
    return dash_duo.driver.execute_script(
        "const g = document.querySelector(arguments[0] + ' .js-plotly-plot');"
        "return g && g._fullData ? g._fullData.map(t => ({name: t.name, x: Array.from(t.x || []),"
        " y: Array.from(t.y || [])})) : null;",
        f"#{graph_id}",
    )


def graph_markers(dash_duo, graph_id: str, name: str) -> list[dict]:
    """The markers (layout annotations) named ``name`` a dcc.Graph draws: x and hover text.

    Notes and approval dates are layout annotations, not traces (see perfdash.ui.figures.insights), so
    ``graph_traces`` does not see them; this reads the drawn layout the same way.
    """
    return (
        dash_duo.driver.execute_script(
            "const g = document.querySelector(arguments[0] + ' .js-plotly-plot');"
            "if (!g || !g._fullLayout) return [];"
            "return (g._fullLayout.annotations || []).filter(a => a.name === arguments[1])"
            ".map(a => ({x: a.x, text: a.hovertext}));",
            f"#{graph_id}",
            name,
        )
        or []
    )


def wait_until(condition, *, timeout: float = 10, message: str = "condition") -> None:
    """Poll ``condition`` until it is truthy (dash_duo has no generic wait)."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            if condition():
                return
        except Exception as exc:  # the page is mid-render
            last = exc
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {message}" + (f" ({last})" if last else ""))
