"""Deploy smoke test: gunicorn with several workers on PostgreSQL, as the Procfile runs it.

A metric written through one request is visible on every following request, whichever worker
serves it (the web tier keeps no state); /healthz answers 200 with the database up and 503
with it unreachable.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from conftest import free_port, need

from perfdash import auth, store
from perfdash.migrations import upgrade

pytestmark = pytest.mark.slow  # each test starts gunicorn with several workers

ROOT = Path(__file__).resolve().parent.parent
SECRET = "smoke-test-secret-key-0123456789abcdef"


@contextmanager
def gunicorn(
    database_url: str, *, workers: int = 3, extra_env: dict | None = None
) -> Iterator[tuple[str, Path]]:
    binary = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which(
        "gunicorn"
    )
    need(binary is not None, "gunicorn is not installed")
    port = free_port()
    log = ROOT / f".gunicorn-{port}.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PERFDASH_SECRET_KEY": SECRET,
        "PORT": str(port),
        **(extra_env or {}),
    }
    proc = subprocess.Popen(
        [
            binary,
            "app:server",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(p)s %(m)s %(U)s %(s)s",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            if proc.poll() is not None:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"gunicorn exited with {proc.returncode}:\n{out[-3000:]}")
            try:
                httpx.get(base + "/healthz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            pytest.fail("gunicorn did not answer within 60 s")
        yield base, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.unlink(missing_ok=True)


def test_gunicorn_workers_share_one_truth(pg_url):
    engine = store.make_engine(pg_url)
    upgrade(engine)
    rid = store.create_release(engine, "smoke-1", title="Smoke Test Single", artist_name="CI")
    token = auth.create_token(engine, "smoke", "editor")
    engine.dispose()

    with gunicorn(pg_url, workers=3) as (base, log):
        with httpx.Client(base_url=base, timeout=10) as client:
            health = client.get("/healthz")
            assert health.status_code == 200 and health.json()["database"] == "ok"

            page = client.get("/dashboard")
            assert page.status_code in (200, 302)

            # write one metric through the API ...
            written = client.post(
                "/api/v1/metrics",
                json=[
                    {
                        "release_key": "smoke-1",
                        "platform": "YouTube",
                        "metric_type": "views",
                        "metric_value": 4242,
                        "recorded_at": "2026-01-02T03:04:05Z",
                    }
                ],
                headers={"Authorization": f"Bearer {token}"},
            )
            assert written.status_code in (200, 201), written.text
            assert written.json()["written"] == 1

        # ... and every following request, on whichever worker, sees it (concurrent readers
        # keep several sync workers busy at once, so more than one of them answers)
        def read(_):
            with httpx.Client(base_url=base, timeout=10) as reader:
                got = reader.get(
                    "/api/v1/metrics",
                    params={"release": "smoke-1"},
                    headers={"Authorization": f"Bearer {token}"},
                )
            assert got.status_code == 200, got.text
            body = got.json()
            items = body["data"]
            return [m["metric_value"] for m in items]

        with ThreadPoolExecutor(max_workers=6) as pool:
            results = list(pool.map(read, range(60)))
        assert results == [[4242]] * 60
        time.sleep(0.5)
        pids = {
            line.split()[0]
            for line in log.read_text().splitlines()
            if re.search(r" GET /api/v1/metrics 200$", line)
        }
    assert len(pids) >= 2, f"only one worker served the reads: {pids}"
    engine = store.make_engine(pg_url)
    assert [
        r["metric_value"] for r in store.get_performance_metrics_for_release(rid, engine=engine)
    ] == [4242]
    engine.dispose()


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    with gunicorn("postgresql://root@127.0.0.1:1/nothing", workers=2) as (base, _log):
        response = httpx.get(base + "/healthz", timeout=10)
        assert response.status_code == 503
        assert response.json()["database"] == "unreachable"


def test_sign_out_ends_a_copied_session_in_every_worker(pg_url):
    from auth_helpers import login

    engine = store.make_engine(pg_url)
    upgrade(engine)
    auth.add_user(engine, "alice", "correct horse battery", "editor")
    engine.dispose()

    def statuses(base: str, cookie: str) -> list[int]:
        def one(_):
            with httpx.Client(base_url=base, timeout=10, cookies={"perfdash_session": cookie}) as c:
                return c.get("/_dash-layout").status_code

        with ThreadPoolExecutor(max_workers=6) as pool:
            return list(pool.map(one, range(40)))

    def workers_serving(log: Path, status: int) -> set[str]:
        time.sleep(0.5)
        return {
            line.split()[0]
            for line in log.read_text().splitlines()
            if line.endswith(f" GET /_dash-layout {status}")
        }

    with gunicorn(pg_url, workers=2) as (base, log):
        with httpx.Client(base_url=base, timeout=10) as browser:
            assert login(browser, "alice", "correct horse battery").status_code == 302
            cookie = browser.cookies["perfdash_session"]
            assert statuses(base, cookie) == [200] * 40
            assert len(workers_serving(log, 200)) == 2
            page = browser.get("/logout").text
            token = page.split('name="csrf_token" value="')[1].split('"')[0]
            assert browser.post("/logout", data={"csrf_token": token}).status_code == 302
        assert statuses(base, cookie) == [401] * 40
        assert len(workers_serving(log, 401)) == 2, "one worker still knew the session"


def peak_rss_during(process, work):
    """What ``work()`` returns, and the highest RSS of ``process`` sampled every 20 ms meanwhile."""
    import threading

    peak = [process.memory_info().rss]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        return work(), peak[0]
    finally:
        done.set()
        sampler.join()


def test_a_200_mb_upload_is_refused_without_the_worker_growing(pg_url):
    """A viewer's and an editor's 200 MB bodies, sent to one gunicorn worker whose RSS is
    sampled every 20 ms while they travel (the figures are printed: -s shows them)."""
    import psutil
    from auth_helpers import login

    engine = store.make_engine(pg_url)
    upgrade(engine)
    auth.add_user(engine, "alice", "correct horse battery", "editor")
    auth.add_user(engine, "victor", "correct horse battery v", "viewer")
    engine.dispose()
    size = 200 * 1024 * 1024
    chunk = b"x" * (1024 * 1024)

    def body():
        for _ in range(size // len(chunk)):
            yield chunk

    def send(browser):
        try:
            response = browser.post(
                "/_dash-update-component",
                content=body(),
                headers={"Content-Length": str(size), "Content-Type": "application/json"},
            )
        except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
            return None, ""  # the worker answered and closed mid-send
        return response.status_code, response.json()["error"]

    with gunicorn(pg_url, workers=1) as (base, _log):
        master = next(
            p
            for p in psutil.process_iter(["cmdline"])
            if base.rsplit(":", 1)[1] in " ".join(p.info["cmdline"] or [])
            and "gunicorn" in " ".join(p.info["cmdline"] or [])
        )
        (worker,) = master.children()
        for name, password in (
            ("victor", "correct horse battery v"),
            ("alice", "correct horse battery"),
        ):
            with httpx.Client(base_url=base, timeout=60) as browser:
                assert login(browser, name, password).status_code == 302
                browser.get("/_dash-layout")  # the worker has loaded what a page needs
                before = worker.memory_info().rss
                (status, message), peak = peak_rss_during(worker, lambda: send(browser))
            growth = (peak - before) / 1024 / 1024
            print(
                f"\n{name}: 200 MB body -> {status}; worker RSS {before / 1024 / 1024:.0f} MB "
                f"before, peak {peak / 1024 / 1024:.0f} MB (+{growth:.1f} MB)"
            )
            assert status in (413, None), status
            if status == 413:
                assert "limit" in message or "editor role" in message
            assert growth < 20, f"the worker grew by {growth:.0f} MB"
        # the worker still serves
        assert httpx.get(base + "/healthz", timeout=10).status_code == 200
