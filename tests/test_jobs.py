"""Background jobs on both backends: an import and its upload, progress and heartbeat, a dead
job shown as failed, one collection at a time, and ids from browsers checked."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from perfdash import jobs, store
from perfdash.config import Settings
from perfdash.jobs.runner import run_job


def context(engine, **changes) -> jobs.JobContext:
    settings = Settings(database_url=str(engine.url), tz="UTC").with_(**changes)
    return jobs.JobContext(settings, engine)


def wait_finished(ctx, job_id, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = jobs.view(ctx, job_id)
        if job and job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"the job did not finish: {jobs.view(ctx, job_id)}")


def csv_of(key: str, rows: int) -> bytes:
    lines = ["release_key,platform,metric_type,metric_value,recorded_at"]
    lines += [
        f"{key},YouTube,views,{i},2025-01-01T00:{i % 60:02d}:{i // 60 % 60:02d}Z"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def test_an_import_job_imports_reports_and_removes_its_upload(engine):
    ctx = context(engine)
    store.create_release(engine, "job-a")
    upload = jobs.save_upload(ctx, csv_of("job-a", 300), filename="a.csv", created_by="ed")
    job_id = jobs.submit_import(ctx, upload, create_missing=False, created_by="ed")
    job = wait_finished(ctx, job_id)
    assert job["state"] == "done" and job["executor"] == "thread" and job["kind"] == "import"
    assert job["result"]["ok"] is True and job["result"]["written"] == 300
    assert job["result"]["summary"].endswith("Added 300 row(s); 0 were already there.")
    assert job["progress"] == {"done": 300, "total": 300}
    assert job["attempts"] == 1 and job["runner"] and job["finished_at"] is not None
    assert store.count_metrics(engine) == 300
    assert not store.upload_exists(ctx.jobs_engine, upload)  # the upload is removed
    with pytest.raises(jobs.JobError, match="upload it again"):
        jobs.submit_import(ctx, upload, create_missing=False)


def test_an_import_with_an_unknown_release_fails_and_writes_nothing(engine):
    ctx = context(engine)
    upload = jobs.save_upload(ctx, csv_of("nope", 1))
    job = wait_finished(ctx, jobs.submit_import(ctx, upload, create_missing=False))
    assert job["state"] == "failed" and job["result"]["ok"] is False
    assert "unknown release keys" in job["result"]["summary"]
    assert store.count_metrics(engine) == 0


def test_progress_is_seen_while_the_import_runs(engine):
    """Progress and heartbeat are written while the import's own transaction is open (on
    SQLite the job tables are in a sibling file for exactly this)."""
    ctx = context(engine)
    store.create_release(engine, "job-p")
    from perfdash.csvio import importer

    seen = []
    gate = threading.Event()
    original = importer.CHUNK_ROWS
    try:
        importer.CHUNK_ROWS = 100
        upload = jobs.save_upload(ctx, csv_of("job-p", 400))
        job_id = jobs.submit_import(ctx, upload, create_missing=False)
        deadline = time.time() + 30
        while time.time() < deadline and not gate.is_set():
            job = jobs.view(ctx, job_id)
            if job["state"] == "running" and job["progress"].get("total"):
                seen.append(job["progress"])
            if job["state"] in ("done", "failed"):
                gate.set()
            time.sleep(0.02)
    finally:
        importer.CHUNK_ROWS = original
    assert wait_finished(ctx, job_id)["state"] == "done"
    assert seen and seen[0]["total"] == 400


def test_a_job_whose_heartbeat_stopped_is_failed_and_may_be_claimed_again(engine):
    ctx = context(engine, job_stale_seconds=2)
    job_id, created = store.create_job(
        ctx.jobs_engine, kind="import", executor="celery", params={}, upload_id=None
    )
    assert created
    assert store.claim_job(ctx.jobs_engine, job_id, "host:1", stale_before=ctx.stale_before())
    assert jobs.view(ctx, job_id)["state"] == "running"
    # a second delivery while it beats is not run twice
    assert not store.claim_job(ctx.jobs_engine, job_id, "host:2", stale_before=ctx.stale_before())
    time.sleep(2.2)  # no heartbeat: the process died
    job = jobs.view(ctx, job_id)
    assert job["state"] == "failed" and job["result"]["stopped"] is True
    assert "nothing was written" in job["result"]["summary"]
    # a redelivered message claims it again, and the dead runner can no longer report
    assert store.claim_job(ctx.jobs_engine, job_id, "host:2", stale_before=ctx.stale_before())
    assert not store.job_heartbeat(ctx.jobs_engine, job_id, "host:1")
    assert store.get_job(ctx.jobs_engine, job_id)["attempts"] == 2


def test_one_collection_at_a_time(engine):
    ctx = context(engine, job_stale_seconds=2)
    first = jobs.submit_collect(ctx, executor="inline")
    with pytest.raises(jobs.JobRunning) as running:
        jobs.submit_collect(ctx, executor="inline")
    assert running.value.job_id == first and first in str(running.value)
    # once it is finished (or dead) the next one may start
    assert run_job(ctx, first, lambda *_: ("done", {"lines": ["ok"], "failed": False})) == "done"
    second = jobs.submit_collect(ctx, executor="inline")
    assert store.claim_job(ctx.jobs_engine, second, "gone:1", stale_before=ctx.stale_before())
    time.sleep(2.2)
    third = jobs.submit_collect(ctx, executor="inline")  # the dead one is marked failed first
    assert third not in (first, second)
    assert store.get_job(ctx.jobs_engine, second)["state"] == "failed"


def test_a_thread_job_reports_the_collect_summary(engine):
    ctx = context(engine)
    store.create_release(engine, "r1", title="Harder", deezer_track_id="3135556")
    ctx.settings = ctx.settings.with_(
        collector_env=type(ctx.settings.collector_env)(
            {"PERFDASH_DEEZER_BASE_URL": "http://127.0.0.1:9"}
        )
    )
    job = wait_finished(ctx, jobs.submit_collect(ctx))
    assert job["state"] == "done" and job["result"]["failed"] is True
    assert job["result"]["lines"][0].startswith("0 releases, 0 rows written")
    assert any(line.startswith("FAILED: deezer") for line in job["result"]["lines"])
    assert job["progress"]["finished"] and job["progress"]["total"] == 1


@pytest.mark.parametrize("job_id", ["../../etc/passwd", "abc", None, "0" * 31 + "g", 5])
def test_ids_from_the_browser_are_checked(engine, job_id):
    with pytest.raises(jobs.UnknownJobError):
        jobs.view(context(engine), job_id)


def test_an_unknown_job_is_none(engine):
    assert jobs.view(context(engine), "f" * 32) is None


def test_uploads_expire_after_an_hour_unless_an_active_job_reads_them(engine):
    ctx = context(engine)
    old = jobs.save_upload(ctx, b"a,b\n")
    kept = jobs.save_upload(ctx, b"a,b\n")
    store.create_job(ctx.jobs_engine, kind="import", executor="celery", params={}, upload_id=kept)
    later = datetime.now(UTC) + timedelta(hours=1, minutes=1)
    assert store.purge_expired_uploads(ctx.jobs_engine, now=later) == 1
    assert not store.upload_exists(ctx.jobs_engine, old)
    assert store.upload_exists(ctx.jobs_engine, kept)
    jobs.discard_upload(ctx, kept)  # an abandoned preview
    assert not store.upload_exists(ctx.jobs_engine, kept)


def test_an_upload_past_its_hour_cannot_be_imported_even_before_it_is_purged(engine):
    ctx = context(engine)
    upload = jobs.save_upload(ctx, csv_of("late", 1))
    later = datetime.now(UTC) + timedelta(hours=1, minutes=1)
    assert store.upload_exists(ctx.jobs_engine, upload)
    assert not store.upload_exists(ctx.jobs_engine, upload, now=later)
    assert store.purge_expired_uploads(ctx.jobs_engine, now=later) == 1
    with pytest.raises(jobs.JobError, match="kept for an hour"):
        jobs.submit_import(ctx, upload, create_missing=False)
