"""benchmarks/view_reads.py on a small catalog: it posts the dashboard's view callback for the
first view and two period changes and reports every read it made (no timing asserts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from perfdash import store
from perfdash.ingest.readings import record_readings

ROOT = Path(__file__).resolve().parent.parent


def test_every_view_reports_its_callback_statements_and_reads(db_url, engine):
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    rid = store.create_release(engine, "bench-reads", title="Bench")
    rows = [
        {
            "release_id": rid,
            "platform": platform,
            "metric_type": "views",
            "metric_value": 100 + 5 * day,
            "recorded_at": (now - timedelta(days=200 - day)).isoformat(),
        }
        for day in range(200)
        for platform in ("YouTube", "Spotify")
    ]
    assert record_readings(engine, rows, source="api").written == len(rows)
    done = subprocess.run(
        [sys.executable, "benchmarks/view_reads.py", "--database-url", db_url]
        + ["--release", str(rid), "--calls", "2", "--tz", "UTC"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    assert out["metric"] == "views" and out["calls"] == 2
    for view in ("first", "period_90d", "period_7d"):
        figures = out[view]
        assert figures["callback_ms_median"] > 0
        assert figures["statements_per_call"] >= 5
        reads = figures["reads"]
        assert reads["period_gains"]["calls"] == 2  # the period and the previous one
        assert reads["release_series"]["calls"] == 1  # the chart's line
        assert reads["recent_reading_times"]["calls"] == 1  # one schedule read per view
