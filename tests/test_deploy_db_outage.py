"""The database going away and coming back, with the app on PostgreSQL.

Two tests:

* ``test_database_outage_through_a_proxy`` always runs (when PostgreSQL is there): the app talks
  to PostgreSQL through a small TCP proxy on 127.0.0.1; closing the proxy (every connection
  dropped, new ones refused, like a stopped server) must give a clear "database unavailable"
  page, 503 from /healthz and no crash; reopening it must make the next request work with the
  same app and pool.  It disturbs no one else using the server.
* ``test_postgresql_restart_under_gunicorn`` really stops and starts a PostgreSQL server under
  a running gunicorn: a cluster of the test's own (``own_postgres``), never the shared one.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from auth_helpers import call_callback, login
from conftest import free_port

from perfdash import auth, create_app, demo, store
from perfdash.config import Settings
from perfdash.migrations import upgrade

REPO = Path(__file__).resolve().parents[1]


class TcpProxy:
    """Forward 127.0.0.1:port to target; ``close()`` drops everything, ``open()`` resumes."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(50)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        if self._listener is not None:
            try:  # wakes the accept() of the other thread (close alone does not on Linux)
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        with self._lock:
            for s in self._sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self._sockets.clear()


def _page_text(app, client, status: int = 200) -> str:
    """The page's routing callback; with the database down it is a 503 like the sign-in
    gate's, which the page's outage banner shows (assets/session.js)."""
    response = call_callback(
        client, app, "shell.route", {"url.pathname": "/dashboard", "url.search": ""}
    )
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_database_outage_through_a_proxy(pg_url):
    url = sa.engine.make_url(pg_url)
    seed = store.make_engine(pg_url)
    store.create_release(seed, "outage-1", artist_name="Outage Band")
    seed.dispose()

    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.open()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    engine = store.make_engine(proxied)
    app = create_app(Settings(database_url=proxied), engine=engine)
    client = app.server.test_client()
    try:
        assert client.get("/healthz").status_code == 200
        assert "Outage Band" in _page_text(app, client)

        proxy.close()
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.get_json()["database"] == "unreachable"
        text = _page_text(app, client, 503)
        assert "database is unavailable" in text.lower()
        assert "Traceback" not in text and str(proxy.port) not in text
        assert client.get("/dashboard").status_code == 200  # the page shell itself still loads

        proxy.open()
        assert client.get("/healthz").status_code == 200
        assert "Outage Band" in _page_text(app, client)
    finally:
        proxy.close()
        engine.dispose()


def test_outage_with_login_on_gives_a_503_page_not_a_crash(pg_url):
    url = sa.engine.make_url(pg_url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.open()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    engine = store.make_engine(proxied)
    auth.add_user(engine, "alice", "correct horse battery", "viewer")
    settings = Settings(
        database_url=proxied,
        auth="required",
        secret_key="k" * 8 + "0123456789abcdefghijklmnopqrstuv",
    )
    app = create_app(settings, engine=engine)
    client = app.server.test_client()
    try:
        assert login(client, "alice", "correct horse battery").status_code == 302
        proxy.close()
        response = client.get("/dashboard")
        assert response.status_code == 503
        assert "Database unavailable" in response.get_data(as_text=True)
        proxy.open()
        assert client.get("/dashboard").status_code == 200
    finally:
        proxy.close()
        engine.dispose()


# --------------------------------------------------------------------------- the real thing


def _route_payload() -> dict:
    """What the renderer posts to draw /dashboard (the shell's routing callback)."""
    return {
        "output": "page.children",
        "outputs": {"id": "page", "property": "children"},
        "inputs": [
            {"id": "url", "property": "pathname", "value": "/dashboard"},
            {"id": "url", "property": "search", "value": ""},
        ],
        "state": [[]],  # the pages' view stores (none open yet)
        "changedPropIds": ["url.pathname"],
    }


def _wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer")


@pytest.mark.slow
def test_postgresql_restart_under_gunicorn(own_postgres, tmp_path):
    pg_url = own_postgres.create_database("restart")
    engine = store.make_engine(pg_url)
    upgrade(engine)
    demo.load(engine)
    auth.add_user(engine, "viewer1", "correct horse battery", "viewer")
    engine.dispose()
    port = free_port()
    env = {  # the production set-up: app.py requires login
        **os.environ,
        "DATABASE_URL": pg_url,
        "PERFDASH_SECRET_KEY": "restart-test-" + "x1y2z3" * 6,
    }
    env.pop("PERFDASH_AUTH", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "app:server",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=REPO,
        env=env,
        stdout=open(tmp_path / "gunicorn.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_http(base + "/healthz")
        with httpx.Client(base_url=base, timeout=30) as client:
            assert client.get("/healthz").status_code == 200
            assert login(client, "viewer1", "correct horse battery").status_code == 302
            try:
                own_postgres.stop()
                for _ in range(4):  # every worker, several times: no crash, a clear answer
                    health = client.get("/healthz")
                    assert health.status_code == 503
                    page = client.post("/_dash-update-component", json=_route_payload())
                    # 503 from the login gate (it reads the user) or a banner from the callback
                    assert page.status_code in (200, 503)
                    assert "database is unavailable" in page.text.lower()
            finally:
                own_postgres.start()
                assert own_postgres.wait_ready(), "PostgreSQL did not come back"
            assert client.get("/healthz").status_code == 200
            after = client.post("/_dash-update-component", json=_route_payload())
            assert after.status_code == 200
            assert "dash-release" in after.text and "unavailable" not in after.text
        assert server.poll() is None, "gunicorn died"
    finally:
        server.terminate()
        server.wait(timeout=30)
