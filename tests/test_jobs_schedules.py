"""Schedules: cron strings from the settings, the slot a firing belongs to, and each slot run
once however many workers run ``--beat`` (here two real workers on Redis)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from celery_worker import start_worker, stop

from perfdash import jobs, store
from perfdash.config import Settings
from perfdash.jobs.celery_app import make_celery, worker_argv
from perfdash.jobs.cron import last_slot, schedules
from perfdash.jobs.schedules import run_scheduled
from perfdash.schema import jobs as jobs_table


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("cron", "now", "slot"),
    [
        ("15 6 * * *", "2026-03-02T06:15:40", "2026-03-02T06:15:00"),
        ("15 6 * * *", "2026-03-02T06:50:00", "2026-03-02T06:15:00"),  # a late firing
        ("15 6 * * *", "2026-03-02T07:30:00", None),  # more than an hour: not this one's
        ("0 7 * * 1-5", "2026-03-07T07:00:10", None),  # a Saturday
        ("0 7 * * 1-5", "2026-03-06T07:00:10", "2026-03-06T07:00:00"),  # a Friday
        ("*/30 * * * *", "2026-03-02T10:44:00", "2026-03-02T10:30:00"),
    ],
)
def test_the_slot_a_firing_belongs_to(cron, now, slot):
    assert last_slot(cron, at(now)) == (at(slot) if slot else None)


def test_schedules_come_from_settings_into_celery_beat():
    settings = Settings(
        database_url="sqlite://",
        redis_url="redis://127.0.0.1:6379/0",
        alerts_schedule=None,
        digest_schedule=None,
    )
    assert schedules(settings) == {"collect": "15 6 * * *"}
    beat = make_celery(settings).conf.beat_schedule
    assert set(beat) == {"collect"} and beat["collect"]["args"] == ("collect",)
    assert beat["collect"]["schedule"].hour == {6} and beat["collect"]["schedule"].minute == {15}
    assert "--beat" in worker_argv(settings, beat=True, concurrency=1, loglevel="INFO")


def test_two_firings_of_one_slot_run_once(engine):
    settings = Settings(database_url=str(engine.url), alerts_schedule="45 6 * * *")
    ctx = jobs.JobContext(settings, engine)
    now = at("2026-03-02T06:45:05")
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(run_scheduled(ctx, "alerts", now)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, results)) == ["None", "done"]
    assert run_scheduled(ctx, "alerts", at("2026-03-02T06:59:00")) is None  # same slot, later
    with store.transaction(ctx.jobs_engine) as conn:
        keys = conn.execute(sa.select(jobs_table.c.dedupe_key)).scalars().all()
    assert keys == ["alerts@2026-03-02T06:45Z"]


@pytest.mark.slow
def test_two_beating_workers_run_each_slot_once(pg_url, queue, tmp_path):
    import os

    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    env = {"PERFDASH_ALERTS_SCHEDULE": "* * * * *"}
    os.environ.update(env)
    try:
        workers = [start_worker(pg_url, queue, log, beat=True) for log in logs]
    finally:
        for name in env:
            os.environ.pop(name, None)
    engine = store.make_engine(pg_url)
    try:
        deadline = time.time() + 150
        while time.time() < deadline:
            fired = [log.read_text().count("Sending due task alerts") for log in logs]
            if min(fired) >= 1:
                break
            time.sleep(1)
        assert min(fired) >= 1, "both beats should have fired"
        time.sleep(3)
        with store.transaction(engine) as conn:
            rows = conn.execute(
                sa.select(jobs_table.c.dedupe_key, jobs_table.c.state).where(
                    jobs_table.c.kind == "alerts"
                )
            ).all()
        keys = [key for key, _ in rows]
        assert keys and len(keys) == len(set(keys)), rows  # each slot once
        assert all(state == "done" for _, state in rows), rows
    finally:
        for worker in workers:
            stop(worker)
        engine.dispose()
