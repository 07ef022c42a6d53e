"""A short run of the load test (loadtest/run.py): gunicorn on PostgreSQL, signed-in users.

Five users for five seconds mixing dashboard views, API reads and API writes: no error,
every accepted write is in the database, and every view fired the callbacks a browser fires
(``tests/test_loadtest_run_browser.py`` holds the requests against Chromium's).  The full run (50 users, 60 s) is
``python loadtest/run.py --admin-url $PERFDASH_TEST_PG_URL``.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from conftest import PG_ADMIN_URL, need

pytestmark = pytest.mark.slow  # gunicorn and five users for five seconds

RUN = Path(__file__).resolve().parents[1] / "loadtest" / "run.py"


def test_short_load_run_has_no_errors_and_keeps_every_write(pg_admin, capsys):
    need(pg_admin is not None, f"PostgreSQL not reachable at {PG_ADMIN_URL}")
    spec = importlib.util.spec_from_file_location("perfdash_loadtest", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    status = module.main(
        ["--admin-url", PG_ADMIN_URL, "--users", "5", "--duration", "5", "--single", "3"]
    )
    result = json.loads(capsys.readouterr().out)
    assert result["errors"] == 0, result["error_samples"]
    assert result["writes"]["missing"] == 0
    assert result["writes"]["accepted"] == result["writes"]["in_database"] > 0
    views = result["latency"]["dashboard"]["requests"]
    assert views > 0
    # each view fired the callbacks a browser fires, the chart's and the records' among them
    fired = result["latency"]["dashboard_callback"]["outputs"]
    assert [n for o, n in fired.items() if "dash-series.figure" in o] == [views]
    assert [n for o, n in fired.items() if "dash-table-note.children" in o] == [views]
    assert fired["page.children"] == views
    # one user alone first, then the crowd: both measured, the crowd against the one
    assert result["single"]["views_per_s"] > 0 and result["views_per_s"] > 0
    assert result["concurrency_speedup"] == round(
        result["views_per_s"] / result["single"]["views_per_s"], 3
    )
    assert result["dashboard_view_ms_p95_single"] == result["single"]["dashboard_view_ms_p95"]
    assert result["latency"]["api_read"]["requests"] > 0
    assert status == 0
