"""Shared fixtures: databases on both backends, apps, and the browser set-up.

PostgreSQL tests use a fresh database per test, cloned from a migrated template (fast, and
isolated even when several test runs share the server).  Without PostgreSQL or Chromium the
tests that need them skip, except under ``CI=true``, where a missing service is a failure.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from selenium.webdriver.chrome.options import Options

from perfdash import demo, store
from perfdash.config import Settings
from perfdash.migrations import upgrade

PG_ADMIN_URL = os.environ.get(
    "PERFDASH_TEST_PG_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_counter = itertools.count()


def need(condition: bool, reason: str) -> None:
    """Skip locally, fail in CI: a missing service must never pass as coverage there."""
    if not condition:
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: required)")
        pytest.skip(reason)


def pytest_setup_options():
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
    ):
        options.add_argument(arg)
    return options


# The fixtures that reach the PostgreSQL server.  A fixture parametrised by backend (db_url,
# engine, empty_url, ...) reaches it when its parameter names it: "postgresql" or
# "postgresql-<variant>".
PG_FIXTURES = frozenset({"pg_admin", "pg_template", "pg_database", "pg_url"})


def _direct_params(item: pytest.Item) -> set[str]:
    """Names a test parametrises itself: their values are data, never a backend's name."""
    names: set[str] = set()
    for mark in item.iter_markers("parametrize"):
        argnames = mark.args[0] if mark.args else mark.kwargs["argnames"]
        if isinstance(argnames, str):
            argnames = argnames.split(",")
        names.update(name.strip() for name in argnames)
    return names


def uses_postgres(item: pytest.Item) -> bool:
    if PG_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return False
    direct = _direct_params(item)
    return any(
        isinstance(value, str) and (value == "postgresql" or value.startswith("postgresql-"))
        for name, value in callspec.params.items()
        if name not in direct
    )


def pytest_collection_modifyitems(config, items):
    # The browser and postgres markers follow the fixtures, so no test can forget them; slow is
    # set by hand (a module's pytestmark or a decorator) where a test takes more than ~3 s.
    # Without Chromium a dash_duo test skips locally; under CI=true it runs and fails loudly.
    browser_ok = bool(shutil.which("chromium") and shutil.which("chromedriver"))
    for item in items:
        if "dash_duo" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
            if not browser_ok and not IN_CI:
                item.add_marker(pytest.mark.skip(reason="chromium/chromedriver not installed"))
        if uses_postgres(item):
            item.add_marker(pytest.mark.postgres)


def _pg_admin_engine() -> sa.Engine | None:
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        return engine
    except sa.exc.OperationalError:
        engine.dispose()
        return None


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine | None]:
    engine = _pg_admin_engine()
    yield engine
    if engine is not None:
        engine.dispose()


@pytest.fixture(scope="session")
def pg_template(pg_admin) -> Iterator[str | None]:
    """A migrated database that per-test databases are cloned from."""
    if pg_admin is None:
        yield None
        return
    name = f"perfdash_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine = store.make_engine(_pg_url(name))
    upgrade(engine)
    engine.dispose()
    yield name
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _pg_url(dbname: str) -> str:
    return (
        sa.engine.make_url(PG_ADMIN_URL).set(database=dbname).render_as_string(hide_password=False)
    )


@pytest.fixture
def pg_database(pg_admin) -> Iterator[str]:
    """URL of a fresh, empty (unmigrated) PostgreSQL database, dropped afterwards."""
    need(pg_admin is not None, f"PostgreSQL not reachable at {PG_ADMIN_URL}")
    name = f"perfdash_t_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield _pg_url(name)
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_url(pg_admin, pg_template) -> Iterator[str]:
    """URL of a fresh PostgreSQL database at the current schema."""
    need(pg_admin is not None, f"PostgreSQL not reachable at {PG_ADMIN_URL}")
    name = f"perfdash_t_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    yield _pg_url(name)
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def own_postgres() -> Iterator:
    """A started PostgreSQL cluster of this test's own (tests/pg_cluster.py), for a test that
    stops or breaks the database; the shared server is never stopped."""
    from pg_cluster import Cluster, bindir

    need(bindir() is not None, "PostgreSQL server binaries (initdb, pg_ctl) not installed")
    cluster = Cluster(free_port())
    cluster.start()
    yield cluster
    cluster.remove()


@pytest.fixture
def queue() -> Iterator[str]:
    """A queue of this test's own, so parallel runs on the one Redis never meet."""
    from celery_worker import REDIS_URL, redis_up

    need(redis_up(), "Redis is not running on 127.0.0.1:6379")
    name = f"perfdash-test-{uuid.uuid4().hex[:10]}"
    yield name
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.delete(name, f"_kombu.binding.{name}")
    client.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'perfdash.sqlite3'}"
    engine = store.make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    """A migrated database on each backend: every store test runs on both."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(db_url) -> Iterator[sa.Engine]:
    eng = store.make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def settings(sqlite_url) -> Settings:
    return Settings(database_url=sqlite_url, tz="UTC")


@pytest.fixture
def demo_app(tmp_path):
    """A Dash app on a SQLite file holding the demo catalog."""
    from perfdash import create_app, demo

    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    eng = store.make_engine(url)
    upgrade(eng)
    demo.load(eng)
    app = create_app(Settings(database_url=url, tz="UTC"), engine=eng)
    yield app
    eng.dispose()


DEMO_TODAY = datetime(2026, 11, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory) -> Path:
    """The demo catalog on SQLite as of DEMO_TODAY, loaded once; each test works on its own copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    engine = store.make_engine(f"sqlite:///{path}")
    upgrade(engine)
    demo.load(engine, today=DEMO_TODAY)
    engine.dispose()
    return path


@pytest.fixture
def demo_db(demo_file, tmp_path) -> str:
    """URL of this test's own copy of the demo catalog (the alerts and annotate commands)."""
    copy = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_file, copy)
    return f"sqlite:///{copy}"


def free_port() -> int:
    """A free TCP port on 127.0.0.1, so parallel test runs never collide on 8050."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def start_app(dash_duo):
    """Start a Dash app for dash_duo on a free port and open it; returns the base URL."""

    def start(app, path: str = "/dashboard") -> str:
        port = free_port()
        dash_duo.start_server(app, port=port)
        base = f"http://localhost:{port}"
        if path != "/":
            dash_duo.wait_for_page(url=base + path)
        return base

    return start
