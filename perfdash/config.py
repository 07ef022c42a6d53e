"""Every setting perfdash reads from the environment, checked once at start-up.

Every worker reads the same environment, so settings are a frozen value built by
``load_settings()`` and passed down explicitly: there is no global settings object that a
request could change, and no module reads ``os.environ`` on its own.  A bad value raises
``ConfigError`` naming the variable, so a deployment fails at boot with a message instead of
failing later on the first request or the first render.

    DATABASE_URL                    database_url (default: ./perfdash.sqlite3)
    PERFDASH_TZ                     tz
    PORT                            port
    PERFDASH_STATEMENT_TIMEOUT_MS   statement_timeout_ms
    PERFDASH_SECRET_KEY             secret_key (at least MIN_SECRET_KEY characters)
    PERFDASH_AUTH                   auth: auto, required or off (see ``auth.login_policy``)
    PERFDASH_SECURE_COOKIES         secure_cookies
    PERFDASH_SPIKE_FACTOR, _WINDOW_DAYS, _MIN_HISTORY, _MIN_GAIN     spike_rule
    PERFDASH_STALE_HOURS            stale_rule (its fallback when a release has no cadence)
    PERFDASH_PUBLIC_URL             public_url (links in alert messages)
    PERFDASH_ALERT_WEBHOOK          alert_webhook (where ``perfdash alerts --notify`` posts)
    COLLECTOR_ENV_NAMES             collector_env (API keys and base-URL overrides)

Secrets (the session key, the webhook URL, the collectors' keys) are left out of ``repr``, so
logging a Settings value never prints them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from perfdash.metrics import SpikeRule, StaleRule

DEFAULT_SQLITE_FILE = "perfdash.sqlite3"
MIN_SECRET_KEY = 32  # characters; the README's advice and auth's check for signing sessions
AUTH_MODES = ("auto", "required", "off")
PUBLIC_URL_ENV = "PERFDASH_PUBLIC_URL"
ALERT_WEBHOOK_ENV = "PERFDASH_ALERT_WEBHOOK"
STALE_HOURS_ENV = "PERFDASH_STALE_HOURS"
# What the collectors may read: each platform's credentials and the base-URL overrides that
# point them at a test server.  The collectors name the same variables (CREDENTIALS,
# BASE_URL_ENV, ACCOUNTS_URL_ENV); a test keeps the two lists equal.
COLLECTOR_ENV_NAMES = (
    "YOUTUBE_API_KEY",
    "LASTFM_API_KEY",
    "SPOTIFY_CLIENT_ID",
    "SPOTIFY_CLIENT_SECRET",
    "PERFDASH_YOUTUBE_BASE_URL",
    "PERFDASH_LASTFM_BASE_URL",
    "PERFDASH_DEEZER_BASE_URL",
    "PERFDASH_SPOTIFY_API_URL",
    "PERFDASH_SPOTIFY_ACCOUNTS_URL",
)


class ConfigError(ValueError):
    """A setting from the environment is unusable; the message names the variable."""


class CollectorEnv(Mapping[str, str]):
    """The collectors' variables that are set, as a read-only mapping (what ``collect.run``
    takes as ``env``).  Its repr names the variables, never their values: they are API keys."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self._values = dict(values or {})

    def __getitem__(self, name: str) -> str:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        return hash(frozenset(self._values.items()))

    def __repr__(self) -> str:
        return f"CollectorEnv({', '.join(sorted(self._values))})"

    def __reduce__(self):
        return (CollectorEnv, (dict(self._values),))


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str | None = field(default=None, repr=False)
    tz: str = "UTC"
    port: int = 8050
    statement_timeout_ms: int = 15_000
    # Login policy (auth.login_policy): PERFDASH_AUTH=auto|required|off; PERFDASH_SECURE_COOKIES
    # forces the Secure flag on the session cookie (otherwise set when the request is HTTPS).
    auth: str = "auto"
    secure_cookies: bool = False
    spike_rule: SpikeRule = field(default_factory=SpikeRule)
    stale_rule: StaleRule = field(default_factory=StaleRule)
    public_url: str | None = None
    alert_webhook: str | None = field(default=None, repr=False)
    collector_env: CollectorEnv = field(default_factory=CollectorEnv, repr=False)

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def normalise_database_url(raw: str) -> str:
    """Accept what PaaS providers hand out and always talk to PostgreSQL through psycopg 3.

    Heroku-style ``postgres://`` and plain ``postgresql://`` would otherwise select psycopg2,
    which perfdash does not install.
    """
    url = raw.strip()
    if not url:
        raise ConfigError("DATABASE_URL is empty; unset it to use the embedded SQLite file")
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
            break
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"DATABASE_URL is not a database URL ({exc})") from None
    if parsed.get_backend_name() not in ("postgresql", "sqlite"):
        raise ConfigError(
            f"DATABASE_URL uses {parsed.get_backend_name()!r}; perfdash supports postgresql:// "
            "and sqlite:///"
        )
    return url


