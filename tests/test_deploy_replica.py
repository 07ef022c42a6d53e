"""DATABASE_REPLICA_URL: the dashboards' reads (dashboard, launches, alerts) come from the
replica; writes, sign-in, data entry and the API stay on the primary.  The "replica" here is a
second database with different rows, so a read shows which one served it."""

from __future__ import annotations

from perfdash import create_app, store
from perfdash.config import Settings
from perfdash.migrations import upgrade
from perfdash.ui import context
from perfdash.ui.pages import launches
from perfdash.ui.pages.dashboard import layout as dashboard_layout  # the page function


def test_dashboards_read_the_replica_and_everything_else_the_primary(pg_url, pg_database):
    primary = store.make_engine(pg_url)
    replica = store.make_engine(pg_database)
    upgrade(replica)
    store.create_release(primary, "p-1", title="Only On Primary")
    pk = store.create_release(replica, "r-1", title="Only On Replica")
    store.add_performance_metric(pk, "YouTube", "views", 10, engine=replica)
    app = create_app(Settings(database_url=pg_url, replica_url=pg_database), engine=primary)
    server = app.server
    with server.test_request_context("/launches"):
        assert context.read_engine().url.database == replica.url.database
        assert context.engine() is primary
        assert "Only On Replica" in str(launches.layout({}))
        assert "Only On Primary" not in str(launches.layout({}))
        assert "Only On Replica" in str(dashboard_layout({}))
    listed = server.test_client().get("/api/v1/releases").get_json()["data"]
    assert [r["release_key"] for r in listed] == ["p-1"]  # the API reads the primary
    context_app = server.extensions["perfdash"]
    assert context_app["jobs"].engine is primary  # jobs write on the primary
    primary.dispose()
    replica.dispose()
    context_app["read_engine"].dispose()


def test_without_a_replica_every_read_is_on_the_primary(sqlite_url):
    engine = store.make_engine(sqlite_url)
    server = create_app(Settings(database_url=sqlite_url), engine=engine).server
    assert server.extensions["perfdash"]["read_engine"] is engine
    engine.dispose()
