"""The perfdash command: help everywhere, db upgrade/sql, demo's refusal to mix into real data."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from perfdash import store
from perfdash.cli import main
from perfdash.config import COLLECTOR_ENV_NAMES


def commands(group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield (*prefix, name)
        if hasattr(cmd, "commands"):
            yield from commands(cmd, (*prefix, name))


@pytest.mark.parametrize("path", list(commands(main)), ids=" ".join)
def test_every_command_has_help(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) >= 3


def test_db_upgrade_then_demo_then_refuse_real_data(db_url):
    runner = CliRunner()
    result = runner.invoke(main, ["db", "upgrade", "--database-url", db_url])
    assert result.exit_code == 0, result.output
    assert "revision" in result.output

    result = runner.invoke(main, ["demo", "--database-url", db_url])
    assert result.exit_code == 0, result.output
    engine = store.make_engine(db_url)
    assert store.count_releases(engine) == 30
    demo_rows = store.count_metrics(engine)
    assert demo_rows > 50_000
    assert f"{demo_rows:,} metrics" in result.output

    # running it again replaces the demo rows instead of doubling them
    assert runner.invoke(main, ["demo", "--database-url", db_url]).exit_code == 0
    assert store.count_metrics(engine) == demo_rows

    store.create_release(engine, "real-release", title="Real")
    result = runner.invoke(main, ["demo", "--database-url", db_url])
    assert result.exit_code != 0
    assert "already holds real data" in result.output
    assert store.count_releases(engine) == 31
    assert store.get_release_by_key(engine, "real-release")["title"] == "Real"
    engine.dispose()


def test_db_sql_prints_the_ddl():
    result = CliRunner().invoke(main, ["db", "sql"])
    assert result.exit_code == 0
    assert "CREATE TABLE content_performance" in result.output
    assert "CREATE UNIQUE INDEX uq_performance_natural" in result.output


def test_bad_database_url_is_a_clear_error():
    result = CliRunner().invoke(main, ["db", "upgrade", "--database-url", "mysql://x@y/z"])
    assert result.exit_code != 0
    assert "DATABASE_URL" in result.output


def test_unreachable_database_is_a_clear_error():
    result = CliRunner().invoke(
        main, ["db", "upgrade", "--database-url", "postgresql://root@127.0.0.1:1/x"]
    )
    assert result.exit_code != 0
    assert "unavailable" in result.output
    assert "Traceback" not in result.output


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


def test_collect_hands_the_collectors_only_their_settings(db_url, monkeypatch):
    """The run gets ``settings.collector_env``: the collectors' variables, nothing else."""
    from perfdash import collect

    seen = {}

    def fake_run(engine, **kwargs):
        seen.update(kwargs)
        return collect.RunSummary()

    monkeypatch.setattr(collect, "run", fake_run)
    env = {
        **dict.fromkeys(COLLECTOR_ENV_NAMES),
        "DATABASE_URL": db_url,
        "YOUTUBE_API_KEY": "yt-key",
        "PERFDASH_DEEZER_BASE_URL": "http://127.0.0.1:9",
        "PERFDASH_SECRET_KEY": None,
    }
    result = CliRunner().invoke(main, ["collect", "--source", "deezer"], env=env)
    assert result.exit_code == 0, result.output
    assert seen["sources"] == ["deezer"]
    assert dict(seen["env"]) == {
        "YOUTUBE_API_KEY": "yt-key",
        "PERFDASH_DEEZER_BASE_URL": "http://127.0.0.1:9",
    }
