"""``perfdash db upgrade`` (a deploy's release phase): no statement timeout, a lock timeout,
and a line per revision as it goes."""

from __future__ import annotations

import sqlalchemy as sa
from click.testing import CliRunner

from perfdash import migrations, store
from perfdash.cli import main


def test_upgrade_runs_without_the_web_statement_timeout_and_shows_progress(
    pg_database, monkeypatch
):
    # 1 ms would stop the first CREATE TABLE if the upgrade ran under the web's timeout
    monkeypatch.setenv("PERFDASH_STATEMENT_TIMEOUT_MS", "1")
    result = CliRunner().invoke(main, ["db", "upgrade", "--database-url", pg_database])
    assert result.exit_code == 0, result.output
    head = migrations.head_revision()
    assert result.output.splitlines()[0].startswith("Applying ")
    assert "  applied 0001: The original platform schema" in result.output
    assert f"  applied {head}: " in result.output
    assert f"Database at revision {head}." in result.output
    again = CliRunner().invoke(main, ["db", "upgrade", "--database-url", pg_database])
    assert again.exit_code == 0 and "Applying" not in again.output


def test_upgrade_gives_up_on_a_lock_instead_of_queueing_behind_it(pg_database, monkeypatch):
    engine = store.make_engine(pg_database)
    migrations.upgrade(engine, "0008")
    monkeypatch.setenv("PERFDASH_LOCK_TIMEOUT_MS", "300")
    holder = sa.create_engine(pg_database)
    with holder.connect() as conn:
        conn.execute(sa.text("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE"))
        result = CliRunner().invoke(main, ["db", "upgrade", "--database-url", pg_database])
        conn.rollback()
    assert result.exit_code == 1
    assert "waited too long for a lock" in result.output, result.output
    assert "Traceback" not in result.output
    assert migrations.current_revision(engine) == "0008"  # nothing was changed
    holder.dispose()
    engine.dispose()
