"""``perfdash token ...`` (API tokens) and ``perfdash user ...`` (web users)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from perfdash import auth, store
from perfdash.cli.common import (
    database_url_option,
    db_errors,
    engine_for,
    password_stdin_option,
    read_password,
    settings_for,
)

artist_option = click.option(
    "--artist",
    multiple=True,
    help="Limit the account to this artist's releases (repeat for several; viewer only). "
    "Without it the account reads the whole catalog.",
)


def _limited(artists: tuple[str, ...]) -> str:
    names = sorted({a.strip() for a in artists} - {""})
    return f", limited to {', '.join(names)}" if names else ""


def _scope(row: dict) -> str:
    """The artists an account is limited to, as the lists show it last (nothing: it reads
    the whole catalog)."""
    return "\tartists: " + ", ".join(row["artists"]) if row.get("artists") else ""


@click.group()
def token() -> None:
    """API tokens for /api/v1 (stored hashed; shown once)."""


@token.command("create")
@click.option("--name", required=True, help="A name to recognise and revoke the token by.")
@click.option(
    "--role",
    type=click.Choice(["editor", "viewer"]),
    default="viewer",
    show_default=True,
    help="editor may write through the API; viewer may only read.",
)
@artist_option
@database_url_option
def token_create(name: str, role: str, artist: tuple[str, ...], database_url: str | None) -> None:
    """Create a token and print it once (it cannot be shown again)."""
    engine = engine_for(settings_for(database_url))
    try:
        value = auth.create_token(engine, name, role, artist)
    except (ValueError, store.PerformanceDbError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(value)
    click.echo(
        f"Token {name!r} ({role}{_limited(artist)}) created. Store it now: it is not shown again. "
        "Send it as 'Authorization: Bearer <token>'.",
        err=True,
    )


@token.command("revoke")
@click.argument("name")
@database_url_option
def token_revoke(name: str, database_url: str | None) -> None:
    """Revoke the token called NAME; requests with it are refused from now on."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        done = store.revoke_api_token(engine, name)
    if not done:
        raise click.ClickException(f"No token named {name!r}")
    click.echo(f"Token {name!r} revoked.")


