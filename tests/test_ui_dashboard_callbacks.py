"""The dashboard's data callbacks called as the renderer calls them (Flask test client), on
SQLite and PostgreSQL: what they answer for numbers at the edge of what may be stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from auth_helpers import VIEW_CALLBACK, call_callback, view_values

from perfdash import create_app, store
from perfdash.config import Settings
from perfdash.ingest.readings import record_readings

BIG = 2**63 - 1


def _texts(node) -> list[str]:
    """Every string in a rendered component tree (what the page would show)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    if isinstance(node, dict):
        return _texts(node.get("props", {}).get("children")) if "props" in node else []
    return []


def test_the_documented_maximum_shows_numbers_not_the_error_banner(db_url, engine):
    now = datetime.now(UTC)
    rid = store.create_release(engine, "max-1", title="Maximum")
    result = record_readings(
        engine,
        [
            {
                "release_id": rid,
                "platform": "YouTube",
                "metric_type": "views",
                "metric_value": BIG,
                "recorded_at": (now - timedelta(days=60)).isoformat(),
            },
            {
                "release_id": rid,
                "platform": "Spotify",
                "metric_type": "views",
                "metric_value": 5,
                "recorded_at": (now - timedelta(days=2)).isoformat(),
            },
        ],
        source="api",
    )
    assert result.written == 2
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    client = app.server.test_client()
    query = f"?release={rid}&period=28d"

    response = call_callback(client, app, VIEW_CALLBACK, view_values(query))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    answer = json.loads(response.get_data(as_text=True))["response"]
    kpis = answer["dash-kpis"]["children"]
    text = " ".join(_texts(kpis))
    assert "views" in text
    assert "9,223,372,036,854,775,812" in text  # the exact sum, past 2^63 - 1
    assert "+0" in text  # nothing gained: YouTube before the period, Spotify's first reading
    assert "error" not in text.lower() and "request id" not in text.lower()

    # the page's controls add the metric they chose: the bars and the share then have numbers
    response = call_callback(client, app, VIEW_CALLBACK, view_values(query + "&metric=views"))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    answer = json.loads(response.get_data(as_text=True))["response"]
    bar = next(t for t in answer["dash-bars"]["figure"]["data"] if t.get("type") == "bar")
    assert sorted(bar["customdata"]) == ["0", "0"]
    assert sorted(bar["x"]) == ["Spotify", "YouTube"]

    response = call_callback(client, app, VIEW_CALLBACK, view_values(query))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
