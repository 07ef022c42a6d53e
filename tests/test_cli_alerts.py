"""`perfdash alerts` and `perfdash annotate` end to end, with a fake webhook on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from fake_webhook import FakeWebhook

from perfdash import alerts, demo, store
from perfdash.cli import main
from perfdash.migrations import upgrade

TODAY = datetime(2026, 11, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The demo catalog on SQLite, loaded once; each test works on its own copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    engine = store.make_engine(f"sqlite:///{path}")
    upgrade(engine)
    demo.load(engine, today=TODAY)
    engine.dispose()
    return path


@pytest.fixture
def demo_db(demo_file, tmp_path):
    copy = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_file, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def hook():
    server = FakeWebhook()
    yield server
    server.close()


def run(args, url, env=None):
    result = CliRunner().invoke(main, args, env={"DATABASE_URL": url, **(env or {})})
    return result


def test_alerts_notify_twice_delivers_each_alert_exactly_once(demo_db, hook):
    env = {"PERFDASH_ALERT_WEBHOOK": hook.url, "PERFDASH_PUBLIC_URL": "https://pd.example"}
    first = run(["alerts", "--since", "2025-01-01", "--notify"], demo_db, env)
    assert first.exit_code == 0, first.output
    assert "Notified 2 new alert(s); 0 sent before; 0 failed." in first.output
    second = run(["alerts", "--since", "2025-01-01", "--notify"], demo_db, env)
    assert second.exit_code == 0, second.output
    assert "Notified 0 new alert(s); 2 sent before; 0 failed." in second.output

    texts = [b["text"] for b in hook.bodies]
    assert len(texts) == 2
    assert sorted(t.split(":")[0] for t in texts) == ["Spike on 2026-05-21", "Spike on 2026-08-29"]
    assert sum("(demo-007)" in t for t in texts) == 1
    assert sum("(demo-019)" in t for t in texts) == 1
    assert all("https://pd.example/dashboard?release=" in t for t in texts)
    assert all(set(b) == {"text"} for b in hook.bodies)  # Slack-compatible JSON


def test_alerts_json_lists_the_spikes(demo_db):
    result = run(["alerts", "--since", "2025-01-01", "--json"], demo_db)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["release_key"] for r in rows] == ["demo-019", "demo-007"]
    assert rows[0]["day"] == "2026-08-29" and rows[0]["items"][0]["ratio"] > 20
    # nothing in the last month of the demo: the default --since finds nothing
    quiet = run(["alerts", "--since", "2026-10-01"], demo_db)
    assert quiet.exit_code == 0 and "No spikes since 2026-10-01" in quiet.output


def test_a_failing_webhook_is_retried_then_released_for_the_next_run(demo_db):
    engine = store.make_engine(demo_db)
    found = alerts.build_alerts(engine, since=datetime(2025, 1, 1).date())
    flaky = FakeWebhook(fail_first=1)
    try:
        report = alerts.deliver(engine, found[:1], flaky.url, backoff=0.01)
        assert report.sent == [found[0].key] and flaky.attempts == 2  # one retry, then ok
    finally:
        flaky.close()
    down = FakeWebhook(status=503)
    try:
        report = alerts.deliver(engine, found[1:], down.url, retries=3, backoff=0.01)
        assert report.failed == {found[1].key: "HTTP 503"} and down.attempts == 3
        assert store.sent_alert_keys(engine) == {found[0].key}  # the claim was given back
    finally:
        down.close()
    refused = FakeWebhook(status=400)
    try:
        report = alerts.deliver(engine, found[1:], refused.url, retries=3, backoff=0.01)
        assert report.failed == {found[1].key: "HTTP 400"} and refused.attempts == 1
    finally:
        refused.close()
    engine.dispose()


def test_notify_without_webhook_is_a_clear_error(demo_db):
    result = run(["alerts", "--notify"], demo_db, {"PERFDASH_ALERT_WEBHOOK": ""})
    assert result.exit_code != 0 and "PERFDASH_ALERT_WEBHOOK" in result.output
    bad = run(["alerts"], demo_db, {"PERFDASH_SPIKE_FACTOR": "lots"})
    assert bad.exit_code != 0 and "PERFDASH_SPIKE_FACTOR='lots' must be a number" in bad.output


def test_annotate_add_list_delete(demo_db):
    added = run(
        ["annotate", "--release", "demo-007", "--date", "2026-05-20", "--text", "TikTok trend"],
        demo_db,
    )
    assert added.exit_code == 0, added.output
    assert "Added annotation #1 (release demo-007)" in added.output
    catalog = run(["annotate", "--date", "2026-05-01", "--text", "Label campaign"], demo_db)
    assert "(catalog)" in catalog.output
    bad = run(["annotate", "--release", "nope", "--date", "01/05", "--text", "x"], demo_db)
    assert bad.exit_code != 0
    assert "release: No release with id or key 'nope'" in bad.output
    assert "date: Time must look like" in bad.output
    listed = run(["annotate", "list"], demo_db)
    assert listed.output.splitlines() == [
        "#2\t2026-05-01 00:00\t(catalog)\tLabel campaign",
        "#1\t2026-05-20 00:00\tdemo-007\tTikTok trend",
    ]
    assert run(["annotate", "delete", "1"], demo_db).exit_code == 0
    assert run(["annotate", "delete", "1"], demo_db).exit_code != 0
    assert len(run(["annotate", "list"], demo_db).output.splitlines()) == 1
