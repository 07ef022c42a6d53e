"""Jobs on Celery with Redis (127.0.0.1:6379) and a real ``perfdash worker`` subprocess.

The job runs in the worker (``executor: celery``, another process's runner); a worker killed
in the middle of an import leaves no row written, the job is reported failed once its
heartbeat stops, and the message, acknowledged late, is delivered again to the next worker,
which imports everything exactly once.
"""

from __future__ import annotations

import os
import time

import pytest
from celery_worker import (
    REDELIVER,
    REDIS_URL,
    STALE,
    kill,
    start_worker,
    stop,
)

from perfdash import auth, create_app, store
from perfdash.config import Settings


def the_app(pg_url: str, queue: str):
    settings = Settings(
        database_url=pg_url,
        redis_url=REDIS_URL,
        job_executor="celery",
        job_queue=queue,
        job_stale_seconds=STALE,
        job_redeliver_seconds=REDELIVER,
    )
    return create_app(settings)


def csv_body(key: str, rows: int) -> bytes:
    head = "release_key,platform,metric_type,metric_value,recorded_at\n"
    start = 1_700_000_000
    lines = (
        f"{key},YouTube,views,{i},{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(start + 60 * i))}\n"
        for i in range(rows)
    )
    return (head + "".join(lines)).encode()


def post_import(client, token: str, body: bytes) -> str:
    answer = client.post(
        "/api/v1/imports",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
    )
    assert answer.status_code == 202, answer.get_data(as_text=True)
    assert answer.headers["Location"] == f"/api/v1/jobs/{answer.get_json()['id']}"
    assert answer.get_json()["executor"] == "celery"
    return answer.get_json()["id"]


def poll(client, job_id: str, until, timeout: float = 90) -> dict:
    deadline = time.time() + timeout
    job = {}
    while time.time() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").get_json()
        if until(job):
            return job
        time.sleep(0.2)
    raise AssertionError(f"timed out; last state {job}")


def finished(job: dict) -> bool:
    return job["state"] in ("done", "failed")


@pytest.mark.slow
def test_an_import_runs_in_the_worker(pg_url, queue, tmp_path):
    engine = store.make_engine(pg_url)
    store.create_release(engine, "w-1")
    token = auth.create_token(engine, "ci", "editor")
    app = the_app(pg_url, queue)
    worker = start_worker(pg_url, queue, tmp_path / "worker.log")
    try:
        client = app.server.test_client()
        job_id = post_import(client, token, csv_body("w-1", 500))
        job = poll(client, job_id, finished)
        assert job["state"] == "done", job
        assert job["executor"] == "celery" and job["result"]["written"] == 500
        runner = store.get_job(engine, job_id)["runner"]
        assert f":{os.getpid()}:" not in runner  # another process ran it
        assert store.count_metrics(engine) == 500
    finally:
        stop(worker)
        engine.dispose()


@pytest.mark.slow
def test_a_killed_worker_writes_nothing_is_reported_failed_and_the_retry_writes_once(
    pg_url, queue, tmp_path
):
    rows = 300_000
    engine = store.make_engine(pg_url)
    store.create_release(engine, "w-kill")
    token = auth.create_token(engine, "ci", "editor")
    app = the_app(pg_url, queue)
    client = app.server.test_client()
    log = tmp_path / "worker.log"
    worker = start_worker(pg_url, queue, log)
    try:
        job_id = post_import(client, token, csv_body("w-kill", rows))
        # wait until the worker has written its first chunk inside the import's transaction
        poll(client, job_id, lambda j: j["state"] == "running" and j["progress"].get("done"))
        kill(worker)
        assert store.count_metrics(engine) == 0  # nothing of the import was committed
        job = poll(client, job_id, lambda j: j["state"] == "failed", timeout=STALE * 5)
        assert (
            job["result"]["stopped"] is True and "nothing was written" in job["result"]["summary"]
        )
        # the next worker gets the unacknowledged message again and imports everything once
        worker = start_worker(pg_url, queue, log)
        job = poll(client, job_id, lambda j: j["state"] == "done", timeout=180)
        assert job["attempts"] == 2 and job["result"]["written"] == rows, job
        assert store.count_metrics(engine) == rows
    finally:
        stop(worker)
        engine.dispose()
