"""Settings from the environment: defaults, PaaS URLs, the alert rules, the collectors' keys,
and clear errors naming the variable."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from perfdash import auth
from perfdash.collectors import deezer, lastfm, spotify, youtube
from perfdash.config import (
    COLLECTOR_ENV_NAMES,
    MIN_SECRET_KEY,
    ConfigError,
    Settings,
    load_settings,
)
from perfdash.metrics import SpikeRule, StaleRule

ROOT = Path(__file__).resolve().parents[1]


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


# --------------------------------------------------------------------------- the secret key


def test_the_secret_key_needs_the_same_length_everywhere():
    """One minimum: the environment check, the session check and the docs all say 32."""
    assert MIN_SECRET_KEY == 32
    assert auth.MIN_SECRET_KEY is MIN_SECRET_KEY
    short, enough = "k1" * 15 + "x", "0123456789abcdef" * 2
    assert len(short) == MIN_SECRET_KEY - 1 and len(enough) == MIN_SECRET_KEY
    with pytest.raises(ConfigError, match="PERFDASH_SECRET_KEY is too short: use at least 32"):
        load_settings({"PERFDASH_SECRET_KEY": short})
    assert load_settings({"PERFDASH_SECRET_KEY": enough}).secret_key == enough
    auth.check_secret_key(enough)  # what load_settings lets through, signing accepts
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    said = {
        int(n)
        for path in docs
        if path.exists()
        for n in re.findall(r"at least (\d+) random characters", path.read_text())
    }
    assert said <= {MIN_SECRET_KEY}, "a document asks for another key length"


# --------------------------------------------------------------------------- alert settings


def test_spike_and_stale_rules_default_to_the_metrics_defaults():
    s = load_settings({})
    assert s.spike_rule == SpikeRule() and s.stale_rule == StaleRule()
    assert Settings(database_url="sqlite://").spike_rule == SpikeRule()
    assert (s.public_url, s.alert_webhook) == (None, None)


def test_spike_and_stale_rules_from_the_environment():
    s = load_settings(
        {
            "PERFDASH_SPIKE_FACTOR": "8",
            "PERFDASH_SPIKE_WINDOW_DAYS": "21",
            "PERFDASH_SPIKE_MIN_HISTORY": "5",
            "PERFDASH_SPIKE_MIN_GAIN": "250",
            "PERFDASH_STALE_HOURS": "6",
        }
    )
    assert s.spike_rule == SpikeRule(factor=8, window_days=21, min_history=5, min_gain=250)
    assert s.stale_rule.fallback_hours == 6
    assert s.stale_rule.stale_after_hours(None) == 6 and s.stale_rule.stale_after_hours(24) == 48


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PERFDASH_SPIKE_FACTOR": "lots"}, "PERFDASH_SPIKE_FACTOR='lots' must be a number"),
        ({"PERFDASH_SPIKE_WINDOW_DAYS": "1.5"}, "PERFDASH_SPIKE_WINDOW_DAYS='1.5' must be a"),
        ({"PERFDASH_SPIKE_MIN_HISTORY": "x"}, "PERFDASH_SPIKE_MIN_HISTORY='x' must be a number"),
        ({"PERFDASH_SPIKE_MIN_GAIN": "-"}, "PERFDASH_SPIKE_MIN_GAIN='-' must be a number"),
        ({"PERFDASH_SPIKE_FACTOR": "1"}, r"PERFDASH_SPIKE_\*: spike factor must be greater"),
        ({"PERFDASH_SPIKE_WINDOW_DAYS": "1"}, r"PERFDASH_SPIKE_\*: spike window"),
        ({"PERFDASH_STALE_HOURS": "soon"}, "PERFDASH_STALE_HOURS='soon' must be a number"),
        ({"PERFDASH_STALE_HOURS": "0"}, "PERFDASH_STALE_HOURS=0 must be greater than 0"),
        ({"PERFDASH_STALE_HOURS": "-3"}, "PERFDASH_STALE_HOURS=-3 must be greater than 0"),
    ],
)
def test_bad_rule_values_name_the_variable(env, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(env)


def test_public_url_and_webhook():
    s = load_settings(
        {"PERFDASH_PUBLIC_URL": " https://pd.example/ ", "PERFDASH_ALERT_WEBHOOK": "https://h/x"}
    )
    assert (s.public_url, s.alert_webhook) == ("https://pd.example/", "https://h/x")
    empty = load_settings({"PERFDASH_PUBLIC_URL": "", "PERFDASH_ALERT_WEBHOOK": "  "})
    assert (empty.public_url, empty.alert_webhook) == (None, None)


# --------------------------------------------------------------------------- collectors


def test_collector_env_holds_only_the_collectors_variables_that_are_set():
    env = {
        "YOUTUBE_API_KEY": "yt-SECRET",
        "SPOTIFY_CLIENT_ID": "",  # empty is not set
        "PERFDASH_DEEZER_BASE_URL": "http://127.0.0.1:9",
        "HOME": "/root",
        "PERFDASH_SECRET_KEY": "s" * 16 + "0123456789abcdef",
    }
    collector_env = load_settings(env).collector_env
    assert dict(collector_env) == {
        "YOUTUBE_API_KEY": "yt-SECRET",
        "PERFDASH_DEEZER_BASE_URL": "http://127.0.0.1:9",
    }
    with pytest.raises(TypeError):
        collector_env["LASTFM_API_KEY"] = "x"  # read-only
    assert load_settings({}).collector_env == {} == Settings(database_url="sqlite://").collector_env


def test_secrets_never_appear_in_repr():
    values = {
        "PERFDASH_SECRET_KEY": "sk-" + "0123456789abcdef" * 2,
        "PERFDASH_ALERT_WEBHOOK": "https://hooks.example/T000/B000/hook-q7w8e9",
        "YOUTUBE_API_KEY": "yt-k3y-a1b2",
        "SPOTIFY_CLIENT_SECRET": "sp-c1i3nt-z9y8",
    }
    s = load_settings(values)
    for text in (repr(s), str(s), repr(s.collector_env), f"{s}"):
        for value in values.values():
            assert value not in text
    assert "YOUTUBE_API_KEY" in repr(s.collector_env)  # which are set is not a secret
    assert pickle.loads(pickle.dumps(s)) == s  # a job may carry the settings to a worker
    hash(s)  # frozen and hashable, collector_env included


def test_collector_env_names_every_variable_the_collectors_read():
    """The list in config and the names the collectors declare stay equal."""
    declared = set()
    for module in (deezer, lastfm, spotify, youtube):
        declared |= set(module.CREDENTIALS)
        declared.add(module.BASE_URL_ENV)
        if hasattr(module, "ACCOUNTS_URL_ENV"):
            declared.add(module.ACCOUNTS_URL_ENV)
    assert declared == set(COLLECTOR_ENV_NAMES)


# Modules that still read the environment themselves until the collection run takes
# ``settings.collector_env`` from every caller (the "Collect now" panel passes nothing yet).
STILL_READING_THE_ENVIRONMENT: set[str] = set()


def test_only_config_reads_the_environment():
    readers = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "perfdash").rglob("*.py")
        if re.search(r"os\.environ|os\.getenv|getenv\(", path.read_text())
    }
    assert readers - STILL_READING_THE_ENVIRONMENT == {"perfdash/config.py"}


def test_session_idle_minutes():
    assert load_settings({}).session_idle_minutes == 60
    assert load_settings({"PERFDASH_SESSION_IDLE_MINUTES": "15"}).session_idle_minutes == 15
    for bad, words in (("0", "at least 1"), ("abc", "whole number"), ("721", "12-hour")):
        with pytest.raises(ConfigError, match="PERFDASH_SESSION_IDLE_MINUTES") as caught:
            load_settings({"PERFDASH_SESSION_IDLE_MINUTES": bad})
        assert words in str(caught.value)
