"""Settings read from the environment, checked once at start-up.

Every worker reads the same environment, so settings are a frozen value built by
``load_settings()`` and passed down explicitly: there is no global settings object that a
request could change.  A bad value raises ``ConfigError`` naming the variable, so a deployment
fails at boot with a message instead of failing later on the first request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_SQLITE_FILE = "perfdash.sqlite3"


class ConfigError(ValueError):
    """A setting from the environment is unusable; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str | None = None
    tz: str = "UTC"
    port: int = 8050
    statement_timeout_ms: int = 15_000
    # Login policy (auth.login_policy): PERFDASH_AUTH=auto|required|off; PERFDASH_SECURE_COOKIES
    # forces the Secure flag on the session cookie (otherwise set when the request is HTTPS).
    auth: str = "auto"
    secure_cookies: bool = False

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
    if secret is not None and len(secret) < 16:
        raise ConfigError("PERFDASH_SECRET_KEY is too short: use at least 16 random characters")

    auth = env.get("PERFDASH_AUTH", "auto").strip().lower() or "auto"
    if auth not in ("auto", "required", "off"):
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
    )
