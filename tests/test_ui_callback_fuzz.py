"""Every server callback of the app, each of its inputs and states in turn given a hostile value
(the others empty), posted as the renderer posts it, on SQLite and PostgreSQL: no answer may be
a crash (the "Something went wrong" banner, a 500) or carry the database's own words.  A
callback added later is held to the same, through ``app.callback_map``; the values that must be
refused say so by name (tests/test_ui_inputs.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from perfdash import create_app, store
from perfdash.config import Settings

HOSTILE = [
    None,
    True,
    -1,
    2**63,
    1.5,
    "",
    "abc",
    "plotly_nope",
    "\x00",
    "\ud800",
    ["abc"],
    [1, 2],
    {"a": 1},
    "?release=99999999999&period=28d",
    "1\u00b2",
]
CRASH = ("Something went wrong", "Traceback", "psycopg", "sqlite3", "[SQL", "out of range")


def _spec(item: dict, value):
    if item["id"].startswith("{"):
        pid = {
            k: (1 if v in (["ALL"], ["MATCH"]) else v) for k, v in json.loads(item["id"]).items()
        }
        return [{"id": pid, "property": item["property"], "value": value}]
    return {"id": item["id"], "property": item["property"], "value": value}


@pytest.mark.slow
def test_no_callback_crashes_on_a_hostile_value(db_url, engine):
    rid = store.create_release(engine, "fuzz-1", title="Fuzz", artist_name="Fuzzer")
    now = datetime.now(UTC)
    store.add_performance_metric(
        rid, "YouTube", "views", 2**63 - 1, recorded_at=now - timedelta(days=60), engine=engine
    )
    store.add_performance_metric(
        rid, "Spotify", "views", 5, recorded_at=now - timedelta(days=2), engine=engine
    )
    app = create_app(Settings(database_url=db_url, auth="off"), engine=engine)
    client = app.server.test_client()
    client.get("/dashboard")  # the app finishes registering its callbacks on the first request
    crashed, sent = [], 0
    for key, entry in list(app.callback_map.items()):
        if entry.get("callback") is None:
            continue
        parts = key.strip(".").split("...") if key.startswith("..") else [key]
        outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
        items = [("inputs", i) for i in range(len(entry["inputs"]))]
        items += [("state", i) for i in range(len(entry["state"]))]
        for part, index in items:
            for value in HOSTILE:

                def values(name, chosen=part, at=index, v=value, entry=entry):
                    return [
                        _spec(x, v if (name == chosen and j == at) else None)
                        for j, x in enumerate(entry[name])
                    ]

                body = {
                    "output": key,
                    "outputs": outputs if key.startswith("..") else outputs[0],
                    "inputs": values("inputs"),
                    "state": values("state"),
                    "changedPropIds": [
                        f"{x['id']}.{x['property']}"
                        for x in entry["inputs"]
                        if not x["id"].startswith("{")
                    ][:1],
                }
                data = json.dumps(body).encode("utf-8", "surrogatepass")
                response = client.post(
                    "/_dash-update-component", data=data, content_type="application/json"
                )
                sent += 1
                text = response.get_data(as_text=True)
                if response.status_code >= 500 or any(c in text for c in CRASH):
                    item = entry[part][index]
                    crashed.append((key[:60], f"{item['id']}.{item['property']}", value))
    assert sent > 1000
    assert crashed == [], crashed[:20]
