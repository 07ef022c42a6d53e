"""The tab's background import job: upload kept on disk, progress in a JSON file any worker
can read, result reported, tokens from the browser checked."""

from __future__ import annotations

import json
import os
import time

import pytest

from perfdash import csvio, store


def wait_done(token, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        state = csvio.read_job(token)
        if state and state["state"] != "running":
            return state
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def test_job_imports_and_reports(engine):
    store.create_release(engine, "job-a")
    lines = ["release_key,platform,metric_type,metric_value,recorded_at"]
    lines += [
        f"job-a,YouTube,views,{i},2025-01-01T00:{i % 60:02d}:{i // 60:02d}Z" for i in range(300)
    ]
    token = csvio.save_upload(("\n".join(lines) + "\n").encode())
    csvio.start_import_job(engine, token, create_missing=False, tz="UTC")
    state = wait_done(token)
    assert state["state"] == "done" and state["ok"] is True
    assert state["summary"].endswith("Added 300 row(s); 0 were already there.")
    assert (state["done"], state["total"]) == (300, 300)
    assert store.count_metrics(engine) == 300
    assert not os.path.exists(csvio.job_path(token, ".csv"))  # the upload is removed
    with pytest.raises(csvio.CsvImportError, match="upload it again"):
        csvio.start_import_job(engine, token, create_missing=False, tz="UTC")


def test_job_with_unknown_release_fails_and_writes_nothing(engine):
    token = csvio.save_upload(
        b"release_key,platform,metric_type,metric_value,recorded_at\nnope,YouTube,views,1,2025-01-01\n"
    )
    csvio.start_import_job(engine, token, create_missing=False, tz="UTC")
    state = wait_done(token)
    assert state["ok"] is False and "unknown release keys" in state["summary"]
    assert store.count_metrics(engine) == 0


@pytest.mark.parametrize("token", ["../../etc/passwd", "abc", None, "0" * 31 + "g"])
def test_tokens_from_the_browser_are_checked(token):
    with pytest.raises(csvio.CsvImportError):
        csvio.job_path(token, ".csv")


def test_a_job_without_heartbeat_is_reported_as_stopped():
    token = csvio.save_upload(b"x")
    path = csvio.job_path(token, ".json")
    with open(path, "w") as fh:
        json.dump({"state": "running", "done": 5, "total": 10, "updated": time.time() - 3600}, fh)
    state = csvio.read_job(token)
    assert state["state"] == "failed" and "nothing was written" in state["summary"]
    assert csvio.read_job("f" * 32) is None
