"""What every ``perfdash`` command shares: its settings, its engine, and one-line failures.

A command reads the settings once (``config.load_settings``: the environment, with
``--database-url`` on top) and ends with a one-line message, never a traceback, when the
settings or the database fail.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import click
from sqlalchemy.engine import Engine

from perfdash import store
from perfdash.config import ConfigError, Settings, load_settings, normalise_database_url


def settings_for(database_url: str | None) -> Settings:
    try:
        settings = load_settings()
        if database_url:
            settings = settings.with_(database_url=normalise_database_url(database_url))
        return settings
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@contextlib.contextmanager
def db_errors() -> Iterator[None]:
    """A database failure ends the command with its one-line message, never a traceback."""
    try:
        yield
    except store.PerformanceDbError as exc:
        raise click.ClickException(str(exc)) from None


def engine_for(settings: Settings) -> Engine:
    return store.engine_from_settings(settings)


database_url_option = click.option(
    "--database-url",
    help="Database to use (default: $DATABASE_URL or ./perfdash.sqlite3).",
)


def read_password(password_stdin: bool, prompt: str = "Password") -> str:
    """From one line of stdin (scripts) or typed twice without echo (people); never logged."""
    if password_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


password_stdin_option = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
