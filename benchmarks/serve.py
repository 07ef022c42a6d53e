"""A WSGI app under gunicorn for the length of a benchmark: started, waited for, stopped.

The benchmarks measure what a deployment serves, so the app runs as the Procfile runs it
(gunicorn, sync workers, from the repository's root so ``gunicorn.conf.py`` is read).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(
    app: str, env: dict[str, str], *, workers: int = 2, ready_path: str = "/"
) -> Iterator[str]:
    """Serve ``app`` (``module:variable``) on a free loopback port; yields its base URL."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("gunicorn")), app]
    command += ["--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    command += ["--timeout", "120", "--log-level", "warning"]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(proc, base + ready_path)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _wait_ready(proc: subprocess.Popen, url: str, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while True:
        try:
            if httpx.get(url, timeout=10).status_code < 500:
                return
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            err = proc.stderr.read().decode() if proc.poll() is not None and proc.stderr else ""
            raise RuntimeError(f"gunicorn {url} did not start: {err[-2000:]}")
        time.sleep(0.3)
