"""Settings from the environment: defaults, PaaS URLs, and clear errors naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdash.config import ConfigError, load_settings


def test_defaults_use_sqlite_in_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    s = load_settings({})
    assert s.database_url == f"sqlite:///{Path(tmp_path) / 'perfdash.sqlite3'}"
    assert (s.tz, s.port, s.secret_key) == ("UTC", 8050, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "postgres://u:p@db.example.com:5432/app",
            "postgresql+psycopg://u:p@db.example.com:5432/app",
        ),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_urls_are_normalised_to_psycopg3(raw, expected):
    assert load_settings({"DATABASE_URL": raw}).database_url == expected


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL"),
        ({"PERFDASH_TZ": "Mars/Olympus"}, "PERFDASH_TZ"),
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"PERFDASH_SECRET_KEY": "short"}, "PERFDASH_SECRET_KEY"),
        ({"PERFDASH_STATEMENT_TIMEOUT_MS": "-5"}, "PERFDASH_STATEMENT_TIMEOUT_MS"),
    ],
)
def test_bad_values_name_the_variable(env, variable):
    with pytest.raises(ConfigError, match=variable):
        load_settings(env)


def test_time_zone_and_port():
    s = load_settings(
        {"PERFDASH_TZ": "Europe/Berlin", "PORT": "9000", "PERFDASH_SECRET_KEY": "x" * 32}
    )
    assert (s.tz, s.port, s.secret_key) == ("Europe/Berlin", 9000, "x" * 32)
