"""A small run of benchmarks/page.py: every figure is there, and each path really loaded its
page, drew its charts and answered its clicks (no timing asserts: the machines are noisy)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import PG_ADMIN_URL, need

ROOT = Path(__file__).resolve().parent.parent
LOADS = 1
INTERACTIONS = 2

FIGURES = [
    "page_transfer_bytes",
    "page_bytes_uncompressed",
    "floor_page_bytes_uncompressed",
    "floor_page_transfer_bytes",
    "first_chart_ms_p50",
    "floor_first_chart_ms_p50",
    "view_complete_ms_p50",
    "floor_view_complete_ms_p50",
    "interaction_ms_p50",
    "interaction_ms_p95",
    "floor_interaction_ms_p50",
    "floor_interaction_ms_p95",
    "view_callback_requests",
    "floor_view_callback_requests",
    "transfer_vs_floor_uncompressed",
    "first_chart_vs_floor",
    "interaction_vs_floor_p95",
]

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def result(pg_admin) -> dict:
    need(pg_admin is not None, f"PostgreSQL not reachable at {PG_ADMIN_URL}")
    need(bool(shutil.which("chromium") and shutil.which("chromedriver")), "no chromium")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "page.py"), "--rows", "20000"]
        + ["--loads", str(LOADS), "--interactions", str(INTERACTIONS)]
        + ["--database-url", PG_ADMIN_URL],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"json": json.loads(proc.stdout), "stderr": proc.stderr}


@pytest.mark.postgres
def test_every_figure_is_measured(result):
    out = result["json"]
    missing = [k for k in FIGURES if not isinstance(out.get(k), int | float)]
    assert missing == []
    assert out["machine"]["cpus"] >= 1 and out["machine"]["chromium"]
    assert len(out["commit"]["id"]) == 40
    assert "load 1/1" in result["stderr"] and "samples" in out  # progress on stderr only


@pytest.mark.postgres
def test_each_path_loaded_its_page_drew_its_charts_and_answered_clicks(result):
    out = result["json"]
    assert out["loads"] == out["floor_loads"] == LOADS
    assert out["charts_drawn"] == 3  # the time series, the bars and the share
    assert out["floor_charts_drawn"] == 1
    assert out["interactions"] == out["floor_interactions"] == LOADS * INTERACTIONS
    assert out["view_callback_requests"] >= 1 and out["floor_view_callback_requests"] == 1
    assert out["release_rows"] > 0 and out["rows"] == out["csv_rows"] == 20000
    # perfdash's bytes travel compressed; the floor (Dash's defaults) sends them as they are
    assert out["page_transfer_bytes"] < 0.5 * out["page_bytes_uncompressed"]
    assert out["floor_page_transfer_bytes"] >= out["floor_page_bytes_uncompressed"]
    assert out["view_complete_ms_p50"] >= out["first_chart_ms_p50"] > 0


@pytest.mark.postgres
def test_scratch_database_is_dropped(result, pg_admin):
    with pg_admin.connect() as conn:
        names = conn.execute(
            sa.text("SELECT datname FROM pg_database WHERE datname = :n"),
            {"n": result["json"]["database"]},
        ).all()
    assert names == []
