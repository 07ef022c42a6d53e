"""`perfdash demo` after `perfdash db upgrade`, on both backends: loaded, replaced, and
refused once the database holds real data.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from perfdash import store
from perfdash.cli import main

pytestmark = pytest.mark.slow  # the demo catalog is loaded three times on each backend


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


@pytest.mark.parametrize("hour", [0, 5, 6, 23])
def test_the_demo_catalog_never_records_the_future(hour):
    """Loaded at any hour of the day, its newest reading is at or before that moment."""
    from datetime import UTC, datetime

    from perfdash import demo

    today = datetime(2026, 12, 4, hour, 30, tzinfo=UTC)
    _, rows = demo.build(today=today)
    newest = max(rows["recorded_at"])
    assert newest <= today
    assert (today - newest).total_seconds() < 24 * 3600
