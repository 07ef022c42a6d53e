"""A real ``perfdash worker`` on Redis (127.0.0.1:6379) for the tests of Celery jobs and
schedules: a queue of each test's own, the worker's environment, starting and stopping it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import need

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("PERFDASH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
STALE = 3
REDELIVER = 4


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def worker_env(pg_url: str, queue: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": pg_url,
        "REDIS_URL": REDIS_URL,
        "PERFDASH_JOB_QUEUE": queue,
        "PERFDASH_JOB_STALE_SECONDS": str(STALE),
        "PERFDASH_JOB_REDELIVER_SECONDS": str(REDELIVER),
        "PERFDASH_COLLECT_SCHEDULE": "off",
        "PERFDASH_ALERTS_SCHEDULE": os.environ.get("PERFDASH_ALERTS_SCHEDULE", "off"),
        "TMPDIR": tempfile.mkdtemp(prefix="perfdash-worker-"),  # beat's schedule file
    }


def start_worker(pg_url: str, queue: str, log: Path, *, beat: bool = False) -> subprocess.Popen:
    binary = shutil.which("perfdash", path=str(Path(sys.executable).parent))
    need(binary is not None, "the perfdash command is not installed")
    beat_args = ["--beat"] if beat else []
    proc = subprocess.Popen(
        [binary, "worker", "--concurrency", "1", "--loglevel", "INFO", *beat_args],
        cwd=ROOT,
        env=worker_env(pg_url, queue),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: killed with its pool children
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"perfdash worker exited with {proc.returncode}:\n{log.read_text()[-3000:]}"
            )
        if "ready." in log.read_text():
            return proc
        time.sleep(0.3)
    pytest.fail(f"perfdash worker did not start:\n{log.read_text()[-3000:]}")


def kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill(proc)
