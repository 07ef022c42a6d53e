"""`perfdash db sql` and `perfdash db upgrade`: the DDL, and the rollup counted in PERFDASH_TZ."""

from __future__ import annotations

from click.testing import CliRunner

from perfdash import store
from perfdash.cli import main


def test_db_sql_prints_the_ddl():
    result = CliRunner().invoke(main, ["db", "sql"])
    assert result.exit_code == 0
    assert "CREATE TABLE content_performance" in result.output
    assert "CREATE UNIQUE INDEX uq_performance_natural" in result.output


def test_db_upgrade_counts_the_rollup_in_perfdash_tz(pg_url):
    runner = CliRunner()
    engine = store.make_engine(pg_url)
    rid = store.create_release(engine, "r")
    store.add_performance_metric(rid, "YouTube", "views", 10, engine=engine)
    assert store.rollup_zones(engine) == ["UTC"]  # what the migration counted
    env = {"PERFDASH_TZ": "Europe/Berlin"}
    result = runner.invoke(main, ["db", "upgrade", "--database-url", pg_url], env=env)
    assert result.exit_code == 0, result.output
    assert "Counted the daily rollup for Europe/Berlin" in result.output
    assert store.rollup_zones(engine) == ["Europe/Berlin"]
    assert store.rollup_differences(engine, "Europe/Berlin") == 0
    again = runner.invoke(main, ["db", "upgrade", "--database-url", pg_url], env=env)
    assert again.exit_code == 0 and "Counted" not in again.output  # nothing to do
    engine.dispose()
