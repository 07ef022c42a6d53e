"""The app through a real PgBouncer in transaction mode (Debian's package, started here).

Behind such a pooler the startup ``options`` are refused, a plain ``SET`` would leak to the
next client of the server connection, and psycopg's server-side prepared statements collide
(``prepared statement "_pg3_0" already exists``).  perfdash sets its limits with ``SET LOCAL``
per transaction and, with ``PERFDASH_DB_POOLER=transaction``, prepares nothing on the server.
Pages, API reads and writes, an import, and a statement over the timeout are tried here.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from conftest import free_port, need
from pgbouncer import PgBouncer, binary
from sqlalchemy.engine import make_url

from perfdash import auth, create_app, demo, store
from perfdash.config import Settings
from perfdash.ui.errors import BANNER


@pytest.fixture
def bouncer(pg_admin):
    need(pg_admin is not None, "PostgreSQL is not running on 127.0.0.1:5432")
    need(binary() is not None, "pgbouncer is not installed (apt-get install pgbouncer)")
    pooler = PgBouncer(free_port())
    pooler.start()
    yield pooler
    pooler.stop()


def through(bouncer: PgBouncer, pg_url: str) -> str:
    return bouncer.url(make_url(pg_url).database)


def pooled_settings(url: str, **more) -> Settings:
    return Settings(database_url=url, db_pooler="transaction", tz="UTC", **more)


def test_startup_options_are_refused_by_the_pooler(bouncer, pg_url):
    """Why the limits are not startup options any more."""
    with pytest.raises(psycopg.OperationalError, match="unsupported startup parameter"):
        psycopg.connect(
            f"host=127.0.0.1 port={bouncer.port} dbname={make_url(pg_url).database} user=root "
            "options='-c statement_timeout=15000'",
            connect_timeout=5,
        ).close()


def test_limits_hold_per_transaction_and_do_not_leak(bouncer, pg_url):
    url = through(bouncer, pg_url)
    engine = store.engine_from_settings(pooled_settings(url, statement_timeout_ms=700))
    with store.transaction(engine) as conn:
        shown = conn.exec_driver_sql(
            "SELECT current_setting('statement_timeout'), current_setting('jit'), "
            "current_setting('TimeZone')"
        ).one()
    assert tuple(shown) == ("700ms", "off", "UTC")
    with pytest.raises(store.PerformanceDbError, match="took too long"):
        with store.transaction(engine) as conn:
            conn.exec_driver_sql("SELECT pg_sleep(3)")
    # another client of the same server connections sees the server's defaults
    with psycopg.connect(
        f"host=127.0.0.1 port={bouncer.port} dbname={make_url(pg_url).database} user=root",
        prepare_threshold=None,
    ) as raw:
        assert raw.execute("SHOW statement_timeout").fetchone()[0] == "0"
    engine.dispose()


def test_many_clients_share_server_connections_without_prepared_statement_errors(bouncer, pg_url):
    url = through(bouncer, pg_url)
    engines = [store.engine_from_settings(pooled_settings(url)) for _ in range(3)]
    pk = store.create_release(engines[0], "pool-1", title="Pooled")

    def work(i: int) -> int:
        engine = engines[i % 3]
        for _ in range(15):  # past psycopg's prepare threshold (5) on every connection
            store.get_release(engine, pk)
            store.count_metrics(engine)
        return store.count_metrics(engine)

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(work, range(12))) == [0] * 12
    for engine in engines:
        engine.dispose()


def wait_job(client, job_id: str, timeout: float = 60) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").get_json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError("the import job did not finish")


def test_api_reads_writes_and_an_import_through_the_pooler(bouncer, pg_url):
    url = through(bouncer, pg_url)
    settings = pooled_settings(url)
    engine = store.engine_from_settings(settings)
    store.create_release(engine, "api-1")
    token = auth.create_token(engine, "ci", "editor")
    client = create_app(settings, engine=engine).server.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/healthz").status_code == 200
    for day in range(1, 8):
        record = {
            "release_key": "api-1",
            "platform": "YouTube",
            "metric_type": "views",
            "metric_value": 100 * day,
            "recorded_at": f"2026-01-0{day}T00:00:00Z",
        }
        answer = client.post("/api/v1/metrics", json=[record], headers=headers)
        assert answer.status_code == 200 and answer.get_json()["written"] == 1, answer.text
    for _ in range(10):
        listed = client.get("/api/v1/metrics?release_key=api-1", headers=headers)
        assert listed.status_code == 200 and len(listed.get_json()["data"]) == 7
    body = "release_key,platform,metric_type,metric_value,recorded_at\n" + "".join(
        f"api-1,Deezer,fans,{i},2026-02-01T00:{i:02d}:00Z\n" for i in range(50)
    )
    answer = client.post(
        "/api/v1/imports?create_missing=0",
        data=body,
        headers={**headers, "Content-Type": "text/csv"},
    )
    assert answer.status_code == 202, answer.text
    job = wait_job(client, answer.get_json()["id"])
    assert job["state"] == "done" and job["result"]["written"] == 50, job
    assert store.count_metrics(engine) == 57
    engine.dispose()


def test_the_dashboard_through_the_pooler(bouncer, pg_url, start_app, dash_duo):
    url = through(bouncer, pg_url)
    settings = pooled_settings(url)
    engine = store.engine_from_settings(settings)
    demo.load(engine)
    app = create_app(settings, engine=engine)
    start_app(app, "/dashboard")
    dash_duo.wait_for_element('[data-metric="views"]', timeout=60)
    banner = dash_duo.find_elements(f"#{BANNER}")
    assert not banner or not banner[0].is_displayed(), banner[0].text
    # the leaderboard reads the catalog through the same pooled engine
    now = datetime.now(UTC)
    board = store.leaderboard(engine, "views", start=now - timedelta(days=28), end=now)
    assert not board.empty
    engine.dispose()
