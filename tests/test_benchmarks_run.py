"""A small run of benchmarks/run.py: every figure is there and every path really wrote or read
the rows it claims (no timing asserts: the machines are noisy)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import PG_ADMIN_URL, need

ROOT = Path(__file__).resolve().parent.parent
ROWS = 20_000
REQUESTS = 30

FIGURES = [
    "import_rows_per_s",
    "copy_rows_per_s",
    "copy_without_rollup_rows_per_s",
    "naive_rows_per_s",
    "release_view_ms_p50",
    "release_view_ms_p95",
    "naive_release_ms_p50",
    "naive_release_ms_p95",
    "figures_ms_p50",
    "figures_ms_p95",
    "px_figures_ms_p50",
    "px_figures_ms_p95",
    "figures_vs_px_p95",
    "leaderboard_ms_p50",
    "leaderboard_ms_p95",
    "csv_import_peak_rss_mb",
    "worker_rss_mb",
    "import_vs_copy",
    "import_vs_naive",
    "copy_vs_naive",
    "copy_without_rollup_vs_naive",
    "copy_vs_copy_without_rollup",
    "naive_vs_release_view_p95",
    "heavy_naive_vs_release_view_p95",
]


@pytest.fixture(scope="module")
def result(pg_admin) -> dict:
    need(pg_admin is not None, f"PostgreSQL not reachable at {PG_ADMIN_URL}")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--rows", str(ROWS)]
        + ["--samples", "25", "--requests", str(REQUESTS), "--database-url", PG_ADMIN_URL],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"json": json.loads(proc.stdout), "stderr": proc.stderr}


@pytest.mark.slow
@pytest.mark.postgres
def test_every_figure_is_measured(result):
    out = result["json"]
    missing = [k for k in FIGURES if not isinstance(out.get(k), int | float)]
    assert missing == []
    assert out["import_path"] == "perfdash.csvio.import_csv"  # the code `perfdash import` runs
    assert out["machine"]["cpus"] >= 1
    assert "progress" not in out and result["stderr"]  # progress went to stderr only


@pytest.mark.slow
@pytest.mark.postgres
def test_each_path_wrote_and_read_what_it_says(result):
    out = result["json"]
    assert out["csv_rows"] == ROWS
    # the COPY without the rollup trigger wrote every row and was rolled back: the table was
    # empty again for the raw COPY, which loaded every row (twice as many if it had stayed)
    assert out["copy_without_rollup_rows_written"] == ROWS
    assert out["rows_after_rolled_back_copy"] == 0
    assert out["copy_rows_written"] == ROWS  # raw COPY loaded every row...
    assert out["import_rows_written"] == ROWS  # ...and so did the import, into an empty table
    assert out["import_rows_reported"] == ROWS
    assert out["naive_rows_written"] == 5000
    # the view read every release it timed: naive fetched all their rows, the fast path far less
    assert out["release_view_releases"] == 25
    assert out["release_view_heavy_releases"] >= 1
    # each heavy release timed HEAVY_REPEATS times (both paths), the rest once
    assert out["release_view_heavy_samples"] == 5 * out["release_view_heavy_releases"]
    assert out["naive_release_rows_read"] == out["release_view_rows_in_releases"] > 0
    assert 0 < out["release_view_aggregate_rows_read"] < out["naive_release_rows_read"]
    assert out["release_view_kpi_mismatches"] == 0  # both ways gave the same numbers
    assert out["leaderboard_rows"] == 10
    assert out["requests_sent"] == REQUESTS
    assert out["request_statuses"] == {"200": REQUESTS}
    assert len(out["worker_rss_all_mb"]) == out["workers"]


@pytest.mark.slow
@pytest.mark.postgres
def test_scratch_database_is_dropped(result, pg_admin):
    with pg_admin.connect() as conn:
        names = conn.execute(
            sa.text("SELECT datname FROM pg_database WHERE datname = :n"),
            {"n": result["json"]["database"]},
        ).all()
    assert names == []


@pytest.mark.slow
@pytest.mark.postgres
def test_import_only_measures_the_writes_in_rounds(pg_admin):
    """``--import-only --rounds 3``: the three write paths three times each, into the emptied
    table, every ratio from one round; no reads, no naive inserts; the rollup left exact."""
    need(pg_admin is not None, f"PostgreSQL not reachable at {PG_ADMIN_URL}")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--rows", "5000"]
        + ["--import-only", "--rounds", "3", "--database-url", PG_ADMIN_URL],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    assert out["write_rounds"] == 3
    for name in ("copy_without_rollup", "copy", "import"):
        rounds = out[f"{name}_rows_per_s_rounds"]
        assert len(rounds) == 3 and all(r > 0 for r in rounds)
        assert out[f"{name}_rows_per_s"] == sorted(rounds)[1]  # the median
    rows = out["csv_rows"]  # a few more than asked for: a heavy release has whole days
    assert rows >= 5000
    assert out["copy_without_rollup_rows_written"] == out["copy_rows_written"] == rows
    assert out["import_rows_written"] == out["import_rows_reported"] == rows
    assert out["rows_after_rolled_back_copy"] == 0
    assert out["rollup_differences_after_import"] == 0
    for ratio in ("import_vs_copy", "copy_vs_copy_without_rollup"):
        assert out[ratio] == sorted(out[f"{ratio}_rounds"])[1]
    # the server runs on this machine: its CPU for each COPY, the trigger's share by CPU
    for name in ("copy", "copy_without_rollup"):
        spent = out[f"{name}_server_cpu_s_rounds"]
        assert len(spent) == 3 and all(s >= 0 for s in spent) and sum(spent) > 0
        assert out[f"{name}_server_cpu_s"] == sorted(spent)[1]
    assert out["copy_vs_copy_without_rollup_server_cpu"] > 0
    assert "naive_rows_per_s" not in out and "release_view_ms_p50" not in out
    assert out["machine"]["cpus"] >= 1
    with pg_admin.connect() as conn:  # the scratch database was dropped
        assert not conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": out["database"]}
        ).all()
