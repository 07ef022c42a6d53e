"""``perfdash release archive|restore|delete KEY``: take a release out of sight, bring it back,
or delete it with its readings (after saying how many go)."""

from __future__ import annotations

import click

from perfdash import store
from perfdash.cli.common import database_url_option, db_errors, engine_for, settings_for


@click.group("release")
def release() -> None:
    """Archive, restore or delete a release by its key."""


def _find(engine, key: str) -> dict:
    found = store.get_release_by_key(engine, key)
    if found is None:
        raise click.ClickException(f"No release with key {key!r}")
    return found


@release.command("archive")
@click.argument("key")
@database_url_option
def archive(key: str, database_url: str | None) -> None:
    """Hide KEY from pickers and the leaderboard; it keeps every reading."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        found = _find(engine, key)
        store.set_release_archived(engine, found["id"], True)
    click.echo(f"Archived {key}: kept with its readings, hidden from pickers and the leaderboard.")


@release.command("restore")
@click.argument("key")
@database_url_option
def restore(key: str, database_url: str | None) -> None:
    """Bring an archived KEY back into pickers and the leaderboard."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        found = _find(engine, key)
        store.set_release_archived(engine, found["id"], False)
    click.echo(f"Restored {key}.")


@release.command("delete")
@click.argument("key")
@click.option("--yes", is_flag=True, help="Do not ask; delete at once.")
@database_url_option
def delete(key: str, yes: bool, database_url: str | None) -> None:
    """Delete KEY and every reading of it (asks first, naming how many readings go)."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        found = _find(engine, key)
        readings = store.count_metrics(engine, found["id"])
        question = f"Delete {key} and its {readings:,} reading(s)? This cannot be undone"
        if not yes and not click.confirm(question, default=False):
            raise click.ClickException("Nothing was deleted.")
        store.delete_release(engine, found["id"])
    click.echo(f"Deleted {key} and its {readings:,} reading(s).")