@token.command("list")
@database_url_option
def token_list(database_url: str | None) -> None:
    """Tokens by name, role, creation and last use (never the token itself)."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        rows = store.list_api_tokens(engine)
    if not rows:
        click.echo("No API tokens. Create one with `perfdash token create --name NAME`.")
        return
    for row in rows:
        used = row["last_used_at"].strftime("%Y-%m-%d %H:%M") if row["last_used_at"] else "never"
        state = "revoked" if row["revoked"] else "active"
        click.echo(f"{row['name']}\t{row['role']}\t{state}\tlast used {used}{_scope(row)}")


@click.group()
def user() -> None:
    """Web users: add, change a password or role, remove, list, sign out."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["viewer", "editor", "admin"]),
    required=True,
    help="viewer reads; editor also writes; admin also manages users and tokens.",
)
@artist_option
@password_stdin_option
@database_url_option
def user_add(
    name: str, role: str, artist: tuple[str, ...], password_stdin: bool, database_url: str | None
) -> None:
    """Create user NAME with a role and a password."""
    engine = engine_for(settings_for(database_url))
    try:
        store.apply_schema(engine)
        if store.get_user(engine, name.strip()):
            raise click.ClickException(f"A user named {name.strip()!r} already exists")
        auth.clean_artists(engine, artist, role, "user")  # before the password is asked for
        password = read_password(password_stdin)
        auth.add_user(engine, name, password, role, artist)
    except (ValueError, store.PerformanceDbError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Added user {name.strip()!r} with role {role}{_limited(artist)}.")


@user.command("passwd")
@click.argument("name")
@password_stdin_option
@database_url_option
def user_passwd(name: str, password_stdin: bool, database_url: str | None) -> None:
    """Set a new password for NAME (signs out the user's sessions)."""
    engine = engine_for(settings_for(database_url))
    try:
        if not store.get_user(engine, name):
            raise click.ClickException(f"There is no user named {name!r}")
        auth.set_password(engine, name, read_password(password_stdin, "New password"))
    except (ValueError, store.PerformanceDbError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Changed the password of {name!r}.")


@user.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(["viewer", "editor", "admin"]))
@database_url_option
def user_role(name: str, role: str, database_url: str | None) -> None:
    """Give NAME another role (counts from the user's next request)."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        users = store.list_users(engine)
        target = next((u for u in users if u["username"] == name), None)
        if target is not None and target["artists"] and role != auth.SCOPED_ROLE:
            raise click.ClickException(
                f"{name!r} is limited to artists ({', '.join(target['artists'])}) and stays a "
                "viewer: artist-scoped accounts only read"
            )
        if not store.update_user(engine, name, role=role):
            raise click.ClickException(f"There is no user named {name!r}")
    click.echo(f"{name!r} is now {role}.")


@user.command("artists")
@click.argument("name")
@click.option(
    "--artist",
    multiple=True,
    help="Limit NAME to this artist's releases (repeat for several; replaces the ones set).",
)
@click.option(
    "--whole-catalog",
    is_flag=True,
    help="Lift the limit: NAME reads every release again.",
)
@database_url_option
def user_artists(
    name: str, artist: tuple[str, ...], whole_catalog: bool, database_url: str | None
) -> None:
    """Change which artists' releases NAME reads (counts from the user's next request)."""
    if bool(artist) == whole_catalog:
        raise click.UsageError("Give --artist (one or more) or --whole-catalog, not both")
    engine = engine_for(settings_for(database_url))
    try:
        names = auth.set_user_artists(engine, name, artist)
    except (ValueError, store.PerformanceDbError) as exc:
        raise click.ClickException(str(exc)) from None
    reads = f"only {', '.join(names)}" if names else "the whole catalog"
    click.echo(f"{name!r} now reads {reads}.")


@user.command("remove")
@click.argument("name")
@database_url_option
def user_remove(name: str, database_url: str | None) -> None:
    """Delete user NAME (their sessions stop working at once)."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        if not store.delete_user(engine, name):
            raise click.ClickException(f"There is no user named {name!r}")
    click.echo(f"Removed user {name!r}.")


@user.command("sign-out")
@click.argument("name")
@database_url_option
def user_sign_out(name: str, database_url: str | None) -> None:
    """End every session of NAME at once, in every worker (a lost laptop, a shared screen)."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        if not any(row["username"] == name for row in store.list_users(engine)):
            raise click.ClickException(f"There is no user named {name!r}")
        ended = store.end_user_sessions(engine, name)
    click.echo(f"Signed out {name!r}: {ended} session{'' if ended == 1 else 's'} ended.")


def _last_seen(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "-"
    minutes = max(0, int((now - when).total_seconds() // 60))
    if minutes < 1:
        return "last seen just now"
    if minutes < 120:
        return f"last seen {minutes} min ago"
    return f"last seen {when:%Y-%m-%d %H:%M} UTC"


@user.command("list")
@database_url_option
def user_list(database_url: str | None) -> None:
    """List users and roles (never passwords), with their active sessions and the artists a
    user is limited to."""
    settings = settings_for(database_url)
    engine = engine_for(settings)
    idle = timedelta(minutes=settings.session_idle_minutes)
    with db_errors():
        rows = store.list_users(engine)
        active = store.sessions_by_user(engine, idle=idle)
    if not rows:
        click.echo("No users: `perfdash run` on 127.0.0.1 needs no sign-in.")
    now = datetime.now(UTC)
    for row in rows:
        count, seen = active.get(row["username"], (0, None))
        sessions = f"{count} active session{'' if count == 1 else 's'}"
        if count:
            sessions += f", {_last_seen(seen, now)}"
        click.echo(f"{row['username']}\t{row['role']}\t{sessions}{_scope(row)}")
