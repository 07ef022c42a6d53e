"""``perfdash import`` of a 200 MB file of 2 KB rows, measured: the process's peak resident
memory stays under 300 MB (chunks are sized by bytes as well as rows; with 50,000-row chunks
it peaked at 379 MB).  The import runs as a real subprocess on PostgreSQL, sampled by psutil."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest

from perfdash import store

pytestmark = pytest.mark.slow

FILE_BYTES = 200 * 1024 * 1024
ROW_BYTES = 2048
LIMIT_MB = 300


def _write_file(path: Path) -> int:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    head = "release_key,platform,metric_type,metric_value,recorded_at,source_url,notes\n"
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(head)
        written = len(head)
        while written < FILE_BYTES:
            at = (start + timedelta(seconds=rows)).strftime("%Y-%m-%dT%H:%M:%SZ")
            prefix = f"wide-1,YouTube,views,{rows},{at},https://e.test/{'u' * 900},"
            line = prefix + "n" * (ROW_BYTES - len(prefix) - 1) + "\n"  # notes under 2,000
            out.write(line)
            written += len(line)
            rows += 1
    return rows


def _peak_rss_mb(proc: subprocess.Popen) -> float:
    watched = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            rss = watched.memory_info().rss
            rss += sum(c.memory_info().rss for c in watched.children(recursive=True))
        except psutil.NoSuchProcess:
            break
        peak = max(peak, rss)
        time.sleep(0.05)
    return peak / (1024 * 1024)


def test_a_200_mb_file_of_2_kb_rows_imports_under_300_mb(pg_url, tmp_path):
    engine = store.make_engine(pg_url)
    store.create_release(engine, "wide-1", title="Wide")
    path = tmp_path / "wide.csv"
    rows = _write_file(path)
    assert path.stat().st_size >= FILE_BYTES

    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "perfdash", "import", str(path), "-q", "--database-url", pg_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = _peak_rss_mb(proc)
    out, err = proc.communicate(timeout=600)
    seconds = time.monotonic() - started
    print(
        f"rows={rows} file_mb={path.stat().st_size / 2**20:.0f} peak_rss_mb={peak:.0f} "
        f"seconds={seconds:.1f}"
    )
    assert proc.returncode == 0, err[-2000:]
    assert f"Added {rows:,} row(s)" in out, out
    assert store.count_metrics(engine) == rows
    assert 0 < peak < LIMIT_MB, f"peak RSS {peak:.0f} MB"
    engine.dispose()
