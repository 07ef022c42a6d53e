"""The data-entry page's polls of a job that is gone or whose process died: said so, and the
poll stops (it used to poll a missing job forever).  Driven as the browser drives them: the
Dash callback requests, found in the server's own dependency list."""

from __future__ import annotations

import time

import pytest

from perfdash import create_app, store
from perfdash.config import Settings


def callback_for(client, input_id: str) -> dict:
    for dep in client.get("/_dash-dependencies").get_json():
        if any(i["id"] == input_id for i in dep["inputs"]):
            return dep
    raise AssertionError(f"no callback on {input_id}")


def call(client, input_id: str, states: dict) -> dict:
    dep = callback_for(client, input_id)
    parts = dep["output"].strip(".").split("...")
    outputs = [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]
    answer = client.post(
        "/_dash-update-component",
        json={
            "output": dep["output"],
            "outputs": outputs,
            "inputs": [{"id": input_id, "property": "n_intervals", "value": 2}],
            "state": [
                {"id": s["id"], "property": s["property"], "value": states.get(s["id"])}
                for s in dep["state"]
            ],
            "changedPropIds": [f"{input_id}.n_intervals"],
        },
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()["response"]


@pytest.fixture
def app(sqlite_url):
    engine = store.make_engine(sqlite_url)
    app = create_app(Settings(database_url=sqlite_url, job_stale_seconds=2), engine=engine)
    yield app
    engine.dispose()


def test_a_missing_import_job_is_said_and_the_poll_stops(app):
    shown = call(app.server.test_client(), "entry-import-poll", {"entry-import-job": "a" * 32})
    assert shown["entry-import-poll"]["disabled"] is True
    assert "no longer known" in str(shown["entry-import-result"]["children"])


def test_a_dead_import_job_is_said_and_the_poll_stops(app):
    ctx = app.server.extensions["perfdash"]["jobs"]
    job_id, _ = store.create_job(ctx.jobs_engine, kind="import", executor="celery", params={})
    assert store.claim_job(ctx.jobs_engine, job_id, "gone:1", stale_before=ctx.stale_before())
    client = app.server.test_client()
    running = call(client, "entry-import-poll", {"entry-import-job": job_id})
    assert running["entry-import-poll"]["disabled"] is False  # alive: keep polling
    time.sleep(2.2)  # its heartbeat stops
    shown = call(client, "entry-import-poll", {"entry-import-job": job_id})
    assert shown["entry-import-poll"]["disabled"] is True
    assert "process died" in str(shown["entry-import-result"]["children"])


def test_collect_now_says_a_missing_or_dead_job_and_stops(app):
    client = app.server.test_client()
    shown = call(client, "collect-now-poll", {"collect-now-job": "b" * 32})
    assert shown["collect-now-poll"]["disabled"] is True
    assert "no longer known" in str(shown["collect-now-result"]["children"])
    ctx = app.server.extensions["perfdash"]["jobs"]
    job_id, _ = store.create_job(ctx.jobs_engine, kind="collect", executor="thread", params={})
    store.claim_job(ctx.jobs_engine, job_id, "gone:1", stale_before=ctx.stale_before())
    time.sleep(2.2)
    shown = call(client, "collect-now-poll", {"collect-now-job": job_id})
    assert shown["collect-now-poll"]["disabled"] is True
    assert "process died" in str(shown["collect-now-result"]["children"])
