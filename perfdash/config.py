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
    PERFDASH_SESSION_IDLE_MINUTES   session_idle_minutes (a session unused this long ends)
    PERFDASH_SPIKE_FACTOR, _WINDOW_DAYS, _MIN_HISTORY, _MIN_GAIN     spike_rule
    PERFDASH_STALE_HOURS            stale_rule (its fallback when a release has no cadence)
    PERFDASH_PUBLIC_URL             public_url (links in alert messages)
    PERFDASH_ALERT_WEBHOOK          alert_webhook (where ``perfdash alerts --notify`` posts)
    COLLECTOR_ENV_NAMES             collector_env (API keys and base-URL overrides)
    PERFDASH_ALLOW_SQLITE           allow_sqlite (gunicorn serves a SQLite file only when set)
    PERFDASH_DB_POOLER              db_pooler: "transaction" behind PgBouncer-style poolers
    PERFDASH_DB_POOL_SIZE, _MAX_OVERFLOW   db_pool_size, db_max_overflow (per process)
    PERFDASH_LOCK_TIMEOUT_MS        lock_timeout_ms (how long `perfdash db upgrade` waits on a lock)
    DATABASE_REPLICA_URL            replica_url (the dashboards' reads)
    REDIS_URL                       redis_url (Celery's broker, the sign-in limiter's storage)
    PERFDASH_REDIS_TLS_VERIFY       redis_tls_verify (0 for a rediss:// server with a self-signed
                                    certificate, as Heroku Redis has)
    PERFDASH_JOB_EXECUTOR           job_executor: thread, or celery (the default with REDIS_URL)
    PERFDASH_JOB_QUEUE, _STALE_SECONDS, _REDELIVER_SECONDS   job_queue, job_stale_seconds,
                                    job_redeliver_seconds
    PERFDASH_COLLECT_SCHEDULE, PERFDASH_ALERTS_SCHEDULE     collect_schedule, alerts_schedule
    PERFDASH_DIGEST_SCHEDULE        digest_schedule (digests to their subscribers, perfdash.digests)
    PERFDASH_SMTP_URL               smtp_url: smtp://user:password@host:587?starttls=1&from=a@b.c
                                    (smtps:// for TLS from the start) for emailed digests
    PERFDASH_MAX_UPLOAD_MB          max_upload_mb (the largest CSV file the page or the API takes)
    PERFDASH_EMBED_ORIGINS          embed_origins (the sites that may frame share links; none by
                                    default), origins separated by commas or spaces
                                    (cron strings in UTC for `perfdash worker --beat`)

Secrets (the session key, the webhook URL, the SMTP URL, the collectors' keys) are left out of ``repr``, so
logging a Settings value never prints them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from perfdash.metrics import SpikeRule, StaleRule

DEFAULT_SQLITE_FILE = "perfdash.sqlite3"
MIN_SECRET_KEY = 32  # characters; the README's advice and auth's check for signing sessions
DEFAULT_SESSION_IDLE_MINUTES = 60
MAX_SESSION_IDLE_MINUTES = 12 * 60  # the absolute lifetime: a longer idle limit would never act
AUTH_MODES = ("auto", "required", "off")
POOLER_MODES = ("transaction", "session")
JOB_EXECUTORS = ("thread", "celery")
# A hobby PostgreSQL plan allows about 20 connections: 3 web workers and a job worker at
# 2 + 2 each stay under it (SQLAlchemy's own 5 + 5 made 30 per web dyno).
DEFAULT_POOL_SIZE = 2
DEFAULT_MAX_OVERFLOW = 2
DEFAULT_COLLECT_SCHEDULE = "15 6 * * *"  # daily 06:15 UTC
DEFAULT_ALERTS_SCHEDULE = "45 6 * * *"  # after the collection
DEFAULT_DIGEST_SCHEDULE = "0 7 * * *"  # after the alerts; a week's digest goes on Mondays
DEFAULT_MAX_UPLOAD_MB = 50
_CRON_FIELD = re.compile(r"^[0-9*,/\-]+$|^[A-Za-z]{3}(-[A-Za-z]{3})?$")
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
    # a signed-in session ends after this many minutes without a request (auth.SESSION_LIFETIME
    # ends it 12 hours after sign-in whatever happens)
    session_idle_minutes: int = DEFAULT_SESSION_IDLE_MINUTES
    spike_rule: SpikeRule = field(default_factory=SpikeRule)
    stale_rule: StaleRule = field(default_factory=StaleRule)
    public_url: str | None = None
    alert_webhook: str | None = field(default=None, repr=False)
    collector_env: CollectorEnv = field(default_factory=CollectorEnv, repr=False)
    # deployment past one machine
    allow_sqlite: bool = False
    db_pooler: str | None = None
    db_pool_size: int = DEFAULT_POOL_SIZE
    db_max_overflow: int = DEFAULT_MAX_OVERFLOW
    lock_timeout_ms: int = 10_000
    replica_url: str | None = field(default=None, repr=False)
    redis_url: str | None = field(default=None, repr=False)
    redis_tls_verify: bool = True
    job_executor: str = "thread"
    job_queue: str = "perfdash"
    job_stale_seconds: int = 60
    job_redeliver_seconds: int = 600
    collect_schedule: str | None = DEFAULT_COLLECT_SCHEDULE
    alerts_schedule: str | None = DEFAULT_ALERTS_SCHEDULE
    digest_schedule: str | None = DEFAULT_DIGEST_SCHEDULE
    # where emailed digests go out (perfdash.digests.deliver); it may carry a password
    smtp_url: str | None = field(default=None, repr=False)
    # the largest file the page's upload and POST /api/v1/imports take (web.limits)
    max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB
    # the origins (https://intranet.example) whose pages may frame a share link (web.shares)
    embed_origins: tuple[str, ...] = ()

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
        session_idle_minutes=_session_idle(env),
        spike_rule=_spike_rule(env),
        stale_rule=_stale_rule(env),
        public_url=_optional_text(env, PUBLIC_URL_ENV),
        alert_webhook=_optional_text(env, ALERT_WEBHOOK_ENV),
        collector_env=CollectorEnv({n: env[n] for n in COLLECTOR_ENV_NAMES if env.get(n)}),
        **_deployment(env),
    )


def require_server_database(settings: Settings) -> None:
    """A server on the network (gunicorn) refuses the embedded SQLite file unless told so:
    on a PaaS it is one database per dyno on an ephemeral disk, gone at the next deploy."""
    if settings.is_sqlite and not settings.allow_sqlite:
        raise ConfigError(
            "DATABASE_URL is not a PostgreSQL URL: gunicorn would serve a SQLite file on this "
            "machine's disk (one database per machine, lost at the next deploy). Set "
            "DATABASE_URL to your PostgreSQL database, or PERFDASH_ALLOW_SQLITE=1 for one "
            "machine with a lasting disk."
        )


def _flag(env: Mapping[str, str], name: str, *, default: bool = False) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw not in ("", "0", "1", "true", "false", "yes", "no"):
        raise ConfigError(f"{name}={raw!r} must be 1/true or 0/false")
    return default if raw == "" else raw in ("1", "true", "yes")


def _whole(env: Mapping[str, str], name: str, default: int, *, low: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < low:
        raise ConfigError(f"{name}={raw!r} must be a whole number of at least {low}")
    return int(raw)


def _session_idle(env: Mapping[str, str]) -> int:
    minutes = _whole(env, "PERFDASH_SESSION_IDLE_MINUTES", DEFAULT_SESSION_IDLE_MINUTES, low=1)
    if minutes > MAX_SESSION_IDLE_MINUTES:
        raise ConfigError(
            f"PERFDASH_SESSION_IDLE_MINUTES={minutes} is past the 12-hour lifetime of a session "
            f"({MAX_SESSION_IDLE_MINUTES} minutes): use at most {MAX_SESSION_IDLE_MINUTES}"
        )
    return minutes


def _schedule(env: Mapping[str, str], name: str, default: str) -> str | None:
    """A five-field cron string (UTC), or None when set to "off" or empty."""
    raw = env.get(name)
    if raw is None:
        return default
    raw = " ".join(raw.split())
    if raw.lower() in ("", "off", "none"):
        return None
    fields = raw.split(" ")
    if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
        raise ConfigError(
            f"{name}={raw!r} must be a cron string of five fields (minute hour day month "
            "weekday, UTC), e.g. '15 6 * * *', or 'off'"
        )
    return raw


def _deployment(env: Mapping[str, str]) -> dict[str, object]:
    """The settings of a deployment past one machine: pooler, pool, replica, jobs, schedules."""
    pooler = (env.get("PERFDASH_DB_POOLER") or "").strip().lower() or None
    if pooler is not None and pooler not in POOLER_MODES:
        raise ConfigError(f"PERFDASH_DB_POOLER={pooler!r} must be transaction, session or unset")
    replica_raw = env.get("DATABASE_REPLICA_URL")
    replica = normalise_database_url(replica_raw) if replica_raw else None
    if replica and replica.startswith("sqlite"):
        raise ConfigError("DATABASE_REPLICA_URL must be a PostgreSQL URL (a read replica)")
    redis_url = (env.get("REDIS_URL") or "").strip() or None
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(
            f"REDIS_URL must start with redis:// or rediss:// (got {redis_url[:8]!r}...)"
        )
    executor = (env.get("PERFDASH_JOB_EXECUTOR") or "").strip().lower()
    executor = executor or ("celery" if redis_url else "thread")
    if executor not in JOB_EXECUTORS:
        raise ConfigError(f"PERFDASH_JOB_EXECUTOR={executor!r} must be thread or celery")
    if executor == "celery" and not redis_url:
        raise ConfigError("PERFDASH_JOB_EXECUTOR=celery needs REDIS_URL (Celery's broker)")
    queue = (env.get("PERFDASH_JOB_QUEUE") or "perfdash").strip()
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", queue):
        raise ConfigError(f"PERFDASH_JOB_QUEUE={queue!r} must be letters, digits, '.', '_' or '-'")
    return {
        "allow_sqlite": _flag(env, "PERFDASH_ALLOW_SQLITE"),
        "db_pooler": pooler,
        "db_pool_size": _whole(env, "PERFDASH_DB_POOL_SIZE", DEFAULT_POOL_SIZE, low=1),
        "db_max_overflow": _whole(env, "PERFDASH_DB_MAX_OVERFLOW", DEFAULT_MAX_OVERFLOW),
        "lock_timeout_ms": _whole(env, "PERFDASH_LOCK_TIMEOUT_MS", 10_000),
        "replica_url": replica,
        "redis_url": redis_url,
        "redis_tls_verify": _flag(env, "PERFDASH_REDIS_TLS_VERIFY", default=True),
        "job_executor": executor,
        "job_queue": queue,
        "job_stale_seconds": _whole(env, "PERFDASH_JOB_STALE_SECONDS", 60, low=2),
        "job_redeliver_seconds": _whole(env, "PERFDASH_JOB_REDELIVER_SECONDS", 600, low=1),
        "collect_schedule": _schedule(env, "PERFDASH_COLLECT_SCHEDULE", DEFAULT_COLLECT_SCHEDULE),
        "alerts_schedule": _schedule(env, "PERFDASH_ALERTS_SCHEDULE", DEFAULT_ALERTS_SCHEDULE),
        "digest_schedule": _schedule(env, "PERFDASH_DIGEST_SCHEDULE", DEFAULT_DIGEST_SCHEDULE),
        "smtp_url": _optional_text(env, "PERFDASH_SMTP_URL"),
        "max_upload_mb": _whole(env, "PERFDASH_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB, low=1),
        "embed_origins": embed_origins(env.get("PERFDASH_EMBED_ORIGINS")),
    }


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def embed_origins(raw: str | None) -> tuple[str, ...]:
    """The origins that may frame share links: ``scheme://host[:port]`` each, nothing else
    (a path, a wildcard or a quote would widen or break the Content-Security-Policy)."""
    origins = []
    for part in re.split(r"[\s,]+", (raw or "").strip()):
        if not part:
            continue
        origin = part.rstrip("/").lower()
        if not _ORIGIN.fullmatch(origin):
            raise ConfigError(
                f"PERFDASH_EMBED_ORIGINS: {part[:60]!r} is not an origin such as "
                "https://intranet.example.com (scheme and host, no path, no wildcard)"
            )
        if origin not in origins:
            origins.append(origin)
    return tuple(origins)


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
