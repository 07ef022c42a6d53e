"""Helpers for tests that sign in or call Dash callbacks over HTTP (no browser).

``login(client, name, password)`` works with a Flask test client and with an ``httpx.Client``
pointed at a running server (``base_url`` set): it reads the CSRF token from the form and
posts it, like a browser.  ``call_callback`` sends the JSON a Dash renderer would send.
"""

from __future__ import annotations

import json
import re
from typing import Any

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _text(response) -> str:
    return response.text if hasattr(response, "text") else response.get_data(as_text=True)


def login(client, username: str, password: str, next_path: str = "/dashboard"):
    """Sign in through the HTML form; returns the POST's response (302 on success)."""
    page = client.get("/login")
    match = _CSRF.search(_text(page))
    assert match, "the login page has no CSRF token"
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": match.group(1),
            "next": next_path,
        },
    )


def callback_for(app, name: str) -> tuple[str, dict[str, Any]]:
    """The callback_map entry whose Python function is called ``name`` (module.function)."""
    found = []
    for key, entry in app.callback_map.items():
        func = entry.get("callback")
        func = getattr(func, "__wrapped__", func)
        if func is None:  # a clientside callback
            continue
        if f"{func.__module__}.{func.__name__}".endswith(name):
            found.append((key, entry))
    assert len(found) == 1, f"{len(found)} callbacks match {name!r}"
    return found[0]


def _spec(item: dict[str, Any], values: dict[str, Any]) -> Any:
    key = f"{item['id']}.{item['property']}"
    if item["id"].startswith("{"):  # a pattern-matching (ALL) input: a list of specs
        return values.get(key, [])
    return {"id": item["id"], "property": item["property"], "value": values.get(key)}


def pattern_id(type_: str, index: Any) -> str:
    """The renderer's string form of a dict id, as used in changedPropIds."""
    return json.dumps({"index": index, "type": type_}, sort_keys=True, separators=(",", ":"))


def pattern_input(type_: str, index: Any, prop: str = "n_clicks", value: Any = 1) -> list:
    """One matching component's value for an ALL input (e.g. a row's delete button)."""
    return [{"id": {"index": index, "type": type_}, "property": prop, "value": value}]


def call_callback(client, app, name: str, values: dict[str, Any], changed: list[str] | None = None):
    """POST one callback like the renderer does; ``values`` maps "id.prop" to a value."""
    return client.post("/_dash-update-component", json=callback_body(app, name, values, changed))


def callback_body(
    app, name: str, values: dict[str, Any], changed: list[str] | None = None
) -> dict[str, Any]:
    """The JSON body the renderer posts for one callback (see ``call_callback``)."""
    key, entry = callback_for(app, name)
    outputs = [
        {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
        for part in (key.strip(".").split("...") if key.startswith("..") else [key])
    ]
    inputs = [_spec(i, values) for i in entry["inputs"]]
    body = {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": inputs,
        "state": [_spec(s, values) for s in entry["state"]],
        # by default every plain input changed (a pattern input is a list: name it in ``changed``)
        "changedPropIds": changed
        or [f"{i['id']}.{i['property']}" for i in inputs if isinstance(i, dict)],
    }
    return body


VIEW_CALLBACK = "callbacks.render_view"  # the dashboard's one callback for every change


def view_values(query: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The dashboard view callback's inputs as a page built for the URL ``query`` holds them
    (a preset's dates are the callback's to fill in), with ``extra`` "id.prop" values."""
    from perfdash.ui.pages.dashboard.state import view_of

    state = view_of(query)
    values: dict[str, Any] = {
        "dash-release.value": list(state.releases),
        "dash-period.value": state.period,
        "dash-range.start_date": state.start.isoformat() if state.start else None,
        "dash-range.end_date": state.end.isoformat() if state.end else None,
        "dash-compare.value": state.compare,
        "dash-platform.value": list(state.platforms),
        "dash-metric.value": state.metric,
        "dash-granularity.value": state.granularity,
        "dash-mode.value": state.mode,
        "dash-view.active_tab": state.view,
        "dash-lb-metric.value": state.leaderboard_metric,
        "dash-archived.value": state.archived,
        "dash-forecast.value": str(state.forecast),
        "dash-country.value": state.country,
        "dash-currency.value": state.currency,
        "theme-store.data": "plotly_white",
        "ann-version.data": 0,
    }
    return {**values, **(extra or {})}