def default_sqlite_url(directory: Path | None = None) -> str:
    path = (directory or Path.cwd()) / DEFAULT_SQLITE_FILE
    return f"sqlite:///{path}"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    raw_url = env.get("DATABASE_URL")
    database_url = normalise_database_url(raw_url) if raw_url is not None else default_sqlite_url()

    tz = env.get("PERFDASH_TZ", "UTC").strip() or "UTC"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"PERFDASH_TZ={tz!r} is not an IANA time zone (e.g. UTC, Europe/Berlin)"
        ) from None

    port_raw = env.get("PORT", "8050").strip()
    if not port_raw.isdigit() or not 0 < int(port_raw) < 65536:
        raise ConfigError(f"PORT={port_raw!r} must be a whole number between 1 and 65535")

    timeout_raw = env.get("PERFDASH_STATEMENT_TIMEOUT_MS", "15000").strip()
    if not timeout_raw.isdigit():
        raise ConfigError(
            f"PERFDASH_STATEMENT_TIMEOUT_MS={timeout_raw!r} must be a whole number of milliseconds"
        )

    secret = env.get("PERFDASH_SECRET_KEY") or None
    if secret is not None and len(secret) < MIN_SECRET_KEY:
        raise ConfigError(
            f"PERFDASH_SECRET_KEY is too short: use at least {MIN_SECRET_KEY} random characters"
        )

    auth = env.get("PERFDASH_AUTH", "auto").strip().lower() or "auto"
    if auth not in AUTH_MODES:
        raise ConfigError(f"PERFDASH_AUTH={auth!r} must be auto, required or off")
    secure_raw = env.get("PERFDASH_SECURE_COOKIES", "").strip().lower()
    if secure_raw not in ("", "0", "1", "true", "false", "yes", "no"):
        raise ConfigError(f"PERFDASH_SECURE_COOKIES={secure_raw!r} must be 1/true or 0/false")

    return Settings(
        database_url=database_url,
        secret_key=secret,
        tz=tz,
        port=int(port_raw),
        statement_timeout_ms=int(timeout_raw),
        auth=auth,
        secure_cookies=secure_raw in ("1", "true", "yes"),
        spike_rule=_spike_rule(env),
        stale_rule=_stale_rule(env),
        public_url=_optional_text(env, PUBLIC_URL_ENV),
        alert_webhook=_optional_text(env, ALERT_WEBHOOK_ENV),
        collector_env=CollectorEnv({n: env[n] for n in COLLECTOR_ENV_NAMES if env.get(n)}),
    )


def _optional_text(env: Mapping[str, str], name: str) -> str | None:
    return (env.get(name) or "").strip() or None


def _number(env: Mapping[str, str], name: str, default: float, kind: type = float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} must be a number") from None


def _spike_rule(env: Mapping[str, str]) -> SpikeRule:
    """The spike rule with any PERFDASH_SPIKE_* overrides; a bad value names its variable."""
    d = SpikeRule()
    values = {
        "factor": _number(env, "PERFDASH_SPIKE_FACTOR", d.factor),
        "window_days": int(_number(env, "PERFDASH_SPIKE_WINDOW_DAYS", d.window_days, int)),
        "min_history": int(_number(env, "PERFDASH_SPIKE_MIN_HISTORY", d.min_history, int)),
        "min_gain": _number(env, "PERFDASH_SPIKE_MIN_GAIN", d.min_gain),
    }
    try:
        return SpikeRule(**values)
    except ValueError as exc:
        raise ConfigError(f"PERFDASH_SPIKE_*: {exc}") from None


def _stale_rule(env: Mapping[str, str]) -> StaleRule:
    """The staleness rule; PERFDASH_STALE_HOURS is its limit for releases without a cadence
    to infer (fewer than three collection runs)."""
    hours = _number(env, STALE_HOURS_ENV, StaleRule().fallback_hours)
    if not hours > 0:
        raise ConfigError(f"{STALE_HOURS_ENV}={hours:g} must be greater than 0")
    return StaleRule(fallback_hours=hours)
