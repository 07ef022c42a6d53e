"""`perfdash alerts` end to end on the demo catalog, with a fake webhook on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fake_webhook import FakeWebhook

from perfdash.cli import main


@pytest.fixture
def hook():
    server = FakeWebhook()
    yield server
    server.close()


def run(args, url, env=None):
    result = CliRunner().invoke(main, args, env={"DATABASE_URL": url, **(env or {})})
    return result


@pytest.mark.slow
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


def test_notify_without_webhook_is_a_clear_error(demo_db):
    result = run(["alerts", "--notify"], demo_db, {"PERFDASH_ALERT_WEBHOOK": ""})
    assert result.exit_code != 0 and "PERFDASH_ALERT_WEBHOOK" in result.output
    bad = run(["alerts"], demo_db, {"PERFDASH_SPIKE_FACTOR": "lots"})
    assert bad.exit_code != 0 and "PERFDASH_SPIKE_FACTOR='lots' must be a number" in bad.output
