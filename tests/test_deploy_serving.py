"""What a server on the network refuses, in one line: gunicorn on the embedded SQLite file
(unless PERFDASH_ALLOW_SQLITE=1) and a missing secret key; and the new settings' checks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import free_port, need

from perfdash.config import ConfigError, load_settings, require_server_database

ROOT = Path(__file__).resolve().parent.parent


def run_gunicorn(env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    binary = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    need(binary is not None, "gunicorn is not installed")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PERFDASH_", "DATABASE_"))}
    return subprocess.run(
        [binary, "app:server", "--workers", "3", "--bind", f"127.0.0.1:{free_port()}"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.slow
def test_gunicorn_refuses_sqlite_in_one_line(tmp_path):
    done = run_gunicorn({"PERFDASH_SECRET_KEY": "x" * 8 + "abcdefghijklmnopqrstuvwxyz0123"})
    assert done.returncode != 0
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "DATABASE_URL" in lines[0] and "PERFDASH_ALLOW_SQLITE=1" in lines[0]
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_gunicorn_refuses_a_missing_secret_key_in_one_line(pg_url):
    done = run_gunicorn({"DATABASE_URL": pg_url})
    assert done.returncode != 0
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert len(lines) == 1 and "PERFDASH_SECRET_KEY is not set" in lines[0], lines


def test_sqlite_is_refused_for_a_server_unless_allowed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="PERFDASH_ALLOW_SQLITE=1"):
        require_server_database(load_settings({}))
    require_server_database(load_settings({"PERFDASH_ALLOW_SQLITE": "1"}))
    require_server_database(load_settings({"DATABASE_URL": "postgres://u@h/db"}))


def test_deployment_settings_defaults():
    s = load_settings({"DATABASE_URL": "postgres://u@h/db"})
    assert (s.db_pool_size, s.db_max_overflow, s.db_pooler) == (2, 2, None)
    assert (s.job_executor, s.redis_url, s.replica_url) == ("thread", None, None)
    assert (s.collect_schedule, s.alerts_schedule) == ("15 6 * * *", "45 6 * * *")
    s = load_settings(
        {
            "DATABASE_URL": "postgres://u@h/db",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "DATABASE_REPLICA_URL": "postgres://u@replica/db",
            "PERFDASH_DB_POOLER": "transaction",
            "PERFDASH_COLLECT_SCHEDULE": "off",
            "PERFDASH_ALERTS_SCHEDULE": " 0  7 * *  1-5 ",
        }
    )
    assert s.job_executor == "celery" and s.db_pooler == "transaction"
    assert s.replica_url == "postgresql+psycopg://u@replica/db"
    assert (s.collect_schedule, s.alerts_schedule) == (None, "0 7 * * 1-5")
    assert "127.0.0.1:6379" not in repr(s) and "replica/db" not in repr(s)  # secrets inside


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"PERFDASH_DB_POOLER": "statement"}, "PERFDASH_DB_POOLER"),
        ({"PERFDASH_DB_POOL_SIZE": "0"}, "PERFDASH_DB_POOL_SIZE"),
        ({"PERFDASH_DB_MAX_OVERFLOW": "-1"}, "PERFDASH_DB_MAX_OVERFLOW"),
        ({"REDIS_URL": "http://x"}, "REDIS_URL"),
        ({"PERFDASH_JOB_EXECUTOR": "celery"}, "REDIS_URL"),
        ({"PERFDASH_JOB_EXECUTOR": "rq"}, "PERFDASH_JOB_EXECUTOR"),
        ({"DATABASE_REPLICA_URL": "sqlite:///x"}, "DATABASE_REPLICA_URL"),
        ({"PERFDASH_COLLECT_SCHEDULE": "every day"}, "PERFDASH_COLLECT_SCHEDULE"),
        ({"PERFDASH_ALERTS_SCHEDULE": "1 2 3"}, "PERFDASH_ALERTS_SCHEDULE"),
        ({"PERFDASH_JOB_QUEUE": "a b"}, "PERFDASH_JOB_QUEUE"),
        ({"PERFDASH_ALLOW_SQLITE": "perhaps"}, "PERFDASH_ALLOW_SQLITE"),
    ],
)
def test_bad_deployment_settings_name_their_variable(env, variable):
    with pytest.raises(ConfigError, match=variable):
        load_settings(env)
