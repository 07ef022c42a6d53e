"""A small run of benchmarks/forecast_backtest.py: one JSON object with both catalogs' 28-day
error and band coverage, numbers in their ranges (no claim about how good: that is the doc's)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_backtest_prints_both_catalogs_as_json():
    done = subprocess.run(
        [sys.executable, "benchmarks/forecast_backtest.py", "--releases", "40", "--rows", "8000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    out = json.loads(done.stdout)
    assert "damped trend" in out["method"] and out["horizon_days"] == 28
    by = {c["catalog"]: c for c in out["catalogs"]}
    assert set(by) == {"demo", "benchmark", "benchmark_hourly"}
    demo = by["demo"]
    assert demo["series"] > 100 and demo["origins"] > 1000
    assert 0 < demo["mape_28d"] < 1
    assert 0.5 < demo["band_coverage"] <= 1
    assert by["benchmark"]["series"] > 0
