"""/api/v1/imports, /api/v1/collect and /api/v1/jobs/ID on both backends: 202 with Location,
the role checked before anything is queued, the header checked up front, one collection at a
time, unknown jobs 404."""

from __future__ import annotations

import time

import pytest

from perfdash import auth, create_app, store
from perfdash.config import Settings

HEADER = "release_key,platform,metric_type,metric_value,recorded_at\n"


@pytest.fixture
def api(engine):
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    editor = {"Authorization": f"Bearer {auth.create_token(engine, 'ed', 'editor')}"}
    viewer = {"Authorization": f"Bearer {auth.create_token(engine, 'vi', 'viewer')}"}
    return app.server.test_client(), editor, viewer, app.server.extensions["perfdash"]["jobs"]


def post_csv(client, body: str, headers: dict, query: str = ""):
    return client.post(
        f"/api/v1/imports{query}", data=body, headers={**headers, "Content-Type": "text/csv"}
    )


def wait(client, location: str) -> dict:
    deadline = time.time() + 30
    while time.time() < deadline:
        job = client.get(location).get_json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def test_an_import_is_queued_and_reported(api, engine):
    client, editor, _viewer, _ = api
    body = HEADER + "new-1,YouTube,views,5,2026-01-01T00:00:00Z\n"
    answer = post_csv(client, body, editor, "?create_missing=1&filename=mine.csv")
    assert answer.status_code == 202
    job = answer.get_json()
    assert answer.headers["Location"] == f"/api/v1/jobs/{job['id']}"
    assert job["kind"] == "import" and job["state"] in ("queued", "running", "done")
    done = wait(client, answer.headers["Location"])
    assert done["state"] == "done" and done["executor"] == "thread"
    assert done["result"]["written"] == 1 and done["result"]["created_releases"] == ["new-1"]
    assert "mine.csv" in done["result"]["summary"] or done["result"]["ok"]
    # posted again: nothing new, and it says so
    again = wait(client, post_csv(client, body, editor, "?create_missing=1").headers["Location"])
    assert again["result"]["written"] == 0 and again["result"]["already_present"] == 1


def test_a_bad_file_fails_as_a_job_and_writes_nothing(api, engine):
    client, editor, _viewer, _ = api
    body = HEADER + "nope,YouTube,views,5,2026-01-01T00:00:00Z\n"
    job = wait(client, post_csv(client, body, editor).headers["Location"])
    assert job["state"] == "failed" and "unknown release keys" in job["result"]["summary"]
    assert store.count_metrics(engine) == 0


@pytest.mark.parametrize(
    ("body", "query", "status", "says"),
    [
        ("", "", 400, "empty"),
        ("a,b\n1,2\n", "", 400, "lacks column"),
        (HEADER, "?create_missing=perhaps", 400, "create_missing"),
        (HEADER, "?filename=" + "x" * 300, 400, "filename"),
    ],
)
def test_bad_requests_queue_nothing(api, body, query, status, says):
    client, editor, _viewer, ctx = api
    answer = post_csv(client, body, editor, query)
    assert answer.status_code == status and says in answer.get_json()["error"]["message"]


def test_the_role_is_checked_before_anything_is_queued(api):
    client, _editor, viewer, _ = api
    body = HEADER + "x,YouTube,views,5,2026-01-01T00:00:00Z\n"
    assert post_csv(client, body, {}).status_code == 401
    assert post_csv(client, body, viewer).status_code == 403
    assert client.post("/api/v1/collect", headers=viewer).status_code == 403
    assert client.post("/api/v1/imports", data=body, headers={**viewer}).status_code == 403


def test_one_collection_at_a_time_names_the_running_one(api):
    client, editor, viewer, ctx = api
    running, _ = store.create_job(
        ctx.jobs_engine, kind="collect", executor="celery", params={}, exclusive="collect"
    )
    answer = client.post("/api/v1/collect", headers=editor)
    assert answer.status_code == 409
    assert answer.headers["Location"] == f"/api/v1/jobs/{running}"
    assert running in answer.get_json()["error"]["message"]
    seen = client.get(f"/api/v1/jobs/{running}", headers=viewer).get_json()
    assert seen["state"] == "queued" and seen["kind"] == "collect"


def test_a_collection_runs_as_a_job(api):
    client, editor, _viewer, _ = api
    answer = client.post("/api/v1/collect", headers=editor)
    assert answer.status_code == 202 and answer.get_json()["kind"] == "collect"
    job = wait(client, answer.headers["Location"])
    assert job["state"] == "done" and job["result"]["lines"][0].startswith("0 releases")


@pytest.mark.parametrize("job_id", ["f" * 32, "nope", "../etc"])
def test_unknown_jobs_are_404(api, job_id):
    client, *_ = api
    answer = client.get(f"/api/v1/jobs/{job_id}")
    assert answer.status_code == 404 and answer.is_json
